using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TwinLab.Interactive;
using TwinLab.Notebooks.Documents;

namespace TwinLab.Notebooks.Running;

/// <summary>
/// Exports an executed notebook as one self-contained HTML page (styles inline, images as data URIs, nothing fetched
/// from the network). Markdown cells are rendered; code cells show their source and outputs, each output in its
/// richest form a page can show (an interactive chart, HTML, SVG, PNG, Markdown, then text). Outputs that carry a
/// plotly.js figure (<c>application/vnd.plotly.v1+json</c>) become interactive charts: plotly.js is inlined exactly once,
/// and only in pages that have charts; each chart shows its static SVG until plotly.js has drawn it. Without an
/// installed plotly.js the charts stay static and the page says why. Mathematics stays in its LaTeX source form.
/// </summary>
public static class HtmlExporter
{
    private const string Style = """
        body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1b1f24; line-height: 1.5; }
        .cell { margin: 1rem 0; }
        .input { display: flex; gap: .5rem; }
        .prompt { color: #6b7280; font-family: monospace; min-width: 4.5rem; text-align: right; padding-top: .5rem; }
        pre { margin: 0; padding: .5rem .75rem; overflow-x: auto; font-size: .875rem; }
        .source pre { background: #f6f8fa; border: 1px solid #e5e7eb; border-radius: 4px; }
        .source { flex: 1; min-width: 0; }
        .outputs { margin-left: 5rem; }
        .output { margin: .25rem 0; overflow-x: auto; }
        .stderr pre { background: #fff5f5; }
        .error pre { background: #fdecea; color: #7f1d1d; }
        table { border-collapse: collapse; margin: .5rem 0; font-size: .875rem; }
        th, td { border: 1px solid #d0d7de; padding: .25rem .5rem; text-align: left; }
        caption { text-align: left; font-weight: 600; padding: .25rem 0; }
        .markdown { margin-left: 5rem; }
        footer { margin-top: 3rem; color: #6b7280; font-size: .8rem; }
        .note { border: 1px solid #d4a72c; background: #fff8c5; padding: .5rem .75rem; border-radius: 4px; }
        """;

    /// <summary>The page for a notebook, with the installed plotly.js (<see cref="PlotlyScript.TryLocate"/>) for its
    /// charts.</summary>
    /// <param name="notebook">The notebook (normally executed).</param>
    /// <param name="title">The page title.</param>
    /// <returns>The HTML text.</returns>
    /// <exception cref="FileNotFoundException"><see cref="PlotlyScript.EnvironmentVariable"/> names a missing file.</exception>
    public static string ToHtml(NotebookDocument notebook, string title) =>
        ToHtml(notebook, title, HasCharts(notebook) ? PlotlyScript.TryLocate() : null);

    /// <summary>The page for a notebook.</summary>
    /// <param name="notebook">The notebook (normally executed).</param>
    /// <param name="title">The page title.</param>
    /// <param name="plotly">The plotly.js bundle to inline when the notebook has charts; null leaves them static (the
    /// page then says how to install plotly.js).</param>
    /// <returns>The HTML text.</returns>
    public static string ToHtml(NotebookDocument notebook, string title, PlotlyScript? plotly)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        ArgumentNullException.ThrowIfNull(title);
        var charts = HasCharts(notebook);
        var interactive = charts && plotly is not null;
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").Append(Encode(title))
          .Append("</title>\n<style>\n").Append(Style).Append("\n</style>\n");
        if (interactive)
        {
            ChartHtml.AppendInlinePlotly(sb, plotly!);
        }
        sb.Append("</head>\n<body>\n");
        if (charts && !interactive)
        {
            sb.Append("<p class=\"note\">The charts on this page are static images: plotly.js, which makes them interactive, was not found when the page was written. ")
              .Append(Encode(PlotlyScript.HowToInstall)).Append("</p>\n");
        }
        foreach (var cell in notebook.Cells)
        {
            sb.Append("<div class=\"cell\" id=\"").Append(Encode(cell.Id)).Append("\">\n");
            switch (cell.Kind)
            {
                case CellKind.Markdown:
                    sb.Append("<div class=\"markdown\">").Append(MarkdownRenderer.ToHtml(cell.Source)).Append("</div>\n");
                    break;
                case CellKind.Raw:
                    sb.Append("<div class=\"outputs\"><pre>").Append(Encode(cell.Source)).Append("</pre></div>\n");
                    break;
                default:
                    sb.Append("<div class=\"input\"><div class=\"prompt\">In [").Append(cell.ExecutionCount?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? " ")
                      .Append("]:</div><div class=\"source\"><pre><code>").Append(Encode(cell.Source)).Append("</code></pre></div></div>\n");
                    if (cell.Outputs.Count > 0)
                    {
                        sb.Append("<div class=\"outputs\">\n");
                        foreach (var output in cell.Outputs)
                        {
                            AppendOutput(sb, output, interactive);
                        }
                        sb.Append("</div>\n");
                    }
                    break;
            }
            sb.Append("</div>\n");
        }
        var record = notebook.Metadata[NotebookRunner.MetadataKey] as JsonObject;
        sb.Append("<footer>Executed with TwinLab ").Append(Encode(Text(record?["twinlab_version"]))).Append(" on .NET ")
          .Append(Encode(Text(record?["dotnet_version"]))).Append(".</footer>\n</body>\n</html>\n");
        return sb.ToString();
    }

    /// <summary>Whether any output of the notebook carries a plotly.js figure, or HTML with a chart in it (solutions,
    /// ensembles and distributions show charts inside their HTML).</summary>
    /// <param name="notebook">The notebook.</param>
    /// <returns>True when the notebook has a chart.</returns>
    public static bool HasCharts(NotebookDocument notebook)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        return notebook.Cells.Any(c => c.Outputs.Any(o => o["data"] is JsonObject data
            && (data.ContainsKey(MimeTypes.Plotly) || (data[MimeTypes.Html] is { } html && Text(html).Contains(ChartMarker, StringComparison.Ordinal)))));
    }

    /// <summary>The attribute that marks a chart inside HTML (see <see cref="ChartHtml"/>).</summary>
    private const string ChartMarker = "data-twinlab-chart=";

    private static void AppendOutput(StringBuilder sb, JsonObject output, bool interactive)
    {
        switch (NotebookOutputs.TypeOf(output))
        {
            case "stream":
                var name = NotebookOutputs.StringOf(output, "name");
                sb.Append("<div class=\"output ").Append(Encode(name)).Append("\"><pre>").Append(Encode(NotebookOutputs.StringOf(output, "text"))).Append("</pre></div>\n");
                break;
            case "error":
                var traceback = output["traceback"] is JsonArray lines ? string.Join('\n', lines.Select(Text)) : NotebookOutputs.PlainTextOf(output);
                sb.Append("<div class=\"output error\"><pre>").Append(Encode(traceback)).Append("</pre></div>\n");
                break;
            case "display_data":
            case "execute_result":
                sb.Append("<div class=\"output\">").Append(RenderData(output["data"] as JsonObject ?? [], interactive)).Append("</div>\n");
                break;
            default:
                break;
        }
    }

    private static string RenderData(JsonObject data, bool interactive)
    {
        if (data[MimeTypes.Plotly] is { } figure)
        {
            // The chart's own text/html carries a loader meant for Jupyter; the page draws the figure itself.
            var image = data[MimeTypes.Svg] is { } svgNode ? Text(svgNode) : "";
            if (interactive)
            {
                var (width, height) = SvgSize(image);
                return ChartHtml.Fragment(image, Text(figure), width, height);
            }
            if (image.Length > 0)
            {
                return image;
            }
        }
        if (data[MimeTypes.Html] is { } html)
        {
            return Text(html);
        }
        if (data[MimeTypes.Svg] is { } svg)
        {
            return Text(svg);
        }
        if (data[MimeTypes.Png] is { } png)
        {
            return $"<img alt=\"image\" src=\"data:image/png;base64,{Encode(Text(png).Replace("\n", "", StringComparison.Ordinal))}\">";
        }
        if (data[MimeTypes.Markdown] is { } markdown)
        {
            return MarkdownRenderer.ToHtml(Text(markdown));
        }
        if (data[MimeTypes.Latex] is { } latex)
        {
            return "<pre class=\"latex\">" + Encode(Text(latex)) + "</pre>";
        }
        if (data[MimeTypes.PlainText] is { } plain)
        {
            return "<pre>" + Encode(Text(plain)) + "</pre>";
        }
        return "";
    }

    /// <summary>The width and height attributes of an SVG image's root element (640 × 400 when absent).</summary>
    private static (int Width, int Height) SvgSize(string svg)
    {
        static int Attribute(string svg, string name, int fallback)
        {
            var match = System.Text.RegularExpressions.Regex.Match(svg, "<svg\\b[^>]*?\\s" + name + "=\"([0-9.]+)", System.Text.RegularExpressions.RegexOptions.CultureInvariant);
            return match.Success && double.TryParse(match.Groups[1].Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= 1
                ? (int)Math.Round(value)
                : fallback;
        }
        return (Attribute(svg, "width", 640), Attribute(svg, "height", 400));
    }

    private static string Text(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonArray a => string.Concat(a.Select(Text)),
        null => "",
        _ => node.ToJsonString(),
    };

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
