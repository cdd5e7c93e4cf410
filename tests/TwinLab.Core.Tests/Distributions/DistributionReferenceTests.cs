using TwinLab.Core.Distributions;

namespace TwinLab.Core.Tests.Distributions;

/// <summary>Runs the SciPy reference script once for the test class.</summary>
public sealed class ScipyReferenceFixture
{
    public ScipyReferenceFixture()
    {
        (Univariate, Multivariate) = ScipyReference.Evaluate(ReferenceCases.Univariate, ReferenceCases.Multivariate);
    }

    public Dictionary<string, ReferenceValues> Univariate { get; }

    public Dictionary<string, double[]> Multivariate { get; }
}

/// <summary>
/// Log-densities, densities, CDFs, quantiles and moments against scipy.stats. Log-densities are compared with an
/// absolute tolerance of tol·max(1, |expected|) (an absolute error in ln f is a relative error in f); densities,
/// CDFs and moments relatively; quantiles relative to max(|expected|, sd) so that a quantile at 0 is judged on the
/// distribution's own scale.
/// </summary>
public class DistributionReferenceTests(ScipyReferenceFixture reference) : IClassFixture<ScipyReferenceFixture>
{
    [Theory]
    [MemberData(nameof(ReferenceCases.UnivariateIds), MemberType = typeof(ReferenceCases))]
    public void Matches_scipy(string id)
    {
        ReferenceCase c = ReferenceCases.Univariate.Single(x => x.Id == id);
        ReferenceValues expected = reference.Univariate[id];
        Distribution d = c.Distribution;
        double tol = c.Tolerance;

        for (int i = 0; i < c.Points.Length; i++)
        {
            double x = c.Points[i];
            AssertClose(expected.LogDensity[i], d.LogDensity(x), tol * Math.Max(1, Math.Abs(expected.LogDensity[i])), $"{id} log-density at {x}");
            AssertClose(expected.Density[i], d.Density(x), tol * Math.Abs(expected.Density[i]), $"{id} density at {x}");
            AssertClose(expected.Cumulative[i], d.CumulativeDistribution(x), tol * Math.Abs(expected.Cumulative[i]), $"{id} CDF at {x}");
        }

        for (int i = 0; i < c.Probabilities.Length; i++)
        {
            double p = c.Probabilities[i];
            AssertClose(expected.Quantile[i], d.Quantile(p), tol * Math.Max(Math.Abs(expected.Quantile[i]), d.StandardDeviation), $"{id} quantile at {p}");
        }

        AssertClose(expected.Mean, d.Mean, tol * Math.Abs(expected.Mean), $"{id} mean");
        AssertClose(expected.Variance, d.Variance, tol * expected.Variance, $"{id} variance");
    }

    [Theory]
    [MemberData(nameof(ReferenceCases.MultivariateIds), MemberType = typeof(ReferenceCases))]
    public void Multivariate_normal_log_density_matches_scipy(string id)
    {
        MultivariateReferenceCase c = ReferenceCases.Multivariate.Single(x => x.Id == id);
        double[] expected = reference.Multivariate[id];
        var mvn = new MultivariateNormal(c.Mean, c.Covariance);

        // SciPy evaluates through an eigendecomposition, TwinLab through a Cholesky factor: both backward stable, so
        // the same 1e-10 (absolute on the log scale, relative to max(1, |value|)) applies.
        for (int i = 0; i < c.Points.Length; i++)
        {
            AssertClose(expected[i], mvn.LogDensity(c.Points[i]), 1e-10 * Math.Max(1, Math.Abs(expected[i])), $"{id} point {i}");
        }
    }

    internal static void AssertClose(double expected, double actual, double tolerance, string what)
    {
        if (double.IsInfinity(expected) || double.IsNaN(expected) || expected == 0)
        {
            Assert.True(expected.Equals(actual), $"{what}: expected {expected:R}, got {actual:R}");
            return;
        }

        Assert.True(
            Math.Abs(actual - expected) <= tolerance,
            $"{what}: expected {expected:R}, got {actual:R} (difference {Math.Abs(actual - expected):E3}, tolerance {tolerance:E3}, relative {Math.Abs(actual - expected) / Math.Abs(expected):E3})");
    }
}
