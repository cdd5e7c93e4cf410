using TwinLab.Core.Distributions;
using TwinLab.Core.Library;
using TwinLab.Core.Modelling;
using TwinLab.Core.Symbolic;
using TwinLab.TestSupport;

namespace TwinLab.Core.Tests.Modelling;

public class ModelJsonTests
{
    public static TheoryData<string> LibraryModels => [.. ModelLibrary.Names];

    [Theory]
    [MemberData(nameof(LibraryModels))]
    public void Saved_models_load_with_the_same_digest_and_text(string name)
    {
        var model = ModelLibrary.Get(name);
        var json = ModelJson.Serialize(model);
        var loaded = ModelJson.Deserialize(json);
        Assert.Equal(model.Digest, loaded.Digest);
        Assert.Equal(json, ModelJson.Serialize(loaded));
        Assert.Equal(model.ToText(), loaded.ToText());
    }

    [Fact]
    public void Every_prior_kind_round_trips_including_infinite_truncation()
    {
        var m = new ModelBuilder("priors");
        var x = m.State("x", 1);
        m.Rate(x, 0);
        m.Parameter("a", 1, prior: Prior.Normal(1, 2));
        m.Parameter("b", 1, prior: Prior.LogNormal(1, 0.5));
        m.Parameter("c", 1, prior: Prior.Uniform(0, 2));
        m.Parameter("d", 1, prior: Prior.LogUniform(0.1, 10));
        m.Parameter("e", 1, prior: Prior.TruncatedNormal(0, 1, 0, double.PositiveInfinity));
        m.Parameter("f", 0.5, prior: Prior.Beta(2, 2));
        m.Parameter("g", 1, prior: Prior.Gamma(2, 1));
        var model = m.Build();
        var json = ModelJson.Serialize(model);
        Assert.Contains("\"Infinity\"", json, StringComparison.Ordinal);
        var loaded = ModelJson.Deserialize(json);
        Assert.Equal(model.Digest, loaded.Digest);
        Assert.Equal(model.Parameters.Select(p => p.Prior), loaded.Parameters.Select(p => p.Prior));
    }

    [Fact]
    public void Save_writes_atomically_and_load_reads_back()
    {
        var model = ModelLibrary.Get("pk-oral-1cmt");
        var dir = Directory.CreateTempSubdirectory("twinlab-model-");
        try
        {
            var path = Path.Combine(dir.FullName, "pk.json");
            File.WriteAllText(path, "old content");
            ModelJson.Save(model, path);
            Assert.Equal(model.Digest, ModelJson.Load(path).Digest);
            Assert.Single(dir.GetFiles()); // no temporary file left behind
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static Model Build(Action<ModelBuilder>? change = null, string description = "d")
    {
        var m = new ModelBuilder("demo", "1.0") { Description = description };
        var x = m.State("x", 1, "mg");
        var k = m.Parameter("k", 0.5, "1/h", Prior.LogNormal(0.5, 0.2), (0.01, 5));
        m.Rate(x, -k * x);
        change?.Invoke(m);
        return m.Build();
    }

    [Fact]
    public void The_digest_is_stable_and_changes_exactly_with_content()
    {
        Assert.Equal(Build().Digest, Build().Digest);
        Assert.NotEqual(Build().Digest, Build(description: "other").Digest);
        Assert.NotEqual(Build().Digest, Build(m => m.Parameter("j", 1)).Digest);
        Assert.NotEqual(Build().Digest, Build(m => m.Cite("A paper", "10.1000/xyz")).Digest);
        var a = new ModelBuilder("demo") { Description = "d" };
        var x = a.State("x", 1, "mg");
        var k = a.Parameter("k", 0.5, "1/h", Prior.LogNormal(0.5, 0.2), (0.01, 5));
        a.Rate(x, -(k * x));
        Assert.NotEqual(Build().Digest, a.Build().Digest);
    }

    private static string Json(Model model) => ModelJson.Serialize(model);

    private static ModelFormatException LoadFails(string json) =>
        Assert.Throws<ModelFormatException>(() => ModelJson.Deserialize(json, "demo.json"));

    [Fact]
    public void Malformed_json_reports_the_line()
    {
        var json = Json(Build()).Replace("\"version\": \"1.0\",", "\"version\": \"1.0\"", StringComparison.Ordinal);
        var ex = LoadFails(json);
        // The missing comma after line 5 is noticed at the next token, on line 6.
        Assert.Equal(6, ex.Line);
        Assert.Contains("demo.json, line 6", ex.Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_properties_are_reported_with_line_and_path()
    {
        var json = Json(Build()).Replace("\"unit\": \"mg\"", "\"unit\": \"mg\",\n      \"colour\": \"red\"", StringComparison.Ordinal);
        var ex = LoadFails(json);
        Assert.Contains("unknown property 'colour'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("states[0]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_types_are_reported()
    {
        var json = Json(Build()).Replace("\"value\": 0.5", "\"value\": \"half\"", StringComparison.Ordinal);
        var ex = LoadFails(json);
        Assert.Contains("wrong type", ex.Message, StringComparison.Ordinal);
        Assert.Contains("parameters[0].value", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_values_and_bad_expressions_name_the_line()
    {
        var original = Json(Build());
        var noRate = original.Replace("\"rate\": \"-k * x\",", "", StringComparison.Ordinal).Replace(",\n      \"digest\"", "\n      \"digest\"", StringComparison.Ordinal);
        var ex = LoadFails(StripDigest(noRate));
        Assert.Contains("(states[0].rate): 'rate' is missing", ex.Message, StringComparison.Ordinal);

        var badExpression = StripDigest(original.Replace("\"rate\": \"-k * x\"", "\"rate\": \"-k * (x\"", StringComparison.Ordinal));
        ex = LoadFails(badExpression);
        var line = badExpression.Split('\n').ToList().FindIndex(l => l.Contains("-k * (x", StringComparison.Ordinal)) + 1;
        Assert.Equal(line, ex.Line);
        Assert.Contains("close the parenthesis", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Semantic_errors_come_from_the_builder()
    {
        var json = StripDigest(Json(Build()).Replace("\"rate\": \"-k * x\"", "\"rate\": \"-kk * x\"", StringComparison.Ordinal));
        var ex = Assert.Throws<ModelValidationException>(() => ModelJson.Deserialize(json));
        Assert.Contains("'kk', which is not defined", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_changed_file_with_a_stale_digest_is_rejected()
    {
        var json = Json(Build()).Replace("\"value\": 0.5", "\"value\": 0.6", StringComparison.Ordinal);
        var ex = LoadFails(json);
        Assert.Contains("does not match the model's content", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0.6, ModelJson.Deserialize(StripDigest(json)).Parameters[0].Value);
    }

    [Fact]
    public void Foreign_files_are_rejected()
    {
        Assert.Contains("not a TwinLab model file", LoadFails("{\"format\": \"other\"}").Message, StringComparison.Ordinal);
        Assert.Contains("null", LoadFails("null").Message, StringComparison.Ordinal);
    }

    private static string StripDigest(string json)
    {
        var lines = json.Split('\n').Where(l => !l.Contains("\"digest\"", StringComparison.Ordinal)).ToList();
        // The property before the digest loses its trailing comma.
        var closing = lines.FindLastIndex(l => l.Trim() == "}");
        for (var i = closing - 1; i >= 0; i--)
        {
            if (lines[i].Trim().Length > 0)
            {
                lines[i] = lines[i].TrimEnd().TrimEnd(',');
                break;
            }
        }
        return string.Join('\n', lines);
    }

    [Fact]
    public void Every_library_model_validates_against_the_published_schema()
    {
        var dir = Directory.CreateTempSubdirectory("twinlab-schema-");
        try
        {
            foreach (var model in ModelLibrary.All)
            {
                ModelJson.Save(model, Path.Combine(dir.FullName, model.Name + ".json"));
            }
            var truncated = new ModelBuilder("truncated");
            truncated.Rate(truncated.State("x", 1), 0);
            truncated.Parameter("e", 1, prior: Prior.TruncatedNormal(0, 1, 0, double.PositiveInfinity));
            ModelJson.Save(truncated.Build(), Path.Combine(dir.FullName, "truncated.json"));
            File.WriteAllText(Path.Combine(dir.FullName, "bad.json.invalid"),
                Json(Build()).Replace("\"unit\": \"mg\"", "\"unit\": \"mg\", \"colour\": \"red\"", StringComparison.Ordinal));
            var schema = Path.Combine(DebianPython.RepositoryRoot, "data-schemas", "model.schema.json");
            const string script = """
                import json, sys, pathlib
                from jsonschema import Draft202012Validator
                schema = json.load(open(sys.argv[1]))
                Draft202012Validator.check_schema(schema)
                v = Draft202012Validator(schema)
                for p in sorted(pathlib.Path(sys.argv[2]).iterdir()):
                    errors = list(v.iter_errors(json.load(open(p))))
                    print(p.name, "valid" if not errors else "invalid: " + errors[0].message)
                """;
            var report = DebianPython.Run(script, "", schema, dir.FullName);
            foreach (var name in ModelLibrary.Names.Append("truncated"))
            {
                Assert.Contains($"{name}.json valid", report, StringComparison.Ordinal);
            }
            Assert.Contains("bad.json.invalid invalid: Additional properties are not allowed ('colour'", report, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
