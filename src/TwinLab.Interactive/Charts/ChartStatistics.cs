using TwinLab.Core.Distributions;

namespace TwinLab.Interactive;

/// <summary>The five numbers and outliers of a box plot.</summary>
/// <param name="LowerWhisker">The smallest value not below Q1 − 1.5 IQR.</param>
/// <param name="Q1">The first quartile.</param>
/// <param name="Median">The median.</param>
/// <param name="Q3">The third quartile.</param>
/// <param name="UpperWhisker">The largest value not above Q3 + 1.5 IQR.</param>
/// <param name="Outliers">The values beyond the whiskers, in the order given.</param>
public sealed record BoxSummary(double LowerWhisker, double Q1, double Median, double Q3, double UpperWhisker, IReadOnlyList<double> Outliers)
{
    /// <summary>The summary of the finite values, computed as plotly.js draws a box with <c>quartilemethod: "linear"</c>:
    /// quartiles by <see cref="SampleQuantile.Hazen"/>, whiskers at the furthest values within 1.5 IQR of the box (but
    /// never inside it).</summary>
    internal static BoxSummary Of(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        var sorted = finite.Order().ToArray();
        var (q1, median, q3) = (SampleQuantile.Hazen(sorted, 0.25), SampleQuantile.Hazen(sorted, 0.5), SampleQuantile.Hazen(sorted, 0.75));
        var (low, high) = (q1 - (1.5 * (q3 - q1)), q3 + (1.5 * (q3 - q1)));
        var inside = sorted.Where(v => v >= low && v <= high).ToArray();
        return new BoxSummary(Math.Min(q1, inside[0]), q1, median, q3, Math.Max(q3, inside[^1]), [.. finite.Where(v => v < low || v > high)]);
    }
}

/// <summary>Sample quantiles.</summary>
internal static class SampleQuantile
{
    /// <summary>The p-quantile of sorted values by linear interpolation between order statistics (Hyndman and Fan's
    /// type 7, numpy's default): position p (n − 1).</summary>
    public static double Linear(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            throw new ArgumentException("A quantile needs at least one value.", nameof(sorted));
        }
        var h = p * (sorted.Count - 1);
        var k = (int)Math.Floor(h);
        return k + 1 < sorted.Count ? sorted[k] + ((h - k) * (sorted[k + 1] - sorted[k])) : sorted[k];
    }

    /// <summary>The p-quantile of sorted values by linear interpolation at position n p − ½ (0-based), clamped to the
    /// smallest and largest value: Hyndman and Fan's type 5, numpy's <c>method="hazen"</c>, and plotly.js's box-plot
    /// quartiles.</summary>
    public static double Hazen(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            throw new ArgumentException("A quantile needs at least one value.", nameof(sorted));
        }
        var h = (p * sorted.Count) - 0.5;
        if (h <= 0)
        {
            return sorted[0];
        }
        if (h >= sorted.Count - 1)
        {
            return sorted[^1];
        }
        var k = (int)Math.Floor(h);
        return sorted[k] + ((h - k) * (sorted[k + 1] - sorted[k]));
    }
}

/// <summary>Gaussian kernel density estimates: f(x) = 1/(n h) Σ φ((x − xᵢ)/h).</summary>
internal static class KernelDensity
{
    /// <summary>Silverman's rule of thumb for a Gaussian kernel, h = (4 / (3n))^(1/5) σ̂ with σ̂ the sample standard
    /// deviation (n − 1 in the denominator); this is the bandwidth of scipy's <c>gaussian_kde(bw_method="silverman")</c>
    /// in one dimension. NaN for fewer than two values.</summary>
    public static double SilvermanBandwidth(IReadOnlyList<double> values)
    {
        var n = values.Count;
        if (n < 2)
        {
            return double.NaN;
        }
        var mean = values.Average();
        var variance = values.Sum(v => (v - mean) * (v - mean)) / (n - 1);
        return Math.Pow(4.0 / (3.0 * n), 0.2) * Math.Sqrt(variance);
    }

    /// <summary>The density at each point.</summary>
    public static double[] Evaluate(IReadOnlyList<double> values, double bandwidth, IReadOnlyList<double> points)
    {
        var result = new double[points.Count];
        var norm = 1.0 / (values.Count * bandwidth * Math.Sqrt(2 * Math.PI));
        for (var k = 0; k < points.Count; k++)
        {
            var sum = 0.0;
            foreach (var v in values)
            {
                var u = (points[k] - v) / bandwidth;
                sum += Math.Exp(-0.5 * u * u);
            }
            result[k] = sum * norm;
        }
        return result;
    }
}

/// <summary>Contour segments of a grid by marching squares: in each cell whose four corners are finite, the level
/// crosses an edge where one end is at or above it and the other below; the crossing is placed by linear interpolation.
/// A cell crossed on all four edges (a saddle) is resolved by the mean of its corners.</summary>
internal static class MarchingSquares
{
    public static List<(double X0, double Y0, double X1, double Y1)> Segments(HeatmapTrace grid, double level)
    {
        var segments = new List<(double, double, double, double)>();
        var crossings = new List<(double X, double Y)>(4);
        for (var r = 0; r + 1 < grid.Rows; r++)
        {
            for (var c = 0; c + 1 < grid.Columns; c++)
            {
                // Corners counter-clockwise from the bottom left.
                var (a, b, t, d) = (grid.Value(r, c), grid.Value(r, c + 1), grid.Value(r + 1, c + 1), grid.Value(r + 1, c));
                if (!double.IsFinite(a) || !double.IsFinite(b) || !double.IsFinite(t) || !double.IsFinite(d))
                {
                    continue;
                }
                var (x0, x1, y0, y1) = (grid.X[c], grid.X[c + 1], grid.Y[r], grid.Y[r + 1]);
                crossings.Clear();
                Cross(crossings, level, a, b, x0, y0, x1, y0);   // bottom
                Cross(crossings, level, b, t, x1, y0, x1, y1);   // right
                Cross(crossings, level, d, t, x0, y1, x1, y1);   // top
                Cross(crossings, level, a, d, x0, y0, x0, y1);   // left
                if (crossings.Count == 2)
                {
                    segments.Add((crossings[0].X, crossings[0].Y, crossings[1].X, crossings[1].Y));
                }
                else if (crossings.Count == 4)
                {
                    var centreAbove = (a + b + t + d) / 4 >= level;
                    if (centreAbove == (a >= level))
                    {
                        // The centre joins a and t: cut off the corners b (bottom–right) and d (top–left).
                        segments.Add((crossings[0].X, crossings[0].Y, crossings[1].X, crossings[1].Y));
                        segments.Add((crossings[2].X, crossings[2].Y, crossings[3].X, crossings[3].Y));
                    }
                    else
                    {
                        // The centre joins b and d: cut off a (left–bottom) and t (right–top).
                        segments.Add((crossings[3].X, crossings[3].Y, crossings[0].X, crossings[0].Y));
                        segments.Add((crossings[1].X, crossings[1].Y, crossings[2].X, crossings[2].Y));
                    }
                }
            }
        }
        return segments;
    }

    private static void Cross(List<(double, double)> crossings, double level, double v0, double v1, double x0, double y0, double x1, double y1)
    {
        if ((v0 >= level) == (v1 >= level))
        {
            return;
        }
        var f = (level - v0) / (v1 - v0);
        crossings.Add((x0 + (f * (x1 - x0)), y0 + (f * (y1 - y0))));
    }
}

/// <summary>The Kaplan–Meier estimate of a survival function, with Greenwood's variance.</summary>
/// <param name="Times">The distinct event times, increasing.</param>
/// <param name="AtRisk">How many subjects were at risk just before each event time.</param>
/// <param name="Events">How many events happened at each event time.</param>
/// <param name="Survival">S(t) just after each event time: the product of (1 − d/n) up to it.</param>
/// <param name="StandardError">Greenwood's standard error of S(t): S √(Σ d / (n (n − d))).</param>
/// <param name="Lower">The lower end of the pointwise confidence interval on the log(−log) scale.</param>
/// <param name="Upper">The upper end.</param>
/// <param name="CensoredTimes">The time of each censored subject, in the order given.</param>
/// <param name="CensoredSurvival">S at each censored subject's time (events at the same time count first).</param>
/// <param name="LastTime">The largest time observed (event or censoring).</param>
internal sealed record KaplanMeierEstimate(
    double[] Times, int[] AtRisk, int[] Events, double[] Survival, double[] StandardError, double[] Lower, double[] Upper,
    double[] CensoredTimes, double[] CensoredSurvival, double LastTime)
{
    /// <summary>Estimates S(t) from times and event indicators (false: censored at that time). The confidence interval
    /// is Kalbfleisch and Prentice's log(−log) interval, S^exp(±z σ / |log S|) with σ² = Σ d / (n (n − d)), which stays
    /// in [0, 1]; it is [0, 0] once S reaches 0.</summary>
    public static KaplanMeierEstimate Compute(IReadOnlyList<double> time, IReadOnlyList<bool> eventObserved, double confidence)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(eventObserved);
        if (time.Count != eventObserved.Count)
        {
            throw new ArgumentException($"There are {time.Count} times but {eventObserved.Count} event indicators; give one per subject.", nameof(eventObserved));
        }
        if (time.Count == 0)
        {
            throw new ArgumentException("A survival curve needs at least one subject.", nameof(time));
        }
        for (var i = 0; i < time.Count; i++)
        {
            if (!double.IsFinite(time[i]) || time[i] < 0)
            {
                throw new ArgumentException($"Subject {i} has time {time[i]}; times must be finite and non-negative.", nameof(time));
            }
        }
        if (!(confidence > 0 && confidence < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "The confidence level must lie in (0, 1), e.g. 0.95.");
        }
        var z = new Normal(0, 1).Quantile(0.5 + (confidence / 2));
        var order = Enumerable.Range(0, time.Count).OrderBy(i => time[i]).ToArray();
        List<double> times = [], survival = [], se = [], lower = [], upper = [];
        List<int> atRisk = [], events = [];
        var (s, greenwood, n) = (1.0, 0.0, time.Count);
        for (var k = 0; k < order.Length;)
        {
            var t = time[order[k]];
            var (d, c) = (0, 0);
            while (k < order.Length && time[order[k]] == t)
            {
                if (eventObserved[order[k]])
                {
                    d++;
                }
                else
                {
                    c++;
                }
                k++;
            }
            if (d > 0)
            {
                s *= 1 - ((double)d / n);
                greenwood = d < n ? greenwood + (d / ((double)n * (n - d))) : double.PositiveInfinity;
                times.Add(t);
                atRisk.Add(n);
                events.Add(d);
                survival.Add(s);
                if (s > 0)
                {
                    se.Add(s * Math.Sqrt(greenwood));
                    var spread = z * Math.Sqrt(greenwood) / Math.Abs(Math.Log(s));
                    lower.Add(Math.Pow(s, Math.Exp(spread)));
                    upper.Add(Math.Pow(s, Math.Exp(-spread)));
                }
                else
                {
                    se.Add(0);
                    lower.Add(0);
                    upper.Add(0);
                }
            }
            n -= d + c;
        }
        var censoredTimes = order.Where(i => !eventObserved[i]).Select(i => time[i]).ToArray();
        var censoredSurvival = censoredTimes.Select(t =>
        {
            var j = times.FindLastIndex(e => e <= t);
            return j < 0 ? 1.0 : survival[j];
        }).ToArray();
        return new KaplanMeierEstimate([.. times], [.. atRisk], [.. events], [.. survival], [.. se], [.. lower], [.. upper],
            censoredTimes, censoredSurvival, time[order[^1]]);
    }
}

/// <summary>Quantiles of the binomial distribution.</summary>
internal static class Binomial
{
    /// <summary>The smallest k with P(K ≤ k) ≥ q for K ~ Binomial(n, p) (scipy's <c>binom.ppf</c>). The probabilities
    /// are summed from the log-space recursion log P(k + 1) = log P(k) + log((n − k) / (k + 1)) + log(p / (1 − p)).</summary>
    public static int Quantile(int n, double p, double q)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (!(p > 0 && p < 1) || !(q >= 0 && q <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), "Binomial quantiles need 0 < p < 1 and 0 ≤ q ≤ 1.");
        }
        var logPmf = n * Math.Log(1 - p);
        var logOdds = Math.Log(p / (1 - p));
        var cdf = 0.0;
        for (var k = 0; k < n; k++)
        {
            cdf += Math.Exp(logPmf);
            // A relative slack of 1e-12 keeps rounding in the running sum from pushing a quantile one step up.
            if (cdf >= q * (1 - 1e-12))
            {
                return k;
            }
            logPmf += Math.Log((double)(n - k) / (k + 1)) + logOdds;
        }
        return n;
    }
}
