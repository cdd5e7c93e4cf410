using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using TwinLab.Interactive;
using TwinLab.TestSupport;

namespace TwinLab.Notebooks.Tests.Charts;

/// <summary>Checks of a chart's two renderings: the plotly figure against the checked-in allow-list of plotly.js schema
/// attributes (plotly-schema-allowlist.json), and the SVG as well-formed XML.</summary>
internal static partial class ChartAssert
{
    public static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static readonly Lazy<(Dictionary<string, HashSet<string>> Traces, HashSet<string> Layout, Dictionary<string, HashSet<string>> Enumerations)> Allowed = new(Load);

    /// <summary>Asserts that the figure has only allowed attributes and values, no NaN or Infinity, and returns it.</summary>
    public static JsonElement PlotlyFigure(Chart chart) => PlotlyFigure(chart.ToPlotlyJson());

    /// <summary>Asserts that figure JSON has only allowed attributes and values, no NaN or Infinity, and returns it.</summary>
    public static JsonElement PlotlyFigure(string json)
    {
        Assert.DoesNotContain("NaN", json, StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", json, StringComparison.Ordinal);
        var root = JsonDocument.Parse(json).RootElement.Clone();
        Assert.Equal(["data", "layout"], root.EnumerateObject().Select(p => p.Name));
        var (traces, layout, enumerations) = Allowed.Value;
        foreach (var trace in root.GetProperty("data").EnumerateArray())
        {
            var type = trace.GetProperty("type").GetString()!;
            Assert.True(traces.TryGetValue(type, out var allowed), $"Trace type '{type}' is not in the allow-list.");
            foreach (var (path, value) in Leaves(trace, ""))
            {
                Assert.True(allowed.Contains(path), $"'{type}.{path}' is not a plotly.js attribute in the allow-list.");
                CheckValue(type + "." + path, path, value, enumerations);
            }
        }
        foreach (var (path, value) in Leaves(root.GetProperty("layout"), ""))
        {
            var normalised = AxisKey().Replace(path, "$1");
            Assert.True(layout.Contains(normalised), $"'layout.{path}' is not a plotly.js layout attribute in the allow-list.");
            CheckValue("layout." + normalised, path, value, enumerations);
        }
        return root;
    }

    /// <summary>The SVG, parsed as XML (which fails on malformed markup).</summary>
    public static XElement SvgImage(Chart chart)
    {
        var root = XDocument.Parse(chart.ToSvg()).Root!;
        Assert.Equal(Svg + "svg", root.Name);
        return root;
    }

    public static IEnumerable<XElement> Groups(XElement scope, string cssClass) =>
        scope.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == cssClass);

    public static XElement Group(XElement scope, string cssClass) => Assert.Single(Groups(scope, cssClass));

    public static IEnumerable<XElement> WithClass(XElement scope, string cssClass) =>
        scope.Descendants().Where(e => (string?)e.Attribute("class") == cssClass);

    public static IEnumerable<XElement> Panels(XElement svg) => Groups(svg, "panel");

    public static IEnumerable<string> TickLabels(XElement scope, string axis) =>
        Groups(scope, axis).SelectMany(g => g.Elements(Svg + "text")).Where(t => (string?)t.Attribute("class") == "tick").Select(t => t.Value);

    /// <summary>The (x, y) pairs of a polyline's or polygon's points attribute.</summary>
    public static (double X, double Y)[] Points(XElement element) =>
        [.. ((string)element.Attribute("points")!).Split(' ').Select(p => p.Split(',')).Select(p => (double.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture), double.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)))];

    private static void CheckValue(string key, string path, JsonElement value, Dictionary<string, HashSet<string>> enumerations)
    {
        if (enumerations.TryGetValue(key, out var values) && value.ValueKind == JsonValueKind.String)
        {
            Assert.True(values.Contains(value.GetString()!), $"'{key}' = '{value.GetString()}' is not an allowed value.");
        }
        var leaf = path[(path.LastIndexOf('.') + 1)..];
        if (leaf is "xaxis" or "yaxis" or "xref" or "yref" or "anchor" or "matches" or "scaleanchor")
        {
            Assert.Matches(AxisReference(), value.GetString()!);
        }
    }

    private static IEnumerable<(string Path, JsonElement Value)> Leaves(JsonElement element, string prefix)
    {
        foreach (var property in element.EnumerateObject())
        {
            var path = prefix.Length == 0 ? property.Name : prefix + "." + property.Name;
            var value = property.Value;
            if (value.ValueKind == JsonValueKind.Object)
            {
                foreach (var leaf in Leaves(value, path))
                {
                    yield return leaf;
                }
            }
            else if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0 && value[0].ValueKind == JsonValueKind.Object)
            {
                foreach (var item in value.EnumerateArray())
                {
                    foreach (var leaf in Leaves(item, path + "[]"))
                    {
                        yield return leaf;
                    }
                }
            }
            else
            {
                yield return (path, value);
            }
        }
    }

    private static (Dictionary<string, HashSet<string>>, HashSet<string>, Dictionary<string, HashSet<string>>) Load()
    {
        var path = Path.Combine(DebianPython.RepositoryRoot, "tests", "TwinLab.Notebooks.Tests", "Charts", "plotly-schema-allowlist.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        var traces = root.GetProperty("traces").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(v => v.GetString()!).ToHashSet());
        var layout = root.GetProperty("layout").EnumerateArray().Select(v => v.GetString()!).ToHashSet();
        var enumerations = root.GetProperty("enumerations").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(v => v.GetString()!).ToHashSet());
        return (traces, layout, enumerations);
    }

    [GeneratedRegex(@"^(xaxis|yaxis)\d+")]
    private static partial Regex AxisKey();

    [GeneratedRegex(@"^((x|y)(\d+)?( domain)?|paper)$")]
    private static partial Regex AxisReference();
}
