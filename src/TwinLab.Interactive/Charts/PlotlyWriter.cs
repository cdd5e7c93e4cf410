using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TwinLab.Interactive;

/// <summary>Writes a <see cref="Chart"/> as a plotly.js figure: one trace object per layer (with one small writer per
/// kind of trace), and a layout with one pair of axes per panel (<c>xaxis</c>, <c>xaxis2</c>, ... placed by their
/// <c>domain</c>), TwinLab's template, annotations and reference lines as shapes. Only fields of the plotly.js schema
/// are written; numbers keep 7 significant digits and values that are not finite become null.</summary>
internal static class PlotlyWriter
{
    public static string Write(Chart chart)
    {
        var colors = chart.Colors();
        var domains = Domains(chart);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteStartArray("data");
            for (var p = 0; p < chart.Panels.Count; p++)
            {
                var panel = chart.Panels[p];
                for (var i = 0; i < panel.Traces.Count; i++)
                {
                    WriteTrace(w, panel.Traces[i], colors[p][i], p, domains[p], chart.Panels.Count > 1);
                }
            }
            w.WriteEndArray();
            WriteLayout(w, chart, domains);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Each panel's horizontal and vertical share of the figure (0 to 1, y upwards).</summary>
    private static (double X0, double X1, double Y0, double Y1)[] Domains(Chart chart)
    {
        // Gaps leave room for the y titles of inner panels and for colour bars right of a panel.
        var gapX = chart.Columns == 1 ? 0
            : chart.Panels.Any(p => p.Column < chart.Columns - 1 && p.Traces.Any(t => t.ColorBar is not null)) ? 0.16
            : chart.Panels.Any(p => p.Column > 0 && p.Y.Title is not null && !chart.SharedY) ? 0.1 : 0.06;
        var gapY = chart.Rows == 1 ? 0 : chart.Panels.Any(p => p.Title is not null || (p.X.Title is not null && !chart.SharedX)) ? 0.12 : 0.07;
        var width = (1 - (gapX * (chart.Columns - 1))) / chart.Columns;
        var height = (1 - (gapY * (chart.Rows - 1))) / chart.Rows;
        return
        [
            .. chart.Panels.Select(p =>
            {
                var x0 = p.Column * (width + gapX);
                var y1 = 1 - (p.Row * (height + gapY));
                return (x0, Math.Min(1, x0 + width), Math.Max(0, y1 - height), y1);
            }),
        ];
    }

    private static string AxisId(char axis, int panel) => panel == 0 ? axis.ToString() : axis + (panel + 1).ToString(CultureInfo.InvariantCulture);

    private static string AxisKey(char axis, int panel) => axis + "axis" + (panel == 0 ? "" : (panel + 1).ToString(CultureInfo.InvariantCulture));

    private static void WriteTrace(Utf8JsonWriter w, Trace trace, string color, int panel, (double X0, double X1, double Y0, double Y1) domain, bool grid)
    {
        w.WriteStartObject();
        switch (trace)
        {
            case LineTrace line:
                Line(w, line, color);
                break;
            case BandTrace band:
                Band(w, band, color);
                break;
            case ScatterTrace scatter:
                Scatter(w, scatter, color);
                break;
            case HistogramTrace histogram:
                Histogram(w, histogram, color);
                break;
            case BarTrace bar:
                Bar(w, bar, color);
                break;
            case ViolinTrace violin:
                Violin(w, violin, color);
                break;
            case BoxTrace box:
                Box(w, box, color);
                break;
            case ContourTrace contour:
                Contour(w, contour, grid, domain);
                break;
            case HeatmapTrace heatmap:
                Heatmap(w, heatmap, grid, domain);
                break;
            default:
                throw new NotSupportedException($"No plotly rendering for {trace.GetType().Name}.");
        }
        if (trace.Name is not null)
        {
            w.WriteString("name", trace.Name);
        }
        // Heatmaps and contours are explained by their colour bar, not by a legend entry (as in the SVG image).
        w.WriteBoolean("showlegend", trace.Name is not null && trace.ShowInLegend && trace is not HeatmapTrace);
        if (panel > 0)
        {
            w.WriteString("xaxis", AxisId('x', panel));
            w.WriteString("yaxis", AxisId('y', panel));
        }
        w.WriteEndObject();
    }

    private static void Line(Utf8JsonWriter w, LineTrace line, string color)
    {
        w.WriteString("type", "scatter");
        w.WriteString("mode", line.Markers ? "lines+markers" : "lines");
        Numbers(w, "x", line.X);
        Numbers(w, "y", line.Y);
        w.WriteStartObject("line");
        w.WriteString("color", color);
        Number(w, "width", line.Width);
        if (line.Shape == LineShape.Step)
        {
            w.WriteString("shape", "hv");
        }
        if (line.Dash != LineDash.Solid)
        {
            w.WriteString("dash", DashName(line.Dash));
        }
        w.WriteEndObject();
        if (line.Markers)
        {
            w.WriteStartObject("marker");
            w.WriteString("color", color);
            w.WriteEndObject();
        }
        if (line.Opacity < 1)
        {
            Number(w, "opacity", line.Opacity);
        }
    }

    private static void Band(Utf8JsonWriter w, BandTrace band, string color)
    {
        // One closed shape: the upper curve forwards, then the lower curve backwards.
        var (x, lower, upper) = band.Outline();
        w.WriteString("type", "scatter");
        w.WriteString("mode", "lines");
        w.WriteString("fill", "toself");
        Numbers(w, "x", [.. x, .. x.Reverse()]);
        Numbers(w, "y", [.. upper, .. lower.Reverse()]);
        w.WriteString("fillcolor", color);
        Number(w, "opacity", band.Opacity);
        w.WriteStartObject("line");
        Number(w, "width", 0);
        w.WriteEndObject();
        w.WriteString("hoverinfo", "skip");
    }

    private static void Scatter(Utf8JsonWriter w, ScatterTrace scatter, string color)
    {
        w.WriteString("type", "scatter");
        w.WriteString("mode", "markers");
        Numbers(w, "x", scatter.X);
        Numbers(w, "y", scatter.Y);
        w.WriteStartObject("marker");
        var symbol = SymbolName(scatter.Symbol);
        w.WriteString("symbol", scatter.Open || scatter.Symbol == MarkerSymbol.VerticalTick ? symbol + "-open" : symbol);
        Number(w, "size", scatter.Size);
        w.WriteString("color", color);
        w.WriteStartObject("line");
        w.WriteString("color", color);
        Number(w, "width", scatter.Open || scatter.Symbol is MarkerSymbol.VerticalTick or MarkerSymbol.Cross or MarkerSymbol.X ? 1.5 : 0);
        w.WriteEndObject();
        w.WriteEndObject();
        if (scatter.Opacity < 1)
        {
            Number(w, "opacity", scatter.Opacity);
        }
        Errors(w, "error_x", scatter.XErrors);
        Errors(w, "error_y", scatter.YErrors);
    }

    private static void Histogram(Utf8JsonWriter w, HistogramTrace histogram, string color)
    {
        w.WriteString("type", "histogram");
        Numbers(w, "x", histogram.Values);
        w.WriteStartObject("xbins");
        Number(w, "start", histogram.Start);
        Number(w, "end", histogram.End);
        Number(w, "size", histogram.BinWidth);
        w.WriteEndObject();
        w.WriteStartObject("marker");
        w.WriteString("color", color);
        w.WriteEndObject();
        Number(w, "opacity", histogram.Opacity);
    }

    private static void Bar(Utf8JsonWriter w, BarTrace bar, string color)
    {
        w.WriteString("type", "bar");
        var (categoryAxis, valueAxis) = bar.Horizontal ? ("y", "x") : ("x", "y");
        if (bar.Horizontal)
        {
            w.WriteString("orientation", "h");
        }
        w.WriteStartArray(categoryAxis);
        foreach (var category in bar.Categories)
        {
            w.WriteStringValue(category);
        }
        w.WriteEndArray();
        Numbers(w, valueAxis, bar.Values);
        if (bar.Base is not null)
        {
            Numbers(w, "base", bar.Base);
        }
        w.WriteStartObject("marker");
        w.WriteString("color", color);
        w.WriteEndObject();
        Number(w, "opacity", bar.Opacity);
        Errors(w, bar.Horizontal ? "error_x" : "error_y", bar.Errors);
    }

    private static void Box(Utf8JsonWriter w, BoxTrace box, string color)
    {
        w.WriteString("type", "box");
        Numbers(w, "y", box.Values);
        w.WriteString("x0", box.Category);
        w.WriteString("boxpoints", "outliers");
        w.WriteString("quartilemethod", "linear");
        w.WriteStartObject("marker");
        w.WriteString("color", color);
        w.WriteEndObject();
        w.WriteStartObject("line");
        w.WriteString("color", color);
        w.WriteEndObject();
    }

    private static void Violin(Utf8JsonWriter w, ViolinTrace violin, string color)
    {
        w.WriteString("type", "violin");
        Numbers(w, "y", violin.Values);
        w.WriteString("x0", violin.Category);
        Number(w, "bandwidth", violin.Bandwidth);
        w.WriteString("quartilemethod", "linear");
        w.WriteString("spanmode", "soft");
        w.WriteString("scalemode", "width");
        w.WriteBoolean("points", false);
        w.WriteStartObject("box");
        w.WriteBoolean("visible", true);
        w.WriteEndObject();
        w.WriteStartObject("meanline");
        w.WriteBoolean("visible", false);
        w.WriteEndObject();
        w.WriteStartObject("line");
        w.WriteString("color", color);
        w.WriteEndObject();
    }

    private static void Heatmap(Utf8JsonWriter w, HeatmapTrace heatmap, bool grid, (double X0, double X1, double Y0, double Y1) domain)
    {
        w.WriteString("type", "heatmap");
        Grid(w, heatmap);
        ColorScale(w, heatmap, grid, domain);
    }

    private static void Contour(Utf8JsonWriter w, ContourTrace contour, bool grid, (double X0, double X1, double Y0, double Y1) domain)
    {
        w.WriteString("type", "contour");
        Grid(w, contour);
        ColorScale(w, contour, grid, domain);
        w.WriteBoolean("autocontour", false);
        w.WriteStartObject("contours");
        Number(w, "start", contour.Levels[0]);
        Number(w, "end", contour.Levels[^1]);
        Number(w, "size", contour.Levels.Count > 1 ? contour.Levels[1] - contour.Levels[0] : 1);
        w.WriteString("coloring", "lines");
        w.WriteEndObject();
        w.WriteStartObject("line");
        Number(w, "width", contour.Width);
        w.WriteEndObject();
    }

    private static void Grid(Utf8JsonWriter w, HeatmapTrace heatmap)
    {
        Numbers(w, "x", heatmap.X);
        Numbers(w, "y", heatmap.Y);
        w.WriteStartArray("z");
        for (var r = 0; r < heatmap.Rows; r++)
        {
            w.WriteStartArray();
            for (var c = 0; c < heatmap.Columns; c++)
            {
                Value(w, heatmap.Value(r, c));
            }
            w.WriteEndArray();
        }
        w.WriteEndArray();
    }

    private static void ColorScale(Utf8JsonWriter w, HeatmapTrace heatmap, bool grid, (double X0, double X1, double Y0, double Y1) domain)
    {
        w.WriteStartArray("colorscale");
        foreach (var (position, stopColor) in heatmap.ColorScale.Stops)
        {
            w.WriteStartArray();
            Value(w, position);
            w.WriteStringValue(stopColor);
            w.WriteEndArray();
        }
        w.WriteEndArray();
        var (min, max) = heatmap.ScaleRange;
        Number(w, "zmin", min);
        Number(w, "zmax", max);
        w.WriteBoolean("showscale", heatmap.ShowScale);
        if (!heatmap.ShowScale)
        {
            return;
        }
        w.WriteStartObject("colorbar");
        if (heatmap.ColorBarTitle is not null)
        {
            w.WriteStartObject("title");
            w.WriteString("text", heatmap.ColorBarTitle);
            w.WriteEndObject();
        }
        Number(w, "thickness", 14);
        if (grid)
        {
            Number(w, "x", domain.X1 + 0.01);
            w.WriteString("xanchor", "left");
            Number(w, "y", (domain.Y0 + domain.Y1) / 2);
            w.WriteString("yanchor", "middle");
            Number(w, "len", domain.Y1 - domain.Y0);
        }
        w.WriteEndObject();
    }

    private static void Errors(Utf8JsonWriter w, string name, ErrorBars? errors)
    {
        if (errors is null)
        {
            return;
        }
        w.WriteStartObject(name);
        w.WriteString("type", "data");
        w.WriteBoolean("symmetric", errors.Minus is null);
        Numbers(w, "array", errors.Plus);
        if (errors.Minus is not null)
        {
            Numbers(w, "arrayminus", errors.Minus);
        }
        w.WriteString("color", ChartPalette.Ink);
        Number(w, "thickness", 1.2);
        Number(w, "width", 4);
        w.WriteBoolean("visible", true);
        w.WriteEndObject();
    }

    private static void WriteLayout(Utf8JsonWriter w, Chart chart, (double X0, double X1, double Y0, double Y1)[] domains)
    {
        w.WriteStartObject("layout");
        if (chart.Title is not null)
        {
            w.WriteStartObject("title");
            w.WriteString("text", chart.Title);
            w.WriteStartObject("font");
            Number(w, "size", ChartTheme.TitleFontSize);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteStartObject("font");
        w.WriteString("family", ChartTheme.FontFamily);
        Number(w, "size", ChartTheme.FontSize);
        w.WriteString("color", ChartPalette.Ink);
        w.WriteEndObject();
        w.WriteString("paper_bgcolor", ChartPalette.Background);
        w.WriteString("plot_bgcolor", ChartPalette.Background);
        w.WriteStartArray("colorway");
        foreach (var c in ChartPalette.Colors)
        {
            w.WriteStringValue(c);
        }
        w.WriteEndArray();
        w.WriteString("hovermode", "closest");

        var traces = chart.Traces;
        if (traces.Any(t => t is HistogramTrace || (t is BarTrace { Base: not null })))
        {
            w.WriteString("barmode", "overlay");
        }
        else if (chart.Panels.Any(p => p.Traces.Count(t => t is BarTrace) > 1))
        {
            w.WriteString("barmode", "group");
        }
        if (traces.Any(t => t is BoxTrace and not ViolinTrace) && chart.Panels.Any(p => p.Traces.Count(t => t is BoxTrace and not ViolinTrace) > 1))
        {
            w.WriteString("boxmode", "overlay");
        }

        for (var p = 0; p < chart.Panels.Count; p++)
        {
            var panel = chart.Panels[p];
            if (panel.IsEmpty && chart.Panels.Count > 1)
            {
                // No trace refers to an empty panel's axes, so plotly would not accept them: the area stays blank.
                continue;
            }
            var categoryAxis = panel.CategoryAxis;
            var grid = chart.Panels.Count > 1;
            // Shared axes follow the first drawn panel of the column (x) or row (y).
            var top = ((chart.Panels.FirstOrDefault(q => q.Column == panel.Column && !q.IsEmpty) ?? panel).Row * chart.Columns) + panel.Column;
            var left = (panel.Row * chart.Columns) + (chart.Panels.FirstOrDefault(q => q.Row == panel.Row && !q.IsEmpty) ?? panel).Column;
            var xLabels = !chart.SharedX || panel.Row == chart.Rows - 1;
            var yLabels = !chart.SharedY || panel.Column == 0;
            WriteAxis(w, AxisKey('x', p), panel.X, categoryAxis == CategoryAxis.X, panel.IsEmpty, xLabels,
                grid ? (domains[p].X0, domains[p].X1) : null, AxisId('y', p),
                chart.SharedX && top != p ? AxisId('x', top) : null, null, false);
            WriteAxis(w, AxisKey('y', p), panel.Y, categoryAxis == CategoryAxis.Y, panel.IsEmpty, yLabels,
                grid ? (domains[p].Y0, domains[p].Y1) : null, AxisId('x', p),
                chart.SharedY && left != p ? AxisId('y', left) : null, panel.EqualAspect ? AxisId('x', p) : null,
                categoryAxis == CategoryAxis.Y);
        }

        var annotations = chart.Panels.SelectMany((panel, p) => panel.Annotations.Select(a => (Panel: p, Annotation: a))).ToArray();
        var titled = chart.Panels.Select((panel, p) => (Panel: panel, Index: p)).Where(x => x.Panel.Title is not null).ToArray();
        if (annotations.Length > 0 || titled.Length > 0)
        {
            w.WriteStartArray("annotations");
            foreach (var (p, a) in annotations)
            {
                w.WriteStartObject();
                // plotly places annotations on a logarithmic axis by the logarithm of the value.
                var on = chart.Panels[p];
                Number(w, "x", on.X.Log ? Math.Log10(a.X) : a.X);
                Number(w, "y", on.Y.Log ? Math.Log10(a.Y) : a.Y);
                w.WriteString("xref", AxisId('x', p));
                w.WriteString("yref", AxisId('y', p));
                w.WriteString("text", a.Text);
                w.WriteBoolean("showarrow", a.Arrow);
                if (a.Arrow)
                {
                    Number(w, "ax", a.OffsetX);
                    Number(w, "ay", a.OffsetY);
                    Number(w, "arrowhead", 2);
                    w.WriteString("arrowcolor", ChartPalette.Ink);
                }
                w.WriteEndObject();
            }
            foreach (var (panel, p) in titled)
            {
                w.WriteStartObject();
                var d = domains[p];
                Number(w, "x", (d.X0 + d.X1) / 2);
                Number(w, "y", d.Y1);
                w.WriteString("xref", "paper");
                w.WriteString("yref", "paper");
                w.WriteString("xanchor", "center");
                w.WriteString("yanchor", "bottom");
                w.WriteString("text", panel.Title);
                w.WriteBoolean("showarrow", false);
                w.WriteStartObject("font");
                Number(w, "size", ChartTheme.PanelTitleFontSize);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }

        var lines = chart.Panels.SelectMany((panel, p) => panel.ReferenceLines.Select(l => (Panel: p, Line: l))).ToArray();
        if (lines.Length > 0)
        {
            w.WriteStartArray("shapes");
            foreach (var (p, l) in lines)
            {
                w.WriteStartObject();
                w.WriteString("type", "line");
                // An open end spans the panel: it is given in the axis's domain coordinates (0 to 1).
                w.WriteString("xref", l.X0 is null ? AxisId('x', p) + " domain" : AxisId('x', p));
                w.WriteString("yref", l.Y0 is null ? AxisId('y', p) + " domain" : AxisId('y', p));
                Number(w, "x0", l.X0 ?? 0);
                Number(w, "x1", l.X1 ?? 1);
                Number(w, "y0", l.Y0 ?? 0);
                Number(w, "y1", l.Y1 ?? 1);
                w.WriteString("layer", "above");
                w.WriteStartObject("line");
                w.WriteString("color", l.Color);
                Number(w, "width", l.Width);
                w.WriteString("dash", DashName(l.Dash));
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void WriteAxis(Utf8JsonWriter w, string key, AxisSettings axis, bool categorical, bool empty, bool labels,
        (double From, double To)? domain, string anchor, string? matches, string? scaleAnchor, bool categoriesDown)
    {
        w.WriteStartObject(key);
        if (empty)
        {
            // A hidden axis takes no other settings (plotly would ignore them).
            w.WriteBoolean("visible", false);
            w.WriteEndObject();
            return;
        }
        if (axis.Title is not null && labels)
        {
            w.WriteStartObject("title");
            w.WriteString("text", axis.Title);
            w.WriteEndObject();
        }
        w.WriteString("type", categorical ? "category" : axis.Log ? "log" : "linear");
        var reversed = axis.Reversed ^ categoriesDown;
        if (!categorical && axis.Min is { } min && axis.Max is { } max)
        {
            var (a, b) = axis.Log ? (Math.Log10(min), Math.Log10(max)) : (min, max);
            Numbers(w, "range", reversed ? [b, a] : [a, b]);
        }
        else if (reversed)
        {
            w.WriteString("autorange", "reversed");
        }
        if (axis.TickValues is { } values && axis.TickLabels is { } tickLabels)
        {
            w.WriteString("tickmode", "array");
            Numbers(w, "tickvals", values);
            w.WriteStartArray("ticktext");
            foreach (var t in tickLabels)
            {
                w.WriteStringValue(t);
            }
            w.WriteEndArray();
        }
        w.WriteBoolean("showticklabels", labels && axis.ShowTickLabels);
        if (domain is { } d)
        {
            Numbers(w, "domain", [d.From, d.To]);
            w.WriteString("anchor", anchor);
        }
        if (matches is not null)
        {
            w.WriteString("matches", matches);
        }
        if (scaleAnchor is not null)
        {
            w.WriteString("scaleanchor", scaleAnchor);
        }
        w.WriteString("gridcolor", ChartPalette.Grid);
        w.WriteString("linecolor", ChartPalette.Ink);
        w.WriteBoolean("showline", true);
        w.WriteBoolean("mirror", true);
        w.WriteBoolean("zeroline", false);
        w.WriteString("ticks", "outside");
        w.WriteBoolean("automargin", true);
        w.WriteEndObject();
    }

    private static string DashName(LineDash dash) => dash switch
    {
        LineDash.Dash => "dash",
        LineDash.Dot => "dot",
        _ => "solid",
    };

    private static string SymbolName(MarkerSymbol symbol) => symbol switch
    {
        MarkerSymbol.Square => "square",
        MarkerSymbol.Diamond => "diamond",
        MarkerSymbol.TriangleUp => "triangle-up",
        MarkerSymbol.TriangleDown => "triangle-down",
        MarkerSymbol.Cross => "cross",
        MarkerSymbol.X => "x",
        MarkerSymbol.VerticalTick => "line-ns",
        _ => "circle",
    };

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
