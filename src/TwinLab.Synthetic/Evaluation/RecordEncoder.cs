using System.Globalization;

namespace TwinLab.Synthetic.Evaluation;

/// <summary>Records as numbers: <see cref="Rows"/> × <see cref="Columns"/> values in row-major order.</summary>
/// <param name="Rows">The number of records.</param>
/// <param name="Columns">The number of encoded features.</param>
/// <param name="Values">The values, row-major (length Rows × Columns).</param>
/// <param name="SourceRows">For each encoded row, the row of the source table it came from.</param>
/// <param name="ExcludedRows">Source rows left out because a value was missing.</param>
public sealed record FeatureMatrix(int Rows, int Columns, double[] Values, int[] SourceRows, int ExcludedRows)
{
    /// <summary>Row <paramref name="row"/>.</summary>
    /// <param name="row">The row index.</param>
    public ReadOnlySpan<double> Row(int row) => Values.AsSpan(row * Columns, Columns);

    /// <summary>Wraps a row-major array (no rows excluded).</summary>
    /// <param name="rows">Rows.</param>
    /// <param name="columns">Columns.</param>
    /// <param name="values">Row-major values (length rows × columns).</param>
    public static FeatureMatrix FromArray(int rows, int columns, double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != rows * columns)
        {
            throw new ArgumentException($"{values.Length} values for {rows} × {columns}.", nameof(values));
        }
        return new FeatureMatrix(rows, columns, values, Enumerable.Range(0, rows).ToArray(), 0);
    }
}

/// <summary>How <see cref="RecordEncoder"/> scales numeric columns.</summary>
public enum NumericScaling
{
    /// <summary>(x − min) / (max − min) over the reference table (values beyond the range stay beyond it).</summary>
    MinMax,

    /// <summary>(x − mean) / standard deviation over the reference table.</summary>
    Standardize,

    /// <summary>Values as they are.</summary>
    None,
}

/// <summary>
/// Turns table rows into feature vectors with a fixed layout learnt from a reference table: numeric columns scaled
/// (<see cref="NumericScaling"/>), categorical columns one-hot over the reference categories plus an "other" slot for
/// labels the reference lacks, each indicator multiplied by <see cref="CategoryWeight"/>. With the default weight
/// 1/√2 for distances, two records that differ in one category are at squared distance 1, as two numeric values one
/// range apart. Rows with a missing value in an encoded column are excluded and counted.
/// </summary>
public sealed class RecordEncoder
{
    private readonly (string Name, bool Numeric, double Offset, double Scale, string[] Categories)[] _layout;

    private RecordEncoder((string, bool, double, double, string[])[] layout, double categoryWeight)
    {
        _layout = layout;
        CategoryWeight = categoryWeight;
        var names = new List<string>();
        foreach (var c in layout)
        {
            if (c.Item2)
            {
                names.Add(c.Item1);
            }
            else
            {
                names.AddRange(c.Item5.Select(k => c.Item1 + "=" + k));
                names.Add(c.Item1 + "=(other)");
            }
        }
        FeatureNames = names;
    }

    /// <summary>The multiplier of one-hot indicators.</summary>
    public double CategoryWeight { get; }

    /// <summary>The names of the encoded features ("age", "sex=F", "sex=(other)", ...).</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Learns the layout from <paramref name="reference"/>.</summary>
    /// <param name="reference">The table whose ranges and categories define the encoding (usually the real data).</param>
    /// <param name="scaling">Scaling of numeric columns.</param>
    /// <param name="categoryWeight">Multiplier of one-hot indicators (1/√2 for distances, 1 for learning).</param>
    /// <param name="columns">Columns to encode (all when null).</param>
    public static RecordEncoder Fit(TabularData reference, NumericScaling scaling = NumericScaling.MinMax, double categoryWeight = 0.70710678118654757, IReadOnlyList<string>? columns = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var names = columns ?? reference.ColumnNames;
        var layout = new (string, bool, double, double, string[])[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            var column = reference[names[i]];
            if (column.Kind == ColumnKind.Numeric)
            {
                var v = column.PresentNumbers();
                double offset = 0, scale = 1;
                if (v.Length > 0)
                {
                    switch (scaling)
                    {
                        case NumericScaling.MinMax:
                            offset = v.Min();
                            var range = v.Max() - offset;
                            scale = range > 0 ? 1.0 / range : 1.0;
                            break;
                        case NumericScaling.Standardize:
                            offset = v.Average();
                            var ss = 0.0;
                            foreach (var x in v)
                            {
                                ss += (x - offset) * (x - offset);
                            }
                            var sd = Math.Sqrt(ss / v.Length);
                            scale = sd > 0 ? 1.0 / sd : 1.0;
                            break;
                        default:
                            break;
                    }
                }
                layout[i] = (column.Name, true, offset, scale, []);
            }
            else
            {
                var categories = new SortedSet<string>(StringComparer.Ordinal);
                foreach (var l in column.Labels)
                {
                    if (l is not null)
                    {
                        categories.Add(l);
                    }
                }
                layout[i] = (column.Name, false, 0, 1, categories.ToArray());
            }
        }
        return new RecordEncoder(layout, categoryWeight);
    }

    /// <summary>Encodes <paramref name="table"/>; rows with a missing value in an encoded column are excluded and counted.</summary>
    /// <param name="table">A table with the encoded columns.</param>
    public FeatureMatrix Encode(TabularData table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var width = FeatureNames.Count;
        var columns = _layout.Select(l => table[l.Name]).ToArray();
        var keep = new List<int>(table.RowCount);
        for (var r = 0; r < table.RowCount; r++)
        {
            var complete = true;
            foreach (var c in columns)
            {
                if (c.Kind == ColumnKind.Numeric ? double.IsNaN(c.Numbers[r]) : c.Labels[r] is null)
                {
                    complete = false;
                    break;
                }
            }
            if (complete)
            {
                keep.Add(r);
            }
        }
        var values = new double[keep.Count * width];
        var lookups = _layout.Select(l => l.Numeric ? null : l.Categories.Select((k, i) => (k, i)).ToDictionary(t => t.k, t => t.i, StringComparer.Ordinal)).ToArray();
        for (var i = 0; i < keep.Count; i++)
        {
            var r = keep[i];
            var o = i * width;
            for (var c = 0; c < _layout.Length; c++)
            {
                var l = _layout[c];
                if (l.Numeric)
                {
                    values[o++] = (columns[c].Numbers[r] - l.Offset) * l.Scale;
                }
                else
                {
                    var slot = lookups[c]!.TryGetValue(columns[c].Labels[r]!, out var k) ? k : l.Categories.Length;
                    values[o + slot] = CategoryWeight;
                    o += l.Categories.Length + 1;
                }
            }
        }
        return new FeatureMatrix(keep.Count, width, values, keep.ToArray(), table.RowCount - keep.Count);
    }

    /// <summary>A description of the layout, for notes.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{FeatureNames.Count} features from {_layout.Length} columns");
}
