namespace TwinLab.Synthetic.Evaluation;

/// <summary>Settings of <see cref="GradientBoostedTrees"/> (scikit-learn's defaults).</summary>
/// <param name="Trees">Boosting rounds.</param>
/// <param name="LearningRate">Shrinkage of each tree.</param>
/// <param name="MaxDepth">Depth of each regression tree.</param>
/// <param name="MinSamplesLeaf">Fewest training rows in a leaf.</param>
public sealed record BoostingOptions(int Trees = 100, double LearningRate = 0.1, int MaxDepth = 3, int MinSamplesLeaf = 1);

/// <summary>
/// Gradient boosting with regression trees (Friedman 2001), as scikit-learn's GradientBoostingRegressor and
/// GradientBoostingClassifier (binary, log-loss) compute it without subsampling: the start value is the mean (or the
/// prior log-odds), each tree is grown greedily on the current residuals by the largest reduction of squared error
/// (thresholds halfway between consecutive distinct values), and its leaves hold the residual mean (regression) or the
/// Newton step Σr / Σp(1−p) (classification), shrunk by the learning rate. Positions between feature values closer than 1e-7 are not split points (as in scikit-learn). Split search sorts the node's rows for
/// every feature: O(trees · depth · features · n log n), meant for evaluation-sized data.
/// </summary>
public static class GradientBoostedTrees
{
    /// <summary>Fits a least-squares regressor.</summary>
    /// <param name="x">Features.</param>
    /// <param name="y">Targets.</param>
    /// <param name="options">Settings (defaults when null).</param>
    public static IPredictor FitRegression(FeatureMatrix x, ReadOnlySpan<double> y, BoostingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Fit(x, y.ToArray(), classification: false, options ?? new BoostingOptions());
    }

    /// <summary>Fits a binary log-loss classifier; its prediction is the probability of the positive class.</summary>
    /// <param name="x">Features.</param>
    /// <param name="positive">Labels.</param>
    /// <param name="options">Settings (defaults when null).</param>
    public static IPredictor FitClassification(FeatureMatrix x, ReadOnlySpan<bool> positive, BoostingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = new double[positive.Length];
        for (var i = 0; i < y.Length; i++)
        {
            y[i] = positive[i] ? 1 : 0;
        }
        return Fit(x, y, classification: true, options ?? new BoostingOptions());
    }

    private static Ensemble Fit(FeatureMatrix x, double[] y, bool classification, BoostingOptions options)
    {
        if (y.Length != x.Rows || x.Rows == 0)
        {
            throw new ArgumentException($"{y.Length} targets for {x.Rows} rows; boosting needs at least one row and one target per row.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Trees, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxDepth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MinSamplesLeaf, 1);
        var n = x.Rows;
        var mean = y.Average();
        double start;
        if (classification)
        {
            if (mean <= 0 || mean >= 1)
            {
                throw new ArgumentException("Classification needs both classes among the training labels.");
            }
            start = Math.Log(mean / (1 - mean));
        }
        else
        {
            start = mean;
        }
        var f = new double[n];
        Array.Fill(f, start);
        var residual = new double[n];
        var prob = new double[n];
        var trees = new List<Node>(options.Trees);
        var rows = Enumerable.Range(0, n).ToArray();
        for (var m = 0; m < options.Trees; m++)
        {
            for (var i = 0; i < n; i++)
            {
                if (classification)
                {
                    prob[i] = 1.0 / (1.0 + Math.Exp(-f[i]));
                    residual[i] = y[i] - prob[i];
                }
                else
                {
                    residual[i] = y[i] - f[i];
                }
            }
            var tree = Grow(x, residual, prob, classification, rows, 0, options);
            for (var i = 0; i < n; i++)
            {
                f[i] += options.LearningRate * tree.Evaluate(x.Row(i));
            }
            trees.Add(tree);
        }
        return new Ensemble(start, options.LearningRate, trees.ToArray(), classification);
    }

    private static Node Grow(FeatureMatrix x, double[] r, double[] prob, bool classification, int[] rows, int depth, BoostingOptions options)
    {
        var n = rows.Length;
        if (depth < options.MaxDepth && n >= 2 * options.MinSamplesLeaf && n >= 2)
        {
            var total = 0.0;
            foreach (var i in rows)
            {
                total += r[i];
            }
            var bestGain = 0.0;
            var bestFeature = -1;
            var bestThreshold = 0.0;
            var keys = new double[n];
            var order = new int[n];
            for (var j = 0; j < x.Columns; j++)
            {
                for (var k = 0; k < n; k++)
                {
                    keys[k] = x.Values[rows[k] * x.Columns + j];
                    order[k] = rows[k];
                }
                Array.Sort(keys, order);
                var left = 0.0;
                for (var k = 0; k < n - 1; k++)
                {
                    left += r[order[k]];
                    var nl = k + 1;
                    var nr = n - nl;
                    // As scikit-learn: positions between values closer than 1e-7 are not split points.
                    if (keys[k + 1] <= keys[k] + 1e-7 || nl < options.MinSamplesLeaf || nr < options.MinSamplesLeaf)
                    {
                        continue;
                    }
                    var right = total - left;
                    // Friedman's improvement proxy (nR·S_L − nL·S_R)² / (nL·nR): for a given node it ranks splits as
                    // the reduction of squared error does; it is evaluated in this form so that exact ties are
                    // broken as scikit-learn breaks them (the first position wins).
                    var diff = nr * left - nl * right;
                    var gain = diff * diff / ((double)nl * nr);
                    if (gain > bestGain)
                    {
                        bestGain = gain;
                        bestFeature = j;
                        bestThreshold = keys[k] / 2 + keys[k + 1] / 2;
                    }
                }
            }
            if (bestFeature >= 0)
            {
                var l = new List<int>(n);
                var g = new List<int>(n);
                foreach (var i in rows)
                {
                    (x.Values[i * x.Columns + bestFeature] <= bestThreshold ? l : g).Add(i);
                }
                return new Node(bestFeature, bestThreshold,
                    Grow(x, r, prob, classification, l.ToArray(), depth + 1, options),
                    Grow(x, r, prob, classification, g.ToArray(), depth + 1, options), 0);
            }
        }
        double sum = 0, denominator = 0;
        foreach (var i in rows)
        {
            sum += r[i];
            denominator += classification ? prob[i] * (1 - prob[i]) : 1;
        }
        var value = denominator < 1e-150 ? 0.0 : sum / denominator;
        return new Node(-1, 0, null, null, value);
    }

    private sealed record Node(int Feature, double Threshold, Node? Left, Node? Right, double Value)
    {
        public double Evaluate(ReadOnlySpan<double> x)
        {
            var node = this;
            while (node.Feature >= 0)
            {
                node = x[node.Feature] <= node.Threshold ? node.Left! : node.Right!;
            }
            return node.Value;
        }
    }

    private sealed class Ensemble(double start, double rate, Node[] trees, bool classification) : IPredictor
    {
        public double Predict(ReadOnlySpan<double> features)
        {
            var f = start;
            foreach (var t in trees)
            {
                f += rate * t.Evaluate(features);
            }
            return classification ? 1.0 / (1.0 + Math.Exp(-f)) : f;
        }
    }
}
