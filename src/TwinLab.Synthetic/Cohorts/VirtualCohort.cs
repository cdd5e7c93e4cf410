using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using TwinLab.Core.Modelling;
using TwinLab.Core.Randomness;
using TwinLab.Simulation.Ensembles;

namespace TwinLab.Synthetic.Cohorts;

/// <summary>
/// Everything that defines a virtual cohort: the population model, the covariate model, the size, the seed and the
/// representation. Two designs with the same content give the same <see cref="CohortId"/> and the same subjects.
/// </summary>
public sealed record CohortDesign
{
    /// <summary>Creates a design and checks that its parts fit together.</summary>
    /// <param name="population">The population model.</param>
    /// <param name="covariates">The covariate model.</param>
    /// <param name="size">The number of subjects.</param>
    /// <param name="seed">The seed of every random stream.</param>
    /// <param name="representation">How subgroups are represented; <see cref="Representation.Natural"/> when null.</param>
    /// <exception cref="ArgumentException">A non-positive size, or an effect or subgroup naming an unknown covariate or level.</exception>
    public CohortDesign(PopulationModel population, CovariateModel covariates, int size, ulong seed, Representation? representation = null)
    {
        ArgumentNullException.ThrowIfNull(population);
        ArgumentNullException.ThrowIfNull(covariates);
        if (size <= 0)
        {
            throw new ArgumentException($"The cohort size must be positive; got {size}.", nameof(size));
        }
        Population = population;
        Covariates = covariates;
        Size = size;
        Seed = seed;
        Representation = representation ?? Representation.Natural;
        Validate();
        Specification = new JsonObject
        {
            ["model"] = new JsonObject { ["name"] = population.Model.Name, ["version"] = population.Model.Version, ["digest"] = population.Model.Digest },
            ["size"] = size,
            ["seed"] = seed,
            ["population"] = population.ToJson(),
            ["covariates"] = covariates.ToJson(),
            ["representation"] = Representation.ToJson(),
            ["maxParameterDraws"] = MaxParameterDraws,
        }.ToJsonString();
        CohortId = "C" + Identity.Hash(Specification)[..23];
    }

    /// <summary>The population model.</summary>
    public PopulationModel Population { get; }

    /// <summary>The covariate model.</summary>
    public CovariateModel Covariates { get; }

    /// <summary>The number of subjects.</summary>
    public int Size { get; }

    /// <summary>The seed.</summary>
    public ulong Seed { get; }

    /// <summary>How subgroups are represented.</summary>
    public Representation Representation { get; }

    /// <summary>The most draws of random effects per subject before generation stops with an error.</summary>
    public const int MaxParameterDraws = 1000;

    /// <summary>The most candidates drawn (1000 per subject) before generation stops with an error.</summary>
    public long MaxCandidates => 1000L * Size;

    /// <summary>The design as canonical JSON (stored with the cohort).</summary>
    public string Specification { get; }

    /// <summary>The cohort's identifier: a hash of <see cref="Specification"/>.</summary>
    public string CohortId { get; }

    private void Validate()
    {
        foreach (var effect in Population.Effects)
        {
            var definition = Covariates.Find(effect.Covariate);
            switch (effect)
            {
                case PowerEffect when definition is not ContinuousCovariate:
                    throw new ArgumentException($"The power effect on '{effect.Parameter}' uses '{effect.Covariate}', which is not a continuous covariate of the covariate model ({string.Join(", ", Covariates.Definitions.Select(d => d.Name))}).");
                case LevelEffect level when definition is not CategoricalCovariate c || !c.LevelNames.Contains(level.Level):
                    throw new ArgumentException($"The effect of {effect.Covariate} = {level.Level} on '{effect.Parameter}' names no categorical covariate with that level.");
                default:
                    break;
            }
        }
        var subgroups = Representation switch
        {
            OversampleRepresentation o => o.Factors.Select(f => f.Subgroup),
            TargetRepresentation t => t.Target.Keys.Select(level => new Subgroup(t.Covariate, level)),
            _ => [],
        };
        foreach (var subgroup in subgroups)
        {
            if (Covariates.Find(subgroup.Covariate) is not CategoricalCovariate c)
            {
                throw new ArgumentException($"Subgroup {subgroup}: '{subgroup.Covariate}' is not a categorical covariate; the categorical covariates are {string.Join(", ", Covariates.Definitions.OfType<CategoricalCovariate>().Select(d => d.Name))}.");
            }
            if (!c.LevelNames.Contains(subgroup.Level))
            {
                throw new ArgumentException($"Subgroup {subgroup}: '{subgroup.Covariate}' has no level '{subgroup.Level}'; its levels are {string.Join(", ", c.LevelNames)}.");
            }
        }
    }
}

/// <summary>
/// One virtual subject: candidate number <see cref="Index"/> of its cohort's design, with its covariates, every model
/// parameter, and its sampling weight.
/// </summary>
/// <param name="Index">The candidate number: the entity index of the subject's random streams.</param>
/// <param name="SubjectId">The subject's identifier (the cohort id and the index).</param>
/// <param name="ParameterSetId">A content hash of the model digest, seed, index and parameter values.</param>
/// <param name="Covariates">The covariates.</param>
/// <param name="Parameters">Every model parameter, in the model's order.</param>
/// <param name="SamplingWeight">The inverse relative selection probability (1 in a natural cohort).</param>
public sealed record VirtualSubject(long Index, string SubjectId, string ParameterSetId, CovariateValues Covariates, IReadOnlyList<double> Parameters, double SamplingWeight);

/// <summary>What generation drew and rejected.</summary>
/// <param name="CandidatesDrawn">Candidates drawn from the population.</param>
/// <param name="CandidatesNotSelected">Candidates not kept by the representation (thinning or full quotas).</param>
/// <param name="ParameterRejections">Rejected random-effect draws by parameter outside the model's bounds.</param>
/// <param name="CovariateRejections">Redraws by continuous covariate outside its range.</param>
/// <param name="CandidatesByLevel">For a representation over subgroups: candidates drawn by <c>covariate:level</c>.</param>
public sealed record CohortReport(long CandidatesDrawn, long CandidatesNotSelected, IReadOnlyDictionary<string, long> ParameterRejections,
    IReadOnlyDictionary<string, long> CovariateRejections, IReadOnlyDictionary<string, long> CandidatesByLevel)
{
    /// <summary>The report as text, one line per count.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{CandidatesDrawn} candidates drawn, {CandidatesNotSelected} not selected");
        foreach (var (name, count) in ParameterRejections.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            sb.Append(CultureInfo.InvariantCulture, $"\nparameter {name}: {count} draws rejected (outside the model's bounds)");
        }
        foreach (var (name, count) in CovariateRejections.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            sb.Append(CultureInfo.InvariantCulture, $"\ncovariate {name}: {count} draws rejected (outside its range)");
        }
        return sb.ToString();
    }
}

/// <summary>
/// A virtual cohort: subjects drawn from a <see cref="CohortDesign"/>. Candidate k's covariates come from the stream
/// (seed, "cohort.covariates", k), its selection from (seed, "cohort.selection", k) and its random effects from
/// (seed, "cohort.variability", k), so subject k is the same whatever the cohort size, the representation or the
/// thread count, and <see cref="Regenerate"/> reproduces it from its index alone.
/// </summary>
public sealed class VirtualCohort
{
    /// <summary>The purpose of the covariate streams.</summary>
    public const string CovariatePurpose = "cohort.covariates";

    /// <summary>The purpose of the selection streams (oversampling).</summary>
    public const string SelectionPurpose = "cohort.selection";

    /// <summary>The purpose of the random-effect streams.</summary>
    public const string VariabilityPurpose = "cohort.variability";

    private VirtualCohort(CohortDesign design, IReadOnlyList<VirtualSubject> subjects, CohortReport report)
    {
        Design = design;
        Subjects = subjects;
        Report = report;
    }

    /// <summary>The design.</summary>
    public CohortDesign Design { get; }

    /// <summary>The subjects, in the order they were drawn.</summary>
    public IReadOnlyList<VirtualSubject> Subjects { get; }

    /// <summary>What generation drew and rejected.</summary>
    public CohortReport Report { get; }

    /// <summary>The model.</summary>
    public Model Model => Design.Population.Model;

    /// <summary>The cohort's identifier.</summary>
    public string CohortId => Design.CohortId;

    /// <summary>Generates the cohort of a design.</summary>
    /// <param name="design">The design.</param>
    /// <returns>The cohort.</returns>
    /// <exception cref="InvalidOperationException">A subject's parameters or covariates stayed out of bounds, or the
    /// representation could not be met within <see cref="CohortDesign.MaxCandidates"/> candidates; the message says which.</exception>
    public static VirtualCohort Generate(CohortDesign design)
    {
        ArgumentNullException.ThrowIfNull(design);
        var parameterRejections = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var covariateRejections = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var byLevel = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var kept = new List<(long Index, CovariateValues Covariates, double Weight)>();
        var oversample = design.Representation as OversampleRepresentation;
        var target = design.Representation as TargetRepresentation;
        var quotas = target?.Quotas(design.Size).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var filled = new Dictionary<string, int>(StringComparer.Ordinal);
        var maxFactor = oversample?.MaximumFactor ?? 1;
        long candidate = 0;
        long notSelected = 0;
        while (kept.Count < design.Size)
        {
            if (candidate >= design.MaxCandidates)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"Only {kept.Count} of {design.Size} subjects were selected from {candidate} candidates: the representation asks for subgroups that are too rare in the population ({DescribeShortfall(quotas, filled)}). Lower the oversampling factors or the target shares of rare subgroups."));
            }
            var covariateStream = RandomStream.For(design.Seed, CovariatePurpose, (ulong)candidate);
            var covariates = design.Covariates.Draw(ref covariateStream, covariateRejections);
            var weight = 1.0;
            var keep = true;
            if (oversample is not null)
            {
                var factor = oversample.FactorOf(covariates);
                var selection = RandomStream.For(design.Seed, SelectionPurpose, (ulong)candidate);
                keep = selection.NextDouble() < factor / maxFactor;
                weight = maxFactor / factor;
                foreach (var f in oversample.Factors)
                {
                    Count(byLevel, $"{f.Subgroup.Covariate}:{covariates.Level(f.Subgroup.Covariate)}");
                }
            }
            else if (target is not null)
            {
                var level = covariates.Level(target.Covariate);
                Count(byLevel, $"{target.Covariate}:{level}");
                var quota = quotas!.GetValueOrDefault(level);
                var have = filled.GetValueOrDefault(level);
                keep = have < quota;
                if (keep)
                {
                    filled[level] = have + 1;
                }
            }
            if (keep)
            {
                kept.Add((candidate, covariates, weight));
            }
            else
            {
                notSelected++;
            }
            candidate++;
        }
        if (target is not null)
        {
            // w(g) = p̂(g) / target(g): the share of g among all candidates over its share in the cohort.
            for (var i = 0; i < kept.Count; i++)
            {
                var level = kept[i].Covariates.Level(target.Covariate);
                var share = byLevel[$"{target.Covariate}:{level}"] / (double)candidate;
                kept[i] = kept[i] with { Weight = share / target.Target[level] };
            }
        }
        var subjects = new List<VirtualSubject>(kept.Count);
        foreach (var (index, covariates, weight) in kept)
        {
            subjects.Add(DrawSubject(design, index, covariates, weight, parameterRejections));
        }
        var report = new CohortReport(candidate, notSelected, parameterRejections, covariateRejections, byLevel);
        return new VirtualCohort(design, subjects, report);
    }

    /// <summary>Regenerates subject <paramref name="index"/> from the design's streams alone: the same covariates and
    /// parameters, bit for bit, as when the cohort was generated. Its weight is the one recorded in this cohort.</summary>
    /// <param name="index">The subject's index (candidate number).</param>
    /// <returns>The subject.</returns>
    /// <exception cref="ArgumentException">No subject of this cohort has that index.</exception>
    public VirtualSubject Regenerate(long index)
    {
        var recorded = Subjects.FirstOrDefault(s => s.Index == index)
            ?? throw new ArgumentException($"Cohort {CohortId} has no subject with index {index}.", nameof(index));
        var stream = RandomStream.For(Design.Seed, CovariatePurpose, (ulong)index);
        var covariates = Design.Covariates.Draw(ref stream, new Dictionary<string, long>());
        return DrawSubject(Design, index, covariates, recorded.SamplingWeight, new Dictionary<string, long>());
    }

    /// <summary>The subjects' parameters as an ensemble patient table (one column per model parameter).</summary>
    /// <returns>The table.</returns>
    public PatientTable ToPatientTable()
    {
        var columns = new Dictionary<string, double[]>(StringComparer.Ordinal);
        for (var k = 0; k < Model.Parameters.Count; k++)
        {
            columns[Model.Parameters[k].Name] = [.. Subjects.Select(s => s.Parameters[k])];
        }
        return PatientTable.FromColumns(columns);
    }

    /// <summary>The weighted mean Σ wᵢ xᵢ / Σ wᵢ of a quantity over the subjects, with the sampling weights: an
    /// estimate of the population mean whatever the representation.</summary>
    /// <param name="value">The quantity.</param>
    /// <returns>The weighted mean.</returns>
    public double WeightedMean(Func<VirtualSubject, double> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        double sum = 0, weights = 0;
        foreach (var s in Subjects)
        {
            sum += s.SamplingWeight * value(s);
            weights += s.SamplingWeight;
        }
        return sum / weights;
    }

    /// <summary>A subject's parameter by name.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="parameter">The parameter.</param>
    /// <returns>The value.</returns>
    public double Parameter(VirtualSubject subject, string parameter)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return subject.Parameters[Model.ParameterIndex(parameter)];
    }

    /// <summary>Describes the cohort.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"VirtualCohort {CohortId}: {Subjects.Count} subjects of {Model.Name} (seed {Design.Seed}); {Report.CandidatesDrawn} candidates, {Report.ParameterRejections.Values.Sum()} parameter draws rejected");

    private static VirtualSubject DrawSubject(CohortDesign design, long index, CovariateValues covariates, double weight, IDictionary<string, long> rejections)
    {
        var stream = RandomStream.For(design.Seed, VariabilityPurpose, (ulong)index);
        double[] parameters;
        try
        {
            parameters = design.Population.DrawParameters(covariates, ref stream, rejections, CohortDesign.MaxParameterDraws);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"Subject {index}: {e.Message}", e);
        }
        var subjectId = string.Create(CultureInfo.InvariantCulture, $"{design.CohortId}-{index}");
        var parameterSetId = "P" + Identity.Hash(string.Join('|',
            [design.Population.Model.Digest, design.Seed.ToString(CultureInfo.InvariantCulture), index.ToString(CultureInfo.InvariantCulture),
             .. parameters.Select(p => p.ToString("R", CultureInfo.InvariantCulture))]))[..23];
        return new VirtualSubject(index, subjectId, parameterSetId, covariates, parameters, weight);
    }

    private static void Count(SortedDictionary<string, long> counts, string key) =>
        counts[key] = counts.TryGetValue(key, out var n) ? n + 1 : 1;

    private static string DescribeShortfall(Dictionary<string, int>? quotas, Dictionary<string, int> filled) =>
        quotas is null
            ? "oversampling keeps too few candidates"
            : string.Join(", ", quotas.Where(q => filled.GetValueOrDefault(q.Key) < q.Value).Select(q => $"{q.Key}: {filled.GetValueOrDefault(q.Key)} of {q.Value}"));
}

/// <summary>Content hashes for identifiers.</summary>
internal static class Identity
{
    /// <summary>The lower-case hexadecimal SHA-256 digest of a text's UTF-8 bytes.</summary>
    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
