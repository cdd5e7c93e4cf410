using System.Globalization;
using TwinLab.Core.Modelling;
using TwinLab.Core.Randomness;

namespace TwinLab.Simulation.Ensembles;

/// <summary>One dose given to one virtual patient: <see cref="Amount"/> added to <see cref="State"/> at <see cref="Time"/>.</summary>
/// <param name="State">The state's name.</param>
/// <param name="Time">When.</param>
/// <param name="Amount">How much.</param>
public readonly record struct PatientDose(string State, double Time, double Amount);

/// <summary>
/// The virtual patients of an ensemble: one row per patient with values for some parameters (the rest stay at the
/// problem's values), optionally initial values, and optionally extra doses per patient. Build one from columns, from
/// a CSV file, or with log-normal inter-individual variability around the nominal parameters.
/// </summary>
public sealed class PatientTable
{
    private readonly Dictionary<string, double[]> _columns;

    private PatientTable(int count, Dictionary<string, double[]> columns, Func<int, IEnumerable<PatientDose>>? doses, string description)
    {
        Count = count;
        _columns = columns;
        Doses = doses;
        Description = description;
    }

    /// <summary>The number of patients.</summary>
    public int Count { get; }

    /// <summary>The column names: parameters or states (initial values) of the model.</summary>
    public IReadOnlyCollection<string> Columns => _columns.Keys;

    /// <summary>Extra doses per patient (in addition to the problem's treatments), or null.</summary>
    public Func<int, IEnumerable<PatientDose>>? Doses { get; }

    /// <summary>How the table was made (recorded in outputs).</summary>
    public string Description { get; }

    /// <summary>The values of a column.</summary>
    /// <param name="name">The column.</param>
    public IReadOnlyList<double> Column(string name) => _columns.TryGetValue(name, out var c)
        ? c
        : throw new KeyNotFoundException($"The patient table has no column '{name}'; its columns are {string.Join(", ", _columns.Keys)}.");

    internal bool TryGetColumn(string name, out double[] values) => _columns.TryGetValue(name, out values!);

    /// <summary>A table from columns of equal length.</summary>
    /// <param name="columns">Values by parameter or state name.</param>
    /// <exception cref="ArgumentException">No columns, columns of different lengths, or non-finite values.</exception>
    public static PatientTable FromColumns(IReadOnlyDictionary<string, double[]> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0)
        {
            throw new ArgumentException("A patient table needs at least one column.", nameof(columns));
        }
        var count = columns.First().Value.Length;
        var copy = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var (name, values) in columns)
        {
            if (values.Length != count)
            {
                throw new ArgumentException($"Column '{name}' has {values.Length} values; the first column has {count}. Every column needs one value per patient.", nameof(columns));
            }
            for (var i = 0; i < values.Length; i++)
            {
                if (!double.IsFinite(values[i]))
                {
                    throw new ArgumentException($"Column '{name}' row {i + 1} is {values[i]}: every value must be finite.", nameof(columns));
                }
            }
            copy[name] = (double[])values.Clone();
        }
        return new PatientTable(count, copy, null, $"{count} patients from columns {string.Join(", ", copy.Keys)}");
    }

    /// <summary>
    /// <paramref name="count"/> patients with log-normal inter-individual variability: each listed parameter (all the
    /// model's parameters when none are listed) is <c>nominal · exp(ω η)</c> with <c>ω = sqrt(log(1 + CV²))</c> (so
    /// the coefficient of variation is <paramref name="cv"/>) and η standard normal, drawn from the counter-based
    /// stream (seed, "ensemble.variability", patient) — so patient i is the same whatever the count or thread count.
    /// </summary>
    /// <param name="model">The model whose nominal values are the typical values.</param>
    /// <param name="count">The number of patients.</param>
    /// <param name="cv">The coefficient of variation (e.g. 0.3 for 30%).</param>
    /// <param name="seed">The seed.</param>
    /// <param name="parameters">The parameters that vary; all when null.</param>
    /// <exception cref="ArgumentException">A non-positive count, a negative or non-finite CV, or an unknown parameter.</exception>
    public static PatientTable LogNormal(Model model, int count, double cv, ulong seed, IEnumerable<string>? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (count <= 0)
        {
            throw new ArgumentException($"The number of patients must be positive; got {count}.", nameof(count));
        }
        if (!double.IsFinite(cv) || cv < 0)
        {
            throw new ArgumentException($"The coefficient of variation must be 0 or more; got {cv}.", nameof(cv));
        }
        var names = parameters?.ToArray() ?? [.. model.Parameters.Select(p => p.Name)];
        var indices = names.Select(n =>
        {
            try
            {
                return model.ParameterIndex(n);
            }
            catch (KeyNotFoundException e)
            {
                throw new ArgumentException(e.Message, nameof(parameters), e);
            }
        }).ToArray();
        var omega = Math.Sqrt(Math.Log(1 + (cv * cv)));
        var columns = names.ToDictionary(n => n, _ => new double[count], StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var stream = RandomStream.For(seed, "ensemble.variability", (ulong)i);
            for (var k = 0; k < names.Length; k++)
            {
                columns[names[k]][i] = model.Parameters[indices[k]].Value * Math.Exp(omega * stream.NextNormal());
            }
        }
        return new PatientTable(count, columns, null, string.Create(CultureInfo.InvariantCulture,
            $"{count} patients, log-normal variability CV {cv} on {string.Join(", ", names)}, seed {seed}"));
    }

    /// <summary>Reads a table from CSV: a header of parameter or state names, then one row of numbers per patient.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="FormatException">A malformed file; the message gives the line.</exception>
    public static PatientTable FromCsv(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var lines = File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToArray();
        if (lines.Length < 2)
        {
            throw new FormatException($"{path}: expected a header line and at least one row of values.");
        }
        var header = lines[0].Split(',').Select(h => h.Trim()).ToArray();
        var columns = header.ToDictionary(h => h, _ => new double[lines.Length - 1], StringComparer.Ordinal);
        if (columns.Count != header.Length)
        {
            throw new FormatException($"{path}, line 1: a column name appears twice.");
        }
        for (var r = 1; r < lines.Length; r++)
        {
            var cells = lines[r].Split(',');
            if (cells.Length != header.Length)
            {
                throw new FormatException($"{path}, line {r + 1}: {cells.Length} values for {header.Length} columns.");
            }
            for (var c = 0; c < cells.Length; c++)
            {
                if (!double.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                {
                    throw new FormatException($"{path}, line {r + 1}, column '{header[c]}': '{cells[c]}' is not a finite number.");
                }
                columns[header[c]][r - 1] = v;
            }
        }
        var table = FromColumns(columns);
        return new PatientTable(table.Count, table._columns, null, $"{table.Count} patients from {Path.GetFileName(path)}");
    }

    /// <summary>This table with extra doses per patient.</summary>
    /// <param name="doses">The doses of patient i (in addition to the problem's treatments).</param>
    public PatientTable WithDoses(Func<int, IEnumerable<PatientDose>> doses) =>
        new(Count, _columns, doses ?? throw new ArgumentNullException(nameof(doses)), Description + ", with per-patient doses");
}
