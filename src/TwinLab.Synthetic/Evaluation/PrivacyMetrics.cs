using System.Globalization;

namespace TwinLab.Synthetic.Evaluation;

/// <summary>How <see cref="PrivacyMetrics"/> weights features for ε-identifiability.</summary>
public enum IdentifiabilityWeighting
{
    /// <summary>Each column's features divided by the column's entropy (Yoon et al. 2020; synthcity's "entropy" option).</summary>
    InverseEntropy,

    /// <summary>No weights (synthcity's "legacy" behaviour).</summary>
    None,
}

/// <summary>
/// Distance-based privacy metrics of synthetic records against the real records the generator saw ("train") and a
/// real holdout it never saw. Records are encoded with a <see cref="RecordEncoder"/> fitted on the real data (numeric
/// columns min–max scaled, categories one-hot with weight 1/√2); rows with missing values are excluded and counted.
/// Scores:
/// <list type="bullet">
/// <item><description><b>DCR.Median</b>: the median distance from a synthetic record to its closest train record (0 to ∞, higher is better); its <b>DCR.HoldoutBaseline</b> is the same median for holdout records, and <b>DCR.BaselineRatio</b> their ratio (≈1 when the generator does not copy; ≪1 flags copies).</description></item>
/// <item><description><b>DCR.CloserToTrainShare</b>: the share of synthetic records whose closest train record is closer than their closest holdout record (ties count ½), with train and holdout subsampled to equal size so that 0.5 is the value of a generator that does not memorise; 0 to 1, lower is better.</description></item>
/// <item><description><b>NNDR.Mean</b>: the mean over synthetic records of (distance to the closest train record) / (distance to the second closest); 0 to 1, higher is better; <b>NNDR.HoldoutBaseline</b> the same for holdout records.</description></item>
/// <item><description><b>Identifiability</b> (ε-identifiability, Yoon et al. 2020, as synthcity computes it): the share of train records whose closest synthetic record is strictly closer than their closest other train record, in a space where each column is divided by its entropy; 0 to 1, lower is better.</description></item>
/// <item><description><b>MembershipInference.AUC</b>: a distance attack that scores each train and holdout record by minus its distance to the closest synthetic record, and the AUC of that score for telling train (members) from holdout (non-members); 0.5 means no leakage, 1 full leakage; lower is better.</description></item>
/// </list>
/// </summary>
public sealed class PrivacyMetrics : IEvaluationMetric
{
    /// <summary>Creates the metric set.</summary>
    /// <param name="seed">Seed of the subsampling that equalises train and holdout sizes for the closer-to-train share.</param>
    /// <param name="weighting">Feature weighting of ε-identifiability.</param>
    public PrivacyMetrics(ulong seed = 0, IdentifiabilityWeighting weighting = IdentifiabilityWeighting.InverseEntropy)
    {
        Seed = seed;
        Weighting = weighting;
    }

    /// <summary>The subsampling seed.</summary>
    public ulong Seed { get; }

    /// <summary>The ε-identifiability weighting.</summary>
    public IdentifiabilityWeighting Weighting { get; }

    /// <summary>Threads for the neighbour searches (null: all cores); results do not depend on it.</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <inheritdoc/>
    public string Name => "Privacy";

    /// <inheritdoc/>
    public IReadOnlyList<MetricScore> Evaluate(EvaluationData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var holdoutTable = data.RequireHoldout("PrivacyMetrics");
        var encoder = RecordEncoder.Fit(data.Real);
        var train = encoder.Encode(data.Real);
        var syn = encoder.Encode(data.Synthetic);
        var holdout = encoder.Encode(holdoutTable);
        if (train.Rows < 2 || syn.Rows < 1 || holdout.Rows < 1)
        {
            throw new ArgumentException($"Privacy metrics need at least two complete train records and one complete synthetic and holdout record; after excluding rows with missing values there are {train.Rows}, {syn.Rows} and {holdout.Rows}.");
        }
        var excluded = train.ExcludedRows + syn.ExcludedRows + holdout.ExcludedRows;
        var p = MaxDegreeOfParallelism;
        var trainIndex = new NearestNeighbors(train);
        var synIndex = new NearestNeighbors(syn);

        var synToTrain = trainIndex.Query(syn, 2, maxDegreeOfParallelism: p);
        var holdoutToTrain = trainIndex.Query(holdout, 2, maxDegreeOfParallelism: p);
        var trainToSyn = synIndex.Query(train, 1, maxDegreeOfParallelism: p);
        var holdoutToSyn = synIndex.Query(holdout, 1, maxDegreeOfParallelism: p);

        var scores = new List<MetricScore>();
        var dcrSyn = synToTrain.DistancesAt(0);
        var dcrHold = holdoutToTrain.DistancesAt(0);
        var medSyn = Statistics.Median(dcrSyn);
        var medHold = Statistics.Median(dcrHold);
        scores.Add(new MetricScore("DCR.Median", null, null, medSyn, 0, double.PositiveInfinity, true, excluded,
            Note: "median distance from a synthetic record to its closest train record (min–max scaled features)"));
        scores.Add(new MetricScore("DCR.HoldoutBaseline", null, null, medHold, 0, double.PositiveInfinity, true, excluded,
            Note: "median distance from a holdout record to its closest train record"));
        scores.Add(new MetricScore("DCR.BaselineRatio", null, null, medHold > 0 ? medSyn / medHold : double.NaN, 0, double.PositiveInfinity, true, excluded,
            Note: "DCR.Median / DCR.HoldoutBaseline: about 1 without copying, much below 1 when synthetic records copy train records"));

        // Closer-to-train share, with train and holdout of equal size so that 0.5 is the no-memorisation value.
        var m = Math.Min(train.Rows, holdout.Rows);
        var trainSub = train.Rows == m ? train : Subsample(train, m, Seed, "privacy-train-subsample");
        var holdSub = holdout.Rows == m ? holdout : Subsample(holdout, m, Seed, "privacy-holdout-subsample");
        var toTrainSub = train.Rows == m ? synToTrain : new NearestNeighbors(trainSub).Query(syn, 1, maxDegreeOfParallelism: p);
        var toHoldSub = new NearestNeighbors(holdSub).Query(syn, 1, maxDegreeOfParallelism: p);
        var closer = 0.0;
        for (var i = 0; i < syn.Rows; i++)
        {
            var a = toTrainSub.Distance(i, 0);
            var b = toHoldSub.Distance(i, 0);
            closer += a < b ? 1 : a == b ? 0.5 : 0;
        }
        scores.Add(new MetricScore("DCR.CloserToTrainShare", null, null, closer / syn.Rows, 0, 1, false,
            excluded + (train.Rows - m) + (holdout.Rows - m),
            Note: string.Create(CultureInfo.InvariantCulture, $"train and holdout subsampled to {m} records each; 0.5 expected without memorisation")));

        scores.Add(new MetricScore("NNDR.Mean", null, null, MeanRatio(synToTrain), 0, 1, true, excluded,
            Note: "mean over synthetic records of closest / second-closest train distance"));
        scores.Add(new MetricScore("NNDR.HoldoutBaseline", null, null, MeanRatio(holdoutToTrain), 0, 1, true, excluded,
            Note: "the same ratio for holdout records"));

        scores.Add(new MetricScore("Identifiability", null, null, Identifiability(data.Real, data.Synthetic, encoder, train, syn, Weighting, p), 0, 1, false,
            train.ExcludedRows + syn.ExcludedRows, Note: "ε-identifiability: share of train records closer to a synthetic record than to any other train record (" + Weighting + " weights)"));

        // Membership inference: members (train) and non-members (holdout), scored by closeness to synthetic data.
        var scoresMia = new double[train.Rows + holdout.Rows];
        var member = new bool[scoresMia.Length];
        for (var i = 0; i < train.Rows; i++)
        {
            scoresMia[i] = -trainToSyn.Distance(i, 0);
            member[i] = true;
        }
        for (var i = 0; i < holdout.Rows; i++)
        {
            scoresMia[train.Rows + i] = -holdoutToSyn.Distance(i, 0);
        }
        scores.Add(new MetricScore("MembershipInference.AUC", null, null, Statistics.Auc(scoresMia, member), 0, 1, false, excluded,
            Note: "distance attack: AUC of −(distance to closest synthetic record) for train against holdout records; 0.5 means no leakage"));
        return scores;
    }

    /// <summary>ε-identifiability (Yoon et al. 2020) of encoded train records against encoded synthetic records.</summary>
    internal static double Identifiability(TabularData real, TabularData synthetic, RecordEncoder encoder, FeatureMatrix train, FeatureMatrix syn, IdentifiabilityWeighting weighting, int? parallelism)
    {
        var weights = FeatureWeights(real, encoder, weighting);
        var wTrain = Scale(train, weights);
        var wSyn = Scale(syn, weights);
        var realToReal = new NearestNeighbors(wTrain).Query(wTrain, 1, excludeSelf: true, maxDegreeOfParallelism: parallelism);
        var realToSyn = new NearestNeighbors(wSyn).Query(wTrain, 1, maxDegreeOfParallelism: parallelism);
        var count = 0;
        for (var i = 0; i < wTrain.Rows; i++)
        {
            if (realToSyn.Distance(i, 0) < realToReal.Distance(i, 0))
            {
                count++;
            }
        }
        return (double)count / wTrain.Rows;
    }

    /// <summary>One weight per encoded feature: 1 / max(H, 1e-16) of the source column, where H is the natural-log
    /// entropy of the column's categories, or of its values rounded to integers for numeric columns.</summary>
    internal static double[] FeatureWeights(TabularData real, RecordEncoder encoder, IdentifiabilityWeighting weighting)
    {
        var weights = new double[encoder.FeatureNames.Count];
        if (weighting == IdentifiabilityWeighting.None)
        {
            Array.Fill(weights, 1.0);
            return weights;
        }
        var o = 0;
        foreach (var column in real.Columns)
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            var n = 0;
            for (var r = 0; r < column.Count; r++)
            {
                string? key = column.Kind == ColumnKind.Numeric
                    ? (double.IsNaN(column.Numbers[r]) ? null : (Math.Round(column.Numbers[r], MidpointRounding.ToEven) + 0.0).ToString("R", CultureInfo.InvariantCulture))
                    : column.Labels[r];
                if (key is null)
                {
                    continue;
                }
                counts[key] = counts.GetValueOrDefault(key) + 1;
                n++;
            }
            var h = 0.0;
            foreach (var c in counts.Values)
            {
                var q = (double)c / n;
                h -= q * Math.Log(q);
            }
            var w = 1.0 / Math.Max(h, 1e-16);
            var width = column.Kind == ColumnKind.Numeric ? 1 : counts.Count + 1;
            for (var k = 0; k < width; k++)
            {
                weights[o + k] = w;
            }
            o += width;
        }
        return weights;
    }

    private static FeatureMatrix Scale(FeatureMatrix x, double[] weights)
    {
        var v = new double[x.Values.Length];
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = x.Values[i] * weights[i % x.Columns];
        }
        return x with { Values = v };
    }

    private static double MeanRatio(NeighborResult r)
    {
        var sum = 0.0;
        for (var i = 0; i < r.Queries; i++)
        {
            var d1 = r.Distance(i, 0);
            var d2 = r.Distance(i, 1);
            sum += d2 > 0 ? d1 / d2 : 0.0; // d2 = 0 implies d1 = 0: an exact copy
        }
        return sum / r.Queries;
    }

    internal static FeatureMatrix Subsample(FeatureMatrix x, int m, ulong seed, string purpose)
    {
        var rows = SampleIndices.WithoutReplacement(x.Rows, m, seed, purpose);
        var v = new double[m * x.Columns];
        var source = new int[m];
        for (var i = 0; i < m; i++)
        {
            x.Row(rows[i]).CopyTo(v.AsSpan(i * x.Columns, x.Columns));
            source[i] = x.SourceRows[rows[i]];
        }
        return new FeatureMatrix(m, x.Columns, v, source, x.ExcludedRows);
    }
}

/// <summary>Seeded index sampling on counter-based random streams.</summary>
internal static class SampleIndices
{
    /// <summary>m distinct indices of 0..n−1, sorted ascending (partial Fisher–Yates).</summary>
    public static int[] WithoutReplacement(int n, int m, ulong seed, string purpose)
    {
        var stream = TwinLab.Core.Randomness.RandomStream.For(seed, purpose);
        var perm = new int[n];
        for (var i = 0; i < n; i++)
        {
            perm[i] = i;
        }
        for (var i = 0; i < m; i++)
        {
            var j = i + (int)stream.NextUInt32((uint)(n - i));
            (perm[i], perm[j]) = (perm[j], perm[i]);
        }
        var result = perm.AsSpan(0, m).ToArray();
        Array.Sort(result);
        return result;
    }

    /// <summary>n indices of 0..n−1 drawn with replacement (a bootstrap resample), entity-keyed by replicate.</summary>
    public static int[] Bootstrap(int n, ulong seed, string purpose, ulong replicate)
    {
        var stream = TwinLab.Core.Randomness.RandomStream.For(seed, purpose, replicate);
        var result = new int[n];
        for (var i = 0; i < n; i++)
        {
            result[i] = (int)stream.NextUInt32((uint)n);
        }
        return result;
    }
}
