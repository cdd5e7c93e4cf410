using TwinLab.Core.Distributions;

namespace TwinLab.Twins.Tests;

public sealed class ParticleEnsembleTests
{
    [Fact]
    public void Systematic_resampling_gives_each_particle_floor_or_ceiling_of_N_times_its_weight()
    {
        // Kitagawa's systematic scheme: particle i gets ⌊N wᵢ⌋ or ⌈N wᵢ⌉ offspring, for any u in [0, 1).
        double[] w = [0.05, 0.4, 0.0, 0.25, 0.3];
        foreach (var u in new[] { 0.0, 0.13, 0.5, 0.999 })
        {
            var index = WeightedStatistics.Systematic(w, u);
            for (var i = 0; i < w.Length; i++)
            {
                var count = index.Count(j => j == i);
                Assert.InRange(count, Math.Floor(w.Length * w[i]), Math.Ceiling(w.Length * w[i]));
            }
            Assert.Equal(index.Order(), index);
        }
    }

    [Fact]
    public void Weighted_summaries_and_input_checks()
    {
        var e = new ParticleEnsemble(["a", "b"], new double[,] { { 1, -1 }, { 2, 5 }, { 4, 2 } }, [1, 1, 2]);
        Assert.Equal([0.25, 0.25, 0.5], e.Weights);
        Assert.Equal(2.75, e.Mean("a"), 1e-15);
        Assert.Equal((0.25 * 1.75 * 1.75) + (0.25 * 0.75 * 0.75) + (0.5 * 1.25 * 1.25), e.Variance("a"), 1e-15);
        Assert.Equal(2, e.Quantile("a", 0.5));   // cumulative weight reaches 0.5 at the second value
        Assert.Equal(1 / ((2 * 0.0625) + 0.25), e.EffectiveSampleSize, 1e-12);
        Assert.Equal([true, false], e.LogScale);   // b has a negative sample
        Assert.Throws<ArgumentException>(() => new ParticleEnsemble(["a"], new double[,] { { 1 }, { double.NaN } }));
        Assert.Throws<ArgumentException>(() => new ParticleEnsemble(["a"], new double[,] { { 1 }, { 2 } }, [0, 0]));
        Assert.Throws<ArgumentException>(() => new ParticleEnsemble(["a", "a"], new double[,] { { 1, 1 }, { 2, 2 } }));
        Assert.Throws<ArgumentException>(() => new ParticleEnsemble(["b"], new double[,] { { -1 }, { 2 } }, logScale: [true]));
        Assert.Throws<KeyNotFoundException>(() => e.Column("c"));
        var prior = ParticleEnsemble.FromPrior(new JointPrior(("k", Prior.LogNormal(1, 0.2)), ("m", new Normal(0, 1))), 10, 3);
        Assert.Equal([true, false], prior.LogScale);
        Assert.Equal(prior.Column("k"), ParticleEnsemble.FromPrior(new JointPrior(("k", Prior.LogNormal(1, 0.2)), ("m", new Normal(0, 1))), 10, 3).Column("k"));
    }

    [Fact]
    public void A_twin_refuses_unknown_or_doubly_given_parameters()
    {
        var model = AssimilationTests.Decay();
        var particles = new ParticleEnsemble(["nope"], new double[,] { { 1 }, { 2 } });
        Assert.Throws<ArgumentException>(() => Twin.FromParticles(model, particles, new TwinOptions()));
        var x0 = new ParticleEnsemble(["x0"], new double[,] { { 1 }, { 2 } });
        Assert.Throws<ArgumentException>(() => Twin.FromParticles(model, x0, new TwinOptions { FixedParameters = new Dictionary<string, double> { ["x0"] = 3 } }));
        Assert.Throws<ArgumentException>(() => Twin.FromParticles(model, x0, new TwinOptions { LiuWestDiscount = 0 }));
        Assert.Throws<ArgumentException>(() => Twin.FromParticles(model, x0, new TwinOptions { Noise = new Dictionary<string, GaussianNoise> { ["z"] = new(1) } }));
        Assert.Throws<ArgumentException>(() => new GaussianNoise(0));
    }
}
