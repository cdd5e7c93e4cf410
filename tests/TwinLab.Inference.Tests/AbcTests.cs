using TwinLab.Core.Distributions;
using TwinLab.Core.Randomness;
using TwinLab.Inference.Abc;

namespace TwinLab.Inference.Tests;

public class AbcTests
{
    // Conjugate model: θ ~ N(0, 1), x = mean of 5 draws of N(θ, 1) (sufficient), so the posterior given x is
    // N(5x/6, 1/6) (sd 0.408).
    private static (ParameterPrior Prior, Simulator Simulator) Conjugate() =>
        (ParameterPrior.Independent(new JointPrior(("theta", new Normal(0, 1)))),
         new Simulator(["mean"], (ReadOnlySpan<double> theta, Span<double> x, ref RandomStream s) =>
         {
             var sum = 0.0;
             for (var i = 0; i < 5; i++)
             {
                 sum += theta[0] + s.NextNormal();
             }

             x[0] = sum / 5;
         }));

    // The settings of the earlier implementation (Beaumont et al.'s kernel 2 Σ_w, the median of the distances, the last
    // complete generation at budget exhaustion, multinomial resampling), still available.
    private static readonly AbcSmcOptions Classic = new()
    {
        EpsilonQuantile = 0.5,
        Schedule = EpsilonSchedule.DistanceQuantile,
        KernelScale = 2,
        FillUpFromPreviousGeneration = false,
        KernelDensitySampling = false,
    };

    [Fact]
    public void Abc_smc_recovers_a_conjugate_posterior_with_a_decreasing_schedule()
    {
        var (prior, simulator) = Conjugate();
        const double observed = 0.8;
        var result = AbcSmc.Run(prior, simulator, [observed], budget: 60_000, seed: 3, Classic with { PopulationSize = 1000 });

        // Schedule: ε shrinks every generation (each is the median distance of the previous population).
        Assert.True(result.Generations.Count >= 4, $"only {result.Generations.Count} generations");
        for (var t = 1; t < result.Generations.Count; t++)
        {
            Assert.True(result.Generations[t].Epsilon < result.Generations[t - 1].Epsilon);
        }

        Assert.True(result.Simulations <= 60_000);

        // Weights: normalised, positive, ESS between 1 and N.
        Assert.Equal(1.0, result.Weights.Sum(), 10);
        Assert.All(result.Weights, w => Assert.True(w > 0));
        Assert.InRange(result.EffectiveSampleSize, 100, 1000);

        // Posterior N(0.667, 0.408²): with a final ε ≪ posterior sd the ABC posterior matches it; the weighted mean
        // is within 0.05 (≈ 4 Monte Carlo standard errors at ESS ≥ 100) and the sd within 10 %.
        Assert.True(result.Epsilon < 0.1, $"final ε {result.Epsilon}");
        var mean = result.Means()[0];
        var variance = 0.0;
        for (var i = 0; i < result.Count; i++)
        {
            variance += result.Weights[i] * (result.Values[i] - mean) * (result.Values[i] - mean);
        }

        Assert.InRange(mean, (5 * observed / 6) - 0.05, (5 * observed / 6) + 0.05);
        Assert.InRange(Math.Sqrt(variance), 0.9 * Math.Sqrt(1.0 / 6), 1.1 * Math.Sqrt(1.0 / 6));
    }

    [Fact]
    public void Importance_weights_follow_the_population_monte_carlo_formula()
    {
        // Two generations with a tiny population; recompute w ∝ p(θ) / Σ_j w_j K(θ | θ_j) by hand from generation 0.
        var (prior, simulator) = Conjugate();
        var options = Classic with { PopulationSize = 20, InitialRoundFactor = 5 };
        var generation0 = RejectionAbc.Run(prior, simulator, [0.3], 100, 20, seed: 9);
        // A budget (found for this seed) that completes generation 1 but not generation 2, so the returned
        // population is generation 1; the assertions below fail if that ever changes.
        var result = AbcSmc.Run(prior, simulator, [0.3], budget: 100 + 350, seed: 9, options);
        Assert.True(result.Generations.Count == 2, result.StoppedBy + " " + result.Generations.Count);
        Assert.StartsWith("budget (generation 2", result.StoppedBy, StringComparison.Ordinal);

        var previous = generation0.Values;
        var w0 = generation0.Weights;
        var variance = 0.0;
        var mean = previous.Average();
        foreach (var v in previous)
        {
            variance += (v - mean) * (v - mean);
        }

        variance = 2 * variance / (previous.Length - 1); // the kernel: twice the (unbiased, equal-weight) covariance
        var expected = new double[20];
        for (var i = 0; i < 20; i++)
        {
            var denominator = 0.0;
            for (var j = 0; j < 20; j++)
            {
                var r = result.Values[i] - previous[j];
                denominator += w0[j] * Math.Exp(-0.5 * r * r / variance);
            }

            expected[i] = Math.Exp(new Normal(0, 1).LogDensity(result.Values[i])) / denominator;
        }

        var total = expected.Sum();
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(expected[i] / total, result.Weights[i], 10);
        }
    }

    [Fact]
    public void Rejection_abc_keeps_the_closest_simulations()
    {
        var (prior, simulator) = Conjugate();
        var result = RejectionAbc.Run(prior, simulator, [0.5], 20_000, 500, seed: 2);
        Assert.Equal(500, result.Count);
        Assert.Equal(20_000, result.Simulations);
        Assert.All(result.Weights, w => Assert.Equal(1.0 / 500, w, 12));

        // 500 of 20 000 kept (ε ≈ 0.04): the posterior N(5/12, 1/6) mean within 0.06 (≈ 3 standard errors).
        Assert.InRange(result.Means()[0], (5 * 0.5 / 6) - 0.06, (5 * 0.5 / 6) + 0.06);
    }

    [Fact]
    public void Budgets_smaller_than_the_population_are_rejected()
    {
        var (prior, simulator) = Conjugate();
        var error = Assert.Throws<ArgumentException>(() => AbcSmc.Run(prior, simulator, [0.0], budget: 40, seed: 1, new AbcSmcOptions { PopulationSize = 50 }));
        Assert.Contains("population of 50", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(100, 5, 10_000, 500)] // sbibm at 10⁴: 5 × 100
    [InlineData(1000, 5, 100_000, 5000)] // sbibm at 10⁵: 5 × 1000
    [InlineData(100, 5, 600, 300)] // at most half the budget
    [InlineData(100, 5, 150, 100)] // but at least the population
    [InlineData(100, 1, 10_000, 100)]
    public void Initial_round_is_factor_times_population_within_half_the_budget(int population, int factor, int budget, int expected) =>
        Assert.Equal(expected, AbcSmc.InitialRoundSize(population, factor, budget));

    [Fact]
    public void Default_settings_are_sbibms_and_spend_the_whole_budget()
    {
        var (prior, simulator) = Conjugate();
        var result = AbcSmc.Run(prior, simulator, [0.8], budget: 10_000, seed: 4);
        Assert.Equal(100, result.Count); // population 100 at budgets up to 10⁴
        Assert.Equal(500, result.Generations[0].Simulations); // initial round 5 × 100
        Assert.Equal(10_000, result.Simulations); // the last generation ends when the budget does
        Assert.Equal(10_000, result.Generations.Sum(g => g.Simulations));
        Assert.True(result.Generations.Count >= 5, $"only {result.Generations.Count} generations");
        Assert.NotNull(result.KernelDensityBandwidth);
        Assert.Equal(50, AbcSmc.Run(prior, simulator, [0.8], budget: 50, seed: 4).Count); // never more than the budget
        Assert.Equal(1000, AbcSmc.Run(prior, simulator, [0.8], budget: 10_001, seed: 4, new AbcSmcOptions { KernelDensitySampling = false }).Count);

        // Each ε is one of the previous population's distances, so the schedule never increases.
        for (var t = 1; t < result.Generations.Count; t++)
        {
            Assert.True(result.Generations[t].Epsilon <= result.Generations[t - 1].Epsilon, $"generation {t}");
        }

        // The same seed gives the same population, weights and bandwidth, bit for bit.
        var again = AbcSmc.Run(prior, simulator, [0.8], budget: 10_000, seed: 4);
        Assert.Equal(result.Values, again.Values);
        Assert.Equal(result.Weights, again.Weights);
        Assert.Equal(result.KernelDensityBandwidth, again.KernelDensityBandwidth);
    }

    [Fact]
    public void Weighted_kernel_density_recovers_the_conjugate_posterior()
    {
        var (prior, simulator) = Conjugate();
        const double observed = 0.8;
        var result = AbcSmc.Run(prior, simulator, [observed], budget: 30_000, seed: 5, new AbcSmcOptions { PopulationSize = 1000, KernelDensityWeighted = true });
        var h = result.KernelDensityBandwidth!.Value;
        var draws = result.Sample(prior, 50_000, 6);
        Assert.Equal(50_000, draws.Count);
        var values = draws.Values;
        var mean = values.Average();
        var sd = Math.Sqrt(values.Select(v => (v - mean) * (v - mean)).Average());

        // Posterior N(0.667, 0.408²). The draws are the weighted particles smoothed by N(0, h²): their mean is within
        // 0.05 of the posterior mean (the ABC tolerance and ≈ 4 Monte Carlo standard errors of 1000 particles), and
        // their variance exceeds the posterior variance by about h² (h ≤ 0.5 s, the search's upper edge), so the sd is
        // checked within 10 % of √(1/6 + h²).
        Assert.InRange(mean, (5 * observed / 6) - 0.05, (5 * observed / 6) + 0.05);
        var expectedSd = Math.Sqrt((1.0 / 6) + (h * h));
        Assert.InRange(sd, 0.9 * expectedSd, 1.1 * expectedSd);
        Assert.InRange(h, 0.01, 0.5 * 0.45);
    }

    [Fact]
    public void Cumulative_distance_share_schedule_matches_hand_values()
    {
        // Distinct sorted distances 1, 2, 3, 4 (the repeated 1 counts once): running shares 0.1, 0.3, 0.6, 1.0.
        double[] distances = [3, 1, 4, 1, 2];
        Assert.Equal(1, AbcSmc.NextEpsilon(distances, 0.05, EpsilonSchedule.CumulativeDistanceShare));
        Assert.Equal(2, AbcSmc.NextEpsilon(distances, 0.2, EpsilonSchedule.CumulativeDistanceShare));
        Assert.Equal(3, AbcSmc.NextEpsilon(distances, 0.5, EpsilonSchedule.CumulativeDistanceShare));
        Assert.Equal(4, AbcSmc.NextEpsilon(distances, 0.95, EpsilonSchedule.CumulativeDistanceShare));
        Assert.Equal(0, AbcSmc.NextEpsilon([0.0, 0.0], 0.2, EpsilonSchedule.CumulativeDistanceShare)); // all equal to 0
        // The plain quantile of the 5 values 1, 1, 2, 3, 4: position 0.2 × 4 = 0.8 → 1; 0.5 → 2 (the median).
        Assert.Equal(1, AbcSmc.NextEpsilon(distances, 0.2, EpsilonSchedule.DistanceQuantile));
        Assert.Equal(2, AbcSmc.NextEpsilon(distances, 0.5, EpsilonSchedule.DistanceQuantile));
    }

    [Fact]
    public void Weighted_covariance_matches_numpy_cov_with_analytic_weights()
    {
        var stream = RandomStream.For(12, "abc-test");
        const int n = 30, d = 3;
        var values = new double[n * d];
        var weights = new double[n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < d; j++)
            {
                values[(i * d) + j] = stream.NextNormal() + (j * values[i * d]);
            }

            weights[i] = stream.NextDouble();
        }

        var total = weights.Sum();
        for (var i = 0; i < n; i++)
        {
            weights[i] /= total;
        }

        var ours = AbcSmc.WeightedCovariance(values, weights, d);
        var text = string.Join(' ', values.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "\n" +
                   string.Join(' ', weights.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        var numpy = TwinLab.TestSupport.DebianPython.Run("""
            import sys
            import numpy as np
            rows = sys.stdin.read().split("\n")
            X = np.array([float(v) for v in rows[0].split()]).reshape(-1, 3)
            w = np.array([float(v) for v in rows[1].split()])
            print(" ".join(repr(float(v)) for v in np.cov(X, rowvar=False, aweights=w).ravel()))
            """, text).Trim().Split(' ').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        for (var i = 0; i < d; i++)
        {
            for (var j = 0; j < d; j++)
            {
                // The same sums in a different order: 1e-12 absolute on entries of order 1.
                Assert.Equal(numpy[(i * d) + j], ours[i, j], 1e-12);
            }
        }
    }

    [Fact]
    public void Budget_exhaustion_fills_the_last_generation_from_the_closest_previous_particles()
    {
        var (prior, simulator) = Conjugate();
        const int budget = 3_333;
        var settings = new AbcSmcOptions { PopulationSize = 40, KernelDensitySampling = false };

        // Without fill-up the run returns the last complete generation: the previous population of the filled one,
        // since both runs draw the same random numbers until the budget runs out.
        var previous = AbcSmc.Run(prior, simulator, [0.3], budget, seed: 21, settings with { FillUpFromPreviousGeneration = false });
        var filled = AbcSmc.Run(prior, simulator, [0.3], budget, seed: 21, settings);
        Assert.Equal(previous.Generations.Count + 1, filled.Generations.Count);
        Assert.Equal(budget, filled.Simulations);
        var last = filled.Generations[^1];
        Assert.True(last.FilledFromPrevious is > 0 and < 40, $"budget {budget} should end part-way through a generation; filled {last.FilledFromPrevious}");
        Assert.Contains("filled up", filled.StoppedBy, StringComparison.Ordinal);

        // The last particles of the final population are the previous population's closest, closest first, with their
        // distances.
        var closest = Enumerable.Range(0, 40).OrderBy(i => previous.Distances![i]).ThenBy(i => i).ToArray();
        var accepted = 40 - last.FilledFromPrevious;
        for (var k = 0; k < last.FilledFromPrevious; k++)
        {
            Assert.Equal(previous.Values[closest[k]], filled.Values[accepted + k]);
            Assert.Equal(previous.Distances![closest[k]], filled.Distances![accepted + k]);
        }

        // The accepted ones lie within the last generation's ε; the filled ones need not.
        Assert.All(filled.Distances!.Take(accepted), r => Assert.True(r <= last.Epsilon));

        // Every weight, filled particles included, is p(θ) / Σ_j w_j K(θ | θ_j) against the previous population with the
        // kernel variance 0.5 × its weighted variance.
        var w0 = previous.Weights;
        var mean = previous.Means()[0];
        var sumSquares = w0.Sum(w => w * w);
        var variance = 0.0;
        for (var j = 0; j < w0.Length; j++)
        {
            variance += w0[j] * (previous.Values[j] - mean) * (previous.Values[j] - mean);
        }

        variance = 0.5 * variance / (1 - sumSquares);
        var expected = new double[40];
        for (var i = 0; i < 40; i++)
        {
            var denominator = 0.0;
            for (var j = 0; j < 40; j++)
            {
                var r = filled.Values[i] - previous.Values[j];
                denominator += w0[j] * Math.Exp(-0.5 * r * r / variance);
            }

            expected[i] = Math.Exp(new Normal(0, 1).LogDensity(filled.Values[i])) / denominator;
        }

        var total = expected.Sum();
        for (var i = 0; i < 40; i++)
        {
            Assert.Equal(expected[i] / total, filled.Weights[i], 10);
        }
    }
}
