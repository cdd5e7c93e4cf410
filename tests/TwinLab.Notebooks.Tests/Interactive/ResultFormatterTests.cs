using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using TwinLab.Core.Distributions;
using TwinLab.Core.Library;
using TwinLab.Core.Modelling;
using TwinLab.Governance.Cards;
using TwinLab.Interactive;
using TwinLab.Notebooks.Documents;
using TwinLab.Notebooks.Running;
using TwinLab.Simulation;
using TwinLab.Simulation.Ensembles;
using TwinLab.Synthetic.Evaluation;
using TwinLab.TestSupport;

namespace TwinLab.Notebooks.Tests.Interactive;

public sealed class ResultFormatterTests
{
    private sealed record Visit(string Arm, int Day, double Volume, bool Responder);

    private static readonly FormatterRegistry Registry = new();

    [Fact]
    public void Models_show_equations_as_latex_and_mathjax_html_with_a_parameter_table()
    {
        var model = ModelLibrary.Get("simeoni-2004");
        var bundle = Registry.Format(model);
        Assert.Equal([MimeTypes.Html, MimeTypes.Latex, MimeTypes.PlainText], bundle.Keys);
        Assert.StartsWith("$$", bundle[MimeTypes.Latex], StringComparison.Ordinal);
        var html = bundle[MimeTypes.Html];
        // MathJax typesets $$...$$ in HTML outputs; the LaTeX inside is HTML-encoded text.
        Assert.Contains("<div class=\"twinlab-equations\">$$", html, StringComparison.Ordinal);
        Assert.Contains("<th>parameter</th><th>value</th><th>unit</th><th>bounds</th><th>prior</th>", html, StringComparison.Ordinal);
        foreach (var p in model.Parameters)
        {
            Assert.Contains($"<td>{System.Net.WebUtility.HtmlEncode(p.Name)}</td>", html, StringComparison.Ordinal);
        }
        // Simeoni's growth and drug-effect parameters cite the paper, listed once as reference 1.
        Assert.Contains("<th>reference</th>", html, StringComparison.Ordinal);
        Assert.Contains("<td>[1]</td>", html, StringComparison.Ordinal);
        Assert.Equal(1, Regex.Count(html, "doi.org/10.1158/0008-5472.CAN-03-2524"));
        Assert.Contains("<tr><th>support</th><td>[0, ∞]</td></tr>", Registry.Format(model.Parameters[1].Prior)[MimeTypes.Html], StringComparison.Ordinal);
        Assert.Equal(MimeTypes.Html, Registry.PreferredMimeType(model.GetType()));
    }

    [Fact]
    public void Model_references_and_dois_are_listed()
    {
        var model = ModelLibrary.All.First(m => m.References.Any(r => r.Doi is not null));
        var html = Registry.Format(model)[MimeTypes.Html];
        var doi = model.References.First(r => r.Doi is not null).Doi!;
        Assert.Contains($"https://doi.org/{System.Net.WebUtility.HtmlEncode(doi)}", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Solutions_show_a_summary_and_a_chart_of_the_trajectories()
    {
        var model = ModelLibrary.Get("simeoni-2004");
        var solution = new OdeProblem(model, (0, 20), saveAt: [0, 5, 10, 15, 20]).Solve(new Tsit5());
        var html = Registry.Format(solution)[MimeTypes.Html];
        Assert.Contains("Solution of", html, StringComparison.Ordinal);
        Assert.Contains("<div class=\"twinlab-chart\"", html, StringComparison.Ordinal);
        Assert.Equal(model.States.Count, Regex.Count(html, "<polyline"));
    }

    [Fact]
    public void Ensembles_show_fan_charts_and_name_the_states_without_one()
    {
        var model = ModelLibrary.Get("simeoni-2004");
        var patients = PatientTable.LogNormal(model, 64, cv: 0.2, seed: 7);
        var grid = Enumerable.Range(0, 11).Select(i => 2.0 * i).ToArray();
        var stored = new OdeProblem(model, (0, 20), saveAt: grid).Ensemble(patients).Solve(new Tsit5());
        var html = Registry.Format(stored)[MimeTypes.Html];
        Assert.Contains("Ensemble of", html, StringComparison.Ordinal);
        Assert.Equal(Math.Min(ResultFormatters.MaximumFanCharts, model.States.Count), Regex.Count(html, "<div class=\"twinlab-chart\""));
        Assert.DoesNotContain("NaN", html, StringComparison.Ordinal);

        var reduced = new OdeProblem(model, (0, 20), saveAt: grid).Ensemble(patients)
            .Solve(new Tsit5(), new EnsembleOptions { StoreTrajectories = false, Reducers = [EnsembleReducer.Quantiles("x1")] });
        var fan = Registry.Format(reduced)[MimeTypes.Html];
        Assert.Equal(1, Regex.Count(fan, "<div class=\"twinlab-chart\""));
        Assert.Contains("No fan chart for", fan, StringComparison.Ordinal);
        Assert.Contains("EnsembleReducer.Quantiles", fan, StringComparison.Ordinal);
    }

    [Fact]
    public void Record_tables_show_column_types_the_first_rows_and_a_summary_of_all_rows()
    {
        var visits = Enumerable.Range(0, 45).Select(i => new Visit(i % 3 == 0 ? "A" : "B", i, i == 7 ? double.NaN : 0.5 * i, i % 2 == 0)).ToList();
        var html = Registry.Format(visits)[MimeTypes.Html];
        Assert.Contains("<th>Arm <small>string</small></th><th>Day <small>int</small></th><th>Volume <small>double</small></th><th>Responder <small>bool</small></th>", html, StringComparison.Ordinal);
        Assert.Contains("… 25 more rows", html, StringComparison.Ordinal);
        Assert.Equal(Registry.MaximumTableRows + 1 + 1 + 4 + 1, Regex.Count(html, "<tr>"));
        Assert.Contains("Summary of all 45 rows", html, StringComparison.Ordinal);
        // Volume: 44 finite values and one NaN, counted as missing.
        Assert.Contains("<td>Volume</td><td>double</td><td>44</td><td>1</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>Arm</td><td>string</td><td>45</td><td>0</td><td></td><td></td><td></td><td></td><td></td><td>2</td><td>B (30)</td>", html, StringComparison.Ordinal);
        // Small tables are read at a glance: no summary below ten rows.
        Assert.DoesNotContain("Summary of all", Registry.Format(visits.Take(TableHtml.SummaryMinimumRows - 1).ToList())[MimeTypes.Html], StringComparison.Ordinal);
        Assert.Contains("Summary of all", Registry.Format(visits.Take(TableHtml.SummaryMinimumRows).ToList())[MimeTypes.Html], StringComparison.Ordinal);
    }

    [Fact]
    public void Column_summaries_agree_with_numpy()
    {
        var values = Enumerable.Range(0, 101).Select(i => Math.Exp(Math.Sin(i * 0.37)) * 1000 + i).Append(double.NaN).Append(double.PositiveInfinity).ToArray();
        var s = TableHtml.Summarise(values);
        var finite = values.Where(double.IsFinite).ToArray();
        var reference = DebianPython.Run("""
            import sys, json, numpy as np
            x = np.array(json.load(sys.stdin))
            print(json.dumps([float(x.mean()), float(x.std(ddof=1)), float(x.min()), float(np.median(x)), float(x.max())]))
            """, JsonSerializer.Serialize(finite));
        var expected = JsonSerializer.Deserialize<double[]>(reference)!;
        Assert.Equal(101, s.Count);
        Assert.Equal(2, s.Missing);
        // Two-pass sums over 101 values of order 1e3 agree with NumPy's pairwise sums to ~1e-13 relative.
        Assert.Equal(expected[0], s.Mean, 1e-9);
        Assert.Equal(expected[1], s.StandardDeviation, 1e-9);
        Assert.Equal(expected[2], s.Minimum);
        Assert.Equal(expected[3], s.Median);
        Assert.Equal(expected[4], s.Maximum);
    }

    [Fact]
    public void Numeric_collections_are_summarised_over_all_values()
    {
        var registry = new FormatterRegistry { MaximumItems = 3 };
        var html = registry.Format(new[] { 4.0, 1, double.NaN, 3, 2 })[MimeTypes.Html];
        Assert.Contains("… 2 more", html, StringComparison.Ordinal);
        Assert.Contains("All 5 values: n = 4, non-finite 1, mean 2.5, sd 1.29099, min 1, median 2.5, max 4", html, StringComparison.Ordinal);
        Assert.Contains("mean 2, sd 1, min 1, median 2, max 3", registry.Format(new List<int> { 1, 2, 3 })[MimeTypes.Html], StringComparison.Ordinal);
        Assert.DoesNotContain("values: n", registry.Format(new[] { "a", "b" })[MimeTypes.Html], StringComparison.Ordinal);
    }

    [Fact]
    public void Patient_tables_show_their_description_first_patients_and_summaries()
    {
        var model = ModelLibrary.Get("simeoni-2004");
        var table = PatientTable.LogNormal(model, 1000, cv: 0.3, seed: 11, parameters: ["lambda_0", "k_2"]);
        var bundle = Registry.Format(table);
        var html = bundle[MimeTypes.Html];
        Assert.Contains(System.Net.WebUtility.HtmlEncode(table.Description), html, StringComparison.Ordinal);
        Assert.Contains("PatientTable (1,000 patients, 2 columns)", html, StringComparison.Ordinal);
        Assert.Contains("… 980 more rows", html, StringComparison.Ordinal);
        Assert.Contains("<td>lambda_0</td><td>double</td><td>1000</td><td>0</td>", html, StringComparison.Ordinal);
        Assert.StartsWith("PatientTable: 1000 patients", bundle.PlainText, StringComparison.Ordinal);
        Assert.True(html.Length < 20_000, $"{html.Length} characters for a 1000-patient table");
    }

    [Fact]
    public void Distributions_show_a_density_plot()
    {
        var distribution = Prior.LogNormal(median: 0.1, sigma: 0.3);
        var html = Registry.Format(distribution)[MimeTypes.Html];
        Assert.Contains(System.Net.WebUtility.HtmlEncode(distribution.ToString()), html, StringComparison.Ordinal);
        Assert.Contains("<div class=\"twinlab-chart\"", html, StringComparison.Ordinal);
        var chart = ResultFormatters.DensityChart(distribution);
        var line = Assert.IsType<LineTrace>(Assert.Single(chart.Traces));
        Assert.Equal(ResultFormatters.DensityPoints, line.X.Count);
        Assert.Equal(distribution.Quantile(0.0005), line.X[0], 12);
        Assert.Equal(distribution.Quantile(0.9995), line.X[^1], 12);
        for (var i = 0; i < line.X.Count; i += 50)
        {
            Assert.Equal(distribution.Density(line.X[i]), line.Y[i]);
        }
        // The curve integrates to the probability between its ends, 0.999 (trapezoid rule on 200 intervals: the
        // error is far below the 1e-3 allowed).
        var area = Enumerable.Range(1, line.X.Count - 1).Sum(i => 0.5 * (line.Y[i] + line.Y[i - 1]) * (line.X[i] - line.X[i - 1]));
        Assert.Equal(0.999, area, 1e-3);
    }

    [Fact]
    public void Preferred_mime_types_follow_the_most_specific_registration()
    {
        var registry = new FormatterRegistry();
        Assert.Equal(MimeTypes.Html, registry.PreferredMimeType(typeof(Chart)));
        Assert.Equal(MimeTypes.Html, registry.PreferredMimeType(typeof(Normal)));
        Assert.Equal(MimeTypes.PlainText, registry.PreferredMimeType(typeof(string)));
        Assert.Equal(MimeTypes.Html, registry.PreferredMimeType(typeof(List<int>)));
        Assert.Equal(MimeTypes.Latex, registry.PreferredMimeType(typeof(Latex)));
        Assert.Equal(MimeTypes.PlainText, registry.PreferredMimeType(typeof(Guid)));
        registry.SetPreferredMimeType<Chart>(MimeTypes.Svg);
        Assert.Equal(MimeTypes.Svg, registry.PreferredMimeType(typeof(Chart)));
        registry.SetPreferredMimeType<Distribution>(MimeTypes.PlainText);
        Assert.Equal(MimeTypes.PlainText, registry.PreferredMimeType(typeof(Normal)));
        registry.SetPreferredMimeType<Normal>(MimeTypes.Html);
        Assert.Equal(MimeTypes.Html, registry.PreferredMimeType(typeof(Normal)));
        registry.Reset();
        Assert.Equal(MimeTypes.Html, registry.PreferredMimeType(typeof(Chart)));
        Assert.Throws<ArgumentException>(() => registry.SetPreferredMimeType<Chart>("html"));
    }

    [Fact]
    public void Each_type_gets_its_own_set_of_mime_types()
    {
        Assert.Equal([MimeTypes.Html, MimeTypes.Latex, MimeTypes.PlainText], Registry.Format(ModelLibrary.Get("simeoni-2004")).Keys);
        Assert.Equal(new HashSet<string> { MimeTypes.Plotly, MimeTypes.Svg, MimeTypes.Html, MimeTypes.PlainText }, Registry.MimeTypesFor(typeof(Chart)).ToHashSet());
        Assert.Equal([MimeTypes.Html, MimeTypes.PlainText], Registry.Format(Prior.Normal(0, 1)).Keys);
        Assert.Equal([MimeTypes.Html, MimeTypes.PlainText], Registry.Format(new[] { new Visit("A", 1, 2, true) }).Keys);
        Assert.Equal([MimeTypes.PlainText], Registry.Format("text").Keys);
    }

    [Fact]
    public void The_polyglot_bridge_registers_twinlab_types_through_a_formatter_api_of_the_net_interactive_shape()
    {
        StandInFormatter.Registrations.Clear();
        StandInFormatter.Preferences.Clear();
        var count = PolyglotFormatters.Register(typeof(StandInFormatter), new FormatterRegistry());
        Assert.Equal(StandInFormatter.Registrations.Count, count);
        Assert.Contains((typeof(Chart), MimeTypes.Plotly), StandInFormatter.Registrations.Select(r => (r.Type, r.MimeType)));
        Assert.Contains((typeof(Model), MimeTypes.Latex), StandInFormatter.Registrations.Select(r => (r.Type, r.MimeType)));
        Assert.Contains((typeof(Distribution), MimeTypes.Html), StandInFormatter.Registrations.Select(r => (r.Type, r.MimeType)));
        // Only TwinLab's types: collections and strings keep .NET Interactive's own formatting.
        Assert.All(StandInFormatter.Registrations, r => Assert.StartsWith("TwinLab.", r.Type.Namespace, StringComparison.Ordinal));
        Assert.Equal(MimeTypes.Html, StandInFormatter.Preferences[typeof(Chart)]);

        var html = StandInFormatter.Registrations.First(r => r.Type == typeof(Model) && r.MimeType == MimeTypes.Html);
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        html.Formatter(ModelLibrary.Get("simeoni-2004"), writer);
        Assert.StartsWith("<div class=\"twinlab-model\">", writer.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Outside_polyglot_the_bridge_says_where_it_works()
    {
        var e = Assert.Throws<InvalidOperationException>(() => PolyglotFormatters.Register());
        Assert.Contains(PolyglotFormatters.FormatterTypeName, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_extension_dib_compiles_against_twinlab_interactive()
    {
        var dib = Path.Combine(DebianPython.RepositoryRoot, "src", "TwinLab.Interactive", "Polyglot", "extension.dib");
        var notebook = DibFormat.Read(dib);
        var code = Assert.Single(notebook.Cells, c => c.Kind == CellKind.Code);
        Assert.Contains("PolyglotFormatters.Register()", code.Source, StringComparison.Ordinal);
        var run = NotebookRunner.Run(notebook, new RunOptions { AllowErrors = true });
        // It compiles and runs; without .NET Interactive loaded, the one failure is the bridge's own explanation.
        var failure = Assert.Single(run.Failures);
        Assert.Equal(nameof(InvalidOperationException), failure.Error.Name);
        Assert.Contains(PolyglotFormatters.FormatterTypeName, failure.Error.Value, StringComparison.Ordinal);
    }

    /// <summary>A class with the static formatter methods of Microsoft.DotNet.Interactive.Formatting.Formatter (as
    /// published), recording what is registered.</summary>
    private static class StandInFormatter
    {
        public static List<(Type Type, Action<object, TextWriter> Formatter, string MimeType)> Registrations { get; } = [];

        public static Dictionary<Type, string> Preferences { get; } = [];

        public static void Register(Type type, Action<object, TextWriter> formatter, string mimeType = "text/plain", bool addToDefaults = false) =>
            Registrations.Add((type, formatter, mimeType));

        public static void SetPreferredMimeTypeFor(Type type, string preferredMimeType, bool addToDefaults = false) =>
            Preferences[type] = preferredMimeType;
    }

    [Fact]
    public void Quality_reports_show_a_scorecard_a_column_chart_and_every_score()
    {
        static TabularData Table(int seed, double shift)
        {
            var random = new Random(seed);
            var x = Enumerable.Range(0, 200).Select(_ => shift + random.NextDouble()).ToArray();
            var y = Enumerable.Range(0, 200).Select(_ => random.NextDouble()).ToArray();
            var group = Enumerable.Range(0, 200).Select(i => i % 3 == 0 ? "B" : "A").ToArray();
            return new TabularData([TabularColumn.Numeric("x", x), TabularColumn.Numeric("y", y), TabularColumn.Categorical("group", group)]);
        }
        var report = QualityReport.Evaluate(new EvaluationData(Table(1, 0), Table(2, 0.5)),
            new QualityReportOptions { Detection = false, MaximumMeanDiscrepancy = false, AlphaPrecision = false });
        var bundle = Registry.Format(report);
        Assert.Equal(MimeTypes.Html, Registry.PreferredMimeType(report.GetType()));
        Assert.Equal(report.ToMarkdown(), bundle[MimeTypes.Markdown]);
        var html = bundle[MimeTypes.Html];
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"<b>Overall fidelity {report.OverallFidelity:G4}</b>"), html, StringComparison.Ordinal);
        // One bar per column's shape score (x and y by KSComplement, group by TVComplement), drawn as SVG first.
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Contains("column shapes (1 = identical marginals)", html, StringComparison.Ordinal);
        // Every score is a table row (fewer than the registry's row limit here).
        Assert.True(report.Scores.Count <= Registry.MaximumTableRows);
        Assert.Equal(report.Scores.Count, Regex.Count(html, "<tr><td>"));
        // The shifted column scores low: uniform samples shifted by half their width have KS statistic 0.5 in the limit.
        Assert.True(report.Find("KSComplement", "x").Single().Value < 0.6);
    }

    [Fact]
    public void Credibility_reports_display_as_markdown_with_their_gaps()
    {
        var report = new CredibilityReport("Gompertz twin", "Does the schedule delay progression?", "Ranking schedules in a preclinical study", Level.Medium, Level.High,
        [
            new LayerAssessment(TwinLayer.MechanisticCore, "Gompertz ODE.",
            [
                new FactorAssessment(CredibilityFactor.NumericalSolverError, 3, 3, [new Evidence("Solver against closed form", "tests")]),
                new FactorAssessment(CredibilityFactor.ModelForm, 4, 2, [new Evidence("Fits published growth curves", "doi:10.1371/journal.pcbi.1003800")]),
            ]),
        ]);
        var bundle = Registry.Format(report);
        Assert.Equal(MimeTypes.Markdown, Registry.PreferredMimeType(report.GetType()));
        Assert.Equal(report.ToMarkdown(), bundle[MimeTypes.Markdown]);
        Assert.Contains("# Gompertz twin", bundle[MimeTypes.Markdown], StringComparison.Ordinal);
        Assert.Contains("achieved 2, target 4", bundle[MimeTypes.Markdown], StringComparison.Ordinal);
    }
}
