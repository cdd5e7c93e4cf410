using System.Globalization;
using System.Text;

namespace TwinLab.Interactive;

/// <summary>
/// Saves charts as files: an SVG image, a self-contained interactive HTML page (plotly.js inlined, so it works
/// offline), or a PNG image taken by headless Chromium. Files are written under a temporary name and then renamed, so
/// that a reader never sees half a file.
/// </summary>
/// <example>
/// <code>
/// var chart = Charts.FanChart(ensemble, "x1");
/// chart.SaveSvg("fan.svg");
/// chart.SaveHtml("fan.html");
/// chart.SavePng("fan.png", scale: 2);
/// </code>
/// </example>
public static class ChartFiles
{
    /// <summary>Saves the chart's static SVG rendering (<see cref="Chart.ToSvg"/>).</summary>
    /// <param name="chart">The chart.</param>
    /// <param name="path">The file to write (replaced if it exists).</param>
    public static void SaveSvg(this Chart chart, string path)
    {
        ArgumentNullException.ThrowIfNull(chart);
        WriteText(path, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + chart.ToSvg() + "\n");
    }

    /// <summary>Saves a self-contained HTML page with the interactive chart: plotly.js (the installed npm package,
    /// see <see cref="PlotlyScript.Locate"/>) is inlined, so the page needs no network.</summary>
    /// <param name="chart">The chart.</param>
    /// <param name="path">The file to write (replaced if it exists).</param>
    /// <exception cref="FileNotFoundException">plotly.js is not installed (run <c>bash environment/setup.sh</c>).</exception>
    public static void SaveHtml(this Chart chart, string path)
    {
        ArgumentNullException.ThrowIfNull(chart);
        PlotlyScript plotly;
        try
        {
            plotly = PlotlyScript.Locate();
        }
        catch (FileNotFoundException e)
        {
            throw new FileNotFoundException($"Cannot save '{path}' as an interactive page: {e.Message} (SaveSvg and SavePng need no plotly.js.)", e.FileName, e);
        }
        WriteText(path, ChartHtml.Page(chart, plotly));
    }

    /// <summary>Saves a PNG image of the chart's static rendering, taken by headless Chromium (Debian's
    /// <c>chromium</c>; see <see cref="HeadlessChromium.Locate"/>). The image is <see cref="Chart.Width"/> ×
    /// <see cref="Chart.Height"/> pixels times <paramref name="scale"/>; the chart must be at least
    /// <see cref="HeadlessChromium.MinimumWindowSize"/> pixels wide and high.</summary>
    /// <param name="chart">The chart.</param>
    /// <param name="path">The file to write (replaced if it exists).</param>
    /// <param name="scale">Pixels per SVG unit (2 for sharper images), above 0 and at most 8.</param>
    /// <exception cref="FileNotFoundException">No Chromium is installed.</exception>
    /// <exception cref="InvalidOperationException">Chromium failed.</exception>
    /// <exception cref="ArgumentException">The chart is smaller than <see cref="HeadlessChromium.MinimumWindowSize"/>.</exception>
    public static void SavePng(this Chart chart, string path, double scale = 1)
    {
        ArgumentNullException.ThrowIfNull(chart);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (chart.Width < HeadlessChromium.MinimumWindowSize || chart.Height < HeadlessChromium.MinimumWindowSize)
        {
            throw new ArgumentException($"SavePng needs a chart of at least {HeadlessChromium.MinimumWindowSize} × {HeadlessChromium.MinimumWindowSize} pixels (this one is {chart.Width} × {chart.Height}); enlarge Width and Height (and use scale for resolution), or use SaveSvg.", nameof(chart));
        }
        HeadlessChromium.Locate();
        var target = Path.GetFullPath(path);
        var work = Directory.CreateTempSubdirectory("twinlab-png-").FullName;
        try
        {
            var page = Path.Combine(work, "chart.html");
            File.WriteAllText(page, string.Create(CultureInfo.InvariantCulture,
                $"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body style=\"margin: 0; background: #ffffff;\">{chart.ToSvg()}</body></html>\n"), new UTF8Encoding(false));
            var image = Path.Combine(work, "chart.png");
            HeadlessChromium.Screenshot(page, image, chart.Width, chart.Height, scale);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var partial = TemporaryName(target);
            File.Copy(image, partial, overwrite: true);
            File.Move(partial, target, overwrite: true);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static void WriteText(string path, string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var target = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var partial = TemporaryName(target);
        try
        {
            File.WriteAllText(partial, text, new UTF8Encoding(false));
            File.Move(partial, target, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    private static string TemporaryName(string target) => $"{target}.{Guid.NewGuid():N}.partial";
}
