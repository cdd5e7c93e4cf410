using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TwinLab.Synthetic.Evaluation;

/// <summary>What a <see cref="QualityReport"/> computes.</summary>
public sealed record QualityReportOptions
{
    /// <summary>Seed of every stochastic step (folds, subsamples, bootstrap).</summary>
    public ulong Seed { get; init; }

    /// <summary>A column to predict for the utility metrics (needs a holdout), or null for none.</summary>
    public string? Target { get; init; }

    /// <summary>The learner of the utility metrics.</summary>
    public LearnerKind Learner { get; init; } = LearnerKind.Linear;

    /// <summary>Categorical columns whose subgroups get fidelity and utility breakdowns and representation figures.</summary>
    public IReadOnlyList<string> Subgroups { get; init; } = [];

    /// <summary>Whether to run the logistic detection test.</summary>
    public bool Detection { get; init; } = true;

    /// <summary>Whether to compute MMD.</summary>
    public bool MaximumMeanDiscrepancy { get; init; } = true;

    /// <summary>Whether to compute α-precision, β-recall and authenticity.</summary>
    public bool AlphaPrecision { get; init; } = true;

    /// <summary>Whether to compute the distance-based privacy metrics (needs a holdout).</summary>
    public bool Privacy { get; init; } = true;

    /// <summary>Bootstrap resamples for the utility intervals.</summary>
    public int BootstrapReplicates { get; init; } = 200;

    /// <summary>For longitudinal data in long format: the subject column (with <see cref="VisitColumn"/> and
    /// <see cref="TrajectoryColumns"/>, adds <see cref="TrajectoryFidelity"/>), or null.</summary>
    public string? SubjectColumn { get; init; }

    /// <summary>For longitudinal data: the visit (time) column, or null.</summary>
    public string? VisitColumn { get; init; }

    /// <summary>For longitudinal data: the numeric columns measured at each visit.</summary>
    public IReadOnlyList<string> TrajectoryColumns { get; init; } = [];
}

/// <summary>
/// A quality report of synthetic against real data: every score, named by metric, column and subgroup, and an overall
/// fidelity score. The overall fidelity follows SDMetrics' quality report: <see cref="ColumnShapes"/> is the mean of
/// KSComplement (numeric columns) and TVComplement (categorical columns); <see cref="ColumnPairTrends"/> the mean of
/// CorrelationSimilarity (Pearson, numeric pairs) and ContingencySimilarity (other pairs); <see cref="OverallFidelity"/>
/// the mean of the two (each a plain mean over the scores that are not NaN).
/// </summary>
public sealed record QualityReport
{
    /// <summary>The JSON schema id written in <see cref="ToJson"/>.</summary>
    public const string Schema = "twinlab.quality-report/1";

    /// <summary>Every score.</summary>
    public required IReadOnlyList<MetricScore> Scores { get; init; }

    /// <summary>Mean of the column-shape scores (0–1, higher is better).</summary>
    public required double ColumnShapes { get; init; }

    /// <summary>Mean of the column-pair-trend scores (0–1, higher is better; NaN with a single column).</summary>
    public required double ColumnPairTrends { get; init; }

    /// <summary>Mean of <see cref="ColumnShapes"/> and <see cref="ColumnPairTrends"/> (0–1, higher is better).</summary>
    public required double OverallFidelity { get; init; }

    /// <summary>Rows of the real table.</summary>
    public required int RealRows { get; init; }

    /// <summary>Rows of the synthetic table.</summary>
    public required int SyntheticRows { get; init; }

    /// <summary>Rows of the holdout (0 when there is none).</summary>
    public required int HoldoutRows { get; init; }

    /// <summary>The options used.</summary>
    public required QualityReportOptions Options { get; init; }

    /// <summary>Computes the report.</summary>
    /// <param name="data">Real, synthetic and optional holdout tables.</param>
    /// <param name="options">What to compute (defaults when null).</param>
    public static QualityReport Evaluate(EvaluationData data, QualityReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new QualityReportOptions();
        var scores = new List<MetricScore>();
        var shapes = new List<IEvaluationMetric> { new KSComplement(), new TVComplement() };
        var pairs = new List<IEvaluationMetric> { new CorrelationSimilarity(), new ContingencySimilarity() };
        var shapeScores = shapes.SelectMany(m => m.Evaluate(data)).ToArray();
        var pairScores = pairs.SelectMany(m => m.Evaluate(data)).ToArray();
        scores.AddRange(shapeScores);
        scores.AddRange(pairScores);
        scores.AddRange(new CorrelationSimilarity(CorrelationCoefficient.Spearman).Evaluate(data).Select(s => s with { Metric = "CorrelationSimilarity.Spearman" }));
        if (options.SubjectColumn is not null && options.VisitColumn is not null && options.TrajectoryColumns.Count > 0)
        {
            scores.AddRange(new TrajectoryFidelity(options.SubjectColumn, options.VisitColumn, [.. options.TrajectoryColumns]).Evaluate(data));
        }
        else if (options.SubjectColumn is not null || options.VisitColumn is not null || options.TrajectoryColumns.Count > 0)
        {
            throw new ArgumentException("Trajectory fidelity needs all three of SubjectColumn, VisitColumn and TrajectoryColumns.");
        }
        if (options.Detection)
        {
            scores.AddRange(new LogisticDetection(options.Seed).Evaluate(data));
        }
        if (options.MaximumMeanDiscrepancy)
        {
            scores.AddRange(new MaximumMeanDiscrepancy(options.Seed).Evaluate(data));
        }
        if (options.AlphaPrecision)
        {
            scores.AddRange(new AlphaPrecision(options.Seed).Evaluate(data));
        }
        if (options.Privacy && data.Holdout is not null)
        {
            scores.AddRange(new PrivacyMetrics(options.Seed).Evaluate(data));
        }
        foreach (var group in options.Subgroups)
        {
            scores.AddRange(new SubgroupRepresentation(group).Evaluate(data));
            foreach (var metric in shapes.Concat(pairs))
            {
                scores.AddRange(new SubgroupBreakdown(metric, group).Evaluate(data));
            }
        }
        if (options.Target is not null && data.Holdout is not null)
        {
            scores.AddRange(new UtilityMetrics(options.Target, options.Learner, seed: options.Seed) { BootstrapReplicates = options.BootstrapReplicates }.Evaluate(data));
            foreach (var group in options.Subgroups.Where(g => g != options.Target))
            {
                scores.AddRange(new UtilityMetrics(options.Target, options.Learner, seed: options.Seed) { BootstrapReplicates = 0, SubgroupColumn = group }
                    .Evaluate(data).Where(s => s.Subgroup is not null));
            }
        }
        var columnShapes = MeanOf(shapeScores);
        var pairTrends = MeanOf(pairScores);
        var overall = double.IsNaN(pairTrends) ? columnShapes : double.IsNaN(columnShapes) ? pairTrends : (columnShapes + pairTrends) / 2;
        return new QualityReport
        {
            Scores = scores,
            ColumnShapes = columnShapes,
            ColumnPairTrends = pairTrends,
            OverallFidelity = overall,
            RealRows = data.Real.RowCount,
            SyntheticRows = data.Synthetic.RowCount,
            HoldoutRows = data.Holdout?.RowCount ?? 0,
            Options = options,
        };
    }

    /// <summary>The scores of one metric (and optionally one column or subgroup).</summary>
    /// <param name="metric">The metric name.</param>
    /// <param name="column">The column, or null for any.</param>
    /// <param name="subgroup">The subgroup, or null for any.</param>
    public IEnumerable<MetricScore> Find(string metric, string? column = null, string? subgroup = null) =>
        Scores.Where(s => s.Metric == metric && (column is null || s.Column == column) && (subgroup is null || s.Subgroup == subgroup));

    private static double MeanOf(IEnumerable<MetricScore> scores)
    {
        var values = scores.Select(s => s.Value).Where(v => !double.IsNaN(v)).ToArray();
        return values.Length > 0 ? values.Average() : double.NaN;
    }

    /// <summary>The report as JSON: schema id, row counts, options, the aggregate scores and every metric score.
    /// Non-finite numbers (NaN, unbounded ranges) are written as null.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("schema", Schema);
            w.WriteStartObject("rows");
            w.WriteNumber("real", RealRows);
            w.WriteNumber("synthetic", SyntheticRows);
            w.WriteNumber("holdout", HoldoutRows);
            w.WriteEndObject();
            w.WriteStartObject("options");
            w.WriteNumber("seed", Options.Seed);
            if (Options.Target is null)
            {
                w.WriteNull("target");
            }
            else
            {
                w.WriteString("target", Options.Target);
            }
            w.WriteString("learner", Options.Learner.ToString());
            w.WriteStartArray("subgroups");
            foreach (var g in Options.Subgroups)
            {
                w.WriteStringValue(g);
            }
            w.WriteEndArray();
            w.WriteEndObject();
            Number(w, "overall_fidelity", OverallFidelity);
            Number(w, "column_shapes", ColumnShapes);
            Number(w, "column_pair_trends", ColumnPairTrends);
            w.WriteStartArray("scores");
            foreach (var s in Scores)
            {
                w.WriteStartObject();
                w.WriteString("metric", s.Metric);
                Text(w, "column", s.Column);
                Text(w, "subgroup", s.Subgroup);
                Number(w, "value", s.Value);
                Number(w, "minimum", s.Minimum);
                Number(w, "maximum", s.Maximum);
                w.WriteBoolean("higher_is_better", s.HigherIsBetter);
                w.WriteNumber("excluded_rows", s.ExcludedRows);
                Number(w, "lower", s.Lower ?? double.NaN);
                Number(w, "upper", s.Upper ?? double.NaN);
                Text(w, "note", s.Note);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes <see cref="ToJson"/> to <paramref name="path"/> (written to a temporary file, then renamed).</summary>
    /// <param name="path">The destination.</param>
    public void WriteJson(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        var temporary = full + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        File.WriteAllText(temporary, ToJson(), new UTF8Encoding(false));
        File.Move(temporary, full, overwrite: true);
    }

    /// <summary>A Markdown scorecard: the aggregates, then one table row per score.</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"**Overall fidelity {F(OverallFidelity)}** (column shapes {F(ColumnShapes)}, column pair trends {F(ColumnPairTrends)}); {RealRows} real, {SyntheticRows} synthetic, {HoldoutRows} holdout rows.");
        sb.AppendLine();
        sb.AppendLine("| Metric | Column | Subgroup | Value | 95% interval | Range | Better | Excluded rows |");
        sb.AppendLine("|---|---|---|---:|---|---|---|---:|");
        foreach (var s in Scores)
        {
            var interval = s.Lower is { } lo && s.Upper is { } hi ? $"{F(lo)} – {F(hi)}" : "";
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {s.Metric} | {s.Column} | {s.Subgroup} | {F(s.Value)} | {interval} | {F(s.Minimum)} – {F(s.Maximum)} | {(s.HigherIsBetter ? "higher" : "lower")} | {s.ExcludedRows} |");
        }
        return sb.ToString();
    }

    /// <summary>A one-paragraph summary: the aggregates and the number of scores.</summary>
    public override string ToString() =>
        $"QualityReport: overall fidelity {F(OverallFidelity)} (column shapes {F(ColumnShapes)}, pair trends {F(ColumnPairTrends)}), {Scores.Count} scores";

    private static string F(double v) => double.IsNaN(v) ? "n/a" : double.IsPositiveInfinity(v) ? "∞" : double.IsNegativeInfinity(v) ? "−∞" : v.ToString("G4", CultureInfo.InvariantCulture);

    private static void Number(Utf8JsonWriter w, string name, double v)
    {
        if (double.IsFinite(v))
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void Text(Utf8JsonWriter w, string name, string? v)
    {
        if (v is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, v);
        }
    }
}
