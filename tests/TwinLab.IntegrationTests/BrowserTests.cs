using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TwinLab.Interactive;

namespace TwinLab.IntegrationTests;

/// <summary>
/// Pages TwinLab writes, opened in a real browser (Debian's headless chromium) with the network disabled: exported
/// notebooks draw interactive plotly.js charts from the inlined bundle, chart outputs in a Jupyter page load plotly.js
/// from the kernelspec folder, and where plotly.js cannot be loaded the SVG stays. No page may log to the console.
/// </summary>
public sealed partial class BrowserTests
{
    /// <summary>The colour of the test chart's line: a red no other mark of the chart uses.</summary>
    private const string TraceColor = "#d62728";

    private const string ChartCell = """
        new Chart { Title = "browser check", XTitle = "day", YTitle = "volume" }
            .Add(new LineTrace(new double[] { 0, 1, 2, 3, 4, 5 }, new double[] { 1, 3, 2, 4, 3.5, 5 }, "volume") { Color = "#d62728", Width = 4 })
        """;

    [Fact]
    public void An_exported_notebook_draws_its_chart_with_the_inlined_plotly_offline()
    {
        RequireBrowser();
        var work = Directory.CreateTempSubdirectory("twinlab-browser-").FullName;
        try
        {
            var page = RunToHtml(work);
            var html = File.ReadAllText(page);
            Assert.Equal(1, Regex.Count(html, "<!-- plotly.js "));
            Assert.Equal(1, Regex.Count(html, @"\* plotly\.js v\d"));
            // Nothing is loaded from elsewhere (plotly.js itself mentions its CDN as a default it does not use here).
            Assert.DoesNotContain("src=\"http", html, StringComparison.OrdinalIgnoreCase);

            var (dom, log) = DumpDom(page);
            // plotly.js drew (its root SVG has class main-svg) and the static SVG was hidden after it had drawn.
            Assert.Contains("class=\"main-svg\"", dom, StringComparison.Ordinal);
            Assert.Contains("data-twinlab-state=\"interactive\"", dom, StringComparison.Ordinal);
            AssertNoConsoleMessages(log);

            var png = Path.Combine(work, "page.png");
            var screenshotLog = HeadlessChromium.Screenshot(page, png, 1000, 800, extraArguments: ["--enable-logging=stderr", "--v=0"]);
            AssertNoConsoleMessages(screenshotLog);
            var image = PngImage.Read(png);
            Assert.Equal((1000, 800), (image.Width, image.Height));
            var notWhite = image.Count(p => p.R < 250 || p.G < 250 || p.B < 250);
            var trace = image.Count(p => Near(p, 0xd6, 0x27, 0x28));
            // A 4-pixel line across a ~500-pixel plot covers about 2000 pixels; anti-aliasing shades its edges, so a
            // quarter of that is a safe lower bound for pixels of exactly the trace colour. The page also has text.
            Assert.True(trace > 500, $"{trace} pixels have the trace colour; the plot was not drawn.");
            Assert.True(notWhite > trace + 2000, $"{notWhite} non-white pixels: the page is nearly blank.");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public void A_chart_output_keeps_its_svg_where_plotly_cannot_be_loaded()
    {
        RequireBrowser();
        var work = Directory.CreateTempSubdirectory("twinlab-browser-").FullName;
        try
        {
            var fragment = ChartOutputHtml(work);
            var page = Path.Combine(work, "static.html");
            File.WriteAllText(page, $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>{fragment}</body></html>");
            var (dom, log) = DumpDom(page);
            Assert.Contains("data-twinlab-state=\"static\"", dom, StringComparison.Ordinal);
            Assert.DoesNotContain("main-svg", dom, StringComparison.Ordinal);
            Assert.DoesNotContain("display: none", dom, StringComparison.Ordinal);
            AssertNoConsoleMessages(log);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public void In_a_jupyter_page_a_chart_output_loads_plotly_from_the_installed_kernelspec()
    {
        RequireBrowser();
        JupyterTools.Require();
        var work = Directory.CreateTempSubdirectory("twinlab-browser-").FullName;
        var (prefix, _) = JupyterTools.InstallKernel();
        try
        {
            var fragment = ChartOutputHtml(work);
            // The Jupyter server maps <base_url>kernelspecs/twinlab/ to the kernelspec folder; a file-system base URL
            // with the same layout stands in for it (the page gets plotly.js only from there: the network is off).
            var server = Path.Combine(work, "server");
            Directory.CreateDirectory(server);
            Directory.CreateSymbolicLink(Path.Combine(server, "kernelspecs"), Path.Combine(prefix, "share", "jupyter", "kernels"));
            var baseUrl = new Uri(server + "/").AbsoluteUri;
            var page = Path.Combine(work, "lab.html");
            File.WriteAllText(page, $$"""
                <!DOCTYPE html><html><head><meta charset="utf-8">
                <script id="jupyter-config-data" type="application/json">{"baseUrl": "{{baseUrl}}"}</script>
                </head><body><div class="output">{{fragment}}</div></body></html>
                """);
            var (dom, log) = DumpDom(page);
            Assert.Contains("class=\"main-svg\"", dom, StringComparison.Ordinal);
            Assert.Contains("data-twinlab-state=\"interactive\"", dom, StringComparison.Ordinal);
            Assert.Contains("kernelspecs/twinlab/plotly.min.js", dom, StringComparison.Ordinal);
            AssertNoConsoleMessages(log);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
            Directory.Delete(prefix, recursive: true);
        }
    }

    [Fact]
    public void In_jupyter_notebook_a_trusted_chart_output_loads_plotly_from_the_kernelspec_and_becomes_interactive()
    {
        RequireBrowser();
        JupyterTools.Require();
        var work = Directory.CreateTempSubdirectory("twinlab-browser-").FullName;
        var (prefix, environment) = JupyterTools.InstallKernel();
        try
        {
            RunToHtml(work);
            var notebook = Path.Combine(work, "out", "chart.ipynb");
            // Jupyter runs scripts of trusted notebooks only: sign it with this Jupyter data folder's secret.
            var sign = JupyterTools.Run(TwinLab.TestSupport.DebianPython.Executable,
                ["-c", "import sys, nbformat\nfrom nbformat.sign import NotebookNotary\nnb = nbformat.read(sys.argv[1], 4)\nNotebookNotary().sign(nb)", notebook],
                environment, TimeSpan.FromMinutes(1));
            Assert.True(sign.ExitCode == 0, sign.Describe());

            using var server = JupyterServer.Start(Path.Combine(work, "out"), environment);
            var served = server.Get("kernelspecs/twinlab/plotly.min.js");
            Assert.Equal(new FileInfo(PlotlyScript.Locate().Path).Length, served.Length);

            // The classic notebook page (requirejs, body data-base-url) renders the stored outputs; the network is off
            // except for the local server.
            var (dom, log) = HeadlessChromium.Run(
            [
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--enable-logging=stderr", "--v=0",
                "--virtual-time-budget=20000", "--dump-dom", server.Url("notebooks/chart.ipynb"),
            ]);
            Assert.Contains("class=\"main-svg\"", dom, StringComparison.Ordinal);
            Assert.Contains("data-twinlab-state=\"interactive\"", dom, StringComparison.Ordinal);
            Assert.DoesNotContain("Uncaught", log, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
            Directory.Delete(prefix, recursive: true);
        }
    }

    [Fact]
    public void The_png_reader_decodes_a_chromium_screenshot_exactly()
    {
        RequireBrowser();
        var work = Directory.CreateTempSubdirectory("twinlab-browser-").FullName;
        try
        {
            // Solid blocks of known colours: what the browser paints there is exact, whatever filters its encoder chose.
            var page = Path.Combine(work, "blocks.html");
            File.WriteAllText(page, """
                <!DOCTYPE html><html><body style="margin:0;background:#ffffff">
                <div style="position:absolute;left:0;top:0;width:40px;height:30px;background:#ff0000"></div>
                <div style="position:absolute;left:60px;top:10px;width:20px;height:50px;background:#0a64c8"></div>
                <div style="position:absolute;left:0;top:70px;width:100px;height:10px;background:linear-gradient(to right,#000000,#ffffff)"></div>
                </body></html>
                """);
            var png = Path.Combine(work, "blocks.png");
            HeadlessChromium.Screenshot(page, png, 300, 200);
            var image = PngImage.Read(png);
            Assert.Equal((300, 200), (image.Width, image.Height));
            Assert.Equal(((byte)255, (byte)0, (byte)0), image[20, 15]);
            Assert.Equal(((byte)10, (byte)100, (byte)200), image[70, 35]);
            Assert.Equal(((byte)255, (byte)255, (byte)255), image[250, 150]);
            Assert.Equal(40 * 30, image.Count(p => p == (255, 0, 0)));
            Assert.Equal(20 * 50, image.Count(p => p == (10, 100, 200)));
            // The gradient rises from left to right (within a few levels of dithering).
            Assert.True(image[5, 75].R + 100 < image[95, 75].R, $"gradient {image[5, 75]} .. {image[95, 75]}");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public void SavePng_writes_an_image_of_the_chart()
    {
        RequireBrowser();
        var work = Directory.CreateTempSubdirectory("twinlab-browser-").FullName;
        try
        {
            var chart = new Chart { Title = "png", Width = 400, Height = 300 }
                .Add(new LineTrace([0, 1, 2, 3], [1, 3, 2, 4], "y") { Color = TraceColor, Width = 4 });
            var png = Path.Combine(work, "sub", "chart.png");
            chart.SavePng(png, scale: 2);
            var image = PngImage.Read(png);
            Assert.Equal((800, 600), (image.Width, image.Height));
            Assert.True(image.Count(p => Near(p, 0xd6, 0x27, 0x28)) > 500);
            Assert.Single(Directory.GetFiles(Path.Combine(work, "sub")));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static void RequireBrowser()
    {
        if (HeadlessChromium.TryLocate() is null)
        {
            Assert.Fail("Chromium is not installed. Run environment/setup.sh, which installs Debian's chromium.");
        }
        if (PlotlyScript.TryLocate() is null)
        {
            Assert.Fail($"plotly.js is not installed. {PlotlyScript.HowToInstall}");
        }
    }

    private static bool Near((byte R, byte G, byte B) p, int r, int g, int b) =>
        Math.Abs(p.R - r) <= 8 && Math.Abs(p.G - g) <= 8 && Math.Abs(p.B - b) <= 8;

    /// <summary>Runs a one-chart notebook with <c>twinlab run --html</c>; returns the page.</summary>
    private static string RunToHtml(string work)
    {
        var notebook = Path.Combine(work, "chart.ipynb");
        var cell = new JsonObject
        {
            ["cell_type"] = "code",
            ["execution_count"] = null,
            ["id"] = "chart",
            ["metadata"] = new JsonObject(),
            ["outputs"] = new JsonArray(),
            ["source"] = ChartCell,
        };
        var document = new JsonObject
        {
            ["cells"] = new JsonArray(cell),
            ["metadata"] = new JsonObject { ["kernelspec"] = new JsonObject { ["name"] = "twinlab", ["display_name"] = "TwinLab (C#)", ["language"] = "C#" } },
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
        File.WriteAllText(notebook, document.ToJsonString());
        var run = JupyterTools.TwinLab(null, "run", notebook, "--out", Path.Combine(work, "out"), "--html");
        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.DoesNotContain("charts static", run.Output, StringComparison.Ordinal);
        return Path.Combine(work, "out", "chart.html");
    }

    /// <summary>The text/html output of the chart cell, as a notebook stores it.</summary>
    private static string ChartOutputHtml(string work)
    {
        RunToHtml(work);
        var executed = JsonNode.Parse(File.ReadAllText(Path.Combine(work, "out", "chart.ipynb")))!;
        var data = executed["cells"]![0]!["outputs"]![0]!["data"]!;
        var html = data["text/html"] switch
        {
            JsonArray lines => string.Concat(lines.Select(l => l!.GetValue<string>())),
            var node => node!.GetValue<string>(),
        };
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        return html;
    }

    private static (string Dom, string Log) DumpDom(string page) =>
        HeadlessChromium.Run(["--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000", "--dump-dom", new Uri(page).AbsoluteUri]);

    /// <summary>Fails on any console message or uncaught error the page produced (Chromium logs them as CONSOLE lines).</summary>
    private static void AssertNoConsoleMessages(string log)
    {
        var messages = log.Split('\n').Where(l => l.Contains(":CONSOLE", StringComparison.Ordinal) || l.Contains("Uncaught", StringComparison.Ordinal)).ToList();
        Assert.True(messages.Count == 0, "The page logged to the console:\n" + string.Join('\n', messages));
    }
}
