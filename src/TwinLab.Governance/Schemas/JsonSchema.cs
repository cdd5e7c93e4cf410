using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TwinLab.Governance.Schemas;

/// <summary>One way a JSON document breaks its schema.</summary>
/// <param name="InstancePointer">Where in the document (a JSON pointer, RFC 6901; empty for the whole document).</param>
/// <param name="SchemaPointer">Which keyword of the schema failed (a JSON pointer into the schema).</param>
/// <param name="Message">What is wrong.</param>
public sealed record SchemaViolation(string InstancePointer, string SchemaPointer, string Message)
{
    /// <summary>The violation as <c>at /pointer: message (schema /keyword)</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"at {(InstancePointer.Length == 0 ? "the document root" : InstancePointer)}: {Message} (schema {SchemaPointer})";
}

/// <summary>The error raised when a document TwinLab is about to write, or is asked to check, breaks its schema.</summary>
public sealed class SchemaValidationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="document">What the document is (e.g. <c>model card</c> or a file name).</param>
    /// <param name="schema">The schema's name.</param>
    /// <param name="violations">Every violation.</param>
    public SchemaValidationException(string document, string schema, IReadOnlyList<SchemaViolation> violations)
        : base($"{document} does not conform to {schema}:\n  - " + string.Join("\n  - ", (violations ?? throw new ArgumentNullException(nameof(violations))).Select(v => v.ToString())))
        => Violations = violations;

    /// <summary>Creates the exception.</summary>
    public SchemaValidationException() : this("The document", "its schema", []) { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public SchemaValidationException(string message) : base(message) => Violations = [];

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SchemaValidationException(string message, Exception innerException) : base(message, innerException) => Violations = [];

    /// <summary>Every violation, each with its JSON pointer.</summary>
    public IReadOnlyList<SchemaViolation> Violations { get; }
}

/// <summary>
/// A JSON Schema (draft 2020-12) validator for the subset of keywords TwinLab's schemas use: <c>type</c>,
/// <c>required</c>, <c>properties</c>, <c>additionalProperties</c>, <c>items</c>, <c>enum</c>, <c>const</c>,
/// <c>pattern</c>, <c>minimum</c>, <c>maximum</c>, <c>exclusiveMinimum</c>, <c>exclusiveMaximum</c>, <c>minLength</c>,
/// <c>maxLength</c>, <c>minItems</c>, <c>maxItems</c>, <c>$ref</c> to the same document (<c>#/$defs/...</c>),
/// <c>allOf</c>, <c>anyOf</c>, <c>oneOf</c>, <c>not</c> and <c>if</c>/<c>then</c>/<c>else</c>. A schema that uses any
/// other validation keyword is refused when loaded, so no constraint is ever silently ignored; annotations
/// (<c>title</c>, <c>description</c>, <c>$id</c>, ...) are accepted. Violations are reported as the keyword that failed
/// at the deepest location, as Python's jsonschema does.
/// </summary>
public sealed class JsonSchema
{
    private static readonly HashSet<string> Annotations = new(StringComparer.Ordinal)
    {
        "$schema", "$id", "$comment", "$defs", "title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly",
    };

    private static readonly HashSet<string> Supported = new(StringComparer.Ordinal)
    {
        "type", "required", "properties", "additionalProperties", "items", "enum", "const", "pattern", "minimum", "maximum",
        "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "minItems", "maxItems", "$ref", "allOf", "anyOf", "oneOf", "not",
        "if", "then", "else",
    };

    private static readonly string[] Types = ["null", "boolean", "object", "array", "number", "string", "integer"];

    private readonly JsonNode _root;
    private readonly Dictionary<string, Regex> _patterns = new(StringComparer.Ordinal);

    private JsonSchema(string name, JsonNode root)
    {
        Name = name;
        _root = root;
        CheckSchema(root, "");
    }

    /// <summary>The schema's name (its file name or what it describes).</summary>
    public string Name { get; }

    /// <summary>Reads a schema.</summary>
    /// <param name="name">The schema's name, used in messages.</param>
    /// <param name="json">The schema's JSON text.</param>
    /// <returns>The schema.</returns>
    /// <exception cref="ArgumentException">The text is not JSON, or the schema uses a keyword this validator does not
    /// implement, a malformed keyword value or a <c>$ref</c> that does not resolve.</exception>
    public static JsonSchema Parse(string name, string json)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"Schema {name} is not valid JSON: {e.Message}", nameof(json), e);
        }
        return new JsonSchema(name, root ?? throw new ArgumentException($"Schema {name} is null.", nameof(json)));
    }

    /// <summary>Every violation of the schema by a JSON text (empty when it conforms).</summary>
    /// <param name="json">The document.</param>
    /// <returns>The violations, in document order of discovery.</returns>
    /// <exception cref="JsonException">The text is not JSON.</exception>
    public IReadOnlyList<SchemaViolation> Validate(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Validate(JsonNode.Parse(json));
    }

    /// <summary>Every violation of the schema by a JSON document (empty when it conforms).</summary>
    /// <param name="instance">The document (null is JSON's null).</param>
    /// <returns>The violations.</returns>
    public IReadOnlyList<SchemaViolation> Validate(JsonNode? instance)
    {
        // Re-read the document as text so that every number is a JSON number, however the node was built.
        var parsed = instance is null ? null : JsonNode.Parse(instance.ToJsonString());
        var violations = new List<SchemaViolation>();
        Check(_root, "", parsed, "", violations);
        return violations;
    }

    /// <summary>Throws when a JSON text breaks the schema.</summary>
    /// <param name="document">What the document is, for the message.</param>
    /// <param name="json">The document.</param>
    /// <exception cref="SchemaValidationException">The document breaks the schema; every violation is listed with its JSON pointer.</exception>
    public void EnsureValid(string document, string json)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new SchemaValidationException($"{document} is not valid JSON: {e.Message}", e);
        }
        var violations = Validate(node);
        if (violations.Count > 0)
        {
            throw new SchemaValidationException(document, Name, violations);
        }
    }

    private void CheckSchema(JsonNode? schema, string pointer)
    {
        if (schema is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            return;
        }
        if (schema is not JsonObject o)
        {
            throw new ArgumentException($"Schema {Name} at '{pointer}': a schema must be an object or a boolean.");
        }
        foreach (var (key, value) in o)
        {
            var at = pointer + "/" + Escape(key);
            if (Annotations.Contains(key))
            {
                if (key == "$defs")
                {
                    foreach (var (defName, def) in value as JsonObject ?? throw new ArgumentException($"Schema {Name} at '{at}': $defs must be an object."))
                    {
                        CheckSchema(def, at + "/" + Escape(defName));
                    }
                }
                continue;
            }
            if (!Supported.Contains(key))
            {
                throw new ArgumentException($"Schema {Name} at '{at}': the keyword '{key}' is not implemented by TwinLab's validator; "
                    + $"use only {string.Join(", ", Supported.Order(StringComparer.Ordinal))} (or annotations).");
            }
            switch (key)
            {
                case "properties":
                    foreach (var (propertyName, property) in value as JsonObject ?? throw new ArgumentException($"Schema {Name} at '{at}': properties must be an object."))
                    {
                        CheckSchema(property, at + "/" + Escape(propertyName));
                    }
                    break;
                case "additionalProperties" or "items" or "not" or "if" or "then" or "else":
                    CheckSchema(value, at);
                    break;
                case "allOf" or "anyOf" or "oneOf":
                    var list = value as JsonArray ?? throw new ArgumentException($"Schema {Name} at '{at}': {key} must be an array of schemas.");
                    for (var i = 0; i < list.Count; i++)
                    {
                        CheckSchema(list[i], at + "/" + i.ToString(CultureInfo.InvariantCulture));
                    }
                    break;
                case "type":
                    var names = value is JsonArray a ? a.Select(n => n?.GetValue<string>()) : [value?.GetValue<string>()];
                    foreach (var t in names.Where(t => !Types.Contains(t)))
                    {
                        throw new ArgumentException($"Schema {Name} at '{at}': '{t}' is not a JSON Schema type.");
                    }
                    break;
                case "pattern":
                    Pattern(value!.GetValue<string>());
                    break;
                case "$ref":
                    Resolve(value!.GetValue<string>(), at);
                    break;
                case "required":
                    _ = (value as JsonArray ?? throw new ArgumentException($"Schema {Name} at '{at}': required must be an array of names.")).Select(n => n!.GetValue<string>()).ToList();
                    break;
                case "enum":
                    _ = value as JsonArray ?? throw new ArgumentException($"Schema {Name} at '{at}': enum must be an array.");
                    break;
                case "minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum" or "minLength" or "maxLength" or "minItems" or "maxItems":
                    if (value is not JsonValue number || number.GetValueKind() != JsonValueKind.Number)
                    {
                        throw new ArgumentException($"Schema {Name} at '{at}': {key} must be a number.");
                    }
                    break;
                default:
                    break;
            }
        }
    }

    private (JsonNode? Schema, string Pointer) Resolve(string reference, string at)
    {
        if (!reference.StartsWith('#'))
        {
            throw new ArgumentException($"Schema {Name} at '{at}': $ref '{reference}' points outside the schema; only references within it (#/...) are supported.");
        }
        JsonNode? node = _root;
        var fragment = Uri.UnescapeDataString(reference[1..]);
        if (fragment.Length > 0)
        {
            foreach (var raw in fragment.TrimStart('/').Split('/'))
            {
                var segment = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
                node = node switch
                {
                    JsonObject o when o.TryGetPropertyValue(segment, out var child) => child,
                    JsonArray a when int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
                    _ => throw new ArgumentException($"Schema {Name} at '{at}': $ref '{reference}' does not resolve (no '{segment}')."),
                };
            }
        }
        return (node, fragment);
    }

    private Regex Pattern(string pattern)
    {
        lock (_patterns)
        {
            if (!_patterns.TryGetValue(pattern, out var regex))
            {
                try
                {
                    // ECMAScript semantics (as JSON Schema requires): \d, \w, \s are ASCII only.
                    regex = new Regex(pattern, RegexOptions.ECMAScript | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
                }
                catch (ArgumentException e)
                {
                    throw new ArgumentException($"Schema {Name}: the pattern '{pattern}' is not a regular expression TwinLab can use: {e.Message}", e);
                }
                _patterns[pattern] = regex;
            }
            return regex;
        }
    }

    private void Check(JsonNode? schema, string schemaPointer, JsonNode? instance, string pointer, List<SchemaViolation> violations)
    {
        if (schema is JsonValue boolean && boolean.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            if (boolean.GetValueKind() == JsonValueKind.False)
            {
                violations.Add(new SchemaViolation(pointer, schemaPointer, "no value is allowed here (the schema is false)"));
            }
            return;
        }
        var s = (JsonObject)schema!;
        var kind = Kind(instance);
        foreach (var (key, value) in s)
        {
            var at = schemaPointer + "/" + Escape(key);
            switch (key)
            {
                case "$ref":
                    var (target, targetPointer) = Resolve(value!.GetValue<string>(), at);
                    Check(target, targetPointer, instance, pointer, violations);
                    break;
                case "type":
                    var allowed = value is JsonArray list ? list.Select(n => n!.GetValue<string>()).ToList() : [value!.GetValue<string>()];
                    if (!allowed.Any(t => HasType(instance, kind, t)))
                    {
                        violations.Add(new SchemaViolation(pointer, at, $"{Describe(instance)} is not of type {string.Join(" or ", allowed)}"));
                    }
                    break;
                case "enum":
                    if (!((JsonArray)value!).Any(option => JsonEqual(option, instance)))
                    {
                        violations.Add(new SchemaViolation(pointer, at, $"{Describe(instance)} is not one of {value!.ToJsonString()}"));
                    }
                    break;
                case "const":
                    if (!JsonEqual(value, instance))
                    {
                        violations.Add(new SchemaViolation(pointer, at, $"{Describe(instance)} is not {value?.ToJsonString() ?? "null"}"));
                    }
                    break;
                case "required" when instance is JsonObject o:
                    foreach (var name in ((JsonArray)value!).Select(n => n!.GetValue<string>()).Where(n => !o.ContainsKey(n)))
                    {
                        violations.Add(new SchemaViolation(pointer, at, $"the required property '{name}' is missing"));
                    }
                    break;
                case "properties" when instance is JsonObject o:
                    foreach (var (name, propertySchema) in (JsonObject)value!)
                    {
                        if (o.TryGetPropertyValue(name, out var child))
                        {
                            Check(propertySchema, at + "/" + Escape(name), child, pointer + "/" + Escape(name), violations);
                        }
                    }
                    break;
                case "additionalProperties" when instance is JsonObject o:
                    var declared = s["properties"] as JsonObject;
                    foreach (var (name, child) in o)
                    {
                        if (declared?.ContainsKey(name) == true)
                        {
                            continue;
                        }
                        if (value is JsonValue b && b.GetValueKind() == JsonValueKind.False)
                        {
                            violations.Add(new SchemaViolation(pointer, at, $"the property '{name}' is not allowed (additionalProperties is false)"));
                        }
                        else
                        {
                            Check(value, at, child, pointer + "/" + Escape(name), violations);
                        }
                    }
                    break;
                case "items" when instance is JsonArray a:
                    for (var i = 0; i < a.Count; i++)
                    {
                        Check(value, at, a[i], pointer + "/" + i.ToString(CultureInfo.InvariantCulture), violations);
                    }
                    break;
                case "minItems" when instance is JsonArray a && a.Count < value!.GetValue<double>():
                    violations.Add(new SchemaViolation(pointer, at, $"the array has {a.Count} items, fewer than {value.ToJsonString()}"));
                    break;
                case "maxItems" when instance is JsonArray a && a.Count > value!.GetValue<double>():
                    violations.Add(new SchemaViolation(pointer, at, $"the array has {a.Count} items, more than {value.ToJsonString()}"));
                    break;
                case "minLength" when kind == JsonValueKind.String && CodePoints(instance!.GetValue<string>()) < value!.GetValue<double>():
                    violations.Add(new SchemaViolation(pointer, at, $"{Describe(instance)} is shorter than {value.ToJsonString()} characters"));
                    break;
                case "maxLength" when kind == JsonValueKind.String && CodePoints(instance!.GetValue<string>()) > value!.GetValue<double>():
                    violations.Add(new SchemaViolation(pointer, at, $"{Describe(instance)} is longer than {value.ToJsonString()} characters"));
                    break;
                case "pattern" when kind == JsonValueKind.String:
                    if (!Pattern(value!.GetValue<string>()).IsMatch(instance!.GetValue<string>()))
                    {
                        violations.Add(new SchemaViolation(pointer, at, $"{Describe(instance)} does not match the pattern {value.GetValue<string>()}"));
                    }
                    break;
                case "minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum" when kind == JsonValueKind.Number:
                    var x = instance!.GetValue<double>();
                    var limit = value!.GetValue<double>();
                    var (fails, relation) = key switch
                    {
                        "minimum" => (x < limit, "less than the minimum"),
                        "maximum" => (x > limit, "greater than the maximum"),
                        "exclusiveMinimum" => (x <= limit, "not greater than the exclusive minimum"),
                        _ => (x >= limit, "not less than the exclusive maximum"),
                    };
                    if (fails)
                    {
                        violations.Add(new SchemaViolation(pointer, at, $"{Describe(instance)} is {relation} {value.ToJsonString()}"));
                    }
                    break;
                case "allOf":
                    var all = (JsonArray)value!;
                    for (var i = 0; i < all.Count; i++)
                    {
                        Check(all[i], at + "/" + i.ToString(CultureInfo.InvariantCulture), instance, pointer, violations);
                    }
                    break;
                case "anyOf" or "oneOf":
                    var options = (JsonArray)value!;
                    var passing = 0;
                    for (var i = 0; i < options.Count; i++)
                    {
                        var trial = new List<SchemaViolation>();
                        Check(options[i], at + "/" + i.ToString(CultureInfo.InvariantCulture), instance, pointer, trial);
                        passing += trial.Count == 0 ? 1 : 0;
                    }
                    if (passing == 0)
                    {
                        violations.Add(new SchemaViolation(pointer, at, $"{Describe(instance)} matches none of the {options.Count} alternatives of {key}"));
                    }
                    else if (key == "oneOf" && passing > 1)
                    {
                        violations.Add(new SchemaViolation(pointer, at, $"{Describe(instance)} matches {passing} alternatives of oneOf; exactly one must match"));
                    }
                    break;
                case "not":
                    var inner = new List<SchemaViolation>();
                    Check(value, at, instance, pointer, inner);
                    if (inner.Count == 0)
                    {
                        violations.Add(new SchemaViolation(pointer, at, $"{Describe(instance)} must not match the schema {value?.ToJsonString()}"));
                    }
                    break;
                case "if":
                    var condition = new List<SchemaViolation>();
                    Check(value, at, instance, pointer, condition);
                    var branch = condition.Count == 0 ? "then" : "else";
                    if (s.TryGetPropertyValue(branch, out var consequence))
                    {
                        Check(consequence, schemaPointer + "/" + branch, instance, pointer, violations);
                    }
                    break;
                default:
                    break; // annotations, "then"/"else" (applied with "if"), and keywords that do not apply to this type
            }
        }
    }

    private static JsonValueKind Kind(JsonNode? node) => node?.GetValueKind() ?? JsonValueKind.Null;

    private static bool HasType(JsonNode? instance, JsonValueKind kind, string type) => type switch
    {
        "null" => kind == JsonValueKind.Null,
        "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
        "object" => kind == JsonValueKind.Object,
        "array" => kind == JsonValueKind.Array,
        "string" => kind == JsonValueKind.String,
        "number" => kind == JsonValueKind.Number,
        // Draft 2020-12: any number with a zero fractional part is an integer (1.0 included).
        "integer" => kind == JsonValueKind.Number && Math.Floor(instance!.GetValue<double>()) == instance.GetValue<double>() && double.IsFinite(instance.GetValue<double>()),
        _ => false,
    };

    private static bool JsonEqual(JsonNode? a, JsonNode? b)
    {
        var (ka, kb) = (Kind(a), Kind(b));
        if (ka == JsonValueKind.Number && kb == JsonValueKind.Number)
        {
            return a!.GetValue<double>() == b!.GetValue<double>();
        }
        if (ka != kb)
        {
            return false;
        }
        return ka switch
        {
            JsonValueKind.Null or JsonValueKind.True or JsonValueKind.False => true,
            JsonValueKind.String => string.Equals(a!.GetValue<string>(), b!.GetValue<string>(), StringComparison.Ordinal),
            JsonValueKind.Array => a!.AsArray().Count == b!.AsArray().Count && a.AsArray().Zip(b.AsArray()).All(p => JsonEqual(p.First, p.Second)),
            JsonValueKind.Object => a!.AsObject().Count == b!.AsObject().Count
                && a.AsObject().All(p => b.AsObject().TryGetPropertyValue(p.Key, out var other) && JsonEqual(p.Value, other)),
            _ => false,
        };
    }

    private static int CodePoints(string text)
    {
        var n = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            n++;
        }
        return n;
    }

    private static string Describe(JsonNode? instance)
    {
        var text = instance?.ToJsonString() ?? "null";
        return text.Length <= 60 ? text : text[..57] + "...";
    }

    /// <summary>Escapes a name as a JSON pointer segment (RFC 6901: ~ as ~0, / as ~1).</summary>
    /// <param name="name">The name.</param>
    /// <returns>The segment.</returns>
    public static string Escape(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return new StringBuilder(name).Replace("~", "~0").Replace("/", "~1").ToString();
    }
}
