using System.Globalization;
using System.Text.Json.Nodes;
using TwinLab.Core.Randomness;

namespace TwinLab.Synthetic.Cohorts;

/// <summary>Whether a continuous covariate is normal, or log-normal (normal on the log scale).</summary>
public enum CovariateScale
{
    /// <summary>x = mean + sd·z.</summary>
    Normal,

    /// <summary>x = exp(mean + sd·z): mean and sd are on the log scale.</summary>
    LogNormal,
}

/// <summary>One level of a categorical covariate and its probability.</summary>
/// <param name="Name">The level, e.g. <c>female</c>.</param>
/// <param name="Probability">Its probability, in [0, 1].</param>
public sealed record CovariateLevel(string Name, double Probability);

/// <summary>A shift of a continuous covariate's mean (on its own scale) for subjects in one level of a categorical covariate.</summary>
/// <param name="Covariate">The categorical covariate, drawn earlier.</param>
/// <param name="Level">The level.</param>
/// <param name="Shift">The amount added to the mean (to the log-mean of a log-normal covariate).</param>
public sealed record LevelShift(string Covariate, string Level, double Shift);

/// <summary>A linear dependence of a continuous covariate's mean on an earlier continuous covariate: <c>Slope·(x − Centre)</c>.</summary>
/// <param name="Covariate">The continuous covariate, drawn earlier.</param>
/// <param name="Slope">The slope (per unit of the other covariate; on the log scale for a log-normal covariate).</param>
/// <param name="Centre">The value of the other covariate at which the term is zero.</param>
public sealed record LinearTerm(string Covariate, double Slope, double Centre);

/// <summary>A covariate of a virtual population: categorical or continuous.</summary>
public abstract record CovariateDefinition
{
    private protected CovariateDefinition(string name) => Name = name;

    /// <summary>The covariate's name (a column in outputs).</summary>
    public string Name { get; }

    internal abstract JsonObject ToJson();
}

/// <summary>
/// A categorical covariate with level probabilities, optionally conditional on the level of an earlier categorical
/// covariate (<see cref="Parent"/>): then <see cref="ConditionalLevels"/> gives the probabilities for each parent level.
/// </summary>
public sealed record CategoricalCovariate : CovariateDefinition
{
    internal CategoricalCovariate(string name, IReadOnlyList<CovariateLevel> levels, string? parent, IReadOnlyDictionary<string, IReadOnlyList<CovariateLevel>>? conditional)
        : base(name)
    {
        Levels = levels;
        Parent = parent;
        ConditionalLevels = conditional;
    }

    /// <summary>The levels with their (marginal, when unconditional) probabilities; for a conditional covariate the
    /// level names of the first parent level, in order.</summary>
    public IReadOnlyList<CovariateLevel> Levels { get; }

    /// <summary>The categorical covariate this one depends on, or null.</summary>
    public string? Parent { get; }

    /// <summary>Level probabilities by parent level, or null when unconditional.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<CovariateLevel>>? ConditionalLevels { get; }

    /// <summary>The level names.</summary>
    public IEnumerable<string> LevelNames => Levels.Select(l => l.Name);

    internal IReadOnlyList<CovariateLevel> LevelsGiven(CovariateValues drawn) =>
        Parent is null ? Levels : ConditionalLevels![drawn.Level(Parent)];

    internal override JsonObject ToJson()
    {
        var json = new JsonObject { ["name"] = Name, ["kind"] = "categorical" };
        if (Parent is null)
        {
            json["levels"] = Levels.ToJsonObject();
        }
        else
        {
            json["parent"] = Parent;
            json["levelsGiven"] = new JsonObject(ConditionalLevels!.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value.ToJsonObject())));
        }
        return json;
    }
}

/// <summary>
/// A continuous covariate: normal or log-normal with a mean that may depend on earlier covariates (level shifts and
/// linear terms), restricted to a plausible range by redrawing (never clamping). On the covariate's own scale (the
/// log scale for <see cref="CovariateScale.LogNormal"/>): <c>μᵢ = Mean + Σ shifts + Σ slope·(x − centre)</c>,
/// <c>xᵢ = μᵢ + StandardDeviation·z</c>.
/// </summary>
public sealed record ContinuousCovariate : CovariateDefinition
{
    internal ContinuousCovariate(string name, string unit, double mean, double standardDeviation, CovariateScale scale,
        double lower, double upper, IReadOnlyList<LevelShift> shifts, IReadOnlyList<LinearTerm> terms)
        : base(name)
    {
        Unit = unit;
        Mean = mean;
        StandardDeviation = standardDeviation;
        Scale = scale;
        Lower = lower;
        Upper = upper;
        Shifts = shifts;
        Terms = terms;
    }

    /// <summary>The unit, e.g. <c>kg</c>.</summary>
    public string Unit { get; }

    /// <summary>The mean before shifts (log-mean for a log-normal covariate).</summary>
    public double Mean { get; }

    /// <summary>The standard deviation (of the log for a log-normal covariate).</summary>
    public double StandardDeviation { get; }

    /// <summary>Normal or log-normal.</summary>
    public CovariateScale Scale { get; }

    /// <summary>The lowest plausible value; draws below are redrawn and counted.</summary>
    public double Lower { get; }

    /// <summary>The highest plausible value; draws above are redrawn and counted.</summary>
    public double Upper { get; }

    /// <summary>Shifts of the mean by level of earlier categorical covariates.</summary>
    public IReadOnlyList<LevelShift> Shifts { get; }

    /// <summary>Linear terms in earlier continuous covariates.</summary>
    public IReadOnlyList<LinearTerm> Terms { get; }

    internal double ConditionalMean(CovariateValues drawn)
    {
        var mean = Mean;
        foreach (var shift in Shifts)
        {
            if (drawn.Level(shift.Covariate) == shift.Level)
            {
                mean += shift.Shift;
            }
        }
        foreach (var term in Terms)
        {
            mean += term.Slope * (drawn.Number(term.Covariate) - term.Centre);
        }
        return mean;
    }

    internal override JsonObject ToJson() => new()
    {
        ["name"] = Name,
        ["kind"] = "continuous",
        ["unit"] = Unit,
        ["scale"] = Scale.ToString(),
        ["mean"] = Mean,
        ["sd"] = StandardDeviation,
        ["lower"] = Lower,
        ["upper"] = Upper,
        ["shifts"] = new JsonArray([.. Shifts.Select(s => (JsonNode)new JsonObject { ["covariate"] = s.Covariate, ["level"] = s.Level, ["shift"] = s.Shift })]),
        ["terms"] = new JsonArray([.. Terms.Select(t => (JsonNode)new JsonObject { ["covariate"] = t.Covariate, ["slope"] = t.Slope, ["centre"] = t.Centre })]),
    };
}

/// <summary>The covariates of one virtual subject: numbers for continuous covariates, level names for categorical ones.</summary>
public sealed class CovariateValues
{
    private readonly Dictionary<string, double> _numbers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _levels = new(StringComparer.Ordinal);

    /// <summary>The continuous covariates by name.</summary>
    public IReadOnlyDictionary<string, double> Numbers => _numbers;

    /// <summary>The categorical covariates by name.</summary>
    public IReadOnlyDictionary<string, string> Levels => _levels;

    /// <summary>A continuous covariate's value.</summary>
    /// <param name="name">The covariate.</param>
    /// <exception cref="KeyNotFoundException">No continuous covariate of that name.</exception>
    public double Number(string name) => _numbers.TryGetValue(name, out var v)
        ? v
        : throw new KeyNotFoundException($"No continuous covariate '{name}'; the continuous covariates are {string.Join(", ", _numbers.Keys)}.");

    /// <summary>A categorical covariate's level.</summary>
    /// <param name="name">The covariate.</param>
    /// <exception cref="KeyNotFoundException">No categorical covariate of that name.</exception>
    public string Level(string name) => _levels.TryGetValue(name, out var v)
        ? v
        : throw new KeyNotFoundException($"No categorical covariate '{name}'; the categorical covariates are {string.Join(", ", _levels.Keys)}.");

    internal void Set(string name, double value) => _numbers[name] = value;

    internal void Set(string name, string level) => _levels[name] = level;

    /// <summary>The values as text, e.g. <c>sex=female, weight=61.2</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Join(", ",
        _levels.Select(p => $"{p.Key}={p.Value}").Concat(_numbers.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}={p.Value:G6}"))));
}

/// <summary>
/// How covariates are drawn jointly: a sequence of definitions, each drawn given the ones before (conditional
/// draws), from one counter-based stream per subject. Build one with <see cref="CovariateModelBuilder"/> or start from
/// <see cref="Oncology"/>.
/// </summary>
public sealed class CovariateModel
{
    /// <summary>The most draws of one continuous covariate for one subject before generation stops with an error.</summary>
    public const int MaxDrawsPerCovariate = 10_000;

    internal CovariateModel(IReadOnlyList<CovariateDefinition> definitions) => Definitions = definitions;

    /// <summary>The covariates, in drawing order.</summary>
    public IReadOnlyList<CovariateDefinition> Definitions { get; }

    /// <summary>The definition of a covariate, or null.</summary>
    /// <param name="name">The covariate.</param>
    public CovariateDefinition? Find(string name) => Definitions.FirstOrDefault(d => d.Name == name);

    /// <summary>
    /// An illustrative adult oncology population: sex; age (normal, 62 ± 10 years, 18–90); ancestry group (five
    /// groups); weight (log-normal, heavier for men and slightly lighter with age, 35–200 kg); ECOG performance status
    /// (0, 1, 2); baseline tumour burden (sum of longest diameters, log-normal, larger with worse performance status,
    /// 10–500 mm); serum albumin (normal, lower with worse performance status, 15–60 g/L); and a binary biomarker whose
    /// prevalence depends on the ancestry group. The numbers are plausible orders of magnitude for teaching, not
    /// estimates from a registry.
    /// </summary>
    public static CovariateModel Oncology() => new CovariateModelBuilder()
        .Categorical("sex", ("female", 0.5), ("male", 0.5))
        .Continuous("age", "years", 62, 10, lower: 18, upper: 90)
        .Categorical("ancestry", ("european", 0.60), ("african", 0.13), ("east_asian", 0.12), ("south_asian", 0.08), ("other", 0.07))
        .Continuous("weight", "kg", Math.Log(68), 0.18, CovariateScale.LogNormal, 35, 200,
            shifts: [new LevelShift("sex", "male", 0.17)], terms: [new LinearTerm("age", -0.002, 62)])
        .Categorical("performance_status", ("0", 0.45), ("1", 0.45), ("2", 0.10))
        .Continuous("baseline_burden", "mm", Math.Log(80), 0.5, CovariateScale.LogNormal, 10, 500,
            shifts: [new LevelShift("performance_status", "1", 0.2), new LevelShift("performance_status", "2", 0.4)])
        .Continuous("albumin", "g/L", 40, 5, lower: 15, upper: 60,
            shifts: [new LevelShift("performance_status", "1", -1.5), new LevelShift("performance_status", "2", -4)])
        .CategoricalGiven("biomarker", "ancestry", new Dictionary<string, (string, double)[]>
        {
            ["european"] = [("positive", 0.12), ("negative", 0.88)],
            ["african"] = [("positive", 0.10), ("negative", 0.90)],
            ["east_asian"] = [("positive", 0.40), ("negative", 0.60)],
            ["south_asian"] = [("positive", 0.25), ("negative", 0.75)],
            ["other"] = [("positive", 0.15), ("negative", 0.85)],
        })
        .Build();

    /// <summary>
    /// Draws one subject's covariates from <paramref name="stream"/>; continuous draws outside their range are redrawn
    /// and counted in <paramref name="rejections"/> (by covariate name).
    /// </summary>
    /// <param name="stream">The subject's stream.</param>
    /// <param name="rejections">Counts of redraws by covariate, incremented here.</param>
    /// <returns>The covariates.</returns>
    /// <exception cref="InvalidOperationException">A covariate stayed outside its range for <see cref="MaxDrawsPerCovariate"/> draws.</exception>
    public CovariateValues Draw(ref RandomStream stream, IDictionary<string, long> rejections)
    {
        ArgumentNullException.ThrowIfNull(rejections);
        var values = new CovariateValues();
        foreach (var definition in Definitions)
        {
            switch (definition)
            {
                case CategoricalCovariate categorical:
                    values.Set(categorical.Name, DrawLevel(categorical.LevelsGiven(values), ref stream));
                    break;
                case ContinuousCovariate continuous:
                    values.Set(continuous.Name, DrawContinuous(continuous, values, ref stream, rejections));
                    break;
                default:
                    throw new InvalidOperationException($"Unknown covariate kind {definition.GetType().Name}.");
            }
        }
        return values;
    }

    internal JsonArray ToJson() => new([.. Definitions.Select(d => (JsonNode)d.ToJson())]);

    private static string DrawLevel(IReadOnlyList<CovariateLevel> levels, ref RandomStream stream)
    {
        var u = stream.NextDouble();
        var cumulative = 0.0;
        foreach (var level in levels)
        {
            cumulative += level.Probability;
            if (u < cumulative)
            {
                return level.Name;
            }
        }
        // u is below 1 and the probabilities sum to 1 within 1e-9: only rounding reaches here; take the last level
        // with positive probability.
        return levels.Last(l => l.Probability > 0).Name;
    }

    private static double DrawContinuous(ContinuousCovariate covariate, CovariateValues drawn, ref RandomStream stream, IDictionary<string, long> rejections)
    {
        var mean = covariate.ConditionalMean(drawn);
        for (var attempt = 0; attempt < MaxDrawsPerCovariate; attempt++)
        {
            var x = mean + (covariate.StandardDeviation * stream.NextNormal());
            if (covariate.Scale == CovariateScale.LogNormal)
            {
                x = Math.Exp(x);
            }
            if (x >= covariate.Lower && x <= covariate.Upper)
            {
                return x;
            }
            rejections[covariate.Name] = rejections.TryGetValue(covariate.Name, out var n) ? n + 1 : 1;
        }
        throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
            $"Covariate '{covariate.Name}' fell outside its range [{covariate.Lower}, {covariate.Upper}] {covariate.Unit} in {MaxDrawsPerCovariate} consecutive draws (conditional mean {mean:G6} on its {covariate.Scale} scale, given {drawn}): the range excludes nearly all of its distribution; widen the range or correct the mean, shifts and slopes."));
    }
}

/// <summary>Builds a <see cref="CovariateModel"/>: covariates are drawn in the order they are added, each given the
/// ones before it.</summary>
public sealed class CovariateModelBuilder
{
    private readonly List<CovariateDefinition> _definitions = [];

    /// <summary>Adds a categorical covariate with fixed level probabilities (they must sum to 1).</summary>
    /// <param name="name">The covariate.</param>
    /// <param name="levels">Levels and probabilities.</param>
    /// <returns>This builder.</returns>
    public CovariateModelBuilder Categorical(string name, params (string Level, double Probability)[] levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        var list = CheckLevels(name, levels, null);
        _definitions.Add(new CategoricalCovariate(CheckName(name), list, null, null));
        return this;
    }

    /// <summary>Adds a categorical covariate whose level probabilities depend on the level of an earlier categorical covariate.</summary>
    /// <param name="name">The covariate.</param>
    /// <param name="parent">The earlier categorical covariate.</param>
    /// <param name="levelsGiven">For every level of the parent, the levels and probabilities (the same levels each time).</param>
    /// <returns>This builder.</returns>
    public CovariateModelBuilder CategoricalGiven(string name, string parent, IReadOnlyDictionary<string, (string Level, double Probability)[]> levelsGiven)
    {
        ArgumentNullException.ThrowIfNull(levelsGiven);
        CheckName(name);
        if (_definitions.FirstOrDefault(d => d.Name == parent) is not CategoricalCovariate parentCovariate)
        {
            throw new ArgumentException($"Covariate '{name}' depends on '{parent}', which is not a categorical covariate added before it; add '{parent}' first.", nameof(parent));
        }
        var conditional = new Dictionary<string, IReadOnlyList<CovariateLevel>>(StringComparer.Ordinal);
        foreach (var parentLevel in parentCovariate.LevelNames)
        {
            if (!levelsGiven.TryGetValue(parentLevel, out var levels))
            {
                throw new ArgumentException($"Covariate '{name}' gives no probabilities for {parent} = {parentLevel}; give one row for every level of '{parent}'.", nameof(levelsGiven));
            }
            conditional[parentLevel] = CheckLevels(name, levels, $" given {parent} = {parentLevel}");
        }
        var extra = levelsGiven.Keys.Except(parentCovariate.LevelNames).ToList();
        if (extra.Count > 0)
        {
            throw new ArgumentException($"Covariate '{name}' gives probabilities for {string.Join(", ", extra)}, which are not levels of '{parent}' ({string.Join(", ", parentCovariate.LevelNames)}).", nameof(levelsGiven));
        }
        var first = conditional.First().Value;
        foreach (var (parentLevel, levels) in conditional)
        {
            if (!levels.Select(l => l.Name).SequenceEqual(first.Select(l => l.Name)))
            {
                throw new ArgumentException($"Covariate '{name}' lists different levels given {parent} = {parentLevel}; list the same levels, in the same order, for every level of '{parent}'.", nameof(levelsGiven));
            }
        }
        _definitions.Add(new CategoricalCovariate(name, first, parent, conditional));
        return this;
    }

    /// <summary>Adds a continuous covariate.</summary>
    /// <param name="name">The covariate.</param>
    /// <param name="unit">Its unit.</param>
    /// <param name="mean">The mean (log-mean for log-normal) before shifts and terms.</param>
    /// <param name="standardDeviation">The standard deviation (of the log for log-normal); positive.</param>
    /// <param name="scale">Normal or log-normal.</param>
    /// <param name="lower">The lowest plausible value (draws below are redrawn and counted).</param>
    /// <param name="upper">The highest plausible value.</param>
    /// <param name="shifts">Mean shifts by level of earlier categorical covariates.</param>
    /// <param name="terms">Linear terms in earlier continuous covariates.</param>
    /// <returns>This builder.</returns>
    public CovariateModelBuilder Continuous(string name, string unit, double mean, double standardDeviation,
        CovariateScale scale = CovariateScale.Normal, double lower = double.NegativeInfinity, double upper = double.PositiveInfinity,
        IReadOnlyList<LevelShift>? shifts = null, IReadOnlyList<LinearTerm>? terms = null)
    {
        CheckName(name);
        ArgumentNullException.ThrowIfNull(unit);
        if (!double.IsFinite(mean) || !double.IsFinite(standardDeviation) || standardDeviation <= 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Covariate '{name}': the mean ({mean}) must be finite and the standard deviation ({standardDeviation}) finite and positive."), nameof(standardDeviation));
        }
        if (double.IsNaN(lower) || double.IsNaN(upper) || lower >= upper)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Covariate '{name}': the range [{lower}, {upper}] is empty; give lower < upper."), nameof(lower));
        }
        if (scale == CovariateScale.LogNormal && upper <= 0)
        {
            throw new ArgumentException($"Covariate '{name}' is log-normal (positive) but its upper limit is not positive.", nameof(upper));
        }
        shifts ??= [];
        terms ??= [];
        foreach (var shift in shifts)
        {
            if (_definitions.FirstOrDefault(d => d.Name == shift.Covariate) is not CategoricalCovariate c || !c.LevelNames.Contains(shift.Level))
            {
                throw new ArgumentException($"Covariate '{name}' shifts its mean for {shift.Covariate} = {shift.Level}, but no categorical covariate '{shift.Covariate}' with that level was added before it.", nameof(shifts));
            }
            if (!double.IsFinite(shift.Shift))
            {
                throw new ArgumentException($"Covariate '{name}': the shift for {shift.Covariate} = {shift.Level} must be finite.", nameof(shifts));
            }
        }
        foreach (var term in terms)
        {
            if (_definitions.FirstOrDefault(d => d.Name == term.Covariate) is not ContinuousCovariate)
            {
                throw new ArgumentException($"Covariate '{name}' depends linearly on '{term.Covariate}', which is not a continuous covariate added before it.", nameof(terms));
            }
            if (!double.IsFinite(term.Slope) || !double.IsFinite(term.Centre))
            {
                throw new ArgumentException($"Covariate '{name}': the slope and centre for '{term.Covariate}' must be finite.", nameof(terms));
            }
        }
        _definitions.Add(new ContinuousCovariate(name, unit, mean, standardDeviation, scale, lower, upper, [.. shifts], [.. terms]));
        return this;
    }

    /// <summary>Builds the model.</summary>
    /// <returns>The covariate model.</returns>
    /// <exception cref="InvalidOperationException">No covariates were added.</exception>
    public CovariateModel Build() => _definitions.Count == 0
        ? throw new InvalidOperationException("A covariate model needs at least one covariate.")
        : new CovariateModel([.. _definitions]);

    private string CheckName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '_')))
        {
            throw new ArgumentException($"Covariate name '{name}' is not valid: use letters, digits and underscores.", nameof(name));
        }
        if (_definitions.Any(d => d.Name == name))
        {
            throw new ArgumentException($"Covariate '{name}' is defined twice.", nameof(name));
        }
        return name;
    }

    private static List<CovariateLevel> CheckLevels(string name, (string Level, double Probability)[] levels, string? context)
    {
        if (levels.Length < 2)
        {
            throw new ArgumentException($"Categorical covariate '{name}'{context} needs at least two levels.", nameof(levels));
        }
        if (levels.Select(l => l.Level).Distinct(StringComparer.Ordinal).Count() != levels.Length || levels.Any(l => string.IsNullOrWhiteSpace(l.Level)))
        {
            throw new ArgumentException($"Categorical covariate '{name}'{context}: level names must be distinct and not empty.", nameof(levels));
        }
        if (levels.Any(l => !(l.Probability >= 0 && l.Probability <= 1)))
        {
            throw new ArgumentException($"Categorical covariate '{name}'{context}: every probability must lie in [0, 1].", nameof(levels));
        }
        var sum = levels.Sum(l => l.Probability);
        if (Math.Abs(sum - 1) > 1e-9)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Categorical covariate '{name}'{context}: the probabilities sum to {sum}, not 1."), nameof(levels));
        }
        return [.. levels.Select(l => new CovariateLevel(l.Level, l.Probability))];
    }
}

internal static class CovariateJson
{
    public static JsonObject ToJsonObject(this IReadOnlyList<CovariateLevel> levels) =>
        new(levels.Select(l => KeyValuePair.Create(l.Name, (JsonNode?)l.Probability)));
}
