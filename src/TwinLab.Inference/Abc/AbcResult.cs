namespace TwinLab.Inference.Abc;

/// <summary>One ABC-SMC generation.</summary>
/// <param name="Index">0 for the prior population.</param>
/// <param name="Epsilon">The tolerance ε of this generation (the largest accepted distance for generation 0).</param>
/// <param name="Simulations">Simulations spent on this generation.</param>
/// <param name="AcceptanceRate">Accepted / simulated in this generation.</param>
/// <param name="EffectiveSampleSize">1 / Σ wᵢ² of the normalised weights.</param>
/// <param name="FilledFromPrevious">Particles taken over from the previous generation because the budget ran out
/// part-way through this one (0 for a complete generation).</param>
public sealed record AbcGeneration(int Index, double Epsilon, int Simulations, double AcceptanceRate, double EffectiveSampleSize, int FilledFromPrevious = 0);

/// <summary>A weighted ABC population, rows stored one after another.</summary>
/// <param name="Names">Parameter names.</param>
/// <param name="Values">Particles (Count × dimension).</param>
/// <param name="Weights">Normalised importance weights (sum 1).</param>
/// <param name="Epsilon">The final tolerance (particles filled up from the previous generation lie within that
/// generation's tolerance, which may be larger).</param>
/// <param name="Simulations">All simulations run.</param>
/// <param name="ExcludedNonFinite">Simulations discarded for a NaN or infinite x.</param>
/// <param name="Generations">The generations (one for rejection ABC).</param>
/// <param name="StoppedBy">Why the run ended.</param>
/// <param name="KernelDensityBandwidth">The cross-validated bandwidth of a Gaussian kernel density estimate on the
/// unweighted particles, when the run chose one (<see cref="AbcSmcOptions.KernelDensitySampling"/>); null otherwise.</param>
/// <param name="KernelDensityWeighted">Whether the kernel density estimate weights the particles by
/// <paramref name="Weights"/> (<see cref="AbcSmcOptions.KernelDensityWeighted"/>) or gives them equal weight.</param>
/// <param name="Distances">Each particle's distance to the observation (null where not recorded).</param>
public sealed record AbcResult(IReadOnlyList<string> Names, double[] Values, double[] Weights, double Epsilon, int Simulations, int ExcludedNonFinite,
    IReadOnlyList<AbcGeneration> Generations, string StoppedBy, double? KernelDensityBandwidth = null, bool KernelDensityWeighted = false,
    double[]? Distances = null)
{
    /// <summary>The number of particles.</summary>
    public int Count => Weights.Length;

    /// <summary>1 / Σ wᵢ².</summary>
    public double EffectiveSampleSize => AbcWeights.EffectiveSampleSize(Weights);

    /// <summary>The weighted mean of each parameter.</summary>
    /// <returns>The means.</returns>
    public double[] Means() => AbcWeights.WeightedMean(Values, Weights, Names.Count);

    /// <summary>Posterior draws as the run's settings ask: from the Gaussian kernel density estimate on the particles
    /// (unweighted, as sbibm's SMC-ABC, unless <see cref="KernelDensityWeighted"/>) with bandwidth
    /// <see cref="KernelDensityBandwidth"/>, restricted to the prior's support
    /// (draws outside it are discarded, drawn again and counted in <see cref="Sbi.PosteriorSamples.Proposed"/>); without a
    /// bandwidth, <see cref="Resample"/>.</summary>
    /// <param name="prior">The prior the run used (its support bounds the draws).</param>
    /// <param name="count">How many.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The draws.</returns>
    public Sbi.PosteriorSamples Sample(ParameterPrior prior, int count, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(prior);
        if (KernelDensityBandwidth is not { } bandwidth)
        {
            return Resample(count, seed);
        }

        return new GaussianKernelDensity(Values, Names.Count, bandwidth, KernelDensityWeighted ? Weights : default).Sample(prior, count, seed);
    }

    /// <summary>Unweighted draws by multinomial resampling (for C2ST or corner plots).</summary>
    /// <param name="count">How many.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The draws.</returns>
    public Sbi.PosteriorSamples Resample(int count, ulong seed)
    {
        var d = Names.Count;
        var stream = Core.Randomness.RandomStream.For(seed, "abc.resample");
        var cumulative = AbcWeights.Cumulative(Weights);
        var values = new double[count * d];
        for (var n = 0; n < count; n++)
        {
            var i = AbcWeights.Pick(cumulative, stream.NextDouble());
            Values.AsSpan(i * d, d).CopyTo(values.AsSpan(n * d, d));
        }

        return new Sbi.PosteriorSamples(Names, values, count, count);
    }
}

/// <summary>Weight arithmetic shared by the ABC methods.</summary>
internal static class AbcWeights
{
    public static double EffectiveSampleSize(ReadOnlySpan<double> weights)
    {
        var sum = 0.0;
        foreach (var w in weights)
        {
            sum += w * w;
        }

        return 1.0 / sum;
    }

    public static double[] WeightedMean(ReadOnlySpan<double> values, ReadOnlySpan<double> weights, int d)
    {
        var mean = new double[d];
        for (var i = 0; i < weights.Length; i++)
        {
            for (var j = 0; j < d; j++)
            {
                mean[j] += weights[i] * values[(i * d) + j];
            }
        }

        return mean;
    }

    public static double[] Cumulative(ReadOnlySpan<double> weights)
    {
        var cumulative = new double[weights.Length];
        var sum = 0.0;
        for (var i = 0; i < weights.Length; i++)
        {
            sum += weights[i];
            cumulative[i] = sum;
        }

        return cumulative;
    }

    public static int Pick(double[] cumulative, double u)
    {
        var target = u * cumulative[^1];
        var index = Array.BinarySearch(cumulative, target);
        index = index < 0 ? ~index : index;
        return Math.Min(index, cumulative.Length - 1);
    }
}
