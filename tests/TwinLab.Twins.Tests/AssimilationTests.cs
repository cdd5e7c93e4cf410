using Xunit.Abstractions;
using System.Globalization;
using System.Text.Json;
using TwinLab.Core.Distributions;
using TwinLab.Core.Modelling;
using TwinLab.Core.Library;
using TwinLab.Simulation;
using TwinLab.TestSupport;

namespace TwinLab.Twins.Tests;

public sealed class AssimilationTests(ITestOutputHelper output)
{
    private const double Rate = 0.1;
    private const double PriorMean = 10;
    private const double PriorSd = 2;
    private const double NoiseSd = 0.5;
    private static readonly double[] ObservationTimes = [1, 2, 3.5, 4, 6];
    private static readonly double[] ObservedValues = [9.3, 8.1, 7.6, 6.5, 5.2];

    /// <summary>dx/dt = −k x with known k and x(0) = x0 ~ N(10, 2²): x(t) is linear in x0, so with Gaussian
    /// measurement error the exact filter is the Kalman filter.</summary>
    internal static Model Decay()
    {
        var m = new ModelBuilder("linear-decay");
        var k = m.Parameter("k", Rate);
        var x0 = m.Parameter("x0", PriorMean);
        var x = m.State("x", x0);
        m.Rate(x, -k * x);
        return m.Build();
    }

    private static Twin DecayTwin(int particles, AssimilationMethod method, ulong seed, int threads = 2) =>
        Twin.FromPrior(Decay(), new JointPrior(("x0", new Normal(PriorMean, PriorSd))), particles, new TwinOptions
        {
            Method = method,
            Seed = seed,
            Threads = threads,
            Noise = new Dictionary<string, GaussianNoise> { ["x"] = new(NoiseSd) },
        });

    private static Observation[] Data() => [.. ObservationTimes.Select((t, i) => new Observation(t, "x", ObservedValues[i]))];

    /// <summary>The exact Kalman filter, computed by NumPy: (mean, variance, log p(y_k | y_1..k-1)) after each observation.</summary>
    private static double[][] Kalman()
    {
        const string script = """
import json, sys, numpy as np
d = json.load(sys.stdin)
m, P, t0, out = d["m0"], d["P0"], 0.0, []
for t, y in zip(d["t"], d["y"]):
    a = np.exp(-d["k"] * (t - t0)); t0 = t
    m, P = a * m, a * a * P
    S = P + d["R"]
    ll = -0.5 * (y - m) ** 2 / S - 0.5 * np.log(2 * np.pi * S)
    K = P / S
    m, P = m + K * (y - m), (1 - K) * P
    out.append([m, P, ll])
print(json.dumps(out))
""";
        var input = JsonSerializer.Serialize(new { m0 = PriorMean, P0 = PriorSd * PriorSd, k = Rate, R = NoiseSd * NoiseSd, t = ObservationTimes, y = ObservedValues });
        return JsonSerializer.Deserialize<double[][]>(DebianPython.Run(script, input))!;
    }

    [Fact]
    public void Ensemble_Kalman_filter_converges_to_the_Kalman_filter_on_a_linear_Gaussian_model()
    {
        var exact = Kalman();
        foreach (var n in new[] { 500, 20_000 })
        {
            var twin = DecayTwin(n, AssimilationMethod.EnsembleKalmanFilter, 7);
            for (var k = 0; k < ObservationTimes.Length; k++)
            {
                twin = twin.Assimilate(new Observation(ObservationTimes[k], "x", ObservedValues[k]));
                var (mean, variance) = (exact[k][0], exact[k][1]);
                // Monte Carlo error of an N-member ensemble: the mean's standard error is sqrt(P/N); each of the k
                // updates adds sampling error of its own (perturbed observations, sample gain), so allow 5 standard
                // errors times sqrt(k + 1). The sample variance has relative standard error sqrt(2/N), same allowance.
                var allowance = 5 * Math.Sqrt(k + 1);
                Assert.InRange(twin.Mean("x"), mean - (allowance * Math.Sqrt(variance / n)), mean + (allowance * Math.Sqrt(variance / n)));
                Assert.InRange(twin.Variance("x") / variance, 1 - (allowance * Math.Sqrt(2.0 / n)), 1 + (allowance * Math.Sqrt(2.0 / n)));
            }
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"EnKF N={n}: mean {twin.Mean("x")} vs {exact[^1][0]}, variance {twin.Variance("x")} vs {exact[^1][1]}, log Z {twin.LogMarginalLikelihood} vs {exact.Sum(r => r[2])}"));
            if (n == 20_000)
            {
                var expected = exact.Sum(r => r[2]);
                // The Gaussian approximation uses the ensemble's predictive mean and variance, exact as N grows;
                // their sampling error at N = 20 000 moves each term by about 1e-2 at most.
                Assert.InRange(twin.LogMarginalLikelihood, expected - 0.05, expected + 0.05);
            }
        }
    }

    [Fact]
    public void Particle_filter_matches_the_Kalman_posterior_and_marginal_likelihood()
    {
        var exact = Kalman();
        var twin = DecayTwin(20_000, AssimilationMethod.ParticleFilter, 11);
        var inverseEss = 0.0;
        for (var k = 0; k < ObservationTimes.Length; k++)
        {
            twin = twin.Assimilate(new Observation(ObservationTimes[k], "x", ObservedValues[k]));
            var record = twin.Records[^1];
            inverseEss += 1 / record.EffectiveSampleSizeBefore;
            // Importance sampling: the posterior mean's standard error is about sqrt(P/ESS); the Liu–West move
            // keeps mean and covariance, so 5 such errors (accumulated over the steps) bound it.
            var se = Math.Sqrt(exact[k][1] * inverseEss);
            Assert.InRange(twin.Mean("x"), exact[k][0] - (5 * se), exact[k][0] + (5 * se));
            Assert.InRange(twin.Variance("x") / exact[k][1], 1 - (5 * Math.Sqrt(2 * inverseEss)), 1 + (5 * Math.Sqrt(2 * inverseEss)));
        }
        Assert.Contains(twin.Records, r => r.Resampled);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"PF: mean {twin.Mean("x")} vs {exact[^1][0]}, variance {twin.Variance("x")} vs {exact[^1][1]}, log Z {twin.LogMarginalLikelihood} vs {exact.Sum(r => r[2])}"));
        // The variance of log Ẑ is about Σ_k 1/ESS_k (Doucet and Johansen 2011); allow 5 standard deviations.
        var expected = exact.Sum(r => r[2]);
        var tolerance = 5 * Math.Sqrt(inverseEss);
        Assert.InRange(twin.LogMarginalLikelihood, expected - tolerance, expected + tolerance);
    }

    [Fact]
    public void Metropolis_rejuvenation_keeps_the_conjugate_posterior_exact_and_restores_diversity()
    {
        var exact = Kalman();
        const int n = 2000;
        Twin Filter(RejuvenationMove move, double liuWest, int threads) => Twin.FromPrior(Decay(), new JointPrior(("x0", new Normal(PriorMean, PriorSd))), n, new TwinOptions
        {
            Method = AssimilationMethod.ParticleFilter,
            Rejuvenation = move,
            LiuWestDiscount = liuWest,
            ResampleThreshold = 1, // resample after every observation: the hardest case for diversity
            MetropolisSteps = 3,
            Seed = 17,
            Threads = threads,
            Noise = new Dictionary<string, GaussianNoise> { ["x"] = new(NoiseSd) },
        }).Assimilate(Data());
        var moved = Filter(RejuvenationMove.MetropolisHastings, 0.98, 2);
        var bootstrap = Filter(RejuvenationMove.LiuWest, 1, 2); // no rejuvenation at all
        // The posterior of x0 given y₁…y₅ is the Kalman posterior of x(6) mapped back: x0 = x(6) e^{k·6}.
        var scale = Math.Exp(Rate * ObservationTimes[^1]);
        var (mean, variance) = (exact[^1][0] * scale, exact[^1][1] * scale * scale);
        var inverseEss = moved.Records.Sum(r => 1 / r.EffectiveSampleSizeBefore);
        var posterior = moved.Posterior;
        var x0 = Enumerable.Range(0, n).Select(i => posterior[i, 0]).ToArray();
        var sampleMean = x0.Average();
        var sampleVariance = x0.Sum(v => (v - sampleMean) * (v - sampleMean)) / (n - 1);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"resample-move: x0 mean {sampleMean} vs {mean}, variance {sampleVariance} vs {variance}, acceptance {string.Join(", ", moved.Records.Select(r => r.MoveAcceptance.ToString("F3", CultureInfo.InvariantCulture)))}"));
        // The same Monte Carlo allowance as the plain filter's (5 standard errors accumulated over the resamplings);
        // an exact move cannot widen it, a wrong target (e.g. a missing Jacobian or likelihood term) would shift the
        // mean by far more than that.
        var se = Math.Sqrt(variance * inverseEss);
        Assert.InRange(sampleMean, mean - (5 * se), mean + (5 * se));
        Assert.InRange(sampleVariance / variance, 1 - (5 * Math.Sqrt(2 * inverseEss)), 1 + (5 * Math.Sqrt(2 * inverseEss)));
        // Diversity: distinct particles after the last resampling.
        static int Distinct(Twin t)
        {
            var p = t.Posterior;
            return Enumerable.Range(0, t.Count).Select(i => p[i, 0]).Distinct().Count();
        }
        var distinctMoved = Distinct(moved);
        var distinctBootstrap = Distinct(bootstrap);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"distinct particles: {distinctMoved} with the move, {distinctBootstrap} without"));
        Assert.All(moved.Records, r => Assert.InRange(r.MoveAcceptance, 0.2, 0.9));
        Assert.True(distinctMoved > 0.8 * n, $"{distinctMoved} distinct particles");
        Assert.True(distinctMoved > 2 * distinctBootstrap, $"{distinctMoved} against {distinctBootstrap}");
        // Reproducible whatever the thread count.
        Assert.Equal(moved.StateValues("x"), Filter(RejuvenationMove.MetropolisHastings, 0.98, 1).StateValues("x"));
        // The move needs the prior density.
        var samples = new ParticleEnsemble(["x0"], new double[,] { { 9 }, { 11 } });
        Assert.Throws<ArgumentException>(() => Twin.FromParticles(Decay(), samples, new TwinOptions
        {
            Method = AssimilationMethod.ParticleFilter,
            Rejuvenation = RejuvenationMove.MetropolisHastings,
            Noise = new Dictionary<string, GaussianNoise> { ["x"] = new(NoiseSd) },
        }));
    }

    [Theory]
    [InlineData(AssimilationMethod.EnsembleKalmanFilter)]
    [InlineData(AssimilationMethod.ParticleFilter)]
    public void Results_are_bitwise_identical_whatever_the_thread_count(AssimilationMethod method)
    {
        var one = DecayTwin(3000, method, 5, threads: 1).Assimilate(Data());
        var two = DecayTwin(3000, method, 5, threads: 2).Assimilate(Data());
        var three = DecayTwin(3000, method, 5, threads: 3).Assimilate(Data());
        Assert.Equal(one.StateValues("x"), two.StateValues("x"));
        Assert.Equal(one.StateValues("x"), three.StateValues("x"));
        Assert.Equal(one.Weights, three.Weights);
        Assert.Equal(one.LogMarginalLikelihood, two.LogMarginalLikelihood);
    }

    [Theory]
    [InlineData(AssimilationMethod.EnsembleKalmanFilter)]
    [InlineData(AssimilationMethod.ParticleFilter)]
    public void Tumour_parameters_are_recovered_from_synthetic_measurements(AssimilationMethod method)
    {
        // The Claret tumour-size model, a virtual patient with known parameters, measured every 3 weeks with 5 %
        // log-normal error; the prior is log-normal around the library's typical values with σ = 0.5.
        var model = ModelLibrary.Get("claret-2009");
        var truth = new Dictionary<string, double> { ["y0"] = 80, ["K_L"] = 0.03, ["K_D0"] = 0.09, ["lambda"] = 0.05 };
        var weeks = Enumerable.Range(1, 20).Select(i => 3.0 * i).ToArray();
        var solution = new OdeProblem(model, (0, weeks[^1]), saveAt: weeks, parameters: truth).Solve(new Tsit5 { RelTol = 1e-10, AbsTol = 1e-10 });
        var y = solution.State("y");
        var stream = Core.Randomness.RandomStream.For(2026, "test.tumour.noise");
        var observations = weeks.Select((t, i) => new Observation(t, "y", y[i] * Math.Exp(0.05 * stream.NextNormal()))).ToList();
        observations.Insert(0, new Observation(0, "y", truth["y0"] * Math.Exp(0.05 * stream.NextNormal())));
        var prior = new JointPrior(
            ("y0", Prior.LogNormal(100, 0.5)), ("K_L", Prior.LogNormal(0.02, 0.5)), ("K_D0", Prior.LogNormal(0.06, 0.5)), ("lambda", Prior.LogNormal(0.05, 0.5)));
        var twin = Twin.FromPrior(model, prior, 4000, new TwinOptions
        {
            Method = method,
            Seed = 3,
            Noise = new Dictionary<string, GaussianNoise> { ["y"] = new(0.05, NoiseScale.Logarithmic) },
        }).Assimilate(observations);
        var posterior = twin.Posterior;
        output.WriteLine(string.Join("; ", new[] { "K_L", "K_D0", "lambda" }.Select(p => string.Create(CultureInfo.InvariantCulture,
            $"{p}: truth {truth[p]}, posterior median {posterior.Quantile(p, 0.5):G4} [{posterior.Quantile(p, 0.025):G4}, {posterior.Quantile(p, 0.975):G4}]"))));
        foreach (var name in new[] { "K_L", "K_D0", "lambda" })
        {
            // The truth lies inside the central 99 % posterior interval, and the data shrink the prior's spread
            // (log-scale sd 0.5) at least twofold.
            Assert.InRange(truth[name], posterior.Quantile(name, 0.005), posterior.Quantile(name, 0.995));
            var logSd = Math.Sqrt(WeightedVariance(posterior.Column(name).Select(v => Math.Log(v)).ToArray(), posterior.Weights));
            Assert.True(logSd < 0.5 / 2, string.Create(CultureInfo.InvariantCulture, $"{name}: posterior log-sd {logSd}"));
        }
        // The tumour's current size is pinned down by the last measurements (5 % error each).
        Assert.InRange(twin.Mean("y") / y[^1], 0.95, 1.05);
    }

    private static double WeightedVariance(double[] x, IReadOnlyList<double> w)
    {
        var m = x.Select((v, i) => v * w[i]).Sum();
        return x.Select((v, i) => w[i] * (v - m) * (v - m)).Sum();
    }

    [Fact]
    public void Bad_observations_are_refused_with_a_reason()
    {
        var twin = DecayTwin(100, AssimilationMethod.ParticleFilter, 1).Assimilate(new Observation(2, "x", 8));
        Assert.Contains("time order", Assert.Throws<ArgumentException>(() => twin.Assimilate(new Observation(1, "x", 8))).Message, StringComparison.Ordinal);
        Assert.Contains("No noise model", Assert.Throws<ArgumentException>(() => twin.Assimilate(new Observation(3, "k", 8))).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => twin.Assimilate(new Observation(3, "x", double.NaN)));
    }
}
