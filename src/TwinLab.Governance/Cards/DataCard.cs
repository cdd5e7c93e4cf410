using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using TwinLab.Governance.Schemas;

namespace TwinLab.Governance.Cards;

/// <summary>A model that generated part of a synthetic cohort: its name, version, digest and archive.</summary>
/// <param name="Name">The model's name.</param>
/// <param name="Version">The model's version.</param>
/// <param name="Digest">The model's content digest (<c>sha256:...</c>).</param>
/// <param name="Archive">The model's COMBINE archive in the release (e.g. <c>models/gompertz.omex</c>).</param>
public sealed record GeneratingModel(string Name, string Version, string Digest, string Archive);

/// <summary>Real data used to calibrate the generating models, with its time window.</summary>
/// <param name="Name">The data set.</param>
/// <param name="TimeWindow">The period the data cover (e.g. <c>2015-2020</c>, or days 0 to 60 of follow-up).</param>
/// <param name="Description">What was used and how.</param>
public sealed record CalibrationData(string Name, string TimeWindow, string Description);

/// <summary>How virtual patients were sampled: from the reference population, or oversampling some strata with weights
/// that restore the reference distribution.</summary>
/// <param name="Strategy"><c>reference</c> or <c>oversampled</c>.</param>
/// <param name="Seed">The seed of the random streams.</param>
/// <param name="Weights">The weight of each stratum (empty for reference sampling).</param>
public sealed record SamplingStrategy(string Strategy, ulong Seed, IReadOnlyDictionary<string, double> Weights);

/// <summary>One source in the mix of data used downstream: its kind, its share of the records and its measured
/// contribution (e.g. the change in a downstream score when it is removed).</summary>
/// <param name="Source">The source.</param>
/// <param name="Kind"><c>synthetic</c> or <c>real</c>.</param>
/// <param name="Fraction">Its share of the records (0–1).</param>
/// <param name="Contribution">What it contributes, in words or as a score.</param>
public sealed record DataMix(string Source, string Kind, double Fraction, string Contribution);

/// <summary>A file of the data set.</summary>
/// <param name="Path">Its path in the release.</param>
/// <param name="EncodingFormat">Its MIME type.</param>
/// <param name="Sha256">Its SHA-256, 64 hex digits.</param>
/// <param name="Columns">For tables: each column's name, Croissant data type (<c>sc:Float</c>, <c>sc:Integer</c>,
/// <c>sc:Text</c>, <c>sc:Boolean</c>) and description.</param>
public sealed record DataFile(string Path, string EncodingFormat, string Sha256, IReadOnlyList<(string Name, string DataType, string Description)> Columns);

/// <summary>The description of a synthetic cohort from which its data card is written.</summary>
/// <param name="Name">The data set's name.</param>
/// <param name="Description">What it is.</param>
/// <param name="Version">Its version.</param>
/// <param name="Published">When it was released.</param>
/// <param name="License">Its licence (URL or SPDX id).</param>
/// <param name="Url">Where it is published.</param>
/// <param name="Creator">Who made it.</param>
/// <param name="Generators">The generating models.</param>
/// <param name="Calibration">The calibration data.</param>
/// <param name="Sampling">The sampling strategy.</param>
/// <param name="Mix">The mix of synthetic and real data used downstream.</param>
/// <param name="Evaluation">Fidelity, utility, privacy and fairness results as named scores (slice = category).</param>
/// <param name="IntendedUses">Intended contexts of use.</param>
/// <param name="Limitations">Known limitations.</param>
/// <param name="Files">The files.</param>
public sealed record SyntheticCohortDescription(string Name, string Description, string Version, DateTimeOffset Published, string License, string Url,
    string Creator, IReadOnlyList<GeneratingModel> Generators, IReadOnlyList<CalibrationData> Calibration, SamplingStrategy Sampling,
    IReadOnlyList<DataMix> Mix, IReadOnlyList<Score> Evaluation, IReadOnlyList<string> IntendedUses, IReadOnlyList<string> Limitations,
    IReadOnlyList<DataFile> Files);

/// <summary>
/// The data card of a synthetic cohort: Croissant 1.0 JSON-LD with the Responsible-AI extension (generation as
/// <c>rai:dataCollection</c>, calibration windows as <c>rai:dataCollectionTimeframe</c>, sampling and weights as
/// <c>rai:dataPreprocessingProtocol</c>, uses, limitations and biases; generating archives as <c>isBasedOn</c>; the
/// data mix and evaluation scores as structured <c>twinlab:</c> properties) and a Markdown datasheet.
/// </summary>
public static class DataCard
{
    /// <summary>The namespace of TwinLab's own JSON-LD terms.</summary>
    public const string TwinLabTerms = "urn:twinlab:terms:";

    /// <summary>The Croissant JSON-LD, checked against <c>data-schemas/data-card.schema.json</c>.</summary>
    /// <param name="d">The cohort's description.</param>
    /// <exception cref="ArgumentException">An unknown sampling strategy or mix kind, a fraction outside 0–1, or a digest or hash of the wrong form.</exception>
    /// <exception cref="SchemaValidationException">The JSON breaks its schema (reported with the JSON pointer).</exception>
    public static string ToCroissant(SyntheticCohortDescription d)
    {
        Check(d);
        var inv = CultureInfo.InvariantCulture;
        var context = new JsonObject
        {
            ["@language"] = "en",
            ["@vocab"] = "https://schema.org/",
            ["sc"] = "https://schema.org/",
            ["cr"] = "http://mlcommons.org/croissant/",
            ["rai"] = "http://mlcommons.org/croissant/RAI/",
            ["dct"] = "http://purl.org/dc/terms/",
            ["twinlab"] = TwinLabTerms,
            ["citeAs"] = "cr:citeAs",
            ["column"] = "cr:column",
            ["conformsTo"] = "dct:conformsTo",
            ["data"] = new JsonObject { ["@id"] = "cr:data", ["@type"] = "@json" },
            ["dataType"] = new JsonObject { ["@id"] = "cr:dataType", ["@type"] = "@vocab" },
            ["extract"] = "cr:extract",
            ["field"] = "cr:field",
            ["fileObject"] = "cr:fileObject",
            ["recordSet"] = "cr:recordSet",
            ["source"] = "cr:source",
        };
        var json = new JsonObject
        {
            ["@context"] = context,
            ["@type"] = "sc:Dataset",
            ["name"] = d.Name,
            ["description"] = d.Description,
            ["conformsTo"] = "http://mlcommons.org/croissant/1.0",
            ["version"] = d.Version,
            ["datePublished"] = d.Published.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", inv),
            ["license"] = d.License,
            ["url"] = d.Url,
            ["creator"] = new JsonObject { ["@type"] = "sc:Organization", ["name"] = d.Creator },
            ["isBasedOn"] = CardJson.Array(d.Generators, g => new JsonObject
            {
                ["@type"] = "sc:SoftwareSourceCode",
                ["name"] = $"{g.Name} {g.Version}",
                ["identifier"] = g.Digest,
                ["url"] = g.Archive,
            }),
            ["rai:hasSyntheticData"] = true,
            ["rai:dataCollection"] = "Simulated: virtual patients drawn from parameter distributions and simulated with the mechanistic models "
                + string.Join(", ", d.Generators.Select(g => $"{g.Name} {g.Version} ({g.Digest})")) + $"; random streams keyed by seed {d.Sampling.Seed}.",
            ["rai:dataCollectionType"] = "Simulation (synthetic data generated by mechanistic models)",
            ["rai:dataCollectionTimeframe"] = CardJson.Array(d.Calibration, c => JsonValue.Create($"{c.Name}: {c.TimeWindow}")),
            ["rai:dataCollectionRawData"] = string.Join(" ", d.Calibration.Select(c => $"{c.Name} ({c.TimeWindow}): {c.Description}")),
            ["rai:dataPreprocessingProtocol"] = SamplingText(d.Sampling),
            ["rai:dataBiases"] = d.Sampling.Strategy == "oversampled"
                ? "Strata are oversampled; use the record weights to recover the reference population's distribution."
                : "Sampled from the reference population; biases of the calibration data carry over.",
            ["rai:dataUseCases"] = CardJson.Array(d.IntendedUses, u => JsonValue.Create(u)),
            ["rai:dataLimitations"] = CardJson.Array(d.Limitations, l => JsonValue.Create(l)),
            ["rai:personalSensitiveInformation"] = "No record describes a real person: every record is simulated. Calibration data are summarised in the generating models' parameters only.",
            ["twinlab:dataMix"] = CardJson.Array(d.Mix, m => new JsonObject
            {
                ["twinlab:source"] = m.Source,
                ["twinlab:kind"] = m.Kind,
                ["twinlab:fraction"] = m.Fraction,
                ["twinlab:contribution"] = m.Contribution,
            }),
            ["twinlab:evaluation"] = CardJson.Array(d.Evaluation, s => new JsonObject
            {
                ["twinlab:category"] = s.Slice ?? "",
                ["twinlab:metric"] = s.Name,
                ["twinlab:value"] = s.Value,
            }),
            ["distribution"] = CardJson.Array(d.Files, f => new JsonObject
            {
                ["@type"] = "cr:FileObject",
                ["@id"] = f.Path,
                ["name"] = f.Path,
                ["contentUrl"] = f.Path,
                ["encodingFormat"] = f.EncodingFormat,
                ["sha256"] = f.Sha256,
            }),
            ["recordSet"] = CardJson.Array(d.Files.Where(f => f.Columns.Count > 0), f => new JsonObject
            {
                ["@type"] = "cr:RecordSet",
                ["@id"] = "records/" + f.Path,
                ["name"] = f.Path,
                ["field"] = CardJson.Array(f.Columns, c => new JsonObject
                {
                    ["@type"] = "cr:Field",
                    ["@id"] = $"records/{f.Path}/{c.Name}",
                    ["name"] = c.Name,
                    ["description"] = c.Description,
                    ["dataType"] = c.DataType,
                    ["source"] = new JsonObject { ["fileObject"] = new JsonObject { ["@id"] = f.Path }, ["extract"] = new JsonObject { ["column"] = c.Name } },
                }),
            }),
        };
        return DataSchemas.Checked(DataSchemas.DataCard, $"The data card of {d.Name}", CardJson.Text(json));
    }

    /// <summary>The Markdown datasheet (motivation, composition, generation, sampling, mix, evaluation, uses, limitations).</summary>
    /// <param name="d">The cohort's description.</param>
    public static string ToMarkdown(SyntheticCohortDescription d)
    {
        Check(d);
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"# Datasheet: {d.Name} {d.Version}").AppendLine().AppendLine(d.Description).AppendLine();
        sb.AppendLine(inv, $"- Published: {d.Published.ToUniversalTime():yyyy-MM-dd} by {d.Creator}").AppendLine(inv, $"- Licence: {d.License}").AppendLine(inv, $"- URL: {d.Url}").AppendLine();
        sb.AppendLine("## Generating models").AppendLine().AppendLine("| Model | Version | Digest | Archive |").AppendLine("|---|---|---|---|");
        foreach (var g in d.Generators)
        {
            sb.AppendLine(inv, $"| {g.Name} | {g.Version} | `{g.Digest}` | {g.Archive} |");
        }
        sb.AppendLine().AppendLine("## Calibration data").AppendLine();
        sb.AppendLine(d.Calibration.Count == 0 ? "None: nominal literature parameters." : string.Join("\n", d.Calibration.Select(c => $"- {c.Name} ({c.TimeWindow}): {c.Description}"))).AppendLine();
        sb.AppendLine("## Sampling").AppendLine().AppendLine(SamplingText(d.Sampling)).AppendLine();
        sb.AppendLine("## Data mix used downstream").AppendLine().AppendLine("| Source | Kind | Share | Contribution |").AppendLine("|---|---|---|---|");
        foreach (var m in d.Mix)
        {
            sb.AppendLine(inv, $"| {m.Source} | {m.Kind} | {m.Fraction:P1} | {m.Contribution} |");
        }
        sb.AppendLine().AppendLine("## Evaluation").AppendLine().AppendLine("| Category | Metric | Value |").AppendLine("|---|---|---|");
        foreach (var s in d.Evaluation)
        {
            sb.AppendLine(inv, $"| {s.Slice} | {s.Name} | {s.Value.ToString("G6", inv)} |");
        }
        sb.AppendLine().AppendLine("## Intended uses").AppendLine().AppendLine(string.Join("\n", d.IntendedUses.Select(u => "- " + u))).AppendLine();
        sb.AppendLine("## Known limitations").AppendLine().AppendLine(string.Join("\n", d.Limitations.Select(l => "- " + l))).AppendLine();
        sb.AppendLine("## Files").AppendLine().AppendLine(string.Join("\n", d.Files.Select(f => $"- {f.Path} ({f.EncodingFormat}), SHA-256 `{f.Sha256}`")));
        return sb.ToString();
    }

    private static string SamplingText(SamplingStrategy s) => s.Strategy == "reference"
        ? $"Reference sampling from the population distributions (seed {s.Seed}); all records have weight 1."
        : $"Oversampled strata (seed {s.Seed}) with weights {string.Join(", ", s.Weights.Select(kv => $"{kv.Key} = {kv.Value.ToString("G6", CultureInfo.InvariantCulture)}"))}.";

    private static void Check(SyntheticCohortDescription d)
    {
        ArgumentNullException.ThrowIfNull(d);
        CardJson.Require(d.Name, nameof(d.Name));
        CardJson.Require(d.Description, nameof(d.Description));
        if (d.Sampling.Strategy is not ("reference" or "oversampled"))
        {
            throw new ArgumentException($"Sampling strategy '{d.Sampling.Strategy}' is not known: use \"reference\" or \"oversampled\".", nameof(d));
        }
        if (d.Sampling.Strategy == "oversampled" && d.Sampling.Weights.Count == 0)
        {
            throw new ArgumentException("An oversampled cohort needs the weight of each stratum.", nameof(d));
        }
        foreach (var m in d.Mix)
        {
            if (m.Kind is not ("synthetic" or "real") || !(m.Fraction is >= 0 and <= 1))
            {
                throw new ArgumentException($"Data mix source '{m.Source}': kind '{m.Kind}' must be \"synthetic\" or \"real\" and fraction {m.Fraction} must lie in [0, 1].", nameof(d));
            }
        }
        foreach (var g in d.Generators.Where(g => !g.Digest.StartsWith("sha256:", StringComparison.Ordinal) || g.Digest.Length != 71))
        {
            throw new ArgumentException($"Generating model '{g.Name}': digest '{g.Digest}' is not 'sha256:' and 64 hex digits.", nameof(d));
        }
        foreach (var f in d.Files.Where(f => f.Sha256.Length != 64 || !f.Sha256.All(char.IsAsciiHexDigitLower)))
        {
            throw new ArgumentException($"File '{f.Path}': SHA-256 '{f.Sha256}' is not 64 lower-case hex digits.", nameof(d));
        }
    }
}
