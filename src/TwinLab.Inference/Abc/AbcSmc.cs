using System.Globalization;
using TwinLab.Core.Randomness;
using TwinLab.Inference.Sbi;

namespace TwinLab.Inference.Abc;

/// <summary>How ABC-SMC sets the next generation's tolerance ε from the current generation's distances.</summary>
public enum EpsilonSchedule
{
    /// <summary>
    /// The rule of the <c>sbi</c> package's SMCABC with distance-based decay (the one sbibm's benchmark ran): sort the
    /// distinct distances d₍₁₎ &lt; d₍₂₎ &lt; …, and take the first d₍ₖ₎ whose running sum d₍₁₎ + … + d₍ₖ₎ reaches the fraction
    /// q (<see cref="AbcSmcOptions.EpsilonQuantile"/>) of the sum of all of them. Because small distances add little to the
    /// sum, this ε lies above the plain q-quantile, so each generation shrinks ε less.
    /// </summary>
    CumulativeDistanceShare,

    /// <summary>The q-quantile of the distances (linear interpolation between order statistics).</summary>
    DistanceQuantile,
}

/// <summary>Settings of <see cref="AbcSmc"/>. The defaults are those of sbibm's SMC-ABC (Lueckmann et al. 2021).</summary>
public sealed record AbcSmcOptions
{
    /// <summary>Particles per generation; null (the default) takes sbibm's rule: 100 for a budget of at most 10 000
    /// simulations, 1000 above, and never more than the budget.</summary>
    public int? PopulationSize { get; init; }

    /// <summary>The fraction q that sets each next generation's ε (see <see cref="Schedule"/>); sbibm: 0.2.</summary>
    public double EpsilonQuantile { get; init; } = 0.2;

    /// <summary>How ε follows from the current distances; default <see cref="EpsilonSchedule.CumulativeDistanceShare"/>
    /// (sbibm's).</summary>
    public EpsilonSchedule Schedule { get; init; } = EpsilonSchedule.CumulativeDistanceShare;

    /// <summary>Generation 0 simulates this many times the population from the prior (but at least the population and at
    /// most half the budget) and keeps the closest; sbibm: 5.</summary>
    public int InitialRoundFactor { get; init; } = 5;

    /// <summary>The Gaussian perturbation kernel's covariance is this multiple of the weighted covariance of the current
    /// population. sbibm: 0.5 (the <c>kernel_variance_scale</c> of sbi's variant C); Beaumont et al. (2009) propose 2.</summary>
    public double KernelScale { get; init; } = 0.5;

    /// <summary>When the budget runs out part-way through a generation: true (sbibm's <c>use_last_pop_samples</c>) keeps
    /// the particles accepted so far and fills the population up with the closest particles of the previous generation,
    /// all weighted by the importance-weight formula against the previous generation; false returns the previous, last
    /// complete generation.</summary>
    public bool FillUpFromPreviousGeneration { get; init; } = true;

    /// <summary>True (sbibm's default): choose the bandwidth of a Gaussian kernel density estimate on the final, unweighted
    /// particles by cross-validation (<see cref="GaussianKernelDensity.SelectBandwidth"/>), so that
    /// <see cref="AbcResult.Sample"/> draws from it; false: <see cref="AbcResult.Sample"/> resamples the weighted particles.</summary>
    public bool KernelDensitySampling { get; init; } = true;

    /// <summary>False (sbibm's default, <c>kde_sample_weights=False</c>): the kernel density estimate gives every final
    /// particle the same weight, which leans the draws from the posterior towards the proposal; true: it weights them by
    /// their importance weights. The bandwidth is cross-validated on the unweighted particles either way.</summary>
    public bool KernelDensityWeighted { get; init; }
}

/// <summary>
/// ABC sequential Monte Carlo, population Monte Carlo form (Beaumont, Cornuet, Marin and Robert 2009, Biometrika 96:
/// 983–990), with the settings of sbibm's SMC-ABC (sbi's SMCABC, variant C) by default. Generation 0 keeps the closest N
/// of the initial prior simulations. Each next generation sets ε from the current distances
/// (<see cref="AbcSmcOptions.Schedule"/>), proposes θ* = θ_j + η, j drawn by weight, η ~ N(0, c Σ_w) (Σ_w the weighted
/// covariance, c = <see cref="AbcSmcOptions.KernelScale"/>; proposals outside the prior cost no simulation), simulates
/// until N particles fall within ε (Euclidean distance), and weights them w ∝ p(θ*) / Σ_j w_j K(θ* | θ_j). Generations
/// follow one another until the budget is spent; the last one is filled up from its predecessor or dropped
/// (<see cref="AbcSmcOptions.FillUpFromPreviousGeneration"/>). A population keeps its particles in the order they were
/// accepted (generation 0: closest first), as the sbi version behind sbibm's published runs did; the order matters only
/// to the contiguous folds of the bandwidth cross-validation. Everything
/// after generation 0 runs on one thread and every simulation has its own random stream, so a seed gives the same
/// result on any machine.
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
    /// <returns>The final weighted population, the generation history and, by default, the kernel density bandwidth.</returns>
    /// <exception cref="ArgumentException">Bad settings, or a budget smaller than the population.</exception>
    public static AbcResult Run(ParameterPrior prior, Simulator simulator, ReadOnlySpan<double> observation, int budget, ulong seed, AbcSmcOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(simulator);
        options ??= new AbcSmcOptions();
        CheckObservation(simulator, observation);
        if (!(options.EpsilonQuantile > 0 && options.EpsilonQuantile < 1) || options.InitialRoundFactor < 1 || !(options.KernelScale > 0) || !double.IsFinite(options.KernelScale))
        {
            throw new ArgumentException("AbcSmcOptions: the ε quantile must lie in (0, 1), the initial round factor be ≥ 1 and the kernel scale positive and finite.", nameof(options));
        }

        var n = options.PopulationSize ?? Math.Min(budget > 10_000 ? 1000 : 100, budget);
        if (n < 2)
        {
            throw new ArgumentException($"The population needs at least 2 particles (population {n}, budget {budget}).", nameof(options));
        }

        if (budget < n)
        {
            throw new ArgumentException($"A budget of {budget} simulations is below the population of {n}; raise the budget or lower the population.", nameof(budget));
        }

        var initial = InitialRoundSize(n, options.InitialRoundFactor, budget);
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
        for (var t = 1; used < budget; t++)
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

            var nextEpsilon = NextEpsilon(distances, options.EpsilonQuantile, options.Schedule);
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

            used += simulations;
            var filled = 0;
            if (accepted < n)
            {
                if (!options.FillUpFromPreviousGeneration)
                {
                    stoppedBy = string.Create(CultureInfo.InvariantCulture, $"budget (generation {t} was incomplete: {accepted} of {n} particles after {simulations} simulations; the last complete generation is returned)");
                    break;
                }

                filled = n - accepted;
                var closest = ClosestFirst(distances);
                for (var k = 0; k < filled; k++)
                {
                    particles.AsSpan(closest[k] * d, d).CopyTo(nextParticles.AsSpan((accepted + k) * d, d));
                    nextDistances[accepted + k] = distances[closest[k]];
                }

                stoppedBy = string.Create(CultureInfo.InvariantCulture, $"budget (generation {t} accepted {accepted} of {n} particles in {simulations} simulations and was filled up with the {filled} closest particles of generation {t - 1})");
            }

            var nextWeights = ImportanceWeights(prior, nextParticles, particles, weights, covariance, d);
            (particles, weights, distances) = (nextParticles, nextWeights, nextDistances);
            epsilon = nextEpsilon;
            generations.Add(new AbcGeneration(t, nextEpsilon, simulations, simulations > 0 ? (double)accepted / simulations : 0, AbcWeights.EffectiveSampleSize(weights), filled));
        }

        double? bandwidth = null;
        if (options.KernelDensitySampling)
        {
            if (HasSpread(particles))
            {
                bandwidth = GaussianKernelDensity.SelectBandwidth(particles, d).Bandwidth;
            }
            else
            {
                stoppedBy += "; no kernel density bandwidth: every particle holds the same values, so Sample resamples the particles";
            }
        }

        return new AbcResult(prior.Names, particles, weights, epsilon, used, excluded, generations, stoppedBy, bandwidth, options.KernelDensityWeighted, distances);
    }

    /// <summary>sbibm's initial round: factor × population, at least the population and at most half the budget (or the
    /// population where that is more).</summary>
    internal static int InitialRoundSize(int population, int factor, int budget) =>
        (int)Math.Clamp((long)factor * population, population, Math.Max(budget / 2, population));

    /// <summary>The next tolerance from the current distances.</summary>
    internal static double NextEpsilon(ReadOnlySpan<double> distances, double q, EpsilonSchedule schedule)
    {
        if (schedule == EpsilonSchedule.DistanceQuantile)
        {
            return Quantile(distances, q);
        }

        var sorted = distances.ToArray();
        Array.Sort(sorted);
        var unique = new List<double>(sorted.Length);
        foreach (var v in sorted)
        {
            if (unique.Count == 0 || v != unique[^1])
            {
                unique.Add(v);
            }
        }

        var total = 0.0;
        foreach (var v in unique)
        {
            total += v;
        }

        var running = 0.0;
        foreach (var v in unique)
        {
            running += v;
            if (running / total >= q)
            {
                return v;
            }
        }

        // All distances 0 (the ratio is undefined) or rounding kept the last share below q: the largest distance.
        return unique[^1];
    }

    /// <summary>w_i ∝ p(θ_i) / Σ_j w_j K(θ_i | θ_j) against the previous population, normalised.</summary>
    private static double[] ImportanceWeights(ParameterPrior prior, double[] next, double[] previous, double[] previousWeights, double[,] covariance, int d)
    {
        var n = next.Length / d;
        var inverse = LinearAlgebra.InverseSymmetric(covariance);
        var weights = new double[n];
        var sum = 0.0;
        for (var i = 0; i < n; i++)
        {
            var denominator = 0.0;
            for (var j = 0; j < previousWeights.Length; j++)
            {
                denominator += previousWeights[j] * KernelDensity(next.AsSpan(i * d, d), previous.AsSpan(j * d, d), inverse);
            }

            weights[i] = Math.Exp(prior.LogDensity(next.AsSpan(i * d, d))) / denominator;
            sum += weights[i];
        }

        for (var i = 0; i < n; i++)
        {
            weights[i] /= sum;
        }

        return weights;
    }

    /// <summary>Particle indices by increasing distance (ties keep their order).</summary>
    private static int[] ClosestFirst(double[] distances)
    {
        var order = new int[distances.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) => distances[a] != distances[b] ? distances[a].CompareTo(distances[b]) : a.CompareTo(b));
        return order;
    }

    private static bool HasSpread(ReadOnlySpan<double> values)
    {
        foreach (var v in values)
        {
            if (v != values[0])
            {
                return true;
            }
        }

        return false;
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
