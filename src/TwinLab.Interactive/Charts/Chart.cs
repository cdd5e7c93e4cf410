using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TwinLab.Interactive;

/// <summary>
/// A chart: titles, axes and layers (<see cref="LineTrace"/>, <see cref="BandTrace"/>, <see cref="HistogramTrace"/>,
/// <see cref="BarTrace"/>). It renders as a static SVG image (<see cref="ToSvg"/>) and as a plotly.js figure
/// (<see cref="ToPlotlyJson"/>); notebooks show it as both. Bars use a categorical x axis and cannot be mixed with
/// the other kinds of trace.
/// </summary>
/// <example>
/// <code>
/// var chart = new Chart { Title = "Tumour", XTitle = "day", YTitle = "cells", LogY = true }
///     .Add(new LineTrace(solution.Times, solution.State("T"), "T"));
/// </code>
/// </example>
public sealed class Chart
{
    private readonly List<Trace> _traces = [];

    /// <summary>The title shown above the chart.</summary>
    public string? Title { get; set; }

    /// <summary>The x axis title.</summary>
    public string? XTitle { get; set; }

    /// <summary>The y axis title.</summary>
    public string? YTitle { get; set; }

    /// <summary>Whether the x axis is logarithmic (non-positive values are left out).</summary>
    public bool LogX { get; set; }

    /// <summary>Whether the y axis is logarithmic (non-positive values are left out).</summary>
    public bool LogY { get; set; }

    /// <summary>The width of the SVG image in pixels.</summary>
    public int Width { get; set; } = 640;

    /// <summary>The height of the SVG image in pixels.</summary>
    public int Height { get; set; } = 400;

    /// <summary>The layers, drawn in order (the first at the back).</summary>
    public IReadOnlyList<Trace> Traces => _traces;

    /// <summary>Whether the chart's x axis is categorical (it holds bars).</summary>
    public bool IsCategorical => _traces.Count > 0 && _traces[0] is BarTrace;

    /// <summary>Adds a layer on top of the others.</summary>
    /// <param name="trace">The layer.</param>
    /// <returns>This chart.</returns>
    /// <exception cref="ArgumentException">Bars would be mixed with other kinds of trace.</exception>
    public Chart Add(Trace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        if (_traces.Count > 0 && (trace is BarTrace) != IsCategorical)
        {
            throw new ArgumentException("Bars (a categorical x axis) cannot be mixed with lines, bands or histograms in one chart.", nameof(trace));
        }
        _traces.Add(trace);
        return this;
    }

    /// <summary>The colour of each trace: its own, or the palette's next.</summary>
    internal string[] Colors()
    {
        var colors = new string[_traces.Count];
        var next = 0;
        for (var i = 0; i < colors.Length; i++)
        {
            colors[i] = _traces[i].Color ?? ChartPalette.Colors[next++ % ChartPalette.Colors.Count];
        }
        return colors;
    }

    /// <summary>The chart as a plotly.js figure, <c>{"data": [...], "layout": {...}}</c>, using only fields of the plotly
    /// schema. Values that are not finite are written as null (plotly leaves a gap); numbers keep 7 significant
    /// digits.</summary>
    /// <returns>The JSON text.</returns>
    public string ToPlotlyJson() => PlotlyWriter.Write(this);

    /// <summary>The chart as a standalone SVG image (numbers with one decimal, invariant culture).</summary>
    /// <returns>The SVG markup.</returns>
    public string ToSvg() => SvgWriter.Write(this);

    /// <summary>A one-line description, e.g. <c>Chart "Tumour": 2 traces (line, band); x: day, y: cells (log)</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder("Chart");
        if (!string.IsNullOrEmpty(Title))
        {
            sb.Append(" \"").Append(Title).Append('"');
        }
        sb.Append(": ").Append(_traces.Count).Append(_traces.Count == 1 ? " trace" : " traces");
        if (_traces.Count > 0)
        {
            sb.Append(" (").Append(string.Join(", ", _traces.GroupBy(t => t.Kind).Select(g => g.Count() == 1 ? g.Key : $"{g.Key} ×{g.Count()}"))).Append(')');
        }
        sb.Append("; x: ").Append(string.IsNullOrEmpty(XTitle) ? "-" : XTitle).Append(LogX ? " (log)" : "");
        sb.Append(", y: ").Append(string.IsNullOrEmpty(YTitle) ? "-" : YTitle).Append(LogY ? " (log)" : "");
        return sb.ToString();
    }
}

/// <summary>Writes a <see cref="Chart"/> as a plotly.js figure.</summary>
internal static class PlotlyWriter
{
    public static string Write(Chart chart)
    {
        var colors = chart.Colors();
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteStartArray("data");
            for (var i = 0; i < chart.Traces.Count; i++)
            {
                w.WriteStartObject();
                switch (chart.Traces[i])
                {
                    case LineTrace line:
                        w.WriteString("type", "scatter");
                        w.WriteString("mode", line.Markers ? "lines+markers" : "lines");
                        Numbers(w, "x", line.X);
                        Numbers(w, "y", line.Y);
                        w.WriteStartObject("line");
                        w.WriteString("color", colors[i]);
                        Number(w, "width", line.Width);
                        w.WriteEndObject();
                        if (line.Markers)
                        {
                            w.WriteStartObject("marker");
                            w.WriteString("color", colors[i]);
                            w.WriteEndObject();
                        }
                        break;
                    case BandTrace band:
                        // One closed shape: the upper curve forwards, then the lower curve backwards.
                        w.WriteString("type", "scatter");
                        w.WriteString("mode", "lines");
                        w.WriteString("fill", "toself");
                        Numbers(w, "x", [.. band.X, .. band.X.Reverse()]);
                        Numbers(w, "y", [.. band.Upper, .. band.Lower.Reverse()]);
                        w.WriteString("fillcolor", colors[i]);
                        Number(w, "opacity", band.Opacity);
                        w.WriteStartObject("line");
                        Number(w, "width", 0);
                        w.WriteEndObject();
                        w.WriteString("hoverinfo", "skip");
                        break;
                    case HistogramTrace histogram:
                        w.WriteString("type", "histogram");
                        Numbers(w, "x", histogram.Values);
                        w.WriteBoolean("autobinx", false);
                        w.WriteStartObject("xbins");
                        Number(w, "start", histogram.Start);
                        Number(w, "end", histogram.Start + (histogram.Bins * histogram.BinWidth));
                        Number(w, "size", histogram.BinWidth);
                        w.WriteEndObject();
                        w.WriteStartObject("marker");
                        w.WriteString("color", colors[i]);
                        w.WriteEndObject();
                        break;
                    case BarTrace bar:
                        w.WriteString("type", "bar");
                        w.WriteStartArray("x");
                        foreach (var category in bar.Categories)
                        {
                            w.WriteStringValue(category);
                        }
                        w.WriteEndArray();
                        Numbers(w, "y", bar.Values);
                        w.WriteStartObject("marker");
                        w.WriteString("color", colors[i]);
                        w.WriteEndObject();
                        if (bar.Errors is not null)
                        {
                            w.WriteStartObject("error_y");
                            w.WriteString("type", "data");
                            Numbers(w, "array", bar.Errors);
                            w.WriteBoolean("visible", true);
                            w.WriteEndObject();
                        }
                        break;
                    default:
                        throw new NotSupportedException($"No plotly rendering for {chart.Traces[i].GetType().Name}.");
                }
                var trace = chart.Traces[i];
                if (trace.Name is not null)
                {
                    w.WriteString("name", trace.Name);
                }
                w.WriteBoolean("showlegend", trace.Name is not null && trace.ShowInLegend);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("layout");
            if (chart.Title is not null)
            {
                w.WriteStartObject("title");
                w.WriteString("text", chart.Title);
                w.WriteEndObject();
            }
            Axis(w, "xaxis", chart.XTitle, chart.LogX, chart.IsCategorical);
            Axis(w, "yaxis", chart.YTitle, chart.LogY, false);
            if (chart.Traces.Any(t => t is HistogramTrace))
            {
                w.WriteString("barmode", "overlay");
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Axis(Utf8JsonWriter w, string name, string? title, bool log, bool categorical)
    {
        w.WriteStartObject(name);
        if (title is not null)
        {
            w.WriteStartObject("title");
            w.WriteString("text", title);
            w.WriteEndObject();
        }
        w.WriteString("type", categorical ? "category" : log ? "log" : "linear");
        w.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter w, string name, double value)
    {
        w.WritePropertyName(name);
        Value(w, value);
    }

    private static void Numbers(Utf8JsonWriter w, string name, IEnumerable<double> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values)
        {
            Value(w, value);
        }
        w.WriteEndArray();
    }

    /// <summary>A finite number with 7 significant digits, or null (JSON has no NaN or infinity).</summary>
    private static void Value(Utf8JsonWriter w, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumberValue(double.Parse(value.ToString("G7", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
        }
        else
        {
            w.WriteNullValue();
        }
    }
}
