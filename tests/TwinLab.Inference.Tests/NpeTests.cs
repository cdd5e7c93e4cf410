using TwinLab.Core.Randomness;
using TwinLab.Inference.Diagnostics;
using TwinLab.Inference.Sbi;
using TwinLab.Inference.Tasks;

namespace TwinLab.Inference.Tests;

public class NpeTests
{
    [Theory]
    [InlineData(DensityEstimator.MaskedAutoregressiveFlow)]
    [InlineData(DensityEstimator.MixtureDensityNetwork)]
    public void Recovers_the_analytic_gaussian_linear_posterior(DensityEstimator estimator)
    {
        // gaussian_linear: the posterior is N(x/2, 0.05·I) (sd 0.224). With 5000 simulations NPE's posterior mean
        // is within 0.1 (0.45 posterior sd) and its sd within 25 % in every one of the 10 dimensions, and C2ST
        // against 1000 exact draws is below 0.62 (sbibm reports NPE ≈ 0.6–0.7 at 10³ and ≈ 0.55 at 10⁴ simulations;
        // C2ST of two exact sets of 1000 draws is 0.5 ± 0.03). The posterior is Gaussian, so two mixture components suffice.
        var task = BenchmarkTasks.Create("gaussian_linear");
        var (_, x) = task.Observe(1);
        var posterior = new Npe(task.Prior, task.Simulator, new NpeOptions { Estimator = estimator, BatchSize = 100, LearningRate = 1e-3, Components = 2 })
            .Train(5000, seed: 11);
        var samples = posterior.Sample(x, 1000, seed: 12);
        var reference = task.SampleReferencePosterior(x, 1000, seed: 13);
        var mean = samples.Means();
        var sd = samples.StandardDeviations();
        for (var i = 0; i < 10; i++)
        {
            Assert.InRange(mean[i], (x[i] / 2) - 0.1, (x[i] / 2) + 0.1);
            Assert.InRange(sd[i], 0.75 * Math.Sqrt(0.05), 1.25 * Math.Sqrt(0.05));
        }

        Assert.Equal(1.0, samples.AcceptanceRate);
        var c2st = C2st.Score(reference.Values, samples.Values, 10, seed: 1);
        Assert.InRange(c2st, 0.4, 0.62);
        Assert.True(posterior.Training.BestEpoch >= 1 && posterior.Training.Epochs >= posterior.Training.BestEpoch);
    }

    [Fact]
    public void Training_is_reproducible_for_a_seed()
    {
        var task = BenchmarkTasks.Create("two_moons");
        var options = new NpeOptions { MaxEpochs = 3, Transforms = 2, HiddenUnits = 10 };
        var first = new Npe(task.Prior, task.Simulator, options).Train(500, seed: 3).Sample([0.1, 0.2], 50, seed: 4);
        var second = new Npe(task.Prior, task.Simulator, options).Train(500, seed: 3).Sample([0.1, 0.2], 50, seed: 4);
        Assert.Equal(first.Values, second.Values);
    }

    [Fact]
    public void Non_finite_simulations_are_excluded_and_counted()
    {
        // A simulator that fails (NaN) whenever θ₁ > 0.5 and returns +∞ whenever θ₁ < −0.9: those pairs are dropped.
        var prior = ParameterPrior.Repeated(1, new TwinLab.Core.Distributions.Uniform(-1, 1));
        var simulator = new Simulator(["x"], (ReadOnlySpan<double> theta, Span<double> x, ref RandomStream s) =>
            x[0] = theta[0] > 0.5 ? double.NaN : theta[0] < -0.9 ? double.PositiveInfinity : theta[0] + (0.1 * s.NextNormal()));
        var set = SimulationSet.Simulate(prior, simulator, 2000, seed: 5);
        var expected = 0;
        for (var i = 0; i < 2000; i++)
        {
            var stream = RandomStream.For(5, "sbi.prior", (ulong)i);
            var theta = new TwinLab.Core.Distributions.Uniform(-1, 1).Sample(ref stream);
            if (theta > 0.5 || theta < -0.9)
            {
                expected++;
            }
        }

        Assert.Equal(expected, set.ExcludedNonFinite);
        Assert.Equal(2000 - expected, set.Count);
        var posterior = new Npe(prior, new NpeOptions { MaxEpochs = 5 }).Train(set, seed: 1);
        Assert.Equal(expected, posterior.Training.ExcludedNonFinite);
        Assert.Equal(2000, posterior.Training.Simulations);
        Assert.All(posterior.Sample([0.0], 200, seed: 2).Values, v => Assert.False(double.IsNaN(v)));
    }

    [Fact]
    public void Sampling_stays_inside_the_prior_support_and_reports_the_acceptance_rate()
    {
        // A short training leaves mass outside U(−1, 1)²; rejection keeps every draw inside and reports the rate.
        var task = BenchmarkTasks.Create("two_moons");
        var posterior = new Npe(task.Prior, task.Simulator, new NpeOptions { MaxEpochs = 2 }).Train(300, seed: 8);
        var samples = posterior.Sample([0.9, 0.9], 500, seed: 9);
        Assert.All(Enumerable.Range(0, samples.Count), i => Assert.True(task.Prior.InSupport(samples.Row(i))));
        Assert.True(samples.Proposed >= samples.Accepted && samples.Accepted >= 500);
        Assert.InRange(samples.AcceptanceRate, 1e-4, 1.0);
        Assert.Equal(double.NegativeInfinity, posterior.LogProb([1.5, 0], [0.9, 0.9]));
    }

    [Fact]
    public void Bad_observations_are_rejected_with_a_clear_message()
    {
        var task = BenchmarkTasks.Create("two_moons");
        var posterior = new Npe(task.Prior, task.Simulator, new NpeOptions { MaxEpochs = 1 }).Train(100, seed: 1);
        var wrongLength = Assert.Throws<ArgumentException>(() => posterior.Sample([0.1], 10, 1));
        Assert.Contains("2", wrongLength.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => posterior.Sample([double.NaN, 0], 10, 1));
    }
}
