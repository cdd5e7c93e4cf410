using System.Globalization;

namespace TwinLab.Synthetic.Evaluation;

/// <summary>The kind of prediction task of <see cref="UtilityMetrics"/>.</summary>
public enum PredictionTask
{
    /// <summary>Classification for a categorical target, regression for a numeric one.</summary>
    Auto,

    /// <summary>Binary classification.</summary>
    Classification,

    /// <summary>Regression.</summary>
    Regression,
}

/// <summary>
/// Machine-learning utility: a model trained on the synthetic data and tested on the real holdout (TSTR) against the
/// same learner trained on the real data and tested on the same holdout (TRTR). Features are the other columns,
/// standardised and one-hot encoded with the layout of the real data; rows with a missing feature or target are
/// excluded and counted. Classification (binary) reports AUC and accuracy (threshold 0.5); regression reports R² and
/// RMSE. Each comes as <c>TSTR.X</c>, <c>TRTR.X</c> and <c>UtilityGap.X</c> (TRTR − TSTR, for RMSE TSTR − TRTR, so
/// that a positive gap always means the synthetic data lose utility), with 95% percentile bootstrap intervals over
/// resamples of the holdout. With a <see cref="SubgroupColumn"/>, every figure of the same two models (the subgroup column
/// stays a feature) is also computed within each holdout subgroup (worst group and max–min gap), and for classification the demographic-parity and equalised-odds
/// differences of both models' predictions are reported (<see cref="FairnessMetrics"/>).
/// </summary>
public sealed class UtilityMetrics : IEvaluationMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="target">The column to predict.</param>
    /// <param name="learner">The learner.</param>
    /// <param name="task">The task (Auto: from the target's kind).</param>
    /// <param name="seed">Seed of the bootstrap.</param>
    public UtilityMetrics(string target, LearnerKind learner = LearnerKind.Linear, PredictionTask task = PredictionTask.Auto, ulong seed = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        Target = target;
        Learner = learner;
        Task = task;
        Seed = seed;
    }

    /// <summary>The predicted column.</summary>
    public string Target { get; }

    /// <summary>The learner.</summary>
    public LearnerKind Learner { get; }

    /// <summary>The task.</summary>
    public PredictionTask Task { get; }

    /// <summary>The bootstrap seed.</summary>
    public ulong Seed { get; }

    /// <summary>Bootstrap resamples of the holdout for the intervals (0: none).</summary>
    public int BootstrapReplicates { get; init; } = 200;

    /// <summary>For classification: the positive label (default: the last label in ordinal order, e.g. "1" or "yes").</summary>
    public string? PositiveLabel { get; init; }

    /// <summary>A categorical column whose holdout subgroups get their own figures, or null.</summary>
    public string? SubgroupColumn { get; init; }

    /// <summary>Options of the boosted trees.</summary>
    public BoostingOptions Boosting { get; init; } = new();

    /// <inheritdoc/>
    public string Name => "Utility";

    /// <inheritdoc/>
    public IReadOnlyList<MetricScore> Evaluate(EvaluationData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var holdout = data.RequireHoldout("UtilityMetrics");
        var targetColumn = data.Real[Target];
        var classification = Task switch
        {
            PredictionTask.Classification => true,
            PredictionTask.Regression => false,
            _ => targetColumn.Kind == ColumnKind.Categorical,
        };
        if (!classification && targetColumn.Kind == ColumnKind.Categorical)
        {
            throw new ArgumentException($"Regression needs a numeric target; '{Target}' is categorical.");
        }
        var features = data.Real.ColumnNames.Where(n => n != Target).ToArray();
        if (features.Length == 0)
        {
            throw new ArgumentException($"No feature columns besides the target '{Target}'.");
        }
        var encoder = RecordEncoder.Fit(data.Real, NumericScaling.Standardize, 1.0, features);
        var positive = classification ? ResolvePositive(data.Real) : null;
        var (xr, yr, er) = Prepare(data.Real, encoder, positive);
        var (xs, ys, es) = Prepare(data.Synthetic, encoder, positive);
        var (xh, yh, eh) = Prepare(holdout, encoder, positive);
        var excluded = er + es + eh;
        var trtr = Fit(xr, yr, classification, "real");
        var tstr = Fit(xs, ys, classification, "synthetic");
        var pr = Predict(trtr, xh);
        var ps = Predict(tstr, xh);

        var names = classification ? new[] { "AUC", "Accuracy" } : new[] { "R2", "RMSE" };
        var scores = new List<MetricScore>();
        var all = Enumerable.Range(0, xh.Rows).ToArray();
        var pointReal = Figures(pr, yh, all, classification);
        var pointSyn = Figures(ps, yh, all, classification);
        var bootReal = new List<double[]>();
        var bootSyn = new List<double[]>();
        for (var b = 0; b < BootstrapReplicates; b++)
        {
            var rows = SampleIndices.Bootstrap(xh.Rows, Seed, "utility-bootstrap", (ulong)b);
            bootReal.Add(Figures(pr, yh, rows, classification));
            bootSyn.Add(Figures(ps, yh, rows, classification));
        }
        for (var f = 0; f < names.Length; f++)
        {
            var (min, max, higher) = Range(names[f]);
            var sign = higher ? 1.0 : -1.0;
            scores.Add(Score("TSTR." + names[f], pointSyn[f], bootSyn.Select(v => v[f]), min, max, higher, excluded));
            scores.Add(Score("TRTR." + names[f], pointReal[f], bootReal.Select(v => v[f]), min, max, higher, excluded));
            var gapMax = double.IsInfinity(max) ? double.PositiveInfinity : max - min;
            scores.Add(Score("UtilityGap." + names[f], sign * (pointReal[f] - pointSyn[f]),
                bootReal.Zip(bootSyn, (r, s) => sign * (r[f] - s[f])), -gapMax, gapMax, false, excluded));
        }

        if (SubgroupColumn is not null)
        {
            var groups = holdout[SubgroupColumn];
            if (groups.Kind != ColumnKind.Categorical)
            {
                throw new ArgumentException($"Subgroup column '{SubgroupColumn}' must be categorical.");
            }
            var labels = xh.SourceRows.Select(r => groups.Labels[r]).ToArray();
            var perGroup = new List<MetricScore>();
            foreach (var g in labels.Where(l => l is not null).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                var rows = Enumerable.Range(0, labels.Length).Where(i => labels[i] == g).ToArray();
                var fr = Figures(pr, yh, rows, classification);
                var fs = Figures(ps, yh, rows, classification);
                for (var f = 0; f < names.Length; f++)
                {
                    var (min, max, higher) = Range(names[f]);
                    var sub = SubgroupColumn + "=" + g;
                    perGroup.Add(new MetricScore("TSTR." + names[f], Target, sub, fs[f], min, max, higher, excluded, Note: $"{rows.Length} holdout rows"));
                    perGroup.Add(new MetricScore("TRTR." + names[f], Target, sub, fr[f], min, max, higher, excluded, Note: $"{rows.Length} holdout rows"));
                }
            }
            scores.AddRange(perGroup);
            scores.AddRange(SubgroupBreakdown.Summarise(perGroup, SubgroupColumn));
            var missingGroup = labels.Count(l => l is null);
            if (classification)
            {
                var truth = yh.Select(v => v == 1.0).ToArray();
                foreach (var (model, p) in new[] { ("TSTR", ps), ("TRTR", pr) })
                {
                    var predicted = p.Select(v => v >= 0.5).ToArray();
                    scores.Add(new MetricScore(model + ".DemographicParityDifference", Target, SubgroupColumn,
                        FairnessMetrics.DemographicParityDifference(predicted, labels), 0, 1, false, excluded + missingGroup,
                        Note: "max − min over subgroups of the positive-prediction rate (Fairlearn)"));
                    scores.Add(new MetricScore(model + ".EqualizedOddsDifference", Target, SubgroupColumn,
                        FairnessMetrics.EqualizedOddsDifference(truth, predicted, labels), 0, 1, false, excluded + missingGroup,
                        Note: "larger of the max − min true-positive-rate and false-positive-rate differences over subgroups (Fairlearn)"));
                }
            }
        }
        return scores;
    }

    private MetricScore Score(string metric, double value, IEnumerable<double> boot, double min, double max, bool higher, int excluded)
    {
        var sorted = boot.Where(v => !double.IsNaN(v)).Order().ToArray();
        double? lo = sorted.Length > 0 ? Statistics.Quantile(sorted, 0.025) : null;
        double? hi = sorted.Length > 0 ? Statistics.Quantile(sorted, 0.975) : null;
        return new MetricScore(metric, Target, null, value, min, max, higher, excluded, lo, hi,
            sorted.Length > 0 ? string.Create(CultureInfo.InvariantCulture, $"{Learner}; 95% percentile bootstrap over {sorted.Length} holdout resamples") : Learner.ToString());
    }

    private static (double Min, double Max, bool Higher) Range(string figure) => figure switch
    {
        "AUC" or "Accuracy" => (0, 1, true),
        "R2" => (double.NegativeInfinity, 1, true),
        _ => (0, double.PositiveInfinity, false),
    };

    private string ResolvePositive(TabularData real)
    {
        var column = real[Target];
        var labels = new SortedSet<string>(StringComparer.Ordinal);
        if (column.Kind == ColumnKind.Categorical)
        {
            foreach (var l in column.Labels)
            {
                if (l is not null)
                {
                    labels.Add(l);
                }
            }
        }
        else
        {
            for (var i = 0; i < column.Count; i++)
            {
                if (column.TextAt(i) is { } t)
                {
                    labels.Add(t);
                }
            }
        }
        if (labels.Count != 2)
        {
            throw new ArgumentException($"Classification of '{Target}' needs exactly two classes in the real data; found {labels.Count}: {string.Join(", ", labels.Take(10))}.");
        }
        var positive = PositiveLabel ?? labels.Max!;
        if (!labels.Contains(positive))
        {
            throw new ArgumentException($"Positive label '{positive}' is not a class of '{Target}' ({string.Join(", ", labels)}).");
        }
        return positive;
    }

    private (FeatureMatrix X, double[] Y, int Excluded) Prepare(TabularData table, RecordEncoder encoder, string? positive)
    {
        var x = encoder.Encode(table);
        var target = table[Target];
        var keep = new List<int>();
        var y = new List<double>();
        for (var i = 0; i < x.Rows; i++)
        {
            var r = x.SourceRows[i];
            if (positive is not null)
            {
                var t = target.TextAt(r);
                if (t is null)
                {
                    continue;
                }
                y.Add(t == positive ? 1 : 0);
            }
            else
            {
                var v = target.Numbers[r];
                if (double.IsNaN(v))
                {
                    continue;
                }
                y.Add(v);
            }
            keep.Add(i);
        }
        var rows = LogisticDetection.Rows(x, keep.ToArray());
        return (rows, y.ToArray(), table.RowCount - keep.Count);
    }

    private IPredictor Fit(FeatureMatrix x, double[] y, bool classification, string table)
    {
        if (x.Rows < 2)
        {
            throw new ArgumentException($"Too few complete rows ({x.Rows}) in the {table} table to train a model for '{Target}'.");
        }
        if (classification)
        {
            var labels = y.Select(v => v == 1.0).ToArray();
            var positives = labels.Count(l => l);
            if (positives == 0 || positives == labels.Length)
            {
                throw new ArgumentException($"The {table} table has only one class of '{Target}' among its {labels.Length} complete rows; a classifier needs both.");
            }
            return Learner == LearnerKind.Linear ? LogisticRegression.Fit(x, labels) : GradientBoostedTrees.FitClassification(x, labels, Boosting);
        }
        return Learner == LearnerKind.Linear ? RidgeRegression.Fit(x, y) : GradientBoostedTrees.FitRegression(x, y, Boosting);
    }

    private static double[] Predict(IPredictor model, FeatureMatrix x)
    {
        var p = new double[x.Rows];
        for (var i = 0; i < x.Rows; i++)
        {
            p[i] = model.Predict(x.Row(i));
        }
        return p;
    }

    private static double[] Figures(double[] prediction, double[] truth, int[] rows, bool classification)
    {
        var p = rows.Select(i => prediction[i]).ToArray();
        var y = rows.Select(i => truth[i]).ToArray();
        return classification
            ? [ClassificationScores.Auc(p, y.Select(v => v == 1.0).ToArray()), ClassificationScores.Accuracy(p, y.Select(v => v == 1.0).ToArray())]
            : [RegressionScores.RSquared(p, y), RegressionScores.RootMeanSquaredError(p, y)];
    }
}

/// <summary>Scores of binary classifiers.</summary>
public static class ClassificationScores
{
    /// <summary>The area under the ROC curve (ties count ½; NaN when only one class is present), as sklearn's roc_auc_score.</summary>
    /// <param name="scores">Predicted scores or probabilities.</param>
    /// <param name="positive">True labels.</param>
    public static double Auc(ReadOnlySpan<double> scores, ReadOnlySpan<bool> positive) => Statistics.Auc(scores, positive);

    /// <summary>The share of correct predictions when predicting positive at probability ≥ <paramref name="threshold"/>.</summary>
    /// <param name="probabilities">Predicted probabilities.</param>
    /// <param name="positive">True labels.</param>
    /// <param name="threshold">The decision threshold.</param>
    public static double Accuracy(ReadOnlySpan<double> probabilities, ReadOnlySpan<bool> positive, double threshold = 0.5)
    {
        if (probabilities.Length == 0)
        {
            return double.NaN;
        }
        var correct = 0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            if ((probabilities[i] >= threshold) == positive[i])
            {
                correct++;
            }
        }
        return (double)correct / probabilities.Length;
    }
}

/// <summary>Scores of regressors.</summary>
public static class RegressionScores
{
    /// <summary>The coefficient of determination 1 − SS_res / SS_tot (as sklearn's r2_score; NaN for a constant truth).</summary>
    /// <param name="predicted">Predictions.</param>
    /// <param name="truth">True values.</param>
    public static double RSquared(ReadOnlySpan<double> predicted, ReadOnlySpan<double> truth)
    {
        var n = truth.Length;
        if (n == 0)
        {
            return double.NaN;
        }
        var mean = 0.0;
        foreach (var v in truth)
        {
            mean += v;
        }
        mean /= n;
        double ssRes = 0, ssTot = 0;
        for (var i = 0; i < n; i++)
        {
            ssRes += (truth[i] - predicted[i]) * (truth[i] - predicted[i]);
            ssTot += (truth[i] - mean) * (truth[i] - mean);
        }
        return ssTot > 0 ? 1 - ssRes / ssTot : double.NaN;
    }

    /// <summary>The root mean squared error.</summary>
    /// <param name="predicted">Predictions.</param>
    /// <param name="truth">True values.</param>
    public static double RootMeanSquaredError(ReadOnlySpan<double> predicted, ReadOnlySpan<double> truth)
    {
        if (truth.Length == 0)
        {
            return double.NaN;
        }
        var s = 0.0;
        for (var i = 0; i < truth.Length; i++)
        {
            s += (truth[i] - predicted[i]) * (truth[i] - predicted[i]);
        }
        return Math.Sqrt(s / truth.Length);
    }
}
