namespace TwinLab.Synthetic.Evaluation;

/// <summary>
/// KSComplement (SDMetrics): for a numeric column, 1 − D where D is the two-sample Kolmogorov–Smirnov statistic,
/// the largest gap between the empirical distribution functions of the real and synthetic values. Range 0–1, higher
/// is better (1: identical empirical distributions). Missing values are excluded and counted.
/// </summary>
public sealed class KSComplement : IEvaluationMetric
{
    private readonly string[]? _columns;

    /// <summary>Scores the named numeric columns, or every numeric column when none is named.</summary>
    /// <param name="columns">Column names.</param>
    public KSComplement(params string[] columns) => _columns = columns is { Length: > 0 } ? columns : null;

    /// <inheritdoc/>
    public string Name => "KSComplement";

    /// <summary>1 − the KS statistic between two samples (NaN when either is empty).</summary>
    /// <param name="real">Real values (no NaN).</param>
    /// <param name="synthetic">Synthetic values (no NaN).</param>
    public static double Score(double[] real, double[] synthetic) => 1.0 - Statistics.KolmogorovSmirnov(real, synthetic);

    /// <inheritdoc/>
    public IReadOnlyList<MetricScore> Evaluate(EvaluationData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var names = _columns ?? data.Real.Columns.Where(c => c.Kind == ColumnKind.Numeric).Select(c => c.Name).ToArray();
        var scores = new List<MetricScore>();
        foreach (var name in names)
        {
            var r = data.Real[name];
            var s = data.Synthetic[name];
            if (r.Kind != ColumnKind.Numeric)
            {
                throw new ArgumentException($"KSComplement needs a numeric column; '{name}' is categorical (use TVComplement).");
            }
            var value = Score(r.PresentNumbers(), s.PresentNumbers());
            scores.Add(new MetricScore(Name, name, null, value, 0, 1, true, r.MissingCount + s.MissingCount,
                Note: double.IsNaN(value) ? "no present values in one of the tables" : null));
        }
        return scores;
    }
}

/// <summary>
/// TVComplement (SDMetrics): for a categorical column, 1 − TVD with TVD = ½ Σ_c |p_real(c) − p_syn(c)| over the
/// categories of either table, frequencies taken over present values. Range 0–1, higher is better. Missing values are
/// excluded and counted.
/// </summary>
public sealed class TVComplement : IEvaluationMetric
{
    private readonly string[]? _columns;

    /// <summary>Scores the named categorical columns, or every categorical column when none is named.</summary>
    /// <param name="columns">Column names.</param>
    public TVComplement(params string[] columns) => _columns = columns is { Length: > 0 } ? columns : null;

    /// <inheritdoc/>
    public string Name => "TVComplement";

    /// <summary>1 − the total variation distance between the category frequencies of two label samples (missing labels ignored).</summary>
    /// <param name="real">Real labels.</param>
    /// <param name="synthetic">Synthetic labels.</param>
    public static double Score(ReadOnlySpan<string?> real, ReadOnlySpan<string?> synthetic)
    {
        var pr = Frequencies(real);
        var ps = Frequencies(synthetic);
        if (pr.Count == 0 || ps.Count == 0)
        {
            return double.NaN;
        }
        return 1.0 - TotalVariation(pr, ps);
    }

    internal static double TotalVariation(Dictionary<string, double> p, Dictionary<string, double> q)
    {
        var sum = 0.0;
        foreach (var (k, v) in p)
        {
            sum += Math.Abs(v - q.GetValueOrDefault(k));
        }
        foreach (var (k, v) in q)
        {
            if (!p.ContainsKey(k))
            {
                sum += v;
            }
        }
        return 0.5 * sum;
    }

    internal static Dictionary<string, double> Frequencies(ReadOnlySpan<string?> labels)
    {
        var counts = new Dictionary<string, double>(StringComparer.Ordinal);
        var n = 0;
        foreach (var l in labels)
        {
            if (l is null)
            {
                continue;
            }
            counts[l] = counts.GetValueOrDefault(l) + 1;
            n++;
        }
        foreach (var k in counts.Keys.ToArray())
        {
            counts[k] /= n;
        }
        return counts;
    }

    /// <inheritdoc/>
    public IReadOnlyList<MetricScore> Evaluate(EvaluationData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var names = _columns ?? data.Real.Columns.Where(c => c.Kind == ColumnKind.Categorical).Select(c => c.Name).ToArray();
        var scores = new List<MetricScore>();
        foreach (var name in names)
        {
            var r = data.Real[name];
            var s = data.Synthetic[name];
            if (r.Kind != ColumnKind.Categorical)
            {
                throw new ArgumentException($"TVComplement needs a categorical column; '{name}' is numeric (use KSComplement).");
            }
            var value = Score(r.Labels, s.Labels);
            scores.Add(new MetricScore(Name, name, null, value, 0, 1, true, r.MissingCount + s.MissingCount,
                Note: double.IsNaN(value) ? "no present values in one of the tables" : null));
        }
        return scores;
    }
}

/// <summary>Which correlation coefficient <see cref="CorrelationSimilarity"/> compares.</summary>
public enum CorrelationCoefficient
{
    /// <summary>Pearson's product-moment correlation.</summary>
    Pearson,

    /// <summary>Spearman's rank correlation (average ranks for ties).</summary>
    Spearman,
}

/// <summary>
/// CorrelationSimilarity (SDMetrics): for each pair of numeric columns, 1 − |ρ_real − ρ_syn| / 2, where ρ is Pearson's
/// or Spearman's correlation over the rows where both values are present. Range 0–1, higher is better. A pair with a
/// constant column in either table scores NaN, with a note.
/// </summary>
public sealed class CorrelationSimilarity : IEvaluationMetric
{
    private readonly string[]? _columns;

    /// <summary>Scores every pair among the named numeric columns (all numeric columns when none is named).</summary>
    /// <param name="coefficient">Pearson (default) or Spearman.</param>
    /// <param name="columns">Column names.</param>
    public CorrelationSimilarity(CorrelationCoefficient coefficient = CorrelationCoefficient.Pearson, params string[] columns)
    {
        Coefficient = coefficient;
        _columns = columns is { Length: > 0 } ? columns : null;
    }

    /// <summary>The coefficient compared.</summary>
    public CorrelationCoefficient Coefficient { get; }

    /// <inheritdoc/>
    public string Name => "CorrelationSimilarity";

    /// <summary>The correlation of two numeric columns over rows where both are present; also returns the rows left out.</summary>
    /// <param name="a">First column.</param>
    /// <param name="b">Second column.</param>
    /// <param name="coefficient">Pearson or Spearman.</param>
    /// <param name="excluded">Rows with a missing value in either column.</param>
    public static double Correlation(TabularColumn a, TabularColumn b, CorrelationCoefficient coefficient, out int excluded)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var x = new List<double>(a.Count);
        var y = new List<double>(a.Count);
        var na = a.Numbers;
        var nb = b.Numbers;
        for (var i = 0; i < na.Length; i++)
        {
            if (!double.IsNaN(na[i]) && !double.IsNaN(nb[i]))
            {
                x.Add(na[i]);
                y.Add(nb[i]);
            }
        }
        excluded = na.Length - x.Count;
        if (x.Count < 2)
        {
            return double.NaN;
        }
        return coefficient == CorrelationCoefficient.Pearson
            ? Statistics.Pearson(x.ToArray(), y.ToArray())
            : Statistics.Spearman(x.ToArray(), y.ToArray());
    }

    /// <inheritdoc/>
    public IReadOnlyList<MetricScore> Evaluate(EvaluationData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var names = _columns ?? data.Real.Columns.Where(c => c.Kind == ColumnKind.Numeric).Select(c => c.Name).ToArray();
        var scores = new List<MetricScore>();
        for (var i = 0; i < names.Length; i++)
        {
            for (var j = i + 1; j < names.Length; j++)
            {
                var rr = Correlation(data.Real[names[i]], data.Real[names[j]], Coefficient, out var er);
                var rs = Correlation(data.Synthetic[names[i]], data.Synthetic[names[j]], Coefficient, out var es);
                var value = 1.0 - Math.Abs(rr - rs) / 2.0;
                scores.Add(new MetricScore(Name, names[i] + "|" + names[j], null, value, 0, 1, true, er + es,
                    Note: double.IsNaN(value) ? "a column is constant (or has fewer than two present values) in one table, so its correlation is undefined" : Coefficient.ToString()));
            }
        }
        return scores;
    }
}

/// <summary>
/// ContingencySimilarity (SDMetrics): for a pair of columns of which at least one is categorical, 1 − TVD between the
/// real and synthetic two-way frequency tables (rows with a missing value in the pair excluded and counted). A numeric
/// column of the pair is discretised into <see cref="Bins"/> equal-width bins over the real range; synthetic values
/// outside that range fall into two extra bins "below" and "above" (they are not clamped into the edge bins).
/// Range 0–1, higher is better.
/// </summary>
public sealed class ContingencySimilarity : IEvaluationMetric
{
    private readonly string[]? _columns;

    /// <summary>Scores every pair among the named columns with at least one categorical member (all columns when none is named).</summary>
    /// <param name="bins">Bins for numeric members (SDMetrics uses 10).</param>
    /// <param name="columns">Column names.</param>
    public ContingencySimilarity(int bins = 10, params string[] columns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        Bins = bins;
        _columns = columns is { Length: > 0 } ? columns : null;
    }

    /// <summary>Equal-width bins for numeric members of a pair.</summary>
    public int Bins { get; }

    /// <inheritdoc/>
    public string Name => "ContingencySimilarity";

    /// <inheritdoc/>
    public IReadOnlyList<MetricScore> Evaluate(EvaluationData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var names = _columns ?? data.Real.ColumnNames.ToArray();
        var scores = new List<MetricScore>();
        for (var i = 0; i < names.Length; i++)
        {
            for (var j = i + 1; j < names.Length; j++)
            {
                var a = data.Real[names[i]];
                var b = data.Real[names[j]];
                if (a.Kind == ColumnKind.Numeric && b.Kind == ColumnKind.Numeric)
                {
                    continue; // numeric pairs are CorrelationSimilarity's
                }
                var ra = Discretise(a, a);
                var rb = Discretise(b, b);
                var sa = Discretise(data.Synthetic[names[i]], a);
                var sb = Discretise(data.Synthetic[names[j]], b);
                var pr = Joint(ra, rb, out var er);
                var ps = Joint(sa, sb, out var es);
                var value = pr.Count == 0 || ps.Count == 0 ? double.NaN : 1.0 - TVComplement.TotalVariation(pr, ps);
                scores.Add(new MetricScore(Name, names[i] + "|" + names[j], null, value, 0, 1, true, er + es,
                    Note: double.IsNaN(value) ? "no row has both values present in one table" : null));
            }
        }
        return scores;
    }

    /// <summary>Category labels of a column; numeric columns binned on the real column's range.</summary>
    internal string?[] Discretise(TabularColumn column, TabularColumn realColumn)
    {
        if (column.Kind == ColumnKind.Categorical)
        {
            return column.Labels.ToArray();
        }
        var present = realColumn.PresentNumbers();
        var lo = present.Length > 0 ? present.Min() : 0;
        var hi = present.Length > 0 ? present.Max() : 0;
        var width = (hi - lo) / Bins;
        var v = column.Numbers;
        var labels = new string?[v.Length];
        for (var i = 0; i < v.Length; i++)
        {
            var x = v[i];
            if (double.IsNaN(x))
            {
                labels[i] = null;
            }
            else if (x < lo)
            {
                labels[i] = "below";
            }
            else if (x > hi)
            {
                labels[i] = "above";
            }
            else
            {
                var k = width > 0 ? (int)Math.Min(Bins - 1, Math.Floor((x - lo) / width)) : 0;
                labels[i] = "bin" + k.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return labels;
    }

    private static Dictionary<string, double> Joint(string?[] a, string?[] b, out int excluded)
    {
        var joint = new string?[a.Length];
        excluded = 0;
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] is null || b[i] is null)
            {
                excluded++;
                continue;
            }
            joint[i] = a[i] + "\u001f" + b[i];
        }
        return TVComplement.Frequencies(joint);
    }
}
