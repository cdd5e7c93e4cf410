namespace TwinLab.Interactive;

/// <summary>Which axis of a panel, if any, a trace lays out by category (bars, boxes and violins do).</summary>
internal enum CategoryAxis
{
    /// <summary>Both axes are numeric.</summary>
    None,

    /// <summary>The x axis holds categories.</summary>
    X,

    /// <summary>The y axis holds categories.</summary>
    Y,
}

/// <summary>One layer of a <see cref="Panel"/>: a line, band, scatter, histogram, bars, box, violin, heatmap or contour.</summary>
public abstract class Trace
{
    private protected Trace(string? name) => Name = name;

    /// <summary>The name shown in the legend; traces without a name are left out of it.</summary>
    public string? Name { get; }

    /// <summary>The colour (CSS, e.g. <c>#1f5f8b</c>); null takes the next colour of <see cref="ChartPalette.Colors"/>.</summary>
    public string? Color { get; init; }

    /// <summary>Whether the trace appears in the legend (when it has a name).</summary>
    public bool ShowInLegend { get; init; } = true;

    /// <summary>A short word for the kind of trace, e.g. <c>line</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>The axis laid out by category.</summary>
    internal virtual CategoryAxis CategoryAxis => CategoryAxis.None;

    /// <summary>The categories, in order of first appearance (for traces with a category axis).</summary>
    internal virtual IEnumerable<string> CategoryNames => [];

    /// <summary>The numeric values that the x axis must show.</summary>
    internal virtual IEnumerable<double> ExtentX => [];

    /// <summary>The numeric values that the y axis must show.</summary>
    internal virtual IEnumerable<double> ExtentY => [];

    /// <summary>Whether the axes end exactly at the data (heatmaps and contours), rather than at nice numbers.</summary>
    internal virtual bool Tight => false;

    /// <summary>The colour scale shown in a colour bar, or null.</summary>
    internal virtual (ColorScale Scale, double Min, double Max, string? Title)? ColorBar => null;

    private protected static double[] Copy(IEnumerable<double> values, string parameter)
    {
        ArgumentNullException.ThrowIfNull(values, parameter);
        return [.. values];
    }

    private protected static void SameLength(int expected, int actual, string parameter)
    {
        if (expected != actual)
        {
            throw new ArgumentException($"'{parameter}' has {actual} values but x has {expected}.", parameter);
        }
    }

    private protected static double CheckOpacity(double opacity, string parameter) => opacity > 0 && opacity <= 1
        ? opacity
        : throw new ArgumentOutOfRangeException(parameter, opacity, "The opacity must lie in (0, 1].");

    private protected static ErrorBars? CheckErrors(ErrorBars? errors, int count, string parameter)
    {
        if (errors is not null && errors.Count != count)
        {
            throw new ArgumentException($"The error bars have {errors.Count} values but the trace has {count} points.", parameter);
        }
        return errors;
    }

    /// <summary>Values and their error bars, for axis extents.</summary>
    private protected static IEnumerable<double> WithErrors(IReadOnlyList<double> values, ErrorBars? errors, IReadOnlyList<double>? bases = null)
    {
        for (var j = 0; j < values.Count; j++)
        {
            var b = bases?[j] ?? 0;
            yield return b + values[j];
            if (errors is not null)
            {
                yield return b + values[j] + errors.Plus[j];
                yield return b + values[j] - errors.MinusAt(j);
            }
        }
    }
}

/// <summary>How a line joins consecutive points.</summary>
public enum LineShape
{
    /// <summary>Straight segments.</summary>
    Linear,

    /// <summary>A staircase: horizontal to the next x, then vertical (a value holds until the next point), as for a
    /// Kaplan–Meier curve.</summary>
    Step,
}

/// <summary>The dash pattern of a line.</summary>
public enum LineDash
{
    /// <summary>A solid line.</summary>
    Solid,

    /// <summary>Dashes.</summary>
    Dash,

    /// <summary>Dots.</summary>
    Dot,
}

/// <summary>The shape of a marker.</summary>
public enum MarkerSymbol
{
    /// <summary>A circle.</summary>
    Circle,

    /// <summary>A square.</summary>
    Square,

    /// <summary>A diamond.</summary>
    Diamond,

    /// <summary>A triangle pointing up.</summary>
    TriangleUp,

    /// <summary>A triangle pointing down (e.g. an observation censored below a limit).</summary>
    TriangleDown,

    /// <summary>A plus sign.</summary>
    Cross,

    /// <summary>A diagonal cross.</summary>
    X,

    /// <summary>A short vertical stroke (e.g. a censored subject on a survival curve).</summary>
    VerticalTick,
}

/// <summary>Error bars: the distance from each value up (<see cref="Plus"/>) and down (<see cref="Minus"/>; null when
/// the bars are symmetric). Distances are non-negative; a value that is not finite leaves that bar out.</summary>
public sealed class ErrorBars
{
    /// <summary>Creates error bars.</summary>
    /// <param name="plus">The distance from each value to the bar's upper end.</param>
    /// <param name="minus">The distance to the lower end, or null for symmetric bars.</param>
    /// <exception cref="ArgumentException">A distance is negative, or the two lists differ in length.</exception>
    public ErrorBars(IEnumerable<double> plus, IEnumerable<double>? minus = null)
    {
        ArgumentNullException.ThrowIfNull(plus);
        Plus = Checked([.. plus], nameof(plus));
        if (minus is not null)
        {
            Minus = Checked([.. minus], nameof(minus));
            if (Minus.Count != Plus.Count)
            {
                throw new ArgumentException($"'minus' has {Minus.Count} values but 'plus' has {Plus.Count}.", nameof(minus));
            }
        }
    }

    /// <summary>The distances up.</summary>
    public IReadOnlyList<double> Plus { get; }

    /// <summary>The distances down, or null when the bars are symmetric.</summary>
    public IReadOnlyList<double>? Minus { get; }

    /// <summary>The number of bars.</summary>
    public int Count => Plus.Count;

    /// <summary>Symmetric error bars of the given half-lengths.</summary>
    /// <param name="halfLengths">The half-lengths.</param>
    /// <returns>The error bars.</returns>
    public static ErrorBars Symmetric(IEnumerable<double> halfLengths) => new(halfLengths);

    /// <summary>Error bars spanning intervals [lower, upper] around estimates.</summary>
    /// <param name="estimates">The estimates.</param>
    /// <param name="lower">The lower ends of the intervals.</param>
    /// <param name="upper">The upper ends of the intervals.</param>
    /// <returns>The error bars.</returns>
    /// <exception cref="ArgumentException">The lists differ in length, or an interval does not contain its estimate.</exception>
    public static ErrorBars FromIntervals(IReadOnlyList<double> estimates, IReadOnlyList<double> lower, IReadOnlyList<double> upper)
    {
        ArgumentNullException.ThrowIfNull(estimates);
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(upper);
        if (lower.Count != estimates.Count || upper.Count != estimates.Count)
        {
            throw new ArgumentException($"There are {estimates.Count} estimates, {lower.Count} lower and {upper.Count} upper ends; give one interval per estimate.");
        }
        var plus = new double[estimates.Count];
        var minus = new double[estimates.Count];
        for (var j = 0; j < plus.Length; j++)
        {
            if (lower[j] > estimates[j] || upper[j] < estimates[j])
            {
                throw new ArgumentException($"Interval {j} [{lower[j]}, {upper[j]}] does not contain its estimate {estimates[j]}.");
            }
            plus[j] = upper[j] - estimates[j];
            minus[j] = estimates[j] - lower[j];
        }
        return new ErrorBars(plus, minus);
    }

    /// <summary>The distance down of bar <paramref name="j"/>.</summary>
    internal double MinusAt(int j) => Minus?[j] ?? Plus[j];

    private static double[] Checked(double[] values, string parameter)
    {
        foreach (var v in values)
        {
            if (v < 0)
            {
                throw new ArgumentException($"Error-bar lengths must not be negative; '{parameter}' holds {v}.", parameter);
            }
        }
        return values;
    }
}

/// <summary>A curve through points (x, y); a NaN or infinite value breaks the line.</summary>
public sealed class LineTrace : Trace
{
    /// <summary>Creates a line.</summary>
    /// <param name="x">The abscissae.</param>
    /// <param name="y">The ordinates (as many as <paramref name="x"/>).</param>
    /// <param name="name">The legend entry.</param>
    /// <param name="markers">Whether each point is also drawn as a marker.</param>
    public LineTrace(IEnumerable<double> x, IEnumerable<double> y, string? name = null, bool markers = false) : base(name)
    {
        X = Copy(x, nameof(x));
        Y = Copy(y, nameof(y));
        SameLength(X.Count, Y.Count, nameof(y));
        Markers = markers;
    }

    /// <summary>The abscissae.</summary>
    public IReadOnlyList<double> X { get; }

    /// <summary>The ordinates.</summary>
    public IReadOnlyList<double> Y { get; }

    /// <summary>Whether each point is also drawn as a marker.</summary>
    public bool Markers { get; }

    /// <summary>The line width in pixels.</summary>
    public double Width { get; init; } = 2;

    /// <summary>How consecutive points are joined.</summary>
    public LineShape Shape { get; init; } = LineShape.Linear;

    /// <summary>The dash pattern.</summary>
    public LineDash Dash { get; init; } = LineDash.Solid;

    /// <summary>The opacity, in (0, 1] (below 1 for many overlapping lines, e.g. spaghetti).</summary>
    public double Opacity { get => _opacity; init => _opacity = CheckOpacity(value, nameof(Opacity)); }

    private readonly double _opacity = 1;

    /// <inheritdoc />
    public override string Kind => "line";

    internal override IEnumerable<double> ExtentX => X;

    internal override IEnumerable<double> ExtentY => Y;
}

/// <summary>A filled area between two curves (e.g. a prediction interval); points where a value is not finite break
/// the area.</summary>
public sealed class BandTrace : Trace
{
    /// <summary>Creates a band.</summary>
    /// <param name="x">The abscissae.</param>
    /// <param name="lower">The lower curve.</param>
    /// <param name="upper">The upper curve.</param>
    /// <param name="name">The legend entry.</param>
    /// <param name="opacity">The fill opacity, in (0, 1].</param>
    public BandTrace(IEnumerable<double> x, IEnumerable<double> lower, IEnumerable<double> upper, string? name = null, double opacity = 0.3) : base(name)
    {
        X = Copy(x, nameof(x));
        Lower = Copy(lower, nameof(lower));
        Upper = Copy(upper, nameof(upper));
        SameLength(X.Count, Lower.Count, nameof(lower));
        SameLength(X.Count, Upper.Count, nameof(upper));
        Opacity = CheckOpacity(opacity, nameof(opacity));
    }

    /// <summary>The abscissae.</summary>
    public IReadOnlyList<double> X { get; }

    /// <summary>The lower curve.</summary>
    public IReadOnlyList<double> Lower { get; }

    /// <summary>The upper curve.</summary>
    public IReadOnlyList<double> Upper { get; }

    /// <summary>The fill opacity.</summary>
    public double Opacity { get; }

    /// <summary>Whether both curves are staircases (each value holds until the next x), as for a survival curve's
    /// confidence band.</summary>
    public bool Step { get; init; }

    /// <inheritdoc />
    public override string Kind => "band";

    internal override IEnumerable<double> ExtentX => X;

    internal override IEnumerable<double> ExtentY => Lower.Concat(Upper);

    /// <summary>The band's outline points: as given, or expanded into staircases when <see cref="Step"/> is set.</summary>
    internal (double[] X, double[] Lower, double[] Upper) Outline()
    {
        if (!Step)
        {
            return ([.. X], [.. Lower], [.. Upper]);
        }
        return (Staircase.X(X), Staircase.Y(Lower), Staircase.Y(Upper));
    }
}

/// <summary>Expands points into a staircase in which each value holds until the next abscissa.</summary>
internal static class Staircase
{
    /// <summary>x0, x1, x1, x2, x2, ...</summary>
    public static double[] X(IReadOnlyList<double> x)
    {
        if (x.Count == 0)
        {
            return [];
        }
        var result = new double[(2 * x.Count) - 1];
        for (var j = 0; j < x.Count; j++)
        {
            result[2 * j] = x[j];
            if (j > 0)
            {
                result[(2 * j) - 1] = x[j];
            }
        }
        return result;
    }

    /// <summary>y0, y0, y1, y1, y2, ...</summary>
    public static double[] Y(IReadOnlyList<double> y)
    {
        if (y.Count == 0)
        {
            return [];
        }
        var result = new double[(2 * y.Count) - 1];
        for (var j = 0; j < y.Count; j++)
        {
            result[2 * j] = y[j];
            if (j > 0)
            {
                result[(2 * j) - 1] = y[j - 1];
            }
        }
        return result;
    }
}

/// <summary>Points drawn as markers, with optional error bars in x and in y; a point with a value that is not finite
/// is left out.</summary>
public sealed class ScatterTrace : Trace
{
    private readonly ErrorBars? _xErrors, _yErrors;
    private readonly double _opacity = 1;

    /// <summary>Creates points.</summary>
    /// <param name="x">The abscissae.</param>
    /// <param name="y">The ordinates (as many as <paramref name="x"/>).</param>
    /// <param name="name">The legend entry.</param>
    public ScatterTrace(IEnumerable<double> x, IEnumerable<double> y, string? name = null) : base(name)
    {
        X = Copy(x, nameof(x));
        Y = Copy(y, nameof(y));
        SameLength(X.Count, Y.Count, nameof(y));
    }

    /// <summary>The abscissae.</summary>
    public IReadOnlyList<double> X { get; }

    /// <summary>The ordinates.</summary>
    public IReadOnlyList<double> Y { get; }

    /// <summary>Horizontal error bars (one per point), or null.</summary>
    public ErrorBars? XErrors { get => _xErrors; init => _xErrors = CheckErrors(value, X.Count, nameof(XErrors)); }

    /// <summary>Vertical error bars (one per point), or null.</summary>
    public ErrorBars? YErrors { get => _yErrors; init => _yErrors = CheckErrors(value, X.Count, nameof(YErrors)); }

    /// <summary>The marker's shape.</summary>
    public MarkerSymbol Symbol { get; init; } = MarkerSymbol.Circle;

    /// <summary>The marker's size (diameter) in pixels.</summary>
    public double Size { get; init; } = 7;

    /// <summary>Whether markers are drawn as outlines only.</summary>
    public bool Open { get; init; }

    /// <summary>The opacity, in (0, 1] (below 1 for many overlapping points).</summary>
    public double Opacity { get => _opacity; init => _opacity = CheckOpacity(value, nameof(Opacity)); }

    /// <inheritdoc />
    public override string Kind => "scatter";

    internal override IEnumerable<double> ExtentX => WithErrors(X, XErrors);

    internal override IEnumerable<double> ExtentY => WithErrors(Y, YErrors);
}

/// <summary>The distribution of values, counted in equal-width bins. Values that are not finite, or fall outside
/// explicitly given bins, are left out and counted in <see cref="Excluded"/>.</summary>
public sealed class HistogramTrace : Trace
{
    private readonly double _opacity = 0.75;

    /// <summary>Creates a histogram over bins between the smallest and largest finite value.</summary>
    /// <param name="values">The values.</param>
    /// <param name="bins">The number of bins (at least 1).</param>
    /// <param name="name">The legend entry.</param>
    public HistogramTrace(IEnumerable<double> values, int bins = 20, string? name = null) : base(name)
    {
        Values = Copy(values, nameof(values));
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        var finite = Values.Where(double.IsFinite).ToArray();
        var min = finite.Length == 0 ? 0 : finite.Min();
        var max = finite.Length == 0 ? 1 : finite.Max();
        if (max <= min)
        {
            (min, max) = (min - 0.5, min + 0.5);
        }
        (Bins, Start, BinWidth) = (bins, min, (max - min) / bins);
        (Counts, Excluded) = Count();
    }

    /// <summary>Creates a histogram over given bins [start + k·width, start + (k + 1)·width), k = 0 … bins − 1 (the
    /// last bin includes its right edge).</summary>
    /// <param name="values">The values.</param>
    /// <param name="start">The left edge of the first bin.</param>
    /// <param name="binWidth">The width of every bin (positive).</param>
    /// <param name="bins">The number of bins (at least 1).</param>
    /// <param name="name">The legend entry.</param>
    public HistogramTrace(IEnumerable<double> values, double start, double binWidth, int bins, string? name = null) : base(name)
    {
        Values = Copy(values, nameof(values));
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        if (!double.IsFinite(start) || !(binWidth > 0) || !double.IsFinite(binWidth))
        {
            throw new ArgumentOutOfRangeException(nameof(binWidth), binWidth, "The bins need a finite start and a positive, finite width.");
        }
        (Bins, Start, BinWidth) = (bins, start, binWidth);
        (Counts, Excluded) = Count();
    }

    /// <summary>The values.</summary>
    public IReadOnlyList<double> Values { get; }

    /// <summary>The number of bins.</summary>
    public int Bins { get; }

    /// <summary>The left edge of the first bin.</summary>
    public double Start { get; }

    /// <summary>The width of every bin.</summary>
    public double BinWidth { get; }

    /// <summary>How many values fall in each bin (the last bin includes its right edge).</summary>
    public IReadOnlyList<int> Counts { get; }

    /// <summary>How many values were left out (not finite, or outside the bins).</summary>
    public int Excluded { get; }

    /// <summary>The fill opacity, in (0, 1].</summary>
    public double Opacity { get => _opacity; init => _opacity = CheckOpacity(value, nameof(Opacity)); }

    /// <inheritdoc />
    public override string Kind => "histogram";

    /// <summary>The right edge of the last bin.</summary>
    public double End => Start + (Bins * BinWidth);

    internal override IEnumerable<double> ExtentX => [Start, End];

    internal override IEnumerable<double> ExtentY => Counts.Select(c => (double)c).Append(0);

    private (int[] Counts, int Excluded) Count()
    {
        var counts = new int[Bins];
        var excluded = 0;
        foreach (var v in Values)
        {
            if (!double.IsFinite(v) || v < Start || v > End)
            {
                excluded++;
                continue;
            }
            counts[Math.Min((int)Math.Floor((v - Start) / BinWidth), Bins - 1)]++;
        }
        return (counts, excluded);
    }
}

/// <summary>One bar per category, with optional error bars; vertical (categories along x) or horizontal (categories
/// down the y axis, the first at the top). A bar spans from its <see cref="Base"/> (0 by default) to base + value.</summary>
public sealed class BarTrace : Trace
{
    private readonly ErrorBars? _errors;
    private readonly IReadOnlyList<double>? _base;
    private readonly double _opacity = 0.85;

    /// <summary>Creates bars.</summary>
    /// <param name="categories">The category labels.</param>
    /// <param name="values">The bar lengths (as many as <paramref name="categories"/>).</param>
    /// <param name="name">The legend entry.</param>
    /// <param name="errors">Half-lengths of symmetric error bars (as many as the categories), or null for none;
    /// set <see cref="Errors"/> for asymmetric ones.</param>
    public BarTrace(IEnumerable<string> categories, IEnumerable<double> values, string? name = null, IEnumerable<double>? errors = null) : base(name)
    {
        ArgumentNullException.ThrowIfNull(categories);
        Categories = [.. categories];
        Values = Copy(values, nameof(values));
        if (Categories.Count != Values.Count)
        {
            throw new ArgumentException($"There are {Categories.Count} categories but {Values.Count} values.", nameof(values));
        }
        if (errors is not null)
        {
            _errors = CheckErrors(new ErrorBars(errors), Values.Count, nameof(errors));
        }
    }

    /// <summary>The category labels.</summary>
    public IReadOnlyList<string> Categories { get; }

    /// <summary>The bar lengths.</summary>
    public IReadOnlyList<double> Values { get; }

    /// <summary>The error bars (one per category), or null.</summary>
    public ErrorBars? Errors { get => _errors; init => _errors = CheckErrors(value, Values.Count, nameof(Errors)); }

    /// <summary>Where each bar starts (one per category), or null for 0.</summary>
    public IReadOnlyList<double>? Base
    {
        get => _base;
        init
        {
            if (value is not null && value.Count != Values.Count)
            {
                throw new ArgumentException($"There are {Values.Count} bars but {value.Count} bases.", nameof(Base));
            }
            _base = value is null ? null : [.. value];
        }
    }

    /// <summary>Whether the bars are horizontal (categories down the y axis).</summary>
    public bool Horizontal { get; init; }

    /// <summary>The fill opacity, in (0, 1].</summary>
    public double Opacity { get => _opacity; init => _opacity = CheckOpacity(value, nameof(Opacity)); }

    /// <inheritdoc />
    public override string Kind => "bar";

    internal override CategoryAxis CategoryAxis => Horizontal ? CategoryAxis.Y : CategoryAxis.X;

    internal override IEnumerable<string> CategoryNames => Categories;

    internal override IEnumerable<double> ExtentX => Horizontal ? ValueExtent() : [];

    internal override IEnumerable<double> ExtentY => Horizontal ? [] : ValueExtent();

    private IEnumerable<double> ValueExtent() =>
        Base is null ? WithErrors(Values, Errors).Append(0) : WithErrors(Values, Errors, Base).Concat(Base);
}

/// <summary>A box plot of one group's values at a category: the box spans the quartiles (computed as plotly.js does:
/// linear interpolation at position n p − ½, Hyndman and Fan's type 5), a line marks the median, whiskers reach the
/// furthest values within 1.5 inter-quartile ranges of the box, and values beyond are drawn as points. Values that are not finite are left out and
/// counted in <see cref="Excluded"/>.</summary>
public class BoxTrace : Trace
{
    /// <summary>Creates a box.</summary>
    /// <param name="category">The category the box stands at.</param>
    /// <param name="values">The values (at least one finite).</param>
    /// <param name="name">The legend entry.</param>
    /// <exception cref="ArgumentException">No value is finite.</exception>
    public BoxTrace(string category, IEnumerable<double> values, string? name = null) : base(name)
    {
        ArgumentNullException.ThrowIfNull(category);
        Category = category;
        Values = Copy(values, nameof(values));
        Excluded = Values.Count(v => !double.IsFinite(v));
        if (Excluded == Values.Count)
        {
            throw new ArgumentException($"The group '{category}' has no finite value.", nameof(values));
        }
        Summary = BoxSummary.Of(Values);
    }

    /// <summary>The category the box stands at.</summary>
    public string Category { get; }

    /// <summary>The values.</summary>
    public IReadOnlyList<double> Values { get; }

    /// <summary>How many values were left out because they are not finite.</summary>
    public int Excluded { get; }

    /// <summary>The quartiles, whiskers and outliers.</summary>
    public BoxSummary Summary { get; }

    /// <inheritdoc />
    public override string Kind => "box";

    internal override CategoryAxis CategoryAxis => CategoryAxis.X;

    internal override IEnumerable<string> CategoryNames => [Category];

    internal override IEnumerable<double> ExtentY => Values;
}

/// <summary>A violin: the values' Gaussian kernel density estimate, mirrored about the category, with a thin box of
/// the quartiles inside. The bandwidth is Silverman's rule, (4 / 3n)^(1/5) times the sample standard deviation,
/// unless given; the density is drawn from two bandwidths below the smallest value to two above the largest.</summary>
public sealed class ViolinTrace : BoxTrace
{
    /// <summary>Creates a violin.</summary>
    /// <param name="category">The category the violin stands at.</param>
    /// <param name="values">The values (at least two distinct finite ones when no bandwidth is given).</param>
    /// <param name="name">The legend entry.</param>
    /// <param name="bandwidth">The kernel's standard deviation; null applies Silverman's rule.</param>
    /// <exception cref="ArgumentException">The bandwidth is not positive, or cannot be estimated.</exception>
    public ViolinTrace(string category, IEnumerable<double> values, string? name = null, double? bandwidth = null) : base(category, values, name)
    {
        var finite = Values.Where(double.IsFinite).ToArray();
        Bandwidth = bandwidth ?? KernelDensity.SilvermanBandwidth(finite);
        if (!(Bandwidth > 0) || !double.IsFinite(Bandwidth))
        {
            throw new ArgumentException($"The violin '{category}' needs a positive bandwidth (got {Bandwidth}); give one, or at least two distinct values.", nameof(bandwidth));
        }
        var (min, max) = (finite.Min() - (2 * Bandwidth), finite.Max() + (2 * Bandwidth));
        const int points = 64;
        var grid = new double[points];
        for (var k = 0; k < points; k++)
        {
            grid[k] = min + ((max - min) * k / (points - 1));
        }
        DensityAt = grid;
        Density = KernelDensity.Evaluate(finite, Bandwidth, grid);
    }

    /// <summary>The kernel's standard deviation.</summary>
    public double Bandwidth { get; }

    /// <summary>Where the density is evaluated (64 equally spaced values).</summary>
    public IReadOnlyList<double> DensityAt { get; }

    /// <summary>The density at <see cref="DensityAt"/>.</summary>
    public IReadOnlyList<double> Density { get; }

    /// <inheritdoc />
    public override string Kind => "violin";

    internal override IEnumerable<double> ExtentY => DensityAt;
}

/// <summary>A grid of values z[row, column] at (x[column], y[row]), drawn as coloured cells, with a colour bar.
/// A value that is not finite leaves its cell blank.</summary>
public class HeatmapTrace : Trace
{
    private readonly double[,] _z;

    /// <summary>Creates a heatmap.</summary>
    /// <param name="x">The cell centres along x (increasing; one per column of <paramref name="z"/>).</param>
    /// <param name="y">The cell centres along y (increasing; one per row).</param>
    /// <param name="z">The values, z[row, column].</param>
    /// <param name="name">The name.</param>
    /// <exception cref="ArgumentException">The coordinates do not match the grid or do not increase.</exception>
    public HeatmapTrace(IEnumerable<double> x, IEnumerable<double> y, double[,] z, string? name = null) : base(name)
    {
        ArgumentNullException.ThrowIfNull(z);
        X = Copy(x, nameof(x));
        Y = Copy(y, nameof(y));
        if (X.Count != z.GetLength(1) || Y.Count != z.GetLength(0))
        {
            throw new ArgumentException($"z is {z.GetLength(0)} rows × {z.GetLength(1)} columns but there are {Y.Count} y and {X.Count} x coordinates; give one y per row and one x per column.", nameof(z));
        }
        Increasing(X, nameof(x));
        Increasing(Y, nameof(y));
        _z = (double[,])z.Clone();
        var finite = _z.Cast<double>().Where(double.IsFinite).ToArray();
        DataMin = finite.Length == 0 ? 0 : finite.Min();
        DataMax = finite.Length == 0 ? 1 : finite.Max();
    }

    /// <summary>The cell centres along x.</summary>
    public IReadOnlyList<double> X { get; }

    /// <summary>The cell centres along y.</summary>
    public IReadOnlyList<double> Y { get; }

    /// <summary>The number of rows (y values).</summary>
    public int Rows => _z.GetLength(0);

    /// <summary>The number of columns (x values).</summary>
    public int Columns => _z.GetLength(1);

    /// <summary>The colour scale.</summary>
    public ColorScale ColorScale { get; init; } = ColorScale.Viridis;

    /// <summary>The value at the bottom of the colour scale; null takes the smallest finite value.</summary>
    public double? ZMin { get; init; }

    /// <summary>The value at the top of the colour scale; null takes the largest finite value.</summary>
    public double? ZMax { get; init; }

    /// <summary>The colour bar's title (e.g. the quantity and unit).</summary>
    public string? ColorBarTitle { get; init; }

    /// <summary>Whether a colour bar is shown.</summary>
    public bool ShowScale { get; init; } = true;

    /// <inheritdoc />
    public override string Kind => "heatmap";

    /// <summary>The smallest finite value.</summary>
    internal double DataMin { get; }

    /// <summary>The largest finite value.</summary>
    internal double DataMax { get; }

    /// <summary>The colour scale's range.</summary>
    internal (double Min, double Max) ScaleRange
    {
        get
        {
            var (min, max) = (ZMin ?? DataMin, ZMax ?? DataMax);
            return max > min ? (min, max) : (min - 0.5, min + 0.5);
        }
    }

    internal override bool Tight => true;

    internal override IEnumerable<double> ExtentX => Edges(X);

    internal override IEnumerable<double> ExtentY => Edges(Y);

    internal override (ColorScale Scale, double Min, double Max, string? Title)? ColorBar =>
        ShowScale ? (ColorScale, ScaleRange.Min, ScaleRange.Max, ColorBarTitle) : null;

    /// <summary>The value in row <paramref name="row"/> and column <paramref name="column"/>.</summary>
    /// <param name="row">The row (y index).</param>
    /// <param name="column">The column (x index).</param>
    /// <returns>The value.</returns>
    public double Value(int row, int column) => _z[row, column];

    /// <summary>The cell edges along one axis: midpoints between centres, and half a spacing beyond the ends.</summary>
    internal static double[] Edges(IReadOnlyList<double> centres)
    {
        var n = centres.Count;
        var edges = new double[n + 1];
        if (n == 1)
        {
            (edges[0], edges[1]) = (centres[0] - 0.5, centres[0] + 0.5);
            return edges;
        }
        for (var j = 1; j < n; j++)
        {
            edges[j] = (centres[j - 1] + centres[j]) / 2;
        }
        edges[0] = centres[0] - ((centres[1] - centres[0]) / 2);
        edges[n] = centres[n - 1] + ((centres[n - 1] - centres[n - 2]) / 2);
        return edges;
    }

    private static void Increasing(IReadOnlyList<double> values, string parameter)
    {
        for (var j = 0; j < values.Count; j++)
        {
            if (!double.IsFinite(values[j]) || (j > 0 && values[j] <= values[j - 1]))
            {
                throw new ArgumentException($"'{parameter}' must hold finite, strictly increasing coordinates; value {j} is {values[j]}.", parameter);
            }
        }
    }
}

/// <summary>Contour lines of a grid z[row, column] at (x[column], y[row]) at equally spaced levels, coloured by the
/// colour scale. The static image traces them by marching squares (linear interpolation along cell edges; saddle cells
/// are resolved by the cell's mean).</summary>
public sealed class ContourTrace : HeatmapTrace
{
    /// <summary>Creates contours.</summary>
    /// <param name="x">The grid's x coordinates (increasing; one per column).</param>
    /// <param name="y">The grid's y coordinates (increasing; one per row).</param>
    /// <param name="z">The values, z[row, column].</param>
    /// <param name="name">The name.</param>
    /// <param name="levels">Equally spaced, increasing levels; null chooses about eight at nice numbers strictly
    /// inside the range of z.</param>
    /// <exception cref="ArgumentException">The levels are empty, not increasing, or not equally spaced.</exception>
    public ContourTrace(IEnumerable<double> x, IEnumerable<double> y, double[,] z, string? name = null, IEnumerable<double>? levels = null)
        : base(x, y, z, name)
    {
        if (levels is null)
        {
            var (_, _, _, ticks) = AxisTicks.Linear(DataMin, DataMax, 9);
            Levels = [.. ticks.Where(t => t > DataMin && t < DataMax)];
            if (Levels.Count == 0)
            {
                Levels = [(DataMin + DataMax) / 2];
            }
        }
        else
        {
            Levels = [.. levels];
            if (Levels.Count == 0)
            {
                throw new ArgumentException("Give at least one contour level.", nameof(levels));
            }
            var step = Levels.Count > 1 ? Levels[1] - Levels[0] : 1;
            for (var k = 1; k < Levels.Count; k++)
            {
                var d = Levels[k] - Levels[k - 1];
                if (!(d > 0) || Math.Abs(d - step) > 1e-9 * Math.Max(Math.Abs(step), 1))
                {
                    throw new ArgumentException($"Contour levels must increase in equal steps (plotly draws start, start + size, ...); levels {k - 1} and {k} are {Levels[k - 1]} and {Levels[k]}.", nameof(levels));
                }
            }
        }
    }

    /// <summary>The contour levels.</summary>
    public IReadOnlyList<double> Levels { get; }

    /// <summary>The line width in pixels.</summary>
    public double Width { get; init; } = 1.5;

    /// <inheritdoc />
    public override string Kind => "contour";

    internal override IEnumerable<double> ExtentX => [X[0], X[^1]];

    internal override IEnumerable<double> ExtentY => [Y[0], Y[^1]];
}
