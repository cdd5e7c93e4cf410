using System.Globalization;
using System.Net;
using System.Text;
using TwinLab.Synthetic.Evaluation;

namespace TwinLab.Interactive;

/// <summary>The notebook display of a <see cref="QualityReport"/>: a scorecard (overall fidelity and its two parts),
/// a bar chart of every column's shape score, and a table of every score with its range, direction and interval.</summary>
internal static class QualityReportHtml
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Format(QualityReport report, int maximumRows)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder("<div class=\"twinlab-quality-report\">");
        sb.Append(Invariant, $"<p><b>Overall fidelity {Number(report.OverallFidelity)}</b> (column shapes {Number(report.ColumnShapes)}, column pair trends {Number(report.ColumnPairTrends)}); ");
        sb.Append(Invariant, $"{report.RealRows} real, {report.SyntheticRows} synthetic, {report.HoldoutRows} holdout rows.</p>");
        var shapes = report.Scores.Where(s => s.Subgroup is null && s.Column is not null && s.Metric is "KSComplement" or "TVComplement").ToArray();
        if (shapes.Length > 0)
        {
            var chart = new Chart { Title = "column shapes (1 = identical marginals)", YTitle = "score", XTitle = "column", Width = Math.Max(480, 120 + (60 * shapes.Length)), Height = 320 }
                .Add(new BarTrace(shapes.Select(s => s.Column!), shapes.Select(s => s.Value), "shape score"));
            sb.Append(ChartHtml.Fragment(chart));
        }
        sb.Append("<table class=\"twinlab-table\"><thead><tr><th>metric</th><th>column</th><th>subgroup</th><th>value</th><th>95 % interval</th><th>range</th><th>better</th><th>excluded rows</th></tr></thead><tbody>");
        foreach (var s in report.Scores.Take(maximumRows))
        {
            var interval = s.Lower is { } lo && s.Upper is { } hi ? $"{Number(lo)} – {Number(hi)}" : "";
            sb.Append(Invariant, $"<tr><td>{Encode(s.Metric)}</td><td>{Encode(s.Column ?? "")}</td><td>{Encode(s.Subgroup ?? "")}</td><td>{Number(s.Value)}</td><td>{interval}</td>");
            sb.Append(Invariant, $"<td>{Number(s.Minimum)} – {Number(s.Maximum)}</td><td>{(s.HigherIsBetter ? "higher" : "lower")}</td><td>{s.ExcludedRows}</td></tr>");
        }
        sb.Append("</tbody></table>");
        if (report.Scores.Count > maximumRows)
        {
            sb.Append(Invariant, $"<p>… {report.Scores.Count - maximumRows} more scores (all of them are in <code>ToJson()</code> and <code>ToMarkdown()</code>).</p>");
        }
        return sb.Append("</div>").ToString();
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Number(double value) => double.IsNaN(value) ? "n/a" : double.IsPositiveInfinity(value) ? "∞" : value.ToString("G4", Invariant);
}
