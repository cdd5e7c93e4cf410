using System.Globalization;

namespace TwinLab.Twins.Monitoring;

/// <summary>Thresholds of <see cref="DriftStatistics.Check"/>: a drift trigger fires when any statistic exceeds its threshold.</summary>
/// <param name="PopulationStability">PSI threshold (0.25 is the usual "significant shift"; 0.1–0.25 "moderate").</param>
/// <param name="KolmogorovSmirnov">Two-sample KS statistic threshold.</param>
/// <param name="Wasserstein">1-D Wasserstein distance threshold, in the data's units.</param>
public sealed record DriftThresholds(double PopulationStability = 0.25, double KolmogorovSmirnov = 0.2, double Wasserstein = double.PositiveInfinity);

/// <summary>The drift statistics of one variable.</summary>
/// <param name="Variable">The variable.</param>
/// <param name="PopulationStability">The population stability index.</param>
/// <param name="KolmogorovSmirnov">The two-sample Kolmogorov–Smirnov statistic.</param>
/// <param name="Wasserstein">The 1-D Wasserstein (earth mover's) distance.</param>
/// <param name="EmptyBins">Reference-decile bins with no incoming (or reference) value, whose share was floored at 1e-4 for the PSI.</param>
public sealed record DriftReport(string Variable, double PopulationStability, double KolmogorovSmirnov, double Wasserstein, int EmptyBins);

/// <summary>Distances between the data a twin was calibrated on and the data arriving now, for the drift trigger.</summary>
public static class DriftStatistics
{
    /// <summary>The smallest share a PSI bin may have (empty bins would make the index infinite); such bins are counted.</summary>
    public const double MinimumBinShare = 1e-4;

    /// <summary>The population stability index Σ (qᵢ − pᵢ) ln(qᵢ / pᵢ) over bins cut at the reference sample's
    /// quantiles (equal-count bins), p the reference shares, q the incoming ones (Yurdakul 2018).</summary>
    /// <param name="reference">The calibration data.</param>
    /// <param name="incoming">The new data.</param>
    /// <param name="bins">The number of bins (10: deciles).</param>
    public static double PopulationStabilityIndex(IReadOnlyList<double> reference, IReadOnlyList<double> incoming, int bins = 10) =>
        Psi(reference, incoming, bins).Value;

    private static (double Value, int Empty) Psi(IReadOnlyList<double> reference, IReadOnlyList<double> incoming, int bins)
    {
        var r = Sorted(reference, nameof(reference));
        var x = Sorted(incoming, nameof(incoming));
        if (bins < 2)
        {
            throw new ArgumentException($"The PSI needs at least 2 bins; got {bins}.", nameof(bins));
        }
        // Interior cut points at the reference quantiles k/bins (NumPy's default linear interpolation).
        var cuts = new double[bins - 1];
        for (var k = 1; k < bins; k++)
        {
            var h = (r.Length - 1) * (double)k / bins;
            var lo = (int)Math.Floor(h);
            cuts[k - 1] = r[lo] + ((h - lo) * (r[Math.Min(lo + 1, r.Length - 1)] - r[lo]));
        }
        var p = Shares(r, cuts);
        var q = Shares(x, cuts);
        var psi = 0.0;
        var empty = 0;
        for (var b = 0; b < bins; b++)
        {
            if (p[b] < MinimumBinShare || q[b] < MinimumBinShare)
            {
                empty++;
            }
            var pb = Math.Max(p[b], MinimumBinShare);
            var qb = Math.Max(q[b], MinimumBinShare);
            psi += (qb - pb) * Math.Log(qb / pb);
        }
        return (psi, empty);
    }

    /// <summary>The two-sample Kolmogorov–Smirnov statistic sup |F₁ − F₂| (as scipy.stats.ks_2samp's statistic).</summary>
    /// <param name="first">One sample.</param>
    /// <param name="second">The other.</param>
    public static double KolmogorovSmirnov(IReadOnlyList<double> first, IReadOnlyList<double> second)
    {
        var a = Sorted(first, nameof(first));
        var b = Sorted(second, nameof(second));
        int i = 0, j = 0;
        var d = 0.0;
        while (i < a.Length && j < b.Length)
        {
            var v = Math.Min(a[i], b[j]);
            while (i < a.Length && a[i] == v)
            {
                i++;
            }
            while (j < b.Length && b[j] == v)
            {
                j++;
            }
            d = Math.Max(d, Math.Abs(((double)i / a.Length) - ((double)j / b.Length)));
        }
        return d;
    }

    /// <summary>The 1-D Wasserstein distance ∫ |F₁(x) − F₂(x)| dx between the empirical distributions (as
    /// scipy.stats.wasserstein_distance).</summary>
    /// <param name="first">One sample.</param>
    /// <param name="second">The other.</param>
    public static double Wasserstein(IReadOnlyList<double> first, IReadOnlyList<double> second)
    {
        var a = Sorted(first, nameof(first));
        var b = Sorted(second, nameof(second));
        var all = a.Concat(b).ToArray();
        Array.Sort(all);
        int i = 0, j = 0;
        var distance = 0.0;
        for (var k = 0; k < all.Length - 1; k++)
        {
            while (i < a.Length && a[i] <= all[k])
            {
                i++;
            }
            while (j < b.Length && b[j] <= all[k])
            {
                j++;
            }
            distance += Math.Abs(((double)i / a.Length) - ((double)j / b.Length)) * (all[k + 1] - all[k]);
        }
        return distance;
    }

    /// <summary>Computes the three statistics for one variable and returns the report and, when a threshold is
    /// exceeded, a <see cref="TriggerKind.DataDrift"/> trigger with the evidence.</summary>
    /// <param name="variable">The variable's name.</param>
    /// <param name="reference">The calibration data.</param>
    /// <param name="incoming">The new data.</param>
    /// <param name="thresholds">The thresholds (defaults when null).</param>
    /// <param name="time">The time of the check (recorded in the trigger).</param>
    public static (DriftReport Report, RecalibrationTrigger? Trigger) Check(string variable, IReadOnlyList<double> reference,
        IReadOnlyList<double> incoming, DriftThresholds? thresholds = null, double time = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(variable);
        thresholds ??= new DriftThresholds();
        var (psi, empty) = Psi(reference, incoming, 10);
        var report = new DriftReport(variable, psi, KolmogorovSmirnov(reference, incoming), Wasserstein(reference, incoming), empty);
        var exceeded = new List<string>();
        if (report.PopulationStability > thresholds.PopulationStability)
        {
            exceeded.Add(string.Create(CultureInfo.InvariantCulture, $"PSI {report.PopulationStability:G3} > {thresholds.PopulationStability:G3}"));
        }
        if (report.KolmogorovSmirnov > thresholds.KolmogorovSmirnov)
        {
            exceeded.Add(string.Create(CultureInfo.InvariantCulture, $"KS {report.KolmogorovSmirnov:G3} > {thresholds.KolmogorovSmirnov:G3}"));
        }
        if (report.Wasserstein > thresholds.Wasserstein)
        {
            exceeded.Add(string.Create(CultureInfo.InvariantCulture, $"Wasserstein {report.Wasserstein:G3} > {thresholds.Wasserstein:G3}"));
        }
        if (exceeded.Count == 0)
        {
            return (report, null);
        }
        return (report, new RecalibrationTrigger(TriggerKind.DataDrift, time,
            $"Incoming '{variable}' ({incoming.Count} values) drifted from the calibration data ({reference.Count} values): {string.Join("; ", exceeded)}. Recalibrate on data that include the new population.",
            new Dictionary<string, double>
            {
                ["psi"] = report.PopulationStability, ["ks"] = report.KolmogorovSmirnov, ["wasserstein"] = report.Wasserstein, ["emptyBins"] = empty,
                ["referenceCount"] = reference.Count, ["incomingCount"] = incoming.Count,
            }));
    }

    private static double[] Shares(double[] sorted, double[] cuts)
    {
        // Bin b holds values in (cut[b-1], cut[b]]: the first bin is (−∞, cut₀], the last (cut_last, ∞).
        var counts = new double[cuts.Length + 1];
        foreach (var v in sorted)
        {
            var b = 0;
            while (b < cuts.Length && v > cuts[b])
            {
                b++;
            }
            counts[b]++;
        }
        for (var b = 0; b < counts.Length; b++)
        {
            counts[b] /= sorted.Length;
        }
        return counts;
    }

    private static double[] Sorted(IReadOnlyList<double> values, string name)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        if (values.Count == 0)
        {
            throw new ArgumentException("A drift statistic needs at least one value in each sample.", name);
        }
        var result = values.ToArray();
        foreach (var v in result)
        {
            if (!double.IsFinite(v))
            {
                throw new ArgumentException($"The sample holds {v}: drift statistics need finite values (exclude missing values first and report how many).", name);
            }
        }
        Array.Sort(result);
        return result;
    }
}
