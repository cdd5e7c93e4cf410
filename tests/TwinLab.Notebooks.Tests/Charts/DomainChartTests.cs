using System.Globalization;
using System.Text.Json;
using TwinLab.Core.Library;
using TwinLab.Interactive;
using TwinLab.Simulation;
using TwinLab.Simulation.Ensembles;
using TwinLab.TestSupport;
using static TwinLab.Notebooks.Tests.Charts.ChartAssert;
using DomainCharts = TwinLab.Interactive.Charts;

namespace TwinLab.Notebooks.Tests.Charts;

public sealed class DomainChartTests
{
    /// <summary>The 6-MP arm of Freireich et al. (Blood, 1963), weeks in remission; false marks a censored subject.</summary>
    private static readonly double[] SixMpWeeks = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35];

    private static readonly bool[] SixMpRelapse = [true, true, true, false, true, false, true, false, false, true, true, false, false, false, true, true, false, false, false, false, false];

    private static readonly double[] PlaceboWeeks = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23];

    private static double[] Normals(int n, int seed, double mean = 0, double sd = 1)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => mean + (sd * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())))];
    }

    [Fact]
    public void Fan_chart_draws_sampled_trajectories_when_stored()
    {
        var model = ModelLibrary.Get("kuznetsov");
        var problem = new OdeProblem(model, (0, 50), saveAt: [.. Enumerable.Range(0, 11).Select(i => i * 5.0)]).Ensemble(PatientTable.LogNormal(model, 24, 0.3, 3));
        var stored = problem.Solve(new Tsit5 { RelTol = 1e-6, AbsTol = 1e-6 }, new EnsembleOptions());
        var chart = DomainCharts.FanChart(stored, "T", spaghetti: 6);
        PlotlyFigure(chart);
        var svg = SvgImage(chart);
        Assert.Equal(3, Groups(svg, "trace band").Count());
        // Six thin trajectories (patients 0, 4, 8, ...) and the median.
        Assert.Equal(7, Groups(svg, "trace line").Count());
        Assert.Equal(stored.State(4, "T"), ((LineTrace)chart.Traces[4]).Y);
        Assert.Equal(["95 %", "80 %", "50 %", "trajectories", "median"], Group(svg, "legend").Elements(Svg + "text").Select(t => t.Value));
        var reduced = problem.Solve(new Tsit5 { RelTol = 1e-6, AbsTol = 1e-6 }, new EnsembleOptions { StoreTrajectories = false, Reducers = [EnsembleReducer.Quantiles("T")] });
        Assert.Throws<InvalidOperationException>(() => DomainCharts.FanChart(reduced, "T", spaghetti: 3));
    }

    [Fact]
    public void Fan_chart_of_arrays_uses_numpy_quantiles()
    {
        var random = new Random(3);
        double[] times = [0, 1, 2, 3];
        var trajectories = Enumerable.Range(0, 37).Select(_ => times.Select(t => Math.Exp(random.NextDouble() * t)).ToArray()).ToArray();
        trajectories[5][2] = double.NaN;
        var chart = DomainCharts.FanChart(times, trajectories, "volume", spaghetti: 4);
        PlotlyFigure(chart);
        var expected = JsonSerializer.Deserialize<double[][]>(DebianPython.Run(
            "import json,sys,numpy as np; a=np.array(json.load(sys.stdin),dtype=float); print(json.dumps([[float(np.nanpercentile(a[:,j],q)) for j in range(a.shape[1])] for q in (2.5,10,25,50,75,90,97.5)]))",
            JsonSerializer.Serialize(trajectories.Select(t => t.Select(v => double.IsNaN(v) ? (double?)null : v)))))!;
        var bands = chart.Traces.OfType<BandTrace>().ToArray();
        var median = (LineTrace)chart.Traces[^1];
        // Same interpolation rule as numpy's default; agreement to rounding.
        for (var j = 0; j < times.Length; j++)
        {
            Assert.Equal(expected[0][j], bands[0].Lower[j], 12);
            Assert.Equal(expected[6][j], bands[0].Upper[j], 12);
            Assert.Equal(expected[2][j], bands[2].Lower[j], 12);
            Assert.Equal(expected[3][j], median.Y[j], 12);
        }
        Assert.Equal(4, chart.Traces.Count(t => t is LineTrace { Opacity: < 1 }));
        Assert.Throws<ArgumentException>(() => DomainCharts.FanChart(times, [[1, 2]]));
    }

    [Fact]
    public void Observed_versus_simulated_marks_censored_observations_at_the_limit()
    {
        double[] simTimes = [0, 1, 2, 3, 4, 5];
        double[] sim = [10, 6, 3.6, 2.2, 1.3, 0.8];
        double[] obsTimes = [0.5, 1.5, 2.5, 3.5, 4.5];
        double[] obs = [8, 4.2, 2.9, double.NaN, 0.3];
        var chart = DomainCharts.ObservedVersusSimulated(simTimes, sim, obsTimes, obs, lowerLimit: 1,
            simulatedLower: [.. sim.Select(v => v * 0.8)], simulatedUpper: [.. sim.Select(v => v * 1.25)], quantity: "C (mg/L)", logY: true);
        var figure = PlotlyFigure(chart);
        Assert.Single(figure.GetProperty("layout").GetProperty("shapes").EnumerateArray());
        var svg = SvgImage(chart);
        var scatters = Groups(svg, "trace scatter").ToArray();
        Assert.Equal(3, WithClass(scatters[0], "marker").Count());
        var censored = WithClass(scatters[1], "marker").ToArray();
        Assert.Equal(2, censored.Length);
        Assert.All(censored, m => Assert.Equal("polygon", m.Name.LocalName));
        Assert.Single(Groups(svg, "trace band"));
        Assert.Single(WithClass(svg, "reference"));
        Assert.Contains("below limit (2)", Group(svg, "legend").Elements(Svg + "text").Select(t => t.Value));
        Assert.Throws<ArgumentException>(() => DomainCharts.ObservedVersusSimulated(simTimes, sim, obsTimes, obs));
        Assert.Throws<ArgumentException>(() => DomainCharts.ObservedVersusSimulated(simTimes, sim, obsTimes, obs, 1, simulatedLower: sim));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public void Corner_plot_of_d_parameters_has_d_times_d_plus_one_over_two_panels(int d)
    {
        var columns = Enumerable.Range(0, d).Select(k => Normals(200, 10 + k, k, 1 + k)).ToArray();
        var draws = Enumerable.Range(0, 200).Select(i => columns.Select(c => c[i]).ToArray()).ToList();
        draws.Add([.. Enumerable.Repeat(double.NaN, d)]);
        var names = Enumerable.Range(0, d).Select(k => "θ" + k.ToString(CultureInfo.InvariantCulture)).ToArray();
        double[] truth = [.. Enumerable.Range(0, d).Select(k => (double)k)];
        var chart = DomainCharts.CornerPlot(draws, names, truth, bins: 20);
        Assert.Contains("1 draw with non-finite values left out", chart.Title, StringComparison.Ordinal);
        var figure = PlotlyFigure(chart);
        var svg = SvgImage(chart);
        Assert.Equal(d * (d + 1) / 2, Panels(svg).Count());
        Assert.Equal(d, Groups(svg, "trace histogram").Count());
        var scatter = Groups(svg, "trace scatter").ToArray();
        // Each lower panel: the draws, then the truth marker.
        Assert.Equal(d * (d - 1), scatter.Length);
        Assert.Equal(d * (d - 1) / 2, scatter.Count(g => WithClass(g, "marker").Count() == 200));
        Assert.Equal(d + (d * (d - 1)), WithClass(svg, "reference").Count());
        Assert.Equal(d, figure.GetProperty("data").EnumerateArray().Count(t => t.GetProperty("type").GetString() == "histogram"));
        // Histogram counts of the diagonal: every finite draw is in a bin.
        Assert.All(chart.Traces.OfType<HistogramTrace>(), h => Assert.Equal(200, h.Counts.Sum()));
    }

    [Fact]
    public void Corner_plot_of_many_draws_uses_two_dimensional_histograms()
    {
        var a = Normals(2000, 1);
        var b = Normals(2000, 2);
        var chart = DomainCharts.CornerPlot([.. a.Select((v, i) => new[] { v, v + b[i] })], ["a", "b"], bins: 10);
        PlotlyFigure(chart);
        var heatmap = Assert.Single(chart.Traces.OfType<HeatmapTrace>());
        var total = 0.0;
        for (var r = 0; r < heatmap.Rows; r++)
        {
            for (var c = 0; c < heatmap.Columns; c++)
            {
                total += double.IsNaN(heatmap.Value(r, c)) ? 0 : heatmap.Value(r, c);
            }
        }
        Assert.Equal(2000, total);
        Assert.Empty(Groups(SvgImage(chart), "colorbar"));
        Assert.Throws<ArgumentException>(() => DomainCharts.CornerPlot([[1, 2], [3]], ["a", "b"]));
    }

    [Fact]
    public void Prior_versus_posterior_has_one_panel_per_parameter_with_kernel_densities()
    {
        var prior = Enumerable.Range(0, 300).Select(i => new[] { Normals(300, 1)[i], Normals(300, 2, 5, 3)[i] }).ToArray();
        var posterior = Enumerable.Range(0, 300).Select(i => new[] { Normals(300, 3, 1, 0.2)[i], Normals(300, 4, 4, 0.5)[i] }).ToArray();
        var chart = DomainCharts.PriorPosterior(prior, posterior, ["r", "K"], truth: [1.1, 4.2]);
        PlotlyFigure(chart);
        var svg = SvgImage(chart);
        Assert.Equal(2, Panels(svg).Count());
        Assert.Equal(["posterior", "prior"], Group(svg, "legend").Elements(Svg + "text").Select(t => t.Value));
        var posteriorLine = chart.Panels[1].Traces.OfType<LineTrace>().First();
        var k = posterior.Select(p => p[1]).ToArray();
        var expected = KernelDensity.Evaluate(k, KernelDensity.SilvermanBandwidth(k), posteriorLine.X);
        Assert.Equal(expected, posteriorLine.Y);
        // A density integrates to about 1 over a grid spanning the draws plus two bandwidths (trapezoid rule; the tails
        // beyond hold Φ(−2) ≈ 2.3 % at most on each side; the trapezoid rule on 256 points errs by far less than 1 %).
        var integral = Enumerable.Range(1, posteriorLine.X.Count - 1).Sum(i => (posteriorLine.X[i] - posteriorLine.X[i - 1]) * (posteriorLine.Y[i] + posteriorLine.Y[i - 1]) / 2);
        Assert.InRange(integral, 0.95, 1.01);
        Assert.Equal(2, WithClass(svg, "reference").Count());
    }

    [Fact]
    public void Sbc_rank_histograms_count_ranks_and_show_the_binomial_band()
    {
        var random = new Random(11);
        IReadOnlyList<int>[] ranks = [[.. Enumerable.Range(0, 400).Select(_ => random.Next(0, 100))], [.. Enumerable.Range(0, 400).Select(_ => random.Next(0, 30))]];
        var chart = DomainCharts.SbcRanks(ranks, posteriorDraws: 99, ["a", "b"], bins: 20);
        PlotlyFigure(chart);
        var histograms = chart.Traces.OfType<HistogramTrace>().ToArray();
        for (var k = 0; k < 2; k++)
        {
            var expected = new int[20];
            foreach (var r in ranks[k])
            {
                expected[r / 5]++;
            }
            Assert.Equal(expected, histograms[k].Counts);
        }
        var band = chart.Traces.OfType<BandTrace>().First();
        var quantiles = JsonSerializer.Deserialize<int[]>(DebianPython.Run(
            "import json; from scipy.stats import binom; print(json.dumps([int(binom.ppf(0.005, 400, 1/20)), int(binom.ppf(0.995, 400, 1/20))]))"))!;
        Assert.Equal(quantiles[0], band.Lower[0]);
        Assert.Equal(quantiles[1], band.Upper[0]);
        var svg = SvgImage(chart);
        Assert.Equal(2, Panels(svg).Count());
        Assert.Equal(20, Groups(svg, "trace histogram").First().Elements(Svg + "rect").Count());
        Assert.Throws<ArgumentException>(() => DomainCharts.SbcRanks(ranks, 99, ["a", "b"], bins: 7));
        Assert.Throws<ArgumentException>(() => DomainCharts.SbcRanks([[100]], 99, ["a"]));
        // By default: the divisor of 100 nearest to min(20, 400 / 5).
        Assert.Equal(20, DomainCharts.SbcRanks(ranks, 99, ["a", "b"]).Traces.OfType<HistogramTrace>().First().Bins);
    }

    [Fact]
    public void Binomial_quantiles_match_scipy()
    {
        (int N, double P, double Q)[] cases = [(400, 0.05, 0.005), (400, 0.05, 0.995), (50, 0.5, 0.5), (1000, 0.01, 0.995), (10000, 0.1, 0.005), (7, 0.9, 0.99)];
        var expected = JsonSerializer.Deserialize<int[]>(DebianPython.Run(
            "import json,sys; from scipy.stats import binom; print(json.dumps([int(binom.ppf(q,n,p)) for n,p,q in json.load(sys.stdin)]))",
            JsonSerializer.Serialize(cases.Select(c => new object[] { c.N, c.P, c.Q }))))!;
        Assert.Equal(expected, cases.Select(c => Binomial.Quantile(c.N, c.P, c.Q)));
    }

    [Fact]
    public void Coverage_curve_has_the_diagonal_and_a_band()
    {
        double[] levels = [0.1, 0.5, 0.9];
        var chart = DomainCharts.CoverageCurve(levels, [[0.12, 0.5, 0.88], [0.05, 0.3, 0.7]], ["NPE", "ABC"], simulations: 200);
        var layout = PlotlyFigure(chart).GetProperty("layout");
        Assert.Equal("x", layout.GetProperty("yaxis").GetProperty("scaleanchor").GetString());
        var svg = SvgImage(chart);
        Assert.Single(WithClass(svg, "reference"));
        Assert.Equal(2, Groups(svg, "trace line").Count());
        Assert.Equal(6, Groups(svg, "trace line").Sum(g => WithClass(g, "marker").Count()));
        var band = chart.Traces.OfType<BandTrace>().Single();
        // At level 0.5 with 200 simulations the 99 % band of the covered fraction is [82, 118] / 200 (scipy: binom.ppf).
        var half = band.X.ToList().IndexOf(0.5);
        Assert.Equal((0.41, 0.59), (band.Lower[half], band.Upper[half]));
        Assert.Throws<ArgumentException>(() => DomainCharts.CoverageCurve(levels, [[0.1, 0.5, 1.2]], ["bad"]));
    }

    [Fact]
    public void Calibration_plot_bins_predictions_with_wilson_intervals()
    {
        double[] predicted = [0.05, 0.1, 0.12, 0.5, 0.55, 0.58, 0.9, 0.95, 0.97, 0.99];
        bool[] observed = [false, false, true, true, false, true, true, true, true, false];
        var chart = DomainCharts.Calibration(predicted, observed, bins: 5);
        Assert.Equal("calibration (2 of 5 bins empty)", chart.Title);
        PlotlyFigure(chart);
        var points = chart.Traces.OfType<ScatterTrace>().Single();
        // Bins [0, 0.2): 0.05, 0.1, 0.12 (1 of 3); [0.4, 0.6): 0.5, 0.55, 0.58 (2 of 3); [0.8, 1]: 4 values (3 of 4).
        Assert.Equal([0.09, 0.5433333333, 0.9525], points.X.Select(v => Math.Round(v, 10)));
        Assert.Equal([1 / 3.0, 2 / 3.0, 0.75], points.Y);
        var svg = SvgImage(chart);
        Assert.Equal(3, WithClass(Group(svg, "trace scatter"), "marker").Count());
        Assert.Equal(3, WithClass(svg, "error-bar").Count());
        Assert.Single(WithClass(svg, "reference"));
        Assert.Throws<ArgumentException>(() => DomainCharts.Calibration([1.2], [true]));
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(0, 10)]
    [InlineData(81, 263)]
    [InlineData(10, 10)]
    public void Wilson_interval_ends_solve_the_score_equation(int k, int n)
    {
        // The Wilson interval is the set of p0 with |k/n − p0| ≤ z √(p0 (1 − p0) / n); its ends solve the equality.
        var (lower, upper) = DomainCharts.Wilson(k, n);
        const double z = 1.959963984540054;
        var p = (double)k / n;
        foreach (var end in new[] { lower, upper })
        {
            if (end is > 0 and < 1)
            {
                Assert.Equal(Math.Abs(p - end), z * Math.Sqrt(end * (1 - end) / n), 12);
            }
        }
        Assert.InRange(p, lower, upper);
    }

    [Fact]
    public void Fairness_bars_have_intervals_and_a_reference_line()
    {
        var chart = DomainCharts.FairnessBars(["female", "male", "≥ 65"], [0.8, 0.75, 0.7], [0.75, 0.7, 0.6], [0.85, 0.8, 0.78], reference: 0.76, metric: "AUROC");
        var figure = PlotlyFigure(chart);
        Assert.Equal(0.08, figure.GetProperty("data")[0].GetProperty("error_y").GetProperty("array")[2].GetDouble(), 9);
        var svg = SvgImage(chart);
        Assert.Equal(3, Group(svg, "trace bar").Elements(Svg + "rect").Count());
        Assert.Equal(3, WithClass(svg, "error-bar").Count());
        Assert.Single(WithClass(svg, "reference"));
        Assert.Equal(["female", "male", "≥ 65"], TickLabels(svg, "x-axis"));
    }

    [Fact]
    public void Forest_plot_has_one_row_per_estimate_and_a_null_line()
    {
        string[] labels = ["overall", "women", "men", "age ≥ 65"];
        var chart = DomainCharts.ForestPlot(labels, [0.8, 0.7, 0.9, 1.1], [0.65, 0.5, 0.7, 0.8], [0.95, 0.95, 1.15, 1.5], nullEffect: 1, logX: true, effect: "hazard ratio");
        var layout = PlotlyFigure(chart).GetProperty("layout");
        Assert.Equal("log", layout.GetProperty("xaxis").GetProperty("type").GetString());
        Assert.Equal(labels, layout.GetProperty("yaxis").GetProperty("ticktext").EnumerateArray().Select(t => t.GetString()));
        var svg = SvgImage(chart);
        Assert.Equal(4, WithClass(svg, "marker").Count());
        Assert.Equal(4, WithClass(svg, "error-bar").Count(e => (string?)e.Attribute("data-axis") == "x"));
        Assert.Equal(labels, TickLabels(svg, "y-axis"));
        var markers = WithClass(svg, "marker").Select(m => double.Parse((string)m.Attribute("y")!, CultureInfo.InvariantCulture)).ToArray();
        Assert.True(markers.Zip(markers.Skip(1)).All(p => p.First < p.Second), "the first row is at the top");
        var reference = Assert.Single(WithClass(svg, "reference"));
        Assert.Equal((string?)reference.Attribute("x1"), (string?)reference.Attribute("x2"));
    }

    [Fact]
    public void Kaplan_meier_of_the_6mp_arm_matches_the_published_estimates()
    {
        var km = KaplanMeierEstimate.Compute(SixMpWeeks, SixMpRelapse, 0.95);
        // Freireich et al. (1963) 6-MP arm as tabulated in Kleinbaum and Klein, Survival Analysis (3rd ed., ch. 2), and
        // printed by R's survfit: S(t) and Greenwood standard errors, published to 3 and 4 decimals.
        Assert.Equal([6.0, 7, 10, 13, 16, 22, 23], km.Times);
        Assert.Equal([21, 17, 15, 12, 11, 7, 6], km.AtRisk);
        Assert.Equal([3, 1, 1, 1, 1, 1, 1], km.Events);
        double[] survival = [0.857, 0.807, 0.753, 0.690, 0.627, 0.538, 0.448];
        double[] se = [0.0764, 0.0869, 0.0963, 0.1068, 0.1141, 0.1282, 0.1346];
        for (var j = 0; j < survival.Length; j++)
        {
            Assert.Equal(survival[j], km.Survival[j], 0.0005);
            Assert.Equal(se[j], km.StandardError[j], 0.00005);
        }
        // By hand at t = 6: S = 18/21, Σ d/(n(n−d)) = 3/(21·18); log(−log) interval S^exp(±1.96 · 0.08909 / 0.15415)
        // = 0.8571^3.1044 … 0.8571^(1/3.1044) = [0.6197, 0.9516] (R: survfit(conf.type = "log-log")).
        Assert.Equal(0.6197, km.Lower[0], 0.00005);
        Assert.Equal(0.9516, km.Upper[0], 0.00005);
        Assert.Equal(12, km.CensoredTimes.Length);
        // The subject censored at 6 counts after the three relapses at 6.
        Assert.Equal(18 / 21.0, km.CensoredSurvival[0], 12);
        Assert.Equal(35, km.LastTime);
    }

    [Fact]
    public void Kaplan_meier_chart_has_one_step_per_event_time_and_one_tick_per_censored_subject()
    {
        var chart = DomainCharts.KaplanMeier(SixMpWeeks, SixMpRelapse, timeTitle: "weeks");
        PlotlyFigure(chart);
        var svg = SvgImage(chart);
        var points = Points(Group(svg, "trace line").Elements(Svg + "polyline").Single());
        var drops = points.Zip(points.Skip(1)).Count(p => p.First.X == p.Second.X && p.First.Y != p.Second.Y);
        Assert.Equal(7, drops);
        Assert.Equal(12, WithClass(Group(svg, "trace scatter"), "marker").Count());
        Assert.Single(Groups(svg, "trace band"));
        Assert.Equal(["0", "0.2", "0.4", "0.6", "0.8", "1"], TickLabels(svg, "y-axis"));

        double[] both = [.. SixMpWeeks, .. PlaceboWeeks];
        bool[] events = [.. SixMpRelapse, .. PlaceboWeeks.Select(_ => true)];
        string[] arms = [.. SixMpWeeks.Select(_ => "6-MP"), .. PlaceboWeeks.Select(_ => "placebo")];
        var two = DomainCharts.KaplanMeier(both, events, arms, confidenceBand: false);
        PlotlyFigure(two);
        var svg2 = SvgImage(two);
        var lines = Groups(svg2, "trace line").ToArray();
        Assert.Equal(2, lines.Length);
        // The placebo arm relapses at 12 distinct times and is never censored.
        var placebo = Points(lines[1].Elements(Svg + "polyline").Single());
        Assert.Equal(12, placebo.Zip(placebo.Skip(1)).Count(p => p.First.X == p.Second.X && p.First.Y != p.Second.Y));
        Assert.Single(Groups(svg2, "trace scatter"));
        Assert.Empty(Groups(svg2, "trace band"));
        Assert.Equal(["6-MP", "censored", "placebo"], Group(svg2, "legend").Elements(Svg + "text").Select(t => t.Value));
        Assert.Throws<ArgumentException>(() => DomainCharts.KaplanMeier([1, -2], [true, true]));
    }

    [Fact]
    public void Tornado_sorts_parameters_by_swing()
    {
        var chart = DomainCharts.Tornado(["a", "b", "c"], [90, 70, 99], [105, 140, 102], 100, output: "volume");
        var figure = PlotlyFigure(chart);
        Assert.Equal("overlay", figure.GetProperty("layout").GetProperty("barmode").GetString());
        var svg = SvgImage(chart);
        Assert.Equal(["b", "a", "c"], TickLabels(svg, "y-axis"));
        Assert.Equal(6, Groups(svg, "trace bar").Sum(g => g.Elements(Svg + "rect").Count()));
        Assert.Equal([-30.0, -10, -1], ((BarTrace)chart.Traces[0]).Values);
        Assert.Single(WithClass(svg, "reference"));
        Assert.Throws<ArgumentException>(() => DomainCharts.Tornado(["a"], [double.NaN], [1], 0));
    }

    [Fact]
    public void Field_heatmap_has_one_cell_per_value_in_physical_coordinates()
    {
        var field = new double[3, 4];
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 4; j++)
            {
                field[i, j] = i + (0.1 * j);
            }
        }
        var chart = DomainCharts.Field(field, 0, 400, 0, 300, quantity: "O2 (mmHg)", lengthUnit: "µm");
        var trace = PlotlyFigure(chart).GetProperty("data")[0];
        Assert.Equal([50.0, 150, 250, 350], trace.GetProperty("x").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal([50.0, 150, 250], trace.GetProperty("y").EnumerateArray().Select(v => v.GetDouble()));
        var svg = SvgImage(chart);
        var cells = WithClass(svg, "cell").ToArray();
        Assert.Equal(12, cells.Length);
        // Equal scales: 100 µm cells are squares on the screen (to the 0.1 px rounding of coordinates, plus the
        // 0.1 px overlap added against seams).
        Assert.All(cells, c => Assert.Equal(double.Parse((string)c.Attribute("width")!, CultureInfo.InvariantCulture), double.Parse((string)c.Attribute("height")!, CultureInfo.InvariantCulture), 0.25));
        Assert.Single(Groups(svg, "colorbar"));
        Assert.Throws<ArgumentException>(() => DomainCharts.Field(field, 1, 1, 0, 1));
    }
}
