using TwinLab.Core.Distributions;
using TwinLab.Core.Randomness;

namespace TwinLab.Core.Tests.Distributions;

/// <summary>SciPy's excess kurtosis for each sampler case, used to bound the sample variance.</summary>
public sealed class SamplerReferenceFixture
{
    public SamplerReferenceFixture()
    {
        (Values, _) = ScipyReference.Evaluate(SamplerTests.Cases.Values.Select(d => new ReferenceCase(d.Id, d.Distribution, [], [], 0)), []);
    }

    public Dictionary<string, ReferenceValues> Values { get; }
}

/// <summary>
/// Sampler checks with fixed seeds: n = 200 000 draws; sample mean within 5 standard errors (σ/√n); sample variance
/// within 5 standard errors of s², √((μ4 − σ⁴)/n) = σ²√((κ + 2)/n) with κ the excess kurtosis; and the
/// Kolmogorov–Smirnov statistic against the distribution's own CDF below the 0.1 % critical value 1.95/√n.
/// </summary>
public class SamplerTests(SamplerReferenceFixture reference) : IClassFixture<SamplerReferenceFixture>
{
    private const int SampleCount = 200_000;
    private const ulong Seed = 987654321;

    internal static Dictionary<string, (string Id, Distribution Distribution)> Cases { get; } = new (string Id, Distribution Distribution)[]
    {
        ("normal", new Normal(1.5, 2)),
        ("lognormal", LogNormal.FromMedian(0.1, 0.3)),
        ("uniform", new Uniform(-2, 5)),
        ("loguniform", new LogUniform(1e-3, 10)),
        ("truncnorm-tail-8", new TruncatedNormal(0, 1, 8, double.PositiveInfinity)),
        ("truncnorm-tail-40", new TruncatedNormal(0, 1, 40, 41)),
        ("truncnorm-left-tail", new TruncatedNormal(0, 1, double.NegativeInfinity, -5)),
        ("truncnorm-two-sided", new TruncatedNormal(1, 2, -1, 4)),
        ("beta-2-5", new Beta(2, 5)),
        ("beta-small-shapes", new Beta(0.3, 0.4)),
        ("gamma-3-2", new Gamma(3, 2)),
        ("gamma-shape-0.3", new Gamma(0.3, 1.5)),
        ("gamma-shape-0.05", new Gamma(0.05, 1)),
    }.ToDictionary(c => c.Id);

    public static TheoryData<string> Ids => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Ids))]
    public void Sample_moments_and_distribution_match(string id)
    {
        Distribution d = Cases[id].Distribution;
        var stream = RandomStream.For(Seed, "sampler-test." + id);
        var draws = new double[SampleCount];
        d.Sample(ref stream, draws);

        double sum = 0;
        int outside = 0;
        foreach (double x in draws)
        {
            outside += d.InSupport(x) ? 0 : 1;
            sum += x;
        }

        Assert.True(outside == 0, $"{id}: {outside} draws outside the support [{d.Lower}, {d.Upper}]");

        double mean = sum / SampleCount;
        double squares = 0;
        foreach (double x in draws)
        {
            squares += (x - mean) * (x - mean);
        }

        double variance = squares / (SampleCount - 1);
        double sd = d.StandardDeviation;
        double meanBound = 5 * sd / Math.Sqrt(SampleCount);
        Assert.True(Math.Abs(mean - d.Mean) <= meanBound, $"{id}: sample mean {mean:R} vs {d.Mean:R} (bound {meanBound:E3})");

        double kurtosis = reference.Values[id].ExcessKurtosis;
        double varianceBound = 5 * d.Variance * Math.Sqrt((kurtosis + 2) / SampleCount);
        Assert.True(Math.Abs(variance - d.Variance) <= varianceBound, $"{id}: sample variance {variance:R} vs {d.Variance:R} (bound {varianceBound:E3})");

        Array.Sort(draws);
        double ks = 0;
        for (int i = 0; i < SampleCount; i++)
        {
            double f = d.CumulativeDistribution(draws[i]);
            ks = Math.Max(ks, Math.Max(((i + 1.0) / SampleCount) - f, f - ((double)i / SampleCount)));
        }

        Assert.True(ks < 1.95 / Math.Sqrt(SampleCount), $"{id}: Kolmogorov–Smirnov statistic {ks:E3} ≥ {1.95 / Math.Sqrt(SampleCount):E3}");
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Bulk_sampling_equals_single_draws_and_is_reproducible(string id)
    {
        Distribution d = Cases[id].Distribution;
        var single = RandomStream.For(Seed, "reproducibility", 17);
        var bulk = RandomStream.For(Seed, "reproducibility", 17);
        var again = RandomStream.For(Seed, "reproducibility", 17);
        var first = new double[999];
        var second = new double[999];
        d.Sample(ref bulk, first);
        d.Sample(ref again, second);
        for (int i = 0; i < first.Length; i++)
        {
            long expected = BitConverter.DoubleToInt64Bits(d.Sample(ref single));
            Assert.Equal(expected, BitConverter.DoubleToInt64Bits(first[i]));
            Assert.Equal(expected, BitConverter.DoubleToInt64Bits(second[i]));
        }

        Assert.Equal(single.Position, bulk.Position);
    }

    [Fact]
    public void Multivariate_normal_sample_mean_and_covariance_match_the_target()
    {
        double[] mu = [1.0, -2.0, 0.5];
        double[,] sigma = { { 2.0, 0.3, -0.4 }, { 0.3, 1.0, 0.2 }, { -0.4, 0.2, 0.5 } };
        var mvn = new MultivariateNormal(mu, sigma);
        const int n = 100_000;
        var stream = RandomStream.For(Seed, "mvn-test");
        var draws = new double[n, 3];
        Span<double> x = stackalloc double[3];
        for (int k = 0; k < n; k++)
        {
            mvn.Sample(ref stream, x);
            for (int i = 0; i < 3; i++)
            {
                draws[k, i] = x[i];
            }
        }

        var mean = new double[3];
        for (int i = 0; i < 3; i++)
        {
            for (int k = 0; k < n; k++)
            {
                mean[i] += draws[k, i];
            }

            mean[i] /= n;
            Assert.True(Math.Abs(mean[i] - mu[i]) <= 5 * Math.Sqrt(sigma[i, i] / n), $"mean[{i}] = {mean[i]}");
        }

        // For Gaussian data Var(S_ij) ≈ (Σ_ii Σ_jj + Σ_ij²)/n; allow 5 standard errors per entry.
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double s = 0;
                for (int k = 0; k < n; k++)
                {
                    s += (draws[k, i] - mean[i]) * (draws[k, j] - mean[j]);
                }

                s /= n - 1;
                double bound = 5 * Math.Sqrt(((sigma[i, i] * sigma[j, j]) + (sigma[i, j] * sigma[i, j])) / n);
                Assert.True(Math.Abs(s - sigma[i, j]) <= bound, $"covariance[{i}, {j}] = {s} vs {sigma[i, j]} (bound {bound})");
            }
        }
    }
}
