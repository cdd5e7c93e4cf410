using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TwinLab.Notebooks.Documents;

/// <summary>
/// Reads and writes Jupyter notebooks (<c>.ipynb</c>, nbformat 4). Notebooks of minor versions before 4.5 get cell ids
/// on reading; every notebook is written as 4.5 in Jupyter's layout (keys sorted, one-space indentation, multi-line
/// strings as lists of lines), so that an unchanged notebook is written byte for byte the same and diffs stay small.
/// Unknown metadata, output types and fields of outputs are kept.
/// </summary>
public static partial class IpynbFormat
{
    /// <summary>The file extension.</summary>
    public const string Extension = ".ipynb";

    private static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 256 };

    /// <summary>Reads a notebook file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The notebook.</returns>
    /// <exception cref="NotebookFormatException">The file is not a valid nbformat 4 notebook.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static NotebookDocument Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var document = Parse(File.ReadAllText(path, Encoding.UTF8), path);
        document.SourcePath = path;
        return document;
    }

    /// <summary>Parses notebook JSON.</summary>
    /// <param name="json">The text.</param>
    /// <param name="sourceName">The file name used in error messages.</param>
    /// <returns>The notebook.</returns>
    /// <exception cref="NotebookFormatException">The text is not a valid nbformat 4 notebook.</exception>
    public static NotebookDocument Parse(string json, string sourceName = "notebook")
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(sourceName);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: DocumentOptions);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $":{line + 1}:{(e.BytePositionInLine ?? 0) + 1}" : "";
            throw new NotebookFormatException($"{sourceName}{where}: not valid JSON ({FirstSentence(e.Message)}). A notebook is a JSON file; was it truncated or edited by hand?", e);
        }
        var reader = new Reader(sourceName);
        return reader.ReadNotebook(root);
    }

    /// <summary>Writes a notebook as nbformat 4.5 JSON text (ending with a newline).</summary>
    /// <param name="notebook">The notebook.</param>
    /// <returns>The text.</returns>
    public static string Write(NotebookDocument notebook)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        var root = ToJson(notebook);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions
        {
            Indented = true,
            IndentSize = 1,
            NewLine = "\n",
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            WriteSorted(writer, root);
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>Writes a notebook to a file, atomically (a temporary file renamed over the target).</summary>
    /// <param name="notebook">The notebook.</param>
    /// <param name="path">The file.</param>
    public static void Save(NotebookDocument notebook, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        FileText.WriteAtomically(path, Write(notebook));
    }

    /// <summary>The notebook as an nbformat 4.5 JSON object (multi-line strings split into lines).</summary>
    /// <param name="notebook">The notebook.</param>
    /// <returns>The JSON object.</returns>
    public static JsonObject ToJson(NotebookDocument notebook)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        var cells = new JsonArray();
        foreach (var cell in notebook.Cells)
        {
            var json = new JsonObject
            {
                ["cell_type"] = cell.Kind switch { CellKind.Code => "code", CellKind.Markdown => "markdown", _ => "raw" },
                ["id"] = cell.Id,
                ["metadata"] = cell.Metadata.DeepClone(),
                ["source"] = SplitLines(cell.Source),
            };
            if (cell.Kind == CellKind.Code)
            {
                json["execution_count"] = cell.ExecutionCount;
                json["outputs"] = new JsonArray([.. cell.Outputs.Select(o => (JsonNode)SplitOutput(o))]);
            }
            else if (cell.Attachments is not null)
            {
                json["attachments"] = cell.Attachments.DeepClone();
            }
            cells.Add(json);
        }
        return new JsonObject
        {
            ["cells"] = cells,
            ["metadata"] = notebook.Metadata.DeepClone(),
            ["nbformat"] = NotebookDocument.FormatMajor,
            ["nbformat_minor"] = NotebookDocument.LatestFormatMinor,
        };
    }

    /// <summary>Splits text into lines that keep their line endings, as nbformat stores multi-line strings.</summary>
    private static JsonArray SplitLines(string text)
    {
        var lines = new JsonArray();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                lines.Add(text[start..(i + 1)]);
                start = i + 1;
            }
        }
        if (start < text.Length)
        {
            lines.Add(text[start..]);
        }
        return lines;
    }

    /// <summary>A copy of an output with its stream text and non-JSON data split into lines.</summary>
    private static JsonObject SplitOutput(JsonObject output)
    {
        var copy = (JsonObject)output.DeepClone();
        if (copy["text"] is JsonValue text && text.GetValueKind() == JsonValueKind.String)
        {
            copy["text"] = SplitLines(text.GetValue<string>());
        }
        if (copy["data"] is JsonObject data)
        {
            foreach (var key in data.Select(p => p.Key).ToList())
            {
                if (!Interactive.MimeTypes.IsJson(key) && data[key] is JsonValue value && value.GetValueKind() == JsonValueKind.String)
                {
                    data[key] = SplitLines(value.GetValue<string>());
                }
            }
        }
        return copy;
    }

    /// <summary>Writes JSON with the keys of every object in ordinal order.</summary>
    private static void WriteSorted(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    WriteSorted(writer, value);
                }
                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteSorted(writer, item);
                }
                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return (end < 0 ? message : message[..end]).TrimEnd('.');
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex CellIdPattern();

    /// <summary>Reads the JSON tree, reporting problems with their JSON path.</summary>
    private sealed class Reader(string sourceName)
    {
        private NotebookFormatException Error(string path, string message) =>
            new($"{sourceName}: {(path.Length > 0 ? path + ": " : "")}{message}");

        public NotebookDocument ReadNotebook(JsonNode? root)
        {
            if (root is not JsonObject obj)
            {
                throw Error("", $"the top level is {Describe(root)}, not a JSON object; this is not a Jupyter notebook.");
            }
            var major = RequiredInt(obj, "nbformat", "");
            if (major != NotebookDocument.FormatMajor)
            {
                throw Error("nbformat", $"version {major} is not supported; TwinLab reads nbformat 4 (convert older notebooks with 'jupyter nbconvert --to notebook').");
            }
            var minor = RequiredInt(obj, "nbformat_minor", "");
            if (minor < 0)
            {
                throw Error("nbformat_minor", $"{minor} is not a valid minor version.");
            }
            var metadata = Required<JsonObject>(obj, "metadata", "", "an object");
            var cellsArray = Required<JsonArray>(obj, "cells", "", "an array");
            var notebook = new NotebookDocument
            {
                FormatMinor = minor,
                Metadata = (JsonObject)metadata.DeepClone(),
            };
            var ids = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < cellsArray.Count; i++)
            {
                var cell = ReadCell(cellsArray[i], $"cells[{i}]", i, minor);
                if (!ids.Add(cell.Id))
                {
                    throw Error($"cells[{i}].id", $"'{cell.Id}' is already the id of an earlier cell; cell ids must be unique.");
                }
                notebook.Cells.Add(cell);
            }
            return notebook;
        }

        private NotebookCell ReadCell(JsonNode? node, string path, int index, int minor)
        {
            if (node is not JsonObject obj)
            {
                throw Error(path, $"a cell must be a JSON object, not {Describe(node)}.");
            }
            var typeName = RequiredString(obj, "cell_type", path);
            var kind = typeName switch
            {
                "code" => CellKind.Code,
                "markdown" => CellKind.Markdown,
                "raw" => CellKind.Raw,
                _ => throw Error($"{path}.cell_type", $"'{typeName}' is not a cell type (code, markdown or raw)."),
            };
            string id;
            if (obj["id"] is null)
            {
                if (minor >= 5)
                {
                    throw Error(path, "missing field 'id' (required since nbformat 4.5).");
                }
                id = $"cell-{index + 1}";
            }
            else
            {
                id = RequiredString(obj, "id", path);
                if (!CellIdPattern().IsMatch(id))
                {
                    throw Error($"{path}.id", $"'{id}' is not a valid cell id (1 to 64 letters, digits, '-' or '_').");
                }
            }
            var source = MultilineString(obj, "source", path);
            var metadata = Required<JsonObject>(obj, "metadata", path, "an object");
            var cell = new NotebookCell(kind, source, id) { Metadata = (JsonObject)metadata.DeepClone() };
            if (kind == CellKind.Code)
            {
                var outputs = Required<JsonArray>(obj, "outputs", path, "an array");
                for (var i = 0; i < outputs.Count; i++)
                {
                    cell.Outputs.Add(ReadOutput(outputs[i], $"{path}.outputs[{i}]"));
                }
                if (!obj.ContainsKey("execution_count"))
                {
                    throw Error(path, "missing field 'execution_count' (null for a cell that has not run).");
                }
                cell.ExecutionCount = obj["execution_count"] switch
                {
                    null => null,
                    JsonValue v when v.TryGetValue<int>(out var count) => count,
                    var other => throw Error($"{path}.execution_count", $"must be an integer or null, not {Describe(other)}."),
                };
            }
            else if (obj["attachments"] is { } attachments)
            {
                cell.Attachments = attachments as JsonObject ?? throw Error($"{path}.attachments", "must be an object.");
            }
            return cell;
        }

        private JsonObject ReadOutput(JsonNode? node, string path)
        {
            if (node is not JsonObject obj)
            {
                throw Error(path, $"an output must be a JSON object, not {Describe(node)}.");
            }
            var type = RequiredString(obj, "output_type", path);
            var output = (JsonObject)obj.DeepClone();
            switch (type)
            {
                case "stream":
                    RequiredString(obj, "name", path);
                    output["text"] = MultilineString(obj, "text", path);
                    break;
                case "display_data":
                case "execute_result":
                    var data = Required<JsonObject>(obj, "data", path, "an object");
                    var joined = new JsonObject();
                    foreach (var (mime, value) in data)
                    {
                        joined[mime] = Interactive.MimeTypes.IsJson(mime) ? value?.DeepClone() : JoinIfLines(value, $"{path}.data[\"{mime}\"]");
                    }
                    output["data"] = joined;
                    if (obj["metadata"] is not JsonObject)
                    {
                        throw Error(path, "missing field 'metadata' (an object).");
                    }
                    break;
                case "error":
                    RequiredString(obj, "ename", path);
                    RequiredString(obj, "evalue", path);
                    Required<JsonArray>(obj, "traceback", path, "an array of strings");
                    break;
                default:
                    break; // unknown output types are kept as they are
            }
            return output;
        }

        private JsonNode? JoinIfLines(JsonNode? value, string path) => value switch
        {
            JsonArray lines => JoinLines(lines, path),
            _ => value?.DeepClone(),
        };

        private string MultilineString(JsonObject obj, string name, string path)
        {
            var node = obj[name];
            if (node is null && !obj.ContainsKey(name))
            {
                throw Error(path, $"missing field '{name}'.");
            }
            return node switch
            {
                JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                JsonArray lines => JoinLines(lines, $"{path}.{name}"),
                _ => throw Error($"{path}.{name}", $"must be a string or a list of strings, not {Describe(node)}."),
            };
        }

        private string JoinLines(JsonArray lines, string path)
        {
            var sb = new StringBuilder();
            for (var i = 0; i < lines.Count; i++)
            {
                if (lines[i] is JsonValue v && v.GetValueKind() == JsonValueKind.String)
                {
                    sb.Append(v.GetValue<string>());
                }
                else
                {
                    throw Error($"{path}[{i}]", $"must be a string, not {Describe(lines[i])}.");
                }
            }
            return sb.ToString();
        }

        private T Required<T>(JsonObject obj, string name, string path, string what)
            where T : JsonNode
        {
            var node = obj[name];
            if (node is null)
            {
                throw Error(path, $"missing field '{name}' ({what}).");
            }
            return node as T ?? throw Error(Join(path, name), $"must be {what}, not {Describe(node)}.");
        }

        private string RequiredString(JsonObject obj, string name, string path)
        {
            var node = obj[name];
            if (node is null)
            {
                throw Error(path, $"missing field '{name}' (a string).");
            }
            return node is JsonValue v && v.GetValueKind() == JsonValueKind.String
                ? v.GetValue<string>()
                : throw Error(Join(path, name), $"must be a string, not {Describe(node)}.");
        }

        private int RequiredInt(JsonObject obj, string name, string path)
        {
            var node = obj[name];
            if (node is null)
            {
                throw Error(path, $"missing field '{name}' (an integer); is this a Jupyter notebook?");
            }
            return node is JsonValue v && v.TryGetValue<int>(out var value)
                ? value
                : node is JsonValue d && d.GetValueKind() == JsonValueKind.Number && double.TryParse(d.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && x == Math.Floor(x) && Math.Abs(x) < int.MaxValue
                    ? (int)x
                    : throw Error(Join(path, name), $"must be an integer, not {Describe(node)}.");
        }

        private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

        private static string Describe(JsonNode? node) => node switch
        {
            null => "null",
            JsonObject => "an object",
            JsonArray => "an array",
            JsonValue v => v.GetValueKind() switch
            {
                JsonValueKind.String => $"the string {Truncate(v.ToJsonString())}",
                JsonValueKind.Number => $"the number {v.ToJsonString()}",
                JsonValueKind.True or JsonValueKind.False => $"the boolean {v.ToJsonString()}",
                _ => v.ToJsonString(),
            },
            _ => node.ToJsonString(),
        };

        private static string Truncate(string text) => text.Length <= 40 ? text : text[..37] + "...";
    }
}
