using System.Globalization;
using TwinLab.Core.Modelling;

namespace TwinLab.Twins;

/// <summary>A regime transition to watch in forecasts: progression when the measured quantity reaches
/// <see cref="Factor"/> times its nadir (the lowest value so far, observed or forecast) within <see cref="Within"/>
/// time units — RECIST-like with <c>Factor = 1.2</c> and <c>Within = 56</c> days (8 weeks).</summary>
/// <param name="Factor">The rise over the nadir that counts as progression (greater than 1).</param>
/// <param name="Within">The window from the twin's time.</param>
public sealed record ProgressionRule(double Factor = 1.2, double Within = 56)
{
    internal void Validate()
    {
        if (!(Factor > 1) || !double.IsFinite(Factor) || !(Within > 0) || !double.IsFinite(Within))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"A progression rule needs a factor above 1 and a positive window; got factor {Factor}, window {Within}."));
        }
    }
}

/// <summary>An ensemble forecast of one quantity from a twin's particles.</summary>
/// <param name="Name">The state or observable.</param>
/// <param name="Times">The forecast times (the first is the twin's time).</param>
/// <param name="Values">Each particle's values, one row per particle (NaN for a failed trajectory).</param>
/// <param name="Weights">The particles' weights (zero for failed trajectories).</param>
/// <param name="Level">The central probability of the bands.</param>
/// <param name="Mean">The weighted mean at each time.</param>
/// <param name="Median">The weighted median at each time.</param>
/// <param name="Lower">The lower band at each time (weighted quantile (1 − Level)/2).</param>
/// <param name="Upper">The upper band at each time.</param>
/// <param name="FailedTrajectories">Particles whose trajectory failed (excluded with weight zero).</param>
/// <param name="ProgressionProbability">The posterior probability of progression within the rule's window (NaN when no rule was given).</param>
/// <param name="ProgressionTimes">Each particle's first forecast time meeting the rule (NaN: none within the window, or no rule).</param>
public sealed record TwinForecast(
    string Name,
    IReadOnlyList<double> Times,
    IReadOnlyList<double[]> Values,
    IReadOnlyList<double> Weights,
    double Level,
    IReadOnlyList<double> Mean,
    IReadOnlyList<double> Median,
    IReadOnlyList<double> Lower,
    IReadOnlyList<double> Upper,
    int FailedTrajectories,
    double ProgressionProbability,
    IReadOnlyList<double> ProgressionTimes);

/// <summary>An alternative treatment for a counterfactual: bolus treatments that replace the twin's over the horizon,
/// and values of fixed (design) parameters such as an exposure or a dose size.</summary>
/// <param name="Name">A label.</param>
/// <param name="Treatments">The treatments (empty: untreated).</param>
/// <param name="Parameters">Fixed parameters to set, by name (null: none).</param>
public sealed record TreatmentScenario(string Name, IReadOnlyList<Treatment> Treatments, IReadOnlyDictionary<string, double>? Parameters = null);

/// <summary>The outcome of one scenario: the quantity at the end of the horizon over the particles.</summary>
/// <param name="Scenario">The scenario's name.</param>
/// <param name="Mean">The weighted mean.</param>
/// <param name="Lower">The lower bound of the central interval.</param>
/// <param name="Upper">The upper bound.</param>
/// <param name="Values">Each particle's outcome.</param>
public sealed record ScenarioOutcome(string Scenario, double Mean, double Lower, double Upper, IReadOnlyList<double> Values);

/// <summary>A paired difference: the same particles under a scenario and under the reference.</summary>
/// <param name="Scenario">The scenario.</param>
/// <param name="Reference">The reference scenario.</param>
/// <param name="Mean">The weighted mean difference (scenario − reference).</param>
/// <param name="Lower">The lower bound of its central interval.</param>
/// <param name="Upper">The upper bound.</param>
/// <param name="ProbabilityBelowZero">The posterior probability that the scenario gives a smaller outcome.</param>
public sealed record ScenarioDifference(string Scenario, string Reference, double Mean, double Lower, double Upper, double ProbabilityBelowZero);

/// <summary>The counterfactual outcomes of several treatments for the same twin, with paired differences against the
/// first scenario.</summary>
/// <param name="Name">The quantity compared.</param>
/// <param name="Time">The time of the outcome (the twin's time plus the horizon).</param>
/// <param name="Level">The central probability of the intervals.</param>
/// <param name="Outcomes">One outcome per scenario, in the order given.</param>
/// <param name="Differences">Each later scenario minus the first.</param>
/// <param name="FailedTrajectories">Particles excluded because a trajectory failed in some scenario.</param>
public sealed record CounterfactualResult(string Name, double Time, double Level, IReadOnlyList<ScenarioOutcome> Outcomes,
    IReadOnlyList<ScenarioDifference> Differences, int FailedTrajectories);

public sealed partial class Twin
{
    /// <summary>Runs the particles forward over <paramref name="horizon"/> under the twin's treatments and summarises
    /// the quantity at <paramref name="points"/> equally spaced times with weighted quantile bands, optionally with the
    /// probability of progression.</summary>
    /// <param name="name">A state or observable.</param>
    /// <param name="horizon">How far ahead (positive).</param>
    /// <param name="points">The number of forecast times, the twin's time included (at least 2).</param>
    /// <param name="progression">A progression rule, or null.</param>
    public TwinForecast Forecast(string name, double horizon, int points = 57, ProgressionRule? progression = null) =>
        ForecastUnder(name, horizon, points, progression, Options.Treatments ?? Model.Treatments, null);

    /// <summary>Runs the same particles under alternative treatments and compares the quantity at the end of the
    /// horizon: each scenario's outcome and the paired difference of each later scenario from the first, with
    /// posterior intervals (the pairing removes the parameter uncertainty common to both arms).</summary>
    /// <param name="name">A state or observable.</param>
    /// <param name="horizon">How far ahead.</param>
    /// <param name="scenarios">At least two scenarios; the first is the reference.</param>
    public CounterfactualResult Counterfactual(string name, double horizon, IReadOnlyList<TreatmentScenario> scenarios)
    {
        ArgumentNullException.ThrowIfNull(scenarios);
        if (scenarios.Count < 2)
        {
            throw new ArgumentException("A counterfactual compares at least two scenarios; the first is the reference.", nameof(scenarios));
        }
        var forecasts = scenarios.Select(s => ForecastUnder(name, horizon, 2, null, s.Treatments, s.Parameters)).ToArray();
        var n = Count;
        var weights = (double[])_weights.Clone();
        var failed = 0;
        for (var i = 0; i < n; i++)
        {
            if (forecasts.Any(f => f.Weights[i] == 0 && _weights[i] > 0))
            {
                weights[i] = 0;
                failed++;
            }
        }
        Normalise(weights);
        var alpha = 1 - Options.IntervalLevel;
        var outcomes = new List<ScenarioOutcome>();
        var finals = forecasts.Select(f => f.Values.Select(v => v[^1]).ToArray()).ToArray();
        for (var k = 0; k < scenarios.Count; k++)
        {
            var x = finals[k].Select((v, i) => weights[i] > 0 ? v : 0).ToArray();
            outcomes.Add(new ScenarioOutcome(scenarios[k].Name, WeightedStatistics.Mean(x, weights),
                WeightedStatistics.Quantile(x, weights, alpha / 2), WeightedStatistics.Quantile(x, weights, 1 - (alpha / 2)), finals[k]));
        }
        var differences = new List<ScenarioDifference>();
        for (var k = 1; k < scenarios.Count; k++)
        {
            var d = new double[n];
            var below = 0.0;
            for (var i = 0; i < n; i++)
            {
                d[i] = weights[i] > 0 ? finals[k][i] - finals[0][i] : 0;
                if (d[i] < 0)
                {
                    below += weights[i];
                }
            }
            differences.Add(new ScenarioDifference(scenarios[k].Name, scenarios[0].Name, WeightedStatistics.Mean(d, weights),
                WeightedStatistics.Quantile(d, weights, alpha / 2), WeightedStatistics.Quantile(d, weights, 1 - (alpha / 2)), below));
        }
        return new CounterfactualResult(name, Time + horizon, Options.IntervalLevel, outcomes, differences, failed);
    }

    private TwinForecast ForecastUnder(string name, double horizon, int points, ProgressionRule? progression,
        IReadOnlyList<Treatment> treatments, IReadOnlyDictionary<string, double>? overrides)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!(horizon > 0) || !double.IsFinite(horizon))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The horizon is {horizon}; give a positive finite time."), nameof(horizon));
        }
        if (points < 2)
        {
            throw new ArgumentException($"A forecast needs at least 2 points; got {points}.", nameof(points));
        }
        progression?.Validate();
        if (!Model.States.Any(s => s.Name == name) && !Model.Observables.Any(o => o.Name == name))
        {
            throw new ArgumentException($"'{name}' is neither a state nor an observable of model '{Model.Name}'.", nameof(name));
        }
        var times = new double[points];
        for (var j = 0; j < points; j++)
        {
            times[j] = j == points - 1 ? Time + horizon : Time + (horizon * j / (points - 1));
        }
        var run = Propagator.Run(this, Time, Time + horizon, times, treatments, overrides);
        var n = Count;
        var weights = (double[])_weights.Clone();
        var failed = 0;
        for (var i = 0; i < n; i++)
        {
            if (!run.Succeeded[i] && weights[i] > 0)
            {
                failed++;
            }
            if (!run.Succeeded[i])
            {
                weights[i] = 0;
            }
        }
        if (failed == n)
        {
            throw new InvalidOperationException("Every particle's trajectory failed in the forecast; check the model and the parameter ranges.");
        }
        Normalise(weights);
        var fixedParameters = (double[,])_parameters.Clone();
        foreach (var (p, v) in overrides ?? new Dictionary<string, double>())
        {
            var k = Model.ParameterIndex(p);
            for (var i = 0; i < n; i++)
            {
                fixedParameters[i, k] = v;
            }
        }
        var values = new double[n][];
        for (var i = 0; i < n; i++)
        {
            values[i] = new double[points];
        }
        var slice = new double[n, Model.States.Count];
        for (var j = 0; j < points; j++)
        {
            for (var i = 0; i < n; i++)
            {
                for (var s = 0; s < Model.States.Count; s++)
                {
                    slice[i, s] = run.States[i][j, s];
                }
            }
            var measured = MeasuredValues(name, times[j], slice, fixedParameters);
            for (var i = 0; i < n; i++)
            {
                values[i][j] = run.Succeeded[i] ? measured[i] : double.NaN;
            }
        }
        var alpha = 1 - Options.IntervalLevel;
        var mean = new double[points];
        var median = new double[points];
        var lower = new double[points];
        var upper = new double[points];
        var column = new double[n];
        for (var j = 0; j < points; j++)
        {
            for (var i = 0; i < n; i++)
            {
                column[i] = weights[i] > 0 ? values[i][j] : 0;
            }
            mean[j] = WeightedStatistics.Mean(column, weights);
            median[j] = WeightedStatistics.Quantile(column, weights, 0.5);
            lower[j] = WeightedStatistics.Quantile(column, weights, alpha / 2);
            upper[j] = WeightedStatistics.Quantile(column, weights, 1 - (alpha / 2));
        }
        var probability = double.NaN;
        var progressionTimes = Enumerable.Repeat(double.NaN, n).ToArray();
        if (progression is not null)
        {
            var observedNadir = Observations.Where(o => o.Name == name).Select(o => o.Value).DefaultIfEmpty(double.PositiveInfinity).Min();
            probability = 0;
            for (var i = 0; i < n; i++)
            {
                if (weights[i] == 0)
                {
                    continue;
                }
                var nadir = Math.Min(observedNadir, values[i][0]);
                for (var j = 1; j < points && times[j] <= Time + progression.Within + 1e-12; j++)
                {
                    if (values[i][j] >= progression.Factor * nadir)
                    {
                        progressionTimes[i] = times[j];
                        probability += weights[i];
                        break;
                    }
                    nadir = Math.Min(nadir, values[i][j]);
                }
            }
        }
        return new TwinForecast(name, times, values, weights, Options.IntervalLevel, mean, median, lower, upper, failed, probability, progressionTimes);
    }
}
