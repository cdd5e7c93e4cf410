using System.Globalization;
using System.Net;
using System.Text;
using TwinLab.Core.Distributions;
using TwinLab.Core.Modelling;
using TwinLab.Simulation;
using TwinLab.Simulation.Ensembles;

namespace TwinLab.Interactive;

/// <summary>The HTML views of TwinLab's own results: models, solutions, ensembles and distributions. Charts inside them
/// are <see cref="ChartHtml"/> fragments: SVG first, interactive where plotly.js can be loaded.</summary>
internal static class ResultFormatters
{
    /// <summary>The most fan charts an ensemble shows (one per state, in the model's order).</summary>
    public const int MaximumFanCharts = 3;

    /// <summary>The points of a density curve.</summary>
    public const int DensityPoints = 201;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Number(double value) => value switch
    {
        double.NaN => "—",
        double.PositiveInfinity => "∞",
        double.NegativeInfinity => "−∞",
        _ => value.ToString("G6", Invariant),
    };

    /// <summary>A model: name, description, equations as LaTeX between <c>$$</c> (typeset by MathJax in Jupyter, which
    /// typesets HTML outputs), and tables of states, parameters (value, unit, bounds, prior, and the number of the
    /// reference it comes from), observables and treatments, then the numbered references and the model's digest.</summary>
    public static string ModelHtml(Model model)
    {
        var sb = new StringBuilder();
        sb.Append("<div class=\"twinlab-model\">");
        sb.Append("<h4>").Append(Encode(model.Name)).Append(' ').Append(Encode(model.Version)).Append("</h4>");
        if (model.Description.Length > 0)
        {
            sb.Append("<p>").Append(Encode(model.Description)).Append("</p>");
        }
        sb.Append("<div class=\"twinlab-equations\">$$").Append(Encode(model.ToLatex())).Append("$$</div>");
        sb.Append("<table class=\"twinlab-table\"><caption>States</caption><thead><tr><th>state</th><th>initial</th><th>unit</th><th>description</th></tr></thead><tbody>");
        foreach (var s in model.States)
        {
            sb.Append("<tr><td>").Append(Encode(s.Name)).Append("</td><td>").Append(Encode(s.Initial.ToString()))
              .Append("</td><td>").Append(Encode(s.Unit)).Append("</td><td>").Append(Encode(s.Description)).Append("</td></tr>");
        }
        sb.Append("</tbody></table>");
        // References are numbered once: the model's, then any further ones its parameters cite; parameters point to them.
        var references = model.References.Concat(model.Parameters.Select(p => p.Reference).OfType<Reference>()).Distinct().ToList();
        var cited = model.Parameters.Any(p => p.Reference is not null);
        sb.Append("<table class=\"twinlab-table\"><caption>Parameters</caption><thead><tr><th>parameter</th><th>value</th><th>unit</th><th>bounds</th><th>prior</th><th>description</th>");
        if (cited)
        {
            sb.Append("<th>reference</th>");
        }
        sb.Append("</tr></thead><tbody>");
        foreach (var p in model.Parameters)
        {
            sb.Append("<tr><td>").Append(Encode(p.Name)).Append("</td><td>").Append(Number(p.Value))
              .Append("</td><td>").Append(Encode(p.Unit)).Append("</td><td>[").Append(Number(p.Lower)).Append(", ").Append(Number(p.Upper))
              .Append("]</td><td>").Append(Encode(p.Prior?.ToString() ?? "—")).Append("</td><td>").Append(Encode(p.Description)).Append("</td>");
            if (cited)
            {
                sb.Append("<td>").Append(p.Reference is null ? "" : $"[{(references.IndexOf(p.Reference) + 1).ToString(Invariant)}]").Append("</td>");
            }
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table>");
        if (model.Observables.Count > 0)
        {
            sb.Append("<table class=\"twinlab-table\"><caption>Observables</caption><thead><tr><th>observable</th><th>definition</th><th>unit</th><th>description</th></tr></thead><tbody>");
            foreach (var o in model.Observables)
            {
                sb.Append("<tr><td>").Append(Encode(o.Name)).Append("</td><td>").Append(Encode(o.Expression.ToString())).Append("</td><td>")
                  .Append(Encode(o.Unit)).Append("</td><td>").Append(Encode(o.Description)).Append("</td></tr>");
            }
            sb.Append("</tbody></table>");
        }
        if (model.Treatments.Count > 0)
        {
            sb.Append("<p><b>Treatments:</b> ").Append(string.Join("; ", model.Treatments.Select(t => Encode(t.ToString() ?? "")))).Append("</p>");
        }
        if (references.Count > 0)
        {
            sb.Append("<p><b>References</b></p><ol class=\"twinlab-references\">");
            foreach (var r in references)
            {
                sb.Append("<li>").Append(Reference(r)).Append("</li>");
            }
            sb.Append("</ol>");
        }
        sb.Append("<p><small>Digest ").Append(Encode(model.Digest)).Append("</small></p>");
        sb.Append("</div>");
        return sb.ToString();
    }

    /// <summary>A citation, with its DOI as a link.</summary>
    private static string Reference(Reference reference) => reference.Doi is null
        ? Encode(reference.Citation)
        : $"{Encode(reference.Citation)} <a href=\"https://doi.org/{Encode(reference.Doi)}\">doi:{Encode(reference.Doi)}</a>";

    /// <summary>A solution: how the solve ended, what it cost, each state at the start and end, and a chart of the
    /// trajectories.</summary>
    public static string SolutionHtml(Solution solution)
    {
        var model = solution.Model;
        var sb = new StringBuilder();
        sb.Append("<div class=\"twinlab-solution\"><table class=\"twinlab-table\"><caption>Solution of ")
          .Append(Encode(model.Name)).Append(' ').Append(Encode(model.Version)).Append("</caption><tbody>");
        void Row(string name, string value) => sb.Append("<tr><th>").Append(name).Append("</th><td>").Append(value).Append("</td></tr>");
        Row("status", Encode(solution.Status.ToString()) + (solution.Message.Length > 0 ? " — " + Encode(solution.Message) : ""));
        Row("algorithm", Encode(solution.Algorithm));
        Row("time span", $"[{Number(solution.Problem.Start)}, {Number(solution.Problem.End)}]");
        Row("saved points", solution.Count.ToString(Invariant));
        var st = solution.Statistics;
        Row("steps", string.Create(Invariant, $"{st.AcceptedSteps} accepted, {st.RejectedSteps} rejected"));
        Row("f evaluations", st.FunctionEvaluations.ToString(Invariant));
        if (solution.Events.Count > 0)
        {
            Row("events", string.Join(", ", solution.Events.Select(e => Encode(e.Name) + " at t = " + Number(e.Time))));
        }
        sb.Append("</tbody></table>");
        if (solution.Count > 0)
        {
            sb.Append("<table class=\"twinlab-table\"><thead><tr><th>state</th><th>t = ").Append(Number(solution.Times[0]))
              .Append("</th><th>t = ").Append(Number(solution.Times[^1])).Append("</th></tr></thead><tbody>");
            for (var s = 0; s < model.States.Count; s++)
            {
                sb.Append("<tr><td>").Append(Encode(model.States[s].Name)).Append("</td><td>").Append(Number(solution[0, s]))
                  .Append("</td><td>").Append(Number(solution[solution.Count - 1, s])).Append("</td></tr>");
            }
            sb.Append("</tbody></table>");
        }
        if (solution.Count > 1)
        {
            sb.Append(ChartHtml.Fragment(Charts.Trajectories(solution)));
        }
        sb.Append("</div>");
        return sb.ToString();
    }

    /// <summary>An ensemble: a summary (trajectories, outcomes by status, algorithm, saved times) and fan charts of the
    /// first <see cref="MaximumFanCharts"/> states that have quantiles (stored trajectories or a quantile reducer); states
    /// left without a chart are named. The engine, thread count, step counts and timing are left out: they depend on
    /// the machine, and a re-executed notebook must reproduce its outputs elsewhere.</summary>
    public static string EnsembleHtml(EnsembleSolution ensemble)
    {
        var model = ensemble.Model;
        var sb = new StringBuilder();
        sb.Append("<div class=\"twinlab-ensemble\"><table class=\"twinlab-table\"><caption>Ensemble of ")
          .Append(Encode(model.Name)).Append(' ').Append(Encode(model.Version)).Append("</caption><tbody>");
        void Row(string name, string value) => sb.Append("<tr><th>").Append(name).Append("</th><td>").Append(value).Append("</td></tr>");
        Row("trajectories", ensemble.Count.ToString("N0", Invariant));
        var byStatus = ensemble.Statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count().ToString("N0", Invariant)}");
        Row("status", Encode(string.Join(", ", byStatus)));
        Row("failed", ensemble.Failed.ToString("N0", Invariant));
        Row("algorithm", Encode(ensemble.Algorithm));
        Row("saved times", ensemble.Times.Count == 0 ? "none" : $"{ensemble.Times.Count.ToString(Invariant)} in [{Number(ensemble.Times[0])}, {Number(ensemble.Times[^1])}]");
        Row("trajectories stored", ensemble.HasTrajectories ? "yes" : "no (reducers only)");
        sb.Append("</tbody></table>");
        var drawn = new List<string>();
        var without = new List<string>();
        foreach (var state in model.States.Select(s => s.Name))
        {
            if (drawn.Count == MaximumFanCharts || ensemble.Times.Count < 2)
            {
                without.Add(state);
                continue;
            }
            Chart chart;
            try
            {
                chart = Charts.FanChart(ensemble, state);
            }
            catch (InvalidOperationException)
            {
                without.Add(state);
                continue;
            }
            sb.Append(ChartHtml.Fragment(chart));
            drawn.Add(state);
        }
        if (without.Count > 0)
        {
            sb.Append("<p><small>No fan chart for ").Append(Encode(string.Join(", ", without)))
              .Append(drawn.Count == MaximumFanCharts ? $" (at most {MaximumFanCharts} are shown; draw others with Charts.FanChart(ensemble, state))" : "")
              .Append(ensemble.HasTrajectories ? "" : "; without stored trajectories a state needs EnsembleReducer.Quantiles(state)")
              .Append(".</small></p>");
        }
        sb.Append("</div>");
        return sb.ToString();
    }

    /// <summary>An ensemble in one line, without the machine-dependent engine, step counts and timing.</summary>
    public static string EnsembleText(EnsembleSolution ensemble) => string.Create(Invariant,
        $"{ensemble.Model.Name} ensemble: {ensemble.Count} trajectories ({ensemble.Failed} failed), {ensemble.Algorithm}, {ensemble.Times.Count} saved times");

    /// <summary>A univariate distribution: its kind and parameters, mean, standard deviation, support, median and central
    /// 95 % interval, and a density plot over its central 99.9 %.</summary>
    public static string DistributionHtml(Distribution distribution)
    {
        var sb = new StringBuilder("<div class=\"twinlab-distribution\"><table class=\"twinlab-table\"><caption>")
            .Append(Encode(distribution.ToString())).Append("</caption><tbody>");
        void Row(string name, string value) => sb.Append("<tr><th>").Append(name).Append("</th><td>").Append(value).Append("</td></tr>");
        Row("mean", Number(distribution.Mean));
        Row("sd", Number(distribution.StandardDeviation));
        Row("support", $"[{Number(distribution.Lower)}, {Number(distribution.Upper)}]");
        Row("median", Number(distribution.Quantile(0.5)));
        Row("95 % interval", $"[{Number(distribution.Quantile(0.025))}, {Number(distribution.Quantile(0.975))}]");
        sb.Append("</tbody></table>").Append(ChartHtml.Fragment(DensityChart(distribution))).Append("</div>");
        return sb.ToString();
    }

    /// <summary>The density of a distribution on <see cref="DensityPoints"/> evenly spaced points from its 0.05 % to
    /// its 99.95 % quantile.</summary>
    public static Chart DensityChart(Distribution distribution)
    {
        var lower = distribution.Quantile(0.0005);
        var upper = distribution.Quantile(0.9995);
        if (!(upper > lower))
        {
            throw new ArgumentException($"The distribution {distribution} has no spread to plot.", nameof(distribution));
        }
        var x = new double[DensityPoints];
        var y = new double[DensityPoints];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = lower + ((upper - lower) * i / (x.Length - 1));
            y[i] = distribution.Density(x[i]);
        }
        return new Chart { Title = distribution.ToString(), XTitle = "x", YTitle = "density", Height = 300 }
            .Add(new LineTrace(x, y, "density"));
    }
}
