using TwinLab.Core.Distributions;
using TwinLab.Core.Library;
using TwinLab.Core.Modelling;
using TwinLab.Core.Randomness;
using TwinLab.Simulation;

namespace TwinLab.Inference.Tasks;

/// <summary>
/// sbibm's <c>sir</c>: β ~ LogNormal(ln 0.4, 0.5), γ ~ LogNormal(ln 0.125, 0.2); the SIR equations with N = 10⁶,
/// (S, I, R)(0) = (N − 1, 1, 0) solved on [0, 160] (TwinLab's <see cref="BenchmarkModels.Sir"/> with Tsit5); x_j ~
/// Binomial(1000, I(t_j)/N) at t_j = 0, 17, …, 153 (sbibm keeps every 17th daily value).
/// </summary>
public sealed class SirTask : BenchmarkTask
{
    private const double Population = 1e6;
    private const int Trials = 1000;
    private static readonly Model SirModel = BenchmarkModels.Sir();
    private static readonly double[] Times = [.. Enumerable.Range(0, 10).Select(j => 17.0 * j)];

    /// <summary>Creates the task.</summary>
    public SirTask()
        : base(ParameterPrior.Independent(new JointPrior(("beta", LogNormal.FromMedian(0.4, 0.5)), ("gamma", LogNormal.FromMedian(0.125, 0.2)))),
            new Simulator(Numbered("data_", 10), Simulate))
    {
    }

    /// <inheritdoc />
    public override string Name => "sir";

    /// <inheritdoc />
    public override bool HasTractableLikelihood => true;

    /// <summary>I(t_j)/N clamped to [0, 1], or null when the solver failed.</summary>
    internal static double[]? InfectedFractions(ReadOnlySpan<double> theta)
    {
        var problem = new OdeProblem(SirModel, (0, 160), Times,
            new Dictionary<string, double> { ["beta"] = theta[0], ["gamma"] = theta[1], ["N"] = Population, ["I0"] = 1 });
        var solution = problem.Solve(new Tsit5 { RelTol = 1e-8, AbsTol = 1e-6 });
        if (!solution.Succeeded)
        {
            return null;
        }

        var infected = solution.State("I");
        for (var j = 0; j < infected.Length; j++)
        {
            infected[j] = Math.Clamp(infected[j] / Population, 0, 1);
        }

        return infected;
    }

    private static void Simulate(ReadOnlySpan<double> theta, Span<double> x, ref RandomStream stream)
    {
        var p = InfectedFractions(theta);
        if (p is null)
        {
            x.Fill(double.NaN);
            return;
        }

        for (var j = 0; j < p.Length; j++)
        {
            x[j] = Binomial(Trials, p[j], ref stream);
        }
    }

    /// <inheritdoc />
    public override double LogLikelihood(ReadOnlySpan<double> parameters, ReadOnlySpan<double> observation)
    {
        var p = InfectedFractions(parameters);
        if (p is null)
        {
            return double.NegativeInfinity;
        }

        var sum = 0.0;
        for (var j = 0; j < p.Length; j++)
        {
            double k = observation[j], q = p[j];
            if ((q == 0 && k > 0) || (q == 1 && k < Trials))
            {
                return double.NegativeInfinity;
            }

            sum += (k > 0 ? k * Math.Log(q) : 0) + (k < Trials ? (Trials - k) * Math.Log(1 - q) : 0);
        }

        return sum;
    }

    /// <summary>A Binomial(n, p) draw by inversion of the distribution function (p ≤ ½; the mirror image otherwise).</summary>
    internal static int Binomial(int n, double p, ref RandomStream stream)
    {
        if (p <= 0)
        {
            return 0;
        }

        if (p >= 1)
        {
            return n;
        }

        if (p > 0.5)
        {
            return n - Binomial(n, 1 - p, ref stream);
        }

        var ratio = p / (1 - p);
        var pmf = Math.Exp(n * Math.Log(1 - p));
        var cdf = pmf;
        var u = stream.NextDouble();
        var k = 0;
        while (u > cdf && k < n)
        {
            pmf *= ratio * (n - k) / (k + 1);
            k++;
            cdf += pmf;
        }

        return k;
    }
}

/// <summary>
/// sbibm's <c>lotka_volterra</c>: (α, β, γ, δ) ~ LogNormal((−0.125, −3, −0.125, −3), 0.5); prey and predators from
/// (30, 1) on [0, 20] (TwinLab's <see cref="BenchmarkModels.LotkaVolterra"/> with Tsit5), observed at t_j = 2.1 j,
/// j = 0 … 9 (sbibm keeps every 21st value of a 0.1 grid); x = (prey₀…prey₉, predators₀…predators₉), each
/// LogNormal(ln clamp(u, 10⁻¹⁰, 10⁴), 0.1).
/// </summary>
public sealed class LotkaVolterraTask : BenchmarkTask
{
    private const double NoiseSd = 0.1;
    private static readonly Model LvModel = BenchmarkModels.LotkaVolterra();
    private static readonly double[] Times = [.. Enumerable.Range(0, 10).Select(j => 2.1 * j)];

    /// <summary>Creates the task.</summary>
    public LotkaVolterraTask()
        : base(ParameterPrior.Independent(new JointPrior(
                ("alpha", new LogNormal(-0.125, 0.5)), ("beta", new LogNormal(-3, 0.5)),
                ("gamma", new LogNormal(-0.125, 0.5)), ("delta", new LogNormal(-3, 0.5)))),
            new Simulator(Numbered("data_", 20), Simulate))
    {
    }

    /// <inheritdoc />
    public override string Name => "lotka_volterra";

    /// <inheritdoc />
    public override bool HasTractableLikelihood => true;

    /// <summary>ln clamp(u) at the observation times (prey then predators), or null when the solver failed.</summary>
    internal static double[]? LogStates(ReadOnlySpan<double> theta)
    {
        var problem = new OdeProblem(LvModel, (0, 20), Times, new Dictionary<string, double>
        {
            ["alpha"] = theta[0], ["beta"] = theta[1], ["gamma"] = theta[2], ["delta"] = theta[3], ["x0"] = 30, ["y0"] = 1,
        });
        var solution = problem.Solve(new Tsit5 { RelTol = 1e-8, AbsTol = 1e-10 });
        if (!solution.Succeeded)
        {
            return null;
        }

        var prey = solution.State("x");
        var predators = solution.State("y");
        var result = new double[20];
        for (var j = 0; j < 10; j++)
        {
            result[j] = Math.Log(Math.Clamp(prey[j], 1e-10, 1e4));
            result[10 + j] = Math.Log(Math.Clamp(predators[j], 1e-10, 1e4));
        }

        return result;
    }

    private static void Simulate(ReadOnlySpan<double> theta, Span<double> x, ref RandomStream stream)
    {
        var mean = LogStates(theta);
        if (mean is null)
        {
            x.Fill(double.NaN);
            return;
        }

        for (var j = 0; j < 20; j++)
        {
            x[j] = Math.Exp(mean[j] + (NoiseSd * stream.NextNormal()));
        }
    }

    /// <inheritdoc />
    public override double LogLikelihood(ReadOnlySpan<double> parameters, ReadOnlySpan<double> observation)
    {
        var mean = LogStates(parameters);
        if (mean is null)
        {
            return double.NegativeInfinity;
        }

        var sum = 0.0;
        for (var j = 0; j < 20; j++)
        {
            var z = (Math.Log(observation[j]) - mean[j]) / NoiseSd;
            sum -= 0.5 * z * z;
        }

        return sum;
    }
}
