namespace TwinLab.Interactive;

/// <summary>The settings of one axis of a <see cref="Panel"/>. By default the range covers the data (widened to nice
/// numbers, or exactly for heatmaps) and ticks fall at nice numbers.</summary>
public sealed class AxisSettings
{
    private IReadOnlyList<double>? _tickValues;
    private IReadOnlyList<string>? _tickLabels;

    /// <summary>The axis title.</summary>
    public string? Title { get; set; }

    /// <summary>Whether the axis is logarithmic (non-positive values are left out).</summary>
    public bool Log { get; set; }

    /// <summary>A fixed lower end of the axis (data units), or null to follow the data.</summary>
    public double? Min { get; set; }

    /// <summary>A fixed upper end of the axis (data units), or null to follow the data.</summary>
    public double? Max { get; set; }

    /// <summary>Whether the axis runs backwards (for a y axis: the first value at the top).</summary>
    public bool Reversed { get; set; }

    /// <summary>Whether tick labels are written (grid lines are drawn either way).</summary>
    public bool ShowTickLabels { get; set; } = true;

    /// <summary>Explicit tick positions (with <see cref="TickLabels"/>), or null for nice numbers.</summary>
    public IReadOnlyList<double>? TickValues => _tickValues;

    /// <summary>The labels of <see cref="TickValues"/>, or null.</summary>
    public IReadOnlyList<string>? TickLabels => _tickLabels;

    /// <summary>Places ticks at given values with given labels (e.g. row names of a forest plot).</summary>
    /// <param name="values">The tick positions.</param>
    /// <param name="labels">One label per position.</param>
    /// <exception cref="ArgumentException">The lists differ in length.</exception>
    public void SetTicks(IEnumerable<double> values, IEnumerable<string> labels)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(labels);
        double[] v = [.. values];
        string[] l = [.. labels];
        if (v.Length != l.Length)
        {
            throw new ArgumentException($"There are {v.Length} tick values but {l.Length} labels.", nameof(labels));
        }
        (_tickValues, _tickLabels) = (v, l);
    }

    /// <summary>Sets a fixed range.</summary>
    /// <param name="min">The lower end.</param>
    /// <param name="max">The upper end (above <paramref name="min"/>).</param>
    /// <exception cref="ArgumentException">The range is empty or not finite.</exception>
    public void SetRange(double min, double max)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max) || !(max > min))
        {
            throw new ArgumentException($"An axis range needs finite ends with min < max; got [{min}, {max}].", nameof(max));
        }
        (Min, Max) = (min, max);
    }
}

/// <summary>Text at a point in data coordinates of a panel, optionally with an arrow pointing at the point from the
/// text.</summary>
/// <param name="X">The point's x.</param>
/// <param name="Y">The point's y.</param>
/// <param name="Text">The text.</param>
public sealed record Annotation(double X, double Y, string Text)
{
    /// <summary>Whether an arrow points from the text to the point.</summary>
    public bool Arrow { get; init; }

    /// <summary>With an arrow: where the text sits relative to the point, in pixels (right and down positive).</summary>
    public double OffsetX { get; init; } = -30;

    /// <summary>With an arrow: where the text sits relative to the point, in pixels (right and down positive).</summary>
    public double OffsetY { get; init; } = -30;
}

/// <summary>A reference line in a panel: horizontal or vertical across the whole plotting area (e.g. a null effect, a
/// limit of quantification), or a segment between two points in data coordinates (e.g. the diagonal y = x).</summary>
public sealed record ReferenceLine
{
    private ReferenceLine(double? x0, double? y0, double? x1, double? y1) => (X0, Y0, X1, Y1) = (x0, y0, x1, y1);

    /// <summary>The start's x, or null for the left edge of the plotting area.</summary>
    public double? X0 { get; }

    /// <summary>The start's y, or null for the bottom edge.</summary>
    public double? Y0 { get; }

    /// <summary>The end's x, or null for the right edge.</summary>
    public double? X1 { get; }

    /// <summary>The end's y, or null for the top edge.</summary>
    public double? Y1 { get; }

    /// <summary>The colour.</summary>
    public string Color { get; init; } = ChartPalette.Reference;

    /// <summary>The dash pattern.</summary>
    public LineDash Dash { get; init; } = LineDash.Dash;

    /// <summary>The width in pixels.</summary>
    public double Width { get; init; } = 1.5;

    /// <summary>A horizontal line at <paramref name="y"/> across the panel.</summary>
    /// <param name="y">The height, in data units.</param>
    /// <returns>The line.</returns>
    public static ReferenceLine Horizontal(double y) => new(null, Finite(y, nameof(y)), null, y);

    /// <summary>A vertical line at <paramref name="x"/> across the panel.</summary>
    /// <param name="x">The position, in data units.</param>
    /// <returns>The line.</returns>
    public static ReferenceLine Vertical(double x) => new(Finite(x, nameof(x)), null, x, null);

    /// <summary>A segment from (x0, y0) to (x1, y1), in data units.</summary>
    /// <param name="x0">The start's x.</param>
    /// <param name="y0">The start's y.</param>
    /// <param name="x1">The end's x.</param>
    /// <param name="y1">The end's y.</param>
    /// <returns>The line.</returns>
    public static ReferenceLine Segment(double x0, double y0, double x1, double y1) =>
        new(Finite(x0, nameof(x0)), Finite(y0, nameof(y0)), Finite(x1, nameof(x1)), Finite(y1, nameof(y1)));

    private static double Finite(double value, string parameter) => double.IsFinite(value)
        ? value
        : throw new ArgumentOutOfRangeException(parameter, value, "A reference line needs finite coordinates.");
}

/// <summary>One plotting area of a <see cref="Chart"/>: its axes, traces, annotations and reference lines. A chart has
/// one panel, or a grid of them (<see cref="Chart(int, int)"/>).</summary>
public sealed class Panel
{
    private readonly List<Trace> _traces = [];
    private readonly List<Annotation> _annotations = [];
    private readonly List<ReferenceLine> _lines = [];

    internal Panel(int row, int column) => (Row, Column) = (row, column);

    /// <summary>The panel's row in the grid (0 at the top).</summary>
    public int Row { get; }

    /// <summary>The panel's column in the grid (0 at the left).</summary>
    public int Column { get; }

    /// <summary>The title shown above the panel.</summary>
    public string? Title { get; set; }

    /// <summary>The x axis.</summary>
    public AxisSettings X { get; } = new();

    /// <summary>The y axis.</summary>
    public AxisSettings Y { get; } = new();

    /// <summary>Whether one unit has the same length along x and y (e.g. a tissue slice).</summary>
    public bool EqualAspect { get; set; }

    /// <summary>The layers, drawn in order (the first at the back).</summary>
    public IReadOnlyList<Trace> Traces => _traces;

    /// <summary>The annotations.</summary>
    public IReadOnlyList<Annotation> Annotations => _annotations;

    /// <summary>The reference lines (drawn above the traces).</summary>
    public IReadOnlyList<ReferenceLine> ReferenceLines => _lines;

    /// <summary>Whether nothing is drawn in the panel (its axes are hidden).</summary>
    public bool IsEmpty => _traces.Count == 0 && _annotations.Count == 0 && _lines.Count == 0;

    /// <summary>Which axis holds categories.</summary>
    internal CategoryAxis CategoryAxis => _traces.Count == 0 ? CategoryAxis.None : _traces[0].CategoryAxis;

    /// <summary>The categories, in order of first appearance.</summary>
    internal string[] Categories => [.. _traces.SelectMany(t => t.CategoryNames).Distinct()];

    /// <summary>Adds a layer on top of the others.</summary>
    /// <param name="trace">The layer.</param>
    /// <returns>This panel.</returns>
    /// <exception cref="ArgumentException">The trace lays out categories on another axis than the panel's traces
    /// (bars, boxes and violins cannot be mixed with lines, points, bands, histograms, heatmaps or contours, nor
    /// vertical with horizontal bars).</exception>
    public Panel Add(Trace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        if (_traces.Count > 0 && trace.CategoryAxis != CategoryAxis)
        {
            throw new ArgumentException(
                $"A {trace.Kind} trace {Describe(trace.CategoryAxis)} cannot join a panel whose traces {Describe(CategoryAxis)}; put it in another panel.",
                nameof(trace));
        }
        _traces.Add(trace);
        return this;
    }

    /// <summary>Adds an annotation.</summary>
    /// <param name="annotation">The annotation.</param>
    /// <returns>This panel.</returns>
    public Panel Add(Annotation annotation)
    {
        ArgumentNullException.ThrowIfNull(annotation);
        _annotations.Add(annotation);
        return this;
    }

    /// <summary>Adds a reference line.</summary>
    /// <param name="line">The line.</param>
    /// <returns>This panel.</returns>
    public Panel Add(ReferenceLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        _lines.Add(line);
        return this;
    }

    /// <summary>The values the x axis must show: the traces', annotations' and reference lines'.</summary>
    internal IEnumerable<double> ExtentX => _traces.SelectMany(t => t.ExtentX)
        .Concat(_annotations.Select(a => a.X))
        .Concat(_lines.SelectMany(l => new[] { l.X0, l.X1 }).OfType<double>());

    /// <summary>The values the y axis must show.</summary>
    internal IEnumerable<double> ExtentY => _traces.SelectMany(t => t.ExtentY)
        .Concat(_annotations.Select(a => a.Y))
        .Concat(_lines.SelectMany(l => new[] { l.Y0, l.Y1 }).OfType<double>());

    private static string Describe(CategoryAxis axis) => axis switch
    {
        CategoryAxis.X => "with categories along x",
        CategoryAxis.Y => "with categories along y",
        _ => "with numeric axes",
    };
}
