using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TwinLab.Interactive;
using TwinLab.Notebooks.Documents;

namespace TwinLab.Notebooks.Running;

/// <summary>Numeric tolerances for comparing outputs: two numbers a (stored) and b (new) agree when
/// |a − b| ≤ <see cref="AbsoluteTolerance"/> + <see cref="RelativeTolerance"/> · |a| (numpy.isclose's rule).</summary>
/// <param name="RelativeTolerance">The relative tolerance.</param>
/// <param name="AbsoluteTolerance">The absolute tolerance.</param>
public sealed record Tolerance(double RelativeTolerance = 1e-6, double AbsoluteTolerance = 1e-9)
{
    /// <summary>Whether two numbers agree.</summary>
    /// <param name="expected">The stored number.</param>
    /// <param name="actual">The new number.</param>
    /// <returns>True if they agree (NaNs agree with NaNs, infinities with the same infinity).</returns>
    public bool Agree(double expected, double actual)
    {
        if (double.IsNaN(expected) || double.IsNaN(actual))
        {
            return double.IsNaN(expected) && double.IsNaN(actual);
        }
        if (double.IsInfinity(expected) || double.IsInfinity(actual))
        {
            return expected == actual;
        }
        return Math.Abs(expected - actual) <= AbsoluteTolerance + (RelativeTolerance * Math.Abs(expected));
    }
}

/// <summary>
/// Compares a stored output with a re-executed one. Text is compared after sanitising values that change from run to
/// run (absolute paths, timestamps, object hashes and addresses, GUIDs, durations) and with numbers inside the text
/// compared within a <see cref="Tolerance"/>; JSON data (charts included) is compared structurally, numbers within the
/// tolerance; images byte for byte; errors by name and message.
/// </summary>
public static partial class OutputComparer
{
    /// <summary>Compares two outputs.</summary>
    /// <param name="expected">The stored output.</param>
    /// <param name="actual">The new output.</param>
    /// <param name="tolerance">The numeric tolerance.</param>
    /// <returns>The differences (empty when they agree).</returns>
    public static IReadOnlyList<string> Compare(JsonObject expected, JsonObject actual, Tolerance tolerance)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(tolerance);
        var differences = new List<string>();
        var type = NotebookOutputs.TypeOf(expected);
        var actualType = NotebookOutputs.TypeOf(actual);
        if (type != actualType)
        {
            differences.Add($"expected a {type} output, got {actualType}: {Excerpt(NotebookOutputs.PlainTextOf(actual))}");
            return differences;
        }
        switch (type)
        {
            case "stream":
                var name = NotebookOutputs.StringOf(expected, "name");
                if (name != NotebookOutputs.StringOf(actual, "name"))
                {
                    differences.Add($"expected {name}, got {NotebookOutputs.StringOf(actual, "name")}");
                }
                CompareText(name, NotebookOutputs.StringOf(expected, "text"), NotebookOutputs.StringOf(actual, "text"), tolerance, differences);
                break;
            case "error":
                var ename = NotebookOutputs.StringOf(expected, "ename");
                if (ename != NotebookOutputs.StringOf(actual, "ename"))
                {
                    differences.Add($"expected error {ename}, got {NotebookOutputs.StringOf(actual, "ename")}: {Excerpt(NotebookOutputs.StringOf(actual, "evalue"))}");
                }
                else
                {
                    CompareText("error message", NotebookOutputs.StringOf(expected, "evalue"), NotebookOutputs.StringOf(actual, "evalue"), tolerance, differences);
                }
                break;
            case "display_data":
            case "execute_result":
                CompareData(expected["data"] as JsonObject ?? [], actual["data"] as JsonObject ?? [], tolerance, differences);
                break;
            default:
                if (!JsonNode.DeepEquals(expected, actual))
                {
                    differences.Add($"the {type} outputs differ");
                }
                break;
        }
        return differences;
    }

    /// <summary>Text with run-dependent values replaced by placeholders.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The sanitised text.</returns>
    public static string Sanitise(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        text = DurationLine().Replace(text, "${label}<duration>");
        text = Timestamp().Replace(text, "<timestamp>");
        text = Guid().Replace(text, "<guid>");
        text = Address().Replace(text, "<address>");
        text = ObjectHash().Replace(text, "${prefix}<hash>");
        text = Submission().Replace(text, "Submission#N");
        text = WindowsPath().Replace(text, "<path>");
        text = UnixPath().Replace(text, "${before}<path>");
        return text;
    }

    private static void CompareData(JsonObject expected, JsonObject actual, Tolerance tolerance, List<string> differences)
    {
        foreach (var (mime, value) in expected)
        {
            if (!actual.TryGetPropertyValue(mime, out var other))
            {
                differences.Add($"{mime} is missing");
                continue;
            }
            if (MimeTypes.IsJson(mime))
            {
                var before = differences.Count;
                CompareJson(mime, value, other, tolerance, differences);
                if (differences.Count - before > 5)
                {
                    differences.RemoveRange(before + 5, differences.Count - before - 5);
                    differences.Add($"{mime}: ... (more differences)");
                }
            }
            else if (mime.StartsWith("image/", StringComparison.Ordinal) && mime != MimeTypes.Svg)
            {
                if (AsText(value).Trim() != AsText(other).Trim())
                {
                    differences.Add($"{mime}: the images differ");
                }
            }
            else
            {
                CompareText(mime, AsText(value), AsText(other), tolerance, differences);
            }
        }
        foreach (var (mime, _) in actual)
        {
            if (!expected.ContainsKey(mime))
            {
                differences.Add($"{mime} is new (not in the stored output)");
            }
        }
    }

    private static string AsText(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonArray a => string.Concat(a.Select(l => l?.GetValueKind() == JsonValueKind.String ? l.GetValue<string>() : "")),
        null => "",
        _ => node.ToJsonString(),
    };

    private static void CompareJson(string path, JsonNode? expected, JsonNode? actual, Tolerance tolerance, List<string> differences)
    {
        switch (expected)
        {
            case JsonObject e when actual is JsonObject a:
                foreach (var (key, value) in e)
                {
                    if (!a.TryGetPropertyValue(key, out var other))
                    {
                        differences.Add($"{path}.{key} is missing");
                    }
                    else
                    {
                        CompareJson($"{path}.{key}", value, other, tolerance, differences);
                    }
                }
                foreach (var (key, _) in a)
                {
                    if (!e.ContainsKey(key))
                    {
                        differences.Add($"{path}.{key} is new");
                    }
                }
                return;
            case JsonArray e when actual is JsonArray a:
                if (e.Count != a.Count)
                {
                    differences.Add($"{path}: expected {e.Count} items, got {a.Count}");
                    return;
                }
                for (var i = 0; i < e.Count; i++)
                {
                    CompareJson($"{path}[{i}]", e[i], a[i], tolerance, differences);
                }
                return;
            case JsonValue e when actual is JsonValue a && e.GetValueKind() == JsonValueKind.Number && a.GetValueKind() == JsonValueKind.Number:
                var x = double.Parse(e.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
                var y = double.Parse(a.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
                if (!tolerance.Agree(x, y))
                {
                    differences.Add($"{path}: expected {Number(x)}, got {Number(y)}");
                }
                return;
            case JsonValue e when actual is JsonValue a && e.GetValueKind() == JsonValueKind.String && a.GetValueKind() == JsonValueKind.String:
                CompareText(path, e.GetValue<string>(), a.GetValue<string>(), tolerance, differences);
                return;
            default:
                if (!JsonNode.DeepEquals(expected, actual))
                {
                    differences.Add($"{path}: expected {Excerpt(expected?.ToJsonString() ?? "null")}, got {Excerpt(actual?.ToJsonString() ?? "null")}");
                }
                return;
        }
    }

    /// <summary>Compares sanitised text piece by piece: the text between numbers exactly, numbers within the tolerance.
    /// Reports the first differing line.</summary>
    private static void CompareText(string what, string expected, string actual, Tolerance tolerance, List<string> differences)
    {
        var a = Sanitise(expected);
        var b = Sanitise(actual);
        if (a == b)
        {
            return;
        }
        var linesA = a.Split('\n');
        var linesB = b.Split('\n');
        if (linesA.Length == linesB.Length)
        {
            for (var i = 0; i < linesA.Length; i++)
            {
                if (!LineAgrees(linesA[i], linesB[i], tolerance))
                {
                    var (e, g) = Around(linesA[i], linesB[i]);
                    differences.Add($"{what}, line {i + 1}: expected {e}, got {g}");
                    return;
                }
            }
            return;
        }
        if (LineAgrees(a, b, tolerance))
        {
            return;
        }
        var first = 0;
        while (first < Math.Min(linesA.Length, linesB.Length) && LineAgrees(linesA[first], linesB[first], tolerance))
        {
            first++;
        }
        var (expectedLine, actualLine) = first < linesA.Length && first < linesB.Length
            ? Around(linesA[first], linesB[first])
            : (first < linesA.Length ? Excerpt(linesA[first]) : "(end of text)", first < linesB.Length ? Excerpt(linesB[first]) : "(end of text)");
        differences.Add($"{what}: expected {linesA.Length} lines, got {linesB.Length}; line {first + 1}: expected {expectedLine}, got {actualLine}");
    }

    private static bool LineAgrees(string expected, string actual, Tolerance tolerance)
    {
        if (expected == actual)
        {
            return true;
        }
        var numbersA = NumberPattern().Matches(expected);
        var numbersB = NumberPattern().Matches(actual);
        if (numbersA.Count != numbersB.Count || numbersA.Count == 0)
        {
            return false;
        }
        if (NumberPattern().Replace(expected, "\u0001") != NumberPattern().Replace(actual, "\u0001"))
        {
            return false;
        }
        for (var i = 0; i < numbersA.Count; i++)
        {
            if (numbersA[i].Value == numbersB[i].Value)
            {
                continue;
            }
            if (!double.TryParse(numbersA[i].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
                || !double.TryParse(numbersB[i].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var y)
                || !tolerance.Agree(x, y))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Excerpts of two lines starting a little before their first difference.</summary>
    private static (string Expected, string Actual) Around(string expected, string actual)
    {
        var common = 0;
        while (common < expected.Length && common < actual.Length && expected[common] == actual[common])
        {
            common++;
        }
        var start = Math.Max(0, common - 40);
        var prefix = start > 0 ? "..." : "";
        return (Excerpt(prefix + expected[start..]), Excerpt(prefix + actual[start..]));
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Excerpt(string text)
    {
        var single = text.Replace("\n", "\\n", StringComparison.Ordinal);
        return "'" + (single.Length <= 120 ? single : single[..117] + "...") + "'";
    }

    [GeneratedRegex(@"(?<![\w.])[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")]
    private static partial Regex NumberPattern();

    [GeneratedRegex(@"(?<label>(?:Wall|CPU) time: )[^\n]*")]
    private static partial Regex DurationLine();

    [GeneratedRegex(@"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?")]
    private static partial Regex Timestamp();

    [GeneratedRegex(@"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")]
    private static partial Regex Guid();

    [GeneratedRegex(@"\b0x[0-9a-fA-F]{6,}\b")]
    private static partial Regex Address();

    [GeneratedRegex(@"(?<prefix>[A-Za-z_][\w.`+]*[@#])[0-9a-fA-F]{5,}\b")]
    private static partial Regex ObjectHash();

    [GeneratedRegex(@"Submission#\d+")]
    private static partial Regex Submission();

    [GeneratedRegex(@"\b[A-Za-z]:\\(?:[^\\\s""'<>|]+\\)*[^\\\s""'<>|]*")]
    private static partial Regex WindowsPath();

    [GeneratedRegex(@"(?<before>^|[\s""'(=:\[,])/(?:[\w.\-+@~]+/)+[\w.\-+@~]*", RegexOptions.Multiline)]
    private static partial Regex UnixPath();
}
