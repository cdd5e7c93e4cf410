using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace TwinLab.Notebooks.Running;

/// <summary>
/// A small Markdown-to-HTML renderer for exported notebooks: ATX headings, paragraphs, bullet and numbered lists,
/// fenced and indented code, block quotes, horizontal rules, tables, and inline code, emphasis, links and images.
/// Mathematics (<c>$...$</c>, <c>$$...$$</c>) is kept as written. Raw HTML is escaped.
/// </summary>
internal static partial class MarkdownRenderer
{
    public static string ToHtml(string markdown)
    {
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var sb = new StringBuilder();
        var i = 0;
        while (i < lines.Length)
        {
            var line = lines[i];
            var trimmed = line.Trim();
            if (trimmed.Length == 0)
            {
                i++;
                continue;
            }
            if (trimmed.StartsWith("```", StringComparison.Ordinal) || trimmed.StartsWith("~~~", StringComparison.Ordinal))
            {
                var fence = trimmed[..3];
                var code = new List<string>();
                i++;
                while (i < lines.Length && !lines[i].Trim().StartsWith(fence, StringComparison.Ordinal))
                {
                    code.Add(lines[i++]);
                }
                i++;
                sb.Append("<pre><code>").Append(Encode(string.Join('\n', code))).Append("</code></pre>\n");
                continue;
            }
            if (Heading().Match(line) is { Success: true } heading)
            {
                var level = heading.Groups[1].Value.Length;
                sb.Append("<h").Append(level).Append('>').Append(Inline(heading.Groups[2].Value.TrimEnd('#', ' '))).Append("</h").Append(level).Append(">\n");
                i++;
                continue;
            }
            if (Rule().IsMatch(trimmed))
            {
                sb.Append("<hr>\n");
                i++;
                continue;
            }
            if (trimmed.StartsWith('>'))
            {
                var quoted = new List<string>();
                while (i < lines.Length && lines[i].TrimStart().StartsWith('>'))
                {
                    quoted.Add(lines[i++].TrimStart()[1..].TrimStart());
                }
                sb.Append("<blockquote>").Append(ToHtml(string.Join('\n', quoted))).Append("</blockquote>\n");
                continue;
            }
            if (trimmed.StartsWith('|') && i + 1 < lines.Length && TableSeparator().IsMatch(lines[i + 1].Trim()))
            {
                sb.Append("<table><thead><tr>");
                foreach (var cell in Cells(trimmed))
                {
                    sb.Append("<th>").Append(Inline(cell)).Append("</th>");
                }
                sb.Append("</tr></thead><tbody>");
                i += 2;
                while (i < lines.Length && lines[i].Trim().StartsWith('|'))
                {
                    sb.Append("<tr>");
                    foreach (var cell in Cells(lines[i].Trim()))
                    {
                        sb.Append("<td>").Append(Inline(cell)).Append("</td>");
                    }
                    sb.Append("</tr>");
                    i++;
                }
                sb.Append("</tbody></table>\n");
                continue;
            }
            if (ListItem().Match(line) is { Success: true } item)
            {
                var ordered = char.IsDigit(item.Groups[2].Value[0]);
                sb.Append(ordered ? "<ol>\n" : "<ul>\n");
                while (i < lines.Length && ListItem().Match(lines[i]) is { Success: true } next && char.IsDigit(next.Groups[2].Value[0]) == ordered)
                {
                    var text = new StringBuilder(next.Groups[3].Value);
                    i++;
                    while (i < lines.Length && lines[i].Trim().Length > 0 && !ListItem().IsMatch(lines[i]) && lines[i].StartsWith(' '))
                    {
                        text.Append(' ').Append(lines[i++].Trim());
                    }
                    sb.Append("<li>").Append(Inline(text.ToString())).Append("</li>\n");
                }
                sb.Append(ordered ? "</ol>\n" : "</ul>\n");
                continue;
            }
            if (line.StartsWith("    ", StringComparison.Ordinal))
            {
                var code = new List<string>();
                while (i < lines.Length && (lines[i].StartsWith("    ", StringComparison.Ordinal) || lines[i].Trim().Length == 0))
                {
                    code.Add(lines[i].Length >= 4 ? lines[i][4..] : "");
                    i++;
                }
                sb.Append("<pre><code>").Append(Encode(string.Join('\n', code).TrimEnd())).Append("</code></pre>\n");
                continue;
            }
            var paragraph = new List<string>();
            while (i < lines.Length && lines[i].Trim().Length > 0 && !Heading().IsMatch(lines[i]) && !lines[i].Trim().StartsWith("```", StringComparison.Ordinal)
                && !ListItem().IsMatch(lines[i]) && !lines[i].TrimStart().StartsWith('>'))
            {
                paragraph.Add(lines[i++].Trim());
            }
            sb.Append("<p>").Append(Inline(string.Join('\n', paragraph))).Append("</p>\n");
        }
        return sb.ToString();
    }

    private static IEnumerable<string> Cells(string row) => row.Trim('|').Split('|').Select(c => c.Trim());

    /// <summary>Inline markup: code spans first (their content is literal), then images, links, bold and italics.</summary>
    private static string Inline(string text)
    {
        var sb = new StringBuilder();
        var parts = CodeSpan().Split(text);
        for (var k = 0; k < parts.Length; k++)
        {
            if (k % 2 == 1)
            {
                sb.Append("<code>").Append(Encode(parts[k])).Append("</code>");
                continue;
            }
            var html = Encode(parts[k]);
            html = Image().Replace(html, "<img alt=\"$1\" src=\"$2\">");
            html = Link().Replace(html, "<a href=\"$2\">$1</a>");
            html = Bold().Replace(html, "<strong>$2</strong>");
            html = Italic().Replace(html, "<em>$2</em>");
            sb.Append(html);
        }
        return sb.ToString();
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    [GeneratedRegex(@"^(#{1,6})\s+(.*)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^(?:-{3,}|\*{3,}|_{3,})$")]
    private static partial Regex Rule();

    [GeneratedRegex(@"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")]
    private static partial Regex TableSeparator();

    [GeneratedRegex(@"^(\s{0,3})([-*+]|\d+[.)])\s+(.*)$")]
    private static partial Regex ListItem();

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"!\[([^\]]*)\]\(([^)\s]+)\)")]
    private static partial Regex Image();

    [GeneratedRegex(@"\[([^\]]+)\]\(([^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"(\*\*|__)(.+?)\1")]
    private static partial Regex Bold();

    [GeneratedRegex(@"(?<![\w*])(\*|_)(?!\s)(.+?)(?<!\s)\1(?![\w*])")]
    private static partial Regex Italic();
}
