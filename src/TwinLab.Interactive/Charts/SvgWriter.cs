using System.Globalization;
using System.Xml.Linq;

namespace TwinLab.Interactive;

/// <summary>Writes a <see cref="Chart"/> as a static SVG image in TwinLab's template (<see cref="ChartTheme"/>). Each
/// panel gets a frame, light grid lines and tick labels at nice numbers; each kind of trace has one small renderer
/// (polylines for lines, polygons for bands and violins, markers and error bars for points, rectangles for histograms,
/// bars, boxes and heatmap cells, paths for contours traced by marching squares); a colour bar goes right of a panel
/// with a heatmap or contours, and the legend right of the grid. Coordinates have one decimal so that stored notebooks
/// stay small and deterministic.</summary>
internal static class SvgWriter
{
    private static readonly XNamespace Ns = "http://www.w3.org/2000/svg";
    private static readonly XNamespace XLink = "http://www.w3.org/1999/xlink";

    /// <summary>Above this many cells a heatmap on a regular grid is embedded as one PNG image.</summary>
    internal const int RasterCells = 1600;
    private const double ColorBarSpace = 92;
    private const double CharWidth = 6.6;

    /// <summary>A panel's axes and plotting area, in pixels.</summary>
    private sealed record Frame(Axis X, Axis Y, double Left, double Right, double Top, double Bottom);

    public static string Write(Chart chart)
    {
        var colors = chart.Colors();
        var legend = chart.Panels.SelectMany((panel, p) => panel.Traces
                .Select((trace, i) => (Trace: trace, Color: colors[p][i]))
                .Where(e => e.Trace.Name is not null && e.Trace.ShowInLegend && e.Trace is not HeatmapTrace))
            .ToArray();
        var legendWidth = legend.Length == 0 ? 0 : Math.Clamp(52 + (CharWidth * legend.Max(e => e.Trace.Name!.Length)), 100, 240);

        var svg = new XElement(Ns + "svg",
            new XAttribute("width", chart.Width), new XAttribute("height", chart.Height),
            new XAttribute("viewBox", $"0 0 {chart.Width} {chart.Height}"),
            new XAttribute(XNamespace.Xmlns + "xlink", XLink.NamespaceName),
            new XAttribute("font-family", ChartTheme.FontFamily), new XAttribute("font-size", F(ChartTheme.FontSize)),
            E("rect", ("width", "100%"), ("height", "100%"), ("fill", ChartPalette.Background)));
        double left0 = 4, right0 = chart.Width - legendWidth - 4;
        double top0 = string.IsNullOrEmpty(chart.Title) ? 8 : 36, bottom0 = chart.Height - 4;
        if (!string.IsNullOrEmpty(chart.Title))
        {
            svg.Add(Text(chart.Title, (left0 + right0) / 2, 24, "middle", "title", ("font-size", F(ChartTheme.TitleFontSize)), ("font-weight", "bold")));
        }
        var cellWidth = Math.Max(right0 - left0, 20) / chart.Columns;
        var cellHeight = Math.Max(bottom0 - top0, 20) / chart.Rows;
        foreach (var panel in chart.Panels)
        {
            if (panel.IsEmpty)
            {
                continue;
            }
            var p = (panel.Row * chart.Columns) + panel.Column;
            var cell = (Left: left0 + (panel.Column * cellWidth), Top: top0 + (panel.Row * cellHeight));
            svg.Add(RenderPanel(chart, panel, colors[p], cell.Left, cell.Top, cellWidth, cellHeight));
        }
        if (legend.Length > 0)
        {
            var g = Group("legend");
            for (var i = 0; i < legend.Length; i++)
            {
                var (trace, color) = legend[i];
                var ly = top0 + 12 + (i * 18);
                var lx = right0 + 12;
                g.Add(LegendSymbol(trace, color, lx, ly));
                g.Add(Text(trace.Name!, lx + 24, ly + 4, "start", "legend-label"));
            }
            svg.Add(g);
        }
        return svg.ToString(SaveOptions.DisableFormatting);
    }

    private static XElement RenderPanel(Chart chart, Panel panel, string[] colors, double cellLeft, double cellTop, double cellWidth, double cellHeight)
    {
        var showX = panel.X.ShowTickLabels && (!chart.SharedX || panel.Row == chart.Rows - 1);
        var showY = panel.Y.ShowTickLabels && (!chart.SharedY || panel.Column == 0);
        var categories = panel.Categories;
        var tight = panel.Traces.Any(t => t.Tight);
        var x = panel.CategoryAxis == CategoryAxis.X
            ? Axis.Categorical(categories, panel.X.Reversed)
            : Axis.Numeric(chart.SharedX ? Column(chart, panel).SelectMany(q => q.ExtentX) : panel.ExtentX, panel.X, tight);
        var y = panel.CategoryAxis == CategoryAxis.Y
            ? Axis.Categorical(categories, !panel.Y.Reversed)
            : Axis.Numeric(chart.SharedY ? Row(chart, panel).SelectMany(q => q.ExtentY) : panel.ExtentY, panel.Y, tight);

        var colorBar = panel.Traces.Select(t => t.ColorBar).FirstOrDefault(c => c is not null);
        var yLabelWidth = showY ? (CharWidth * y.Ticks.Select(t => t.Label.Length).DefaultIfEmpty(1).Max()) + 8 : 0;
        double marginLeft = 10 + yLabelWidth + (panel.Y.Title is null ? 0 : 18);
        double marginBottom = 8 + (showX ? 16 : 0) + (panel.X.Title is null ? 0 : 18);
        double marginTop = panel.Title is null ? 8 : 24;
        double marginRight = 12 + (colorBar is null ? 0 : ColorBarSpace);
        var left = cellLeft + marginLeft;
        var right = Math.Max(cellLeft + cellWidth - marginRight, left + 10);
        var top = cellTop + marginTop;
        var bottom = Math.Max(cellTop + cellHeight - marginBottom, top + 10);
        if (panel.EqualAspect && x.Span > 0 && y.Span > 0)
        {
            var scale = Math.Min((right - left) / x.Span, (bottom - top) / y.Span);
            var (w, h) = (scale * x.Span, scale * y.Span);
            (left, right) = (left + (((right - left) - w) / 2), left + (((right - left) - w) / 2) + w);
            (top, bottom) = (top + (((bottom - top) - h) / 2), top + (((bottom - top) - h) / 2) + h);
        }
        x.Place(left, right);
        y.Place(bottom, top);
        var frame = new Frame(x, y, left, right, top, bottom);

        var g = Group("panel", ("data-row", panel.Row.ToString(CultureInfo.InvariantCulture)), ("data-column", panel.Column.ToString(CultureInfo.InvariantCulture)));
        var xAxis = Group("x-axis");
        var yAxis = Group("y-axis");
        foreach (var (tick, label) in x.Ticks)
        {
            var px = x.Map(tick);
            if (panel.CategoryAxis != CategoryAxis.X)
            {
                xAxis.Add(E("line", ("x1", F(px)), ("x2", F(px)), ("y1", F(top)), ("y2", F(bottom)), ("stroke", ChartPalette.Grid)));
            }
            xAxis.Add(E("line", ("x1", F(px)), ("x2", F(px)), ("y1", F(bottom)), ("y2", F(bottom + 4)), ("stroke", ChartPalette.Ink), ("class", "tick-mark")));
            if (showX)
            {
                xAxis.Add(Text(label, px, bottom + 16, "middle", "tick"));
            }
        }
        foreach (var (tick, label) in y.Ticks)
        {
            var py = y.Map(tick);
            if (panel.CategoryAxis != CategoryAxis.Y)
            {
                yAxis.Add(E("line", ("x1", F(left)), ("x2", F(right)), ("y1", F(py)), ("y2", F(py)), ("stroke", ChartPalette.Grid)));
            }
            yAxis.Add(E("line", ("x1", F(left - 4)), ("x2", F(left)), ("y1", F(py)), ("y2", F(py)), ("stroke", ChartPalette.Ink), ("class", "tick-mark")));
            if (showY)
            {
                yAxis.Add(Text(label, left - 7, py + 4, "end", "tick"));
            }
        }
        g.Add(xAxis, yAxis);

        var bars = panel.Traces.OfType<BarTrace>().ToList();
        var overlay = bars.Any(b => b.Base is not null);
        for (var i = 0; i < panel.Traces.Count; i++)
        {
            var trace = panel.Traces[i];
            var t = Group("trace " + trace.Kind);
            switch (trace)
            {
                case LineTrace line:
                    RenderLine(t, line, colors[i], frame);
                    break;
                case BandTrace band:
                    RenderBand(t, band, colors[i], frame);
                    break;
                case ScatterTrace scatter:
                    RenderScatter(t, scatter, colors[i], frame);
                    break;
                case HistogramTrace histogram:
                    RenderHistogram(t, histogram, colors[i], frame);
                    break;
                case BarTrace bar:
                    RenderBar(t, bar, colors[i], frame, categories, overlay ? 0 : bars.IndexOf(bar), overlay ? 1 : bars.Count);
                    break;
                case ViolinTrace violin:
                    RenderViolin(t, violin, colors[i], frame, categories);
                    break;
                case BoxTrace box:
                    RenderBox(t, box, colors[i], frame, categories);
                    break;
                case ContourTrace contour:
                    RenderContour(t, contour, frame);
                    break;
                case HeatmapTrace heatmap:
                    RenderHeatmap(t, heatmap, frame);
                    break;
                default:
                    throw new NotSupportedException($"No SVG rendering for {trace.GetType().Name}.");
            }
            g.Add(t);
        }
        foreach (var line in panel.ReferenceLines)
        {
            RenderReferenceLine(g, line, frame);
        }
        g.Add(E("rect", ("x", F(left)), ("y", F(top)), ("width", F(right - left)), ("height", F(bottom - top)),
            ("fill", "none"), ("stroke", ChartPalette.Ink), ("stroke-width", F(ChartTheme.FrameWidth)), ("class", "frame")));
        foreach (var annotation in panel.Annotations)
        {
            RenderAnnotation(g, annotation, frame);
        }
        if (panel.X.Title is not null)
        {
            g.Add(Text(panel.X.Title, (left + right) / 2, bottom + (showX ? 34 : 18), "middle", "axis-title"));
        }
        if (panel.Y.Title is not null)
        {
            var (ty, tx) = ((top + bottom) / 2, left - yLabelWidth - 12);
            g.Add(Text(panel.Y.Title, tx, ty, "middle", "axis-title", ("transform", $"rotate(-90 {F(tx)} {F(ty)})")));
        }
        if (panel.Title is not null)
        {
            g.Add(Text(panel.Title, (left + right) / 2, top - 8, "middle", "panel-title", ("font-size", F(ChartTheme.PanelTitleFontSize))));
        }
        if (colorBar is { } shownScale)
        {
            RenderColorBar(g, shownScale.Scale, shownScale.Min, shownScale.Max, shownScale.Title, right + 16, top, bottom);
        }
        return g;
    }

    private static IEnumerable<Panel> Column(Chart chart, Panel panel) => chart.Panels.Where(q => q.Column == panel.Column && q.CategoryAxis == panel.CategoryAxis);

    private static IEnumerable<Panel> Row(Chart chart, Panel panel) => chart.Panels.Where(q => q.Row == panel.Row && q.CategoryAxis == panel.CategoryAxis);

    private static void RenderLine(XElement g, LineTrace line, string color, Frame f)
    {
        foreach (var segment in Segments(line.X.Count, j => f.X.Valid(line.X[j]) && f.Y.Valid(line.Y[j])))
        {
            var xs = segment.Select(j => line.X[j]).ToArray();
            var ys = segment.Select(j => line.Y[j]).ToArray();
            if (line.Shape == LineShape.Step)
            {
                (xs, ys) = (Staircase.X(xs), Staircase.Y(ys));
            }
            g.Add(E("polyline", [("points", Points(xs.Select((v, k) => (f.X.Map(v), f.Y.Map(ys[k]))))),
                ("fill", "none"), ("stroke", color), ("stroke-width", F(line.Width)), ("stroke-linejoin", "round"),
                .. Dash(line.Dash), .. line.Opacity < 1 ? [("stroke-opacity", F(line.Opacity, "0.##"))] : Array.Empty<(string, string)>()]));
            if (line.Markers)
            {
                foreach (var j in segment)
                {
                    g.Add(E("circle", ("cx", F(f.X.Map(line.X[j]))), ("cy", F(f.Y.Map(line.Y[j]))), ("r", "3"), ("fill", color), ("class", "marker")));
                }
            }
        }
    }

    private static void RenderBand(XElement g, BandTrace band, string color, Frame f)
    {
        var (x, lower, upper) = band.Outline();
        foreach (var segment in Segments(x.Length, j => f.X.Valid(x[j]) && f.Y.Valid(lower[j]) && f.Y.Valid(upper[j])))
        {
            var top = segment.Select(j => (f.X.Map(x[j]), f.Y.Map(upper[j])));
            var bottom = segment.AsEnumerable().Reverse().Select(j => (f.X.Map(x[j]), f.Y.Map(lower[j])));
            g.Add(E("polygon", ("points", Points(top.Concat(bottom))), ("fill", color),
                ("fill-opacity", F(band.Opacity, "0.##")), ("stroke", "none")));
        }
    }

    private static void RenderScatter(XElement g, ScatterTrace scatter, string color, Frame f)
    {
        for (var j = 0; j < scatter.X.Count; j++)
        {
            var (vx, vy) = (scatter.X[j], scatter.Y[j]);
            if (!f.X.Valid(vx) || !f.Y.Valid(vy))
            {
                continue;
            }
            var (px, py) = (f.X.Map(vx), f.Y.Map(vy));
            if (scatter.XErrors is { } ex && double.IsFinite(ex.Plus[j]) && double.IsFinite(ex.MinusAt(j)))
            {
                var (a, b) = (f.X.Map(f.X.Clamp(vx - ex.MinusAt(j))), f.X.Map(f.X.Clamp(vx + ex.Plus[j])));
                g.Add(E("path", ("d", $"M{F(a)},{F(py)}H{F(b)}M{F(a)},{F(py - 4)}V{F(py + 4)}M{F(b)},{F(py - 4)}V{F(py + 4)}"),
                    ("class", "error-bar"), ("data-axis", "x"), ("stroke", ChartPalette.Ink), ("stroke-width", "1.2"), ("fill", "none")));
            }
            if (scatter.YErrors is { } ey && double.IsFinite(ey.Plus[j]) && double.IsFinite(ey.MinusAt(j)))
            {
                var (a, b) = (f.Y.Map(f.Y.Clamp(vy - ey.MinusAt(j))), f.Y.Map(f.Y.Clamp(vy + ey.Plus[j])));
                g.Add(E("path", ("d", $"M{F(px)},{F(a)}V{F(b)}M{F(px - 4)},{F(a)}H{F(px + 4)}M{F(px - 4)},{F(b)}H{F(px + 4)}"),
                    ("class", "error-bar"), ("data-axis", "y"), ("stroke", ChartPalette.Ink), ("stroke-width", "1.2"), ("fill", "none")));
            }
            var marker = Marker(scatter.Symbol, px, py, scatter.Size, color, scatter.Open);
            if (scatter.Opacity < 1)
            {
                marker.SetAttributeValue("opacity", F(scatter.Opacity, "0.##"));
            }
            g.Add(marker);
        }
    }

    private static void RenderHistogram(XElement g, HistogramTrace histogram, string color, Frame f)
    {
        for (var b = 0; b < histogram.Bins; b++)
        {
            var a = histogram.Start + (b * histogram.BinWidth);
            if (histogram.Counts[b] == 0 || !f.X.Valid(a) || !f.X.Valid(a + histogram.BinWidth))
            {
                continue;
            }
            var (x0, x1) = (f.X.Map(a), f.X.Map(a + histogram.BinWidth));
            var (y0, y1) = (f.Y.Map(f.Y.Baseline), f.Y.Map(histogram.Counts[b]));
            g.Add(E("rect", ("x", F(Math.Min(x0, x1))), ("y", F(Math.Min(y0, y1))), ("width", F(Math.Abs(x1 - x0))), ("height", F(Math.Abs(y0 - y1))),
                ("fill", color), ("fill-opacity", F(histogram.Opacity, "0.##")), ("stroke", ChartPalette.Background), ("stroke-width", "0.5")));
        }
    }

    private static void RenderBar(XElement g, BarTrace bar, string color, Frame f, string[] categories, int index, int count)
    {
        var (category, value) = bar.Horizontal ? (f.Y, f.X) : (f.X, f.Y);
        var slot = Math.Abs(category.Map(1) - category.Map(0));
        var thickness = slot * 0.7 / count;
        for (var j = 0; j < bar.Values.Count; j++)
        {
            var b = bar.Base?[j] ?? value.Baseline;
            var end = b + bar.Values[j];
            if (!value.Valid(end) || !double.IsFinite(b))
            {
                continue;
            }
            var centre = category.Map(Array.IndexOf(categories, bar.Categories[j])) - (slot * 0.35) + ((index + 0.5) * thickness);
            var (v0, v1) = (value.Map(value.Clamp(b)), value.Map(value.Clamp(end)));
            g.Add(bar.Horizontal
                ? E("rect", ("x", F(Math.Min(v0, v1))), ("y", F(centre - (thickness / 2))), ("width", F(Math.Abs(v1 - v0))), ("height", F(thickness)), ("fill", color), ("fill-opacity", F(bar.Opacity, "0.##")))
                : E("rect", ("x", F(centre - (thickness / 2))), ("y", F(Math.Min(v0, v1))), ("width", F(thickness)), ("height", F(Math.Abs(v1 - v0))), ("fill", color), ("fill-opacity", F(bar.Opacity, "0.##"))));
            if (bar.Errors is { } errors && double.IsFinite(errors.Plus[j]) && double.IsFinite(errors.MinusAt(j)))
            {
                var (lo, hi) = (value.Map(value.Clamp(end - errors.MinusAt(j))), value.Map(value.Clamp(end + errors.Plus[j])));
                var d = bar.Horizontal
                    ? $"M{F(lo)},{F(centre)}H{F(hi)}M{F(lo)},{F(centre - 4)}V{F(centre + 4)}M{F(hi)},{F(centre - 4)}V{F(centre + 4)}"
                    : $"M{F(centre)},{F(lo)}V{F(hi)}M{F(centre - 4)},{F(lo)}H{F(centre + 4)}M{F(centre - 4)},{F(hi)}H{F(centre + 4)}";
                g.Add(E("path", ("d", d), ("class", "error-bar"), ("data-axis", bar.Horizontal ? "x" : "y"),
                    ("stroke", ChartPalette.Ink), ("stroke-width", "1.2"), ("fill", "none")));
            }
        }
    }

    private static void RenderBox(XElement g, BoxTrace box, string color, Frame f, string[] categories)
    {
        var s = box.Summary;
        var slot = Math.Abs(f.X.Map(1) - f.X.Map(0));
        var cx = f.X.Map(Array.IndexOf(categories, box.Category));
        var half = slot * 0.25;
        if (!f.Y.Valid(s.LowerWhisker) || !f.Y.Valid(s.Q1))
        {
            return;
        }
        var (yLow, yQ1, yMed, yQ3, yHigh) = (f.Y.Map(s.LowerWhisker), f.Y.Map(s.Q1), f.Y.Map(s.Median), f.Y.Map(s.Q3), f.Y.Map(s.UpperWhisker));
        g.Add(E("path", ("d", $"M{F(cx)},{F(yQ1)}V{F(yLow)}M{F(cx - (half / 2))},{F(yLow)}H{F(cx + (half / 2))}M{F(cx)},{F(yQ3)}V{F(yHigh)}M{F(cx - (half / 2))},{F(yHigh)}H{F(cx + (half / 2))}"),
            ("class", "whisker"), ("stroke", color), ("stroke-width", "1.5"), ("fill", "none")));
        g.Add(E("rect", ("x", F(cx - half)), ("y", F(Math.Min(yQ1, yQ3))), ("width", F(2 * half)), ("height", F(Math.Abs(yQ1 - yQ3))),
            ("class", "box"), ("fill", color), ("fill-opacity", "0.3"), ("stroke", color), ("stroke-width", "1.5")));
        g.Add(E("line", ("x1", F(cx - half)), ("x2", F(cx + half)), ("y1", F(yMed)), ("y2", F(yMed)), ("class", "median"), ("stroke", color), ("stroke-width", "2.5")));
        foreach (var v in s.Outliers.Where(f.Y.Valid))
        {
            g.Add(Marker(MarkerSymbol.Circle, cx, f.Y.Map(v), 6, color, open: true));
        }
    }

    private static void RenderViolin(XElement g, ViolinTrace violin, string color, Frame f, string[] categories)
    {
        var slot = Math.Abs(f.X.Map(1) - f.X.Map(0));
        var cx = f.X.Map(Array.IndexOf(categories, violin.Category));
        var peak = violin.Density.Max();
        var valid = Enumerable.Range(0, violin.DensityAt.Count).Where(k => f.Y.Valid(violin.DensityAt[k])).ToArray();
        var scale = peak > 0 ? slot * 0.4 / peak : 0;
        var rightSide = valid.Select(k => (cx + (scale * violin.Density[k]), f.Y.Map(violin.DensityAt[k])));
        var leftSide = valid.Reverse().Select(k => (cx - (scale * violin.Density[k]), f.Y.Map(violin.DensityAt[k])));
        g.Add(E("polygon", ("points", Points(rightSide.Concat(leftSide))), ("class", "violin"),
            ("fill", color), ("fill-opacity", "0.35"), ("stroke", color), ("stroke-width", "1.5")));
        var s = violin.Summary;
        if (f.Y.Valid(s.Q1))
        {
            var (yQ1, yQ3) = (f.Y.Map(s.Q1), f.Y.Map(s.Q3));
            g.Add(E("line", ("x1", F(cx)), ("x2", F(cx)), ("y1", F(f.Y.Map(s.LowerWhisker))), ("y2", F(f.Y.Map(s.UpperWhisker))), ("class", "whisker"), ("stroke", ChartPalette.Ink), ("stroke-width", "1")));
            g.Add(E("rect", ("x", F(cx - 3)), ("y", F(Math.Min(yQ1, yQ3))), ("width", "6"), ("height", F(Math.Abs(yQ1 - yQ3))), ("class", "box"), ("fill", ChartPalette.Ink)));
            g.Add(E("circle", ("cx", F(cx)), ("cy", F(f.Y.Map(s.Median))), ("r", "2.5"), ("class", "median"), ("fill", ChartPalette.Background)));
        }
    }

    private static void RenderHeatmap(XElement g, HeatmapTrace heatmap, Frame f)
    {
        var (xe, ye) = (HeatmapTrace.Edges(heatmap.X), HeatmapTrace.Edges(heatmap.Y));
        var (min, max) = heatmap.ScaleRange;
        if (heatmap.Rows * heatmap.Columns > RasterCells && !f.X.IsLog && !f.Y.IsLog && EquallySpaced(heatmap.X) && EquallySpaced(heatmap.Y))
        {
            RenderRaster(g, heatmap, f, xe, ye, min, max);
            return;
        }
        g.SetAttributeValue("shape-rendering", "crispEdges");
        for (var r = 0; r < heatmap.Rows; r++)
        {
            for (var c = 0; c < heatmap.Columns; c++)
            {
                var v = heatmap.Value(r, c);
                if (!double.IsFinite(v) || !f.X.Valid(xe[c]) || !f.X.Valid(xe[c + 1]) || !f.Y.Valid(ye[r]) || !f.Y.Valid(ye[r + 1]))
                {
                    continue;
                }
                var (x0, x1, y0, y1) = (f.X.Map(xe[c]), f.X.Map(xe[c + 1]), f.Y.Map(ye[r]), f.Y.Map(ye[r + 1]));
                g.Add(E("rect", ("x", F(Math.Min(x0, x1))), ("y", F(Math.Min(y0, y1))), ("width", F(Math.Abs(x1 - x0) + 0.1)), ("height", F(Math.Abs(y1 - y0) + 0.1)),
                    ("class", "cell"), ("fill", heatmap.ColorScale.ColorAt((v - min) / (max - min)))));
            }
        }
    }

    /// <summary>A large heatmap on a regular grid as one embedded PNG image, one pixel per cell (blank where a value is
    /// not finite), scaled without smoothing: far smaller than a rectangle per cell.</summary>
    private static void RenderRaster(XElement g, HeatmapTrace heatmap, Frame f, double[] xe, double[] ye, double min, double max)
    {
        var (x0, x1) = (f.X.Map(xe[0]), f.X.Map(xe[^1]));
        var (y0, y1) = (f.Y.Map(ye[0]), f.Y.Map(ye[^1]));
        // Image row 0 is at the top of the screen; flip where the axes run the other way.
        var (flipX, flipY) = (x1 < x0, y1 < y0);
        var png = PngWriter.Encode(heatmap.Columns, heatmap.Rows, (column, row) =>
        {
            var c = flipX ? heatmap.Columns - 1 - column : column;
            var r = flipY ? heatmap.Rows - 1 - row : row;
            var v = heatmap.Value(r, c);
            if (!double.IsFinite(v))
            {
                return (0, 0, 0, 0);
            }
            var (red, green, blue) = heatmap.ColorScale.RgbAt((v - min) / (max - min));
            return (red, green, blue, 255);
        });
        g.Add(E("image", ("x", F(Math.Min(x0, x1))), ("y", F(Math.Min(y0, y1))), ("width", F(Math.Abs(x1 - x0))), ("height", F(Math.Abs(y1 - y0))),
            ("preserveAspectRatio", "none"), ("style", "image-rendering:pixelated;image-rendering:crisp-edges"), ("class", "raster")));
        g.Elements().Last().Add(new XAttribute(XLink + "href", "data:image/png;base64," + Convert.ToBase64String(png)));
    }

    private static bool EquallySpaced(IReadOnlyList<double> values)
    {
        if (values.Count < 3)
        {
            return true;
        }
        var step = (values[^1] - values[0]) / (values.Count - 1);
        for (var k = 1; k < values.Count; k++)
        {
            if (Math.Abs(values[k] - values[k - 1] - step) > 1e-6 * Math.Abs(step))
            {
                return false;
            }
        }
        return true;
    }

    private static void RenderContour(XElement g, ContourTrace contour, Frame f)
    {
        var (min, max) = contour.ScaleRange;
        foreach (var level in contour.Levels)
        {
            var segments = MarchingSquares.Segments(contour, level)
                .Where(s => f.X.Valid(s.X0) && f.X.Valid(s.X1) && f.Y.Valid(s.Y0) && f.Y.Valid(s.Y1))
                .Select(s => $"M{F(f.X.Map(s.X0))},{F(f.Y.Map(s.Y0))}L{F(f.X.Map(s.X1))},{F(f.Y.Map(s.Y1))}")
                .ToArray();
            if (segments.Length > 0)
            {
                g.Add(E("path", ("d", string.Concat(segments)), ("class", "contour"), ("data-level", level.ToString("G7", CultureInfo.InvariantCulture)),
                    ("stroke", contour.ColorScale.ColorAt((level - min) / (max - min))), ("stroke-width", F(contour.Width)), ("fill", "none"),
                    ("stroke-linecap", "round")));
            }
        }
    }

    private static void RenderColorBar(XElement g, ColorScale scale, double min, double max, string? title, double x, double top, double bottom)
    {
        var bar = Group("colorbar");
        const int steps = 48;
        var height = (bottom - top) / steps;
        for (var k = 0; k < steps; k++)
        {
            var y0 = bottom - ((k + 1) * height);
            bar.Add(E("rect", ("x", F(x)), ("y", F(y0)), ("width", "14"), ("height", F(height + 0.3)), ("fill", scale.ColorAt((k + 0.5) / steps)), ("stroke", "none")));
        }
        bar.Add(E("rect", ("x", F(x)), ("y", F(top)), ("width", "14"), ("height", F(bottom - top)), ("fill", "none"), ("stroke", ChartPalette.Ink), ("stroke-width", "0.5")));
        var (_, _, step, ticks) = AxisTicks.Linear(min, max);
        foreach (var tick in ticks.Where(t => t >= min - (1e-9 * step) && t <= max + (1e-9 * step)))
        {
            var py = bottom - ((tick - min) / (max - min) * (bottom - top));
            bar.Add(E("line", ("x1", F(x + 14)), ("x2", F(x + 18)), ("y1", F(py)), ("y2", F(py)), ("stroke", ChartPalette.Ink)));
            bar.Add(Text(AxisTicks.Label(tick, step), x + 21, py + 4, "start", "tick"));
        }
        if (title is not null)
        {
            var (tx, ty) = (x + 72, (top + bottom) / 2);
            bar.Add(Text(title, tx, ty, "middle", "colorbar-title", ("transform", $"rotate(-90 {F(tx)} {F(ty)})")));
        }
        g.Add(bar);
    }

    private static void RenderReferenceLine(XElement g, ReferenceLine line, Frame f)
    {
        double x0, y0, x1, y1;
        if (line.X0 is null)
        {
            if (!f.Y.Valid(line.Y0!.Value))
            {
                return;
            }
            (x0, x1, y0, y1) = (f.Left, f.Right, f.Y.Map(line.Y0.Value), f.Y.Map(line.Y0.Value));
        }
        else if (line.Y0 is null)
        {
            if (!f.X.Valid(line.X0.Value))
            {
                return;
            }
            (x0, x1, y0, y1) = (f.X.Map(line.X0.Value), f.X.Map(line.X0.Value), f.Top, f.Bottom);
        }
        else
        {
            if (!f.X.Valid(line.X0.Value) || !f.X.Valid(line.X1!.Value) || !f.Y.Valid(line.Y0.Value) || !f.Y.Valid(line.Y1!.Value))
            {
                return;
            }
            (x0, y0, x1, y1) = (f.X.Map(line.X0.Value), f.Y.Map(line.Y0.Value), f.X.Map(line.X1.Value), f.Y.Map(line.Y1.Value));
        }
        if (Clip(ref x0, ref y0, ref x1, ref y1, f))
        {
            g.Add(E("line", [("x1", F(x0)), ("y1", F(y0)), ("x2", F(x1)), ("y2", F(y1)), ("class", "reference"),
                ("stroke", line.Color), ("stroke-width", F(line.Width)), .. Dash(line.Dash)]));
        }
    }

    /// <summary>Clips a segment to the plotting area (Liang–Barsky); false when nothing of it is inside.</summary>
    private static bool Clip(ref double x0, ref double y0, ref double x1, ref double y1, Frame f)
    {
        var (t0, t1) = (0.0, 1.0);
        var (dx, dy) = (x1 - x0, y1 - y0);
        foreach (var (p, q) in new[] { (-dx, x0 - f.Left), (dx, f.Right - x0), (-dy, y0 - f.Top), (dy, f.Bottom - y0) })
        {
            if (p == 0)
            {
                if (q < -1e-9)
                {
                    return false;
                }
                continue;
            }
            var r = q / p;
            if (p < 0)
            {
                t0 = Math.Max(t0, r);
            }
            else
            {
                t1 = Math.Min(t1, r);
            }
        }
        if (t0 > t1)
        {
            return false;
        }
        (x0, y0, x1, y1) = (x0 + (t0 * dx), y0 + (t0 * dy), x0 + (t1 * dx), y0 + (t1 * dy));
        return true;
    }

    private static void RenderAnnotation(XElement g, Annotation annotation, Frame f)
    {
        if (!f.X.Valid(annotation.X) || !f.Y.Valid(annotation.Y))
        {
            return;
        }
        var a = Group("annotation");
        var (px, py) = (f.X.Map(annotation.X), f.Y.Map(annotation.Y));
        if (annotation.Arrow)
        {
            var (tx, ty) = (px + annotation.OffsetX, py + annotation.OffsetY);
            var length = Math.Sqrt((annotation.OffsetX * annotation.OffsetX) + (annotation.OffsetY * annotation.OffsetY));
            if (length > 0)
            {
                var (ux, uy) = (-annotation.OffsetX / length, -annotation.OffsetY / length);
                var (bx, by) = (px - (7 * ux), py - (7 * uy));
                a.Add(E("line", ("x1", F(tx)), ("y1", F(ty)), ("x2", F(bx)), ("y2", F(by)), ("stroke", ChartPalette.Ink), ("stroke-width", "1")));
                a.Add(E("polygon", ("points", Points([(px, py), (bx - (3.5 * uy), by + (3.5 * ux)), (bx + (3.5 * uy), by - (3.5 * ux))])), ("fill", ChartPalette.Ink)));
            }
            a.Add(Text(annotation.Text, tx, ty + (annotation.OffsetY <= 0 ? -4 : 12), "middle", "annotation-text"));
        }
        else
        {
            a.Add(Text(annotation.Text, px, py + 4, "middle", "annotation-text"));
        }
        g.Add(a);
    }

    private static XElement LegendSymbol(Trace trace, string color, double x, double y) => trace switch
    {
        LineTrace line => E("line", [("x1", F(x)), ("x2", F(x + 18)), ("y1", F(y)), ("y2", F(y)), ("stroke", color), ("stroke-width", "2"), .. Dash(line.Dash)]),
        ScatterTrace scatter => Marker(scatter.Symbol, x + 9, y, Math.Min(scatter.Size, 9), color, scatter.Open),
        _ => E("rect", ("x", F(x)), ("y", F(y - 5)), ("width", "18"), ("height", "10"), ("fill", color),
            ("fill-opacity", F(trace switch { BandTrace band => band.Opacity, HistogramTrace h => h.Opacity, BarTrace b => b.Opacity, _ => 0.5 }, "0.##"))),
    };

    /// <summary>A marker centred on (x, y) with the given diameter.</summary>
    private static XElement Marker(MarkerSymbol symbol, double x, double y, double size, string color, bool open)
    {
        var r = size / 2;
        (string, string)[] paint = open ? [("fill", ChartPalette.Background), ("stroke", color), ("stroke-width", "1.5")] : [("fill", color)];
        (string, string)[] stroke = [("fill", "none"), ("stroke", color), ("stroke-width", "1.5")];
        XElement element = symbol switch
        {
            MarkerSymbol.Square => E("rect", [("x", F(x - r)), ("y", F(y - r)), ("width", F(size)), ("height", F(size)), .. paint]),
            MarkerSymbol.Diamond => E("polygon", [("points", Points([(x, y - r), (x + r, y), (x, y + r), (x - r, y)])), .. paint]),
            MarkerSymbol.TriangleUp => E("polygon", [("points", Points([(x, y - r), (x + r, y + (r * 0.75)), (x - r, y + (r * 0.75))])), .. paint]),
            MarkerSymbol.TriangleDown => E("polygon", [("points", Points([(x, y + r), (x + r, y - (r * 0.75)), (x - r, y - (r * 0.75))])), .. paint]),
            MarkerSymbol.Cross => E("path", [("d", $"M{F(x - r)},{F(y)}H{F(x + r)}M{F(x)},{F(y - r)}V{F(y + r)}"), .. stroke]),
            MarkerSymbol.X => E("path", [("d", $"M{F(x - r)},{F(y - r)}L{F(x + r)},{F(y + r)}M{F(x - r)},{F(y + r)}L{F(x + r)},{F(y - r)}"), .. stroke]),
            MarkerSymbol.VerticalTick => E("path", [("d", $"M{F(x)},{F(y - r)}V{F(y + r)}"), .. stroke]),
            _ => E("circle", [("cx", F(x)), ("cy", F(y)), ("r", F(r)), .. paint]),
        };
        element.SetAttributeValue("class", "marker");
        return element;
    }

    private static (string, string)[] Dash(LineDash dash) => dash switch
    {
        LineDash.Dash => [("stroke-dasharray", "6,4")],
        LineDash.Dot => [("stroke-dasharray", "2,3")],
        _ => [],
    };

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

    private static XElement Group(string cssClass, params (string Name, string Value)[] extra) => E("g", [("class", cssClass), .. extra]);

    private static XElement Text(string content, double x, double y, string anchor, string cssClass, params (string Name, string Value)[] extra)
    {
        var element = E("text", [("x", F(x)), ("y", F(y)), ("text-anchor", anchor), ("class", cssClass), ("fill", ChartPalette.Ink), .. extra]);
        element.Value = content;
        return element;
    }

    /// <summary>An axis: its range, ticks and labels, and the map from data to pixels. A categorical axis is numeric
    /// underneath: category k sits at k, and the range is [−0.5, n − 0.5].</summary>
    private sealed class Axis
    {
        private readonly bool _log, _reversed;
        private readonly double _min, _max;
        private double _from, _to = 1;

        private Axis(bool log, bool reversed, double min, double max, IReadOnlyList<(double, string)> ticks)
        {
            (_log, _reversed, _min, _max, Ticks) = (log, reversed, min, max, ticks);
        }

        public IReadOnlyList<(double Tick, string Label)> Ticks { get; }

        public bool IsLog => _log;

        /// <summary>The range's length in data units (decades for a logarithmic axis).</summary>
        public double Span => _log ? Math.Log10(_max) - Math.Log10(_min) : _max - _min;

        /// <summary>Where bars and histograms start: 0, or the bottom of a logarithmic axis.</summary>
        public double Baseline => _log ? _min : Math.Clamp(0, _min, _max);

        public static Axis Categorical(string[] categories, bool reversed) =>
            new(false, reversed, -0.5, Math.Max(categories.Length, 1) - 0.5, [.. categories.Select((c, k) => ((double)k, c))]);

        public static Axis Numeric(IEnumerable<double> values, AxisSettings settings, bool tight)
        {
            var log = settings.Log;
            var shown = values.Where(v => double.IsFinite(v) && (!log || v > 0)).ToArray();
            double? dataMin = shown.Length == 0 ? null : shown.Min();
            double? dataMax = shown.Length == 0 ? null : shown.Max();
            var fixedRange = settings.Min is not null || settings.Max is not null || tight;
            double min, max, step;
            IReadOnlyList<double> ticks;
            if (log)
            {
                var (lo, hi) = (settings.Min ?? dataMin ?? 1, settings.Max ?? dataMax ?? 10);
                var (wideMin, wideMax, logTicks) = AxisTicks.Logarithmic(lo, hi);
                (min, max) = fixedRange && hi > lo && lo > 0 ? (lo, hi) : (wideMin, wideMax);
                ticks = [.. logTicks.Where(t => t >= min * (1 - 1e-9) && t <= max * (1 + 1e-9))];
                step = double.NaN;
            }
            else
            {
                var (lo, hi) = (settings.Min ?? dataMin ?? 0, settings.Max ?? dataMax ?? 1);
                var (wideMin, wideMax, niceStep, linear) = AxisTicks.Linear(lo, hi);
                (min, max) = fixedRange && hi > lo ? (lo, hi) : (wideMin, wideMax);
                step = niceStep;
                ticks = [.. linear.Where(t => t >= min - (1e-9 * step) && t <= max + (1e-9 * step))];
            }
            IReadOnlyList<(double, string)> labelled = settings.TickValues is { } values0 && settings.TickLabels is { } labels
                ? [.. values0.Select((v, k) => (v, labels[k])).Where(t => double.IsFinite(t.v) && t.v >= Math.Min(min, max) && t.v <= Math.Max(min, max))]
                : [.. ticks.Select(t => (t, AxisTicks.Label(t, log ? t : step)))];
            return new Axis(log, settings.Reversed, min, max, labelled);
        }

        /// <summary>Places the axis on the screen: its low end at <paramref name="from"/>, high end at
        /// <paramref name="to"/> (swapped when the axis is reversed).</summary>
        public void Place(double from, double to) => (_from, _to) = _reversed ? (to, from) : (from, to);

        public bool Valid(double value) => double.IsFinite(value) && (!_log || value > 0);

        public double Clamp(double value) => Math.Clamp(_log && value <= 0 ? _min : value, _min, _max);

        public double Map(double value)
        {
            var t = _log ? (Math.Log10(value) - Math.Log10(_min)) / (Math.Log10(_max) - Math.Log10(_min)) : (value - _min) / (_max - _min);
            return _from + (t * (_to - _from));
        }
    }
}
