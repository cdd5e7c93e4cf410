using TwinLab.Core.Distributions;

namespace TwinLab.Core.Tests.Distributions;

/// <summary>The distributions, points and probabilities checked against SciPy.</summary>
public static class ReferenceCases
{
    // Both sides evaluate the same closed forms in IEEE double precision (SciPy through Cephes/Boost, TwinLab through
    // MathNet.Numerics), so they agree to a few ulp amplified by the conditioning of the formula (observed: 5e-13 at
    // worst, a truncated normal on an interval 1e-4 sd wide); 1e-10 leaves a wide margin while still catching any
    // wrong constant, sign, branch or a lost tail.
    private const double ClosedForm = 1e-10;

    // The regularised incomplete beta and gamma functions are continued-fraction / series evaluations whose
    // implementations differ between MathNet and SciPy (Boost/Cephes); agreement observed is 1e-12 to 1e-14 relative,
    // and the quantiles inherit that error divided by the local elasticity x f(x)/F(x). 1e-9 keeps a margin.
    private const double IncompleteFunction = 1e-9;

    private static readonly double[] StandardProbabilities =
        [1e-12, 1e-6, 1e-3, 0.025, 0.3, 0.5, 0.7, 0.975, 0.999, 1 - 1e-6, 1 - 1e-12];

    public static IReadOnlyList<ReferenceCase> Univariate { get; } =
    [
        new("normal-standard", new Normal(0, 1), [-37, -10, -3, -1, 0, 0.5, 2, 8, 30], StandardProbabilities, ClosedForm),
        new("normal-shifted", new Normal(3.5, 0.25), [2, 3, 3.5, 3.7, 5], StandardProbabilities, ClosedForm),
        new("lognormal-median", LogNormal.FromMedian(0.1, 0.3), [-1, 0, 1e-3, 0.01, 0.05, 0.1, 0.2, 1, 5], StandardProbabilities, ClosedForm),
        new("lognormal-wide", new LogNormal(1.2, 1.5), [1e-6, 0.1, 1, 3.3, 20, 1e4], StandardProbabilities, ClosedForm),
        new("lognormal-mean-cv", LogNormal.FromMeanAndCv(50, 0.2), [10, 40, 50, 60, 120], StandardProbabilities, ClosedForm),
        new("uniform", new Uniform(-2, 5), [-3, -2, 0, 4.99, 5, 6], StandardProbabilities, ClosedForm),
        new("loguniform", new LogUniform(1e-3, 10), [1e-4, 1e-3, 0.01, 1, 9.9, 10, 20], StandardProbabilities, ClosedForm),

        // Far right tail: Z = Q(8) ≈ 6.2e-16, so the naive Φ(b) − Φ(a) = 1 − 1 would be 0.
        new("truncnorm-tail-8", new TruncatedNormal(0, 1, 8, double.PositiveInfinity), [7, 8, 8.001, 8.1, 9, 10, 12], StandardProbabilities, ClosedForm),
        // Z ≈ 1e-350 is below the smallest double: only a log-space normalising constant works at all.
        new("truncnorm-tail-40", new TruncatedNormal(0, 1, 40, 41), [40, 40.001, 40.01, 40.1, 40.5, 41], StandardProbabilities, ClosedForm),
        // Tails and narrow intervals where the textbook truncated-normal moments would cancel most of their digits
        // (the reference moments come from quadrature, see ScipyReference).
        new("truncnorm-tail-5", new TruncatedNormal(0, 1, 5, 5.2), [5, 5.1, 5.2], StandardProbabilities, ClosedForm),
        new("truncnorm-narrow-tail", new TruncatedNormal(0, 1, 8, 8.001), [8, 8.0005, 8.001], StandardProbabilities, ClosedForm),
        new("truncnorm-narrow-centre", new TruncatedNormal(10, 2, 11, 11.0002), [11, 11.0001, 11.0002], StandardProbabilities, ClosedForm),
        new("truncnorm-two-sided", new TruncatedNormal(1, 2, -1, 4), [-2, -1, 0, 1, 3.9, 4, 5], StandardProbabilities, ClosedForm),
        new("truncnorm-left-tail", new TruncatedNormal(0, 1, double.NegativeInfinity, -5), [-9, -6, -5.5, -5, -4], StandardProbabilities, ClosedForm),
        new("truncnorm-left-interval", new TruncatedNormal(5, 1, -1, 0), [-2, -1, -0.5, -0.01, 0, 1], StandardProbabilities, ClosedForm),
        new("truncnorm-half", new TruncatedNormal(0, 3, 0, double.PositiveInfinity), [-1, 0, 1, 5, 20], StandardProbabilities, ClosedForm),

        new("beta-2-5", new Beta(2, 5), [-0.1, 0, 1e-6, 0.1, 0.3, 0.7, 0.999, 1, 1.1], StandardProbabilities, IncompleteFunction),
        new("beta-half-half", new Beta(0.5, 0.5), [0, 1e-8, 0.2, 0.5, 0.9, 1 - 1e-9, 1], StandardProbabilities, IncompleteFunction),
        new("beta-1-3", new Beta(1, 3), [0, 0.25, 0.5, 1], StandardProbabilities, IncompleteFunction),
        new("beta-30-40", new Beta(30, 40), [0.2, 0.4, 0.43, 0.6], StandardProbabilities, IncompleteFunction),
        new("gamma-3-2", new Gamma(3, 2), [-1, 0, 1e-3, 0.5, 1.5, 4, 10], StandardProbabilities, IncompleteFunction),
        new("gamma-shape-0.3", new Gamma(0.3, 1.5), [0, 1e-10, 1e-3, 0.2, 1, 5, 20], StandardProbabilities, IncompleteFunction),
        new("gamma-shape-0.05", new Gamma(0.05, 1), [1e-300, 1e-100, 1e-20, 1e-10, 1e-3, 0.5, 3, 30], StandardProbabilities, IncompleteFunction),
        new("gamma-exponential", new Gamma(1, 0.5), [0, 0.1, 2, 10], StandardProbabilities, IncompleteFunction),
        new("gamma-50", new Gamma(50, 0.1), [300, 450, 500, 650, 900], StandardProbabilities, IncompleteFunction),
    ];

    public static IReadOnlyList<MultivariateReferenceCase> Multivariate { get; } =
    [
        new("mvn-3d",
            [1.0, -2.0, 0.5],
            new double[,] { { 2.0, 0.3, -0.4 }, { 0.3, 1.0, 0.2 }, { -0.4, 0.2, 0.5 } },
            [[1.0, -2.0, 0.5], [0.0, 0.0, 0.0], [3.0, -1.0, -1.0], [-5.0, 4.0, 2.0]]),
        new("mvn-1d", [10.0], new double[,] { { 4.0 } }, [[10.0], [7.5], [20.0]]),
        new("mvn-strongly-correlated",
            [0.0, 0.0],
            new double[,] { { 1.0, 0.999 }, { 0.999, 1.0 } },
            [[0.0, 0.0], [1.0, 1.0], [1.0, -1.0]]),
    ];

    public static TheoryData<string> UnivariateIds
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (ReferenceCase c in Univariate)
            {
                data.Add(c.Id);
            }

            return data;
        }
    }

    public static TheoryData<string> MultivariateIds
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (MultivariateReferenceCase c in Multivariate)
            {
                data.Add(c.Id);
            }

            return data;
        }
    }
}
