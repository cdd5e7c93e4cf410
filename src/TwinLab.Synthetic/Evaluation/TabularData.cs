using System.Globalization;
using System.Text;

namespace TwinLab.Synthetic.Evaluation;

/// <summary>Whether a column of a <see cref="TabularData"/> holds numbers or category labels.</summary>
public enum ColumnKind
{
    /// <summary>Every non-missing value parses as a number (invariant culture).</summary>
    Numeric,

    /// <summary>Labels compared as text.</summary>
    Categorical,
}

/// <summary>One column of a <see cref="TabularData"/>: numbers (missing values are <see cref="double.NaN"/>) or
/// category labels (missing values are <see langword="null"/>).</summary>
public sealed class TabularColumn
{
    private readonly double[]? _numbers;
    private readonly string?[]? _labels;

    private TabularColumn(string name, double[]? numbers, string?[]? labels)
    {
        Name = name;
        _numbers = numbers;
        _labels = labels;
        var missing = 0;
        if (numbers is not null)
        {
            foreach (var v in numbers)
            {
                if (double.IsNaN(v))
                {
                    missing++;
                }
                else if (double.IsInfinity(v))
                {
                    throw new ArgumentException($"Column '{name}' holds an infinite value; replace it by a finite number or mark it missing (NaN).", nameof(numbers));
                }
            }
        }
        else
        {
            foreach (var v in labels!)
            {
                if (v is null)
                {
                    missing++;
                }
            }
        }
        MissingCount = missing;
    }

    /// <summary>Creates a numeric column; <see cref="double.NaN"/> marks a missing value.</summary>
    /// <param name="name">The column name.</param>
    /// <param name="values">The values (copied).</param>
    public static TabularColumn Numeric(string name, IEnumerable<double> values)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(values);
        return new TabularColumn(name, values.ToArray(), null);
    }

    /// <summary>Creates a categorical column; <see langword="null"/> marks a missing value.</summary>
    /// <param name="name">The column name.</param>
    /// <param name="labels">The labels (copied).</param>
    public static TabularColumn Categorical(string name, IEnumerable<string?> labels)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(labels);
        return new TabularColumn(name, null, labels.ToArray());
    }

    /// <summary>The column name.</summary>
    public string Name { get; }

    /// <summary>Numeric or categorical.</summary>
    public ColumnKind Kind => _numbers is null ? ColumnKind.Categorical : ColumnKind.Numeric;

    /// <summary>The number of rows.</summary>
    public int Count => _numbers?.Length ?? _labels!.Length;

    /// <summary>The number of missing values (NaN numbers or null labels).</summary>
    public int MissingCount { get; }

    /// <summary>The numbers, NaN where missing.</summary>
    /// <exception cref="InvalidOperationException">The column is categorical.</exception>
    public ReadOnlySpan<double> Numbers => _numbers ?? throw new InvalidOperationException($"Column '{Name}' is categorical; it has labels, not numbers.");

    /// <summary>The labels, null where missing.</summary>
    /// <exception cref="InvalidOperationException">The column is numeric.</exception>
    public ReadOnlySpan<string?> Labels => _labels ?? throw new InvalidOperationException($"Column '{Name}' is numeric; it has numbers, not labels.");

    /// <summary>The non-missing numbers, in row order.</summary>
    public double[] PresentNumbers()
    {
        var source = Numbers;
        var result = new double[source.Length - MissingCount];
        var k = 0;
        foreach (var v in source)
        {
            if (!double.IsNaN(v))
            {
                result[k++] = v;
            }
        }
        return result;
    }

    /// <summary>The value of row <paramref name="row"/> as text (numbers in invariant round-trip form; missing is null).</summary>
    /// <param name="row">The row index.</param>
    public string? TextAt(int row) => _numbers is not null
        ? (double.IsNaN(_numbers[row]) ? null : _numbers[row].ToString("R", CultureInfo.InvariantCulture))
        : _labels![row];

    internal TabularColumn Take(ReadOnlySpan<int> rows)
    {
        if (_numbers is not null)
        {
            var n = new double[rows.Length];
            for (var i = 0; i < rows.Length; i++)
            {
                n[i] = _numbers[rows[i]];
            }
            return new TabularColumn(Name, n, null);
        }
        var l = new string?[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            l[i] = _labels![rows[i]];
        }
        return new TabularColumn(Name, null, l);
    }
}

/// <summary>
/// A small immutable table for evaluating synthetic data: named columns, each numeric or categorical. Read from
/// text (CSV), a column is numeric when every non-missing value parses as a number; the text values "", "NA" and
/// "NaN" are missing. Missing values are kept and counted (<see cref="TabularColumn.MissingCount"/>); every metric
/// reports how many it excluded.
/// </summary>
public sealed class TabularData
{
    private readonly TabularColumn[] _columns;
    private readonly Dictionary<string, int> _index;

    /// <summary>Creates a table from columns of equal length with distinct names.</summary>
    /// <param name="columns">The columns.</param>
    public TabularData(IEnumerable<TabularColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        _columns = columns.ToArray();
        if (_columns.Length == 0)
        {
            throw new ArgumentException("A table needs at least one column.", nameof(columns));
        }
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < _columns.Length; i++)
        {
            if (!_index.TryAdd(_columns[i].Name, i))
            {
                throw new ArgumentException($"Column name '{_columns[i].Name}' appears twice; column names must be distinct.", nameof(columns));
            }
            if (_columns[i].Count != _columns[0].Count)
            {
                throw new ArgumentException($"Column '{_columns[i].Name}' has {_columns[i].Count} rows but '{_columns[0].Name}' has {_columns[0].Count}; all columns need the same number of rows.", nameof(columns));
            }
        }
        RowCount = _columns[0].Count;
    }

    /// <summary>The number of rows.</summary>
    public int RowCount { get; }

    /// <summary>The columns, in order.</summary>
    public IReadOnlyList<TabularColumn> Columns => _columns;

    /// <summary>The column names, in order.</summary>
    public IReadOnlyList<string> ColumnNames => _columns.Select(c => c.Name).ToArray();

    /// <summary>Whether a column of that name exists.</summary>
    /// <param name="name">The column name.</param>
    public bool Contains(string name) => _index.ContainsKey(name);

    /// <summary>The column called <paramref name="name"/>.</summary>
    /// <param name="name">The column name.</param>
    /// <exception cref="KeyNotFoundException">No such column (the message lists the columns).</exception>
    public TabularColumn this[string name] => _index.TryGetValue(name, out var i)
        ? _columns[i]
        : throw new KeyNotFoundException($"No column '{name}'; the table has: {string.Join(", ", ColumnNames)}.");

    /// <summary>The rows at <paramref name="rows"/>, in that order.</summary>
    /// <param name="rows">Row indices (repeats allowed, e.g. for bootstrap samples).</param>
    public TabularData Take(ReadOnlySpan<int> rows)
    {
        foreach (var r in rows)
        {
            if ((uint)r >= (uint)RowCount)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), $"Row {r} is outside 0..{RowCount - 1}.");
            }
        }
        var cols = new TabularColumn[_columns.Length];
        for (var c = 0; c < cols.Length; c++)
        {
            cols[c] = _columns[c].Take(rows);
        }
        return new TabularData(cols);
    }

    /// <summary>The rows where <paramref name="keep"/> is true.</summary>
    /// <param name="keep">One flag per row.</param>
    public TabularData Where(ReadOnlySpan<bool> keep)
    {
        if (keep.Length != RowCount)
        {
            throw new ArgumentException($"{keep.Length} flags for {RowCount} rows.", nameof(keep));
        }
        var rows = new List<int>();
        for (var i = 0; i < keep.Length; i++)
        {
            if (keep[i])
            {
                rows.Add(i);
            }
        }
        return Take(rows.ToArray());
    }

    /// <summary>The table without the named columns.</summary>
    /// <param name="names">Columns to leave out (each must exist).</param>
    public TabularData Without(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        foreach (var n in names)
        {
            _ = this[n];
        }
        return new TabularData(_columns.Where(c => Array.IndexOf(names, c.Name) < 0));
    }

    /// <summary>The rows of <paramref name="first"/> followed by those of <paramref name="second"/> (same columns and kinds).</summary>
    /// <param name="first">The first table.</param>
    /// <param name="second">The second table.</param>
    public static TabularData Concatenate(TabularData first, TabularData second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        var columns = new List<TabularColumn>();
        foreach (var a in first.Columns)
        {
            var b = second[a.Name];
            if (a.Kind != b.Kind)
            {
                throw new ArgumentException($"Column '{a.Name}' is {a.Kind} in the first table and {b.Kind} in the second.");
            }
            columns.Add(a.Kind == ColumnKind.Numeric
                ? TabularColumn.Numeric(a.Name, a.Numbers.ToArray().Concat(b.Numbers.ToArray()))
                : TabularColumn.Categorical(a.Name, a.Labels.ToArray().Concat(b.Labels.ToArray())));
        }
        if (second.Columns.Count != first.Columns.Count)
        {
            throw new ArgumentException("The tables have different columns.");
        }
        return new TabularData(columns);
    }

    /// <summary>Builds a table from text cells, inferring each column's kind.</summary>
    /// <param name="header">The column names.</param>
    /// <param name="rows">The rows, each with one cell per column.</param>
    public static TabularData FromText(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string?>> rows)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(rows);
        var cells = new List<string?>[header.Count];
        for (var c = 0; c < cells.Length; c++)
        {
            cells[c] = [];
        }
        var line = 0;
        foreach (var row in rows)
        {
            line++;
            if (row.Count != header.Count)
            {
                throw new FormatException($"Row {line} has {row.Count} cells but the header has {header.Count}; every row needs one cell per column.");
            }
            for (var c = 0; c < cells.Length; c++)
            {
                cells[c].Add(IsMissingText(row[c]) ? null : row[c]!.Trim());
            }
        }
        var columns = new TabularColumn[header.Count];
        for (var c = 0; c < columns.Length; c++)
        {
            columns[c] = InferColumn(header[c], cells[c]);
        }
        return new TabularData(columns);
    }

    /// <summary>Reads a CSV file (comma-separated, first line the header, RFC 4180 quoting).</summary>
    /// <param name="path">The file.</param>
    public static TabularData ReadCsv(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var reader = new StreamReader(path, Encoding.UTF8);
        try
        {
            return ReadCsv(reader);
        }
        catch (FormatException e)
        {
            throw new FormatException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Reads CSV text (comma-separated, first line the header, RFC 4180 quoting).</summary>
    /// <param name="reader">The text.</param>
    public static TabularData ReadCsv(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var records = CsvText.Parse(reader);
        if (records.Count == 0)
        {
            throw new FormatException("The CSV text is empty; it needs a header line.");
        }
        var header = records[0];
        for (var i = 1; i < records.Count; i++)
        {
            if (records[i].Count != header.Count)
            {
                throw new FormatException($"Line {i + 1} has {records[i].Count} fields but the header has {header.Count}.");
            }
        }
        return FromText(header.Select(h => h ?? "").ToArray(), records.Skip(1));
    }

    /// <summary>Writes the table as CSV (invariant culture; missing values as empty fields).</summary>
    /// <param name="writer">The destination.</param>
    public void WriteCsv(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine(string.Join(',', _columns.Select(c => CsvText.Quote(c.Name))));
        for (var r = 0; r < RowCount; r++)
        {
            for (var c = 0; c < _columns.Length; c++)
            {
                if (c > 0)
                {
                    writer.Write(',');
                }
                writer.Write(CsvText.Quote(_columns[c].TextAt(r) ?? ""));
            }
            writer.WriteLine();
        }
    }

    private static bool IsMissingText(string? s) =>
        s is null || string.IsNullOrWhiteSpace(s) || s.Trim() is "NA" or "NaN" or "nan";

    private static TabularColumn InferColumn(string name, List<string?> cells)
    {
        var numbers = new double[cells.Count];
        for (var i = 0; i < cells.Count; i++)
        {
            var s = cells[i];
            if (s is null)
            {
                numbers[i] = double.NaN;
            }
            else if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i]) || !double.IsFinite(numbers[i]))
            {
                return TabularColumn.Categorical(name, cells);
            }
        }
        return TabularColumn.Numeric(name, numbers);
    }
}

/// <summary>A minimal RFC 4180 reader and quoting helper.</summary>
internal static class CsvText
{
    public static List<List<string?>> Parse(TextReader reader)
    {
        var records = new List<List<string?>>();
        var field = new StringBuilder();
        var record = new List<string?>();
        var inQuotes = false;
        var line = 1;
        var any = false;
        int ch;
        while ((ch = reader.Read()) >= 0)
        {
            var c = (char)ch;
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        line++;
                    }
                    field.Append(c);
                }
                continue;
            }
            switch (c)
            {
                case '"':
                    inQuotes = true;
                    any = true;
                    break;
                case ',':
                    record.Add(field.ToString());
                    field.Clear();
                    any = true;
                    break;
                case '\r':
                    break;
                case '\n':
                    if (any || field.Length > 0)
                    {
                        record.Add(field.ToString());
                        records.Add(record);
                    }
                    record = [];
                    field.Clear();
                    any = false;
                    line++;
                    break;
                default:
                    field.Append(c);
                    any = true;
                    break;
            }
        }
        if (inQuotes)
        {
            throw new FormatException($"A quoted field opened before line {line} is never closed.");
        }
        if (any || field.Length > 0)
        {
            record.Add(field.ToString());
            records.Add(record);
        }
        return records;
    }

    public static string Quote(string s) =>
        s.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
}
