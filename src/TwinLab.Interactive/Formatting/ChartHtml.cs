using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace TwinLab.Interactive;

/// <summary>
/// The HTML forms of a <see cref="Chart"/>. A chart's <c>text/html</c> output shows its static SVG rendering first and
/// carries a small script that upgrades it to an interactive plotly.js plot when plotly.js can be loaded without a
/// network: a page that already has plotly.js (a self-contained HTML export inlines it once), or a Jupyter page, which
/// loads it from the TwinLab kernelspec's folder at <c>&lt;base_url&gt;kernelspecs/twinlab/plotly.min.js</c> (through
/// requirejs where the page has it). If loading fails, or scripts do not run (untrusted notebooks, GitHub, nbconvert
/// exports, VS Code), the SVG stays. plotly.js itself is never written into a notebook output.
/// </summary>
public static partial class ChartHtml
{
    /// <summary>Where a Jupyter server serves plotly.js, relative to its base URL (the kernelspec's resource folder).</summary>
    public const string KernelSpecScriptUrl = "kernelspecs/twinlab/plotly.min.js";

    /// <summary>The notebook form: the SVG, and a script that upgrades it to an interactive plot.</summary>
    /// <param name="chart">The chart.</param>
    /// <returns>The HTML fragment.</returns>
    public static string Fragment(Chart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        return Fragment(chart.ToSvg(), chart.ToPlotlyJson(), chart.Width, chart.Height);
    }

    /// <summary>A self-contained page of one chart, with plotly.js inlined: interactive without a network.</summary>
    /// <param name="chart">The chart.</param>
    /// <param name="plotly">The plotly.js bundle to inline.</param>
    /// <returns>The HTML page.</returns>
    public static string Page(Chart chart, PlotlyScript plotly)
    {
        ArgumentNullException.ThrowIfNull(chart);
        ArgumentNullException.ThrowIfNull(plotly);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
          .Append(WebUtility.HtmlEncode(string.IsNullOrEmpty(chart.Title) ? "TwinLab chart" : chart.Title)).Append("</title>\n");
        AppendInlinePlotly(sb, plotly);
        sb.Append("</head>\n<body style=\"margin: 0; background: #ffffff;\">\n").Append(Fragment(chart)).Append("\n</body>\n</html>\n");
        return sb.ToString();
    }

    /// <summary>Appends plotly.js as an inline script element (with its version in a comment before it).</summary>
    /// <param name="sb">The page being written.</param>
    /// <param name="plotly">The bundle.</param>
    internal static void AppendInlinePlotly(StringBuilder sb, PlotlyScript plotly) =>
        sb.Append("<!-- plotly.js ").Append(WebUtility.HtmlEncode(plotly.Version)).Append(", inlined so that charts are interactive offline -->\n<script>\n")
          .Append(plotly.InlineText).Append("\n</script>\n");

    /// <summary>The notebook form of a figure, given its parts (used for charts read back from notebook outputs).</summary>
    /// <param name="staticMarkup">The markup shown until (or unless) plotly.js draws: normally the SVG; may be empty.</param>
    /// <param name="figureJson">The plotly.js figure, <c>{"data": [...], "layout": {...}}</c>.</param>
    /// <param name="width">The plot's width in pixels.</param>
    /// <param name="height">The plot's height in pixels.</param>
    /// <returns>The HTML fragment.</returns>
    internal static string Fragment(string staticMarkup, string figureJson, int width, int height)
    {
        // The id names the chart's structure (titles, kinds and names of traces) but not its numbers, so that a notebook
        // re-executed on another machine, whose last digits may differ, writes the same markup.
        var id = "twinlab-chart-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonNumber().Replace(figureJson, "0"))))[..16];
        // In JSON text '<' only occurs inside strings, where \u003c means the same and cannot close the script element.
        var figure = figureJson.Replace("<", "\\u003c", StringComparison.Ordinal);
        var script = Loader
            .Replace("%ID%", id, StringComparison.Ordinal)
            .Replace("%WIDTH%", width.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("%HEIGHT%", height.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("%URL%", KernelSpecScriptUrl[..^".js".Length], StringComparison.Ordinal)
            .Replace("%FIGURE%", figure, StringComparison.Ordinal);
        return $"<div class=\"twinlab-chart\" data-twinlab-chart=\"{id}\"><div class=\"twinlab-chart-static\">{staticMarkup}</div><script type=\"text/javascript\">{script}</script></div>";
    }

    /// <summary>The upgrade script. It finds its chart (the script's parent, or the first chart with this id not yet
    /// claimed when the front end runs scripts detached from the output, as the classic notebook does), then draws with
    /// window.Plotly, or loads plotly.js from the Jupyter server's kernelspec folder (through requirejs where the page
    /// has an AMD loader, otherwise with one shared script element). Outside Jupyter it leaves the SVG. The SVG is
    /// hidden only after plotly.js has drawn.</summary>
    private const string Loader = """
        (function () {
          var figure = %FIGURE%;
          var id = "%ID%";
          var script = document.currentScript;
          var parent = script && script.parentNode;
          var root = parent && parent.getAttribute && parent.getAttribute("data-twinlab-chart") === id && !parent.getAttribute("data-twinlab-state")
            ? parent : document.querySelector('[data-twinlab-chart="' + id + '"]:not([data-twinlab-state])');
          if (!root) { return; }
          root.setAttribute("data-twinlab-state", "static");
          function draw(Plotly) {
            if (!Plotly || typeof Plotly.newPlot !== "function") { return; }
            var plot = document.createElement("div");
            plot.className = "twinlab-chart-plot";
            plot.style.width = "%WIDTH%px";
            plot.style.height = "%HEIGHT%px";
            plot.style.maxWidth = "100%";
            root.appendChild(plot);
            var keepStatic = function () { if (plot.parentNode) { plot.parentNode.removeChild(plot); } };
            try {
              Promise.resolve(Plotly.newPlot(plot, figure.data, figure.layout, { displaylogo: false, responsive: true })).then(function () {
                var fallback = root.querySelector(".twinlab-chart-static");
                if (fallback) { fallback.style.display = "none"; }
                root.setAttribute("data-twinlab-state", "interactive");
              }, keepStatic);
            } catch (e) { keepStatic(); }
          }
          if (window.Plotly) { draw(window.Plotly); return; }
          var base = null;
          var config = document.getElementById("jupyter-config-data");
          if (config) { try { base = JSON.parse(config.textContent).baseUrl || null; } catch (e) { base = null; } }
          if (base === null && document.body && document.body.hasAttribute("data-base-url")) { base = document.body.getAttribute("data-base-url"); }
          if (base === null) { return; }
          if (base.charAt(base.length - 1) !== "/") { base += "/"; }
          var url = base + "%URL%";
          if (typeof window.requirejs === "function" && typeof window.define === "function" && window.define.amd) {
            window.requirejs.config({ paths: { "twinlab-plotly": url } });
            // plotly.js 4 defines no AMD module: it sets window.Plotly, which is used when the module value is empty.
            window.requirejs(["twinlab-plotly"], function (Plotly) { draw(Plotly || window.Plotly); }, function () { });
            return;
          }
          if (!window.twinlabPlotly) {
            window.twinlabPlotly = new Promise(function (resolve, reject) {
              var tag = document.createElement("script");
              tag.src = url + ".js";
              tag.onload = function () { if (window.Plotly) { resolve(window.Plotly); } else { reject(new Error("plotly.js did not load")); } };
              tag.onerror = function () { reject(new Error("plotly.js could not be loaded from " + tag.src)); };
              document.head.appendChild(tag);
            });
          }
          window.twinlabPlotly.then(draw, function () { });
        })();
        """;

    [System.Text.RegularExpressions.GeneratedRegex(@"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")]
    private static partial System.Text.RegularExpressions.Regex JsonNumber();
}
