using System.Globalization;
using TwinLab.Synthetic.Evaluation;

namespace TwinLab.Twins.Validation;

/// <summary>Skill of a twin's forecasts over held-out virtual patients.</summary>
/// <param name="Count">The number of forecast–outcome pairs.</param>
/// <param name="MeanCrps">The mean continuous ranked probability score (lower is better; units of the outcome).</param>
/// <param name="MeanAbsoluteError">The mean absolute error of the forecast medians.</param>
/// <param name="Coverage">The share of outcomes inside their central interval (should be near the level).</param>
/// <param name="Level">The central probability of the intervals.</param>
/// <param name="DirectionAccuracy">The share of patients whose direction of change from baseline (up or down) the
/// forecast median got right.</param>
public sealed record SkillReport(int Count, double MeanCrps, double MeanAbsoluteError, double Coverage, double Level, double DirectionAccuracy);

/// <summary>One bin of a reliability diagram.</summary>
/// <param name="Lower">The bin's lower probability bound (inclusive).</param>
/// <param name="Upper">The upper bound (exclusive, except 1 in the last bin).</param>
/// <param name="Count">The forecasts in the bin.</param>
/// <param name="MeanProbability">Their mean forecast probability (NaN when empty).</param>
/// <param name="ObservedFrequency">The share of events among them (NaN when empty).</param>
public sealed record ReliabilityBin(double Lower, double Upper, int Count, double MeanProbability, double ObservedFrequency);

/// <summary>The logistic calibration line of probability forecasts (Cox 1958): the calibration intercept a in
/// logit P(event) = a + logit(p) (the slope held at 1; 0 when the forecasts are right on average, "calibration in the
/// large") and the calibration slope b in logit P(event) = a' + b logit(p) (1 when the forecasts are neither too extreme,
/// b &lt; 1, nor too timid, b &gt; 1), both by maximum likelihood.</summary>
/// <param name="Intercept">The calibration intercept a (NaN when the fit does not converge, e.g. under separation).</param>
/// <param name="Slope">The calibration slope b (NaN when the fit does not converge).</param>
/// <param name="Used">The forecasts used: those strictly between 0 and 1.</param>
/// <param name="Excluded">Forecasts of exactly 0 or 1 (logit infinite) left out of the line, counted here.</param>
public sealed record LogisticCalibration(double Intercept, double Slope, int Used, int Excluded);

/// <summary>Discrimination and calibration of probability forecasts of a binary outcome (e.g. "responder at week 24"
/// predicted from early measurements) over held-out subjects.</summary>
/// <param name="Count">The forecasts.</param>
/// <param name="Events">The outcomes that happened (e.g. responders).</param>
/// <param name="Auc">The area under the ROC curve: the probability that a random event scores above a random non-event,
/// ties counting ½ (0.5: no discrimination, 1: perfect).</param>
/// <param name="BrierScore">The Brier score (lower is better).</param>
/// <param name="BrierOfPrevalence">The Brier score of forecasting every subject the observed event share, the
/// reference a useful model must beat: π(1 − π).</param>
/// <param name="Calibration">The calibration intercept and slope.</param>
/// <param name="ExpectedCalibrationError">Σ_b (n_b / n) |mean forecast_b − observed frequency_b| over the reliability
/// bins (0: calibrated within bins).</param>
/// <param name="Bins">The reliability bins, with their counts.</param>
public sealed record ProbabilityForecastReport(int Count, int Events, double Auc, double BrierScore, double BrierOfPrevalence,
    LogisticCalibration Calibration, double ExpectedCalibrationError, IReadOnlyList<ReliabilityBin> Bins);

/// <summary>Proper scores and calibration checks for ensemble forecasts.</summary>
public static class ForecastSkill
{
    /// <summary>The CRPS of a weighted ensemble forecast against an outcome y:
    /// Σ wᵢ |xᵢ − y| − ½ Σᵢ Σⱼ wᵢ wⱼ |xᵢ − xⱼ| (Gneiting and Raftery 2007, eq. 21), computed in O(n log n).</summary>
    /// <param name="ensemble">The members.</param>
    /// <param name="outcome">The outcome.</param>
    /// <param name="weights">Weights summing to one; equal when null.</param>
    public static double Crps(IReadOnlyList<double> ensemble, double outcome, IReadOnlyList<double>? weights = null)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        if (ensemble.Count == 0 || !double.IsFinite(outcome))
        {
            throw new ArgumentException("The CRPS needs at least one member and a finite outcome.");
        }
        var n = ensemble.Count;
        var w = weights?.ToArray() ?? Enumerable.Repeat(1.0 / n, n).ToArray();
        if (w.Length != n || Math.Abs(w.Sum() - 1) > 1e-9 || w.Any(v => v < 0))
        {
            throw new ArgumentException("Give one non-negative weight per member, summing to one.", nameof(weights));
        }
        var order = Enumerable.Range(0, n).ToArray();
        var x = ensemble.ToArray();
        if (x.Any(v => !double.IsFinite(v)))
        {
            throw new ArgumentException("Every ensemble member must be finite.", nameof(ensemble));
        }
        Array.Sort(order, (a, b) => x[a].CompareTo(x[b]));
        var first = 0.0;
        var pairs = 0.0;      // Σ_{i<j} w_i w_j (x_j − x_i) over sorted members
        var cumulativeWeight = 0.0;
        var cumulativeWeightedX = 0.0;
        foreach (var i in order)
        {
            first += w[i] * Math.Abs(x[i] - outcome);
            pairs += w[i] * ((x[i] * cumulativeWeight) - cumulativeWeightedX);
            cumulativeWeight += w[i];
            cumulativeWeightedX += w[i] * x[i];
        }
        return first - pairs;
    }

    /// <summary>The Brier score (1/n) Σ (pₖ − oₖ)² of probability forecasts of binary events (e.g. "responder at week
    /// 24" forecast by a twin from early measurements): 0 is perfect, 0.25 is a constant ½ (Brier 1950).</summary>
    /// <param name="probabilities">Forecast probabilities in [0, 1].</param>
    /// <param name="events">Whether each event happened.</param>
    public static double BrierScore(IReadOnlyList<double> probabilities, IReadOnlyList<bool> events)
    {
        CheckProbabilities(probabilities, events);
        var s = 0.0;
        for (var k = 0; k < probabilities.Count; k++)
        {
            var d = probabilities[k] - (events[k] ? 1 : 0);
            s += d * d;
        }
        return s / probabilities.Count;
    }

    /// <summary>A reliability diagram: forecasts grouped into equal-width probability bins, each with its mean forecast
    /// probability and observed event frequency (calibrated forecasts lie on the diagonal).</summary>
    /// <param name="probabilities">Forecast probabilities in [0, 1].</param>
    /// <param name="events">Whether each event happened.</param>
    /// <param name="bins">The number of bins (10 by default).</param>
    public static IReadOnlyList<ReliabilityBin> Reliability(IReadOnlyList<double> probabilities, IReadOnlyList<bool> events, int bins = 10)
    {
        CheckProbabilities(probabilities, events);
        if (bins < 1)
        {
            throw new ArgumentException("Give at least one bin.", nameof(bins));
        }
        var count = new int[bins];
        var sumP = new double[bins];
        var hits = new int[bins];
        for (var k = 0; k < probabilities.Count; k++)
        {
            var b = Math.Min((int)(probabilities[k] * bins), bins - 1);
            count[b]++;
            sumP[b] += probabilities[k];
            hits[b] += events[k] ? 1 : 0;
        }
        return [.. Enumerable.Range(0, bins).Select(b => new ReliabilityBin((double)b / bins, (double)(b + 1) / bins, count[b],
            count[b] == 0 ? double.NaN : sumP[b] / count[b], count[b] == 0 ? double.NaN : (double)hits[b] / count[b]))];
    }

    /// <summary>The expected calibration error of a reliability diagram: Σ_b (n_b / n) |mean forecast_b − observed
    /// frequency_b|, empty bins contributing nothing.</summary>
    /// <param name="bins">The bins of <see cref="Reliability"/>.</param>
    public static double ExpectedCalibrationError(IReadOnlyList<ReliabilityBin> bins)
    {
        ArgumentNullException.ThrowIfNull(bins);
        long total = 0;
        var sum = 0.0;
        foreach (var b in bins)
        {
            if (b.Count > 0)
            {
                total += b.Count;
                sum += b.Count * Math.Abs(b.MeanProbability - b.ObservedFrequency);
            }
        }
        if (total == 0)
        {
            throw new ArgumentException("Every bin is empty; the expected calibration error needs forecasts.", nameof(bins));
        }
        return sum / total;
    }

    /// <summary>The calibration intercept and slope of probability forecasts, by Newton's method on the logistic
    /// log-likelihood of the events with the forecasts' logits as offset (intercept) or covariate (slope). Forecasts of
    /// exactly 0 or 1 have no logit: they are left out and counted.</summary>
    /// <param name="probabilities">Forecast probabilities in [0, 1].</param>
    /// <param name="events">Whether each event happened.</param>
    public static LogisticCalibration CalibrationLine(IReadOnlyList<double> probabilities, IReadOnlyList<bool> events)
    {
        CheckProbabilities(probabilities, events);
        var x = new List<double>(probabilities.Count);
        var y = new List<bool>(probabilities.Count);
        for (var k = 0; k < probabilities.Count; k++)
        {
            var p = probabilities[k];
            if (p > 0 && p < 1)
            {
                x.Add(Math.Log(p / (1 - p)));
                y.Add(events[k]);
            }
        }
        var excluded = probabilities.Count - x.Count;
        if (x.Count == 0)
        {
            return new LogisticCalibration(double.NaN, double.NaN, 0, excluded);
        }
        var intercept = FitLogisticLine(x, y, fitSlope: false).Intercept;
        var slope = FitLogisticLine(x, y, fitSlope: true).Slope;
        return new LogisticCalibration(intercept, slope, x.Count, excluded);
    }

    /// <summary>Discrimination (AUC) and calibration (Brier score, reliability bins, expected calibration error,
    /// calibration intercept and slope) of probability forecasts over held-out subjects.</summary>
    /// <param name="probabilities">Forecast probabilities in [0, 1].</param>
    /// <param name="events">Whether each event happened; both outcomes must occur.</param>
    /// <param name="bins">Equal-width reliability bins (10 by default).</param>
    public static ProbabilityForecastReport EvaluateProbabilities(IReadOnlyList<double> probabilities, IReadOnlyList<bool> events, int bins = 10)
    {
        CheckProbabilities(probabilities, events);
        var positives = events.Count(e => e);
        if (positives == 0 || positives == events.Count)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"All {events.Count} outcomes are {(positives == 0 ? "non-events" : "events")}; discrimination needs both. Evaluate on more subjects."), nameof(events));
        }
        var reliability = Reliability(probabilities, events, bins);
        var prevalence = (double)positives / events.Count;
        return new ProbabilityForecastReport(probabilities.Count, positives,
            ClassificationScores.Auc(probabilities.ToArray(), events.ToArray()), BrierScore(probabilities, events),
            prevalence * (1 - prevalence), CalibrationLine(probabilities, events), ExpectedCalibrationError(reliability), reliability);
    }

    /// <summary>Maximises Σ yᵢ ηᵢ − log(1 + e^ηᵢ) with ηᵢ = a + xᵢ (no slope) or a + b xᵢ, by Newton steps halved until
    /// the log-likelihood does not decrease; NaN when the gradient does not vanish within 100 steps (separation).</summary>
    private static (double Intercept, double Slope) FitLogisticLine(List<double> x, List<bool> y, bool fitSlope)
    {
        double a = 0, b = 1;
        double LogLikelihood(double ta, double tb)
        {
            var sum = 0.0;
            for (var i = 0; i < x.Count; i++)
            {
                var eta = ta + (tb * x[i]);
                sum += (y[i] ? eta : 0) - (eta > 0 ? eta + Math.Log(1 + Math.Exp(-eta)) : Math.Log(1 + Math.Exp(eta)));
            }
            return sum;
        }
        var current = LogLikelihood(a, b);
        for (var iteration = 0; iteration < 100; iteration++)
        {
            double ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
            for (var i = 0; i < x.Count; i++)
            {
                var p = 1 / (1 + Math.Exp(-(a + (b * x[i]))));
                var r = (y[i] ? 1 : 0) - p;
                var w = p * (1 - p);
                ga += r;
                gb += r * x[i];
                haa += w;
                hab += w * x[i];
                hbb += w * x[i] * x[i];
            }
            if (Math.Abs(ga) < 1e-10 * x.Count && (!fitSlope || Math.Abs(gb) < 1e-10 * x.Count))
            {
                return (a, b);
            }
            double da, db;
            if (fitSlope)
            {
                var det = (haa * hbb) - (hab * hab);
                if (!(det > 0))
                {
                    break;
                }
                da = ((hbb * ga) - (hab * gb)) / det;
                db = ((haa * gb) - (hab * ga)) / det;
            }
            else
            {
                if (!(haa > 0))
                {
                    break;
                }
                da = ga / haa;
                db = 0;
            }
            var t = 1.0;
            while (true)
            {
                var value = LogLikelihood(a + (t * da), b + (t * db));
                if (value >= current || t < 1e-10)
                {
                    a += t * da;
                    b += t * db;
                    current = value;
                    break;
                }
                t *= 0.5;
            }
        }
        return (double.NaN, double.NaN);
    }

    private static void CheckProbabilities(IReadOnlyList<double> probabilities, IReadOnlyList<bool> events)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(events);
        if (probabilities.Count == 0 || probabilities.Count != events.Count)
        {
            throw new ArgumentException($"Give one event per probability (got {probabilities.Count} and {events.Count}), at least one.");
        }
        for (var k = 0; k < probabilities.Count; k++)
        {
            if (!(probabilities[k] >= 0 && probabilities[k] <= 1))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Probability {k} is {probabilities[k]}; probabilities lie in [0, 1]."), nameof(probabilities));
            }
        }
    }

    /// <summary>The closed-form CRPS of a normal forecast N(μ, σ²): σ [z(2Φ(z) − 1) + 2φ(z) − 1/√π], z = (y − μ)/σ.</summary>
    /// <param name="mean">μ.</param>
    /// <param name="standardDeviation">σ, positive.</param>
    /// <param name="outcome">y.</param>
    public static double CrpsNormal(double mean, double standardDeviation, double outcome)
    {
        if (!(standardDeviation > 0))
        {
            throw new ArgumentException("The standard deviation must be positive.", nameof(standardDeviation));
        }
        var z = (outcome - mean) / standardDeviation;
        var pdf = Math.Exp(-0.5 * z * z) / Math.Sqrt(2 * Math.PI);
        return standardDeviation * ((z * ((2 * Twin.StandardNormalCdf(z)) - 1)) + (2 * pdf) - (1 / Math.Sqrt(Math.PI)));
    }

    /// <summary>Scores forecasts of held-out patients: each patient has an ensemble forecast (members, equal weights),
    /// a baseline value and the outcome that happened.</summary>
    /// <param name="forecasts">One ensemble per patient.</param>
    /// <param name="baselines">Each patient's baseline (for the direction of change).</param>
    /// <param name="outcomes">Each patient's outcome.</param>
    /// <param name="level">The central probability of the intervals (e.g. 0.9).</param>
    public static SkillReport Evaluate(IReadOnlyList<IReadOnlyList<double>> forecasts, IReadOnlyList<double> baselines, IReadOnlyList<double> outcomes, double level = 0.9)
    {
        ArgumentNullException.ThrowIfNull(forecasts);
        ArgumentNullException.ThrowIfNull(baselines);
        ArgumentNullException.ThrowIfNull(outcomes);
        if (forecasts.Count == 0 || forecasts.Count != baselines.Count || forecasts.Count != outcomes.Count)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Give one forecast, baseline and outcome per patient; got {forecasts.Count}, {baselines.Count} and {outcomes.Count}."));
        }
        if (!(level > 0 && level < 1))
        {
            throw new ArgumentException("The level must lie in (0, 1).", nameof(level));
        }
        double crps = 0, absolute = 0, covered = 0, direction = 0;
        for (var k = 0; k < forecasts.Count; k++)
        {
            var members = forecasts[k].ToArray();
            var w = Enumerable.Repeat(1.0 / members.Length, members.Length).ToArray();
            crps += Crps(members, outcomes[k]);
            var median = WeightedStatistics.Quantile(members, w, 0.5);
            absolute += Math.Abs(median - outcomes[k]);
            var lower = WeightedStatistics.Quantile(members, w, (1 - level) / 2);
            var upper = WeightedStatistics.Quantile(members, w, 1 - ((1 - level) / 2));
            if (outcomes[k] >= lower && outcomes[k] <= upper)
            {
                covered++;
            }
            if (Math.Sign(median - baselines[k]) == Math.Sign(outcomes[k] - baselines[k]))
            {
                direction++;
            }
        }
        var n = forecasts.Count;
        return new SkillReport(n, crps / n, absolute / n, covered / n, level, direction / n);
    }
}
