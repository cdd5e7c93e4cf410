namespace TwinLab.Synthetic.Evaluation;

/// <summary>A fitted model that maps a feature vector to a number: a probability of the positive class for classifiers,
/// a predicted value for regressors.</summary>
public interface IPredictor
{
    /// <summary>The prediction for one feature vector.</summary>
    /// <param name="features">The encoded features.</param>
    double Predict(ReadOnlySpan<double> features);
}

/// <summary>The built-in learners of the utility metrics.</summary>
public enum LearnerKind
{
    /// <summary>L2-regularised linear model: logistic regression for classification, ridge regression for regression.</summary>
    Linear,

    /// <summary>Gradient-boosted regression trees (least squares, or log-loss with Newton leaf values).</summary>
    GradientBoostedTrees,
}

/// <summary>A linear predictor w·x + b, passed through the logistic function when <see cref="Logistic"/> is set.</summary>
/// <param name="Coefficients">The weights w.</param>
/// <param name="Intercept">The intercept b.</param>
/// <param name="Logistic">Whether the output is σ(w·x + b) (a probability).</param>
/// <param name="Iterations">Newton iterations used to fit it (0 for closed forms).</param>
public sealed record LinearModel(double[] Coefficients, double Intercept, bool Logistic, int Iterations) : IPredictor
{
    /// <inheritdoc/>
    public double Predict(ReadOnlySpan<double> features)
    {
        var z = Intercept;
        for (var j = 0; j < Coefficients.Length; j++)
        {
            z += Coefficients[j] * features[j];
        }
        return Logistic ? 1.0 / (1.0 + Math.Exp(-z)) : z;
    }
}

/// <summary>
/// L2-regularised logistic regression fitted by Newton's method with a backtracking line search: it minimises
/// C·Σ log-loss + ½‖w‖², the intercept unpenalised (the objective of scikit-learn's LogisticRegression with the lbfgs
/// solver), to a gradient norm below 1e-10 relative to the sample size.
/// </summary>
public static class LogisticRegression
{
    /// <summary>Fits the model.</summary>
    /// <param name="x">Features.</param>
    /// <param name="positive">Labels: true for the positive class.</param>
    /// <param name="c">Inverse regularisation strength (scikit-learn's C; default 1).</param>
    public static LinearModel Fit(FeatureMatrix x, ReadOnlySpan<bool> positive, double c = 1.0)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (positive.Length != x.Rows)
        {
            throw new ArgumentException($"{positive.Length} labels for {x.Rows} rows.", nameof(positive));
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(c);
        var n = x.Rows;
        var p = x.Columns;
        var theta = new double[p + 1]; // weights then intercept
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            y[i] = positive[i] ? 1 : 0;
        }
        var iterations = 0;
        var objective = Objective(x, y, theta, c);
        for (; iterations < 200; iterations++)
        {
            var gradient = new double[p + 1];
            var hessian = new double[p + 1, p + 1];
            for (var i = 0; i < n; i++)
            {
                var row = x.Row(i);
                var pi = Sigmoid(Linear(row, theta));
                var r = c * (pi - y[i]);
                var wgt = c * pi * (1 - pi);
                for (var a = 0; a <= p; a++)
                {
                    var xa = a < p ? row[a] : 1.0;
                    gradient[a] += r * xa;
                    for (var b = 0; b <= a; b++)
                    {
                        hessian[a, b] += wgt * xa * (b < p ? row[b] : 1.0);
                    }
                }
            }
            for (var a = 0; a < p; a++)
            {
                gradient[a] += theta[a];
                hessian[a, a] += 1.0;
            }
            var norm = 0.0;
            foreach (var g in gradient)
            {
                norm = Math.Max(norm, Math.Abs(g));
            }
            if (norm < 1e-10 * Math.Max(1.0, c * n))
            {
                break;
            }
            for (var a = 0; a <= p; a++)
            {
                for (var b = a + 1; b <= p; b++)
                {
                    hessian[a, b] = hessian[b, a];
                }
            }
            var step = DenseAlgebra.SolveSymmetricPositiveDefinite(hessian, gradient);
            var t = 1.0;
            var trial = new double[p + 1];
            while (true)
            {
                for (var a = 0; a <= p; a++)
                {
                    trial[a] = theta[a] - t * step[a];
                }
                var value = Objective(x, y, trial, c);
                if (value <= objective || t < 1e-10)
                {
                    objective = value;
                    Array.Copy(trial, theta, p + 1);
                    break;
                }
                t *= 0.5;
            }
        }
        return new LinearModel(theta[..p], theta[p], true, iterations);
    }

    private static double Objective(FeatureMatrix x, double[] y, double[] theta, double c)
    {
        var loss = 0.0;
        for (var i = 0; i < x.Rows; i++)
        {
            var z = Linear(x.Row(i), theta);
            // log(1 + e^z) − y z, computed stably
            loss += (z > 0 ? z + Math.Log(1 + Math.Exp(-z)) : Math.Log(1 + Math.Exp(z))) - y[i] * z;
        }
        var penalty = 0.0;
        for (var a = 0; a < theta.Length - 1; a++)
        {
            penalty += theta[a] * theta[a];
        }
        return c * loss + 0.5 * penalty;
    }

    private static double Linear(ReadOnlySpan<double> row, double[] theta)
    {
        var z = theta[^1];
        for (var j = 0; j < row.Length; j++)
        {
            z += theta[j] * row[j];
        }
        return z;
    }

    private static double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));
}

/// <summary>Ridge regression: minimises ‖y − Xw − b‖² + α‖w‖² with the intercept unpenalised (scikit-learn's Ridge),
/// by centring and a Cholesky solve of the normal equations.</summary>
public static class RidgeRegression
{
    /// <summary>Fits the model.</summary>
    /// <param name="x">Features.</param>
    /// <param name="y">Targets.</param>
    /// <param name="alpha">Penalty strength (scikit-learn's alpha; default 1).</param>
    public static LinearModel Fit(FeatureMatrix x, ReadOnlySpan<double> y, double alpha = 1.0)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (y.Length != x.Rows)
        {
            throw new ArgumentException($"{y.Length} targets for {x.Rows} rows.", nameof(y));
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(alpha);
        var n = x.Rows;
        var p = x.Columns;
        var mean = new double[p];
        var yMean = 0.0;
        for (var i = 0; i < n; i++)
        {
            var row = x.Row(i);
            for (var j = 0; j < p; j++)
            {
                mean[j] += row[j];
            }
            yMean += y[i];
        }
        for (var j = 0; j < p; j++)
        {
            mean[j] /= n;
        }
        yMean /= n;
        var a = new double[p, p];
        var b = new double[p];
        var centred = new double[p];
        for (var i = 0; i < n; i++)
        {
            var row = x.Row(i);
            for (var j = 0; j < p; j++)
            {
                centred[j] = row[j] - mean[j];
            }
            var yc = y[i] - yMean;
            for (var j = 0; j < p; j++)
            {
                b[j] += centred[j] * yc;
                for (var k = 0; k <= j; k++)
                {
                    a[j, k] += centred[j] * centred[k];
                }
            }
        }
        for (var j = 0; j < p; j++)
        {
            a[j, j] += alpha;
            for (var k = j + 1; k < p; k++)
            {
                a[j, k] = a[k, j];
            }
        }
        var w = DenseAlgebra.SolveSymmetricPositiveDefinite(a, b);
        var intercept = yMean;
        for (var j = 0; j < p; j++)
        {
            intercept -= w[j] * mean[j];
        }
        return new LinearModel(w, intercept, false, 0);
    }
}

/// <summary>Small dense linear algebra for the learners.</summary>
internal static class DenseAlgebra
{
    /// <summary>Solves A x = b for symmetric positive-definite A by Cholesky factorisation.</summary>
    public static double[] SolveSymmetricPositiveDefinite(double[,] a, double[] b)
    {
        var n = b.Length;
        var l = new double[n, n];
        for (var j = 0; j < n; j++)
        {
            var s = a[j, j];
            for (var k = 0; k < j; k++)
            {
                s -= l[j, k] * l[j, k];
            }
            if (s <= 0)
            {
                throw new InvalidOperationException("The system is not positive definite (a feature may be constant with no regularisation, or the data are degenerate).");
            }
            l[j, j] = Math.Sqrt(s);
            for (var i = j + 1; i < n; i++)
            {
                var t = a[i, j];
                for (var k = 0; k < j; k++)
                {
                    t -= l[i, k] * l[j, k];
                }
                l[i, j] = t / l[j, j];
            }
        }
        var z = new double[n];
        for (var i = 0; i < n; i++)
        {
            var t = b[i];
            for (var k = 0; k < i; k++)
            {
                t -= l[i, k] * z[k];
            }
            z[i] = t / l[i, i];
        }
        var x = new double[n];
        for (var i = n - 1; i >= 0; i--)
        {
            var t = z[i];
            for (var k = i + 1; k < n; k++)
            {
                t -= l[k, i] * x[k];
            }
            x[i] = t / l[i, i];
        }
        return x;
    }
}
