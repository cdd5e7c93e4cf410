using System.Globalization;
using System.Text.Json.Nodes;

namespace TwinLab.Synthetic.Cohorts;

/// <summary>A subgroup: the subjects whose categorical covariate has a given level.</summary>
/// <param name="Covariate">The categorical covariate.</param>
/// <param name="Level">The level.</param>
public sealed record Subgroup(string Covariate, string Level)
{
    /// <summary>The subgroup as <c>covariate:level</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{Covariate}:{Level}";
}

/// <summary>
/// How the cohort represents the population. Candidates are drawn from the population model one after another
/// (candidate k from its own streams) and either all kept (<see cref="Natural"/>), thinned so that chosen subgroups are
/// over-represented by a factor (<see cref="Oversample"/>), or kept until every level of a covariate reaches its share
/// of a target distribution (<see cref="MatchTarget"/>). Each kept subject carries a sampling weight, the inverse of its
/// relative selection probability, so that weighted estimates (Σ wᵢ xᵢ / Σ wᵢ) recover population values.
/// </summary>
public abstract record Representation
{
    private protected Representation()
    {
    }

    /// <summary>Every candidate is kept; all weights are 1.</summary>
    public static Representation Natural { get; } = new NaturalRepresentation();

    /// <summary>Over-represents subgroups: a candidate in subgroups with factors f₁, f₂, ... (product f, 1 for none) is kept
    /// with probability f / f_max, and weighted f_max / f.</summary>
    /// <param name="factors">Subgroups and their factors (positive; above 1 oversamples, below 1 undersamples).</param>
    /// <returns>The representation.</returns>
    public static Representation Oversample(params (Subgroup Subgroup, double Factor)[] factors)
    {
        ArgumentNullException.ThrowIfNull(factors);
        if (factors.Length == 0)
        {
            throw new ArgumentException("Oversampling needs at least one subgroup and factor.", nameof(factors));
        }
        foreach (var (subgroup, factor) in factors)
        {
            if (!(factor > 0) || !double.IsFinite(factor))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The oversampling factor of {subgroup} must be positive and finite; got {factor}."), nameof(factors));
            }
        }
        if (factors.Select(f => f.Subgroup).Distinct().Count() != factors.Length)
        {
            throw new ArgumentException("A subgroup is given two oversampling factors.", nameof(factors));
        }
        return new OversampleRepresentation([.. factors.Select(f => new SubgroupFactor(f.Subgroup, f.Factor))]);
    }

    /// <summary>A reference population whose levels of <paramref name="covariate"/> follow <paramref name="target"/>:
    /// candidates are kept while their level's quota (the cohort size times its share, rounded by largest remainder)
    /// is not full. The weight of level g is p̂(g) / target(g), with p̂(g) the share of g among all candidates drawn.</summary>
    /// <param name="covariate">The categorical covariate.</param>
    /// <param name="target">The target share of each level (summing to 1; levels not listed get 0).</param>
    /// <returns>The representation.</returns>
    public static Representation MatchTarget(string covariate, IReadOnlyDictionary<string, double> target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Values.Any(p => !(p >= 0 && p <= 1)) || Math.Abs(target.Values.Sum() - 1) > 1e-9)
        {
            throw new ArgumentException($"The target distribution of '{covariate}' must have shares in [0, 1] summing to 1.", nameof(target));
        }
        return new TargetRepresentation(covariate, new Dictionary<string, double>(target, StringComparer.Ordinal));
    }

    internal abstract JsonObject ToJson();
}

/// <summary>A subgroup and its oversampling factor.</summary>
/// <param name="Subgroup">The subgroup.</param>
/// <param name="Factor">The factor.</param>
public sealed record SubgroupFactor(Subgroup Subgroup, double Factor);

/// <summary>Every candidate is kept.</summary>
public sealed record NaturalRepresentation : Representation
{
    internal override JsonObject ToJson() => new() { ["kind"] = "natural" };
}

/// <summary>Targeted oversampling of subgroups (see <see cref="Representation.Oversample"/>).</summary>
public sealed record OversampleRepresentation : Representation
{
    internal OversampleRepresentation(IReadOnlyList<SubgroupFactor> factors) => Factors = factors;

    /// <summary>The subgroups and their factors.</summary>
    public IReadOnlyList<SubgroupFactor> Factors { get; }

    /// <summary>The largest possible product of factors: for each covariate, the largest of 1 and its levels' factors.</summary>
    public double MaximumFactor => Factors.GroupBy(f => f.Subgroup.Covariate, StringComparer.Ordinal)
        .Aggregate(1.0, (product, group) => product * Math.Max(1.0, group.Max(f => f.Factor)));

    /// <summary>The product of the factors of the subgroups a subject belongs to.</summary>
    /// <param name="covariates">The subject's covariates.</param>
    /// <returns>The factor.</returns>
    public double FactorOf(CovariateValues covariates)
    {
        ArgumentNullException.ThrowIfNull(covariates);
        var f = 1.0;
        foreach (var factor in Factors)
        {
            if (covariates.Level(factor.Subgroup.Covariate) == factor.Subgroup.Level)
            {
                f *= factor.Factor;
            }
        }
        return f;
    }

    internal override JsonObject ToJson() => new()
    {
        ["kind"] = "oversample",
        ["factors"] = new JsonObject(Factors.Select(f => KeyValuePair.Create(f.Subgroup.ToString(), (JsonNode?)f.Factor))),
    };
}

/// <summary>A reference population matching a target distribution of one covariate (see <see cref="Representation.MatchTarget"/>).</summary>
public sealed record TargetRepresentation : Representation
{
    internal TargetRepresentation(string covariate, IReadOnlyDictionary<string, double> target)
    {
        Covariate = covariate;
        Target = target;
    }

    /// <summary>The categorical covariate.</summary>
    public string Covariate { get; }

    /// <summary>The target share of each level.</summary>
    public IReadOnlyDictionary<string, double> Target { get; }

    /// <summary>The number of subjects of each level in a cohort of <paramref name="size"/>: size × share, rounded so the
    /// counts sum to the size (largest remainder, ties to the level listed first).</summary>
    /// <param name="size">The cohort size.</param>
    /// <returns>The quotas.</returns>
    public IReadOnlyDictionary<string, int> Quotas(int size)
    {
        var exact = Target.Select(p => (Level: p.Key, Value: p.Value * size)).ToList();
        var quotas = exact.ToDictionary(e => e.Level, e => (int)Math.Floor(e.Value), StringComparer.Ordinal);
        var remaining = size - quotas.Values.Sum();
        foreach (var (level, _) in exact.Select((e, i) => (e.Level, Order: (e.Value - Math.Floor(e.Value), -i))).OrderByDescending(e => e.Order).Take(remaining))
        {
            quotas[level]++;
        }
        return quotas;
    }

    internal override JsonObject ToJson() => new()
    {
        ["kind"] = "matchTarget",
        ["covariate"] = Covariate,
        ["target"] = new JsonObject(Target.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
    };
}
