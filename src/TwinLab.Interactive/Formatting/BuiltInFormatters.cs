using System.Collections;
using System.Globalization;
using System.Net;
using System.Text;
using TwinLab.Core.Modelling;
using TwinLab.Core.Distributions;
using TwinLab.Governance.Cards;
using TwinLab.Simulation;
using TwinLab.Simulation.Ensembles;
using TwinLab.Synthetic.Evaluation;

namespace TwinLab.Interactive;

/// <summary>The formatters every <see cref="FormatterRegistry"/> starts with.</summary>
internal static class BuiltInFormatters
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void RegisterAll(FormatterRegistry registry)
    {
        registry.Register<Html>(MimeTypes.Html, h => h.Content);
        registry.Register<Markdown>(MimeTypes.Markdown, m => m.Content);
        registry.Register<Latex>(MimeTypes.Latex, l => l.Delimited);
        registry.Register<Latex>(MimeTypes.PlainText, l => l.Content);
        registry.Register<IEnumerable>(MimeTypes.Html, value => value is string ? null : CollectionTable(value, registry.MaximumItems, registry.MaximumTableRows));
        registry.Register<Model>(MimeTypes.PlainText, m => m.ToText().TrimEnd());
        registry.Register<Model>(MimeTypes.Latex, m => $"$${m.ToLatex()}$$");
        registry.Register<Model>(MimeTypes.Html, ResultFormatters.ModelHtml);
        registry.Register<Solution>(MimeTypes.Html, ResultFormatters.SolutionHtml);
        registry.Register<EnsembleSolution>(MimeTypes.Html, ResultFormatters.EnsembleHtml);
        registry.Register<EnsembleSolution>(MimeTypes.PlainText, ResultFormatters.EnsembleText);
        registry.Register<PatientTable>(MimeTypes.Html, t => TableHtml.ForPatients(t, registry.MaximumTableRows, registry.MaximumItems));
        registry.Register<PatientTable>(MimeTypes.PlainText, t => string.Create(Invariant, $"PatientTable: {t.Count} patients; columns {string.Join(", ", t.Columns)}. {t.Description}"));
        registry.Register<Distribution>(MimeTypes.Html, ResultFormatters.DistributionHtml);
        registry.Register<QualityReport>(MimeTypes.Html, r => QualityReportHtml.Format(r, registry.MaximumTableRows));
        registry.Register<QualityReport>(MimeTypes.Markdown, r => r.ToMarkdown());
        // Cards and reports read as documents: Markdown (Jupyter, VS Code and the HTML export render it).
        registry.Register<CredibilityReport>(MimeTypes.Markdown, r => r.ToMarkdown());
        registry.Register<ModelCard>(MimeTypes.Markdown, c => c.ToMarkdown());
        registry.Register<SyntheticCohortDescription>(MimeTypes.Markdown, DataCard.ToMarkdown);
        registry.Register<Chart>(MimeTypes.PlainText, c => c.ToString());
        registry.Register<Chart>(MimeTypes.Svg, c => c.ToSvg());
        registry.Register<Chart>(MimeTypes.Plotly, c => c.ToPlotlyJson());
        // The SVG first, upgraded to an interactive plot where plotly.js can be loaded offline (see ChartHtml).
        registry.Register<Chart>(MimeTypes.Html, ChartHtml.Fragment);

        // What a front end that shows one representation (Polyglot Notebooks) should choose.
        registry.SetPreferredMimeType<string>(MimeTypes.PlainText);
        registry.SetPreferredMimeType<Html>(MimeTypes.Html);
        registry.SetPreferredMimeType<Markdown>(MimeTypes.Markdown);
        registry.SetPreferredMimeType<Latex>(MimeTypes.Latex);
        registry.SetPreferredMimeType<IEnumerable>(MimeTypes.Html);
        registry.SetPreferredMimeType<Model>(MimeTypes.Html);
        registry.SetPreferredMimeType<Solution>(MimeTypes.Html);
        registry.SetPreferredMimeType<EnsembleSolution>(MimeTypes.Html);
        registry.SetPreferredMimeType<PatientTable>(MimeTypes.Html);
        registry.SetPreferredMimeType<Distribution>(MimeTypes.Html);
        registry.SetPreferredMimeType<QualityReport>(MimeTypes.Html);
        registry.SetPreferredMimeType<CredibilityReport>(MimeTypes.Markdown);
        registry.SetPreferredMimeType<ModelCard>(MimeTypes.Markdown);
        registry.SetPreferredMimeType<SyntheticCohortDescription>(MimeTypes.Markdown);
        registry.SetPreferredMimeType<Chart>(MimeTypes.Html);
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Number(double value) => double.IsNaN(value) ? "—" : value.ToString("G6", Invariant);

    /// <summary>An HTML table of a collection: one column of values for scalars, one column per property for objects,
    /// key and value columns for dictionaries.</summary>
    internal static string CollectionTable(object value, int maximumItems, int maximumRows)
    {
        if (value is not IDictionary && TableHtml.ForRecords((IEnumerable)value, maximumRows, maximumItems) is { } records)
        {
            return records;
        }
        var sb = new StringBuilder();
        var type = value.GetType();
        var items = new List<object?>();
        var total = 0;
        if (value is IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                if (total++ < maximumItems)
                {
                    items.Add(entry);
                }
            }
        }
        else
        {
            foreach (var item in (IEnumerable)value)
            {
                if (total++ < maximumItems)
                {
                    items.Add(item);
                }
            }
        }

        sb.Append("<table class=\"twinlab-table\">");
        sb.Append("<caption>").Append(Encode(CollectionName(type))).Append(" (").Append(total).Append(total == 1 ? " item" : " items").Append(")</caption>");
        if (value is IDictionary)
        {
            sb.Append("<thead><tr><th>key</th><th>value</th></tr></thead><tbody>");
            foreach (DictionaryEntry entry in items.Cast<DictionaryEntry>())
            {
                sb.Append("<tr><td>").Append(Cell(entry.Key, maximumItems)).Append("</td><td>").Append(Cell(entry.Value, maximumItems)).Append("</td></tr>");
            }
        }
        else
        {
            var elementType = items.FirstOrDefault(i => i is not null)?.GetType();
            var properties = elementType is null || items.Any(i => i is not null && i.GetType() != elementType) || PlainText.IsScalar(items.First(i => i is not null))
                ? []
                : PlainText.ReadableProperties(elementType);
            if (properties.Count == 0)
            {
                sb.Append("<thead><tr><th>index</th><th>value</th></tr></thead><tbody>");
                for (var i = 0; i < items.Count; i++)
                {
                    sb.Append("<tr><td>").Append(i).Append("</td><td>").Append(Cell(items[i], maximumItems)).Append("</td></tr>");
                }
            }
            else
            {
                sb.Append("<thead><tr><th>index</th>");
                foreach (var p in properties)
                {
                    sb.Append("<th>").Append(Encode(p.Name)).Append("</th>");
                }
                sb.Append("</tr></thead><tbody>");
                for (var i = 0; i < items.Count; i++)
                {
                    sb.Append("<tr><td>").Append(i).Append("</td>");
                    foreach (var p in properties)
                    {
                        sb.Append("<td>").Append(Cell(items[i] is { } item ? PlainText.ReadProperty(p, item) : null, maximumItems)).Append("</td>");
                    }
                    sb.Append("</tr>");
                }
            }
        }
        if (total > items.Count)
        {
            sb.Append("<tr><td colspan=\"99\">… ").Append(total - items.Count).Append(" more</td></tr>");
        }
        sb.Append("</tbody></table>");
        if (total > 1 && NumbersOf(value) is { } numbers)
        {
            var s = TableHtml.Summarise(numbers);
            sb.Append("<p class=\"twinlab-summary\"><small>All ").Append(total.ToString(Invariant)).Append(" values: n = ").Append(s.Count.ToString(Invariant))
              .Append(", non-finite ").Append(s.Missing.ToString(Invariant));
            if (s.Count > 0)
            {
                sb.Append(", mean ").Append(Number(s.Mean)).Append(", sd ").Append(Number(s.StandardDeviation)).Append(", min ").Append(Number(s.Minimum))
                  .Append(", median ").Append(Number(s.Median)).Append(", max ").Append(Number(s.Maximum));
            }
            sb.Append("</small></p>");
        }
        return sb.ToString();
    }

    /// <summary>The values of a collection of numbers (double, float, int, long) as doubles, or null for other collections.</summary>
    private static IEnumerable<double>? NumbersOf(object value) => value switch
    {
        IEnumerable<double> d => d,
        IEnumerable<float> f => f.Select(x => (double)x),
        IEnumerable<int> i => i.Select(x => (double)x),
        IEnumerable<long> l => l.Select(x => (double)x),
        _ => null,
    };

    /// <summary>The name of a collection's type; for compiler-generated or non-public types (LINQ iterators), the
    /// public interface it implements, e.g. <c>IEnumerable&lt;double&gt;</c>.</summary>
    internal static string CollectionName(Type type)
    {
        var definition = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        if ((definition.IsVisible || type.IsArray) && !definition.Name.StartsWith('<'))
        {
            return TypeNames.Of(type);
        }
        var enumerable = type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return enumerable is null ? "IEnumerable" : TypeNames.Of(enumerable);
    }

    private static string Cell(object? value, int maximumItems) => Encode(PlainText.Format(value, Math.Min(maximumItems, 10)));
}
