using System.Globalization;
using System.Xml.Linq;

namespace TwinLab.Interactive;

/// <summary>Writes a <see cref="Chart"/> as a static SVG image: a frame with grid lines and tick labels at nice numbers,
/// polylines for lines (broken where a value is not finite), polygons for bands, rectangles for histograms and bars,
/// and a legend on the right. Coordinates have one decimal so that stored notebooks stay small and deterministic.</summary>
internal static class SvgWriter
{
    private static readonly XNamespace Ns = "http://www.w3.org/2000/svg";
    private const double LegendWidth = 140;

    public static string Write(Chart chart)
    {
        var colors = chart.Colors();
        var legend = chart.Traces.Where(t => t.Name is not null && t.ShowInLegend).ToArray();
        double left = 64, right = chart.Width - (legend.Length > 0 ? LegendWidth : 20);
        double top = string.IsNullOrEmpty(chart.Title) ? 16 : 40, bottom = chart.Height - 48;
        right = Math.Max(right, left + 10);
        bottom = Math.Max(bottom, top + 10);

        var svg = new XElement(Ns + "svg",
            new XAttribute("width", chart.Width), new XAttribute("height", chart.Height),
            new XAttribute("viewBox", $"0 0 {chart.Width} {chart.Height}"),
            new XAttribute("font-family", "sans-serif"), new XAttribute("font-size", "12"),
            E("rect", ("width", "100%"), ("height", "100%"), ("fill", "#ffffff")));
        if (!string.IsNullOrEmpty(chart.Title))
        {
            svg.Add(Text(chart.Title, (left + right) / 2, 24, "middle", "title", ("font-size", "15")));
        }

        var y = Axis.Create(ValuesY(chart), chart.LogY, bottom, top);
        var xAxis = new XElement(Ns + "g", new XAttribute("class", "x-axis"));
        var yAxis = new XElement(Ns + "g", new XAttribute("class", "y-axis"));
        foreach (var (tick, label) in y.Ticks)
        {
            var py = y.Map(tick);
            yAxis.Add(E("line", ("x1", F(left)), ("x2", F(right)), ("y1", F(py)), ("y2", F(py)), ("stroke", ChartPalette.Grid)));
            yAxis.Add(Text(label, left - 6, py + 4, "end", "tick"));
        }
        Axis? x = null;
        string[] categories = [];
        if (chart.IsCategorical)
        {
            categories = [.. chart.Traces.Cast<BarTrace>().SelectMany(b => b.Categories).Distinct()];
            var slot = (right - left) / Math.Max(categories.Length, 1);
            for (var c = 0; c < categories.Length; c++)
            {
                xAxis.Add(Text(categories[c], left + ((c + 0.5) * slot), bottom + 16, "middle", "tick"));
            }
        }
        else
        {
            x = Axis.Create(ValuesX(chart), chart.LogX, left, right);
            foreach (var (tick, label) in x.Ticks)
            {
                var px = x.Map(tick);
                xAxis.Add(E("line", ("x1", F(px)), ("x2", F(px)), ("y1", F(top)), ("y2", F(bottom)), ("stroke", ChartPalette.Grid)));
                xAxis.Add(Text(label, px, bottom + 16, "middle", "tick"));
            }
        }
        svg.Add(xAxis, yAxis);
        if (!string.IsNullOrEmpty(chart.XTitle))
        {
            svg.Add(Text(chart.XTitle, (left + right) / 2, chart.Height - 12, "middle", "axis-title"));
        }
        if (!string.IsNullOrEmpty(chart.YTitle))
        {
            var cy = (top + bottom) / 2;
            svg.Add(Text(chart.YTitle, 16, cy, "middle", "axis-title", ("transform", $"rotate(-90 16 {F(cy)})")));
        }

        var bars = chart.Traces.OfType<BarTrace>().ToList();
        for (var i = 0; i < chart.Traces.Count; i++)
        {
            var g = new XElement(Ns + "g", new XAttribute("class", "trace " + chart.Traces[i].Kind));
            switch (chart.Traces[i])
            {
                case LineTrace line:
                    foreach (var segment in Segments(line.X.Count, j => x!.Valid(line.X[j]) && y.Valid(line.Y[j])))
                    {
                        g.Add(E("polyline", ("points", Points(segment.Select(j => (x!.Map(line.X[j]), y.Map(line.Y[j]))))),
                            ("fill", "none"), ("stroke", colors[i]), ("stroke-width", F(line.Width)), ("stroke-linejoin", "round")));
                        if (line.Markers)
                        {
                            foreach (var j in segment)
                            {
                                g.Add(E("circle", ("cx", F(x!.Map(line.X[j]))), ("cy", F(y.Map(line.Y[j]))), ("r", "3"), ("fill", colors[i])));
                            }
                        }
                    }
                    break;
                case BandTrace band:
                    foreach (var segment in Segments(band.X.Count, j => x!.Valid(band.X[j]) && y.Valid(band.Lower[j]) && y.Valid(band.Upper[j])))
                    {
                        var upper = segment.Select(j => (x!.Map(band.X[j]), y.Map(band.Upper[j])));
                        var lower = segment.AsEnumerable().Reverse().Select(j => (x!.Map(band.X[j]), y.Map(band.Lower[j])));
                        g.Add(E("polygon", ("points", Points(upper.Concat(lower))), ("fill", colors[i]),
                            ("fill-opacity", F(band.Opacity, "0.##")), ("stroke", "none")));
                    }
                    break;
                case HistogramTrace histogram:
                    for (var b = 0; b < histogram.Bins; b++)
                    {
                        var a = histogram.Start + (b * histogram.BinWidth);
                        if (histogram.Counts[b] == 0 || !x!.Valid(a) || !x.Valid(a + histogram.BinWidth))
                        {
                            continue;
                        }
                        var (x0, x1) = (x.Map(a), x.Map(a + histogram.BinWidth));
                        var (y0, y1) = (y.Map(y.Baseline), y.Map(histogram.Counts[b]));
                        g.Add(E("rect", ("x", F(x0)), ("y", F(y1)), ("width", F(x1 - x0)), ("height", F(y0 - y1)),
                            ("fill", colors[i]), ("fill-opacity", "0.75"), ("stroke", "#ffffff"), ("stroke-width", "0.5")));
                    }
                    break;
                case BarTrace bar:
                    {
                        var slot = (right - left) / Math.Max(categories.Length, 1);
                        var width = slot * 0.8 / bars.Count;
                        var k = bars.IndexOf(bar);
                        for (var j = 0; j < bar.Values.Count; j++)
                        {
                            if (!y.Valid(bar.Values[j]))
                            {
                                continue;
                            }
                            var c = Array.IndexOf(categories, bar.Categories[j]);
                            var x0 = left + (c * slot) + (slot * 0.1) + (k * width);
                            var (y0, y1) = (y.Map(y.Baseline), y.Map(bar.Values[j]));
                            g.Add(E("rect", ("x", F(x0)), ("y", F(Math.Min(y0, y1))), ("width", F(width)), ("height", F(Math.Abs(y0 - y1))), ("fill", colors[i])));
                            if (bar.Errors is { } errors && double.IsFinite(errors[j]))
                            {
                                var cx = x0 + (width / 2);
                                var (lo, hi) = (y.Map(y.Clamp(bar.Values[j] - errors[j])), y.Map(y.Clamp(bar.Values[j] + errors[j])));
                                g.Add(E("path", ("d", $"M{F(cx)},{F(lo)}V{F(hi)}M{F(cx - 4)},{F(lo)}H{F(cx + 4)}M{F(cx - 4)},{F(hi)}H{F(cx + 4)}"),
                                    ("class", "error-bar"), ("stroke", ChartPalette.Ink), ("stroke-width", "1"), ("fill", "none")));
                            }
                        }
                        break;
                    }
                default:
                    throw new NotSupportedException($"No SVG rendering for {chart.Traces[i].GetType().Name}.");
            }
            svg.Add(g);
        }
        svg.Add(E("rect", ("x", F(left)), ("y", F(top)), ("width", F(right - left)), ("height", F(bottom - top)),
            ("fill", "none"), ("stroke", ChartPalette.Ink), ("stroke-width", "1")));

        if (legend.Length > 0)
        {
            var g = new XElement(Ns + "g", new XAttribute("class", "legend"));
            for (var i = 0; i < legend.Length; i++)
            {
                var trace = legend[i];
                var color = colors[chart.Traces.ToList().IndexOf(trace)];
                var ly = top + 8 + (i * 18);
                var lx = right + 12;
                g.Add(trace is LineTrace
                    ? E("line", ("x1", F(lx)), ("x2", F(lx + 18)), ("y1", F(ly)), ("y2", F(ly)), ("stroke", color), ("stroke-width", "2"))
                    : E("rect", ("x", F(lx)), ("y", F(ly - 5)), ("width", "18"), ("height", "10"), ("fill", color),
                        ("fill-opacity", F(trace is BandTrace band ? band.Opacity : 0.75, "0.##"))));
                g.Add(Text(trace.Name!, lx + 24, ly + 4, "start", "legend-label"));
            }
            svg.Add(g);
        }
        return svg.ToString(SaveOptions.DisableFormatting);
    }

    private static IEnumerable<double> ValuesX(Chart chart) => chart.Traces.SelectMany(t => t switch
    {
        LineTrace line => line.X,
        BandTrace band => band.X,
        HistogramTrace h => [h.Start, h.Start + (h.Bins * h.BinWidth)],
        _ => [],
    });

    private static IEnumerable<double> ValuesY(Chart chart) => chart.Traces.SelectMany(t => t switch
    {
        LineTrace line => line.Y,
        BandTrace band => band.Lower.Concat(band.Upper),
        HistogramTrace h => h.Counts.Select(c => (double)c).Append(0),
        BarTrace bar => bar.Errors is null ? bar.Values.Append(0)
            : bar.Values.Zip(bar.Errors, (v, e) => new[] { v - e, v + e, v }).SelectMany(v => v).Append(0),
        _ => [],
    });

    /// <summary>Runs of consecutive indices for which <paramref name="valid"/> holds.</summary>
    internal static List<List<int>> Segments(int count, Func<int, bool> valid)
    {
        var segments = new List<List<int>>();
        List<int>? current = null;
        for (var j = 0; j < count; j++)
        {
            if (valid(j))
            {
                current ??= [];
                current.Add(j);
            }
            else if (current is not null)
            {
                segments.Add(current);
                current = null;
            }
        }
        if (current is not null)
        {
            segments.Add(current);
        }
        return segments;
    }

    private static string Points(IEnumerable<(double X, double Y)> points) =>
        string.Join(" ", points.Select(p => F(p.X) + "," + F(p.Y)));

    /// <summary>A coordinate with at most one decimal, invariant culture.</summary>
    private static string F(double value) => F(value, "0.#");

    private static string F(double value, string format)
    {
        var text = value.ToString(format, CultureInfo.InvariantCulture);
        return text == "-0" ? "0" : text;
    }

    private static XElement E(string name, params (string Name, string Value)[] attributes) =>
        new(Ns + name, attributes.Select(a => new XAttribute(a.Name, a.Value)));

    private static XElement Text(string content, double x, double y, string anchor, string cssClass, params (string Name, string Value)[] extra)
    {
        var element = E("text", [("x", F(x)), ("y", F(y)), ("text-anchor", anchor), ("class", cssClass), ("fill", ChartPalette.Ink), .. extra]);
        element.Value = content;
        return element;
    }

    /// <summary>A numeric axis: its range, ticks, and the map from data to pixels.</summary>
    private sealed class Axis
    {
        private readonly bool _log;
        private readonly double _min, _max, _from, _to;

        private Axis(bool log, double min, double max, double from, double to, IReadOnlyList<(double, string)> ticks)
        {
            (_log, _min, _max, _from, _to, Ticks) = (log, min, max, from, to, ticks);
        }

        public IReadOnlyList<(double Tick, string Label)> Ticks { get; }

        /// <summary>Where bars and histograms start: 0, or the bottom of a logarithmic axis.</summary>
        public double Baseline => _log ? _min : Math.Clamp(0, _min, _max);

        public static Axis Create(IEnumerable<double> values, bool log, double from, double to)
        {
            var shown = values.Where(v => double.IsFinite(v) && (!log || v > 0)).ToArray();
            if (log)
            {
                var (min, max, ticks) = shown.Length == 0 ? AxisTicks.Logarithmic(1, 10) : AxisTicks.Logarithmic(shown.Min(), shown.Max());
                return new Axis(true, min, max, from, to, [.. ticks.Select(t => (t, AxisTicks.Label(t, t)))]);
            }
            var (low, high, step, linear) = shown.Length == 0 ? AxisTicks.Linear(0, 1) : AxisTicks.Linear(shown.Min(), shown.Max());
            return new Axis(false, low, high, from, to, [.. linear.Select(t => (t, AxisTicks.Label(t, step)))]);
        }

        public bool Valid(double value) => double.IsFinite(value) && (!_log || value > 0);

        public double Clamp(double value) => Math.Clamp(_log && value <= 0 ? _min : value, _min, _max);

        public double Map(double value)
        {
            var t = _log ? (Math.Log10(value) - Math.Log10(_min)) / (Math.Log10(_max) - Math.Log10(_min)) : (value - _min) / (_max - _min);
            return _from + (t * (_to - _from));
        }
    }
}
