using System.Text;
using System.Text.RegularExpressions;
using TwinLab.TestSupport;

namespace TwinLab.IntegrationTests;

/// <summary>Every relative link in the README, the docs and the notebooks' README leads to a file that exists, and
/// every #anchor into a Markdown page to one of its headings (GitHub's heading slugs).</summary>
public sealed partial class DocumentationLinkTests
{
    [Fact]
    public void Every_relative_link_and_anchor_resolves()
    {
        var root = DebianPython.RepositoryRoot;
        var pages = new[] { Path.Combine(root, "README.md"), Path.Combine(root, "notebooks", "README.md") }
            .Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories))
            .ToList();
        var broken = new List<string>();
        var checkedLinks = 0;
        foreach (var page in pages)
        {
            var text = CodeBlock().Replace(File.ReadAllText(page), "");
            foreach (Match link in MarkdownLink().Matches(text))
            {
                var target = link.Groups[1].Value;
                if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    continue;
                }
                checkedLinks++;
                var hash = target.IndexOf('#', StringComparison.Ordinal);
                var path = hash >= 0 ? target[..hash] : target;
                var anchor = hash >= 0 ? target[(hash + 1)..] : null;
                var resolved = path.Length == 0 ? page : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, Uri.UnescapeDataString(path)));
                var where = $"{Path.GetRelativePath(root, page)}: ({target})";
                if (!File.Exists(resolved) && !Directory.Exists(resolved))
                {
                    broken.Add($"{where} — {Path.GetRelativePath(root, resolved)} does not exist");
                }
                else if (anchor is not null && resolved.EndsWith(".md", StringComparison.Ordinal) && !Anchors(resolved).Contains(anchor))
                {
                    broken.Add($"{where} — no heading with the anchor '#{anchor}' in {Path.GetRelativePath(root, resolved)}");
                }
            }
        }
        Assert.True(checkedLinks > 50, $"only {checkedLinks} relative links were found; the scan is not reading the pages");
        Assert.True(broken.Count == 0, "Broken links:\n" + string.Join('\n', broken));
    }

    [Theory]
    [InlineData("Rich display and charts", "rich-display-and-charts")]
    [InlineData("4. Verification", "4-verification")]
    [InlineData("The `twinlab` command", "the-twinlab-command")]
    [InlineData("Fields: the diffusion–reaction equation", "fields-the-diffusionreaction-equation")]
    public void Heading_slugs_follow_github(string heading, string slug) => Assert.Equal(slug, Slug(heading));

    private static HashSet<string> Anchors(string page)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Match heading in Heading().Matches(CodeBlock().Replace(File.ReadAllText(page), "")))
        {
            var slug = Slug(heading.Groups[1].Value);
            // GitHub numbers repeated headings: slug, slug-1, slug-2, ...
            anchors.Add(seen.TryGetValue(slug, out var count) ? $"{slug}-{count}" : slug);
            seen[slug] = count + 1;
        }
        return anchors;
    }

    /// <summary>GitHub's heading anchor: lower case; letters, digits, spaces, hyphens and underscores kept (other
    /// characters dropped); spaces become hyphens.</summary>
    private static string Slug(string heading)
    {
        var text = new StringBuilder();
        foreach (var c in heading.Trim().ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_')
            {
                text.Append(c);
            }
            else if (c == ' ')
            {
                text.Append('-');
            }
        }
        return text.ToString();
    }

    [GeneratedRegex(@"```.*?```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"^#{1,6}\s+(.+?)\s*$", RegexOptions.Multiline)]
    private static partial Regex Heading();
}
