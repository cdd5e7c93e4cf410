using System.Collections.Frozen;
using System.Reflection;

namespace TwinLab.Governance.Schemas;

/// <summary>
/// The JSON Schemas of <c>data-schemas/</c> (embedded in this assembly when it is built), by name: <c>model</c>,
/// <c>parameter-set</c>, <c>model-card</c>, <c>data-card</c>, <c>credibility-report</c> and <c>ro-crate</c>. Every JSON
/// artefact TwinLab's governance writes is checked against its schema before the file is written.
/// </summary>
public static class DataSchemas
{
    /// <summary>The schema of TwinLab model files (<c>model.json</c>).</summary>
    public const string Model = "model";

    /// <summary>The schema of parameter sets (<c>parameters.json</c>).</summary>
    public const string ParameterSet = "parameter-set";

    /// <summary>The schema of model cards.</summary>
    public const string ModelCard = "model-card";

    /// <summary>The schema of data cards (Croissant JSON-LD).</summary>
    public const string DataCard = "data-card";

    /// <summary>The schema of credibility reports.</summary>
    public const string CredibilityReport = "credibility-report";

    /// <summary>The schema of <c>ro-crate-metadata.json</c>.</summary>
    public const string RoCrate = "ro-crate";

    private const string Prefix = "TwinLab.Governance.DataSchemas.";

    private static readonly Lazy<FrozenDictionary<string, JsonSchema>> All = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The names of the schemas.</summary>
    public static IReadOnlyCollection<string> Names => All.Value.Keys;

    /// <summary>A schema by name.</summary>
    /// <param name="name">The name (e.g. <c>model-card</c>).</param>
    /// <returns>The schema.</returns>
    /// <exception cref="KeyNotFoundException">No such schema; the message lists them.</exception>
    public static JsonSchema Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return All.Value.TryGetValue(name, out var schema)
            ? schema
            : throw new KeyNotFoundException($"There is no schema '{name}' in data-schemas/; the schemas are {string.Join(", ", All.Value.Keys.Order(StringComparer.Ordinal))}.");
    }

    /// <summary>Checks a JSON text against a schema and returns it unchanged, so that writers can check on the way out.</summary>
    /// <param name="name">The schema's name.</param>
    /// <param name="document">What the document is, for the message (e.g. <c>the model card of gompertz</c>).</param>
    /// <param name="json">The JSON text.</param>
    /// <returns><paramref name="json"/>.</returns>
    /// <exception cref="SchemaValidationException">The document breaks the schema.</exception>
    public static string Checked(string name, string document, string json)
    {
        Get(name).EnsureValid(document, json);
        return json;
    }

    private static FrozenDictionary<string, JsonSchema> Load()
    {
        var assembly = typeof(DataSchemas).Assembly;
        var schemas = new Dictionary<string, JsonSchema>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(Prefix, StringComparison.Ordinal) && r.EndsWith(".schema.json", StringComparison.Ordinal)))
        {
            var name = resource[Prefix.Length..^".schema.json".Length];
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            schemas[name] = JsonSchema.Parse(name + ".schema.json", reader.ReadToEnd());
        }
        return schemas.Count > 0
            ? schemas.ToFrozenDictionary(StringComparer.Ordinal)
            : throw new InvalidOperationException($"{assembly.GetName().Name} holds no schemas: it must be built with data-schemas/*.schema.json embedded.");
    }
}
