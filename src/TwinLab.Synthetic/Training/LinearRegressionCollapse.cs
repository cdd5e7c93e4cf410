using TwinLab.Core.Randomness;
using TwinLab.Synthetic.Evaluation;

namespace TwinLab.Synthetic.Training;

/// <summary>Mean test error of one generation over the Monte Carlo repetitions of <see cref="LinearRegressionCollapse"/>.</summary>
/// <param name="Generation">The generation (1 = fitted to real data).</param>
/// <param name="MeanTestError">Mean over repetitions of ‖ŵ − w*‖², the expected excess squared error on a fresh x ~ N(0, I).</param>
/// <param name="StandardError">The Monte Carlo standard error of that mean.</param>
/// <param name="MeanAnchorError">Mean over repetitions of the mean squared error on the real anchor set.</param>
/// <param name="Theory">The expected test error: σ²·d·g/(T−d−1) under replace, σ²·d/(T−d−1)·Σ_{i≤g} 1/i² under accumulate, NaN otherwise.</param>
public sealed record CollapseGeneration(int Generation, double MeanTestError, double StandardError, double MeanAnchorError, double Theory);

/// <summary>
/// The linear-regression model-collapse experiment of Gerstgrasser et al. (2024), after Dohmatob et al. (2024): a design
/// X of T rows x ~ N(0, I_d), fixed across generations; real labels y = X w* + ε, ε ~ N(0, σ²); each generation fits
/// ordinary least squares (no intercept) and the next generation's labels are X ŵ + fresh noise of variance σ².
/// Under replace the expected test error after n fits is σ²·d·n/(T−d−1) (it grows linearly); under accumulate it is
/// σ²·d/(T−d−1)·Σ_{i≤n} 1/i², below (π²/6)·σ²·d/(T−d−1) for every n. The runs go through
/// <see cref="GenerationalTraining{TModel}"/>, with an anchor set of fresh real records that is never trained on.
/// </summary>
public static class LinearRegressionCollapse
{
    /// <summary>Runs the experiment.</summary>
    /// <param name="policy">How training sets are assembled.</param>
    /// <param name="dimension">d, the number of features.</param>
    /// <param name="samples">T, the rows per data set (more than d + 1).</param>
    /// <param name="noise">σ, the label noise.</param>
    /// <param name="generations">The number of fits.</param>
    /// <param name="repetitions">Independent repetitions (each with its own X, w* and anchor set).</param>
    /// <param name="seed">The seed.</param>
    public static IReadOnlyList<CollapseGeneration> Run(GenerationPolicy policy, int dimension, int samples, double noise, int generations, int repetitions, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if (samples <= dimension + 1)
        {
            throw new ArgumentOutOfRangeException(nameof(samples), samples, $"T must exceed d + 1 = {dimension + 1} for the expected error to be finite.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(generations, 1);
        var errors = new double[generations, repetitions];
        var anchorErrors = new double[generations, repetitions];
        Parallel.For(0, repetitions, rep =>
        {
            var stream = RandomStream.For(seed, "linear-collapse-data", (ulong)rep);
            var wStar = new double[dimension];
            stream.FillNormal(wStar);
            var x = Normals(ref stream, samples, dimension);
            var real = LabeledRecords.Real(x, Labels(x, wStar, noise, ref stream));
            var xa = Normals(ref stream, 1000, dimension);
            var anchor = LabeledRecords.Real(xa, Labels(xa, wStar, noise, ref stream));
            var workflow = new GenerationalTraining<double[]>(
                train: r => OrdinaryLeastSquares(r.Features, r.Targets),
                generate: (w, g, s) => LabeledRecords.Synthetic(x, Labels(x, w, noise, ref s), g),
                score: (w, a) => MeanSquaredError(w, a));
            var run = workflow.Run(real, anchor, policy, generations, seed ^ ((ulong)rep * 0x9E3779B97F4A7C15UL));
            for (var g = 0; g < generations; g++)
            {
                var e = 0.0;
                for (var j = 0; j < dimension; j++)
                {
                    e += (run[g].Model[j] - wStar[j]) * (run[g].Model[j] - wStar[j]);
                }
                errors[g, rep] = e;
                anchorErrors[g, rep] = run[g].AnchorScore;
            }
        });
        var result = new CollapseGeneration[generations];
        var unit = noise * noise * dimension / (samples - dimension - 1.0);
        var harmonic = 0.0;
        for (var g = 0; g < generations; g++)
        {
            harmonic += 1.0 / ((g + 1.0) * (g + 1.0));
            double mean = 0, anchorMean = 0;
            for (var r = 0; r < repetitions; r++)
            {
                mean += errors[g, r];
                anchorMean += anchorErrors[g, r];
            }
            mean /= repetitions;
            anchorMean /= repetitions;
            var ss = 0.0;
            for (var r = 0; r < repetitions; r++)
            {
                ss += (errors[g, r] - mean) * (errors[g, r] - mean);
            }
            var theory = policy switch
            {
                GenerationPolicy.Replace => unit * (g + 1),
                GenerationPolicy.Accumulate => unit * harmonic,
                _ => double.NaN,
            };
            result[g] = new CollapseGeneration(g + 1, mean, Math.Sqrt(ss / (repetitions - 1) / repetitions), anchorMean, theory);
        }
        return result;
    }

    /// <summary>The accumulate bound (π²/6)·σ²·d/(T−d−1).</summary>
    /// <param name="dimension">d.</param>
    /// <param name="samples">T.</param>
    /// <param name="noise">σ.</param>
    public static double AccumulateBound(int dimension, int samples, double noise) =>
        Math.PI * Math.PI / 6 * noise * noise * dimension / (samples - dimension - 1.0);

    /// <summary>Least squares without intercept: ŵ = (XᵀX)⁻¹Xᵀy by Cholesky.</summary>
    /// <param name="x">Features.</param>
    /// <param name="y">Targets.</param>
    public static double[] OrdinaryLeastSquares(FeatureMatrix x, ReadOnlySpan<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        var p = x.Columns;
        var a = new double[p, p];
        var b = new double[p];
        for (var i = 0; i < x.Rows; i++)
        {
            var row = x.Row(i);
            for (var j = 0; j < p; j++)
            {
                b[j] += row[j] * y[i];
                for (var k = 0; k <= j; k++)
                {
                    a[j, k] += row[j] * row[k];
                }
            }
        }
        for (var j = 0; j < p; j++)
        {
            for (var k = j + 1; k < p; k++)
            {
                a[j, k] = a[k, j];
            }
        }
        return DenseAlgebra.SolveSymmetricPositiveDefinite(a, b);
    }

    private static FeatureMatrix Normals(ref RandomStream stream, int rows, int columns)
    {
        var v = new double[rows * columns];
        stream.FillNormal(v);
        return FeatureMatrix.FromArray(rows, columns, v);
    }

    private static double[] Labels(FeatureMatrix x, double[] w, double noise, ref RandomStream stream)
    {
        var y = new double[x.Rows];
        for (var i = 0; i < x.Rows; i++)
        {
            var row = x.Row(i);
            var z = 0.0;
            for (var j = 0; j < w.Length; j++)
            {
                z += row[j] * w[j];
            }
            y[i] = z + noise * stream.NextNormal();
        }
        return y;
    }

    private static double MeanSquaredError(double[] w, LabeledRecords anchor)
    {
        var s = 0.0;
        for (var i = 0; i < anchor.Count; i++)
        {
            var row = anchor.Features.Row(i);
            var z = 0.0;
            for (var j = 0; j < w.Length; j++)
            {
                z += row[j] * w[j];
            }
            s += (anchor.Targets[i] - z) * (anchor.Targets[i] - z);
        }
        return s / anchor.Count;
    }
}
