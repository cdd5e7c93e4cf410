using System.Text.Json.Nodes;
using TwinLab.Notebooks.Documents;
using TwinLab.Notebooks.Running;

namespace TwinLab.Notebooks.Tests.Running;

public sealed class VerifierTests
{
    private static NotebookDocument Executed(params string[] cells) => NotebookRunner.Run(NotebookBuilder.Of(cells)).Notebook;

    private static void SetPlainText(NotebookCell cell, string text) =>
        cell.Outputs.Single(o => NotebookOutputs.TypeOf(o) == "execute_result")["data"]!["text/plain"] = text;

    [Fact]
    public void An_unchanged_notebook_reproduces()
    {
        var stored = Executed("var x = 1.0 / 3;", "Console.WriteLine(x);\nx", "display(new[] { 1, 2 });");
        var report = NotebookVerifier.Verify(stored);
        Assert.True(report.Reproduced, string.Join("; ", report.Cells.SelectMany(c => c.Differences)));
        Assert.Equal(3, report.Compared);
    }

    [Fact]
    public void A_changed_output_is_caught_and_located()
    {
        var stored = Executed("var answer = 42;", "answer");
        SetPlainText(stored.Cells[1], "43");
        var report = NotebookVerifier.Verify(stored);
        Assert.False(report.Reproduced);
        var cell = report.Cells.Single(c => c.Verdict == CellVerdict.Mismatch);
        Assert.Equal("c2", cell.CellId);
        Assert.Contains("output 1 (execute_result): text/plain, line 1: expected '43', got '42'", cell.Differences);
    }

    [Fact]
    public void Numbers_in_text_are_compared_within_the_tolerances()
    {
        var stored = Executed("$\"mean = {0.1234567:R} after 10 steps\"");
        SetPlainText(stored.Cells[0], "mean = 0.12345671 after 10 steps");
        Assert.True(NotebookVerifier.Verify(stored, new Tolerance(1e-6, 0)).Reproduced);
        Assert.False(NotebookVerifier.Verify(stored, new Tolerance(1e-9, 0)).Reproduced);
        Assert.True(NotebookVerifier.Verify(stored, new Tolerance(0, 1e-7)).Reproduced);
        SetPlainText(stored.Cells[0], "mean = 0.12345671 after 11 steps");
        Assert.False(NotebookVerifier.Verify(stored, new Tolerance(1e-6, 0)).Reproduced);
    }

    [Fact]
    public void Missing_and_extra_outputs_are_mismatches()
    {
        var stored = Executed("Console.WriteLine(\"a\");");
        stored.Cells[0].Outputs.Add(NotebookOutputs.Stream("stderr", "warning\n"));
        var report = NotebookVerifier.Verify(stored);
        Assert.Contains(report.Cells[0].Differences, d => d.Contains("expected 2 outputs, got 1", StringComparison.Ordinal));
    }

    [Fact]
    public void Json_data_is_compared_by_structure_with_numeric_tolerance()
    {
        var expected = new JsonObject { ["output_type"] = "display_data", ["metadata"] = new JsonObject(), ["data"] = new JsonObject { ["text/plain"] = "chart", ["application/vnd.plotly.v1+json"] = JsonNode.Parse("""{"data": [{"x": [1, 2], "y": [0.5, 1.0000001]}]}""") } };
        var close = (JsonObject)expected.DeepClone();
        close["data"]!["application/vnd.plotly.v1+json"]!["data"]![0]!["y"]![1] = 1.0;
        Assert.Empty(OutputComparer.Compare(expected, close, new Tolerance(1e-6, 0)));
        var far = (JsonObject)expected.DeepClone();
        far["data"]!["application/vnd.plotly.v1+json"]!["data"]![0]!["y"]![1] = 1.1;
        Assert.Contains("application/vnd.plotly.v1+json.data[0].y[1]: expected 1.0000001, got 1.1", OutputComparer.Compare(expected, far, new Tolerance(1e-6, 0)));
    }

    [Theory]
    [InlineData("saved to /tmp/run-1234/out.csv", "saved to <path>")]
    [InlineData("at 2026-11-22T06:33:24.123Z done", "at <timestamp> done")]
    [InlineData("System.Object@1a2b3c4d and Submission#12+Patient", "System.Object@<hash> and Submission#N+Patient")]
    [InlineData("id 3f2504e0-4f89-11d3-9a0c-0305e82c3301", "id <guid>")]
    [InlineData("Wall time: 12.3 ms\nCPU time: 10.0 ms (process)", "Wall time: <duration>\nCPU time: <duration>")]
    [InlineData("pointer 0x7ffd5e8a1b20", "pointer <address>")]
    public void Volatile_values_are_sanitised(string text, string expected) =>
        Assert.Equal(expected, OutputComparer.Sanitise(text));

    [Fact]
    public void Errors_are_compared_by_name_and_message()
    {
        var stored = NotebookRunner.Run(NotebookBuilder.Of("throw new InvalidOperationException(\"at /home/a/file.txt\");").Tag(0, "raises-exception")).Notebook;
        stored.Cells[0].Outputs[0]["evalue"] = "at /other/place/file.txt";
        Assert.True(NotebookVerifier.Verify(stored).Reproduced);
        stored.Cells[0].Outputs[0]["ename"] = "ArgumentException";
        Assert.False(NotebookVerifier.Verify(stored).Reproduced);
    }
}
