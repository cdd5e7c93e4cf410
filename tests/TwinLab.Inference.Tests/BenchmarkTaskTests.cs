using System.Globalization;
using System.Text.Json;
using TwinLab.Core.Randomness;
using TwinLab.Inference.Tasks;
using TwinLab.TestSupport;

namespace TwinLab.Inference.Tests;

public class BenchmarkTaskTests
{
    private static double[] Numbers(string text) =>
        [.. text.Split([' ', '\n', ','], StringSplitOptions.RemoveEmptyEntries).Select(s => double.Parse(s, CultureInfo.InvariantCulture))];

    [Fact]
    public void Every_task_simulates_finite_data_of_its_dimension()
    {
        foreach (var name in BenchmarkTasks.Names)
        {
            var task = BenchmarkTasks.Create(name);
            Assert.Equal(name, task.Name);
            var (theta, x) = task.Observe(1);
            Assert.Equal(task.Prior.Dimension, theta.Length);
            Assert.Equal(task.Simulator.DataDimension, x.Length);
            Assert.All(x, v => Assert.True(double.IsFinite(v)));
            if (task.HasTractableLikelihood)
            {
                Assert.True(double.IsFinite(task.LogLikelihood(theta, x)), name);
            }
        }

        Assert.Throws<ArgumentException>(() => BenchmarkTasks.Create("unknown"));
    }

    [Fact]
    public void Bernoulli_glm_stimulus_is_numpy_seed_42_and_the_prior_precision_is_sbibms()
    {
        // The frozen stimulus: NumPy's RandomState(42).randn(100) in float32; the precision built from the
        // second-difference smoothness penalty exactly as sbibm's task definition, recomputed with NumPy.
        var expected = Numbers(DebianPython.Run("import numpy as np; print(' '.join(repr(float(v)) for v in np.random.RandomState(42).randn(100).astype(np.float32)))"));
        Assert.Equal(expected, BernoulliGlmTask.Stimulus.Select(v => (double)v));
        var precision = Numbers(DebianPython.Run("""
import numpy as np
M = 9
D = np.diag(np.ones(M)) - np.diag(np.ones(M - 1), -1)
F = D @ D + np.diag(np.arange(M) / M) ** 0.5
B = np.zeros((10, 10)); B[0, 0] = 0.5; B[1:, 1:] = F.T @ F
print(' '.join(repr(v) for v in B.ravel()))
"""));
        var ours = BernoulliGlmTask.PriorPrecision();
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(precision[i], ours[i / 10, i % 10], 12);
        }
    }

    [Fact]
    public void Slcp_and_gaussian_mixture_likelihoods_match_scipy()
    {
        var slcp = BenchmarkTasks.Create("slcp");
        double[] theta = [0.7, -1.2, 1.1, -0.9, 0.4];
        var stream = RandomStream.For(1, "slcp");
        var x = slcp.Simulator.Simulate(theta, ref stream);
        var expected = double.Parse(DebianPython.Run("""
import sys, json, numpy as np
from scipy.stats import multivariate_normal
t, x = json.loads(sys.stdin.read())
s1, s2, rho = t[2] ** 2, t[3] ** 2, np.tanh(t[4])
S = [[s1 ** 2 + 1e-6, rho * s1 * s2], [rho * s1 * s2, s2 ** 2 + 1e-6]]
print(repr(sum(multivariate_normal([t[0], t[1]], S).logpdf(x[2 * k:2 * k + 2]) for k in range(4))))
""", JsonSerializer.Serialize(new[] { theta, x })).Trim(), CultureInfo.InvariantCulture);
        Assert.Equal(expected, slcp.LogLikelihood(theta, x), 9);

        var mixture = BenchmarkTasks.Create("gaussian_mixture");
        var mixtureExpected = double.Parse(DebianPython.Run(
            "from scipy.stats import multivariate_normal as N; import numpy as np; print(repr(np.log(0.5 * N([1, 2], np.eye(2)).pdf([1.3, 1.9]) + 0.5 * N([1, 2], 0.01 * np.eye(2)).pdf([1.3, 1.9]))))").Trim(), CultureInfo.InvariantCulture);
        Assert.Equal(mixtureExpected, mixture.LogLikelihood([1, 2], [1.3, 1.9]), 10);
    }

    [Fact]
    public void Two_moons_likelihood_integrates_to_one_over_the_data()
    {
        // p(x | θ) is a density in x: its integral over a grid around the crescent is 1 (trapezoid rule with step
        // 5e-4 over a crescent of width ≈ 0.01·6: error below 1 %).
        var task = BenchmarkTasks.Create("two_moons");
        double[] theta = [0.3, -0.2];
        double centre0 = 0.25 - (Math.Abs(theta[0] + theta[1]) / Math.Sqrt(2)), centre1 = (-theta[0] + theta[1]) / Math.Sqrt(2);
        const double h = 5e-4;
        var total = 0.0;
        for (var a = centre0 - 0.01; a <= centre0 + 0.2; a += h)
        {
            for (var b = centre1 - 0.2; b <= centre1 + 0.2; b += h)
            {
                total += Math.Exp(task.LogLikelihood(theta, [a, b])) * h * h;
            }
        }

        Assert.InRange(total, 0.99, 1.01);
    }

    [Fact]
    public void Sir_and_lotka_volterra_trajectories_match_scipy()
    {
        // The noise-free curves behind the observations, against SciPy's LSODA at tight tolerances (relative 1e-6).
        var infected = SirTask.InfectedFractions([0.5, 0.15])!;
        var logStates = LotkaVolterraTask.LogStates([0.9, 0.05, 0.9, 0.05])!;
        var reference = Numbers(DebianPython.Run("""
import numpy as np
from scipy.integrate import solve_ivp
N = 1e6
sir = solve_ivp(lambda t, u: [-0.5 * u[0] * u[1] / N, 0.5 * u[0] * u[1] / N - 0.15 * u[1], 0.15 * u[1]], (0, 160), [N - 1, 1, 0],
                t_eval=np.arange(10) * 17.0, method='LSODA', rtol=1e-10, atol=1e-8)
lv = solve_ivp(lambda t, u: [0.9 * u[0] - 0.05 * u[0] * u[1], -0.9 * u[1] + 0.05 * u[0] * u[1]], (0, 20), [30, 1],
               t_eval=np.arange(10) * 2.1, method='LSODA', rtol=1e-10, atol=1e-10)
print(' '.join(repr(v) for v in np.concatenate([sir.y[1] / N, np.log(lv.y[0]), np.log(lv.y[1])])))
"""));
        for (var j = 0; j < 10; j++)
        {
            Assert.True(Math.Abs(infected[j] - reference[j]) <= (1e-6 * reference[j]) + 1e-12, $"I({17 * j})/N: {infected[j]} vs {reference[j]}");
        }

        for (var j = 0; j < 20; j++)
        {
            Assert.True(Math.Abs(logStates[j] - reference[10 + j]) <= 1e-6, $"log state {j}: {logStates[j]} vs {reference[10 + j]}");
        }
    }

    [Fact]
    public void Binomial_draws_have_the_binomial_mean_and_variance()
    {
        // 20 000 draws of Binomial(1000, p): mean within 4 standard errors, variance within 5 %.
        foreach (var p in new[] { 0.003, 0.3, 0.8 })
        {
            var stream = RandomStream.For(5, "binomial");
            var draws = Enumerable.Range(0, 20_000).Select(_ => (double)SirTask.Binomial(1000, p, ref stream)).ToArray();
            var mean = draws.Average();
            var variance = draws.Sum(d => (d - mean) * (d - mean)) / (draws.Length - 1);
            var expectedVariance = 1000 * p * (1 - p);
            Assert.True(Math.Abs(mean - (1000 * p)) < 4 * Math.Sqrt(expectedVariance / draws.Length), $"p={p}: mean {mean}");
            Assert.InRange(variance, 0.95 * expectedVariance, 1.05 * expectedVariance);
        }
    }

    [Fact]
    public void Gaussian_linear_uniform_reference_is_the_truncated_normal_posterior()
    {
        // Posterior N(x, 0.1) truncated to [−1, 1] per dimension: compare the mean to SciPy's truncnorm.
        var task = BenchmarkTasks.Create("gaussian_linear_uniform");
        var x = Enumerable.Repeat(0.9, 10).ToArray();
        var reference = task.SampleReferencePosterior(x, 20_000, seed: 2);
        var expected = double.Parse(DebianPython.Run("from scipy.stats import truncnorm; import numpy as np; s = np.sqrt(0.1); print(repr(truncnorm((-1 - 0.9) / s, (1 - 0.9) / s, loc=0.9, scale=s).mean()))").Trim(), CultureInfo.InvariantCulture);
        Assert.All(reference.Means(), m => Assert.InRange(m, expected - 0.01, expected + 0.01)); // 4 standard errors (sd ≈ 0.25)
    }
}
