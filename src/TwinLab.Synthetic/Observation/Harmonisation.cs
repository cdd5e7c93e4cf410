using System.Globalization;
using System.Text;

namespace TwinLab.Synthetic.Observation;

/// <summary>
/// A rule that maps records of one endpoint and unit onto another: <c>y' = Convert(y)</c>, applied to the value, the
/// limit of quantification and the true value. <see cref="Convert"/> must be increasing so that censoring is preserved.
/// </summary>
public sealed record ConversionRule
{
    private ConversionRule(string fromEndpoint, string fromUnit, string toEndpoint, string toUnit, Func<double, double> convert, string formula)
    {
        FromEndpoint = fromEndpoint;
        FromUnit = fromUnit;
        ToEndpoint = toEndpoint;
        ToUnit = toUnit;
        Convert = convert;
        Formula = formula;
    }

    /// <summary>The endpoint the rule applies to.</summary>
    public string FromEndpoint { get; }

    /// <summary>The unit the rule applies to.</summary>
    public string FromUnit { get; }

    /// <summary>The endpoint after conversion.</summary>
    public string ToEndpoint { get; }

    /// <summary>The unit after conversion.</summary>
    public string ToUnit { get; }

    /// <summary>The conversion (increasing).</summary>
    public Func<double, double> Convert { get; }

    /// <summary>The conversion as text (recorded in the report).</summary>
    public string Formula { get; }

    /// <summary>A change of unit: y' = factor·y.</summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="fromUnit">Its unit in the source.</param>
    /// <param name="toUnit">The target unit.</param>
    /// <param name="factor">The factor (positive).</param>
    /// <returns>The rule.</returns>
    public static ConversionRule Unit(string endpoint, string fromUnit, string toUnit, double factor) => factor > 0 && double.IsFinite(factor)
        ? new(endpoint, fromUnit, endpoint, toUnit, y => factor * y, string.Create(CultureInfo.InvariantCulture, $"{endpoint}: {fromUnit} → {toUnit} (×{factor})"))
        : throw new ArgumentOutOfRangeException(nameof(factor), factor, "A unit conversion factor must be positive and finite.");

    /// <summary>A diameter to the volume of a sphere: V = factor·π d³/6 (factor converts the cubed unit, e.g. 1 for mm → mm³).</summary>
    /// <param name="fromEndpoint">The diameter endpoint.</param>
    /// <param name="fromUnit">Its unit.</param>
    /// <param name="toEndpoint">The volume endpoint.</param>
    /// <param name="toUnit">The volume unit.</param>
    /// <param name="factor">The factor on π d³/6.</param>
    /// <returns>The rule.</returns>
    public static ConversionRule DiameterToVolume(string fromEndpoint, string fromUnit, string toEndpoint, string toUnit, double factor = 1) =>
        factor > 0 && double.IsFinite(factor)
            ? new(fromEndpoint, fromUnit, toEndpoint, toUnit, d => factor * Math.PI * d * d * d / 6,
                string.Create(CultureInfo.InvariantCulture, $"{fromEndpoint} [{fromUnit}] → {toEndpoint} [{toUnit}] (V = {factor}·π d³/6)"))
            : throw new ArgumentOutOfRangeException(nameof(factor), factor, "The factor must be positive and finite.");
}

/// <summary>One line of a harmonisation report: a rule and how many records it changed.</summary>
/// <param name="Rule">What was done.</param>
/// <param name="Source">The data source.</param>
/// <param name="Records">How many records it changed.</param>
public sealed record HarmonisationStep(string Rule, string Source, int Records);

/// <summary>What a harmonisation changed, rule by rule and source by source.</summary>
/// <param name="Steps">The steps with their counts (rules that changed nothing are listed with 0).</param>
/// <param name="Unchanged">Records already in the target schema and left as they were.</param>
public sealed record HarmonisationReport(IReadOnlyList<HarmonisationStep> Steps, int Unchanged)
{
    /// <summary>The number of records a rule changed, over all sources.</summary>
    /// <param name="rulePrefix">The start of the rule's text.</param>
    /// <returns>The count.</returns>
    public int Count(string rulePrefix) => Steps.Where(s => s.Rule.StartsWith(rulePrefix, StringComparison.Ordinal)).Sum(s => s.Records);

    /// <summary>The report as text.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var step in Steps)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{step.Source}: {step.Rule}: {step.Records} records\n");
        }
        sb.Append(CultureInfo.InvariantCulture, $"{Unchanged} records unchanged");
        return sb.ToString();
    }
}

/// <summary>Harmonised records and the report of what changed.</summary>
/// <param name="Records">Every input record, in input order, in the target schema.</param>
/// <param name="Report">What changed.</param>
public sealed record HarmonisedData(IReadOnlyList<ObservationRecord> Records, HarmonisationReport Report);

/// <summary>
/// Maps records from several sources onto one schema — one endpoint in one unit — with explicit conversion rules, and
/// optionally a common lower limit of quantification (the highest of the sources', after conversion) so that censoring
/// means the same thing everywhere. Every input record comes out (none is dropped); a record that no rule maps onto the
/// target is an error that lists every such endpoint and unit with its count.
/// </summary>
/// <param name="endpoint">The target endpoint's name.</param>
/// <param name="unit">The target unit.</param>
public sealed class Harmoniser(string endpoint, string unit)
{
    private readonly List<ConversionRule> _rules = [];

    /// <summary>The target endpoint.</summary>
    public string Endpoint { get; } = endpoint ?? throw new ArgumentNullException(nameof(endpoint));

    /// <summary>The target unit.</summary>
    public string Unit { get; } = unit ?? throw new ArgumentNullException(nameof(unit));

    /// <summary>Whether to apply the highest limit of quantification to every source.</summary>
    public bool CommonLloq { get; init; }

    /// <summary>Adds a conversion rule; its result must be the target endpoint and unit.</summary>
    /// <param name="rule">The rule.</param>
    /// <returns>This harmoniser.</returns>
    public Harmoniser Add(ConversionRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.ToEndpoint != Endpoint || rule.ToUnit != Unit)
        {
            throw new ArgumentException($"Rule '{rule.Formula}' gives {rule.ToEndpoint} [{rule.ToUnit}], not the target {Endpoint} [{Unit}].", nameof(rule));
        }
        if (_rules.Any(r => r.FromEndpoint == rule.FromEndpoint && r.FromUnit == rule.FromUnit))
        {
            throw new ArgumentException($"Two rules convert {rule.FromEndpoint} [{rule.FromUnit}].", nameof(rule));
        }
        _rules.Add(rule);
        return this;
    }

    /// <summary>Harmonises records.</summary>
    /// <param name="records">Records from any sources.</param>
    /// <returns>The harmonised records and the report.</returns>
    /// <exception cref="InvalidOperationException">Some records have an endpoint and unit that no rule maps onto the target; the message lists them with counts.</exception>
    public HarmonisedData Harmonise(IEnumerable<ObservationRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var input = records.ToList();
        var unmapped = input.Where(r => !(r.Endpoint == Endpoint && r.Unit == Unit) && FindRule(r) is null)
            .GroupBy(r => $"{r.Endpoint} [{r.Unit}] from {r.Source}").Select(g => $"{g.Key}: {g.Count()} records").ToList();
        if (unmapped.Count > 0)
        {
            throw new InvalidOperationException($"No rule maps these records onto {Endpoint} [{Unit}]: {string.Join("; ", unmapped)}. Add a ConversionRule for each.");
        }
        var counts = new Dictionary<(string Rule, string Source), int>();
        foreach (var rule in _rules)
        {
            foreach (var source in input.Select(r => r.Source).Distinct(StringComparer.Ordinal))
            {
                counts[(rule.Formula, source)] = 0;
            }
        }
        var output = new List<ObservationRecord>(input.Count);
        var unchanged = 0;
        foreach (var r in input)
        {
            if (FindRule(r) is { } rule)
            {
                output.Add(r with
                {
                    Endpoint = Endpoint,
                    Unit = Unit,
                    Value = r.Value is { } v ? rule.Convert(v) : null,
                    Lloq = r.Lloq is { } l ? rule.Convert(l) : null,
                    TrueValue = r.TrueValue is { } t ? rule.Convert(t) : null,
                });
                counts[(rule.Formula, r.Source)]++;
            }
            else
            {
                output.Add(r);
                unchanged++;
            }
        }
        var steps = counts.Select(c => new HarmonisationStep(c.Key.Rule, c.Key.Source, c.Value)).ToList();
        if (CommonLloq)
        {
            var common = output.Where(r => r.Lloq is not null).Select(r => r.Lloq!.Value).DefaultIfEmpty(double.NaN).Max();
            if (!double.IsNaN(common))
            {
                var rule = string.Create(CultureInfo.InvariantCulture, $"common LLOQ {common:G6} {Unit}");
                var newlyCensored = new Dictionary<string, int>(StringComparer.Ordinal);
                var limitChanged = new Dictionary<string, int>(StringComparer.Ordinal);
                for (var i = 0; i < output.Count; i++)
                {
                    var r = output[i];
                    newlyCensored.TryAdd(r.Source, 0);
                    limitChanged.TryAdd(r.Source, 0);
                    if (r.Lloq != common)
                    {
                        limitChanged[r.Source]++;
                    }
                    if (r.Status == ObservationStatus.Observed && !r.Censored && r.Value is { } v && v < common)
                    {
                        output[i] = r with { Value = common, Censored = true, Lloq = common };
                        newlyCensored[r.Source]++;
                    }
                    else if (r.Censored && r.Value is not null)
                    {
                        output[i] = r with { Value = common, Lloq = common };
                    }
                    else
                    {
                        output[i] = r with { Lloq = common };
                    }
                }
                steps.AddRange(limitChanged.Select(p => new HarmonisationStep(rule + ": limit set", p.Key, p.Value)));
                steps.AddRange(newlyCensored.Select(p => new HarmonisationStep(rule + ": values newly censored", p.Key, p.Value)));
            }
        }
        return new HarmonisedData(output, new HarmonisationReport(steps, unchanged));
    }

    private ConversionRule? FindRule(ObservationRecord record) =>
        _rules.FirstOrDefault(r => r.FromEndpoint == record.Endpoint && r.FromUnit == record.Unit);
}
