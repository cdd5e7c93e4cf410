using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using TwinLab.Core.Distributions;
using TwinLab.Core.Symbolic;

namespace TwinLab.Core.Modelling;

/// <summary>The error raised when a model file cannot be read: says where (line and JSON path) and what to fix.</summary>
public sealed class ModelFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, where, and how to fix it.</param>
    /// <param name="line">The 1-based line in the file, or 0 when unknown.</param>
    /// <param name="path">The JSON path, e.g. <c>states[1].rate</c>.</param>
    /// <param name="innerException">The cause, if any.</param>
    public ModelFormatException(string message, int line, string path, Exception? innerException = null) : base(message, innerException)
    {
        Line = line;
        JsonPath = path;
    }

    /// <summary>Creates the exception.</summary>
    public ModelFormatException() : this("The model file is not valid.", 0, "") { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public ModelFormatException(string message) : this(message, 0, "") { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ModelFormatException(string message, Exception innerException) : base(message, innerException) => JsonPath = "";

    /// <summary>The 1-based line in the file, or 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>The JSON path of the offending value.</summary>
    public string JsonPath { get; }
}

/// <summary>
/// Reads and writes models as JSON (the format described by <c>data-schemas/model.schema.json</c>). Expressions are
/// stored as the infix text <see cref="Expr.ToString"/> prints; a saved and reloaded model has the same
/// <see cref="Model.Digest"/>. Files are written to a temporary name and renamed, so a failed write never leaves a
/// partial file.
/// </summary>
public static class ModelJson
{
    /// <summary>The value of the <c>format</c> property of every model file.</summary>
    public const string FormatName = "twinlab.model";

    /// <summary>The version of the model file format this library writes and reads.</summary>
    public const int FormatVersion = 1;

    private static readonly JsonSerializerOptions Indented = CreateOptions(indented: true);
    private static readonly JsonSerializerOptions Canonical = CreateOptions(indented: false);

    private static JsonSerializerOptions CreateOptions(bool indented) => new()
    {
        WriteIndented = indented,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        AllowTrailingCommas = false,
        // Prior parameters may be infinite (a truncated normal bounded on one side): written as "Infinity".
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        ReadCommentHandling = JsonCommentHandling.Disallow,
    };

    /// <summary>The model as indented JSON, with its digest.</summary>
    /// <param name="model">The model.</param>
    public static string Serialize(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var document = ToDocument(model);
        document.Digest = model.Digest;
        return JsonSerializer.Serialize(document, Indented) + "\n";
    }

    /// <summary>Writes the model to a file atomically (write to a temporary file, then rename).</summary>
    /// <param name="model">The model.</param>
    /// <param name="path">The destination; an existing file is replaced.</param>
    public static void Save(Model model, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var json = Serialize(model);
        var full = Path.GetFullPath(path);
        var temporary = full + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            File.WriteAllText(temporary, json, new UTF8Encoding(false));
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>Reads a model file.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="ModelFormatException">The file is not valid JSON, or violates the model schema.</exception>
    /// <exception cref="ModelValidationException">The file is well formed but the model is invalid.</exception>
    public static Model Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Deserialize(File.ReadAllText(path), Path.GetFileName(path));
    }

    /// <summary>Reads a model from JSON text.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="source">A name for the text in error messages (e.g. the file name).</param>
    /// <exception cref="ModelFormatException">The text is not valid JSON, or violates the model schema.</exception>
    /// <exception cref="ModelValidationException">The text is well formed but the model is invalid.</exception>
    public static Model Deserialize(string json, string source = "model.json")
    {
        ArgumentNullException.ThrowIfNull(json);
        ModelDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<ModelDocument>(json, Indented);
        }
        catch (JsonException e)
        {
            var line = (int)(e.LineNumber ?? -1) + 1;
            var path = (e.Path ?? "$").TrimStart('$').TrimStart('.');
            var what = e.Message.Contains("could not be mapped", StringComparison.Ordinal)
                ? $"unknown property '{LastSegment(path)}': check the spelling against data-schemas/model.schema.json"
                : e.Message.Contains("could not be converted", StringComparison.Ordinal)
                    ? "the value has the wrong type (a number, string, list or object was expected here; see data-schemas/model.schema.json)"
                    : "the text is not valid JSON: " + FirstSentence(e.Message);
            throw new ModelFormatException($"{source}, line {line}{(path.Length > 0 ? $" ({path})" : "")}: {what}.", line, path, e);
        }
        if (document is null)
        {
            throw new ModelFormatException($"{source}: the file holds 'null' instead of a model object.", 1, "");
        }
        var reader = new DocumentReader(json, source);
        var model = reader.Read(document);
        if (document.Digest is { } stored && stored != model.Digest)
        {
            throw new ModelFormatException(
                $"{source}: the stored digest {stored} does not match the model's content ({model.Digest}); the file was changed after it was saved. "
                + "If the change is intended, remove the \"digest\" property and save the model again.",
                reader.LineOf("digest"), "digest");
        }
        return model;
    }

    private static string LastSegment(string path)
    {
        var dot = path.LastIndexOf('.');
        var segment = dot >= 0 ? path[(dot + 1)..] : path;
        return segment.Trim('[', ']', '\'');
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.');
    }

    /// <summary>The SHA-256 digest of the model's canonical JSON (compact, fixed property order, no digest).</summary>
    internal static string ComputeDigest(Model model)
    {
        var canonical = JsonSerializer.SerializeToUtf8Bytes(ToDocument(model), Canonical);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(canonical));
    }

    private static JsonElement ExpressionValue(Expr e) =>
        e is Constant c ? JsonSerializer.SerializeToElement(c.Value) : JsonSerializer.SerializeToElement(e.ToString());

    private static ModelDocument ToDocument(Model model) => new()
    {
        Format = FormatName,
        FormatVersion = FormatVersion,
        Name = model.Name,
        Version = model.Version,
        Description = model.Description,
        References = model.References.Count == 0 ? null : [.. model.References.Select(r => new ReferenceDocument { Citation = r.Citation, Doi = r.Doi })],
        States = [.. model.States.Select((s, i) => new StateDocument
        {
            Name = s.Name,
            Initial = ExpressionValue(s.Initial),
            Rate = model.Rates[i].ToString(),
            Unit = s.Unit,
            Description = s.Description,
            NonNegative = s.NonNegative ? true : null,
        })],
        Parameters = [.. model.Parameters.Select(p => new ParameterDocument
        {
            Name = p.Name,
            Value = p.Value,
            Unit = p.Unit,
            Lower = double.IsInfinity(p.Lower) ? null : p.Lower,
            Upper = double.IsInfinity(p.Upper) ? null : p.Upper,
            Prior = p.Prior is null ? null : new PriorDocument
            {
                Kind = p.Prior.Kind,
                Parameters = p.Prior.Parameters.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
            },
            Description = p.Description,
            Reference = p.Reference is null ? null : new ReferenceDocument { Citation = p.Reference.Citation, Doi = p.Reference.Doi },
        })],
        Observables = model.Observables.Count == 0 ? null : [.. model.Observables.Select(o => new ObservableDocument
        {
            Name = o.Name,
            Expression = o.Expression.ToString(),
            Unit = o.Unit,
            Description = o.Description,
        })],
        Treatments = model.Treatments.Count == 0 ? null : [.. model.Treatments.Select(t => new TreatmentDocument
        {
            Kind = t is Bolus ? "bolus" : "infusion",
            Name = t.Name,
            Target = t.Target.Name,
            Amount = t is Bolus b ? ExpressionValue(b.Amount) : null,
            Rate = t is Infusion i ? ExpressionValue(i.Rate) : null,
            Duration = t is Infusion d ? d.Duration : null,
            Schedule = t.Schedule.Interval is { } every
                ? new ScheduleDocument { Every = every, Count = t.Schedule.Count, Start = t.Schedule.Start }
                : new ScheduleDocument { Times = [.. t.Schedule.Times] },
        })],
    };

    /// <summary>Turns a deserialised document into a model, reporting missing or malformed values with their line.</summary>
    private sealed class DocumentReader(string json, string source)
    {
        private readonly Dictionary<string, int> _lines = JsonLines.Map(json);

        public int LineOf(string path) => _lines.TryGetValue(path, out var line) ? line : 0;

        private ModelFormatException Error(string path, string message) =>
            new($"{source}, line {LineOf(path)} ({path}): {message}.", LineOf(path), path);

        private T Required<T>(T? value, string path, string what)
            where T : class =>
            value ?? throw Error(path, $"'{LastSegment(path)}' is missing: give {what}");

        private Expr ParseExpression(string text, string path)
        {
            try
            {
                return ExprParser.Parse(text);
            }
            catch (ExprParseException e)
            {
                throw Error(path, e.Message);
            }
            catch (ArgumentException e)
            {
                throw Error(path, e.Message);
            }
        }

        private Expr Expression(JsonElement? value, string path, string what)
        {
            if (value is not { } element)
            {
                throw Error(path, $"'{LastSegment(path)}' is missing: give {what}");
            }
            return element.ValueKind switch
            {
                JsonValueKind.Number => new Constant(element.GetDouble()),
                JsonValueKind.String => ParseExpression(element.GetString()!, path),
                _ => throw Error(path, $"expected a number or an expression in a string for {what}"),
            };
        }

        public Model Read(ModelDocument d)
        {
            if (d.Format != FormatName)
            {
                throw Error("format", $"expected \"format\": \"{FormatName}\"; this is not a TwinLab model file");
            }
            if (d.FormatVersion != FormatVersion)
            {
                throw Error("formatVersion", $"format version {d.FormatVersion} is not supported; this TwinLab reads version {FormatVersion}");
            }
            var builder = new ModelBuilder(Required(d.Name, "name", "the model's name"), Required(d.Version, "version", "the model's version"))
            {
                Description = d.Description ?? "",
            };
            foreach (var r in d.References ?? [])
            {
                builder.Cite(r.Citation ?? "", r.Doi);
            }
            var symbols = new Dictionary<string, Symbol>(StringComparer.Ordinal);
            var states = Required(d.States, "states", "a list of states");
            for (var i = 0; i < states.Count; i++)
            {
                var s = states[i];
                var at = $"states[{i}]";
                var name = Required(s.Name, at + ".name", "the state's name");
                symbols[name] = Guard(at + ".name", () => builder.State(name, Expression(s.Initial, at + ".initial", "the initial value"),
                    s.Unit ?? "1", s.Description ?? "", s.NonNegative ?? false));
            }
            var parameters = d.Parameters ?? [];
            for (var i = 0; i < parameters.Count; i++)
            {
                var p = parameters[i];
                var at = $"parameters[{i}]";
                var name = Required(p.Name, at + ".name", "the parameter's name");
                var value = p.Value ?? throw Error(at, "'value' is missing: give the nominal value");
                Distribution? prior = null;
                if (p.Prior is { } pd)
                {
                    try
                    {
                        prior = Distribution.Create(Required(pd.Kind, at + ".prior.kind", "the distribution kind"), pd.Parameters ?? []);
                    }
                    catch (ArgumentException e)
                    {
                        throw Error(at + ".prior", e.Message);
                    }
                }
                var reference = p.Reference is { } r ? new Reference(r.Citation ?? "", r.Doi) : null;
                symbols[name] = Guard(at + ".name", () => builder.Parameter(name, value, p.Unit ?? "1", prior,
                    (p.Lower ?? double.NegativeInfinity, p.Upper ?? double.PositiveInfinity), p.Description ?? "", reference));
            }
            var observables = d.Observables ?? [];
            for (var i = 0; i < observables.Count; i++)
            {
                var o = observables[i];
                var at = $"observables[{i}]";
                var name = Required(o.Name, at + ".name", "the observable's name");
                var expression = ParseExpression(Required(o.Expression, at + ".expression", "the defining expression"), at + ".expression");
                symbols[name] = Guard(at + ".name", () => builder.Observable(name, expression, o.Unit ?? "1", o.Description ?? ""));
            }
            for (var i = 0; i < states.Count; i++)
            {
                var at = $"states[{i}].rate";
                builder.Rate(symbols[states[i].Name!], ParseExpression(Required(states[i].Rate, at, "the rate equation d/dt"), at));
            }
            var treatments = d.Treatments ?? [];
            for (var i = 0; i < treatments.Count; i++)
            {
                var t = treatments[i];
                var at = $"treatments[{i}]";
                var target = new Symbol(Required(t.Target, at + ".target", "the state that receives the doses"));
                var schedule = Schedule(Required(t.Schedule, at + ".schedule", "the dose times"), at + ".schedule");
                var name = Required(t.Name, at + ".name", "the treatment's name");
                switch (t.Kind)
                {
                    case "bolus":
                        builder.Bolus(name, target, Expression(t.Amount, at + ".amount", "the amount per dose"), schedule);
                        break;
                    case "infusion":
                        builder.Infusion(name, target, Expression(t.Rate, at + ".rate", "the infusion rate"),
                            t.Duration ?? throw Error(at, "'duration' is missing: give how long each infusion lasts"), schedule);
                        break;
                    default:
                        throw Error(at + ".kind", $"'{t.Kind}' is not a treatment kind: use \"bolus\" or \"infusion\"");
                }
            }
            return builder.Build();
        }

        private DoseSchedule Schedule(ScheduleDocument s, string at)
        {
            try
            {
                if (s.Times is { } times)
                {
                    if (s.Every is not null || s.Count is not null || s.Start is not null)
                    {
                        throw Error(at, "give either 'times' or 'every' with 'count' (and optionally 'start'), not both");
                    }
                    return DoseSchedule.At([.. times]);
                }
                var every = s.Every ?? throw Error(at, "give 'times' (a list) or 'every' with 'count'");
                var count = s.Count ?? throw Error(at, "'count' is missing: give the number of doses");
                return DoseSchedule.Every(every, count, s.Start ?? 0);
            }
            catch (ArgumentException e)
            {
                throw Error(at, e.Message);
            }
        }

        private Symbol Guard(string path, Func<Symbol> declare)
        {
            try
            {
                return declare();
            }
            catch (ArgumentException e)
            {
                throw Error(path, e.Message);
            }
        }
    }

#pragma warning disable CA1812 // instantiated by System.Text.Json
    private sealed class ModelDocument
    {
        public string? Format { get; set; }
        public int? FormatVersion { get; set; }
        public string? Name { get; set; }
        public string? Version { get; set; }
        public string? Description { get; set; }
        public List<ReferenceDocument>? References { get; set; }
        public List<StateDocument>? States { get; set; }
        public List<ParameterDocument>? Parameters { get; set; }
        public List<ObservableDocument>? Observables { get; set; }
        public List<TreatmentDocument>? Treatments { get; set; }
        public string? Digest { get; set; }
    }

    private sealed class ReferenceDocument
    {
        public string? Citation { get; set; }
        public string? Doi { get; set; }
    }

    private sealed class StateDocument
    {
        public string? Name { get; set; }
        public JsonElement? Initial { get; set; }
        public string? Rate { get; set; }
        public string? Unit { get; set; }
        public string? Description { get; set; }
        public bool? NonNegative { get; set; }
    }

    private sealed class ParameterDocument
    {
        public string? Name { get; set; }
        public double? Value { get; set; }
        public string? Unit { get; set; }
        public double? Lower { get; set; }
        public double? Upper { get; set; }
        public PriorDocument? Prior { get; set; }
        public string? Description { get; set; }
        public ReferenceDocument? Reference { get; set; }
    }

    private sealed class PriorDocument
    {
        public string? Kind { get; set; }
        public Dictionary<string, double>? Parameters { get; set; }
    }

    private sealed class ObservableDocument
    {
        public string? Name { get; set; }
        public string? Expression { get; set; }
        public string? Unit { get; set; }
        public string? Description { get; set; }
    }

    private sealed class TreatmentDocument
    {
        public string? Kind { get; set; }
        public string? Name { get; set; }
        public string? Target { get; set; }
        public JsonElement? Amount { get; set; }
        public JsonElement? Rate { get; set; }
        public double? Duration { get; set; }
        public ScheduleDocument? Schedule { get; set; }
    }

    private sealed class ScheduleDocument
    {
        public List<double>? Times { get; set; }
        public double? Every { get; set; }
        public int? Count { get; set; }
        public double? Start { get; set; }
    }
#pragma warning restore CA1812
}

/// <summary>Maps JSON paths (<c>states[1].rate</c>) to the 1-based line where their value starts.</summary>
internal static class JsonLines
{
    public static Dictionary<string, int> Map(string json)
    {
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var bytes = Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(bytes);
        var counter = new LineCounter(bytes);
        try
        {
            if (reader.Read())
            {
                Walk(ref reader, "", lines, counter);
            }
        }
        catch (JsonException)
        {
            // The serializer reports syntax errors itself; the map only serves well-formed text.
        }
        return lines;
    }

    private static void Walk(ref Utf8JsonReader reader, string path, Dictionary<string, int> lines, LineCounter counter)
    {
        lines.TryAdd(path, counter.LineAt(reader.TokenStartIndex));
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                Walk(ref reader, path.Length == 0 ? name : path + "." + name, lines, counter);
            }
        }
        else if (reader.TokenType == JsonTokenType.StartArray)
        {
            var index = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                Walk(ref reader, $"{path}[{index++}]", lines, counter);
            }
        }
    }

    private sealed class LineCounter(byte[] bytes)
    {
        private long _position;
        private int _line = 1;

        public int LineAt(long offset)
        {
            for (; _position < offset; _position++)
            {
                if (bytes[_position] == (byte)'\n')
                {
                    _line++;
                }
            }
            return _line;
        }
    }
}
