using System.Globalization;
using TwinLab.Core.Randomness;
using TwinLab.Inference.Sbi;

namespace TwinLab.Inference.Abc;

/// <summary>Settings of <see cref="AbcSmc"/>.</summary>
public sealed record AbcSmcOptions
{
    /// <summary>Particles per generation.</summary>
    public int PopulationSize { get; init; } = 1000;

    /// <summary>Each generation's ε is this quantile of the previous generation's distances.</summary>
    public double EpsilonQuantile { get; init; } = 0.5;

    /// <summary>Generation 0 simulates this many times the population from the prior and keeps the closest.</summary>
    public int InitialRoundFactor { get; init; } = 5;

    /// <summary>The transition kernel's covariance is this multiple of the weighted particle covariance (Beaumont et al. 2009: 2).</summary>
    public double KernelScale { get; init; } = 2.0;
}

/// <summary>
/// ABC sequential Monte Carlo, population Monte Carlo form (Beaumont, Cornuet, Marin and Robert 2009, Biometrika 96:
/// 983–990): generation 0 keeps the closest N of N·f prior simulations; each next generation sets ε to a quantile of
/// the current distances, proposes θ* = θ_j + η, j drawn by weight, η ~ N(0, 2 Σ_w) (Σ_w the weighted covariance),
/// simulates until N particles fall within ε, and weights them w ∝ p(θ*) / Σ_j w_j K(θ* | θ_j). It stops when the next
/// generation would overrun the simulation budget and returns the last complete generation.
/// </summary>
public static class AbcSmc
{
    /// <summary>Runs ABC-SMC.</summary>
    /// <param name="prior">The prior.</param>
    /// <param name="simulator">The simulator.</param>
    /// <param name="observation">The observed x.</param>
    /// <param name="budget">The most simulations to run in all.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="options">Settings (null: defaults).</param>
    /// <returns>The final weighted population and the generation history.</returns>
    /// <exception cref="ArgumentException">Bad settings, or a budget too small for generation 0.</exception>
    public static AbcResult Run(ParameterPrior prior, Simulator simulator, ReadOnlySpan<double> observation, int budget, ulong seed, AbcSmcOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(simulator);
        options ??= new AbcSmcOptions();
        CheckObservation(simulator, observation);
        var n = options.PopulationSize;
        if (n < 2 || !(options.EpsilonQuantile > 0 && options.EpsilonQuantile < 1) || options.InitialRoundFactor < 1 || !(options.KernelScale > 0))
        {
            throw new ArgumentException("AbcSmcOptions: the population needs at least 2 particles, the ε quantile must lie in (0, 1), the initial round factor be ≥ 1 and the kernel scale positive.", nameof(options));
        }

        var initial = n * options.InitialRoundFactor;
        if (budget < initial)
        {
            throw new ArgumentException($"A budget of {budget} simulations is below generation 0's {initial} (population {n} × initial round factor {options.InitialRoundFactor}); raise the budget or lower the population.", nameof(budget));
        }

        int d = prior.Dimension, m = simulator.DataDimension;
        var x0 = observation.ToArray();
        var (first, distances) = RejectionAbc.RunWithDistances(prior, simulator, x0, initial, n, seed);
        var particles = first.Values;
        var weights = first.Weights;
        var excluded = first.ExcludedNonFinite;
        var generations = new List<AbcGeneration> { first.Generations[0] with { EffectiveSampleSize = AbcWeights.EffectiveSampleSize(weights) } };
        var used = initial;
        var epsilon = first.Epsilon;
        var stoppedBy = "budget";
        var stream = RandomStream.For(seed, "abc-smc.propose");
        var simulationIndex = 0UL;
        var theta = new double[d];
        var x = new double[m];
        var perturbation = new double[d];
        for (var t = 1; ; t++)
        {
            var covariance = WeightedCovariance(particles, weights, d);
            for (var i = 0; i < d; i++)
            {
                for (var j = 0; j < d; j++)
                {
                    covariance[i, j] *= options.KernelScale;
                }
            }

            var cholesky = LinearAlgebra.Cholesky(covariance);
            if (cholesky is null)
            {
                stoppedBy = "degenerate population (the weighted covariance is singular)";
                break;
            }

            var nextEpsilon = Quantile(distances, options.EpsilonQuantile);
            var nextParticles = new double[n * d];
            var nextDistances = new double[n];
            var accepted = 0;
            var simulations = 0;
            var cumulative = AbcWeights.Cumulative(weights);
            while (accepted < n && used + simulations < budget)
            {
                var j = AbcWeights.Pick(cumulative, stream.NextDouble());
                for (var k = 0; k < d; k++)
                {
                    perturbation[k] = stream.NextNormal();
                }

                for (var r = 0; r < d; r++)
                {
                    var s = 0.0;
                    for (var c = 0; c <= r; c++)
                    {
                        s += cholesky[r, c] * perturbation[c];
                    }

                    theta[r] = particles[(j * d) + r] + s;
                }

                if (!prior.InSupport(theta))
                {
                    continue; // no simulation is spent on a proposal the prior rules out
                }

                var simulationStream = RandomStream.For(seed, "abc-smc.simulate", simulationIndex++);
                simulator.Function(theta, x, ref simulationStream);
                simulations++;
                if (!SimulationSet.AllFinite(x))
                {
                    excluded++;
                    continue;
                }

                var distance = Distance(x, x0);
                if (distance <= nextEpsilon)
                {
                    theta.CopyTo(nextParticles.AsSpan(accepted * d, d));
                    nextDistances[accepted] = distance;
                    accepted++;
                }
            }

            if (accepted < n)
            {
                stoppedBy = string.Create(CultureInfo.InvariantCulture, $"budget (generation {t} was incomplete: {accepted} of {n} particles after {simulations} simulations; the last complete generation is returned)");
                used += simulations;
                break;
            }

            used += simulations;
            var nextWeights = new double[n];
            var inverse = LinearAlgebra.InverseSymmetric(covariance);
            var sum = 0.0;
            for (var i = 0; i < n; i++)
            {
                var denominator = 0.0;
                for (var j = 0; j < n; j++)
                {
                    denominator += weights[j] * KernelDensity(nextParticles.AsSpan(i * d, d), particles.AsSpan(j * d, d), inverse);
                }

                nextWeights[i] = Math.Exp(prior.LogDensity(nextParticles.AsSpan(i * d, d))) / denominator;
                sum += nextWeights[i];
            }

            for (var i = 0; i < n; i++)
            {
                nextWeights[i] /= sum;
            }

            particles = nextParticles;
            weights = nextWeights;
            distances = nextDistances;
            epsilon = nextEpsilon;
            generations.Add(new AbcGeneration(t, nextEpsilon, simulations, (double)n / simulations, AbcWeights.EffectiveSampleSize(weights)));
        }

        return new AbcResult(prior.Names, particles, weights, epsilon, used, excluded, generations, stoppedBy);
    }

    /// <summary>The unnormalised Gaussian kernel exp(−½ (a − b)ᵀ Σ⁻¹ (a − b)); the normalising constant cancels in the weights.</summary>
    private static double KernelDensity(ReadOnlySpan<double> a, ReadOnlySpan<double> b, double[,] inverse)
    {
        var d = a.Length;
        var q = 0.0;
        for (var i = 0; i < d; i++)
        {
            for (var j = 0; j < d; j++)
            {
                q += (a[i] - b[i]) * inverse[i, j] * (a[j] - b[j]);
            }
        }

        return Math.Exp(-0.5 * q);
    }

    internal static double[,] WeightedCovariance(ReadOnlySpan<double> values, ReadOnlySpan<double> weights, int d)
    {
        var mean = AbcWeights.WeightedMean(values, weights, d);
        var covariance = new double[d, d];
        var sumSquares = 0.0;
        for (var n = 0; n < weights.Length; n++)
        {
            sumSquares += weights[n] * weights[n];
            for (var i = 0; i < d; i++)
            {
                for (var j = 0; j < d; j++)
                {
                    covariance[i, j] += weights[n] * (values[(n * d) + i] - mean[i]) * (values[(n * d) + j] - mean[j]);
                }
            }
        }

        // The unbiased weighted estimate: divide by 1 − Σ w².
        var correction = 1.0 / (1.0 - sumSquares);
        for (var i = 0; i < d; i++)
        {
            for (var j = 0; j < d; j++)
            {
                covariance[i, j] *= correction;
            }
        }

        return covariance;
    }

    internal static double Quantile(ReadOnlySpan<double> values, double q)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        var position = q * (sorted.Length - 1);
        var low = (int)Math.Floor(position);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((position - low) * (sorted[high] - sorted[low]));
    }

    internal static double Distance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            var r = a[i] - b[i];
            sum += r * r;
        }

        return Math.Sqrt(sum);
    }

    internal static void CheckObservation(Simulator simulator, ReadOnlySpan<double> observation)
    {
        if (observation.Length != simulator.DataDimension)
        {
            throw new ArgumentException($"The observation has {observation.Length} values but the simulator gives {simulator.DataDimension} ({string.Join(", ", simulator.DataNames)}).", nameof(observation));
        }

        if (!SimulationSet.AllFinite(observation))
        {
            throw new ArgumentException("The observation has a NaN or infinite value; give finite observed data.", nameof(observation));
        }
    }
}
