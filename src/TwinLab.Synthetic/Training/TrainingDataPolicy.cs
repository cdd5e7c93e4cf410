using TwinLab.Synthetic.Evaluation;

namespace TwinLab.Synthetic.Training;

/// <summary>Which records a downstream model is trained on.</summary>
public enum TrainingDataSource
{
    /// <summary>Only the real records.</summary>
    RealOnly,

    /// <summary>Only the synthetic records.</summary>
    SyntheticOnly,

    /// <summary>All real records and synthetic records up to a cap on the synthetic-to-real ratio.</summary>
    CappedMixture,
}

/// <summary>A training-data policy for one model fit: real only, synthetic only, or a mixture whose synthetic share is
/// capped at <see cref="MaxSyntheticToRealRatio"/> synthetic records per real record.</summary>
/// <param name="Source">The policy.</param>
/// <param name="MaxSyntheticToRealRatio">For <see cref="TrainingDataSource.CappedMixture"/>: the most synthetic records per real record.</param>
public sealed record TrainingDataPolicy(TrainingDataSource Source, double MaxSyntheticToRealRatio = 0)
{
    /// <summary>Real records only.</summary>
    public static TrainingDataPolicy RealOnly { get; } = new(TrainingDataSource.RealOnly);

    /// <summary>Synthetic records only.</summary>
    public static TrainingDataPolicy SyntheticOnly { get; } = new(TrainingDataSource.SyntheticOnly);

    /// <summary>All real records plus at most <paramref name="ratio"/> synthetic records per real record.</summary>
    /// <param name="ratio">The cap (≥ 0).</param>
    public static TrainingDataPolicy Capped(double ratio)
    {
        if (!(ratio >= 0) || double.IsInfinity(ratio))
        {
            throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "The synthetic-to-real ratio must be a finite number ≥ 0.");
        }
        return new(TrainingDataSource.CappedMixture, ratio);
    }
}

/// <summary>The training set a policy produced, with what it used and what it left out.</summary>
/// <param name="Records">The training records.</param>
/// <param name="RealUsed">Real records used.</param>
/// <param name="SyntheticUsed">Synthetic records used.</param>
/// <param name="SyntheticExcluded">Synthetic records left out by the cap.</param>
public sealed record TrainingSet(LabeledRecords Records, int RealUsed, int SyntheticUsed, int SyntheticExcluded);

/// <summary>Composes training sets from real and synthetic records under a <see cref="TrainingDataPolicy"/>.</summary>
public static class TrainingMixture
{
    /// <summary>Builds the training set. A capped mixture keeps every real record and a seeded random subset of
    /// ⌊ratio × real⌋ synthetic records (all of them when fewer); the synthetic records left out are counted.</summary>
    /// <param name="real">Real records (generation 0).</param>
    /// <param name="synthetic">Synthetic records.</param>
    /// <param name="policy">The policy.</param>
    /// <param name="seed">Seed of the synthetic subsample.</param>
    public static TrainingSet Compose(LabeledRecords real, LabeledRecords synthetic, TrainingDataPolicy policy, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(synthetic);
        ArgumentNullException.ThrowIfNull(policy);
        if (real.SyntheticCount > 0)
        {
            throw new ArgumentException($"The real records include {real.SyntheticCount} synthetic rows (generation > 0).", nameof(real));
        }
        if (synthetic.RealCount > 0)
        {
            throw new ArgumentException($"The synthetic records include {synthetic.RealCount} real rows (generation 0).", nameof(synthetic));
        }
        switch (policy.Source)
        {
            case TrainingDataSource.RealOnly:
                return new TrainingSet(real, real.Count, 0, synthetic.Count);
            case TrainingDataSource.SyntheticOnly:
                return new TrainingSet(synthetic, 0, synthetic.Count, 0);
            default:
                var allowed = (int)Math.Min(synthetic.Count, Math.Floor(policy.MaxSyntheticToRealRatio * real.Count));
                var chosen = allowed == synthetic.Count
                    ? synthetic
                    : synthetic.Take(SampleIndices.WithoutReplacement(synthetic.Count, allowed, seed, "training-mixture-cap"));
                return new TrainingSet(LabeledRecords.Concatenate([real, chosen]), real.Count, allowed, synthetic.Count - allowed);
        }
    }
}
