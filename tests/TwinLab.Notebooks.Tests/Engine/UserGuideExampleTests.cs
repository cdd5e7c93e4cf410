using System.Text.RegularExpressions;
using TwinLab.Notebooks.Engine;
using TwinLab.TestSupport;

namespace TwinLab.Notebooks.Tests.Engine;

/// <summary>The C# cells of docs/user-guide/notebooks.md run as written.</summary>
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

    [GeneratedRegex("```csharp\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
