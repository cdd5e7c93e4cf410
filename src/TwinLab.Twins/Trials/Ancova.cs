using System.Globalization;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;

namespace TwinLab.Twins.Trials;

/// <summary>The treatment effect estimated by a linear model.</summary>
/// <param name="Estimate">The coefficient of the treatment indicator (treated minus control).</param>
/// <param name="StandardError">Its standard error, from σ̂² (XᵀX)⁻¹.</param>
/// <param name="DegreesOfFreedom">n − number of coefficients.</param>
/// <param name="TStatistic">Estimate / standard error.</param>
/// <param name="PValue">The two-sided p-value from Student's t.</param>
/// <param name="Coefficients">All coefficients: intercept, treatment, then each covariate.</param>
/// <param name="ResidualVariance">σ̂², the residual sum of squares over the degrees of freedom.</param>
public sealed record TreatmentEffect(double Estimate, double StandardError, int DegreesOfFreedom, double TStatistic, double PValue,
    IReadOnlyList<double> Coefficients, double ResidualVariance);

/// <summary>Analysis of covariance: ordinary least squares of the outcome on an intercept, the treatment indicator and
/// covariates (with no covariate it is the pooled-variance two-sample t-test).</summary>
public static class Ancova
{
    /// <summary>Fits the model by a QR decomposition.</summary>
    /// <param name="outcomes">y, one per subject.</param>
    /// <param name="treated">The treatment indicator, one per subject.</param>
    /// <param name="covariates">Covariate columns (e.g. the prognostic score), each one value per subject; may be empty.</param>
    /// <exception cref="ArgumentException">Mismatched lengths, non-finite values, an arm with no subject, too few
    /// subjects for the coefficients, or collinear columns.</exception>
    public static TreatmentEffect Fit(IReadOnlyList<double> outcomes, IReadOnlyList<bool> treated, params IReadOnlyList<double>[] covariates)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        ArgumentNullException.ThrowIfNull(treated);
        ArgumentNullException.ThrowIfNull(covariates);
        var n = outcomes.Count;
        if (treated.Count != n || covariates.Any(c => c.Count != n))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Give one treatment flag and one value of each covariate per outcome ({n})."));
        }
        var p = 2 + covariates.Length;
        if (n <= p)
        {
            throw new ArgumentException($"{n} subjects cannot estimate {p} coefficients; at least {p + 1} are needed.", nameof(outcomes));
        }
        var treatedCount = treated.Count(t => t);
        if (treatedCount == 0 || treatedCount == n)
        {
            throw new ArgumentException("Both arms need at least one subject.", nameof(treated));
        }
        var x = Matrix<double>.Build.Dense(n, p);
        var y = Vector<double>.Build.Dense(n);
        for (var i = 0; i < n; i++)
        {
            if (!double.IsFinite(outcomes[i]) || covariates.Any(c => !double.IsFinite(c[i])))
            {
                throw new ArgumentException($"Subject {i} has a non-finite outcome or covariate; exclude it first and report the exclusion.", nameof(outcomes));
            }
            y[i] = outcomes[i];
            x[i, 0] = 1;
            x[i, 1] = treated[i] ? 1 : 0;
            for (var c = 0; c < covariates.Length; c++)
            {
                x[i, 2 + c] = covariates[c][i];
            }
        }
        var qr = x.QR();
        var r = qr.R.SubMatrix(0, p, 0, p);
        for (var k = 0; k < p; k++)
        {
            if (Math.Abs(r[k, k]) < 1e-10 * Math.Max(1, Math.Abs(r[0, 0])))
            {
                throw new ArgumentException("The design matrix is collinear (a covariate is constant or a combination of the others); remove the redundant covariate.", nameof(covariates));
            }
        }
        var beta = qr.Solve(y);
        var residual = y - (x * beta);
        var df = n - p;
        var sigma2 = residual.DotProduct(residual) / df;
        var rInverse = r.Inverse();
        var covariance = rInverse * rInverse.Transpose() * sigma2;
        var se = Math.Sqrt(covariance[1, 1]);
        var t = beta[1] / se;
        var pValue = 2 * StudentT.CDF(0, 1, df, -Math.Abs(t));
        return new TreatmentEffect(beta[1], se, df, t, pValue, [.. beta], sigma2);
    }
}
