using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using TwinLab.Governance.Schemas;

namespace TwinLab.Governance.Cards;

/// <summary>A file of a release, described in its RO-Crate.</summary>
/// <param name="Path">The path relative to the crate's root (forward slashes).</param>
/// <param name="Name">A short name.</param>
/// <param name="EncodingFormat">The MIME type.</param>
/// <param name="Description">What the file is.</param>
public sealed record CrateFile(string Path, string Name, string EncodingFormat, string Description);

/// <summary>One generation of a cohort: which file it produced from which model archive, parameter set and seed, with
/// which TwinLab version, and when.</summary>
/// <param name="Id">A local id (letters, digits, dashes).</param>
/// <param name="Name">What was done.</param>
/// <param name="Result">The path of the generated file.</param>
/// <param name="ModelArchive">The path of the generating model's archive.</param>
/// <param name="ParameterSet">The path of the parameter set.</param>
/// <param name="Seed">The seed of the random streams.</param>
/// <param name="EndTime">When the generation finished.</param>
public sealed record GenerationRun(string Id, string Name, string Result, string ModelArchive, string ParameterSet, ulong Seed, DateTimeOffset EndTime)
{
    /// <summary>The TwinLab version that generated the cohort, when it differs from the one writing the crate (null:
    /// the same). It becomes its own <c>SoftwareApplication</c>, the instrument of this generation.</summary>
    public string? TwinLabVersion { get; init; }
}

/// <summary>
/// The provenance of a release as an RO-Crate 1.1 (<c>ro-crate-metadata.json</c>): the release as the root data set, its
/// files, TwinLab as a <c>SoftwareApplication</c>, and one <c>CreateAction</c> per generated cohort whose instrument is
/// TwinLab and the model archive, whose objects are the parameter set and the seed, and whose result is the cohort.
/// Record-level ids live in the data files themselves.
/// </summary>
public static class ProvenanceCrate
{
    /// <summary>The file name of the crate's metadata.</summary>
    public const string MetadataFile = "ro-crate-metadata.json";

    /// <summary>TwinLab's version, from the assembly's informational version.</summary>
    public static string TwinLabVersion =>
        typeof(ProvenanceCrate).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>The crate's metadata, checked against <c>data-schemas/ro-crate.schema.json</c>.</summary>
    /// <param name="name">The release's name.</param>
    /// <param name="description">What the release holds.</param>
    /// <param name="published">When it was released.</param>
    /// <param name="license">Its licence (a URL).</param>
    /// <param name="files">Every file of the release.</param>
    /// <param name="runs">The generations of its cohorts.</param>
    /// <exception cref="ArgumentException">A run names a file that is not among <paramref name="files"/>, or two files share a path.</exception>
    public static string Create(string name, string description, DateTimeOffset published, string license, IReadOnlyList<CrateFile> files, IReadOnlyList<GenerationRun> runs)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(runs);
        CardJson.Require(name, nameof(name));
        CardJson.Require(description, nameof(description));
        var paths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in files)
        {
            if (!paths.Add(f.Path))
            {
                throw new ArgumentException($"The file '{f.Path}' is listed twice.", nameof(files));
            }
        }
        foreach (var r in runs)
        {
            foreach (var (path, role) in new[] { (r.Result, "result"), (r.ModelArchive, "model archive"), (r.ParameterSet, "parameter set") })
            {
                if (!paths.Contains(path))
                {
                    throw new ArgumentException($"Generation '{r.Id}': its {role} '{path}' is not among the crate's files; add it.", nameof(runs));
                }
            }
        }
        var inv = CultureInfo.InvariantCulture;
        static string When(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var graph = new JsonArray
        {
            new JsonObject
            {
                ["@id"] = MetadataFile,
                ["@type"] = "CreativeWork",
                ["conformsTo"] = new JsonObject { ["@id"] = "https://w3id.org/ro/crate/1.1" },
                ["about"] = new JsonObject { ["@id"] = "./" },
            },
            new JsonObject
            {
                ["@id"] = "./",
                ["@type"] = "Dataset",
                ["name"] = name,
                ["description"] = description,
                ["datePublished"] = When(published),
                ["license"] = new JsonObject { ["@id"] = license },
                ["hasPart"] = CardJson.Array(files, f => new JsonObject { ["@id"] = f.Path }),
                ["mentions"] = CardJson.Array(runs, r => new JsonObject { ["@id"] = "#" + r.Id }),
            },
            new JsonObject
            {
                ["@id"] = license,
                ["@type"] = "CreativeWork",
                ["name"] = license,
            },
            new JsonObject
            {
                ["@id"] = "#twinlab",
                ["@type"] = "SoftwareApplication",
                ["name"] = "TwinLab",
                ["version"] = TwinLabVersion,
            },
        };
        foreach (var version in runs.Select(r => r.TwinLabVersion).OfType<string>().Where(v => v != TwinLabVersion).Distinct(StringComparer.Ordinal))
        {
            graph.Add(new JsonObject { ["@id"] = SoftwareId(version), ["@type"] = "SoftwareApplication", ["name"] = "TwinLab", ["version"] = version });
        }
        foreach (var f in files)
        {
            graph.Add(new JsonObject { ["@id"] = f.Path, ["@type"] = "File", ["name"] = f.Name, ["description"] = f.Description, ["encodingFormat"] = f.EncodingFormat });
        }
        foreach (var r in runs)
        {
            graph.Add(new JsonObject
            {
                ["@id"] = "#" + r.Id,
                ["@type"] = "CreateAction",
                ["name"] = r.Name,
                ["endTime"] = When(r.EndTime),
                ["instrument"] = new JsonArray(new JsonObject { ["@id"] = r.TwinLabVersion is { } v && v != TwinLabVersion ? SoftwareId(v) : "#twinlab" }, new JsonObject { ["@id"] = r.ModelArchive }),
                ["object"] = new JsonArray(new JsonObject { ["@id"] = r.ParameterSet }, new JsonObject { ["@id"] = $"#{r.Id}-seed" }),
                ["result"] = new JsonObject { ["@id"] = r.Result },
            });
            graph.Add(new JsonObject
            {
                ["@id"] = $"#{r.Id}-seed",
                ["@type"] = "PropertyValue",
                ["name"] = "seed",
                ["value"] = r.Seed.ToString(inv),
            });
        }
        static string SoftwareId(string version) => "#twinlab-" + Uri.EscapeDataString(version);
        return DataSchemas.Checked(DataSchemas.RoCrate, $"The RO-Crate metadata of {name}",
            CardJson.Text(new JsonObject { ["@context"] = "https://w3id.org/ro/crate/1.1/context", ["@graph"] = graph }));
    }
}
