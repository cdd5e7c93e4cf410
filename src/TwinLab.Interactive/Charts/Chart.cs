using System.Text;

namespace TwinLab.Interactive;

/// <summary>
/// A chart: a title and one panel, or a grid of panels (<see cref="Chart(int, int)"/>), each with its axes and layers
/// (<see cref="LineTrace"/>, <see cref="BandTrace"/>, <see cref="ScatterTrace"/>, <see cref="HistogramTrace"/>,
/// <see cref="BarTrace"/>, <see cref="BoxTrace"/>, <see cref="ViolinTrace"/>, <see cref="HeatmapTrace"/>,
/// <see cref="ContourTrace"/>), annotations and reference lines. It renders as a static SVG image (<see cref="ToSvg"/>)
/// and as a plotly.js figure (<see cref="ToPlotlyJson"/>) in the same template (<see cref="ChartTheme"/>); notebooks
/// show it as both.
/// </summary>
/// <example>
/// <code>
/// var chart = new Chart { Title = "Tumour", XTitle = "day", YTitle = "cells", LogY = true }
///     .Add(new LineTrace(solution.Times, solution.State("T"), "T"));
/// var grid = new Chart(2, 2) { SharedX = true };
/// grid[1, 0].Add(new ScatterTrace(a, b));
/// </code>
/// </example>
public sealed class Chart
{
    private readonly Panel[] _panels;

    /// <summary>Creates a chart with one panel.</summary>
    public Chart() : this(1, 1)
    {
    }

    /// <summary>Creates a chart with a grid of panels.</summary>
    /// <param name="rows">The number of rows (1 to 12).</param>
    /// <param name="columns">The number of columns (1 to 12).</param>
    public Chart(int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, 12);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(columns, 12);
        (Rows, Columns) = (rows, columns);
        _panels = new Panel[rows * columns];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                _panels[(r * columns) + c] = new Panel(r, c);
            }
        }
    }

    /// <summary>The number of rows of panels.</summary>
    public int Rows { get; }

    /// <summary>The number of columns of panels.</summary>
    public int Columns { get; }

    /// <summary>The panels, row by row from the top left.</summary>
    public IReadOnlyList<Panel> Panels => _panels;

    /// <summary>The panel in row <paramref name="row"/> (0 at the top) and column <paramref name="column"/>.</summary>
    /// <param name="row">The row.</param>
    /// <param name="column">The column.</param>
    public Panel this[int row, int column]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(row);
            ArgumentOutOfRangeException.ThrowIfNegative(column);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, Columns);
            return _panels[(row * Columns) + column];
        }
    }

    /// <summary>The title shown above the chart.</summary>
    public string? Title { get; set; }

    /// <summary>The x axis title of the first (top-left) panel.</summary>
    public string? XTitle { get => _panels[0].X.Title; set => _panels[0].X.Title = value; }

    /// <summary>The y axis title of the first panel.</summary>
    public string? YTitle { get => _panels[0].Y.Title; set => _panels[0].Y.Title = value; }

    /// <summary>Whether the first panel's x axis is logarithmic (non-positive values are left out).</summary>
    public bool LogX { get => _panels[0].X.Log; set => _panels[0].X.Log = value; }

    /// <summary>Whether the first panel's y axis is logarithmic (non-positive values are left out).</summary>
    public bool LogY { get => _panels[0].Y.Log; set => _panels[0].Y.Log = value; }

    /// <summary>Whether the panels of a column share one x range (tick labels only below the bottom row).</summary>
    public bool SharedX { get; set; }

    /// <summary>Whether the panels of a row share one y range (tick labels only left of the first column).</summary>
    public bool SharedY { get; set; }

    /// <summary>The width of the SVG image in pixels.</summary>
    public int Width { get; set; } = 640;

    /// <summary>The height of the SVG image in pixels.</summary>
    public int Height { get; set; } = 400;

    /// <summary>Every panel's layers, panel by panel.</summary>
    public IReadOnlyList<Trace> Traces => [.. _panels.SelectMany(p => p.Traces)];

    /// <summary>Adds a layer on top of the others in the first panel.</summary>
    /// <param name="trace">The layer.</param>
    /// <returns>This chart.</returns>
    /// <exception cref="ArgumentException">The trace's kind cannot share the panel (see <see cref="Panel.Add(Trace)"/>).</exception>
    public Chart Add(Trace trace)
    {
        _panels[0].Add(trace);
        return this;
    }

    /// <summary>Adds an annotation to the first panel.</summary>
    /// <param name="annotation">The annotation.</param>
    /// <returns>This chart.</returns>
    public Chart Add(Annotation annotation)
    {
        _panels[0].Add(annotation);
        return this;
    }

    /// <summary>Adds a reference line to the first panel.</summary>
    /// <param name="line">The line.</param>
    /// <returns>This chart.</returns>
    public Chart Add(ReferenceLine line)
    {
        _panels[0].Add(line);
        return this;
    }

    /// <summary>The colour of each trace of each panel: its own, or the palette's next (counted over the whole chart).</summary>
    internal string[][] Colors()
    {
        var next = 0;
        var colors = new string[_panels.Length][];
        for (var p = 0; p < _panels.Length; p++)
        {
            var traces = _panels[p].Traces;
            colors[p] = new string[traces.Count];
            for (var i = 0; i < traces.Count; i++)
            {
                colors[p][i] = traces[i].Color ?? ChartPalette.Colors[next++ % ChartPalette.Colors.Count];
            }
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

    /// <summary>A one-line description, e.g. <c>Chart "Tumour": 2 traces (line, band); x: day, y: cells (log)</c>, or for
    /// a grid <c>Chart "Posterior": 3×3 panels, 6 traces (histogram ×3, scatter ×3)</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder("Chart");
        if (!string.IsNullOrEmpty(Title))
        {
            sb.Append(" \"").Append(Title).Append('"');
        }
        sb.Append(": ");
        if (_panels.Length > 1)
        {
            sb.Append(Rows).Append('×').Append(Columns).Append(" panels, ");
        }
        var traces = Traces;
        sb.Append(traces.Count).Append(traces.Count == 1 ? " trace" : " traces");
        if (traces.Count > 0)
        {
            sb.Append(" (").Append(string.Join(", ", traces.GroupBy(t => t.Kind).Select(g => g.Count() == 1 ? g.Key : $"{g.Key} ×{g.Count()}"))).Append(')');
        }
        if (_panels.Length == 1)
        {
            sb.Append("; x: ").Append(string.IsNullOrEmpty(XTitle) ? "-" : XTitle).Append(LogX ? " (log)" : "");
            sb.Append(", y: ").Append(string.IsNullOrEmpty(YTitle) ? "-" : YTitle).Append(LogY ? " (log)" : "");
        }
        return sb.ToString();
    }
}
