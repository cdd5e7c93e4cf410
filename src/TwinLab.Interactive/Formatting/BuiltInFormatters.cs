using System.Collections;
using System.Globalization;
using System.Net;
using System.Text;
using TwinLab.Core.Modelling;
using TwinLab.Simulation;

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
        registry.Register<IEnumerable>(MimeTypes.Html, value => value is string ? null : CollectionTable(value, registry.MaximumItems));
        registry.Register<Model>(MimeTypes.PlainText, m => m.ToText().TrimEnd());
        registry.Register<Model>(MimeTypes.Latex, m => $"$${m.ToLatex()}$$");
        registry.Register<Model>(MimeTypes.Html, ModelHtml);
        registry.Register<Solution>(MimeTypes.Html, SolutionHtml);
        registry.Register<Chart>(MimeTypes.PlainText, c => c.ToString());
        registry.Register<Chart>(MimeTypes.Svg, c => c.ToSvg());
        registry.Register<Chart>(MimeTypes.Plotly, c => c.ToPlotlyJson());
        // The SVG first, upgraded to an interactive plot where plotly.js can be loaded offline (see ChartHtml).
        registry.Register<Chart>(MimeTypes.Html, ChartHtml.Fragment);
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Number(double value) => value.ToString("G6", Invariant);

    /// <summary>An HTML table of a collection: one column of values for scalars, one column per property for objects,
    /// key and value columns for dictionaries.</summary>
    internal static string CollectionTable(object value, int maximumItems)
    {
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
        return sb.ToString();
    }

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

    /// <summary>A model: title, description, the equations as LaTeX between <c>$$</c> (typeset by the front end), and
    /// tables of states and parameters.</summary>
    internal static string ModelHtml(Model model)
    {
        var sb = new StringBuilder();
        sb.Append("<div class=\"twinlab-model\">");
        sb.Append("<h4>").Append(Encode(model.Name)).Append(' ').Append(Encode(model.Version)).Append("</h4>");
        if (model.Description.Length > 0)
        {
            sb.Append("<p>").Append(Encode(model.Description)).Append("</p>");
        }
        sb.Append("<div class=\"twinlab-equations\">$$").Append(Encode(model.ToLatex())).Append("$$</div>");
        sb.Append("<table class=\"twinlab-table\"><caption>States</caption><thead><tr><th>state</th><th>initial</th><th>unit</th><th>description</th></tr></thead><tbody>");
        foreach (var s in model.States)
        {
            sb.Append("<tr><td>").Append(Encode(s.Name)).Append("</td><td>").Append(Encode(s.Initial.ToString()))
              .Append("</td><td>").Append(Encode(s.Unit)).Append("</td><td>").Append(Encode(s.Description)).Append("</td></tr>");
        }
        sb.Append("</tbody></table>");
        sb.Append("<table class=\"twinlab-table\"><caption>Parameters</caption><thead><tr><th>parameter</th><th>value</th><th>unit</th><th>range</th><th>prior</th><th>description</th></tr></thead><tbody>");
        foreach (var p in model.Parameters)
        {
            sb.Append("<tr><td>").Append(Encode(p.Name)).Append("</td><td>").Append(Number(p.Value))
              .Append("</td><td>").Append(Encode(p.Unit)).Append("</td><td>[").Append(Number(p.Lower)).Append(", ").Append(Number(p.Upper))
              .Append("]</td><td>").Append(Encode(p.Prior?.ToString() ?? "—")).Append("</td><td>").Append(Encode(p.Description)).Append("</td></tr>");
        }
        sb.Append("</tbody></table>");
        sb.Append("<p><small>Digest ").Append(Encode(model.Digest)).Append("</small></p>");
        sb.Append("</div>");
        return sb.ToString();
    }

    /// <summary>A solution: how the solve ended, what it cost, and each state at the start and end.</summary>
    internal static string SolutionHtml(Solution solution)
    {
        var model = solution.Model;
        var sb = new StringBuilder();
        sb.Append("<div class=\"twinlab-solution\"><table class=\"twinlab-table\"><caption>Solution of ")
          .Append(Encode(model.Name)).Append(' ').Append(Encode(model.Version)).Append("</caption><tbody>");
        void Row(string name, string value) => sb.Append("<tr><th>").Append(name).Append("</th><td>").Append(value).Append("</td></tr>");
        Row("status", Encode(solution.Status.ToString()) + (solution.Message.Length > 0 ? " — " + Encode(solution.Message) : ""));
        Row("algorithm", Encode(solution.Algorithm));
        Row("time span", $"[{Number(solution.Problem.Start)}, {Number(solution.Problem.End)}]");
        Row("saved points", solution.Count.ToString(Invariant));
        var st = solution.Statistics;
        Row("steps", string.Create(Invariant, $"{st.AcceptedSteps} accepted, {st.RejectedSteps} rejected"));
        Row("f evaluations", st.FunctionEvaluations.ToString(Invariant));
        if (solution.Events.Count > 0)
        {
            Row("events", string.Join(", ", solution.Events.Select(e => Encode(e.Name) + " at t = " + Number(e.Time))));
        }
        sb.Append("</tbody></table>");
        if (solution.Count > 0)
        {
            sb.Append("<table class=\"twinlab-table\"><thead><tr><th>state</th><th>t = ").Append(Number(solution.Times[0]))
              .Append("</th><th>t = ").Append(Number(solution.Times[^1])).Append("</th></tr></thead><tbody>");
            for (var s = 0; s < model.States.Count; s++)
            {
                sb.Append("<tr><td>").Append(Encode(model.States[s].Name)).Append("</td><td>").Append(Number(solution[0, s]))
                  .Append("</td><td>").Append(Number(solution[solution.Count - 1, s])).Append("</td></tr>");
            }
            sb.Append("</tbody></table>");
        }
        sb.Append("</div>");
        return sb.ToString();
    }
}
