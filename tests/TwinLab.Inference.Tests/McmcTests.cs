using TwinLab.Core.Randomness;
using TwinLab.Inference.Mcmc;

namespace TwinLab.Inference.Tests;

public class McmcTests
{
    // Target: a correlated normal with means (1, −2), sds (1, 2) and correlation 0.8.
    private static double LogTarget(ReadOnlySpan<double> p)
    {
        double a = p[0] - 1, b = (p[1] + 2) / 2, rho = 0.8;
        return -((a * a) - (2 * rho * a * b) + (b * b)) / (2 * (1 - (rho * rho)));
    }

    private static void AssertMoments(McmcChains chains)
    {
        // With ESS ≥ 1000 the Monte Carlo error of a mean is ≤ sd/√1000 (0.03 and 0.06): 0.15 is ≥ 2.5 of those;
        // standard deviations within 10 %; correlation within 0.05.
        var pooled = chains.Pooled();
        var mean = pooled.Means();
        var sd = pooled.StandardDeviations();
        Assert.InRange(mean[0], 0.85, 1.15);
        Assert.InRange(mean[1], -2.3, -1.7);
        Assert.InRange(sd[0], 0.9, 1.1);
        Assert.InRange(sd[1], 1.8, 2.2);
        var covariance = 0.0;
        for (var i = 0; i < pooled.Count; i++)
        {
            covariance += (pooled.Values[2 * i] - mean[0]) * (pooled.Values[(2 * i) + 1] - mean[1]);
        }

        Assert.InRange(covariance / (pooled.Count - 1) / (sd[0] * sd[1]), 0.75, 0.85);
        Assert.All(chains.EffectiveSampleSize(), ess => Assert.True(ess >= 1000, $"ESS {ess}"));
    }

    [Fact]
    public void Adaptive_metropolis_samples_a_known_gaussian()
    {
        var starts = new[] { new[] { -2.0, 3.0 }, new[] { 4.0, -6.0 }, new[] { 0.0, 0.0 }, new[] { 2.0, -1.0 } };
        var chains = AdaptiveMetropolis.Sample(["a", "b"], LogTarget, starts, [0.5, 0.5], warmUp: 3000, iterations: 10_000, seed: 4);
        Assert.All(chains.RHat(), r => Assert.True(r < 1.01, $"R-hat {r}"));
        AssertMoments(chains);

        // The adapted random walk in 2-D accepts roughly a third of the proposals (Gelman, Roberts and Gilks 1996: 0.35).
        Assert.InRange(chains.AcceptanceRate, 0.2, 0.5);
    }

    [Fact]
    public void Ensemble_sampler_samples_a_known_gaussian()
    {
        var stream = RandomStream.For(1, "starts");
        var starts = Enumerable.Range(0, 16).Select(_ => new[] { stream.NextNormal(), stream.NextNormal() }).ToArray();
        var chains = EnsembleSampler.Sample(["a", "b"], LogTarget, starts, warmUp: 1000, iterations: 5000, seed: 5);
        Assert.All(chains.RHat(), r => Assert.True(r < 1.01, $"R-hat {r}"));
        AssertMoments(chains);
    }

    [Fact]
    public void Classic_r_hat_matches_a_hand_computed_case()
    {
        // Chains (1, 2, 3, 4) and (2, 3, 4, 5): chain means 2.5 and 3.5, B = 4·(0.25 + 0.25)/1 = 2, W = 5/3,
        // var⁺ = (3/4)·(5/3) + 2/4 = 1.75, R̂ = √(1.75 / (5/3)) = √1.05.
        Assert.Equal(Math.Sqrt(1.05), Convergence.ClassicRHat([[1, 2, 3, 4], [2, 3, 4, 5]]), 12);
    }

    [Fact]
    public void Effective_sample_size_of_autoregressive_chains_matches_theory()
    {
        // AR(1) with coefficient φ: the integrated autocorrelation time is (1 + φ)/(1 − φ), so 4 chains of 20 000
        // draws with φ = 0.5 have ESS ≈ 80 000 / 3 = 26 667. The estimator's relative sd at this length is ≈ 2 %,
        // so 10 % is a safe tolerance. Independent draws give ESS ≈ M·N.
        var chains = new double[4][];
        var white = new double[4][];
        for (var c = 0; c < 4; c++)
        {
            var stream = RandomStream.For(8, "ar1", (ulong)c);
            chains[c] = new double[20_000];
            white[c] = new double[20_000];
            var previous = stream.NextNormal() / Math.Sqrt(1 - 0.25);
            for (var i = 0; i < 20_000; i++)
            {
                previous = (0.5 * previous) + stream.NextNormal();
                chains[c][i] = previous;
                white[c][i] = stream.NextNormal();
            }
        }

        Assert.InRange(Convergence.EffectiveSampleSize(chains), 0.9 * 80_000 / 3.0, 1.1 * 80_000 / 3.0);
        Assert.InRange(Convergence.EffectiveSampleSize(white), 0.9 * 80_000, 1.1 * 80_000);
        Assert.True(Convergence.RHat(chains) < 1.01);
    }

    [Fact]
    public void R_hat_flags_chains_stuck_in_different_places()
    {
        var stream = RandomStream.For(2, "stuck");
        var chains = Enumerable.Range(0, 4).Select(c => Enumerable.Range(0, 1000).Select(_ => stream.NextNormal() + (c == 0 ? 1.0 : 0.0)).ToArray()).ToArray();
        Assert.True(Convergence.RHat(chains) > 1.05);
    }
}
