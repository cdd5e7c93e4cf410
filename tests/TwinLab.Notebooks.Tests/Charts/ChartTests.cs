using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using TwinLab.Core.Library;
using TwinLab.Core.Modelling;
using TwinLab.Interactive;
using TwinLab.Simulation;
using TwinLab.Simulation.Ensembles;

namespace TwinLab.Notebooks.Tests.Charts;

public sealed class ChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static readonly HashSet<string> TraceFields =
        ["type", "mode", "x", "y", "name", "showlegend", "line", "marker", "fill", "fillcolor", "opacity", "hoverinfo",
         "autobinx", "xbins", "error_y"];

    private static readonly HashSet<string> NestedFields =
        ["color", "width", "start", "end", "size", "type", "array", "visible", "text", "title"];

    private static Chart Mixed() => new Chart { Title = "Mixed", XTitle = "day", YTitle = "value" }
        .Add(new BandTrace([0, 1, 2, 3], [0, 0.5, 1, 1.5], [1, 1.5, 2, double.PositiveInfinity], "band"))
        .Add(new LineTrace([0, 1, 2, 3, 4], [1, double.NaN, 2, 3, 4], "line", markers: true))
        .Add(new HistogramTrace([0.1, 0.2, 0.2, 1.5, 3.9, double.NaN], bins: 4, name: "hist"));

    private static EnsembleSolution SmallEnsemble(bool store)
    {
        var model = ModelLibrary.Get("kuznetsov");
        var days = Enumerable.Range(0, 11).Select(i => i * 5.0).ToArray();
        var options = store
            ? new EnsembleOptions()
            : new EnsembleOptions { StoreTrajectories = false, Reducers = [EnsembleReducer.Quantiles("T")] };
        return new OdeProblem(model, (0, 50), saveAt: days)
            .Ensemble(PatientTable.LogNormal(model, 24, 0.3, 3))
            .Solve(new Tsit5 { RelTol = 1e-6, AbsTol = 1e-6 }, options);
    }

    [Fact]
    public void Plotly_json_has_only_schema_fields_and_no_nan()
    {
        var json = Mixed().Add(new LineTrace([1, 2], [double.NegativeInfinity, 1])).ToPlotlyJson();
        Assert.DoesNotContain("NaN", json, StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", json, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(["data", "layout"], root.EnumerateObject().Select(p => p.Name));
        var data = root.GetProperty("data").EnumerateArray().ToArray();
        Assert.Equal(["scatter", "scatter", "histogram", "scatter"], data.Select(d => d.GetProperty("type").GetString()));
        foreach (var trace in data)
        {
            foreach (var field in trace.EnumerateObject())
            {
                Assert.Contains(field.Name, TraceFields);
                if (field.Value.ValueKind == JsonValueKind.Object)
                {
                    Assert.All(field.Value.EnumerateObject(), p => Assert.Contains(p.Name, NestedFields));
                }
            }
        }
        Assert.Equal("toself", data[0].GetProperty("fill").GetString());
        Assert.Equal(8, data[0].GetProperty("x").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, data[0].GetProperty("y")[3].ValueKind);
        Assert.Equal(JsonValueKind.Null, data[1].GetProperty("y")[1].ValueKind);
        Assert.Equal("lines+markers", data[1].GetProperty("mode").GetString());
        var layout = root.GetProperty("layout");
        Assert.Equal("Mixed", layout.GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("linear", layout.GetProperty("yaxis").GetProperty("type").GetString());
        Assert.Equal("day", layout.GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString());
    }

    [Fact]
    public void Bars_have_error_bars_and_a_category_axis()
    {
        var chart = new Chart { LogY = false }.Add(new BarTrace(["a", "b", "c"], [1, 2, double.NaN], "arm", errors: [0.1, 0.2, 0.3]));
        using var document = JsonDocument.Parse(chart.ToPlotlyJson());
        var bar = document.RootElement.GetProperty("data")[0];
        Assert.Equal("bar", bar.GetProperty("type").GetString());
        Assert.Equal("data", bar.GetProperty("error_y").GetProperty("type").GetString());
        Assert.Equal(3, bar.GetProperty("error_y").GetProperty("array").GetArrayLength());
        Assert.Equal("category", document.RootElement.GetProperty("layout").GetProperty("xaxis").GetProperty("type").GetString());

        var svg = XElement.Parse(chart.ToSvg());
        var rects = svg.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "trace bar").Elements(Svg + "rect");
        Assert.Equal(2, rects.Count());
        Assert.Equal(2, svg.Descendants(Svg + "path").Count(p => (string?)p.Attribute("class") == "error-bar"));
        Assert.Equal(["a", "b", "c"], TickLabels(svg, "x-axis"));
        Assert.Throws<ArgumentException>(() => chart.Add(new LineTrace([1], [1])));
    }

    [Fact]
    public void Svg_is_xml_with_the_expected_marks()
    {
        var svg = XElement.Parse(Mixed().ToSvg());
        Assert.Equal(Svg + "svg", svg.Name);
        var line = Group(svg, "trace line");
        // NaN at index 1 breaks the line: a one-point run and a three-point run.
        Assert.Equal([1, 3], line.Elements(Svg + "polyline").Select(p => ((string)p.Attribute("points")!).Split(' ').Length));
        Assert.Equal(4, line.Elements(Svg + "circle").Count());
        // The infinite upper value at index 3 leaves one polygon over the first three points (3 up + 3 back).
        var polygon = Assert.Single(Group(svg, "trace band").Elements(Svg + "polygon"));
        Assert.Equal(6, ((string)polygon.Attribute("points")!).Split(' ').Length);
        // Histogram: bins [0.1, 1.05), [1.05, 2), [2, 2.95), [2.95, 3.9] hold 3, 1, 0, 1 values.
        Assert.Equal(3, Group(svg, "trace histogram").Elements(Svg + "rect").Count());
        Assert.Equal(["0", "1", "2", "3", "4"], TickLabels(svg, "x-axis"));
        Assert.Equal(["0", "1", "2", "3", "4"], TickLabels(svg, "y-axis"));
        Assert.Equal(["band", "line", "hist"], Group(svg, "legend").Elements(Svg + "text").Select(t => t.Value));
        Assert.Contains(svg.Elements(Svg + "text"), t => t.Value == "Mixed");
    }

    [Fact]
    public void Svg_numbers_are_short_and_invariant()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            var comma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            comma.NumberFormat.NumberDecimalSeparator = ",";
            CultureInfo.CurrentCulture = comma;
            var chart = new Chart().Add(new LineTrace([0, 1.0 / 3, 2.0 / 3, 1], [0.123456789, 0.2, 0.3, 0.4]));
            var svg = chart.ToSvg();
            Assert.Equal(svg, chart.ToSvg());
            var points = (string)XElement.Parse(svg).Descendants(Svg + "polyline").Single().Attribute("points")!;
            Assert.All(points.Split(' ', ','), n => Assert.Matches(@"^-?\d+(\.\d)?$", n));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Log_axes_have_decade_ticks_and_drop_non_positive_values()
    {
        var chart = new Chart { LogY = true }.Add(new LineTrace([0, 1, 2, 3, 4], [1, 10, 0, 1000, 1e5]));
        var svg = XElement.Parse(chart.ToSvg());
        Assert.Equal(["1", "10", "100", "1000", "10000", "1e5"], TickLabels(svg, "y-axis"));
        Assert.Equal([2, 2], Group(svg, "trace line").Elements(Svg + "polyline").Select(p => ((string)p.Attribute("points")!).Split(' ').Length));
        using var document = JsonDocument.Parse(chart.ToPlotlyJson());
        Assert.Equal("log", document.RootElement.GetProperty("layout").GetProperty("yaxis").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData(0.0, 1.0, 5, 0.0, 1.0, 0.2)]
    [InlineData(0.0, 100.0, 5, 0.0, 100.0, 20.0)]
    [InlineData(-3.7, 12.2, 5, -5.0, 15.0, 5.0)]
    [InlineData(0.0013, 0.0091, 5, 0.0, 0.01, 0.002)]
    [InlineData(5.0, 5.0, 5, 4.4, 5.6, 0.2)]
    [InlineData(1.0, 9.0, 10, 1.0, 9.0, 1.0)]
    public void Nice_ticks(double min, double max, int count, double low, double high, double step)
    {
        var ticks = AxisTicks.Linear(min, max, count);
        Assert.Equal(low, ticks.Min, 9);
        Assert.Equal(high, ticks.Max, 9);
        Assert.Equal(step, ticks.Step, 9);
        Assert.Equal(ticks.Min, ticks.Ticks[0], 9);
        Assert.Equal(ticks.Max, ticks.Ticks[^1], 9);
    }

    [Theory]
    [InlineData(0.8, false, 1.0)]
    [InlineData(1.2, false, 2.0)]
    [InlineData(3.1, false, 5.0)]
    [InlineData(6.0, false, 10.0)]
    [InlineData(1.4, true, 1.0)]
    [InlineData(2.9, true, 2.0)]
    [InlineData(6.9, true, 5.0)]
    [InlineData(7.1, true, 10.0)]
    [InlineData(0.029, true, 0.02)]
    [InlineData(0.031, true, 0.05)]
    public void Nice_numbers(double value, bool round, double expected) =>
        Assert.Equal(expected, AxisTicks.NiceNumber(value, round), 12);

    [Fact]
    public void Log_ticks_add_two_and_five_over_short_ranges()
    {
        var (min, max, ticks) = AxisTicks.Logarithmic(0.3, 40);
        Assert.Equal(0.1, min, 12);
        Assert.Equal(100, max, 12);
        Assert.Equal([0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100], ticks.Select(t => Math.Round(t, 6)));
        Assert.Equal("0.2", AxisTicks.Label(0.2, 0.2));
        Assert.Equal("2.5", AxisTicks.Label(2.5, 0.5));
        Assert.Equal("1e-5", AxisTicks.Label(1e-5, 1e-5));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Fan_chart_has_three_bands_and_a_median(bool store)
    {
        var ensemble = SmallEnsemble(store);
        var chart = TwinLab.Interactive.Charts.FanChart(ensemble, "T");
        Assert.Equal(["band", "band", "band", "line"], chart.Traces.Select(t => t.Kind));
        Assert.Equal(["95 %", "80 %", "50 %", "median"], chart.Traces.Select(t => t.Name));
        var median = ensemble.Quantiles("T", 0.5)[0];
        Assert.Equal(median, ((LineTrace)chart.Traces[3]).Y);
        var outer = (BandTrace)chart.Traces[0];
        var inner = (BandTrace)chart.Traces[2];
        for (var j = 0; j < median.Length; j++)
        {
            Assert.True(outer.Lower[j] <= inner.Lower[j] && inner.Lower[j] <= median[j] && median[j] <= inner.Upper[j] && inner.Upper[j] <= outer.Upper[j]);
        }
        var svg = XElement.Parse(chart.ToSvg());
        Assert.Equal(3, svg.Descendants(Svg + "polygon").Count());
        Assert.Equal(11, ((string)svg.Descendants(Svg + "polyline").Single().Attribute("points")!).Split(' ').Length);
        Assert.True(TwinLab.Interactive.Charts.FanChart(ensemble, "T", logY: true).LogY);
        Assert.Equal("arm A", TwinLab.Interactive.Charts.FanChart(ensemble, "T", title: "arm A").Title);
    }

    [Fact]
    public void Trajectories_draw_one_line_per_state()
    {
        var model = ModelLibrary.Get("kuznetsov");
        var solution = new OdeProblem(model, (0, 20), saveAt: [0, 5, 10, 15, 20]).Solve(new Tsit5());
        var chart = TwinLab.Interactive.Charts.Trajectories(solution, "E", "T");
        Assert.Equal(["E", "T"], chart.Traces.Select(t => t.Name));
        Assert.Equal(model.States.Count, TwinLab.Interactive.Charts.Trajectories(solution).Traces.Count);
        Assert.Equal(2, XElement.Parse(chart.ToSvg()).Descendants(Svg + "polyline").Count());
    }

    [Fact]
    public void Formatter_gives_svg_plotly_html_and_a_one_line_text()
    {
        var bundle = new FormatterRegistry().Format(Mixed());
        Assert.Equal([MimeTypes.Plotly, MimeTypes.Svg, MimeTypes.Html, MimeTypes.PlainText], bundle.Keys);
        Assert.True(MimeTypes.IsJson(MimeTypes.Plotly));
        Assert.StartsWith("<svg", bundle[MimeTypes.Svg], StringComparison.Ordinal);
        Assert.Contains(bundle[MimeTypes.Svg], bundle[MimeTypes.Html], StringComparison.Ordinal);
        using var _ = JsonDocument.Parse(bundle[MimeTypes.Plotly]);
        Assert.Equal("Chart \"Mixed\": 3 traces (band, line, histogram); x: day, y: value", bundle.PlainText);
        Assert.DoesNotContain('\n', bundle.PlainText);
    }

    private static XElement Group(XElement svg, string cssClass) =>
        svg.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == cssClass);

    private static IEnumerable<string> TickLabels(XElement svg, string axis) =>
        Group(svg, axis).Elements(Svg + "text").Where(t => (string?)t.Attribute("class") == "tick").Select(t => t.Value);
}
