using System.Globalization;
using TwinLab.Core.Randomness;
using TwinLab.Inference.Sbi;

namespace TwinLab.Inference.Tasks;

/// <summary>
/// A simulation-based-inference benchmark task with sbibm's definition (Lueckmann et al. 2021, "Benchmarking
/// simulation-based inference", AISTATS): prior, simulator, and — where one exists — an analytic reference posterior
/// or a tractable likelihood for an MCMC reference. See docs/methods/inference.md for each task's equations.
/// </summary>
public abstract class BenchmarkTask
{
    /// <summary>Initialises the task.</summary>
    /// <param name="prior">The prior.</param>
    /// <param name="simulator">The simulator.</param>
    protected BenchmarkTask(ParameterPrior prior, Simulator simulator)
    {
        Prior = prior;
        Simulator = simulator;
    }

    /// <summary>sbibm's name, e.g. <c>two_moons</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The prior.</summary>
    public ParameterPrior Prior { get; }

    /// <summary>The simulator.</summary>
    public Simulator Simulator { get; }

    /// <summary>Whether <see cref="SampleReferencePosterior"/> draws exactly from the true posterior.</summary>
    public virtual bool HasAnalyticPosterior => false;

    /// <summary>Whether <see cref="LogLikelihood"/> is available (for an MCMC reference posterior).</summary>
    public virtual bool HasTractableLikelihood => false;

    /// <summary>Exact draws from p(θ | x).</summary>
    /// <param name="observation">x.</param>
    /// <param name="count">How many draws.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The draws.</returns>
    /// <exception cref="NotSupportedException">The task has no analytic posterior (<see cref="HasAnalyticPosterior"/>).</exception>
    public virtual PosteriorSamples SampleReferencePosterior(ReadOnlySpan<double> observation, int count, ulong seed) =>
        throw new NotSupportedException($"Task {Name} has no analytic posterior; build a reference with MCMC on LogLikelihood, or with long rejection ABC.");

    /// <summary>ln p(x | θ) up to a constant that does not depend on θ.</summary>
    /// <param name="parameters">θ.</param>
    /// <param name="observation">x.</param>
    /// <returns>The log-likelihood.</returns>
    /// <exception cref="NotSupportedException">The task's likelihood is not tractable (<see cref="HasTractableLikelihood"/>).</exception>
    public virtual double LogLikelihood(ReadOnlySpan<double> parameters, ReadOnlySpan<double> observation) =>
        throw new NotSupportedException($"Task {Name} has no tractable likelihood.");

    /// <summary>A synthetic observation: θ* drawn from the prior with stream (seed, "task.truth", index) and x simulated
    /// with stream (seed, "task.observation", index). sbibm's stored observations are not used here.</summary>
    /// <param name="index">The observation number.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>θ* and x.</returns>
    public (double[] TrueParameters, double[] Observation) Observe(int index = 1, ulong seed = 2021)
    {
        for (var attempt = 0UL; attempt < 1000; attempt++)
        {
            var entity = ((ulong)index * 1000) + attempt;
            var truth = RandomStream.For(seed, "task.truth", entity);
            var theta = new double[Prior.Dimension];
            Prior.Sample(ref truth, theta);
            var stream = RandomStream.For(seed, "task.observation", entity);
            var x = Simulator.Simulate(theta, ref stream);
            if (SimulationSet.AllFinite(x))
            {
                return (theta, x);
            }
        }

        throw new InvalidOperationException($"Task {Name}: 1000 simulations in a row failed; the simulator is broken.");
    }

    /// <summary>Names θ_1 … θ_n or x_1 … x_n.</summary>
    /// <param name="prefix">The prefix.</param>
    /// <param name="count">n.</param>
    /// <returns>The names.</returns>
    protected static string[] Numbered(string prefix, int count) =>
        [.. Enumerable.Range(1, count).Select(i => prefix + i.ToString(CultureInfo.InvariantCulture))];
}

/// <summary>The sbibm tasks by name.</summary>
public static class BenchmarkTasks
{
    /// <summary>The task names, as sbibm spells them.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["gaussian_linear", "gaussian_linear_uniform", "two_moons", "slcp", "gaussian_mixture", "bernoulli_glm", "sir", "lotka_volterra"];

    /// <summary>Creates the task called <paramref name="name"/>.</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <returns>The task.</returns>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static BenchmarkTask Create(string name) => name switch
    {
        "gaussian_linear" => new GaussianLinearTask(uniformPrior: false),
        "gaussian_linear_uniform" => new GaussianLinearTask(uniformPrior: true),
        "two_moons" => new TwoMoonsTask(),
        "slcp" => new SlcpTask(),
        "gaussian_mixture" => new GaussianMixtureTask(),
        "bernoulli_glm" => new BernoulliGlmTask(),
        "sir" => new SirTask(),
        "lotka_volterra" => new LotkaVolterraTask(),
        _ => throw new ArgumentException($"Unknown task '{name}'. Known tasks: {string.Join(", ", Names)}.", nameof(name)),
    };
}
