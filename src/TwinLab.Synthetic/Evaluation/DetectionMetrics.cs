using System.Globalization;

namespace TwinLab.Synthetic.Evaluation;

/// <summary>
/// LogisticDetection (SDMetrics): a classifier two-sample test. Real and synthetic records are pooled and labelled,
/// encoded (numeric columns as they are, categories one-hot), split into stratified folds (3 by default, shuffled
/// with a seed), and on each training part every feature is robust-scaled (minus its median, divided by its
/// interquartile range, 1 when that is 0: scikit-learn's RobustScaler) and an L2-regularised logistic regression
/// (C = 1) is fitted, as SDMetrics' pipeline does; with AUC_k its area under the ROC curve on fold k, the score is
/// 1 − mean_k(max(AUC_k, 0.5)·2 − 1).
/// Range 0–1, higher is better: 1 when the classifier cannot tell synthetic from real, 0 when it always can.
/// Rows with missing values are excluded and counted.
/// </summary>
public sealed class LogisticDetection : IEvaluationMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="seed">Seed of the fold assignment.</param>
    /// <param name="folds">Number of stratified folds.</param>
    public LogisticDetection(ulong seed = 0, int folds = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        Seed = seed;
        Folds = folds;
    }

    /// <summary>The fold seed.</summary>
    public ulong Seed { get; }

    /// <summary>The number of folds.</summary>
    public int Folds { get; }

    /// <inheritdoc/>
    public string Name => "LogisticDetection";

    /// <inheritdoc/>
    public IReadOnlyList<MetricScore> Evaluate(EvaluationData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var pooled = TabularData.Concatenate(data.Real, data.Synthetic);
        var x = RecordEncoder.Fit(pooled, NumericScaling.None, 1.0).Encode(pooled);
        var isSynthetic = new bool[x.Rows];
        for (var i = 0; i < x.Rows; i++)
        {
            isSynthetic[i] = x.SourceRows[i] >= data.Real.RowCount;
        }
        var folds = StratifiedFolds(isSynthetic, Folds, Seed);
        var aucs = FoldAucs(x, isSynthetic, folds, Folds);
        var mean = 0.0;
        foreach (var auc in aucs)
        {
            mean += Math.Max(auc, 0.5) * 2 - 1;
        }
        mean /= aucs.Length;
        return [new MetricScore(Name, null, null, 1 - mean, 0, 1, true, x.ExcludedRows,
            Note: "fold AUCs " + string.Join(", ", aucs.Select(a => a.ToString("F4", CultureInfo.InvariantCulture))))];
    }

    /// <summary>The fold (0..folds−1) of each row: within each class, rows are shuffled and dealt round-robin.</summary>
    internal static int[] StratifiedFolds(bool[] label, int folds, ulong seed)
    {
        var assignment = new int[label.Length];
        foreach (var cls in new[] { false, true })
        {
            var members = Enumerable.Range(0, label.Length).Where(i => label[i] == cls).ToArray();
            if (members.Length < folds)
            {
                throw new ArgumentException($"LogisticDetection needs at least {folds} complete {(cls ? "synthetic" : "real")} records for {folds} folds; there are {members.Length}.");
            }
            var order = Enumerable.Range(0, members.Length).ToArray();
            var stream = TwinLab.Core.Randomness.RandomStream.For(seed, cls ? "detection-folds-synthetic" : "detection-folds-real");
            for (var i = order.Length - 1; i > 0; i--)
            {
                var j = (int)stream.NextUInt32((uint)(i + 1));
                (order[i], order[j]) = (order[j], order[i]);
            }
            for (var k = 0; k < order.Length; k++)
            {
                assignment[members[order[k]]] = k % folds;
            }
        }
        return assignment;
    }

    /// <summary>The test AUC of a logistic regression (C = 1) on each fold.</summary>
    internal static double[] FoldAucs(FeatureMatrix x, bool[] label, int[] fold, int folds)
    {
        var aucs = new double[folds];
        for (var k = 0; k < folds; k++)
        {
            var train = Enumerable.Range(0, x.Rows).Where(i => fold[i] != k).ToArray();
            var test = Enumerable.Range(0, x.Rows).Where(i => fold[i] == k).ToArray();
            var (trainX, testX) = RobustScale(Rows(x, train), Rows(x, test));
            var model = LogisticRegression.Fit(trainX, train.Select(i => label[i]).ToArray());
            var scores = Enumerable.Range(0, testX.Rows).Select(i => model.Predict(testX.Row(i))).ToArray();
            aucs[k] = Statistics.Auc(scores, test.Select(i => label[i]).ToArray());
        }
        return aucs;
    }

    /// <summary>Centres each feature on its median in <paramref name="train"/> and divides by its interquartile range
    /// there (1 when that is 0), applied to both parts (scikit-learn's RobustScaler).</summary>
    internal static (FeatureMatrix Train, FeatureMatrix Test) RobustScale(FeatureMatrix train, FeatureMatrix test)
    {
        var c = train.Columns;
        var a = (double[])train.Values.Clone();
        var b = (double[])test.Values.Clone();
        var column = new double[train.Rows];
        for (var j = 0; j < c; j++)
        {
            for (var i = 0; i < train.Rows; i++)
            {
                column[i] = train.Values[i * c + j];
            }
            Array.Sort(column);
            var median = Statistics.Quantile(column, 0.5);
            var iqr = Statistics.Quantile(column, 0.75) - Statistics.Quantile(column, 0.25);
            var scale = iqr < 10 * 2.220446049250313e-16 ? 1.0 : iqr; // scikit-learn treats ranges below 10 machine epsilons as 0
            for (var i = 0; i < train.Rows; i++)
            {
                a[i * c + j] = (a[i * c + j] - median) / scale;
            }
            for (var i = 0; i < test.Rows; i++)
            {
                b[i * c + j] = (b[i * c + j] - median) / scale;
            }
        }
        return (train with { Values = a }, test with { Values = b });
    }

    internal static FeatureMatrix Rows(FeatureMatrix x, int[] rows)
    {
        var v = new double[rows.Length * x.Columns];
        for (var i = 0; i < rows.Length; i++)
        {
            x.Row(rows[i]).CopyTo(v.AsSpan(i * x.Columns, x.Columns));
        }
        return new FeatureMatrix(rows.Length, x.Columns, v, rows.Select(r => x.SourceRows[r]).ToArray(), 0);
    }
}

/// <summary>
/// Maximum mean discrepancy with a Gaussian (RBF) kernel k(x, y) = exp(−‖x − y‖² / (2σ²)), σ the median pairwise
/// distance of the pooled records (the median heuristic), and the unbiased estimator
/// MMD²_u = mean_{i≠j} k(x_i, x_j) + mean_{i≠j} k(y_i, y_j) − 2 mean_{i,j} k(x_i, y_j) (Gretton et al. 2012).
/// Records are min–max encoded as for the distance metrics; each table is subsampled (seeded) to at most
/// <see cref="MaxRecords"/> records, and the rows left out are counted. Range: about 0 (it can be slightly negative)
/// to 2; lower is better.
/// </summary>
public sealed class MaximumMeanDiscrepancy : IEvaluationMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="seed">Seed of the subsampling.</param>
    /// <param name="maxRecords">Largest number of records used from each table (the cost is quadratic).</param>
    public MaximumMeanDiscrepancy(ulong seed = 0, int maxRecords = 2000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecords, 2);
        Seed = seed;
        MaxRecords = maxRecords;
    }

    /// <summary>The subsampling seed.</summary>
    public ulong Seed { get; }

    /// <summary>Records used at most from each table.</summary>
    public int MaxRecords { get; }

    /// <inheritdoc/>
    public string Name => "MMD";

    /// <inheritdoc/>
    public IReadOnlyList<MetricScore> Evaluate(EvaluationData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var encoder = RecordEncoder.Fit(data.Real);
        var x = encoder.Encode(data.Real);
        var y = encoder.Encode(data.Synthetic);
        var excluded = x.ExcludedRows + y.ExcludedRows;
        if (x.Rows > MaxRecords)
        {
            excluded += x.Rows - MaxRecords;
            x = PrivacyMetrics.Subsample(x, MaxRecords, Seed, "mmd-real");
        }
        if (y.Rows > MaxRecords)
        {
            excluded += y.Rows - MaxRecords;
            y = PrivacyMetrics.Subsample(y, MaxRecords, Seed, "mmd-synthetic");
        }
        var (value, sigma) = Compute(x, y);
        return [new MetricScore(Name, null, null, value, 0, 2, false, excluded,
            Note: string.Create(CultureInfo.InvariantCulture, $"unbiased MMD² with RBF kernel, σ = {sigma:G6} (median heuristic), {x.Rows} real and {y.Rows} synthetic records"))];
    }

    /// <summary>The unbiased MMD² and the bandwidth σ used.</summary>
    /// <param name="x">First sample (at least two rows).</param>
    /// <param name="y">Second sample (at least two rows).</param>
    /// <param name="sigma">The bandwidth, or null for the median heuristic.</param>
    public static (double Mmd2, double Sigma) Compute(FeatureMatrix x, FeatureMatrix y, double? sigma = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Rows < 2 || y.Rows < 2 || x.Columns != y.Columns)
        {
            throw new ArgumentException("MMD needs two samples of at least two records with the same features.");
        }
        var m = x.Rows;
        var n = y.Rows;
        double s;
        if (sigma is { } given)
        {
            s = given;
        }
        else
        {
            var all = m + n;
            var pairs = new double[(long)all * (all - 1) / 2];
            var k = 0L;
            for (var i = 0; i < all; i++)
            {
                var a = i < m ? x.Row(i) : y.Row(i - m);
                for (var j = i + 1; j < all; j++)
                {
                    pairs[k++] = Math.Sqrt(SquaredDistance(a, j < m ? x.Row(j) : y.Row(j - m)));
                }
            }
            s = Statistics.Median(pairs);
            if (s <= 0)
            {
                s = 1.0; // all records identical: any bandwidth gives MMD² = 0
            }
        }
        var gamma = 1.0 / (2 * s * s);
        double kxx = 0, kyy = 0, kxy = 0;
        for (var i = 0; i < m; i++)
        {
            for (var j = i + 1; j < m; j++)
            {
                kxx += Math.Exp(-gamma * SquaredDistance(x.Row(i), x.Row(j)));
            }
            for (var j = 0; j < n; j++)
            {
                kxy += Math.Exp(-gamma * SquaredDistance(x.Row(i), y.Row(j)));
            }
        }
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                kyy += Math.Exp(-gamma * SquaredDistance(y.Row(i), y.Row(j)));
            }
        }
        var value = 2 * kxx / ((double)m * (m - 1)) + 2 * kyy / ((double)n * (n - 1)) - 2 * kxy / ((double)m * n);
        return (value, s);
    }

    private static double SquaredDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var s = 0.0;
        for (var d = 0; d < a.Length; d++)
        {
            var t = a[d] - b[d];
            s += t * t;
        }
        return s;
    }
}
