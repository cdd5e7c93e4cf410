namespace TwinLab.Synthetic.Evaluation;

/// <summary>
/// One named figure of an evaluation: the metric (e.g. "KSComplement"), what it was computed on (a column, a pair
/// "a|b", a subgroup "sex=F"), its value, its range and its direction.
/// </summary>
/// <param name="Metric">The metric name, as in the methods page (e.g. "KSComplement", "TSTR.AUC").</param>
/// <param name="Column">The column or column pair ("a|b") it describes, or null when it describes whole records.</param>
/// <param name="Subgroup">The subgroup ("column=value"), or null for all rows.</param>
/// <param name="Value">The value (NaN when it cannot be computed; <see cref="Note"/> says why).</param>
/// <param name="Minimum">The smallest possible value.</param>
/// <param name="Maximum">The largest possible value.</param>
/// <param name="HigherIsBetter">True when larger values mean better synthetic data (for privacy: more protection).</param>
/// <param name="ExcludedRows">Rows left out (missing values, subsampling), real and synthetic together.</param>
/// <param name="Lower">The lower end of a 95% interval, when one was computed.</param>
/// <param name="Upper">The upper end of a 95% interval, when one was computed.</param>
/// <param name="Note">Why the value is NaN, what was excluded, or how the value was obtained.</param>
public sealed record MetricScore(
    string Metric,
    string? Column,
    string? Subgroup,
    double Value,
    double Minimum,
    double Maximum,
    bool HigherIsBetter,
    int ExcludedRows = 0,
    double? Lower = null,
    double? Upper = null,
    string? Note = null)
{
    /// <summary>A short human-readable line: "KSComplement[age] = 0.953 (0–1, higher is better)".</summary>
    public override string ToString()
    {
        var target = (Column, Subgroup) switch
        {
            (null, null) => "",
            (not null, null) => $"[{Column}]",
            (null, not null) => $"[{Subgroup}]",
            _ => $"[{Column}; {Subgroup}]",
        };
        var interval = Lower is { } lo && Upper is { } hi ? FormattableString.Invariant($" [{lo:G4}, {hi:G4}]") : "";
        return FormattableString.Invariant($"{Metric}{target} = {Value:G4}{interval} ({Minimum:G3} to {Maximum:G3}, {(HigherIsBetter ? "higher" : "lower")} is better)");
    }
}

/// <summary>
/// The tables an evaluation compares: the real data the generator was fitted to, the synthetic data, and optionally a
/// real holdout the generator never saw (needed by utility, distance-to-closest-record baselines and membership
/// inference). All tables must have the same columns with the same kinds.
/// </summary>
public sealed record EvaluationData
{
    /// <summary>Creates and checks the evaluation data.</summary>
    /// <param name="real">The real (training) data.</param>
    /// <param name="synthetic">The synthetic data.</param>
    /// <param name="holdout">A real holdout that the generator never saw, or null.</param>
    public EvaluationData(TabularData real, TabularData synthetic, TabularData? holdout = null)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(synthetic);
        CheckSameSchema(real, synthetic, "synthetic");
        if (holdout is not null)
        {
            CheckSameSchema(real, holdout, "holdout");
        }
        Real = real;
        Synthetic = synthetic;
        Holdout = holdout;
    }

    /// <summary>The real data the generator was fitted to.</summary>
    public TabularData Real { get; }

    /// <summary>The synthetic data.</summary>
    public TabularData Synthetic { get; }

    /// <summary>A real holdout the generator never saw, or null.</summary>
    public TabularData? Holdout { get; }

    /// <summary>The holdout, or an exception naming the metric that needs it.</summary>
    /// <param name="metric">The metric asking.</param>
    public TabularData RequireHoldout(string metric) => Holdout ?? throw new InvalidOperationException(
        $"{metric} needs a real holdout (real records the generator never saw); pass one to EvaluationData.");

    private static void CheckSameSchema(TabularData real, TabularData other, string what)
    {
        foreach (var column in real.Columns)
        {
            if (!other.Contains(column.Name))
            {
                throw new ArgumentException($"The {what} table lacks column '{column.Name}' of the real table; both need the same columns.");
            }
            var kind = other[column.Name].Kind;
            if (kind != column.Kind)
            {
                throw new ArgumentException($"Column '{column.Name}' is {column.Kind} in the real table but {kind} in the {what} table; make its values parse the same way in both (a column is numeric only when every present value is a number).");
            }
        }
        foreach (var column in other.Columns)
        {
            if (!real.Contains(column.Name))
            {
                throw new ArgumentException($"The {what} table has column '{column.Name}', which the real table lacks; both need the same columns.");
            }
        }
    }
}

/// <summary>A metric that compares synthetic with real data and yields named scores.</summary>
public interface IEvaluationMetric
{
    /// <summary>The metric's name (the <see cref="MetricScore.Metric"/> of its main scores).</summary>
    string Name { get; }

    /// <summary>Computes the scores.</summary>
    /// <param name="data">The real, synthetic and (optionally) holdout tables.</param>
    IReadOnlyList<MetricScore> Evaluate(EvaluationData data);
}
