using System.Text.Json;
using System.Text.Json.Nodes;
using TwinLab.Interactive;

namespace TwinLab.Notebooks.Documents;

/// <summary>Creates and reads nbformat 4 outputs (<c>stream</c>, <c>display_data</c>, <c>execute_result</c>,
/// <c>error</c>) as JSON objects, with multi-line strings joined.</summary>
public static class NotebookOutputs
{
    /// <summary>A <c>stream</c> output.</summary>
    /// <param name="name"><c>stdout</c> or <c>stderr</c>.</param>
    /// <param name="text">The text.</param>
    /// <returns>The output.</returns>
    public static JsonObject Stream(string name, string text) => new()
    {
        ["output_type"] = "stream",
        ["name"] = name,
        ["text"] = text,
    };

    /// <summary>A <c>display_data</c> output.</summary>
    /// <param name="bundle">The formatted value.</param>
    /// <returns>The output.</returns>
    public static JsonObject DisplayData(MimeBundle bundle) => new()
    {
        ["output_type"] = "display_data",
        ["data"] = Data(bundle),
        ["metadata"] = new JsonObject(),
    };

    /// <summary>An <c>execute_result</c> output.</summary>
    /// <param name="bundle">The formatted value.</param>
    /// <param name="executionCount">The cell's execution count.</param>
    /// <returns>The output.</returns>
    public static JsonObject ExecuteResult(MimeBundle bundle, int executionCount) => new()
    {
        ["output_type"] = "execute_result",
        ["execution_count"] = executionCount,
        ["data"] = Data(bundle),
        ["metadata"] = new JsonObject(),
    };

    /// <summary>An <c>error</c> output.</summary>
    /// <param name="name">The error's name (the exception type).</param>
    /// <param name="value">The message.</param>
    /// <param name="traceback">The lines of the trace.</param>
    /// <returns>The output.</returns>
    public static JsonObject Error(string name, string value, IEnumerable<string> traceback) => new()
    {
        ["output_type"] = "error",
        ["ename"] = name,
        ["evalue"] = value,
        ["traceback"] = new JsonArray([.. traceback.Select(t => (JsonNode)t)]),
    };

    /// <summary>A MIME bundle as an nbformat <c>data</c> object: JSON types as JSON values, the others as strings.</summary>
    /// <param name="bundle">The bundle.</param>
    /// <returns>The data object.</returns>
    public static JsonObject Data(MimeBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var data = new JsonObject();
        foreach (var (mime, value) in bundle)
        {
            data[mime] = MimeTypes.IsJson(mime) ? ParseJsonOrString(value) : value;
        }
        return data;
    }

    /// <summary>The output's type (<c>stream</c>, <c>display_data</c>, ...), or an empty string.</summary>
    /// <param name="output">The output.</param>
    /// <returns>The type.</returns>
    public static string TypeOf(JsonObject output) => StringOf(output, "output_type");

    /// <summary>A string field of an output, or an empty string.</summary>
    /// <param name="output">The output.</param>
    /// <param name="name">The field.</param>
    /// <returns>The value.</returns>
    public static string StringOf(JsonObject output, string name)
    {
        ArgumentNullException.ThrowIfNull(output);
        return output[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "";
    }

    /// <summary>The plain-text form of an output: the stream text, the <c>text/plain</c> data or the error.</summary>
    /// <param name="output">The output.</param>
    /// <returns>The text.</returns>
    public static string PlainTextOf(JsonObject output)
    {
        ArgumentNullException.ThrowIfNull(output);
        return TypeOf(output) switch
        {
            "stream" => StringOf(output, "text"),
            "error" => $"{StringOf(output, "ename")}: {StringOf(output, "evalue")}",
            _ => output["data"] is JsonObject data && data[MimeTypes.PlainText] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "",
        };
    }

    private static JsonNode? ParseJsonOrString(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return text;
        }
    }
}
