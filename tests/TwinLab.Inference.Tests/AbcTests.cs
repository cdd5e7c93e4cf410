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

    [Fact]
    public void Abc_smc_recovers_a_conjugate_posterior_with_a_decreasing_schedule()
    {
        var (prior, simulator) = Conjugate();
        const double observed = 0.8;
        var result = AbcSmc.Run(prior, simulator, [observed], budget: 60_000, seed: 3, new AbcSmcOptions { PopulationSize = 1000 });

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
        var options = new AbcSmcOptions { PopulationSize = 20, InitialRoundFactor = 5 };
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
    public void Budgets_too_small_for_generation_zero_are_rejected()
    {
        var (prior, simulator) = Conjugate();
        var error = Assert.Throws<ArgumentException>(() => AbcSmc.Run(prior, simulator, [0.0], budget: 100, seed: 1, new AbcSmcOptions { PopulationSize = 50 }));
        Assert.Contains("250", error.Message, StringComparison.Ordinal);
    }
}
