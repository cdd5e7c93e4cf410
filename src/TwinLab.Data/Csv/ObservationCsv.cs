using System.Globalization;
using System.Text;
using CsvHelper;
using TwinLab.Data.Store;

namespace TwinLab.Data.Csv;

/// <summary>One problem found in a CSV file.</summary>
/// <param name="Line">The 1-based line of the file (1 is the header).</param>
/// <param name="Column">The column concerned, or null for the whole row.</param>
/// <param name="Message">What is wrong and how to fix it.</param>
public sealed record CsvRowError(long Line, string? Column, string Message)
{
    /// <summary>The error as <c>line N, column 'c': message</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Column is null
        ? string.Create(CultureInfo.InvariantCulture, $"line {Line}: {Message}")
        : string.Create(CultureInfo.InvariantCulture, $"line {Line}, column '{Column}': {Message}");
}

/// <summary>A CSV file that could not be imported: <see cref="Errors"/> lists every problem found, with its line.</summary>
public sealed class CsvImportException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public CsvImportException()
        : this("(unknown file)", [])
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public CsvImportException(string message)
        : base(message) => Errors = [];

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public CsvImportException(string message, Exception innerException)
        : base(message, innerException) => Errors = [];

    /// <summary>Creates the exception for a file and its problems.</summary>
    /// <param name="path">The file.</param>
    /// <param name="errors">Every problem found.</param>
    public CsvImportException(string path, IReadOnlyList<CsvRowError> errors)
        : base(Describe(path, errors ?? throw new ArgumentNullException(nameof(errors)))) => Errors = errors;

    /// <summary>Every problem found, in file order.</summary>
    public IReadOnlyList<CsvRowError> Errors { get; }

    private static string Describe(string path, IReadOnlyList<CsvRowError> errors)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{path}: {errors.Count} problem{(errors.Count == 1 ? "" : "s")}; nothing was imported. Fix them and import again:");
        foreach (var e in errors.Take(100))
        {
            sb.Append("\n  ").Append(e);
        }
        if (errors.Count > 100)
        {
            sb.Append(CultureInfo.InvariantCulture, $"\n  ... and {errors.Count - 100} more (see Errors)");
        }
        return sb.ToString();
    }
}

/// <summary>
/// Observations as CSV (CsvHelper, invariant culture, numbers written round-trip). Export writes every field of
/// <see cref="ObservationRow"/> to a temporary file renamed into place. Import reads synthetic exports and real data:
/// <c>subject_id</c>, <c>time</c>, <c>endpoint</c>, <c>unit</c> and <c>value</c> are required, the other columns are
/// optional; every cell is checked (numbers, integers, booleans, statuses, units allowed per endpoint, values present
/// when observed and not censored, unique record ids) and every bad row is reported with its line in one
/// <see cref="CsvImportException"/>. Rows are never dropped: either every row is imported or none.
/// </summary>
public static class ObservationCsv
{
    /// <summary>The columns, in the order they are written.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        "record_id", "subject_id", "subject_index", "param_set_id", "run_id", "cohort_id", "arm", "source", "model_digest", "seed", "visit",
        "nominal_time", "time", "endpoint", "unit", "value", "censored", "lloq", "status", "true_value",
    ];

    /// <summary>The columns an import requires.</summary>
    public static IReadOnlyList<string> RequiredColumns { get; } = ["subject_id", "time", "endpoint", "unit", "value"];

    private static readonly string[] Statuses = ["Observed", "Missed", "DroppedOut", "SimulationFailed"];

    /// <summary>Writes observations to <paramref name="path"/> (through a temporary file renamed into place).</summary>
    /// <param name="path">The file.</param>
    /// <param name="rows">The observations.</param>
    /// <returns>How many rows were written.</returns>
    public static int Write(string path, IEnumerable<ObservationRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return CsvFiles.WriteAtomically(path, Columns, rows.Select(o => (IReadOnlyList<string?>)
        [
            o.RecordId, o.SubjectId, Integer(o.SubjectIndex), o.ParameterSetId, o.RunId, o.CohortId, o.Arm, o.Source, o.ModelDigest,
            o.Seed?.ToString(CultureInfo.InvariantCulture), Integer(o.Visit), Number(o.NominalTime), Number(o.Time), o.Endpoint, o.Unit, Number(o.Value),
            o.Censored ? "1" : "0", Number(o.Lloq), o.Status, Number(o.TrueValue),
        ]));
    }

    /// <summary>Reads and checks observations.</summary>
    /// <param name="path">The file.</param>
    /// <param name="unitsByEndpoint">The units allowed for each endpoint; when given, an endpoint not listed is an error too.
    /// Null accepts any unit.</param>
    /// <returns>The observations, in file order. A row without a record id gets <c>FILE:LINE</c>.</returns>
    /// <exception cref="CsvImportException">Any problem; <see cref="CsvImportException.Errors"/> lists all of them.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IReadOnlyList<ObservationRow> Read(string path, IReadOnlyDictionary<string, IReadOnlyCollection<string>>? unitsByEndpoint = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var errors = new List<CsvRowError>();
        var rows = new List<ObservationRow>();
        var options = CsvReaderOptions.Default with
        {
            Separator = ',',
            TrackLineNumbers = true,
            TrimWhitespace = true,
            MalformedData = CsvMalformedDataHandling.Recover,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            FormatProvider = CultureInfo.InvariantCulture,
            OnMalformedRecord = record => errors.Add(new CsvRowError(record.LineNumber, null, $"malformed quoting ({record.Reason}): check the quotes.")),
        };
        using var stream = File.OpenRead(path);
        using var csv = CsvReader.Create(stream, options, leaveOpen: false);
        var header = csv.Headers.ToArray();
        if (header.Length == 0 || (header.Length == 1 && header[0].Length == 0))
        {
            throw new CsvImportException(path, [new CsvRowError(1, null, $"the file is empty; the first line must name the columns, at least {string.Join(", ", RequiredColumns)}.")]);
        }
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Length; i++)
        {
            if (!Columns.Contains(header[i]))
            {
                errors.Add(new CsvRowError(1, header[i], $"unknown column; the columns are {string.Join(", ", Columns)}."));
            }
            else if (!index.TryAdd(header[i], i))
            {
                errors.Add(new CsvRowError(1, header[i], "the column appears twice."));
            }
        }
        foreach (var missing in RequiredColumns.Where(c => !index.ContainsKey(c)))
        {
            errors.Add(new CsvRowError(1, missing, "required column missing."));
        }
        if (errors.Count > 0)
        {
            throw new CsvImportException(path, errors);
        }
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        var fileName = System.IO.Path.GetFileName(path);
        while (csv.Read())
        {
            var line = csv.LineNumber;
            if (csv.FieldCount != header.Length)
            {
                errors.Add(new CsvRowError(line, null, $"{csv.FieldCount} fields for {header.Length} columns."));
                continue;
            }
            var rowErrors = errors.Count;
            string? Text(string column) => index.TryGetValue(column, out var i) && !csv.IsEmpty(i) ? csv.GetString(i) : null;
            string Required(string column)
            {
                var s = Text(column);
                if (s is null)
                {
                    errors.Add(new CsvRowError(line, column, "empty; a value is required."));
                }
                return s ?? "";
            }
            double? Real(string column)
            {
                var s = Text(column);
                if (s is null)
                {
                    return null;
                }
                if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v))
                {
                    return v;
                }
                errors.Add(new CsvRowError(line, column, $"'{s}' is not a finite number (use '.' as the decimal separator)."));
                return null;
            }
            long? Whole(string column)
            {
                var s = Text(column);
                if (s is null)
                {
                    return null;
                }
                if (long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
                {
                    return v;
                }
                errors.Add(new CsvRowError(line, column, $"'{s}' is not an integer."));
                return null;
            }

            var subject = Required("subject_id");
            var endpoint = Required("endpoint");
            var unit = Required("unit");
            var time = Real("time");
            var value = Real("value");
            var lloq = Real("lloq");
            var nominal = Real("nominal_time");
            var trueValue = Real("true_value");
            var subjectIndex = Whole("subject_index");
            var visit = Whole("visit");
            ulong? seed = null;
            if (Text("seed") is { } seedText)
            {
                if (ulong.TryParse(seedText, NumberStyles.None, CultureInfo.InvariantCulture, out var s))
                {
                    seed = s;
                }
                else
                {
                    errors.Add(new CsvRowError(line, "seed", $"'{seedText}' is not a non-negative integer."));
                }
            }
            var censored = false;
            if (Text("censored") is { } censoredText)
            {
                switch (censoredText.ToUpperInvariant())
                {
                    case "1" or "TRUE" or "YES":
                        censored = true;
                        break;
                    case "0" or "FALSE" or "NO":
                        break;
                    default:
                        errors.Add(new CsvRowError(line, "censored", $"'{censoredText}' is not a flag: use 1 or 0 (true or false)."));
                        break;
                }
            }
            var status = Text("status") ?? "Observed";
            if (!Statuses.Contains(status))
            {
                errors.Add(new CsvRowError(line, "status", $"'{status}' is not a status: use {string.Join(", ", Statuses)}."));
            }
            if (status == "Observed" && value is null && !censored && Text("value") is null)
            {
                errors.Add(new CsvRowError(line, "value", "empty for an observed, uncensored measurement: give the value, or mark it censored (censored = 1) or missed (status = Missed)."));
            }
            if (status == "Observed" && time is null && Text("time") is null)
            {
                errors.Add(new CsvRowError(line, "time", "empty for an observed measurement."));
            }
            if (censored && lloq is null)
            {
                errors.Add(new CsvRowError(line, "lloq", "a censored value needs its limit of quantification."));
            }
            if (unitsByEndpoint is not null && endpoint.Length > 0)
            {
                if (!unitsByEndpoint.TryGetValue(endpoint, out var units))
                {
                    errors.Add(new CsvRowError(line, "endpoint", $"unknown endpoint '{endpoint}'; expected {string.Join(", ", unitsByEndpoint.Keys)}."));
                }
                else if (unit.Length > 0 && !units.Contains(unit))
                {
                    errors.Add(new CsvRowError(line, "unit", $"'{unit}' is not a unit of {endpoint}; use {string.Join(" or ", units)}."));
                }
            }
            var recordId = Text("record_id") ?? string.Create(CultureInfo.InvariantCulture, $"{fileName}:{line}");
            if (ids.TryGetValue(recordId, out var firstLine))
            {
                errors.Add(new CsvRowError(line, "record_id", string.Create(CultureInfo.InvariantCulture, $"'{recordId}' already used on line {firstLine}.")));
            }
            else
            {
                ids[recordId] = line;
            }
            if (errors.Count == rowErrors)
            {
                rows.Add(new ObservationRow(recordId, subject, subjectIndex, Text("param_set_id"), Text("run_id"), Text("cohort_id"), Text("arm"),
                    Text("source") ?? fileName, Text("model_digest"), seed, (int?)visit, nominal, time, endpoint, unit, value, censored, lloq, status, trueValue));
            }
        }
        if (errors.Count > 0)
        {
            throw new CsvImportException(path, errors);
        }
        return rows;
    }

    private static string? Number(double? value) => value?.ToString("R", CultureInfo.InvariantCulture);

    private static string? Integer(long? value) => value?.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Writing CSV tables through a temporary file renamed into place.</summary>
public static class CsvFiles
{
    /// <summary>Writes a table: a header of <paramref name="columns"/>, then one line per row (null cells are empty).</summary>
    /// <param name="path">The file.</param>
    /// <param name="columns">The column names.</param>
    /// <param name="rows">The rows, each with one cell per column.</param>
    /// <returns>How many rows were written.</returns>
    /// <exception cref="ArgumentException">A row has the wrong number of cells.</exception>
    public static int WriteAtomically(string path, IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string?>> rows)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(rows);
        var full = System.IO.Path.GetFullPath(path);
        var temporary = full + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        var count = 0;
        try
        {
            using (var stream = File.Create(temporary))
            using (var csv = CsvWriter.Create(stream, CsvWriterOptions.Default with { NewLine = "\n", FormatProvider = CultureInfo.InvariantCulture, Injection = CsvInjection.None }, leaveOpen: false))
            {
                foreach (var c in columns)
                {
                    csv.WriteField(c);
                }
                csv.EndRecord();
                foreach (var row in rows)
                {
                    if (row.Count != columns.Count)
                    {
                        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Row {count + 1} has {row.Count} cells for {columns.Count} columns."), nameof(rows));
                    }
                    foreach (var cell in row)
                    {
                        csv.WriteField(cell ?? "");
                    }
                    csv.EndRecord();
                    count++;
                }
            }
            File.Move(temporary, full, overwrite: true);
            return count;
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
