using System.Globalization;

namespace TwinLab.Synthetic.Evaluation;

/// <summary>
/// Fidelity of longitudinal data in long format (one row per subject and visit). For each numeric value column:
/// <list type="bullet">
/// <item><description><b>Trajectory.PerVisitKSComplement</b>: the mean over visits (the distinct values of the visit
/// column present in both tables) of the KSComplement of the values at that visit;</description></item>
/// <item><description><b>Trajectory.ChangeKSComplement</b>: KSComplement of the within-subject changes from each
/// subject's first present value to each later present value;</description></item>
/// <item><description><b>Trajectory.Lag1Similarity</b>: 1 − |r_real − r_syn| / 2 with r the Pearson correlation of
/// consecutive present values within subjects (the pooled lag-1 autocorrelation).</description></item>
/// </list>
/// All range over 0–1, higher is better. Visits are ordered by the visit column (numerically when numeric, else by
/// text); missing values are excluded and counted; visits present in only one table are named in the note.
/// </summary>
public sealed class TrajectoryFidelity : IEvaluationMetric
{
    private readonly string[] _values;

    /// <summary>Creates the metric.</summary>
    /// <param name="subjectColumn">The column identifying subjects.</param>
    /// <param name="visitColumn">The column identifying the visit (time or visit label).</param>
    /// <param name="valueColumns">Numeric columns measured at each visit.</param>
    public TrajectoryFidelity(string subjectColumn, string visitColumn, params string[] valueColumns)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subjectColumn);
        ArgumentException.ThrowIfNullOrWhiteSpace(visitColumn);
        ArgumentNullException.ThrowIfNull(valueColumns);
        if (valueColumns.Length == 0)
        {
            throw new ArgumentException("Name at least one value column.", nameof(valueColumns));
        }
        SubjectColumn = subjectColumn;
        VisitColumn = visitColumn;
        _values = valueColumns;
    }

    /// <summary>The subject column.</summary>
    public string SubjectColumn { get; }

    /// <summary>The visit column.</summary>
    public string VisitColumn { get; }

    /// <inheritdoc/>
    public string Name => "Trajectory";

    /// <inheritdoc/>
    public IReadOnlyList<MetricScore> Evaluate(EvaluationData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var scores = new List<MetricScore>();
        foreach (var name in _values)
        {
            if (data.Real[name].Kind != ColumnKind.Numeric)
            {
                throw new ArgumentException($"Trajectory value column '{name}' must be numeric.");
            }
            var real = Series(data.Real, name, out var missingReal);
            var syn = Series(data.Synthetic, name, out var missingSyn);
            var missing = missingReal + missingSyn;

            var realVisits = real.SelectMany(s => s.Value.Select(p => p.Visit)).Distinct(StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
            var synVisits = syn.SelectMany(s => s.Value.Select(p => p.Visit)).Distinct(StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
            var shared = realVisits.Intersect(synVisits).ToArray();
            var ks = new List<double>();
            foreach (var v in shared)
            {
                var a = real.Values.SelectMany(s => s.Where(p => p.Visit == v).Select(p => p.Value)).ToArray();
                var b = syn.Values.SelectMany(s => s.Where(p => p.Visit == v).Select(p => p.Value)).ToArray();
                ks.Add(KSComplement.Score(a, b));
            }
            var unmatched = realVisits.Union(synVisits).Except(shared).ToArray();
            scores.Add(new MetricScore("Trajectory.PerVisitKSComplement", name, null, ks.Count > 0 ? ks.Average() : double.NaN, 0, 1, true, missing,
                Note: string.Create(CultureInfo.InvariantCulture, $"{shared.Length} shared visits") + (unmatched.Length > 0 ? "; visits in one table only: " + string.Join(", ", unmatched.Order()) : "")));

            scores.Add(new MetricScore("Trajectory.ChangeKSComplement", name, null, KSComplement.Score(Changes(real), Changes(syn)), 0, 1, true, missing,
                Note: "change from each subject's first present value"));

            var rr = Lag1(real);
            var rs = Lag1(syn);
            scores.Add(new MetricScore("Trajectory.Lag1Similarity", name, null, 1 - Math.Abs(rr - rs) / 2, 0, 1, true, missing,
                Note: string.Create(CultureInfo.InvariantCulture, $"lag-1 autocorrelation real {rr:F4}, synthetic {rs:F4}")));
        }
        return scores;
    }

    private Dictionary<string, List<(string Visit, double Order, double Value)>> Series(TabularData table, string valueColumn, out int missing)
    {
        var subject = table[SubjectColumn];
        var visit = table[VisitColumn];
        var value = table[valueColumn].Numbers;
        var series = new Dictionary<string, List<(string, double, double)>>(StringComparer.Ordinal);
        missing = 0;
        for (var r = 0; r < table.RowCount; r++)
        {
            var s = subject.TextAt(r);
            var v = visit.TextAt(r);
            if (s is null || v is null || double.IsNaN(value[r]))
            {
                missing++;
                continue;
            }
            var order = visit.Kind == ColumnKind.Numeric ? visit.Numbers[r] : double.NaN;
            if (!series.TryGetValue(s, out var list))
            {
                series[s] = list = [];
            }
            list.Add((v, order, value[r]));
        }
        foreach (var list in series.Values)
        {
            list.Sort((a, b) => double.IsNaN(a.Item2) ? string.CompareOrdinal(a.Item1, b.Item1) : a.Item2.CompareTo(b.Item2));
        }
        return series;
    }

    private static double[] Changes(Dictionary<string, List<(string Visit, double Order, double Value)>> series)
    {
        var changes = new List<double>();
        foreach (var list in series.Values)
        {
            for (var i = 1; i < list.Count; i++)
            {
                changes.Add(list[i].Value - list[0].Value);
            }
        }
        return changes.ToArray();
    }

    private static double Lag1(Dictionary<string, List<(string Visit, double Order, double Value)>> series)
    {
        var x = new List<double>();
        var y = new List<double>();
        foreach (var list in series.Values)
        {
            for (var i = 1; i < list.Count; i++)
            {
                x.Add(list[i - 1].Value);
                y.Add(list[i].Value);
            }
        }
        return x.Count >= 2 ? Statistics.Pearson(x.ToArray(), y.ToArray()) : double.NaN;
    }
}
