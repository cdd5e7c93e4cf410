using System.Collections;
using System.Globalization;
using System.Net;
using System.Text;
using TwinLab.Simulation.Ensembles;

namespace TwinLab.Interactive;

/// <summary>
/// HTML tables of collections of records and of patient tables: each column headed by its name and type, the first
/// rows (the rest counted, "… 99 980 more rows"), and, for tables of at least <see cref="SummaryMinimumRows"/> rows, a
/// summary of every column over all rows — for numbers the count,
/// the non-finite values, mean, standard deviation, minimum, median and maximum; for other values the number of
/// distinct values and the most frequent one.
/// </summary>
internal static class TableHtml
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The fewest rows for which a summary is shown (smaller tables are read at a glance).</summary>
    public const int SummaryMinimumRows = 10;

    /// <summary>One column: a name, a type name, and its values over every row.</summary>
    internal sealed record Column(string Name, string TypeName, IReadOnlyList<object?> Values);

    /// <summary>Summary statistics of a numeric column. Non-finite values (NaN, ±∞) and nulls are counted in
    /// <see cref="Missing"/> and left out of the others. The standard deviation uses n − 1; the median interpolates
    /// linearly between order statistics (as NumPy's default).</summary>
    internal sealed record NumericSummary(int Count, int Missing, double Mean, double StandardDeviation, double Minimum, double Median, double Maximum);

    /// <summary>The table of a collection whose items are all of one record-like type, or null when it is not one.</summary>
    public static string? ForRecords(IEnumerable collection, int maximumRows, int maximumItems)
    {
        var items = collection.Cast<object?>().ToList();
        var elementType = items.FirstOrDefault(i => i is not null)?.GetType();
        if (elementType is null || items.Any(i => i is null || i.GetType() != elementType) || PlainText.IsScalar(items[0]) || items[0] is IEnumerable)
        {
            return null;
        }
        var properties = PlainText.ReadableProperties(elementType);
        if (properties.Count == 0)
        {
            return null;
        }
        var columns = properties
            .Select(p => new Column(p.Name, TypeNames.Of(p.PropertyType), [.. items.Select(i => PlainText.ReadProperty(p, i!))]))
            .ToList();
        var caption = $"{BuiltInFormatters.CollectionName(collection.GetType())} ({Count(items.Count, "item")})";
        return Write(caption, null, columns, items.Count, maximumRows, maximumItems);
    }

    /// <summary>The table of a patient table: its description, the first patients, and a summary of every column.</summary>
    public static string ForPatients(PatientTable table, int maximumRows, int maximumItems)
    {
        var columns = table.Columns
            .Select(name => new Column(name, "double", [.. table.Column(name).Select(v => (object?)v)]))
            .ToList();
        var note = table.Description + (table.Doses is null ? "" : " Each patient also has doses of their own.");
        return Write($"PatientTable ({Count(table.Count, "patient")}, {Count(columns.Count, "column")})", note, columns, table.Count, maximumRows, maximumItems);
    }

    /// <summary>The summary of numeric values (<see cref="NumericSummary"/>).</summary>
    public static NumericSummary Summarise(IEnumerable<double> values)
    {
        var finite = new List<double>();
        var missing = 0;
        foreach (var value in values)
        {
            if (double.IsFinite(value))
            {
                finite.Add(value);
            }
            else
            {
                missing++;
            }
        }
        if (finite.Count == 0)
        {
            return new NumericSummary(0, missing, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }
        finite.Sort();
        // Two passes (mean, then squared deviations) keep the variance accurate when the mean is large.
        var mean = finite.Sum() / finite.Count;
        var squares = finite.Sum(v => (v - mean) * (v - mean));
        var sd = finite.Count > 1 ? Math.Sqrt(squares / (finite.Count - 1)) : double.NaN;
        var position = 0.5 * (finite.Count - 1);
        var below = (int)Math.Floor(position);
        var median = finite[below] + ((position - below) * (finite[Math.Min(below + 1, finite.Count - 1)] - finite[below]));
        return new NumericSummary(finite.Count, missing, mean, sd, finite[0], median, finite[^1]);
    }

    private static string Write(string caption, string? note, List<Column> columns, int rows, int maximumRows, int maximumItems)
    {
        var shown = Math.Min(rows, maximumRows);
        var sb = new StringBuilder("<div class=\"twinlab-table-view\">");
        if (!string.IsNullOrEmpty(note))
        {
            sb.Append("<p>").Append(Encode(note)).Append("</p>");
        }
        sb.Append("<table class=\"twinlab-table\"><caption>").Append(Encode(caption)).Append("</caption><thead><tr><th>index</th>");
        foreach (var column in columns)
        {
            sb.Append("<th>").Append(Encode(column.Name)).Append(" <small>").Append(Encode(column.TypeName)).Append("</small></th>");
        }
        sb.Append("</tr></thead><tbody>");
        for (var r = 0; r < shown; r++)
        {
            sb.Append("<tr><td>").Append(r.ToString(Invariant)).Append("</td>");
            foreach (var column in columns)
            {
                sb.Append("<td>").Append(Encode(CellText(column.Values[r], maximumItems))).Append("</td>");
            }
            sb.Append("</tr>");
        }
        if (rows > shown)
        {
            sb.Append("<tr><td colspan=\"").Append((columns.Count + 1).ToString(Invariant)).Append("\">… ")
              .Append((rows - shown).ToString("N0", Invariant)).Append(rows - shown == 1 ? " more row" : " more rows").Append("</td></tr>");
        }
        sb.Append("</tbody></table>");
        if (rows >= SummaryMinimumRows)
        {
            AppendSummary(sb, columns, rows);
        }
        sb.Append("</div>");
        return sb.ToString();
    }

    private static void AppendSummary(StringBuilder sb, List<Column> columns, int rows)
    {
        var numeric = columns.Select(c => IsNumeric(c.Values)).ToList();
        var anyNumeric = numeric.Contains(true);
        var anyOther = numeric.Contains(false);
        sb.Append("<table class=\"twinlab-table twinlab-summary\"><caption>Summary of all ").Append(rows.ToString("N0", Invariant))
          .Append(" rows</caption><thead><tr><th>column</th><th>type</th><th>n</th><th>missing</th>");
        if (anyNumeric)
        {
            sb.Append("<th>mean</th><th>sd</th><th>min</th><th>median</th><th>max</th>");
        }
        if (anyOther)
        {
            sb.Append("<th>distinct</th><th>most frequent</th>");
        }
        sb.Append("</tr></thead><tbody>");
        for (var c = 0; c < columns.Count; c++)
        {
            var column = columns[c];
            sb.Append("<tr><td>").Append(Encode(column.Name)).Append("</td><td>").Append(Encode(column.TypeName)).Append("</td>");
            if (numeric[c])
            {
                var s = Summarise(column.Values.Select(ToDouble));
                sb.Append("<td>").Append(s.Count.ToString(Invariant)).Append("</td><td>").Append(s.Missing.ToString(Invariant)).Append("</td>");
                foreach (var value in new[] { s.Mean, s.StandardDeviation, s.Minimum, s.Median, s.Maximum })
                {
                    sb.Append("<td>").Append(double.IsNaN(value) ? "—" : value.ToString("G6", Invariant)).Append("</td>");
                }
                if (anyOther)
                {
                    sb.Append("<td></td><td></td>");
                }
            }
            else
            {
                var present = column.Values.Where(v => v is not null).Select(v => PlainText.Format(v, 10)).ToList();
                var groups = present.GroupBy(v => v, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
                sb.Append("<td>").Append(present.Count.ToString(Invariant)).Append("</td><td>").Append((column.Values.Count - present.Count).ToString(Invariant)).Append("</td>");
                if (anyNumeric)
                {
                    sb.Append("<td></td><td></td><td></td><td></td><td></td>");
                }
                sb.Append("<td>").Append(groups.Count.ToString(Invariant)).Append("</td><td>");
                if (groups.Count > 0)
                {
                    sb.Append(Encode(Shorten(groups[0].Key))).Append(" (").Append(groups[0].Count().ToString(Invariant)).Append(')');
                }
                sb.Append("</td>");
            }
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table>");
    }

    private static bool IsNumeric(IReadOnlyList<object?> values) =>
        values.Any(v => v is not null) && values.All(v => v is null or double or float or int or long or short or byte or sbyte or uint or ulong or ushort or decimal);

    private static double ToDouble(object? value) => value is null ? double.NaN : Convert.ToDouble(value, Invariant);

    private static string CellText(object? value, int maximumItems) => PlainText.Format(value, Math.Min(maximumItems, 10));

    private static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 39), "…");

    private static string Count(int n, string noun) => $"{n.ToString("N0", Invariant)} {noun}{(n == 1 ? "" : "s")}";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
