using System.Globalization;
using TwinLab.Core.Randomness;

namespace TwinLab.Core.Distributions;

/// <summary>
/// The multivariate normal distribution N(μ, Σ) in d dimensions, with log-density
/// ln f(x) = −½ [d ln 2π + ln det Σ + (x − μ)ᵀ Σ⁻¹ (x − μ)], evaluated through the Cholesky factor Σ = L Lᵀ,
/// and sampled as x = μ + L z with z a vector of standard normal draws.
/// </summary>
public sealed class MultivariateNormal
{
    private const double LogTwoPi = 1.8378770664093454835606594728112;
    private const double SymmetryTolerance = 1e-10;

    private readonly double[] _mean;
    private readonly double[,] _covariance;
    private readonly double[] _cholesky; // lower triangle, row-major, d × d
    private readonly double _logNormaliser;

    /// <summary>Creates N(<paramref name="mean"/>, <paramref name="covariance"/>); both are copied.</summary>
    /// <param name="mean">The mean vector μ; finite entries.</param>
    /// <param name="covariance">
    /// The covariance matrix Σ: d × d, finite, symmetric (to a relative tolerance of 1e−10 of √(Σᵢᵢ Σⱼⱼ); the lower
    /// triangle is used) and positive definite.
    /// </param>
    /// <exception cref="ArgumentException">The shapes disagree, an entry is not finite, or Σ is not symmetric positive definite.</exception>
    public MultivariateNormal(double[] mean, double[,] covariance)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(covariance);
        int d = mean.Length;
        if (d == 0)
        {
            throw new ArgumentException("MultivariateNormal: the mean vector is empty; give at least one dimension.", nameof(mean));
        }

        if (covariance.GetLength(0) != d || covariance.GetLength(1) != d)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"MultivariateNormal: the covariance is {covariance.GetLength(0)} × {covariance.GetLength(1)} but the mean has {d} entries; pass a {d} × {d} matrix."),
                nameof(covariance));
        }

        for (int i = 0; i < d; i++)
        {
            if (!double.IsFinite(mean[i]))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"MultivariateNormal: mean[{i}] is {mean[i]}; every entry must be finite."), nameof(mean));
            }

            for (int j = 0; j < d; j++)
            {
                if (!double.IsFinite(covariance[i, j]))
                {
                    throw new ArgumentException(
                        string.Create(CultureInfo.InvariantCulture, $"MultivariateNormal: covariance[{i}, {j}] is {covariance[i, j]}; every entry must be finite."), nameof(covariance));
                }
            }
        }

        _mean = (double[])mean.Clone();
        _covariance = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double lower = covariance[i, j];
                double upper = covariance[j, i];
                double scale = Math.Sqrt(Math.Abs(covariance[i, i] * covariance[j, j]));
                if (Math.Abs(lower - upper) > SymmetryTolerance * scale)
                {
                    throw new ArgumentException(
                        string.Create(CultureInfo.InvariantCulture, $"MultivariateNormal: the covariance is not symmetric: [{i}, {j}] = {lower} but [{j}, {i}] = {upper}. Pass a symmetric matrix, e.g. (Σ + Σᵀ)/2."),
                        nameof(covariance));
                }

                _covariance[i, j] = lower;
                _covariance[j, i] = lower;
            }
        }

        _cholesky = new double[d * d];
        double logDeterminant = 0.0;
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double sum = _covariance[i, j];
                for (int k = 0; k < j; k++)
                {
                    sum -= _cholesky[(i * d) + k] * _cholesky[(j * d) + k];
                }

                if (i == j)
                {
                    if (!(sum > 0.0))
                    {
                        throw new ArgumentException(
                            string.Create(CultureInfo.InvariantCulture, $"MultivariateNormal: the covariance is not positive definite: the Cholesky pivot of row {i} is {sum} (≤ 0). ")
                            + "Check for a zero or negative variance, perfectly correlated components (|correlation| = 1) or a correlation matrix that is not positive semi-definite; "
                            + "if the matrix is only numerically singular, add a small jitter to its diagonal.",
                            nameof(covariance));
                    }

                    double pivot = Math.Sqrt(sum);
                    _cholesky[(i * d) + i] = pivot;
                    logDeterminant += 2.0 * Math.Log(pivot);
                }
                else
                {
                    _cholesky[(i * d) + j] = sum / _cholesky[(j * d) + j];
                }
            }
        }

        _logNormaliser = 0.5 * ((d * LogTwoPi) + logDeterminant);
        Mean = Array.AsReadOnly((double[])_mean.Clone());
    }

    /// <summary>The dimension d.</summary>
    public int Dimension => _mean.Length;

    /// <summary>The mean vector μ.</summary>
    public IReadOnlyList<double> Mean { get; }

    /// <summary>A copy of the (symmetrised) covariance matrix Σ.</summary>
    public double[,] Covariance => (double[,])_covariance.Clone();

    /// <summary>A copy of the lower-triangular Cholesky factor L with Σ = L Lᵀ.</summary>
    /// <returns>The d × d factor (zeros above the diagonal).</returns>
    public double[,] GetCholeskyFactor()
    {
        int d = Dimension;
        var factor = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                factor[i, j] = _cholesky[(i * d) + j];
            }
        }

        return factor;
    }

    /// <summary>The log-density at <paramref name="x"/>.</summary>
    /// <param name="x">A point with <see cref="Dimension"/> entries.</param>
    /// <returns>ln f(x); −∞ when an entry is infinite, NaN when one is NaN.</returns>
    /// <exception cref="ArgumentException"><paramref name="x"/> has the wrong length.</exception>
    public double LogDensity(ReadOnlySpan<double> x)
    {
        int d = Dimension;
        CheckLength(x.Length, nameof(x));
        Span<double> solved = d <= 64 ? stackalloc double[d] : new double[d];

        // Forward substitution: L y = x − μ; the quadratic form is |y|².
        double quadratic = 0.0;
        for (int i = 0; i < d; i++)
        {
            double sum = x[i] - _mean[i];
            for (int k = 0; k < i; k++)
            {
                sum -= _cholesky[(i * d) + k] * solved[k];
            }

            double value = sum / _cholesky[(i * d) + i];
            solved[i] = value;
            quadratic += value * value;
        }

        return double.IsNaN(quadratic) ? double.NaN : (-0.5 * quadratic) - _logNormaliser;
    }

    /// <summary>Draws one vector into <paramref name="destination"/>: x = μ + L z with z from <see cref="RandomStream.FillNormal"/>.</summary>
    /// <param name="stream">The random stream.</param>
    /// <param name="destination">A span with <see cref="Dimension"/> entries.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong length.</exception>
    public void Sample(ref RandomStream stream, Span<double> destination)
    {
        int d = Dimension;
        CheckLength(destination.Length, nameof(destination));
        stream.FillNormal(destination);

        // In place from the last row up: row i only reads z_j for j ≤ i, which are not yet overwritten.
        for (int i = d - 1; i >= 0; i--)
        {
            double sum = _mean[i];
            for (int j = 0; j <= i; j++)
            {
                sum += _cholesky[(i * d) + j] * destination[j];
            }

            destination[i] = sum;
        }
    }

    /// <summary>Describes the distribution, e.g. <c>MultivariateNormal(dimension=3)</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"MultivariateNormal(dimension={Dimension})");

    private void CheckLength(int length, string argumentName)
    {
        if (length != Dimension)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"MultivariateNormal: expected a vector of {Dimension} entries, got {length}."), argumentName);
        }
    }
}
