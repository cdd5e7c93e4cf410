using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using TwinLab.Interactive;
using TwinLab.Notebooks.Documents;
using TwinLab.Notebooks.Running;
using TwinLab.Notebooks.Tests.Running;

namespace TwinLab.Notebooks.Tests.Interactive;

public sealed partial class ChartDeliveryTests
{
    private static Chart Line(string title = "t", params double[] y) =>
        new Chart { Title = title, XTitle = "day", YTitle = "v" }.Add(new LineTrace([.. Enumerable.Range(0, y.Length).Select(i => (double)i)], y, "v"));

    /// <summary>The figure JSON the chart's HTML output carries to plotly.js.</summary>
    private static string FigureOf(string html)
    {
        var match = FigureLiteral().Match(html);
        Assert.True(match.Success, "no figure in the HTML output");
        return match.Groups[1].Value;
    }

    [GeneratedRegex(@"var figure = (\{.*?\});\n", RegexOptions.Singleline)]
    private static partial Regex FigureLiteral();

    [Fact]
    public void Html_output_shows_the_svg_and_carries_the_figure_but_never_plotly_itself()
    {
        var chart = Line("t", 1, 3, 2);
        var html = new FormatterRegistry().Format(chart)[MimeTypes.Html];
        Assert.StartsWith("<div class=\"twinlab-chart\"", html, StringComparison.Ordinal);
        Assert.Contains(chart.ToSvg(), html, StringComparison.Ordinal);
        Assert.Equal(chart.ToPlotlyJson(), FigureOf(html).Replace("\\u003c", "<", StringComparison.Ordinal));
        Assert.Contains(ChartHtml.KernelSpecScriptUrl[..^3], html, StringComparison.Ordinal);
        Assert.DoesNotContain("plotly.js v", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http", html[html.IndexOf("<script", StringComparison.Ordinal)..], StringComparison.Ordinal);
        // The loader is small: the output is the SVG, the figure and under 4 kB of script.
        Assert.True(html.Length < chart.ToSvg().Length + chart.ToPlotlyJson().Length + 4096, $"{html.Length} characters");
    }

    [Fact]
    public void Figure_text_cannot_close_the_script_element()
    {
        var html = ChartHtml.Fragment(Line("</script><img src=x onerror=alert(1)>", 1, 2));
        var script = html[html.IndexOf("<script", StringComparison.Ordinal)..];
        Assert.Equal(1, Regex.Count(script, "</script>"));
        using var figure = JsonDocument.Parse(FigureOf(html));
        Assert.Equal("</script><img src=x onerror=alert(1)>", figure.RootElement.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
    }

    [Fact]
    public void The_html_payload_has_no_nan_or_infinity()
    {
        var html = ChartHtml.Fragment(Line("gaps", 1, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 2));
        var figure = FigureOf(html);
        Assert.DoesNotContain("NaN", figure, StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", figure, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(figure);
        var y = json.RootElement.GetProperty("data")[0].GetProperty("y").EnumerateArray().Select(v => v.ValueKind).ToArray();
        Assert.Equal([JsonValueKind.Number, JsonValueKind.Null, JsonValueKind.Null, JsonValueKind.Null, JsonValueKind.Number], y);
    }

    [Fact]
    public void Stored_notebooks_carry_no_plotly_script()
    {
        var run = NotebookRunner.Run(NotebookBuilder.Of("new Chart { Title = \"c\" }.Add(new LineTrace(new double[] { 0, 1, 2 }, new double[] { 1, 2, 0 }, \"y\"))"));
        var path = Path.Combine(Path.GetTempPath(), $"twinlab-chart-{Guid.NewGuid():N}.ipynb");
        try
        {
            IpynbFormat.Save(run.Notebook, path);
            var text = File.ReadAllText(path);
            Assert.Contains(MimeTypes.Plotly, text, StringComparison.Ordinal);
            Assert.DoesNotContain("plotly.js v", text, StringComparison.Ordinal);
            Assert.DoesNotContain("newPlot=", text, StringComparison.Ordinal);
            // A one-line chart stores its SVG twice (image and HTML), its figure twice (JSON and HTML) and the loader.
            Assert.True(text.Length < 30_000, $"{text.Length} characters");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Exported_pages_inline_plotly_exactly_once_and_only_when_they_have_charts()
    {
        var folder = Directory.CreateTempSubdirectory("twinlab-plotly-").FullName;
        try
        {
            var bundle = Path.Combine(folder, "plotly.min.js");
            File.WriteAllText(bundle, "/**\n* plotly.js v4.1.2\n*/\nwindow.Plotly = { marker: \"</script>\", comment: \"<!--\" };\n");
            var plotly = PlotlyScript.FromFile(bundle);
            var charts = NotebookRunner.Run(NotebookBuilder.Of(
                "display(new Chart { Title = \"a\" }.Add(new LineTrace(new double[] { 0, 1 }, new double[] { 1, 2 }, \"y\")));",
                "new Chart { Title = \"b\" }.Add(new LineTrace(new double[] { 0, 1 }, new double[] { 2, 1 }, \"y\"))")).Notebook;
            var page = HtmlExporter.ToHtml(charts, "charts", plotly);
            Assert.Equal(1, Regex.Count(page, @"plotly\.js v4\.1\.2\n"));
            Assert.Contains("marker: \"<\\/script>\", comment: \"<\\!--\"", page, StringComparison.Ordinal);
            Assert.Equal(2, Regex.Count(page, "<div class=\"twinlab-chart\""));
            Assert.True(page.IndexOf("window.Plotly = {", StringComparison.Ordinal) < page.IndexOf("<div class=\"twinlab-chart\"", StringComparison.Ordinal));
            Assert.DoesNotContain("class=\"note\"", page, StringComparison.Ordinal);

            var plain = HtmlExporter.ToHtml(NotebookRunner.Run(NotebookBuilder.Of("1 + 1")).Notebook, "plain", plotly);
            Assert.DoesNotContain("<script", plain, StringComparison.Ordinal);

            var offline = HtmlExporter.ToHtml(charts, "charts", plotly: null);
            Assert.DoesNotContain("<script", offline, StringComparison.Ordinal);
            Assert.Contains("class=\"note\"", offline, StringComparison.Ordinal);
            Assert.Contains("environment/setup.sh", offline, StringComparison.Ordinal);
            Assert.Equal(2, Regex.Count(offline, "<svg"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Charts_inside_html_outputs_also_get_plotly_in_exported_pages()
    {
        var notebook = NotebookRunner.Run(NotebookBuilder.Of(
            "var m = ModelLibrary.Get(\"gompertz\");\nnew OdeProblem(m, (0, 10), saveAt: new double[] { 0, 5, 10 }).Solve(new Tsit5())")).Notebook;
        Assert.True(HtmlExporter.HasCharts(notebook));
        Assert.False(HtmlExporter.HasCharts(NotebookRunner.Run(NotebookBuilder.Of("new[] { 1, 2 }")).Notebook));
    }

    [Fact]
    public void A_missing_bundle_is_reported_with_how_to_install_it()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-plotly-{Guid.NewGuid():N}.js");
        var e = Assert.Throws<FileNotFoundException>(() => PlotlyScript.FromFile(missing));
        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
        Assert.Contains("environment/setup.sh", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_installed_bundle_is_the_pinned_version()
    {
        var plotly = PlotlyScript.TryLocate();
        Assert.True(plotly is not null, PlotlyScript.HowToInstall);
        using var package = JsonDocument.Parse(File.ReadAllText(Path.Combine(TwinLab.TestSupport.DebianPython.RepositoryRoot, "environment", "package.json")));
        Assert.Equal(package.RootElement.GetProperty("dependencies").GetProperty("plotly.js-dist-min").GetString(), plotly!.Version);
    }

    [Fact]
    public void SaveSvg_and_SaveHtml_write_whole_files()
    {
        var folder = Directory.CreateTempSubdirectory("twinlab-save-").FullName;
        try
        {
            var chart = Line("saved", 1, 2, 4);
            var svg = Path.Combine(folder, "a", "chart.svg");
            chart.SaveSvg(svg);
            var root = XDocument.Load(svg).Root!;
            Assert.Equal("svg", root.Name.LocalName);
            chart.SaveSvg(svg);

            var html = Path.Combine(folder, "chart.html");
            chart.SaveHtml(html);
            var page = File.ReadAllText(html);
            Assert.StartsWith("<!DOCTYPE html>", page, StringComparison.Ordinal);
            Assert.Equal(1, Regex.Count(page, @"\* plotly\.js v\d"));
            Assert.Contains("<title>saved</title>", page, StringComparison.Ordinal);
            Assert.Equal(["chart.svg"], Directory.GetFiles(Path.Combine(folder, "a")).Select(Path.GetFileName));
            Assert.Equal(["chart.html"], Directory.GetFiles(folder).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void SavePng_refuses_charts_too_small_for_a_full_screenshot()
    {
        var chart = Line("small", 1, 2);
        chart.Height = 120;
        var e = Assert.Throws<ArgumentException>(() => chart.SavePng(Path.Combine(Path.GetTempPath(), "never.png")));
        Assert.Contains("at least 200", e.Message, StringComparison.Ordinal);
    }
}
