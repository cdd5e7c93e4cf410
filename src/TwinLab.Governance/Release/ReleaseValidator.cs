using System.Text.Json;
using System.Text.Json.Nodes;
using TwinLab.Core.Modelling;
using TwinLab.Governance.Archives;
using TwinLab.Governance.Cards;
using TwinLab.Governance.Sbml;
using TwinLab.Governance.Schemas;

namespace TwinLab.Governance.Release;

/// <summary>
/// Checks a release folder written by <see cref="ReleaseBundle"/>, or a single COMBINE archive, and lists every
/// problem with the file (and JSON pointer or archive entry) it concerns: <c>SHA256SUMS</c> (every file listed, present
/// and unchanged; no file unlisted), every JSON artefact against its schema in <c>data-schemas/</c>, the RO-Crate's
/// links to files that exist (and every file described by the crate), and every <c>.omex</c> archive with
/// <see cref="OmexArchive.Validate"/>, an SBML import and a schema check of its JSON files.
/// </summary>
public static class ReleaseValidator
{
    /// <summary>The schema of a JSON file of a release, from its name; null for a file that has none.</summary>
    /// <param name="path">The path in the release.</param>
    /// <returns>The schema's name in <see cref="DataSchemas"/>, or null.</returns>
    public static string? SchemaOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var name = path.Replace('\\', '/').Split('/')[^1];
        return name switch
        {
            ProvenanceCrate.MetadataFile => DataSchemas.RoCrate,
            "credibility-report.json" => DataSchemas.CredibilityReport,
            "parameters.json" => DataSchemas.ParameterSet,
            "model.json" => DataSchemas.Model,
            _ when name.EndsWith(".data-card.json", StringComparison.Ordinal) => DataSchemas.DataCard,
            _ when name.EndsWith(".model-card.json", StringComparison.Ordinal) => DataSchemas.ModelCard,
            _ => null,
        };
    }

    /// <summary>Every problem of a release folder (empty when it is sound).</summary>
    /// <param name="folder">The release folder.</param>
    /// <returns>The problems, each starting with the file it concerns.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static IReadOnlyList<string> ValidateRelease(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The release folder '{folder}' does not exist.");
        }
        var root = Path.GetFullPath(folder);
        var problems = new List<string>();
        var present = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal).ToList();
        CheckSums(root, present, problems);
        foreach (var path in present.Where(p => p.EndsWith(".json", StringComparison.Ordinal)))
        {
            var schema = SchemaOf(path);
            if (schema is null)
            {
                problems.Add($"{path}: a JSON file with no schema in data-schemas/ (releases hold only JSON artefacts TwinLab can check)");
                continue;
            }
            CheckJson(path, File.ReadAllText(Path.Combine(root, path)), schema, problems);
        }
        CheckCrate(root, present, problems);
        foreach (var path in present.Where(p => p.EndsWith(".omex", StringComparison.Ordinal)))
        {
            problems.AddRange(ValidateArchive(Path.Combine(root, path)).Select(p => $"{path}: {p}"));
        }
        return problems;
    }

    /// <summary>Every problem of a COMBINE archive (empty when it is sound): the checks of
    /// <see cref="OmexArchive.Validate"/>, then, for a safe archive, an import of each SBML entry and a schema check of
    /// <c>model.json</c> and <c>parameters.json</c>.</summary>
    /// <param name="path">The archive.</param>
    /// <returns>The problems, each naming its entry.</returns>
    public static IReadOnlyList<string> ValidateArchive(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var problems = OmexArchive.Validate(path).ToList();
        if (problems.Count > 0)
        {
            return problems;
        }
        var content = OmexArchive.Read(path);
        foreach (var entry in content.Manifest.Where(m => m.Format.Contains("combine.specifications/sbml", StringComparison.Ordinal)))
        {
            try
            {
                SbmlImporter.Import(content.Text(entry.Location), entry.Location);
            }
            catch (SbmlImportException e)
            {
                problems.AddRange(e.Problems.Select(p => $"entry '{entry.Location}': {p}"));
            }
            catch (Exception e) when (e is FormatException or ModelValidationException or ArgumentException)
            {
                problems.Add($"entry '{entry.Location}': {e.Message}");
            }
        }
        foreach (var (name, bytes) in content.Files.Where(f => SchemaOf(f.Key) is not null).OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var inner = new List<string>();
            CheckJson(name, System.Text.Encoding.UTF8.GetString(bytes), SchemaOf(name)!, inner);
            problems.AddRange(inner.Select(p => "entry " + p));
        }
        return problems;
    }

    private static void CheckJson(string path, string text, string schema, List<string> problems)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            problems.Add($"{path}: not valid JSON ({e.Message})");
            return;
        }
        problems.AddRange(DataSchemas.Get(schema).Validate(node).Select(v => $"{path}: does not conform to {schema}.schema.json {v}"));
    }

    private static void CheckSums(string root, List<string> present, List<string> problems)
    {
        var sums = Path.Combine(root, ReleaseBundle.ChecksumFile);
        if (!File.Exists(sums))
        {
            problems.Add($"{ReleaseBundle.ChecksumFile}: missing; every release lists its files with their SHA-256 in it");
            return;
        }
        var listed = new HashSet<string>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var line in File.ReadLines(sums))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }
            // sha256sum's format: 64 hex digits, a space, a space (text) or '*' (binary), the path.
            if (line.Length < 67 || line[64] != ' ' || line[65] is not (' ' or '*') || !line[..64].All(char.IsAsciiHexDigit))
            {
                problems.Add($"{ReleaseBundle.ChecksumFile} line {lineNumber}: not 'SHA256  PATH' as sha256sum writes it");
                continue;
            }
            var path = line[66..];
            listed.Add(path);
            if (path.StartsWith('/') || path.Split('/').Contains(".."))
            {
                problems.Add($"{ReleaseBundle.ChecksumFile} line {lineNumber}: '{path}' points outside the release");
                continue;
            }
            var full = Path.Combine(root, path);
            if (!File.Exists(full))
            {
                problems.Add($"{path}: listed in {ReleaseBundle.ChecksumFile} (line {lineNumber}) but missing");
            }
            else if (!string.Equals(ReleaseBundle.Sha256(full), line[..64], StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{path}: its SHA-256 is {ReleaseBundle.Sha256(full)}, not {line[..64].ToLowerInvariant()} as {ReleaseBundle.ChecksumFile} line {lineNumber} records: the file was changed");
            }
        }
        foreach (var path in present.Where(p => p != ReleaseBundle.ChecksumFile && !listed.Contains(p)))
        {
            problems.Add($"{path}: present but not listed in {ReleaseBundle.ChecksumFile}");
        }
    }

    private static void CheckCrate(string root, List<string> files, List<string> problems)
    {
        var present = files.ToHashSet(StringComparer.Ordinal);
        var file = ProvenanceCrate.MetadataFile;
        var full = Path.Combine(root, file);
        if (!File.Exists(full))
        {
            problems.Add($"{file}: missing; a release describes its provenance in an RO-Crate");
            return;
        }
        JsonNode? crate;
        try
        {
            crate = JsonNode.Parse(File.ReadAllText(full));
        }
        catch (JsonException)
        {
            return; // reported by the schema check
        }
        var graph = crate?["@graph"] as JsonArray;
        if (graph is null)
        {
            return;
        }
        var entities = graph.OfType<JsonObject>().Where(e => e["@id"] is JsonValue).ToDictionary(e => (string)e["@id"]!, StringComparer.Ordinal);
        var described = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < graph.Count; i++)
        {
            if (graph[i] is not JsonObject entity)
            {
                continue;
            }
            var id = (string?)entity["@id"] ?? "";
            if ((string?)entity["@type"] == "File")
            {
                described.Add(id);
                if (!present.Contains(id))
                {
                    problems.Add($"{file}: /@graph/{i} describes the file '{id}', which is not in the release");
                }
            }
            foreach (var (property, value) in entity)
            {
                foreach (var (link, index) in Links(value))
                {
                    var pointer = $"/@graph/{i}/{JsonSchema.Escape(property)}{(index is { } k ? "/" + k : "")}";
                    if (link.StartsWith('#') || link.Contains("://", StringComparison.Ordinal) || link == "./")
                    {
                        if (link.StartsWith('#') && !entities.ContainsKey(link))
                        {
                            problems.Add($"{file}: {pointer} links to '{link}', which no entity of the crate describes");
                        }
                        continue;
                    }
                    if (!present.Contains(link))
                    {
                        problems.Add($"{file}: {pointer} links to '{link}', which is not in the release");
                    }
                }
            }
        }
        foreach (var path in files.Where(p => p != file && p != ReleaseBundle.ChecksumFile && !described.Contains(p)))
        {
            problems.Add($"{path}: not described in {file} (every file of a release is a File entity of its crate)");
        }
    }

    private static IEnumerable<(string Id, int? Index)> Links(JsonNode? value)
    {
        if (value is JsonObject o && o.Count == 1 && o["@id"] is JsonValue v)
        {
            yield return ((string)v!, null);
        }
        else if (value is JsonArray a)
        {
            for (var i = 0; i < a.Count; i++)
            {
                if (a[i] is JsonObject item && item.Count == 1 && item["@id"] is JsonValue id)
                {
                    yield return ((string)id!, i);
                }
            }
        }
    }
}
