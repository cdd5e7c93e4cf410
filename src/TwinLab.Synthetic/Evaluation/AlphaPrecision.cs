using System.Globalization;

namespace TwinLab.Synthetic.Evaluation;

/// <summary>
/// α-precision, β-recall and authenticity (Alaa et al. 2022), computed as synthcity's <c>AlphaPrecision.metrics</c>
/// does on the encoded records (its "naive" variant: no learnt one-class embedding; the centre is the mean real record).
/// With α on a grid of 30 levels in [0, 1]:
/// <list type="bullet">
/// <item><description>α-precision curve P(α): the share of synthetic records within the α-quantile of the real records' distances to the real centre; <b>AlphaPrecision</b> = 1 − Σ|α − P(α)| / Σα.</description></item>
/// <item><description>β-recall curve R(β): the share of real records whose closest synthetic record is no farther than their closest other real record and lies within the β-quantile of those closest synthetic records' distances to the synthetic centre; <b>BetaRecall</b> = 1 − Σ|β − R(β)| / Σβ.</description></item>
/// <item><description><b>Authenticity</b>: synthcity's expression <c>mean(real_to_real[real_to_synth_args] &lt; real_to_synth)</c>: for real record i with closest synthetic record j, whether the closest-other-real distance of real record j (indexed by the synthetic record's position) is below i's distance to j. It indexes real records by a synthetic record's position, so, like synthcity, it needs equal numbers of real and synthetic records; the larger table is subsampled (seeded) and the rows left out are counted.</description></item>
/// </list>
/// All three range over 0–1, higher is better. Quantiles interpolate linearly (numpy's default).
/// </summary>
public sealed class AlphaPrecision : IEvaluationMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="seed">Seed of the subsampling that equalises the table sizes.</param>
    public AlphaPrecision(ulong seed = 0) => Seed = seed;

    /// <summary>The subsampling seed.</summary>
    public ulong Seed { get; }

    /// <summary>Threads for the neighbour searches (null: all cores); results do not depend on it.</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <inheritdoc/>
    public string Name => "AlphaPrecision";

    /// <inheritdoc/>
    public IReadOnlyList<MetricScore> Evaluate(EvaluationData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var encoder = RecordEncoder.Fit(data.Real);
        var real = encoder.Encode(data.Real);
        var syn = encoder.Encode(data.Synthetic);
        var m = Math.Min(real.Rows, syn.Rows);
        if (m < 3)
        {
            throw new ArgumentException($"AlphaPrecision needs at least three complete real and synthetic records; there are {real.Rows} and {syn.Rows}.");
        }
        var subsampled = (real.Rows - m) + (syn.Rows - m);
        if (real.Rows > m)
        {
            real = PrivacyMetrics.Subsample(real, m, Seed, "alpha-precision-real");
        }
        if (syn.Rows > m)
        {
            syn = PrivacyMetrics.Subsample(syn, m, Seed, "alpha-precision-synthetic");
        }
        var (precision, recall, authenticity) = Compute(real, syn, MaxDegreeOfParallelism);
        var excluded = real.ExcludedRows + syn.ExcludedRows + subsampled;
        var note = subsampled > 0 ? string.Create(CultureInfo.InvariantCulture, $"tables subsampled to {m} records each") : null;
        return
        [
            new MetricScore("AlphaPrecision", null, null, precision, 0, 1, true, excluded, Note: note),
            new MetricScore("BetaRecall", null, null, recall, 0, 1, true, excluded, Note: note),
            new MetricScore("Authenticity", null, null, authenticity, 0, 1, true, excluded, Note: note),
        ];
    }

    /// <summary>The three scores for encoded real and synthetic records of equal count.</summary>
    /// <param name="real">Real records.</param>
    /// <param name="synthetic">Synthetic records (same count and layout).</param>
    /// <param name="maxDegreeOfParallelism">Threads for the neighbour searches.</param>
    public static (double AlphaPrecision, double BetaRecall, double Authenticity) Compute(FeatureMatrix real, FeatureMatrix synthetic, int? maxDegreeOfParallelism = null)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(synthetic);
        if (real.Rows != synthetic.Rows || real.Columns != synthetic.Columns)
        {
            throw new ArgumentException($"AlphaPrecision needs equal shapes; real is {real.Rows}×{real.Columns}, synthetic {synthetic.Rows}×{synthetic.Columns}.");
        }
        var n = real.Rows;
        var centre = Mean(real);
        var synthCentre = Mean(synthetic);
        var realToCentre = new double[n];
        var synthToCentre = new double[n];
        for (var i = 0; i < n; i++)
        {
            realToCentre[i] = Distance(real.Row(i), centre);
            synthToCentre[i] = Distance(synthetic.Row(i), centre);
        }
        var realToReal = new NearestNeighbors(real).Query(real, 1, excludeSelf: true, maxDegreeOfParallelism: maxDegreeOfParallelism).DistancesAt(0);
        var toSynth = new NearestNeighbors(synthetic).Query(real, 1, maxDegreeOfParallelism: maxDegreeOfParallelism);
        var closestD = new double[n];
        for (var i = 0; i < n; i++)
        {
            closestD[i] = Distance(synthetic.Row(toSynth.Index(i, 0)), synthCentre);
        }
        var sortedRadii = (double[])realToCentre.Clone();
        Array.Sort(sortedRadii);
        var sortedClosest = (double[])closestD.Clone();
        Array.Sort(sortedClosest);

        const int steps = 30;
        double sumAlpha = 0, devPrecision = 0, devRecall = 0;
        for (var s = 0; s < steps; s++)
        {
            var alpha = (double)s / (steps - 1);
            var radius = Statistics.Quantile(sortedRadii, alpha);
            var closestRadius = Statistics.Quantile(sortedClosest, alpha);
            var inside = 0;
            var covered = 0;
            for (var i = 0; i < n; i++)
            {
                if (synthToCentre[i] <= radius)
                {
                    inside++;
                }
                if (toSynth.Distance(i, 0) <= realToReal[i] && closestD[i] <= closestRadius)
                {
                    covered++;
                }
            }
            sumAlpha += alpha;
            devPrecision += Math.Abs(alpha - (double)inside / n);
            devRecall += Math.Abs(alpha - (double)covered / n);
        }
        var authentic = 0;
        for (var i = 0; i < n; i++)
        {
            if (realToReal[toSynth.Index(i, 0)] < toSynth.Distance(i, 0))
            {
                authentic++;
            }
        }
        return (1 - devPrecision / sumAlpha, 1 - devRecall / sumAlpha, (double)authentic / n);
    }

    private static double[] Mean(FeatureMatrix x)
    {
        var mean = new double[x.Columns];
        for (var i = 0; i < x.Rows; i++)
        {
            var row = x.Row(i);
            for (var d = 0; d < x.Columns; d++)
            {
                mean[d] += row[d];
            }
        }
        for (var d = 0; d < mean.Length; d++)
        {
            mean[d] /= x.Rows;
        }
        return mean;
    }

    private static double Distance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var s = 0.0;
        for (var d = 0; d < a.Length; d++)
        {
            var t = a[d] - b[d];
            s += t * t;
        }
        return Math.Sqrt(s);
    }
}
