using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using TwinLab.Core.Randomness;
using TwinLab.Governance.Release;
using TwinLab.Governance.Schemas;
using TwinLab.TestSupport;
using Xunit.Abstractions;

namespace TwinLab.Governance.Tests;

/// <summary>TwinLab's JSON Schema validator against Debian's python3-jsonschema (Draft202012Validator) on the same
/// schemas and documents: the verdict and the set of JSON pointers where errors are reported must agree.</summary>
public sealed class JsonSchemaTests(ITestOutputHelper output) : IDisposable
{
    private const string Oracle = """
        import sys, json, jsonschema
        cases = json.load(sys.stdin)
        out = []
        for case in cases:
            schema = case["schema"]
            jsonschema.Draft202012Validator.check_schema(schema)
            errors = jsonschema.Draft202012Validator(schema).iter_errors(case["document"])
            out.append(sorted({"".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in e.absolute_path) for e in errors}))
        print(json.dumps(out))
        """;

    // Every keyword the validator implements, with the traps of draft 2020-12: 1.0 is an integer, 1 equals 1.0 in enum
    // and const, string lengths count code points, \d is ASCII only, boolean schemas, and if/then/else.
    private const string KeywordSchema = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "type": "object",
          "required": ["id", "count"],
          "additionalProperties": { "type": "string" },
          "properties": {
            "id": { "type": "string", "pattern": "^x\\d{2}$", "minLength": 3, "maxLength": 3 },
            "count": { "type": "integer", "minimum": 1, "exclusiveMaximum": 10 },
            "ratio": { "type": ["number", "null"], "exclusiveMinimum": 0, "maximum": 1 },
            "level": { "$ref": "#/$defs/level" },
            "fixed": { "const": { "a": [1, 2] } },
            "tags": { "type": "array", "minItems": 1, "maxItems": 3, "items": { "enum": [1, "one", null, true] } },
            "shape": { "oneOf": [ { "type": "object", "required": ["r"] }, { "type": "object", "required": ["w", "h"] } ] },
            "either": { "anyOf": [ { "type": "string" }, { "type": "number", "minimum": 0 } ] },
            "nothing": false,
            "anything": true,
            "name": { "type": "string", "not": { "enum": ["t", "exp"] }, "minLength": 2 },
            "kind": { "enum": ["bolus", "infusion"] },
            "dose": { "type": "object" }
          },
          "allOf": [
            { "if": { "properties": { "kind": { "const": "bolus" } }, "required": ["kind"] },
              "then": { "properties": { "dose": { "required": ["amount"] } } },
              "else": { "not": { "required": ["dose"] } } }
          ],
          "$defs": { "level": { "enum": ["low", "medium", "high"] } }
        }
        """;

    private static readonly string[] KeywordDocuments =
    [
        """{"id": "x12", "count": 1}""",
        """{"id": "x12", "count": 1.0}""",
        """{"id": "x12", "count": 1.5}""",
        """{"id": "x12", "count": 10}""",
        """{"id": "x12", "count": 0}""",
        """{"id": "x123", "count": 2}""",
        """{"count": 2}""",
        """[]""",
        """null""",
        """{"id": "x12", "count": 2, "ratio": null}""",
        """{"id": "x12", "count": 2, "ratio": 0}""",
        """{"id": "x12", "count": 2, "ratio": 1}""",
        """{"id": "x12", "count": 2, "ratio": "1"}""",
        """{"id": "x12", "count": 2, "level": "medium"}""",
        """{"id": "x12", "count": 2, "level": "extreme"}""",
        """{"id": "x12", "count": 2, "fixed": {"a": [1.0, 2]}}""",
        """{"id": "x12", "count": 2, "fixed": {"a": [2, 1]}}""",
        """{"id": "x12", "count": 2, "tags": [1.0, "one", null, true]}""",
        """{"id": "x12", "count": 2, "tags": []}""",
        """{"id": "x12", "count": 2, "tags": ["two", false]}""",
        """{"id": "x12", "count": 2, "shape": {"r": 1}}""",
        """{"id": "x12", "count": 2, "shape": {"r": 1, "w": 1, "h": 2}}""",
        """{"id": "x12", "count": 2, "shape": {"w": 1}}""",
        """{"id": "x12", "count": 2, "either": -1}""",
        """{"id": "x12", "count": 2, "either": "-1"}""",
        """{"id": "x12", "count": 2, "nothing": 0}""",
        """{"id": "x12", "count": 2, "anything": {"deep": [1]}}""",
        """{"id": "x12", "count": 2, "name": "exp"}""",
        """{"id": "x12", "count": 2, "name": "é"}""",
        """{"id": "x12", "count": 2, "name": "😀😀"}""",
        """{"id": "x12", "count": 2, "extra": "text", "more": 3}""",
        """{"id": "x12", "count": 2, "kind": "bolus", "dose": {"amount": 1}}""",
        """{"id": "x12", "count": 2, "kind": "bolus", "dose": {}}""",
        """{"id": "x12", "count": 2, "kind": "infusion", "dose": {}}""",
        """{"id": "x12", "count": 2, "kind": "infusion"}""",
        """{"id": 12, "count": "2", "ratio": 2, "tags": "1", "shape": 3}""",
    ];

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("twinlab-schema-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void EveryKeywordAgreesWithPythonJsonschema()
    {
        var schema = JsonSchema.Parse("keywords", KeywordSchema);
        var cases = KeywordDocuments.Select(d => (JsonNode.Parse(KeywordSchema)!, JsonNode.Parse(d))).ToList();
        var expected = RunOracle(cases);
        for (var i = 0; i < KeywordDocuments.Length; i++)
        {
            Assert.True(expected[i].SequenceEqual(Pointers(schema, cases[i].Item2)),
                $"document {KeywordDocuments[i]}: jsonschema reports errors at [{string.Join(", ", expected[i])}], TwinLab at [{string.Join(", ", Pointers(schema, cases[i].Item2))}]");
        }
        output.WriteLine($"{KeywordDocuments.Length} keyword documents: {expected.Count(e => e.Count == 0)} valid, {expected.Count(e => e.Count > 0)} invalid, all as jsonschema's");
        // ECMA-262, which JSON Schema names for patterns, reads \d as ASCII 0-9; Python's re (and so jsonschema) also
        // accepts other Unicode digits, so this case is checked against the standard rather than against Python.
        Assert.Equal(["/id"], Pointers(schema, JsonNode.Parse("""{"id": "x1\u0662", "count": 2}""")));
        // Both valid and invalid documents are in the corpus.
        Assert.Contains(expected, e => e.Count == 0);
        Assert.Contains(expected, e => e.Count > 2);
    }

    [Fact]
    public void TheProjectSchemasAgreeWithPythonJsonschemaOnWrittenDocumentsAndTheirMutants()
    {
        var db = TestCohorts.Store(_dir.FullName, size: 6);
        var release = ReleaseBundle.Write(db, Path.Combine(_dir.FullName, "release"), new ReleaseOptions { Published = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero) });
        var documents = new List<(string Schema, JsonNode Document)>();
        foreach (var file in release.Files.Where(f => ReleaseValidator.SchemaOf(f.Path) is not null))
        {
            documents.Add((ReleaseValidator.SchemaOf(file.Path)!, JsonNode.Parse(File.ReadAllText(Path.Combine(release.Folder, file.Path)))!));
        }
        using (var zip = ZipFile.OpenRead(Path.Combine(release.Folder, release.Cohorts[0].Archive)))
        {
            foreach (var entry in zip.Entries.Where(e => ReleaseValidator.SchemaOf(e.FullName) is not null))
            {
                using var reader = new StreamReader(entry.Open(), Encoding.UTF8);
                documents.Add((ReleaseValidator.SchemaOf(entry.FullName)!, JsonNode.Parse(reader.ReadToEnd())!));
            }
        }
        Assert.Equal(6, documents.Select(d => d.Schema).Distinct().Count()); // every schema of data-schemas/

        // Mutants: at nodes drawn with a seeded stream, a value replaced by one of another type, a property removed, or
        // an unknown property added.
        var cases = new List<(JsonNode Schema, JsonNode? Document)>();
        var names = new List<string>();
        var stream = RandomStream.For(2026, "schema-mutants");
        foreach (var (name, document) in documents)
        {
            var schemaText = File.ReadAllText(Path.Combine(DebianPython.RepositoryRoot, "data-schemas", name + ".schema.json"));
            cases.Add((JsonNode.Parse(schemaText)!, document.DeepClone()));
            names.Add(name);
            var nodes = Nodes(document, "").ToList();
            for (var k = 0; k < 60; k++)
            {
                var (pointer, _) = nodes[(int)stream.NextUInt32((uint)nodes.Count)];
                var mutant = document.DeepClone();
                Mutate(mutant, pointer, (int)stream.NextUInt32(8));
                cases.Add((JsonNode.Parse(schemaText)!, mutant));
                names.Add(name);
            }
        }
        var expected = RunOracle(cases);
        var invalid = 0;
        for (var i = 0; i < cases.Count; i++)
        {
            var actual = Pointers(DataSchemas.Get(names[i]), cases[i].Document);
            Assert.True(expected[i].SequenceEqual(actual),
                $"{names[i]} case {i}: jsonschema reports errors at [{string.Join(", ", expected[i])}], TwinLab at [{string.Join(", ", actual)}]\n{cases[i].Document?.ToJsonString()}");
            invalid += expected[i].Count > 0 ? 1 : 0;
        }
        output.WriteLine($"{cases.Count} documents ({documents.Count} written, {cases.Count - documents.Count} mutants): {invalid} invalid, all verdicts and error locations as jsonschema's");
        Assert.True(invalid > 100, $"only {invalid} of {cases.Count} mutants are invalid: the corpus does not exercise the schemas");
        Assert.True(cases.Count - invalid >= documents.Count, "the written documents themselves must be valid");
    }

    [Fact]
    public void SchemasWithKeywordsTheValidatorLacksOrDanglingReferencesAreRefused()
    {
        var unknown = Assert.Throws<ArgumentException>(() => JsonSchema.Parse("s", """{ "type": "array", "uniqueItems": true }"""));
        Assert.Contains("at '/uniqueItems': the keyword 'uniqueItems' is not implemented", unknown.Message, StringComparison.Ordinal);
        var dangling = Assert.Throws<ArgumentException>(() => JsonSchema.Parse("s", """{ "properties": { "a": { "$ref": "#/$defs/missing" } } }"""));
        Assert.Contains("$ref '#/$defs/missing' does not resolve", dangling.Message, StringComparison.Ordinal);
        var remote = Assert.Throws<ArgumentException>(() => JsonSchema.Parse("s", """{ "$ref": "https://example.org/s.json" }"""));
        Assert.Contains("points outside the schema", remote.Message, StringComparison.Ordinal);
        Assert.Equal(["credibility-report", "data-card", "model", "model-card", "parameter-set", "ro-crate"], DataSchemas.Names.Order(StringComparer.Ordinal));
    }

    private static List<string> Pointers(JsonSchema schema, JsonNode? document) =>
        [.. schema.Validate(document).Select(v => v.InstancePointer).Distinct().Order(StringComparer.Ordinal)];

    private static List<List<string>> RunOracle(IReadOnlyList<(JsonNode Schema, JsonNode? Document)> cases)
    {
        var input = new JsonArray([.. cases.Select(c => (JsonNode)new JsonObject { ["schema"] = c.Schema.DeepClone(), ["document"] = c.Document?.DeepClone() })]);
        var output = JsonNode.Parse(DebianPython.Run(Oracle, input.ToJsonString()))!.AsArray();
        // Python sorts by code point and .NET's ordinal comparison by UTF-16 unit; the pointers here are ASCII, so both agree.
        return [.. output.Select(o => o!.AsArray().Select(p => (string)p!).Order(StringComparer.Ordinal).ToList())];
    }

    private static IEnumerable<(string Pointer, JsonNode? Node)> Nodes(JsonNode? node, string pointer)
    {
        yield return (pointer, node);
        if (node is JsonObject o)
        {
            foreach (var (key, child) in o)
            {
                foreach (var n in Nodes(child, pointer + "/" + JsonSchema.Escape(key)))
                {
                    yield return n;
                }
            }
        }
        else if (node is JsonArray a)
        {
            for (var i = 0; i < a.Count; i++)
            {
                foreach (var n in Nodes(a[i], pointer + "/" + i))
                {
                    yield return n;
                }
            }
        }
    }

    private static void Mutate(JsonNode root, string pointer, int kind)
    {
        var segments = pointer.Length == 0 ? [] : pointer[1..].Split('/').Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
        JsonNode? parent = null;
        JsonNode? node = root;
        foreach (var s in segments)
        {
            parent = node;
            node = node is JsonArray a ? a[int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)] : node![s];
        }
        JsonNode? replacement = kind switch
        {
            0 => JsonValue.Create(42),
            1 => JsonValue.Create(-1.5),
            2 => JsonValue.Create("text"),
            3 => null,
            4 => new JsonArray(),
            5 => new JsonObject(),
            _ => JsonValue.Create(true),
        };
        if (kind == 7 && node is JsonObject target)
        {
            target["unexpected"] = 1;
            return;
        }
        if (kind == 6 && parent is JsonObject owner)
        {
            owner.Remove(segments[^1]);
            return;
        }
        switch (parent)
        {
            case JsonObject o:
                o[segments[^1]] = replacement;
                break;
            case JsonArray a:
                a[int.Parse(segments[^1], System.Globalization.CultureInfo.InvariantCulture)] = replacement;
                break;
            default:
                root.AsObject().Add("unexpected", replacement); // the root itself: add a property instead
                break;
        }
    }
}
