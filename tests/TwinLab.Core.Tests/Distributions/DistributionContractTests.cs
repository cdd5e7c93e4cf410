using FsCheck;
using FsCheck.Fluent;
using TwinLab.Core.Distributions;
using TwinLab.Core.Randomness;

namespace TwinLab.Core.Tests.Distributions;

public class DistributionContractTests
{
    public static IReadOnlyList<Distribution> Examples { get; } =
    [
        new Normal(-1.25, 0.5),
        new LogNormal(-2.3, 0.3),
        new Uniform(-2, 5),
        new LogUniform(1e-3, 10),
        new TruncatedNormal(0, 1, 8, double.PositiveInfinity),
        new TruncatedNormal(2, 3, double.NegativeInfinity, 0),
        new TruncatedNormal(1, 2, -1, 4),
        new Beta(2, 5),
        new Beta(0.3, 0.4),
        new Gamma(3, 2),
        new Gamma(0.3, 1.5),
    ];

    public static TheoryData<int> ExampleIndices => [.. Enumerable.Range(0, Examples.Count)];

    [Theory]
    [MemberData(nameof(ExampleIndices))]
    public void Create_round_trips_kind_and_parameters_exactly(int index)
    {
        Distribution d = Examples[index];
        Assert.Equal(Distribution.GetParameterNames(d.Kind), d.Parameters.Select(p => p.Key).ToArray());
        Dictionary<string, double> parameters = d.Parameters.ToDictionary(p => p.Key, p => p.Value);
        Distribution rebuilt = Distribution.Create(d.Kind, parameters);
        Assert.Equal(d, rebuilt);
        Assert.Equal(d.GetHashCode(), rebuilt.GetHashCode());
        Assert.Equal(d.GetType(), rebuilt.GetType());
        Assert.Equal(d.ToString(), rebuilt.ToString());
        for (int i = 0; i < d.Parameters.Count; i++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(d.Parameters[i].Value), BitConverter.DoubleToInt64Bits(rebuilt.Parameters[i].Value));
        }
    }

    [Fact]
    public void Every_kind_is_covered_by_the_round_trip_examples()
    {
        Assert.Equal(Distribution.Kinds.Order(StringComparer.Ordinal), Examples.Select(d => d.Kind).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Create_reports_unknown_kinds_and_missing_or_extra_parameters()
    {
        var unknown = Assert.Throws<ArgumentException>(() => Distribution.Create("Weibull", new Dictionary<string, double>()));
        Assert.Contains("'Weibull'", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("Normal, LogNormal, Uniform, LogUniform, TruncatedNormal, Beta, Gamma", unknown.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Distribution.Create("normal", new Dictionary<string, double> { ["mean"] = 0, ["sd"] = 1 }));

        var missing = Assert.Throws<ArgumentException>(() => Distribution.Create("Normal", new Dictionary<string, double> { ["mean"] = 0 }));
        Assert.Contains("'Normal'", missing.Message, StringComparison.Ordinal);
        Assert.Contains("'sd'", missing.Message, StringComparison.Ordinal);
        Assert.Contains("mean, sd", missing.Message, StringComparison.Ordinal);

        var extra = Assert.Throws<ArgumentException>(() => Distribution.Create(
            "Gamma", new Dictionary<string, double> { ["shape"] = 2, ["rate"] = 1, ["scale"] = 1 }));
        Assert.Contains("'Gamma'", extra.Message, StringComparison.Ordinal);
        Assert.Contains("'scale'", extra.Message, StringComparison.Ordinal);
        Assert.Contains("shape, rate", extra.Message, StringComparison.Ordinal);

        var invalid = Assert.Throws<ArgumentException>(() => Distribution.Create("Beta", new Dictionary<string, double> { ["alpha"] = -1, ["beta"] = 1 }));
        Assert.Contains("alpha", invalid.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Distribution.GetParameterNames("Cauchy"));
    }

    public static TheoryData<string, Action> InvalidConstructions => new()
    {
        { "sd", () => _ = new Normal(0, 0) },
        { "sd", () => _ = new Normal(0, -1) },
        { "mean", () => _ = new Normal(double.NaN, 1) },
        { "mean", () => _ = new Normal(double.PositiveInfinity, 1) },
        { "sigma", () => _ = new LogNormal(0, double.PositiveInfinity) },
        { "median", () => LogNormal.FromMedian(0, 0.3) },
        { "median", () => LogNormal.FromMedian(-1, 0.3) },
        { "cv", () => LogNormal.FromMeanAndCv(1, 0) },
        { "mean", () => LogNormal.FromMeanAndCv(-1, 0.2) },
        { "lower", () => _ = new Uniform(2, 1) },
        { "lower", () => _ = new Uniform(1, 1) },
        { "upper", () => _ = new Uniform(0, double.PositiveInfinity) },
        { "overflows", () => _ = new Uniform(-1e308, 1e308) },
        { "lower", () => _ = new LogUniform(0, 1) },
        { "lower", () => _ = new LogUniform(-1, 1) },
        { "lower", () => _ = new LogUniform(5, 1) },
        { "sd", () => _ = new TruncatedNormal(0, 0, -1, 1) },
        { "lower", () => _ = new TruncatedNormal(0, 1, 1, -1) },
        { "upper", () => _ = new TruncatedNormal(0, 1, 0, double.NaN) },
        { "standard deviations", () => _ = new TruncatedNormal(0, 1, 1e200, double.PositiveInfinity) },
        { "alpha", () => _ = new Beta(0, 1) },
        { "beta", () => _ = new Beta(1, double.NaN) },
        { "shape", () => _ = new Gamma(-2, 1) },
        { "rate", () => _ = new Gamma(2, 0) },
    };

    [Theory]
    [MemberData(nameof(InvalidConstructions))]
    public void Constructors_reject_invalid_parameters_with_a_message_naming_the_problem(string mentioned, Action construct)
    {
        var exception = Assert.Throws<ArgumentException>(construct);
        Assert.Contains(mentioned, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ExampleIndices))]
    public void Quantile_rejects_probabilities_outside_the_open_unit_interval(int index)
    {
        Distribution d = Examples[index];
        foreach (double p in new[] { 0.0, 1.0, -0.1, 1.5, double.NaN, double.PositiveInfinity })
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => d.Quantile(p));
        }
    }

    [Theory]
    [MemberData(nameof(ExampleIndices))]
    public void Quantile_inverts_the_distribution_function(int index)
    {
        Distribution d = Examples[index];
        Prop.ForAll(
            Gen.Choose(1, 999_999).Select(k => k / 1_000_000.0).ToArbitrary(),
            p =>
            {
                double x = d.Quantile(p);
                return d.InSupport(x) && Math.Abs(d.CumulativeDistribution(x) - p) <= 1e-9 * Math.Max(p, 1e-3);
            }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [MemberData(nameof(ExampleIndices))]
    public void Log_density_is_never_NaN_for_non_NaN_input_and_is_minus_infinity_outside_the_support(int index)
    {
        Distribution d = Examples[index];
        double[] special = [double.NegativeInfinity, double.PositiveInfinity, double.MaxValue, -double.MaxValue, double.Epsilon, 0, -0.0, 1, -1, 1e-300, 1e300];
        foreach (double x in special)
        {
            double value = d.LogDensity(x);
            Assert.False(double.IsNaN(value), $"{d}: log-density at {x:R} is NaN");
            Assert.False(double.IsNaN(d.CumulativeDistribution(x)), $"{d}: CDF at {x:R} is NaN");
            if (!d.InSupport(x))
            {
                Assert.True(value == double.NegativeInfinity || x == d.Lower || x == d.Upper, $"{d}: log-density {value} at {x:R} outside the support");
            }
        }

        Assert.True(double.IsNaN(d.LogDensity(double.NaN)));
        Prop.ForAll(
            ArbMap.Default.ArbFor<NormalFloat>(),
            x => !double.IsNaN(d.LogDensity(x.Get)) && (d.InSupport(x.Get) || d.LogDensity(x.Get) == double.NegativeInfinity || x.Get == d.Lower)).QuickCheckThrowOnFailure();
    }

    [Theory]
    [MemberData(nameof(ExampleIndices))]
    public void Density_is_the_exponential_of_the_log_density_and_standard_deviation_the_root_of_the_variance(int index)
    {
        Distribution d = Examples[index];
        double x = d.Quantile(0.37);
        Assert.Equal(Math.Exp(d.LogDensity(x)), d.Density(x), 15);
        Assert.Equal(Math.Sqrt(d.Variance), d.StandardDeviation, 14);
        Assert.Equal(0.0, d.CumulativeDistribution(double.NegativeInfinity));
        Assert.Equal(1.0, d.CumulativeDistribution(double.PositiveInfinity));
    }

    [Fact]
    public void Supports_report_their_bounds()
    {
        var logNormal = new LogNormal(0, 1);
        Assert.False(logNormal.InSupport(0));
        Assert.True(logNormal.InSupport(1e-300));
        Assert.Equal(double.NegativeInfinity, logNormal.LogDensity(0));
        Assert.True(new Gamma(2, 1).InSupport(0));
        Assert.Equal(double.PositiveInfinity, new Gamma(0.5, 1).LogDensity(0));
        Assert.Equal(Math.Log(0.5), new Gamma(1, 0.5).LogDensity(0), tolerance: 1e-14);
        Assert.Equal(double.NegativeInfinity, new Gamma(2, 1).LogDensity(0));
        Assert.Equal(Math.Log(3), new Beta(1, 3).LogDensity(0), tolerance: 1e-14);
        Assert.True(new Uniform(0, 1).InSupport(1));
        Assert.False(new Uniform(0, 1).InSupport(1.0000001));
        Assert.False(new Normal(0, 1).InSupport(double.PositiveInfinity));
        var tail = new TruncatedNormal(0, 1, 8, double.PositiveInfinity);
        Assert.Equal(8, tail.Lower);
        Assert.Equal(double.PositiveInfinity, tail.Upper);
        Assert.False(tail.InSupport(7.999));
    }

    [Fact]
    public void To_string_shows_the_parameterisation()
    {
        Assert.Equal("Normal(mean=0, sd=1)", new Normal(0, 1).ToString());
        Assert.Equal("LogNormal(median=0.1, sigma=0.3)", Prior.LogNormal(median: 0.1, sigma: 0.3).ToString());
        Assert.Equal("TruncatedNormal(mean=0, sd=1, lower=8, upper=Infinity)", new TruncatedNormal(0, 1, 8, double.PositiveInfinity).ToString());
        Assert.Equal("Gamma(shape=0.3, rate=1.5)", new Gamma(0.3, 1.5).ToString());
    }

    [Fact]
    public void Prior_factories_build_the_documented_parameterisations()
    {
        var logNormal = Assert.IsType<LogNormal>(Prior.LogNormal(median: 0.1, sigma: 0.3));
        Assert.Equal(Math.Log(0.1), logNormal.Mu);
        Assert.Equal(0.3, logNormal.Sigma);
        Assert.Equal(0.1, logNormal.Median, 15);
        Assert.Equal(0.1, logNormal.Quantile(0.5), 15);

        Distribution meanCv = Prior.LogNormalMeanCv(mean: 50, cv: 0.2);
        Assert.Equal(50, meanCv.Mean, 12);
        Assert.Equal(0.2, meanCv.StandardDeviation / meanCv.Mean, 14);

        Assert.Equal(new Normal(1, 2), Prior.Normal(1, 2));
        Assert.Equal(new Uniform(1, 2), Prior.Uniform(1, 2));
        Assert.Equal(new LogUniform(1, 2), Prior.LogUniform(1, 2));
        Assert.Equal(new TruncatedNormal(0, 1, 0, 3), Prior.TruncatedNormal(0, 1, 0, 3));
        Assert.Equal(new Beta(2, 3), Prior.Beta(2, 3));
        Assert.Equal(new Gamma(2, 3), Prior.Gamma(2, 3));
        Assert.NotEqual(Prior.Gamma(2, 3), Prior.Gamma(3, 2));
        Assert.NotEqual<Distribution>(Prior.Uniform(1, 2), Prior.LogUniform(1, 2));
    }

    [Fact]
    public void Far_tail_truncated_normal_samples_stay_in_the_tail()
    {
        var d = new TruncatedNormal(0, 1, 30, double.PositiveInfinity);
        var stream = RandomStream.For(1, "far-tail");
        var draws = new double[10_000];
        d.Sample(ref stream, draws);
        Assert.All(draws, x => Assert.InRange(x, 30, 31));

        // For [a, ∞) with large a, ξ − a is close to Exponential(a): mean about 1/a.
        double excess = draws.Average() - 30;
        Assert.InRange(excess, 0.9 / 30, 1.1 / 30);
    }
}
