using System.Text.RegularExpressions;
using TwinLab.Notebooks.Engine;
using TwinLab.TestSupport;

namespace TwinLab.Notebooks.Tests.Engine;

/// <summary>The C# cells of the user guide and the README run as written, in a notebook engine.</summary>
public sealed partial class UserGuideExampleTests
{
    [Fact]
    public void The_writing_cells_example_runs_and_shows_a_solution()
    {
        var page = File.ReadAllText(Path.Combine(DebianPython.RepositoryRoot, "docs", "user-guide", "notebooks.md"));
        var section = page[page.IndexOf("## Writing cells", StringComparison.Ordinal)..];
        var code = CodeBlock().Match(section).Groups[1].Value;
        Assert.Contains("ModelLibrary.Get(\"gompertz\")", code, StringComparison.Ordinal);
        using var engine = new ScriptEngine();
        var outcome = engine.Execute(new CellRequest(code), new RecordingListener());
        Assert.True(outcome.Succeeded, outcome.Error?.Summary);
        Assert.StartsWith("gompertz: Success", outcome.Result!.PlainText, StringComparison.Ordinal);
    }

    /// <summary>Every C# block of a page (from a heading on), run in order in one engine as consecutive cells.</summary>
    [Theory]
    [InlineData("docs/user-guide/models.md", "# Models")]
    [InlineData("docs/user-guide/tissue.md", "# The virtual tissue")]
    [InlineData("README.md", "## A first look")]
    public void The_csharp_blocks_of_a_page_run_in_order(string file, string heading)
    {
        var page = File.ReadAllText(Path.Combine(DebianPython.RepositoryRoot, file));
        var start = page.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"{file} has no heading '{heading}'.");
        var section = page[start..];
        var next = section.IndexOf("\n## ", heading.Length, StringComparison.Ordinal);
        if (heading.StartsWith("## ", StringComparison.Ordinal) && next > 0)
        {
            section = section[..next];
        }
        var blocks = CodeBlock().Matches(section).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(blocks);
        using var engine = new ScriptEngine();
        foreach (var (code, index) in blocks.Select((c, i) => (c, i + 1)))
        {
            var outcome = engine.Execute(new CellRequest(code), new RecordingListener());
            Assert.True(outcome.Succeeded, $"{file}, C# block {index}: {outcome.Error?.Summary}\n{code}");
        }
    }

    [GeneratedRegex("```csharp\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
