using System.Globalization;
using TwinLab.Simulation;
using TwinLab.Simulation.Ensembles;

namespace TwinLab.Interactive;

/// <summary>Ready-made charts of TwinLab results. Each takes plain arrays (or a simulation result) and returns a
/// <see cref="Chart"/> that can still be changed (titles, sizes, extra traces) before it is shown.</summary>
public static class Charts
{
    private static readonly string Blue = ChartPalette.Colors[0];
    private static readonly string Red = ChartPalette.Colors[1];
    private static readonly string Green = ChartPalette.Colors[2];
    private static readonly string Grey = ChartPalette.Colors[7];
    private static readonly double[] FanProbabilities = [0.025, 0.1, 0.25, 0.5, 0.75, 0.9, 0.975];

    /// <summary>A fan chart of one state across an ensemble: the median over time, with 50 %, 80 % and 95 % bands
    /// (from <see cref="EnsembleSolution.Quantiles"/>: exact with stored trajectories, otherwise from the state's
    /// quantile reducer), and optionally thin lines of some of the trajectories (spaghetti).</summary>
    /// <param name="ensemble">The ensemble's result.</param>
    /// <param name="state">The state.</param>
    /// <param name="logY">Whether the y axis is logarithmic; null chooses one when every quantile is positive and they
    /// span more than three decades.</param>
    /// <param name="title">The title; null gives the model, the state and the number of trajectories.</param>
    /// <param name="spaghetti">How many trajectories to draw as thin lines (evenly spaced over the patients, so the
    /// choice is reproducible); 0 for none.</param>
    /// <returns>The chart.</returns>
    /// <exception cref="InvalidOperationException">Trajectories were not stored and no quantile reducer exists for
    /// <paramref name="state"/>, or spaghetti was asked for without stored trajectories.</exception>
    public static Chart FanChart(EnsembleSolution ensemble, string state, bool? logY = null, string? title = null, int spaghetti = 0)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentOutOfRangeException.ThrowIfNegative(spaghetti);
        if (spaghetti > 0 && !ensemble.HasTrajectories)
        {
            throw new InvalidOperationException($"Spaghetti lines need stored trajectories; solve with EnsembleOptions.StoreTrajectories = true, or ask for spaghetti: 0.");
        }
        var q = ensemble.Quantiles(state, FanProbabilities);
        var lines = Spread(ensemble.Count, spaghetti).Select(i => ensemble.State(i, state)).ToArray();
        return Fan(ensemble.Times, q, lines, state, logY,
            title ?? $"{ensemble.Model.Name}: {state} ({ensemble.Count - ensemble.Failed} trajectories)");
    }

    /// <summary>A fan chart of trajectories given as arrays: the median over time with 50 %, 80 % and 95 % bands
    /// (sample quantiles by linear interpolation, over the trajectories whose value at that time is finite), and
    /// optionally some of the trajectories as thin lines.</summary>
    /// <param name="times">The common time points.</param>
    /// <param name="trajectories">The trajectories, each with one value per time point.</param>
    /// <param name="quantity">The y axis title.</param>
    /// <param name="logY">Whether the y axis is logarithmic; null chooses as for an ensemble.</param>
    /// <param name="title">The title; null gives the quantity and the number of trajectories.</param>
    /// <param name="spaghetti">How many trajectories to draw as thin lines (evenly spaced); 0 for none.</param>
    /// <returns>The chart.</returns>
    /// <exception cref="ArgumentException">There are no trajectories, or one has the wrong length.</exception>
    public static Chart FanChart(IReadOnlyList<double> times, IReadOnlyList<double[]> trajectories, string quantity = "value", bool? logY = null, string? title = null, int spaghetti = 0)
    {
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(trajectories);
        ArgumentOutOfRangeException.ThrowIfNegative(spaghetti);
        if (trajectories.Count == 0)
        {
            throw new ArgumentException("A fan chart needs at least one trajectory.", nameof(trajectories));
        }
        for (var i = 0; i < trajectories.Count; i++)
        {
            if (trajectories[i].Length != times.Count)
            {
                throw new ArgumentException($"Trajectory {i} has {trajectories[i].Length} values but there are {times.Count} time points.", nameof(trajectories));
            }
        }
        var q = FanProbabilities.Select(_ => new double[times.Count]).ToArray();
        for (var j = 0; j < times.Count; j++)
        {
            var column = trajectories.Select(t => t[j]).Where(double.IsFinite).Order().ToArray();
            for (var k = 0; k < FanProbabilities.Length; k++)
            {
                q[k][j] = column.Length == 0 ? double.NaN : SampleQuantile.Linear(column, FanProbabilities[k]);
            }
        }
        var lines = Spread(trajectories.Count, spaghetti).Select(i => trajectories[i]).ToArray();
        return Fan(times, q, lines, quantity, logY, title ?? $"{quantity} ({trajectories.Count} trajectories)");
    }

    private static Chart Fan(IReadOnlyList<double> times, double[][] q, double[][] spaghetti, string quantity, bool? logY, string title)
    {
        var finite = q.SelectMany(row => row).Where(double.IsFinite).ToArray();
        var log = logY ?? (finite.Length > 0 && finite.Min() > 0 && finite.Max() / finite.Min() > 1e3);
        var chart = new Chart { Title = title, XTitle = "time", YTitle = quantity, LogY = log };
        chart.Add(new BandTrace(times, q[0], q[6], "95 %", 0.15) { Color = Blue })
            .Add(new BandTrace(times, q[1], q[5], "80 %", 0.2) { Color = Blue })
            .Add(new BandTrace(times, q[2], q[4], "50 %", 0.3) { Color = Blue });
        for (var i = 0; i < spaghetti.Length; i++)
        {
            chart.Add(new LineTrace(times, spaghetti[i], i == 0 ? "trajectories" : null) { Color = Grey, Width = 0.8, Opacity = 0.5 });
        }
        return chart.Add(new LineTrace(times, q[3], "median") { Color = Blue });
    }

    /// <summary>n indices spread evenly over 0 … count − 1.</summary>
    private static IEnumerable<int> Spread(int count, int n) =>
        Enumerable.Range(0, Math.Min(n, count)).Select(k => (int)((long)k * count / Math.Min(n, count)));

    /// <summary>The trajectories of states of one solution, one line each.</summary>
    /// <param name="solution">The solution.</param>
    /// <param name="states">The states; none means every state of the model.</param>
    /// <returns>The chart.</returns>
    public static Chart Trajectories(Solution solution, params string[] states)
    {
        ArgumentNullException.ThrowIfNull(solution);
        ArgumentNullException.ThrowIfNull(states);
        if (states.Length == 0)
        {
            states = [.. solution.Model.States.Select(s => s.Name)];
        }
        var chart = new Chart
        {
            Title = solution.Model.Name,
            XTitle = "time",
            YTitle = states.Length == 1 ? states[0] : "value",
        };
        foreach (var state in states)
        {
            chart.Add(new LineTrace(solution.Times, solution.State(state), state));
        }
        return chart;
    }

    /// <summary>Observations over a simulation: the simulated curve (with an optional interval band) and the observed
    /// values as points. An observation below the lower limit of quantification (or NaN, when a limit is given) is
    /// censored: it is drawn at the limit as an open downward triangle, and the limit as a dotted line.</summary>
    /// <param name="simulatedTimes">The simulation's time points.</param>
    /// <param name="simulated">The simulated values.</param>
    /// <param name="observedTimes">The observation times.</param>
    /// <param name="observed">The observed values.</param>
    /// <param name="lowerLimit">The lower limit of quantification, or null when nothing is censored.</param>
    /// <param name="simulatedLower">The lower end of a simulated interval (e.g. 5 % quantile), or null.</param>
    /// <param name="simulatedUpper">The upper end of the interval, or null.</param>
    /// <param name="quantity">The y axis title.</param>
    /// <param name="title">The title.</param>
    /// <param name="logY">Whether the y axis is logarithmic.</param>
    /// <returns>The chart.</returns>
    /// <exception cref="ArgumentException">Lengths differ, only one end of the interval is given, or an observation is
    /// not finite while no limit is given.</exception>
    public static Chart ObservedVersusSimulated(
        IReadOnlyList<double> simulatedTimes, IReadOnlyList<double> simulated,
        IReadOnlyList<double> observedTimes, IReadOnlyList<double> observed,
        double? lowerLimit = null, IReadOnlyList<double>? simulatedLower = null, IReadOnlyList<double>? simulatedUpper = null,
        string quantity = "value", string? title = null, bool logY = false)
    {
        ArgumentNullException.ThrowIfNull(observedTimes);
        ArgumentNullException.ThrowIfNull(observed);
        if (observedTimes.Count != observed.Count)
        {
            throw new ArgumentException($"There are {observedTimes.Count} observation times but {observed.Count} observed values.", nameof(observed));
        }
        if ((simulatedLower is null) != (simulatedUpper is null))
        {
            throw new ArgumentException("Give both ends of the simulated interval, or neither.", simulatedLower is null ? nameof(simulatedLower) : nameof(simulatedUpper));
        }
        if (lowerLimit is { } limit0 && !double.IsFinite(limit0))
        {
            throw new ArgumentOutOfRangeException(nameof(lowerLimit), lowerLimit, "The lower limit must be finite.");
        }
        var chart = new Chart { Title = title, XTitle = "time", YTitle = quantity, LogY = logY };
        if (simulatedLower is not null)
        {
            chart.Add(new BandTrace(simulatedTimes, simulatedLower, simulatedUpper!, "simulated interval", 0.25) { Color = Blue });
        }
        chart.Add(new LineTrace(simulatedTimes, simulated, "simulated") { Color = Blue });
        List<double> tx = [], ty = [], cx = [];
        for (var j = 0; j < observed.Count; j++)
        {
            var v = observed[j];
            if (lowerLimit is { } limit && (double.IsNaN(v) || v < limit))
            {
                cx.Add(observedTimes[j]);
            }
            else if (!double.IsFinite(v))
            {
                throw new ArgumentException($"Observation {j} (time {observedTimes[j]}) is {v}; give lowerLimit to mark it censored, or leave it out.", nameof(observed));
            }
            else
            {
                tx.Add(observedTimes[j]);
                ty.Add(v);
            }
        }
        chart.Add(new ScatterTrace(tx, ty, "observed") { Color = Red, Size = 8 });
        if (lowerLimit is { } lloq)
        {
            if (cx.Count > 0)
            {
                chart.Add(new ScatterTrace(cx, cx.Select(_ => lloq), $"below limit ({cx.Count})") { Color = Red, Symbol = MarkerSymbol.TriangleDown, Open = true, Size = 9 });
            }
            chart.Add(ReferenceLine.Horizontal(lloq) with { Dash = LineDash.Dot, Color = Red });
        }
        return chart;
    }

    /// <summary>A corner (pair) plot of posterior draws: histograms of each parameter on the diagonal and, below it, each
    /// pair as points (up to 500 draws) or as a 2-D histogram (more draws), with the true values marked when known.
    /// Draws with a value that is not finite are left out, and their number is given in the title.</summary>
    /// <param name="draws">The draws, each with one value per parameter.</param>
    /// <param name="names">The parameter names (one or more; beyond six the panels get small).</param>
    /// <param name="truth">The true parameter values (e.g. of a simulated data set), or null.</param>
    /// <param name="bins">The number of histogram bins per parameter.</param>
    /// <param name="title">The title.</param>
    /// <returns>The chart: d × d panels, of which the d (d + 1) / 2 on and below the diagonal are drawn.</returns>
    /// <exception cref="ArgumentException">A draw or the truth has the wrong length, or no draw is finite.</exception>
    public static Chart CornerPlot(IReadOnlyList<double[]> draws, IReadOnlyList<string> names, IReadOnlyList<double>? truth = null, int bins = 30, string? title = "posterior")
    {
        var (rows, excluded) = FiniteRows(draws, names, nameof(draws));
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 2);
        var d = names.Count;
        if (truth is not null && truth.Count != d)
        {
            throw new ArgumentException($"The truth has {truth.Count} values but there are {d} parameters.", nameof(truth));
        }
        var ranges = Enumerable.Range(0, d).Select(k => Padded(rows.Select(r => r[k]).Concat(truth is null ? [] : [truth[k]]))).ToArray();
        var size = Math.Clamp(170 * d, 360, 1100);
        var chart = new Chart(d, d)
        {
            Title = excluded == 0 ? title : $"{title} ({Draws(excluded)} with non-finite values left out)",
            Width = size + 40,
            Height = size,
        };
        var scatter = rows.Length <= 500;
        for (var r = 0; r < d; r++)
        {
            for (var c = 0; c <= r; c++)
            {
                var panel = chart[r, c];
                panel.X.SetRange(ranges[c].Min, ranges[c].Max);
                panel.X.Title = r == d - 1 ? names[c] : null;
                panel.X.ShowTickLabels = r == d - 1;
                if (r == c)
                {
                    var (lo, hi) = ranges[c];
                    panel.Add(new HistogramTrace(rows.Select(x => x[c]), lo, (hi - lo) / bins, bins) { Color = Blue });
                    panel.Y.ShowTickLabels = false;
                    if (truth is not null)
                    {
                        panel.Add(ReferenceLine.Vertical(truth[c]) with { Color = Red, Dash = LineDash.Solid });
                    }
                    continue;
                }
                panel.Y.SetRange(ranges[r].Min, ranges[r].Max);
                panel.Y.Title = c == 0 ? names[r] : null;
                panel.Y.ShowTickLabels = c == 0;
                if (scatter)
                {
                    panel.Add(new ScatterTrace(rows.Select(x => x[c]), rows.Select(x => x[r])) { Color = Blue, Size = 4, Opacity = 0.5 });
                }
                else
                {
                    panel.Add(Density2D(rows, c, r, ranges[c], ranges[r], bins));
                }
                if (truth is not null)
                {
                    panel.Add(ReferenceLine.Vertical(truth[c]) with { Color = Red, Dash = LineDash.Solid, Width = 1 })
                        .Add(ReferenceLine.Horizontal(truth[r]) with { Color = Red, Dash = LineDash.Solid, Width = 1 })
                        .Add(new ScatterTrace([truth[c]], [truth[r]]) { Color = Red, Symbol = MarkerSymbol.Square, Size = 7 });
                }
            }
        }
        chart[0, 0].Y.Title = null;
        return chart;
    }

    private static HeatmapTrace Density2D(double[][] rows, int cx, int cy, (double Min, double Max) rx, (double Min, double Max) ry, int bins)
    {
        var counts = new double[bins, bins];
        var (wx, wy) = ((rx.Max - rx.Min) / bins, (ry.Max - ry.Min) / bins);
        foreach (var row in rows)
        {
            var i = Math.Clamp((int)((row[cx] - rx.Min) / wx), 0, bins - 1);
            var j = Math.Clamp((int)((row[cy] - ry.Min) / wy), 0, bins - 1);
            counts[j, i]++;
        }
        for (var j = 0; j < bins; j++)
        {
            for (var i = 0; i < bins; i++)
            {
                if (counts[j, i] == 0)
                {
                    counts[j, i] = double.NaN;
                }
            }
        }
        var xs = Enumerable.Range(0, bins).Select(i => rx.Min + ((i + 0.5) * wx));
        var ys = Enumerable.Range(0, bins).Select(j => ry.Min + ((j + 0.5) * wy));
        return new HeatmapTrace(xs, ys, counts) { ColorScale = ColorScale.Blues, ShowScale = false, ZMin = 0 };
    }

    /// <summary>Prior and posterior densities of each parameter, one panel per parameter (Gaussian kernel density
    /// estimates of the draws with Silverman's bandwidth): the prior dashed, the posterior filled, the truth as a
    /// vertical line when known.</summary>
    /// <param name="priorDraws">Draws from the prior, each with one value per parameter.</param>
    /// <param name="posteriorDraws">Draws from the posterior, each with one value per parameter.</param>
    /// <param name="names">The parameter names.</param>
    /// <param name="truth">The true values, or null.</param>
    /// <param name="title">The title.</param>
    /// <returns>The chart (up to three panels per row).</returns>
    /// <exception cref="ArgumentException">A draw has the wrong length, or a parameter has fewer than two distinct
    /// finite draws.</exception>
    public static Chart PriorPosterior(IReadOnlyList<double[]> priorDraws, IReadOnlyList<double[]> posteriorDraws, IReadOnlyList<string> names, IReadOnlyList<double>? truth = null, string? title = "prior and posterior")
    {
        var (prior, priorExcluded) = FiniteRows(priorDraws, names, nameof(priorDraws));
        var (posterior, posteriorExcluded) = FiniteRows(posteriorDraws, names, nameof(posteriorDraws));
        var d = names.Count;
        if (truth is not null && truth.Count != d)
        {
            throw new ArgumentException($"The truth has {truth.Count} values but there are {d} parameters.", nameof(truth));
        }
        var columns = Math.Min(d, 3);
        var chartRows = (d + columns - 1) / columns;
        var chart = new Chart(chartRows, columns)
        {
            Title = priorExcluded + posteriorExcluded == 0 ? title : $"{title} ({Draws(priorExcluded + posteriorExcluded)} with non-finite values left out)",
            Width = 160 + (260 * columns),
            Height = 60 + (220 * chartRows),
        };
        for (var k = 0; k < d; k++)
        {
            var panel = chart[k / columns, k % columns];
            var p = prior.Select(r => r[k]).ToArray();
            var q = posterior.Select(r => r[k]).ToArray();
            var (hp, hq) = (KernelDensity.SilvermanBandwidth(p), KernelDensity.SilvermanBandwidth(q));
            if (!(hp > 0) || !(hq > 0))
            {
                throw new ArgumentException($"Parameter '{names[k]}' needs at least two distinct finite prior and posterior draws for a density.", nameof(posteriorDraws));
            }
            var all = p.Concat(q).Concat(truth is null ? [] : [truth[k]]).ToArray();
            var (lo, hi) = (all.Min() - (2 * Math.Min(hp, hq)), all.Max() + (2 * Math.Min(hp, hq)));
            // 160 points over the whole range, and 96 more over the posterior's (often much narrower) range.
            var (qlo, qhi) = (q.Min() - (2 * hq), q.Max() + (2 * hq));
            var grid = Enumerable.Range(0, 160).Select(i => lo + ((hi - lo) * i / 159.0))
                .Concat(Enumerable.Range(0, 96).Select(i => qlo + ((qhi - qlo) * i / 95.0)))
                .Order().Distinct().ToArray();
            var fp = KernelDensity.Evaluate(p, hp, grid);
            var fq = KernelDensity.Evaluate(q, hq, grid);
            var first = k == 0;
            panel.Title = names[k];
            panel.X.Title = names[k];
            panel.X.SetRange(lo, hi);
            panel.Y.Title = k % columns == 0 ? "density" : null;
            panel.Add(new BandTrace(grid, grid.Select(_ => 0.0), fq, first ? "posterior" : null, 0.3) { Color = Blue, ShowInLegend = first })
                .Add(new LineTrace(grid, fq) { Color = Blue, Width = 1.5 })
                .Add(new LineTrace(grid, fp, first ? "prior" : null) { Color = Grey, Dash = LineDash.Dash, Width = 1.5, ShowInLegend = first });
            if (truth is not null)
            {
                panel.Add(ReferenceLine.Vertical(truth[k]) with { Color = Red, Dash = LineDash.Solid });
            }
        }
        return chart;
    }

    /// <summary>Simulation-based calibration rank histograms (Talts et al., 2018), one panel per parameter: the rank of
    /// each true parameter among L posterior draws (0 … L) over N simulations, in bins of equal numbers of ranks, with
    /// the band that holds 99 % of the counts of one bin under uniformity (binomial N, 1/bins quantiles 0.005 and 0.995)
    /// and the expected count. A histogram leaving the band, sloping or U-shaped shows a miscalibrated posterior.</summary>
    /// <param name="ranks">For each parameter, the ranks over the simulations.</param>
    /// <param name="posteriorDraws">L, the number of posterior draws each rank was taken among (ranks lie in 0 … L).</param>
    /// <param name="names">The parameter names.</param>
    /// <param name="bins">The number of bins; it must divide L + 1. Null takes the divisor of L + 1 nearest to
    /// min(20, N / 5) (at least 2).</param>
    /// <param name="title">The title.</param>
    /// <returns>The chart (up to three panels per row).</returns>
    /// <exception cref="ArgumentException">A rank lies outside 0 … L, the parameters have different numbers of
    /// simulations, or the bins do not divide L + 1.</exception>
    public static Chart SbcRanks(IReadOnlyList<IReadOnlyList<int>> ranks, int posteriorDraws, IReadOnlyList<string> names, int? bins = null, string? title = "SBC rank histograms")
    {
        ArgumentNullException.ThrowIfNull(ranks);
        ArgumentNullException.ThrowIfNull(names);
        ArgumentOutOfRangeException.ThrowIfLessThan(posteriorDraws, 1);
        if (ranks.Count != names.Count || ranks.Count == 0)
        {
            throw new ArgumentException($"There are {ranks.Count} rank lists but {names.Count} names; give one list per parameter.", nameof(names));
        }
        var n = ranks[0].Count;
        for (var k = 0; k < ranks.Count; k++)
        {
            if (ranks[k].Count != n || n == 0)
            {
                throw new ArgumentException($"Parameter '{names[k]}' has {ranks[k].Count} ranks but '{names[0]}' has {n}; every parameter needs the same (non-zero) number of simulations.", nameof(ranks));
            }
            foreach (var r in ranks[k])
            {
                if (r < 0 || r > posteriorDraws)
                {
                    throw new ArgumentException($"Parameter '{names[k]}' has rank {r}, outside 0 … {posteriorDraws}.", nameof(ranks));
                }
            }
        }
        var values = posteriorDraws + 1;
        var b = bins ?? ChooseBins(values, n);
        if (b < 1 || values % b != 0)
        {
            throw new ArgumentException($"{b} bins do not divide the {values} possible ranks (0 … {posteriorDraws}) evenly, so counts would not be uniform; choose a divisor of {values}.", nameof(bins));
        }
        var width = values / b;
        var lower = Binomial.Quantile(n, 1.0 / b, 0.005);
        var upper = Binomial.Quantile(n, 1.0 / b, 0.995);
        var columns = Math.Min(names.Count, 3);
        var chartRows = (names.Count + columns - 1) / columns;
        var chart = new Chart(chartRows, columns) { Title = title, Width = 160 + (260 * columns), Height = 60 + (220 * chartRows) };
        for (var k = 0; k < names.Count; k++)
        {
            var first = k == 0;
            var panel = chart[k / columns, k % columns];
            panel.Title = names[k];
            panel.X.Title = "rank";
            panel.Y.Title = k % columns == 0 ? "count" : null;
            panel.X.SetRange(0, values);
            panel.Add(new HistogramTrace(ranks[k].Select(r => (double)r), 0, width, b) { Color = Blue })
                .Add(new BandTrace([0, values], [lower, lower], [upper, upper], first ? "99 % band (uniform)" : null, 0.3) { Color = Grey, ShowInLegend = first })
                .Add(ReferenceLine.Horizontal((double)n / b) with { Color = Grey });
        }
        return chart;
    }

    private static int ChooseBins(int values, int simulations)
    {
        var target = Math.Clamp(simulations / 5.0, 2, 20);
        var best = 1;
        for (var b = 2; b <= values; b++)
        {
            if (values % b == 0 && (best == 1 || Math.Abs(b - target) < Math.Abs(best - target)))
            {
                best = b;
            }
        }
        return best;
    }

    /// <summary>Expected coverage: for each credible level, the fraction of simulations whose true parameter fell inside
    /// the posterior's central interval at that level, against the diagonal of perfect calibration (curves below it are
    /// over-confident, above it under-confident). With the number of simulations, a grey band holds 99 % of the
    /// coverage a calibrated posterior would give (binomial quantiles).</summary>
    /// <param name="levels">The credible levels, in [0, 1].</param>
    /// <param name="coverage">One curve per parameter (or method): the empirical coverage at each level.</param>
    /// <param name="names">The curves' names.</param>
    /// <param name="simulations">The number of simulations behind each point, or null for no band.</param>
    /// <param name="title">The title.</param>
    /// <returns>The chart.</returns>
    /// <exception cref="ArgumentException">Lengths differ, or a level or coverage lies outside [0, 1].</exception>
    public static Chart CoverageCurve(IReadOnlyList<double> levels, IReadOnlyList<IReadOnlyList<double>> coverage, IReadOnlyList<string> names, int? simulations = null, string? title = "expected coverage")
    {
        ArgumentNullException.ThrowIfNull(levels);
        ArgumentNullException.ThrowIfNull(coverage);
        ArgumentNullException.ThrowIfNull(names);
        if (coverage.Count != names.Count)
        {
            throw new ArgumentException($"There are {coverage.Count} curves but {names.Count} names.", nameof(names));
        }
        UnitInterval(levels, nameof(levels));
        foreach (var curve in coverage)
        {
            if (curve.Count != levels.Count)
            {
                throw new ArgumentException($"A coverage curve has {curve.Count} values but there are {levels.Count} levels.", nameof(coverage));
            }
            UnitInterval(curve, nameof(coverage));
        }
        var chart = new Chart { Title = title, XTitle = "credible level", YTitle = "empirical coverage", Width = 520, Height = 440 };
        chart.Panels[0].EqualAspect = true;
        chart.Panels[0].X.SetRange(0, 1);
        chart.Panels[0].Y.SetRange(0, 1);
        if (simulations is { } n)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
            var grid = Enumerable.Range(1, 49).Select(i => i / 50.0).ToArray();
            double[] x = [0, .. grid, 1];
            double[] lo = [0, .. grid.Select(a => Binomial.Quantile(n, a, 0.005) / (double)n), 1];
            double[] hi = [0, .. grid.Select(a => Binomial.Quantile(n, a, 0.995) / (double)n), 1];
            chart.Add(new BandTrace(x, lo, hi, "99 % band (calibrated)", 0.25) { Color = Grey });
        }
        chart.Add(ReferenceLine.Segment(0, 0, 1, 1));
        for (var k = 0; k < coverage.Count; k++)
        {
            chart.Add(new LineTrace(levels, coverage[k], names[k], markers: levels.Count <= 20));
        }
        return chart;
    }

    /// <summary>A calibration (reliability) plot of predicted probabilities against observed frequencies: predictions
    /// are grouped into equal-width bins on [0, 1]; each non-empty bin gives a point at (mean prediction, fraction of
    /// positive outcomes) with a 95 % Wilson interval, against the diagonal of perfect calibration. Empty bins have no
    /// point; their number is noted.</summary>
    /// <param name="predicted">The predicted probabilities, in [0, 1].</param>
    /// <param name="observed">The outcomes (true: the event happened).</param>
    /// <param name="bins">The number of bins.</param>
    /// <param name="title">The title.</param>
    /// <returns>The chart.</returns>
    /// <exception cref="ArgumentException">Lengths differ or a prediction lies outside [0, 1].</exception>
    public static Chart Calibration(IReadOnlyList<double> predicted, IReadOnlyList<bool> observed, int bins = 10, string? title = "calibration")
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(observed);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        if (predicted.Count != observed.Count || predicted.Count == 0)
        {
            throw new ArgumentException($"There are {predicted.Count} predictions but {observed.Count} outcomes; give one outcome per prediction.", nameof(observed));
        }
        UnitInterval(predicted, nameof(predicted));
        var (sum, positives, count) = (new double[bins], new int[bins], new int[bins]);
        for (var i = 0; i < predicted.Count; i++)
        {
            var b = Math.Min((int)(predicted[i] * bins), bins - 1);
            sum[b] += predicted[i];
            count[b]++;
            positives[b] += observed[i] ? 1 : 0;
        }
        List<double> x = [], y = [], lo = [], hi = [];
        for (var b = 0; b < bins; b++)
        {
            if (count[b] == 0)
            {
                continue;
            }
            var p = (double)positives[b] / count[b];
            var (l, u) = Wilson(positives[b], count[b]);
            x.Add(sum[b] / count[b]);
            y.Add(p);
            lo.Add(l);
            hi.Add(u);
        }
        var empty = count.Count(c => c == 0);
        var chart = new Chart
        {
            Title = empty == 0 ? title : $"{title} ({empty} of {bins} bins empty)",
            XTitle = "predicted probability",
            YTitle = "observed frequency",
            Width = 520,
            Height = 440,
        };
        chart.Panels[0].EqualAspect = true;
        chart.Panels[0].X.SetRange(0, 1);
        chart.Panels[0].Y.SetRange(0, 1);
        return chart.Add(ReferenceLine.Segment(0, 0, 1, 1))
            .Add(new LineTrace(x, y) { Color = Blue, Width = 1.5 })
            .Add(new ScatterTrace(x, y, $"binned (n = {predicted.Count})") { Color = Blue, Size = 8, YErrors = ErrorBars.FromIntervals(y, lo, hi) });
    }

    /// <summary>The 95 % Wilson score interval of a proportion k / n.</summary>
    internal static (double Lower, double Upper) Wilson(int k, int n)
    {
        const double z = 1.959963984540054;
        var p = (double)k / n;
        var denominator = 1 + (z * z / n);
        var centre = (p + (z * z / (2 * n))) / denominator;
        var half = z * Math.Sqrt((p * (1 - p) / n) + (z * z / (4.0 * n * n))) / denominator;
        return (Math.Max(0, Math.Min(p, centre - half)), Math.Min(1, Math.Max(p, centre + half)));
    }

    /// <summary>A fairness chart: one bar per subgroup with its interval, and a reference line (e.g. the overall value,
    /// or parity).</summary>
    /// <param name="subgroups">The subgroup names.</param>
    /// <param name="estimates">The metric in each subgroup.</param>
    /// <param name="lower">The lower ends of the intervals.</param>
    /// <param name="upper">The upper ends of the intervals.</param>
    /// <param name="reference">The reference value, or null for none.</param>
    /// <param name="metric">The metric's name (the y axis title).</param>
    /// <param name="title">The title.</param>
    /// <returns>The chart.</returns>
    /// <exception cref="ArgumentException">Lengths differ, or an interval does not contain its estimate.</exception>
    public static Chart FairnessBars(IReadOnlyList<string> subgroups, IReadOnlyList<double> estimates, IReadOnlyList<double> lower, IReadOnlyList<double> upper, double? reference = null, string metric = "metric", string? title = null)
    {
        ArgumentNullException.ThrowIfNull(subgroups);
        var chart = new Chart { Title = title ?? $"{metric} by subgroup", YTitle = metric, XTitle = "subgroup", Width = Math.Max(480, 120 + (70 * subgroups.Count)) };
        chart.Add(new BarTrace(subgroups, estimates) { Color = Blue, Errors = ErrorBars.FromIntervals(estimates, lower, upper) });
        if (reference is { } r)
        {
            chart.Add(ReferenceLine.Horizontal(r) with { Color = Red });
        }
        return chart;
    }

    /// <summary>A forest plot: one row per estimate (the first at the top) with its interval as a horizontal line and the
    /// estimate as a square, and a vertical line at the null effect.</summary>
    /// <param name="labels">The row labels (e.g. subgroups or studies).</param>
    /// <param name="estimates">The estimates.</param>
    /// <param name="lower">The lower ends of the intervals.</param>
    /// <param name="upper">The upper ends of the intervals.</param>
    /// <param name="nullEffect">The value of no effect (0 for differences, 1 for ratios).</param>
    /// <param name="logX">Whether the effect axis is logarithmic (for ratios).</param>
    /// <param name="effect">The effect's name (the x axis title).</param>
    /// <param name="title">The title.</param>
    /// <returns>The chart.</returns>
    /// <exception cref="ArgumentException">Lengths differ, or an interval does not contain its estimate.</exception>
    public static Chart ForestPlot(IReadOnlyList<string> labels, IReadOnlyList<double> estimates, IReadOnlyList<double> lower, IReadOnlyList<double> upper, double nullEffect = 0, bool logX = false, string effect = "effect", string? title = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(estimates);
        if (labels.Count != estimates.Count)
        {
            throw new ArgumentException($"There are {labels.Count} labels but {estimates.Count} estimates.", nameof(estimates));
        }
        var rows = Enumerable.Range(0, labels.Count).Select(i => (double)i).ToArray();
        var chart = new Chart { Title = title, XTitle = effect, LogX = logX, Height = 90 + (30 * labels.Count), Width = 600 };
        var panel = chart.Panels[0];
        panel.Y.SetRange(-0.7, labels.Count - 0.3);
        panel.Y.Reversed = true;
        panel.Y.SetTicks(rows, labels);
        return chart.Add(ReferenceLine.Vertical(nullEffect))
            .Add(new ScatterTrace(estimates, rows) { Color = Blue, Symbol = MarkerSymbol.Square, Size = 9, XErrors = ErrorBars.FromIntervals(estimates, lower, upper) });
    }

    /// <summary>Kaplan–Meier survival curves (one per group, in order of first appearance) as step functions from
    /// S(0) = 1, with a vertical tick for every censored subject and, optionally, the pointwise confidence band from
    /// Greenwood's variance on the log(−log) scale (Kalbfleisch and Prentice), which stays within [0, 1].</summary>
    /// <param name="time">Each subject's time to event or censoring (finite, non-negative).</param>
    /// <param name="eventObserved">Whether the subject's event was observed (false: censored at that time).</param>
    /// <param name="groups">Each subject's group (e.g. treatment arm), or null for one curve.</param>
    /// <param name="confidenceBand">Whether to draw the confidence band.</param>
    /// <param name="confidence">The band's confidence level.</param>
    /// <param name="timeTitle">The x axis title.</param>
    /// <param name="title">The title.</param>
    /// <returns>The chart.</returns>
    /// <exception cref="ArgumentException">Lengths differ, or a time is negative or not finite.</exception>
    public static Chart KaplanMeier(IReadOnlyList<double> time, IReadOnlyList<bool> eventObserved, IReadOnlyList<string>? groups = null, bool confidenceBand = true, double confidence = 0.95, string timeTitle = "time", string? title = "Kaplan–Meier")
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(eventObserved);
        if (groups is not null && groups.Count != time.Count)
        {
            throw new ArgumentException($"There are {time.Count} subjects but {groups.Count} group labels.", nameof(groups));
        }
        var chart = new Chart { Title = title, XTitle = timeTitle, YTitle = "survival probability" };
        chart.Panels[0].Y.SetRange(0, 1.04);
        chart.Panels[0].Y.SetTicks([0, 0.2, 0.4, 0.6, 0.8, 1], ["0", "0.2", "0.4", "0.6", "0.8", "1"]);
        var names = groups is null ? [null] : groups.Distinct().Select(g => (string?)g).ToArray();
        for (var k = 0; k < names.Length; k++)
        {
            var members = Enumerable.Range(0, time.Count).Where(i => groups is null || groups[i] == names[k]).ToArray();
            var km = KaplanMeierEstimate.Compute([.. members.Select(i => time[i])], [.. members.Select(i => eventObserved[i])], confidence);
            var color = ChartPalette.Colors[k % ChartPalette.Colors.Count];
            double[] x = [0, .. km.Times, Math.Max(km.LastTime, km.Times.LastOrDefault())];
            double[] s = [1, .. km.Survival, km.Survival.Length == 0 ? 1 : km.Survival[^1]];
            if (confidenceBand)
            {
                double[] lo = [1, .. km.Lower, km.Lower.Length == 0 ? 1 : km.Lower[^1]];
                double[] hi = [1, .. km.Upper, km.Upper.Length == 0 ? 1 : km.Upper[^1]];
                chart.Add(new BandTrace(x, lo, hi, null, 0.2) { Color = color, Step = true });
            }
            var name = names[k] ?? "survival";
            chart.Add(new LineTrace(x, s, name) { Color = color, Shape = LineShape.Step });
            if (km.CensoredTimes.Length > 0)
            {
                chart.Add(new ScatterTrace(km.CensoredTimes, km.CensoredSurvival, k == 0 ? "censored" : null) { Color = color, Symbol = MarkerSymbol.VerticalTick, Size = 9, ShowInLegend = k == 0 });
            }
        }
        return chart;
    }

    /// <summary>A tornado chart of a one-at-a-time sensitivity analysis: for each parameter, a bar from the base output
    /// to the output at the parameter's low value and one to the output at its high value, sorted by swing
    /// (|high − low|, largest at the top), with a line at the base output.</summary>
    /// <param name="parameters">The parameter names.</param>
    /// <param name="lowOutputs">The output with each parameter at its low value.</param>
    /// <param name="highOutputs">The output with each parameter at its high value.</param>
    /// <param name="baseOutput">The output with every parameter at its base value.</param>
    /// <param name="output">The output's name (the x axis title).</param>
    /// <param name="title">The title.</param>
    /// <returns>The chart.</returns>
    /// <exception cref="ArgumentException">Lengths differ, or a value is not finite.</exception>
    public static Chart Tornado(IReadOnlyList<string> parameters, IReadOnlyList<double> lowOutputs, IReadOnlyList<double> highOutputs, double baseOutput, string output = "output", string? title = "sensitivity")
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(lowOutputs);
        ArgumentNullException.ThrowIfNull(highOutputs);
        if (lowOutputs.Count != parameters.Count || highOutputs.Count != parameters.Count)
        {
            throw new ArgumentException($"There are {parameters.Count} parameters, {lowOutputs.Count} low and {highOutputs.Count} high outputs; give one of each per parameter.", nameof(parameters));
        }
        if (!double.IsFinite(baseOutput) || lowOutputs.Concat(highOutputs).Any(v => !double.IsFinite(v)))
        {
            throw new ArgumentException("Every output of a tornado chart must be finite.", nameof(lowOutputs));
        }
        var order = Enumerable.Range(0, parameters.Count).OrderByDescending(i => Math.Abs(highOutputs[i] - lowOutputs[i])).ThenBy(i => i).ToArray();
        string[] names = [.. order.Select(i => parameters[i])];
        double[] bases = [.. order.Select(_ => baseOutput)];
        var chart = new Chart { Title = title, XTitle = output, Height = 90 + (34 * parameters.Count), Width = 620 };
        return chart
            .Add(new BarTrace(names, order.Select(i => lowOutputs[i] - baseOutput), "parameter low") { Horizontal = true, Base = bases, Color = Blue })
            .Add(new BarTrace(names, order.Select(i => highOutputs[i] - baseOutput), "parameter high") { Horizontal = true, Base = bases, Color = Red })
            .Add(ReferenceLine.Vertical(baseOutput) with { Color = ChartPalette.Ink, Dash = LineDash.Solid });
    }

    /// <summary>A 2-D field (e.g. a concentration over a tissue slice) as a heatmap with a colour bar, in physical
    /// coordinates with equal scales on both axes. Row 0 of the field is at the bottom (y minimum), column 0 at the
    /// left; each value fills a cell of size (width / columns) × (height / rows). Values that are not finite leave
    /// their cell blank.</summary>
    /// <param name="field">The values, field[row, column].</param>
    /// <param name="xMin">The left edge of the slice.</param>
    /// <param name="xMax">The right edge.</param>
    /// <param name="yMin">The bottom edge.</param>
    /// <param name="yMax">The top edge.</param>
    /// <param name="quantity">The colour bar's title (quantity and unit).</param>
    /// <param name="title">The title.</param>
    /// <param name="scale">The colour scale; null for <see cref="ColorScale.Viridis"/>.</param>
    /// <param name="lengthUnit">The unit of x and y, for the axis titles.</param>
    /// <returns>The chart.</returns>
    /// <exception cref="ArgumentException">The field is empty or the extent is empty.</exception>
    public static Chart Field(double[,] field, double xMin, double xMax, double yMin, double yMax, string? quantity = null, string? title = null, ColorScale? scale = null, string? lengthUnit = null)
    {
        ArgumentNullException.ThrowIfNull(field);
        var (rows, columns) = (field.GetLength(0), field.GetLength(1));
        if (rows == 0 || columns == 0)
        {
            throw new ArgumentException("The field has no cells.", nameof(field));
        }
        if (!(xMax > xMin) || !(yMax > yMin) || !double.IsFinite(xMax - xMin) || !double.IsFinite(yMax - yMin))
        {
            throw new ArgumentException($"The extent [{xMin}, {xMax}] × [{yMin}, {yMax}] must be finite and non-empty.", nameof(xMax));
        }
        var (dx, dy) = ((xMax - xMin) / columns, (yMax - yMin) / rows);
        var unit = lengthUnit is null ? "" : $" ({lengthUnit})";
        // About 390 pixels of plot width; the height follows the slice's aspect ratio.
        var height = (int)Math.Clamp(100 + (390 * (yMax - yMin) / (xMax - xMin)), 240, 900);
        var chart = new Chart { Title = title, XTitle = "x" + unit, YTitle = "y" + unit, Width = 560, Height = height };
        chart.Panels[0].EqualAspect = true;
        return chart.Add(new HeatmapTrace(
            Enumerable.Range(0, columns).Select(j => xMin + ((j + 0.5) * dx)),
            Enumerable.Range(0, rows).Select(i => yMin + ((i + 0.5) * dy)),
            field,
            quantity)
        { ColorScale = scale ?? ColorScale.Viridis, ColorBarTitle = quantity });
    }

    /// <summary>The draws whose values are all finite, and how many were left out.</summary>
    private static (double[][] Rows, int Excluded) FiniteRows(IReadOnlyList<double[]> draws, IReadOnlyList<string> names, string parameter)
    {
        ArgumentNullException.ThrowIfNull(draws, parameter);
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count == 0)
        {
            throw new ArgumentException("Give at least one parameter name.", nameof(names));
        }
        for (var i = 0; i < draws.Count; i++)
        {
            if (draws[i].Length != names.Count)
            {
                throw new ArgumentException($"Draw {i} has {draws[i].Length} values but there are {names.Count} parameters.", parameter);
            }
        }
        double[][] rows = [.. draws.Where(r => r.All(double.IsFinite))];
        if (rows.Length == 0)
        {
            throw new ArgumentException("No draw has only finite values.", parameter);
        }
        return (rows, draws.Count - rows.Length);
    }

    private static string Draws(int n) => n == 1 ? "1 draw" : $"{n} draws";

    /// <summary>The range of the values, widened by 5 % on each side (or ±0.5 for a single value).</summary>
    private static (double Min, double Max) Padded(IEnumerable<double> values)
    {
        var v = values.ToArray();
        var (min, max) = (v.Min(), v.Max());
        if (max <= min)
        {
            return (min - 0.5, min + 0.5);
        }
        var pad = 0.05 * (max - min);
        return (min - pad, max + pad);
    }

    private static void UnitInterval(IReadOnlyList<double> values, string parameter)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (!(values[i] >= 0 && values[i] <= 1))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Value {i} of '{parameter}' is {values[i]}; it must lie in [0, 1]."), parameter);
            }
        }
    }
}
