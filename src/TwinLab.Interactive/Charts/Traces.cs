namespace TwinLab.Interactive;

/// <summary>One layer of a <see cref="Chart"/>: a line, a band, a histogram or bars.</summary>
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

    /// <inheritdoc />
    public override string Kind => "line";
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
        if (!(opacity > 0 && opacity <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(opacity), opacity, "The opacity must lie in (0, 1].");
        }
        Opacity = opacity;
    }

    /// <summary>The abscissae.</summary>
    public IReadOnlyList<double> X { get; }

    /// <summary>The lower curve.</summary>
    public IReadOnlyList<double> Lower { get; }

    /// <summary>The upper curve.</summary>
    public IReadOnlyList<double> Upper { get; }

    /// <summary>The fill opacity.</summary>
    public double Opacity { get; }

    /// <inheritdoc />
    public override string Kind => "band";
}

/// <summary>The distribution of values, counted in equal-width bins between the smallest and largest finite value
/// (values that are not finite are ignored).</summary>
public sealed class HistogramTrace : Trace
{
    /// <summary>Creates a histogram.</summary>
    /// <param name="values">The values.</param>
    /// <param name="bins">The number of bins (at least 1).</param>
    /// <param name="name">The legend entry.</param>
    public HistogramTrace(IEnumerable<double> values, int bins = 20, string? name = null) : base(name)
    {
        Values = Copy(values, nameof(values));
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        Bins = bins;
        var finite = Values.Where(double.IsFinite).ToArray();
        var min = finite.Length == 0 ? 0 : finite.Min();
        var max = finite.Length == 0 ? 1 : finite.Max();
        if (max <= min)
        {
            (min, max) = (min - 0.5, min + 0.5);
        }
        Start = min;
        BinWidth = (max - min) / bins;
        var counts = new int[bins];
        foreach (var v in finite)
        {
            counts[Math.Clamp((int)Math.Floor((v - min) / BinWidth), 0, bins - 1)]++;
        }
        Counts = counts;
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

    /// <inheritdoc />
    public override string Kind => "histogram";
}

/// <summary>One bar per category, with optional symmetric error bars.</summary>
public sealed class BarTrace : Trace
{
    /// <summary>Creates bars.</summary>
    /// <param name="categories">The category labels.</param>
    /// <param name="values">The bar heights (as many as <paramref name="categories"/>).</param>
    /// <param name="name">The legend entry.</param>
    /// <param name="errors">Half-lengths of the error bars (as many as the categories), or null for none.</param>
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
            Errors = [.. errors];
            if (Errors.Count != Values.Count)
            {
                throw new ArgumentException($"There are {Values.Count} values but {Errors.Count} errors.", nameof(errors));
            }
        }
    }

    /// <summary>The category labels.</summary>
    public IReadOnlyList<string> Categories { get; }

    /// <summary>The bar heights.</summary>
    public IReadOnlyList<double> Values { get; }

    /// <summary>Half-lengths of the error bars, or null.</summary>
    public IReadOnlyList<double>? Errors { get; }

    /// <inheritdoc />
    public override string Kind => "bar";
}

/// <summary>TwinLab's chart colours.</summary>
public static class ChartPalette
{
    /// <summary>The colours given in turn to traces without one.</summary>
    public static IReadOnlyList<string> Colors { get; } =
        ["#1f5f8b", "#d1495b", "#2e9e6a", "#edae49", "#6a4c93", "#00798c", "#8c564b", "#5c5c5c"];

    /// <summary>The colour of axes and text.</summary>
    public const string Ink = "#333333";

    /// <summary>The colour of grid lines.</summary>
    public const string Grid = "#e5e5e5";
}
