using System.Text;

namespace TwinLab.Cli.Output;

/// <summary>
/// A plain-text table for terminal output: a header row and data rows, columns padded to a common width and separated
/// by two spaces. The last column is never padded, so no line ends in white space.
/// </summary>
internal sealed class TextTable
{
    private const string Separator = "  ";
    private readonly string[] _header;
    private readonly List<string[]> _rows = [];

    /// <summary>Creates a table with the given column headings.</summary>
    /// <param name="header">The column headings; their number fixes the number of columns.</param>
    public TextTable(params string[] header)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (header.Length == 0)
        {
            throw new ArgumentException("A table needs at least one column.", nameof(header));
        }

        _header = header;
    }

    /// <summary>Appends a row.</summary>
    /// <param name="cells">One cell per column.</param>
    /// <exception cref="ArgumentException">The number of cells differs from the number of columns.</exception>
    public void AddRow(params string[] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Length != _header.Length)
        {
            throw new ArgumentException(
                $"A row of this table needs {_header.Length} cells but {cells.Length} were given.", nameof(cells));
        }

        _rows.Add(cells);
    }

    /// <summary>Writes the header and the rows, one line each.</summary>
    /// <param name="writer">Where to write.</param>
    public void Write(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var widths = new int[_header.Length];
        foreach (var row in _rows.Prepend(_header))
        {
            for (var column = 0; column < row.Length; column++)
            {
                widths[column] = Math.Max(widths[column], row[column].Length);
            }
        }

        var line = new StringBuilder();
        foreach (var row in _rows.Prepend(_header))
        {
            line.Clear();
            for (var column = 0; column < row.Length; column++)
            {
                var last = column == row.Length - 1;
                line.Append(last ? row[column] : row[column].PadRight(widths[column])).Append(last ? "" : Separator);
            }

            writer.WriteLine(line.ToString().TrimEnd());
        }
    }
}
