using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using TwinLab.Interactive;
using static TwinLab.Notebooks.Tests.Charts.ChartAssert;

namespace TwinLab.Notebooks.Tests.Charts;

public sealed class TraceKindTests
{
    private static double[,] Grid(int rows, int columns, Func<int, int, double> value)
    {
        var z = new double[rows, columns];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < columns; j++)
            {
                z[i, j] = value(i, j);
            }
        }
        return z;
    }

    [Fact]
    public void Scatter_draws_markers_and_x_and_y_error_bars()
    {
        var chart = new Chart().Add(new ScatterTrace([1, 2, 3, 4], [2, double.NaN, 3, 5], "points")
        {
            Symbol = MarkerSymbol.Diamond,
            YErrors = ErrorBars.Symmetric([0.5, 0.3, double.NaN, 0.6]),
            XErrors = ErrorBars.FromIntervals([1, 2, 3, 4], [0.8, 1.9, 2.5, 3.9], [1.1, 2.3, 3.2, 4.5]),
        });
        var trace = PlotlyFigure(chart).GetProperty("data")[0];
        Assert.Equal("markers", trace.GetProperty("mode").GetString());
        Assert.Equal("diamond", trace.GetProperty("marker").GetProperty("symbol").GetString());
        Assert.True(trace.GetProperty("error_y").GetProperty("symmetric").GetBoolean());
        Assert.False(trace.GetProperty("error_x").GetProperty("symmetric").GetBoolean());
        Assert.Equal(0.2, trace.GetProperty("error_x").GetProperty("arrayminus")[0].GetDouble(), 12);
        Assert.Equal(JsonValueKind.Null, trace.GetProperty("y")[1].ValueKind);

        var g = Group(SvgImage(chart), "trace scatter");
        // The NaN point is left out; the third point has no y bar (NaN length) but has an x bar.
        Assert.Equal(3, WithClass(g, "marker").Count());
        Assert.Equal(2, WithClass(g, "error-bar").Count(e => (string?)e.Attribute("data-axis") == "y"));
        Assert.Equal(3, WithClass(g, "error-bar").Count(e => (string?)e.Attribute("data-axis") == "x"));
        Assert.Throws<ArgumentException>(() => new ScatterTrace([1, 2], [1, 2]) { YErrors = ErrorBars.Symmetric([1]) });
        Assert.Throws<ArgumentException>(() => ErrorBars.FromIntervals([1], [1.5], [2]));
        Assert.Throws<ArgumentException>(() => ErrorBars.Symmetric([-1]));
    }

    [Fact]
    public void Every_marker_symbol_renders_and_maps_to_a_plotly_symbol()
    {
        var chart = new Chart();
        foreach (var symbol in Enum.GetValues<MarkerSymbol>())
        {
            chart.Add(new ScatterTrace([(double)symbol], [1], symbol.ToString()) { Symbol = symbol });
            chart.Add(new ScatterTrace([(double)symbol], [2]) { Symbol = symbol, Open = true });
        }
        PlotlyFigure(chart);
        var svg = SvgImage(chart);
        Assert.Equal(2 * Enum.GetValues<MarkerSymbol>().Length, Groups(svg, "trace scatter").SelectMany(g => WithClass(g, "marker")).Count());
        Assert.Equal(Enum.GetValues<MarkerSymbol>().Length, WithClass(Group(svg, "legend"), "marker").Count());
    }

    [Fact]
    public void Heatmap_of_three_by_four_has_twelve_cells_and_a_colour_bar()
    {
        var z = Grid(3, 4, (i, j) => (10 * i) + j);
        var chart = new Chart().Add(new HeatmapTrace([0, 1, 2, 3], [10, 20, 30], z, "z") { ColorBarTitle = "value (unit)" });
        var figure = PlotlyFigure(chart);
        var trace = figure.GetProperty("data")[0];
        Assert.Equal("heatmap", trace.GetProperty("type").GetString());
        Assert.Equal(3, trace.GetProperty("z").GetArrayLength());
        Assert.All(trace.GetProperty("z").EnumerateArray(), row => Assert.Equal(4, row.GetArrayLength()));
        Assert.Equal(23, trace.GetProperty("zmax").GetDouble());
        Assert.Equal("#440154", trace.GetProperty("colorscale")[0][1].GetString());

        var svg = SvgImage(chart);
        var cells = WithClass(Group(svg, "trace heatmap"), "cell").ToArray();
        Assert.Equal(12, cells.Length);
        // The lowest value takes the bottom of the scale, the highest its top.
        Assert.Equal("#440154", (string?)cells[0].Attribute("fill"));
        Assert.Equal("#fde725", (string?)cells[^1].Attribute("fill"));
        var bar = Group(svg, "colorbar");
        Assert.Equal(["0", "10", "20"], bar.Elements(Svg + "text").Where(t => (string?)t.Attribute("class") == "tick").Select(t => t.Value));
        Assert.Equal("value (unit)", bar.Elements(Svg + "text").Single(t => (string?)t.Attribute("class") == "colorbar-title").Value);
        // A heatmap's axes end at the outer cell edges: x from -0.5 to 3.5.
        Assert.Equal(["0", "1", "2", "3"], TickLabels(svg, "x-axis"));

        z[1, 2] = double.NaN;
        Assert.Equal(11, WithClass(SvgImage(new Chart().Add(new HeatmapTrace([0, 1, 2, 3], [10, 20, 30], z))), "cell").Count());
        Assert.Throws<ArgumentException>(() => new HeatmapTrace([0, 1, 2], [10, 20, 30], z));
        Assert.Throws<ArgumentException>(() => new HeatmapTrace([0, 2, 1, 3], [10, 20, 30], z));
    }

    [Fact]
    public void Large_heatmaps_are_one_embedded_png_that_an_independent_decoder_reads()
    {
        var z = Grid(40, 50, (i, j) => (i * 50) + j);
        z[0, 0] = double.NaN;
        var chart = new Chart().Add(new HeatmapTrace(Enumerable.Range(0, 50).Select(j => j * 2.0), Enumerable.Range(0, 40).Select(i => i * 0.5), z));
        PlotlyFigure(chart);
        var svg = SvgImage(chart);
        var g = Group(svg, "trace heatmap");
        Assert.Empty(WithClass(g, "cell"));
        var image = Assert.Single(WithClass(g, "raster"));
        var href = (string)image.Attribute(XNamespace.Get("http://www.w3.org/1999/xlink") + "href")!;
        Assert.StartsWith("data:image/png;base64,", href, StringComparison.Ordinal);
        // Python's zlib and struct read the PNG: chunk CRCs, the header, and every pixel (scanlines with filter 0).
        const string script = """
            import base64, json, struct, sys, zlib
            data = base64.b64decode(sys.stdin.read())
            assert data[:8] == b"\x89PNG\r\n\x1a\n"
            pos, idat, header = 8, b"", None
            while pos < len(data):
                (length,) = struct.unpack(">I", data[pos:pos + 4]); kind = data[pos + 4:pos + 8]; body = data[pos + 8:pos + 8 + length]
                (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
                assert zlib.crc32(kind + body) == crc, kind
                if kind == b"IHDR": header = struct.unpack(">IIBBBBB", body)
                if kind == b"IDAT": idat += body
                pos += 12 + length
            width, height, depth, colour = header[:4]
            raw = zlib.decompress(idat); stride = 4 * width + 1
            rows = [raw[r * stride:(r + 1) * stride] for r in range(height)]
            assert all(row[0] == 0 for row in rows)
            pixels = [["%02x%02x%02x%02x" % tuple(row[1 + 4 * c:5 + 4 * c]) for c in range(width)] for row in rows]
            print(json.dumps({"width": width, "height": height, "depth": depth, "colour": colour, "pixels": pixels}))
            """;
        using var decoded = JsonDocument.Parse(TwinLab.TestSupport.DebianPython.Run(script, href["data:image/png;base64,".Length..]));
        var root = decoded.RootElement;
        Assert.Equal((50, 40, 8, 6), (root.GetProperty("width").GetInt32(), root.GetProperty("height").GetInt32(), root.GetProperty("depth").GetInt32(), root.GetProperty("colour").GetInt32()));
        var pixels = root.GetProperty("pixels");
        // y increases upwards, so image row 0 (the top) holds the grid's last row; the NaN cell (row 0, column 0) is
        // transparent at the bottom left.
        Assert.Equal("00000000", pixels[39][0].GetString());
        var (min, max) = (1.0, 1999.0);
        foreach (var (row, column) in new[] { (39, 49), (0, 1), (20, 7), (5, 30) })
        {
            var expected = ColorScale.Viridis.ColorAt((z[row, column] - min) / (max - min))[1..] + "ff";
            Assert.Equal(expected, pixels[39 - row][column].GetString());
        }
        // Up to 1600 cells, a grid stays one rectangle per cell.
        var small = new Chart().Add(new HeatmapTrace(Enumerable.Range(0, 40).Select(j => j * 1.0), Enumerable.Range(0, 40).Select(i => i * 1.0), Grid(40, 40, (i, j) => i - j)));
        Assert.Equal(1600, WithClass(SvgImage(small), "cell").Count());
    }

    [Fact]
    public void Box_summary_matches_numpy_hazen_quartiles_and_outliers_are_points()
    {
        double[] values = [2.1, 3.5, 3.9, 4.0, 4.2, 4.4, 4.8, 5.0, 5.5, 6.1, 12.0, -3.0, double.NaN];
        var box = new BoxTrace("arm A", values, "A");
        var expected = JsonSerializer.Deserialize<double[]>(TwinLab.TestSupport.DebianPython.Run(
            "import json,sys,numpy as np; v=np.array(json.load(sys.stdin)); print(json.dumps(list(np.percentile(v,[25,50,75],method='hazen'))))",
            JsonSerializer.Serialize(values.Where(double.IsFinite))))!;
        // numpy's "hazen" percentile is the same interpolation (plotly.js's Lib.interp): agreement to rounding.
        Assert.Equal(expected[0], box.Summary.Q1, 12);
        Assert.Equal(expected[1], box.Summary.Median, 12);
        Assert.Equal(expected[2], box.Summary.Q3, 12);
        Assert.Equal(1, box.Excluded);
        Assert.Equal([12.0, -3.0], box.Summary.Outliers);
        Assert.Equal(2.1, box.Summary.LowerWhisker);
        Assert.Equal(6.1, box.Summary.UpperWhisker);

        var chart = new Chart().Add(box).Add(new BoxTrace("arm B", [1, 2, 3, 4, 5], "B"));
        var figure = PlotlyFigure(chart);
        Assert.Equal("box", figure.GetProperty("data")[0].GetProperty("type").GetString());
        Assert.Equal("arm A", figure.GetProperty("data")[0].GetProperty("x0").GetString());
        Assert.Equal("category", figure.GetProperty("layout").GetProperty("xaxis").GetProperty("type").GetString());
        var svg = SvgImage(chart);
        var first = Groups(svg, "trace box").First();
        Assert.Single(WithClass(first, "box"));
        Assert.Single(WithClass(first, "median"));
        Assert.Equal(2, WithClass(first, "marker").Count());
        Assert.Equal(["arm A", "arm B"], TickLabels(svg, "x-axis"));
        Assert.Throws<ArgumentException>(() => new BoxTrace("empty", [double.NaN]));
    }

    [Fact]
    public void Violin_density_matches_scipy_gaussian_kde_with_silverman_bandwidth()
    {
        var random = new Random(7);
        var values = Enumerable.Range(0, 150).Select(_ => random.NextDouble() < 0.3 ? 4 + random.NextDouble() : 10 * random.NextDouble()).ToArray();
        var violin = new ViolinTrace("g", values);
        const string script = """
            import json, sys
            import numpy as np
            from scipy.stats import gaussian_kde
            data = json.load(sys.stdin)
            kde = gaussian_kde(np.array(data["values"]), bw_method="silverman")
            # In one dimension the kernel's standard deviation is factor times the sample standard deviation (ddof 1).
            bandwidth = kde.factor * np.std(np.array(data["values"]), ddof=1)
            print(json.dumps({"bandwidth": float(bandwidth), "density": list(map(float, kde(np.array(data["at"]))))}))
            """;
        using var result = JsonDocument.Parse(TwinLab.TestSupport.DebianPython.Run(script, JsonSerializer.Serialize(new { values, at = violin.DensityAt })));
        // Both evaluate the same closed-form sum in double precision; 1e-12 relative leaves room for summation order.
        var bandwidth = result.RootElement.GetProperty("bandwidth").GetDouble();
        Assert.Equal(bandwidth, violin.Bandwidth, bandwidth * 1e-12);
        var density = result.RootElement.GetProperty("density").EnumerateArray().Select(d => d.GetDouble()).ToArray();
        for (var k = 0; k < density.Length; k++)
        {
            Assert.Equal(density[k], violin.Density[k], (density[k] * 1e-10) + 1e-15);
        }
        // The grid runs from two bandwidths below the smallest value to two above the largest (plotly's "soft" span).
        Assert.Equal(values.Min() - (2 * violin.Bandwidth), violin.DensityAt[0], 12);
        Assert.Equal(values.Max() + (2 * violin.Bandwidth), violin.DensityAt[^1], 12);

        var chart = new Chart().Add(violin);
        var trace = PlotlyFigure(chart).GetProperty("data")[0];
        Assert.Equal("violin", trace.GetProperty("type").GetString());
        Assert.Equal(double.Parse(violin.Bandwidth.ToString("G7", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), trace.GetProperty("bandwidth").GetDouble());
        var polygon = Assert.Single(WithClass(SvgImage(chart), "violin"));
        Assert.Equal(2 * violin.DensityAt.Count, Points(polygon).Length);
        Assert.Throws<ArgumentException>(() => new ViolinTrace("constant", [1, 1, 1]));
    }

    [Fact]
    public void Contours_have_one_path_per_level_and_plotly_levels()
    {
        var xs = Enumerable.Range(0, 21).Select(i => -2 + (i * 0.2)).ToArray();
        var z = Grid(21, 21, (i, j) => (xs[j] * xs[j]) + (xs[i] * xs[i]));
        var contour = new ContourTrace(xs, xs, z, "r²", levels: [1, 2, 3]);
        var chart = new Chart().Add(contour);
        var trace = PlotlyFigure(chart).GetProperty("data")[0];
        Assert.False(trace.GetProperty("autocontour").GetBoolean());
        var levels = trace.GetProperty("contours");
        Assert.Equal((1.0, 3.0, 1.0), (levels.GetProperty("start").GetDouble(), levels.GetProperty("end").GetDouble(), levels.GetProperty("size").GetDouble()));
        var paths = WithClass(SvgImage(chart), "contour").ToArray();
        Assert.Equal(["1", "2", "3"], paths.Select(p => (string)p.Attribute("data-level")!));
        Assert.Throws<ArgumentException>(() => new ContourTrace(xs, xs, z, levels: [1, 2, 4]));
        // Without levels: nice numbers strictly inside the range 0 … 8.
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], new ContourTrace(xs, xs, z).Levels);
    }

    [Fact]
    public void Marching_squares_is_exact_on_a_linear_field()
    {
        // z = x + 2y is linear along every cell edge, so interpolated crossings lie exactly on x + 2y = level.
        var xs = Enumerable.Range(0, 11).Select(i => i * 0.3).ToArray();
        var ys = Enumerable.Range(0, 9).Select(i => i * 0.25).ToArray();
        var grid = new HeatmapTrace(xs, ys, Grid(9, 11, (i, j) => xs[j] + (2 * ys[i])));
        foreach (var level in new[] { 0.7, 2.0, 3.3 })
        {
            var segments = MarchingSquares.Segments(grid, level);
            Assert.NotEmpty(segments);
            Assert.All(segments, s =>
            {
                Assert.Equal(level, s.X0 + (2 * s.Y0), 12);
                Assert.Equal(level, s.X1 + (2 * s.Y1), 12);
            });
        }
    }

    [Fact]
    public void Marching_squares_traces_circles_within_the_interpolation_error()
    {
        var xs = Enumerable.Range(0, 41).Select(i => -2 + (i * 0.1)).ToArray();
        var grid = new HeatmapTrace(xs, xs, Grid(41, 41, (i, j) => (xs[j] * xs[j]) + (xs[i] * xs[i])));
        // Levels 55, 105 and 210 hundredths are not sums of two squares, so no grid node (a² + b²)/100 lies on a
        // contour and every crossing is interior to an edge.
        foreach (var level in new[] { 0.55, 1.05, 2.1 })
        {
            var segments = MarchingSquares.Segments(grid, level);
            // Along an edge of length h, linear interpolation of r² (second derivative 2) errs by at most h²/4 in r²,
            // i.e. by h²/(8r) in radius: 0.0025/(8r) for h = 0.1.
            var tolerance = 0.01 / (8 * Math.Sqrt(level));
            Assert.All(segments.SelectMany(s => new[] { (s.X0, s.Y0), (s.X1, s.Y1) }),
                p => Assert.Equal(Math.Sqrt(level), Math.Sqrt((p.Item1 * p.Item1) + (p.Item2 * p.Item2)), tolerance));
            // A closed curve: every crossing point is shared by exactly two segments.
            var ends = segments.SelectMany(s => new[] { (Math.Round(s.X0, 9), Math.Round(s.Y0, 9)), (Math.Round(s.X1, 9), Math.Round(s.Y1, 9)) });
            Assert.All(ends.GroupBy(e => e), g => Assert.Equal(2, g.Count()));
        }
    }

    [Fact]
    public void Marching_squares_resolves_saddles_by_the_cell_mean()
    {
        // Corners: (0,0) = 1, (1,0) = 0, (1,1) = 1, (0,1) = 0.2; the mean 0.55 is above 0.5, so the high corners join
        // through the centre and the two low corners are cut off.
        var grid = new HeatmapTrace([0, 1], [0, 1], new double[,] { { 1, 0 }, { 0.2, 1 } });
        var segments = MarchingSquares.Segments(grid, 0.5);
        Assert.Equal(2, segments.Count);
        // Bottom edge crossing at x = 0.5 joins the right edge at y = 0.5 (around the low corner (1, 0)).
        Assert.Equal((0.5, 0.0, 1.0, 0.5), segments[0]);
        // Top edge (0.2 → 1: crossing at x = 0.375) joins the left edge (1 → 0.2: y = 0.625), around (0, 1).
        Assert.Equal(0.375, segments[1].X0, 12);
        Assert.Equal(0.625, segments[1].Y1, 12);
        var low = MarchingSquares.Segments(new HeatmapTrace([0, 1], [0, 1], new double[,] { { 1, 0 }, { 0, 0.9 } }), 0.5);
        // The mean 0.475 is below: the low corners join, the high corners (0, 0) and (1, 1) are cut off.
        Assert.Equal((0.0, 0.5, 0.5, 0.0), low[0]);
    }

    [Fact]
    public void Horizontal_bars_list_categories_from_the_top_and_start_at_their_base()
    {
        var chart = new Chart().Add(new BarTrace(["a", "b", "c"], [1, -2, 3], "delta") { Horizontal = true, Base = [10, 10, 10] });
        var figure = PlotlyFigure(chart);
        var trace = figure.GetProperty("data")[0];
        Assert.Equal("h", trace.GetProperty("orientation").GetString());
        Assert.Equal(3, trace.GetProperty("base").GetArrayLength());
        Assert.Equal("a", trace.GetProperty("y")[0].GetString());
        var yaxis = figure.GetProperty("layout").GetProperty("yaxis");
        Assert.Equal("category", yaxis.GetProperty("type").GetString());
        Assert.Equal("reversed", yaxis.GetProperty("autorange").GetString());

        var svg = SvgImage(chart);
        var rects = Group(svg, "trace bar").Elements(Svg + "rect").ToArray();
        Assert.Equal(3, rects.Length);
        var y = rects.Select(r => double.Parse((string)r.Attribute("y")!, CultureInfo.InvariantCulture)).ToArray();
        Assert.True(y[0] < y[1] && y[1] < y[2], "the first category is at the top");
        // The axis spans the bars' ends (8 … 13) and their base.
        var x = rects.Select(r => double.Parse((string)r.Attribute("x")!, CultureInfo.InvariantCulture)).ToArray();
        Assert.True(x[1] < x[0], "the negative bar starts left of the base");
        Assert.Equal(["a", "b", "c"], TickLabels(svg, "y-axis"));
        Assert.Throws<ArgumentException>(() => new BarTrace(["a"], [1]) { Base = [1, 2] });
    }

    [Fact]
    public void Step_lines_are_staircases()
    {
        var chart = new Chart().Add(new LineTrace([0, 1, 3], [1, 0.5, 0.25], "S") { Shape = LineShape.Step, Dash = LineDash.Dash });
        var trace = PlotlyFigure(chart).GetProperty("data")[0];
        Assert.Equal("hv", trace.GetProperty("line").GetProperty("shape").GetString());
        Assert.Equal("dash", trace.GetProperty("line").GetProperty("dash").GetString());
        var polyline = Group(SvgImage(chart), "trace line").Elements(Svg + "polyline").Single();
        var points = Points(polyline);
        // (0,1) (1,1) (1,0.5) (3,0.5) (3,0.25): five vertices, two vertical drops.
        Assert.Equal(5, points.Length);
        Assert.Equal(points[1].X, points[2].X);
        Assert.Equal(points[0].Y, points[1].Y);
        Assert.NotNull(polyline.Attribute("stroke-dasharray"));
        Assert.Equal([0.0, 1, 1, 3, 3], Staircase.X([0, 1, 3]));
        Assert.Equal([1.0, 1, 0.5, 0.5, 0.25], Staircase.Y([1, 0.5, 0.25]));
    }

    [Fact]
    public void Annotations_and_reference_lines_map_to_layout_and_svg()
    {
        var chart = new Chart()
            .Add(new LineTrace([0, 10], [0, 5]))
            .Add(new Annotation(5, 2.5, "half way") { Arrow = true })
            .Add(new Annotation(2, 4, "note"))
            .Add(ReferenceLine.Horizontal(1))
            .Add(ReferenceLine.Vertical(7) with { Dash = LineDash.Solid, Color = "#d1495b" })
            .Add(ReferenceLine.Segment(-100, -100, 100, 100));
        // Fixed ranges, so that the long diagonal (which would otherwise widen the axes, as in plotly) is clipped.
        chart.Panels[0].X.SetRange(0, 10);
        chart.Panels[0].Y.SetRange(0, 5);
        var layout = PlotlyFigure(chart).GetProperty("layout");
        var annotations = layout.GetProperty("annotations");
        Assert.Equal(2, annotations.GetArrayLength());
        Assert.True(annotations[0].GetProperty("showarrow").GetBoolean());
        Assert.Equal("x", annotations[0].GetProperty("xref").GetString());
        var shapes = layout.GetProperty("shapes");
        Assert.Equal(3, shapes.GetArrayLength());
        Assert.Equal("x domain", shapes[0].GetProperty("xref").GetString());
        Assert.Equal("y", shapes[0].GetProperty("yref").GetString());
        Assert.Equal("y domain", shapes[1].GetProperty("yref").GetString());
        Assert.Equal("solid", shapes[1].GetProperty("line").GetProperty("dash").GetString());

        var svg = SvgImage(chart);
        var lines = WithClass(svg, "reference").ToArray();
        Assert.Equal(3, lines.Length);
        // The long diagonal is clipped to the frame.
        var frame = WithClass(svg, "frame").Single();
        var (left, top) = (Attr(frame, "x"), Attr(frame, "y"));
        var (right, bottom) = (left + Attr(frame, "width"), top + Attr(frame, "height"));
        foreach (var line in lines)
        {
            Assert.InRange(Attr(line, "x1"), left - 0.1, right + 0.1);
            Assert.InRange(Attr(line, "x2"), left - 0.1, right + 0.1);
            Assert.InRange(Attr(line, "y1"), top - 0.1, bottom + 0.1);
            Assert.InRange(Attr(line, "y2"), top - 0.1, bottom + 0.1);
        }
        var notes = Groups(svg, "annotation").ToArray();
        Assert.Equal(2, notes.Length);
        Assert.Single(notes[0].Elements(Svg + "polygon"));
        Assert.Equal(["half way", "note"], notes.Select(n => n.Elements(Svg + "text").Single().Value));
    }

    [Fact]
    public void Subplots_map_to_numbered_axes_with_domains_and_shared_x()
    {
        var chart = new Chart(2, 3) { SharedX = true, Title = "grid" };
        for (var r = 0; r < 2; r++)
        {
            for (var c = 0; c < 3; c++)
            {
                if (r == 0 && c == 2)
                {
                    continue;
                }
                chart[r, c].Add(new LineTrace([0, 1, 2], [r, c, r + c]));
                chart[r, c].Title = $"{r},{c}";
                chart[r, c].X.Title = "x";
            }
        }
        var figure = PlotlyFigure(chart);
        var data = figure.GetProperty("data");
        Assert.Equal(5, data.GetArrayLength());
        Assert.False(data[0].TryGetProperty("xaxis", out _));
        Assert.Equal("x4", data[2].GetProperty("xaxis").GetString());
        Assert.Equal("y6", data[4].GetProperty("yaxis").GetString());
        var layout = figure.GetProperty("layout");
        var domains = new List<(double, double, double, double)>();
        foreach (var k in new[] { 1, 2, 4, 5, 6 })
        {
            var suffix = k == 1 ? "" : k.ToString(CultureInfo.InvariantCulture);
            var x = layout.GetProperty("xaxis" + suffix);
            var y = layout.GetProperty("yaxis" + suffix);
            Assert.Equal("y" + suffix, x.GetProperty("anchor").GetString());
            var (x0, x1) = (x.GetProperty("domain")[0].GetDouble(), x.GetProperty("domain")[1].GetDouble());
            var (y0, y1) = (y.GetProperty("domain")[0].GetDouble(), y.GetProperty("domain")[1].GetDouble());
            Assert.True(0 <= x0 && x0 < x1 && x1 <= 1 && 0 <= y0 && y0 < y1 && y1 <= 1);
            domains.Add((x0, x1, y0, y1));
        }
        // Panels do not overlap.
        for (var a = 0; a < domains.Count; a++)
        {
            for (var b = a + 1; b < domains.Count; b++)
            {
                var overlapX = Math.Min(domains[a].Item2, domains[b].Item2) > Math.Max(domains[a].Item1, domains[b].Item1);
                var overlapY = Math.Min(domains[a].Item4, domains[b].Item4) > Math.Max(domains[a].Item3, domains[b].Item3);
                Assert.False(overlapX && overlapY, $"panels {a} and {b} overlap");
            }
        }
        Assert.Equal("x", layout.GetProperty("xaxis4").GetProperty("matches").GetString());
        Assert.False(layout.GetProperty("xaxis").GetProperty("showticklabels").GetBoolean());
        Assert.True(layout.GetProperty("xaxis4").GetProperty("showticklabels").GetBoolean());
        // The empty panel's axes are left out (plotly accepts only axes that a trace uses).
        Assert.False(layout.TryGetProperty("xaxis3", out _));
        Assert.Equal(5, layout.GetProperty("annotations").GetArrayLength());

        var svg = SvgImage(chart);
        var panels = Panels(svg).ToArray();
        Assert.Equal(5, panels.Length);
        // Shared x: tick labels only below the bottom row.
        Assert.Empty(TickLabels(panels[0], "x-axis"));
        Assert.NotEmpty(TickLabels(panels[3], "x-axis"));
        Assert.Equal(["0,0", "0,1", "1,0", "1,1", "1,2"], panels.Select(p => WithClass(p, "panel-title").Single().Value));
        Assert.Equal("Chart \"grid\": 2×3 panels, 5 traces (line ×5)", chart.ToString());
    }

    [Fact]
    public void Shared_y_gives_a_row_one_range_and_labels_only_on_the_left()
    {
        var chart = new Chart(1, 2) { SharedY = true };
        chart[0, 0].Add(new BoxTrace("a", [1, 2, 3, 4]));
        chart[0, 1].Add(new ViolinTrace("b", [10, 12, 15, 19]));
        var layout = PlotlyFigure(chart).GetProperty("layout");
        Assert.Equal("y", layout.GetProperty("yaxis2").GetProperty("matches").GetString());
        Assert.False(layout.GetProperty("yaxis2").GetProperty("showticklabels").GetBoolean());
        var panels = Panels(SvgImage(chart)).ToArray();
        Assert.NotEmpty(TickLabels(panels[0], "y-axis"));
        Assert.Empty(TickLabels(panels[1], "y-axis"));
        // The same ticks (tick marks at the same heights) in both panels, covering the violin's span.
        string[] Heights(XElement panel) => [.. WithClass(Group(panel, "y-axis"), "tick-mark").Select(m => (string)m.Attribute("y1")!)];
        Assert.Equal(Heights(panels[0]), Heights(panels[1]));
    }

    [Fact]
    public void Svg_and_plotly_share_one_template()
    {
        var chart = new Chart { Title = "t" }.Add(new LineTrace([0, 1], [0, 1], "a"));
        var layout = PlotlyFigure(chart).GetProperty("layout");
        var svg = SvgImage(chart);
        Assert.Equal(ChartTheme.FontFamily, layout.GetProperty("font").GetProperty("family").GetString());
        Assert.Equal(ChartTheme.FontFamily, (string?)svg.Attribute("font-family"));
        Assert.Equal(ChartPalette.Colors, layout.GetProperty("colorway").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(ChartPalette.Grid, layout.GetProperty("xaxis").GetProperty("gridcolor").GetString());
        Assert.Contains(Group(svg, "x-axis").Elements(Svg + "line"), l => (string?)l.Attribute("stroke") == ChartPalette.Grid);
        Assert.Equal(ChartPalette.Colors[0], (string?)Group(svg, "trace line").Elements(Svg + "polyline").Single().Attribute("stroke"));
    }

    [Fact]
    public void Panels_refuse_to_mix_category_axes()
    {
        var panel = new Chart().Add(new BoxTrace("a", [1, 2, 3])).Panels[0];
        Assert.Throws<ArgumentException>(() => panel.Add(new ScatterTrace([1], [1])));
        Assert.Throws<ArgumentException>(() => panel.Add(new BarTrace(["a"], [1]) { Horizontal = true }));
        panel.Add(new ViolinTrace("b", [1, 2, 3]));
        Assert.Equal(["a", "b"], panel.Categories);
    }

    [Fact]
    public void Colour_scales_interpolate_between_stops()
    {
        Assert.Equal("#440154", ColorScale.Viridis.ColorAt(0));
        Assert.Equal("#fde725", ColorScale.Viridis.ColorAt(1));
        Assert.Equal("#fde725", ColorScale.Viridis.ColorAt(7));
        var grey = ColorScale.Create("grey", [(0, "#000000"), (1, "#ffffff")]);
        Assert.Equal("#808080", grey.ColorAt(0.5));
        Assert.Throws<ArgumentException>(() => ColorScale.Create("bad", [(0, "#000000"), (0.5, "#ffffff")]));
        Assert.Throws<ArgumentException>(() => ColorScale.Create("bad", [(0, "black"), (1, "#ffffff")]));
    }

    [Fact]
    public void Fixed_ranges_and_explicit_ticks()
    {
        var chart = new Chart { LogX = true }.Add(new ScatterTrace([0.5, 2], [0, 1]));
        chart.Panels[0].X.SetRange(0.2, 5);
        chart.Panels[0].Y.SetTicks([0, 1], ["no", "yes"]);
        chart.Add(new Annotation(2, 1, "here"));
        var layout = PlotlyFigure(chart).GetProperty("layout");
        // plotly takes annotation positions on a logarithmic axis as logarithms.
        Assert.Equal(Math.Log10(2), layout.GetProperty("annotations")[0].GetProperty("x").GetDouble(), 6);
        // A logarithmic range is given in decades.
        Assert.Equal(Math.Log10(0.2), layout.GetProperty("xaxis").GetProperty("range")[0].GetDouble(), 6);
        Assert.Equal(["no", "yes"], layout.GetProperty("yaxis").GetProperty("ticktext").EnumerateArray().Select(t => t.GetString()));
        var svg = SvgImage(chart);
        Assert.Equal(["0.2", "0.5", "1", "2", "5"], TickLabels(svg, "x-axis"));
        Assert.Equal(["no", "yes"], TickLabels(svg, "y-axis"));
        Assert.Throws<ArgumentException>(() => chart.Panels[0].X.SetRange(1, 1));
    }

    [Fact]
    public void The_allow_list_rejects_attributes_and_values_outside_it()
    {
        const string good = """{"data":[{"type":"scatter","mode":"lines","x":[1],"y":[null]}],"layout":{"xaxis2":{"type":"log"}}}""";
        PlotlyFigure(good);
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => PlotlyFigure(good.Replace("\"mode\"", "\"modes\"", StringComparison.Ordinal)));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => PlotlyFigure(good.Replace("\"lines\"", "\"lines+text\"", StringComparison.Ordinal)));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => PlotlyFigure(good.Replace("xaxis2", "xaxis2x", StringComparison.Ordinal)));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => PlotlyFigure(good.Replace("scatter", "scattergl", StringComparison.Ordinal)));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => PlotlyFigure(good.Replace("null", "NaN", StringComparison.Ordinal)));
    }

    public static TheoryData<string> Degenerate => ["empty", "empty grid", "only an annotation", "all NaN", "log of non-positive", "one cell", "contour with gaps", "violin on log axis", "bars with NaN on log axis", "single point"];

    [Theory]
    [MemberData(nameof(Degenerate))]
    public void Degenerate_charts_still_render_valid_svg_and_json(string name)
    {
        var nan = double.NaN;
        var chart = name switch
        {
            "empty" => new Chart(),
            "empty grid" => new Chart(3, 3),
            "only an annotation" => new Chart().Add(new Annotation(1, 1, "alone")),
            "all NaN" => new Chart().Add(new LineTrace([nan, nan], [nan, nan], "nothing")),
            "log of non-positive" => new Chart { LogY = true }.Add(new LineTrace([0, 1], [0, -1])),
            "one cell" => new Chart().Add(new HeatmapTrace([1], [1], new double[,] { { 5 } })),
            "contour with gaps" => new Chart().Add(new ContourTrace([0, 1, 2], [0, 1], new double[,] { { 0, nan, 2 }, { 1, 2, 3 } })),
            "violin on log axis" => new Chart { LogY = true }.Add(new ViolinTrace("a", [0.1, 1, 10, 100])),
            "bars with NaN on log axis" => new Chart { LogY = true }.Add(new BarTrace(["a", "b"], [nan, 10])),
            _ => new Chart().Add(new ScatterTrace([3], [3])),
        };
        PlotlyFigure(chart);
        var svg = SvgImage(chart);
        Assert.DoesNotContain("NaN", svg.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", svg.ToString(), StringComparison.Ordinal);
    }

    private static double Attr(XElement e, string name) => double.Parse((string)e.Attribute(name)!, CultureInfo.InvariantCulture);
}
