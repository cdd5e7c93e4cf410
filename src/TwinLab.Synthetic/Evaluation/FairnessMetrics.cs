using System.Globalization;

namespace TwinLab.Synthetic.Evaluation;

/// <summary>Group-fairness differences of a classifier's predictions, as Fairlearn defines them (between groups, worst case).</summary>
public static class FairnessMetrics
{
    /// <summary>Demographic-parity difference: max_g P(ŷ = 1 | g) − min_g P(ŷ = 1 | g). Range 0–1, lower is better.
    /// Rows with a missing group (null) are left out.</summary>
    /// <param name="predicted">Predicted labels.</param>
    /// <param name="groups">Group of each row.</param>
    public static double DemographicParityDifference(ReadOnlySpan<bool> predicted, ReadOnlySpan<string?> groups)
    {
        var rates = Rates(predicted, groups, null, null);
        return rates.Count == 0 ? double.NaN : rates.Values.Max() - rates.Values.Min();
    }

    /// <summary>Equalised-odds difference: the larger of the true-positive-rate difference and the false-positive-rate
    /// difference (each max − min over groups). Range 0–1, lower is better. A group without positives (or negatives)
    /// has no true- (or false-) positive rate and is left out of that difference.</summary>
    /// <param name="truth">True labels.</param>
    /// <param name="predicted">Predicted labels.</param>
    /// <param name="groups">Group of each row.</param>
    public static double EqualizedOddsDifference(ReadOnlySpan<bool> truth, ReadOnlySpan<bool> predicted, ReadOnlySpan<string?> groups)
    {
        var tpr = Rates(predicted, groups, truth, true);
        var fpr = Rates(predicted, groups, truth, false);
        var dt = tpr.Count == 0 ? double.NaN : tpr.Values.Max() - tpr.Values.Min();
        var df = fpr.Count == 0 ? double.NaN : fpr.Values.Max() - fpr.Values.Min();
        return double.IsNaN(dt) ? df : double.IsNaN(df) ? dt : Math.Max(dt, df);
    }

    private static Dictionary<string, double> Rates(ReadOnlySpan<bool> predicted, ReadOnlySpan<string?> groups, ReadOnlySpan<bool> truth, bool? condition)
    {
        if (predicted.Length != groups.Length || (condition is not null && truth.Length != predicted.Length))
        {
            throw new ArgumentException("Predictions, truth and groups need one entry per row.");
        }
        var hits = new Dictionary<string, (int Positive, int Total)>(StringComparer.Ordinal);
        for (var i = 0; i < predicted.Length; i++)
        {
            var g = groups[i];
            if (g is null || (condition is { } c && truth[i] != c))
            {
                continue;
            }
            var h = hits.GetValueOrDefault(g);
            hits[g] = (h.Positive + (predicted[i] ? 1 : 0), h.Total + 1);
        }
        return hits.ToDictionary(kv => kv.Key, kv => (double)kv.Value.Positive / kv.Value.Total, StringComparer.Ordinal);
    }
}

/// <summary>
/// Runs another metric within each subgroup of a categorical column (real, synthetic and holdout split alike) and
/// summarises every (metric, column) by its worst group (<c>Metric.WorstGroup</c>, lowest when higher is better) and
/// its spread (<c>Metric.SubgroupGap</c>, max − min over groups, lower is better). Rows with a missing subgroup label
/// are excluded and counted; a group too small for the metric gets NaN with the reason.
/// </summary>
public sealed class SubgroupBreakdown : IEvaluationMetric
{
    /// <summary>Creates the breakdown.</summary>
    /// <param name="metric">The metric to run per subgroup.</param>
    /// <param name="subgroupColumn">The categorical column defining the subgroups.</param>
    public SubgroupBreakdown(IEvaluationMetric metric, string subgroupColumn)
    {
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentException.ThrowIfNullOrWhiteSpace(subgroupColumn);
        Metric = metric;
        SubgroupColumn = subgroupColumn;
    }

    /// <summary>The metric run per subgroup.</summary>
    public IEvaluationMetric Metric { get; }

    /// <summary>The subgroup column.</summary>
    public string SubgroupColumn { get; }

    /// <inheritdoc/>
    public string Name => Metric.Name + " by " + SubgroupColumn;

    /// <inheritdoc/>
    public IReadOnlyList<MetricScore> Evaluate(EvaluationData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var column = data.Real[SubgroupColumn];
        if (column.Kind != ColumnKind.Categorical)
        {
            throw new ArgumentException($"Subgroup column '{SubgroupColumn}' must be categorical; it is numeric (bin it into labelled groups first).");
        }
        var groups = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var t in new[] { data.Real, data.Synthetic })
        {
            foreach (var l in t[SubgroupColumn].Labels)
            {
                if (l is not null)
                {
                    groups.Add(l);
                }
            }
        }
        var missing = data.Real[SubgroupColumn].MissingCount + data.Synthetic[SubgroupColumn].MissingCount + (data.Holdout?[SubgroupColumn].MissingCount ?? 0);
        var perGroup = new List<MetricScore>();
        foreach (var g in groups)
        {
            var sub = SubgroupColumn + "=" + g;
            var real = Select(data.Real, g);
            var syn = Select(data.Synthetic, g);
            var hold = data.Holdout is null ? null : Select(data.Holdout, g);
            try
            {
                if (real.RowCount == 0 || syn.RowCount == 0)
                {
                    throw new ArgumentException($"{real.RowCount} real and {syn.RowCount} synthetic rows");
                }
                foreach (var s in Metric.Evaluate(new EvaluationData(real, syn, hold)))
                {
                    perGroup.Add(s with { Subgroup = sub, ExcludedRows = s.ExcludedRows + missing });
                }
            }
            catch (ArgumentException e)
            {
                perGroup.Add(new MetricScore(Metric.Name, null, sub, double.NaN, double.NaN, double.NaN, true, missing,
                    Note: string.Create(CultureInfo.InvariantCulture, $"not computed in this subgroup ({real.RowCount} real, {syn.RowCount} synthetic rows): {e.Message}")));
            }
        }
        return [.. perGroup, .. Summarise(perGroup, SubgroupColumn)];
    }

    /// <summary>Worst group and max–min gap of per-subgroup scores, per (metric, column).</summary>
    /// <param name="perGroup">Scores with <see cref="MetricScore.Subgroup"/> set.</param>
    /// <param name="subgroupColumn">The subgroup column (named in the summaries).</param>
    public static IReadOnlyList<MetricScore> Summarise(IEnumerable<MetricScore> perGroup, string subgroupColumn)
    {
        ArgumentNullException.ThrowIfNull(perGroup);
        var result = new List<MetricScore>();
        foreach (var key in perGroup.Where(s => !double.IsNaN(s.Value)).GroupBy(s => (s.Metric, s.Column)))
        {
            var items = key.ToArray();
            var higher = items[0].HigherIsBetter;
            var worst = higher ? items.MinBy(s => s.Value)! : items.MaxBy(s => s.Value)!;
            var gap = items.Max(s => s.Value) - items.Min(s => s.Value);
            result.Add(worst with { Metric = key.Key.Metric + ".WorstGroup", Lower = null, Upper = null, Note = $"worst of {items.Length} subgroups of {subgroupColumn}" });
            var width = double.IsInfinity(items[0].Maximum - items[0].Minimum) ? double.PositiveInfinity : items[0].Maximum - items[0].Minimum;
            result.Add(new MetricScore(key.Key.Metric + ".SubgroupGap", key.Key.Column, subgroupColumn, gap, 0, width, false,
                items.Max(s => s.ExcludedRows), Note: $"max − min over {items.Length} subgroups"));
        }
        return result;
    }

    private TabularData Select(TabularData table, string group)
    {
        var labels = table[SubgroupColumn].Labels;
        var keep = new bool[labels.Length];
        for (var i = 0; i < keep.Length; i++)
        {
            keep[i] = labels[i] == group;
        }
        return table.Where(keep);
    }
}

/// <summary>
/// Subgroup representation: for each group of a categorical column, <c>RepresentationRatio</c> = synthetic share /
/// real share (0 to ∞; 1 when the group has the same share as in the real data, below 1 when it is under-represented;
/// "higher is better" applies up to 1, deliberate oversampling gives values above 1), and for the column as a whole
/// <c>RepresentationTVComplement</c> (TVComplement of the group shares, 0–1, higher is better).
/// </summary>
public sealed class SubgroupRepresentation : IEvaluationMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="subgroupColumn">The categorical column defining the groups.</param>
    public SubgroupRepresentation(string subgroupColumn)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subgroupColumn);
        SubgroupColumn = subgroupColumn;
    }

    /// <summary>The subgroup column.</summary>
    public string SubgroupColumn { get; }

    /// <inheritdoc/>
    public string Name => "RepresentationRatio";

    /// <inheritdoc/>
    public IReadOnlyList<MetricScore> Evaluate(EvaluationData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var real = data.Real[SubgroupColumn];
        var syn = data.Synthetic[SubgroupColumn];
        if (real.Kind != ColumnKind.Categorical)
        {
            throw new ArgumentException($"Subgroup column '{SubgroupColumn}' must be categorical.");
        }
        var pr = TVComplement.Frequencies(real.Labels);
        var ps = TVComplement.Frequencies(syn.Labels);
        var missing = real.MissingCount + syn.MissingCount;
        var scores = new List<MetricScore>();
        foreach (var g in pr.Keys.Union(ps.Keys).Order(StringComparer.Ordinal))
        {
            var a = pr.GetValueOrDefault(g);
            var b = ps.GetValueOrDefault(g);
            scores.Add(new MetricScore(Name, SubgroupColumn, SubgroupColumn + "=" + g, a > 0 ? b / a : double.PositiveInfinity, 0, double.PositiveInfinity, true, missing,
                Note: string.Create(CultureInfo.InvariantCulture, $"real share {a:F4}, synthetic share {b:F4}; 1 is parity")));
        }
        scores.Add(new MetricScore("RepresentationTVComplement", SubgroupColumn, null, TVComplement.Score(real.Labels, syn.Labels), 0, 1, true, missing));
        return scores;
    }
}
