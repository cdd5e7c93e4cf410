using System.Text.Json.Nodes;
using TwinLab.Notebooks.Documents;

namespace TwinLab.Notebooks.Running;

/// <summary>How a cell fared in a verification.</summary>
public enum CellVerdict
{
    /// <summary>Every output reproduced.</summary>
    Reproduced,

    /// <summary>At least one output differs.</summary>
    Mismatch,

    /// <summary>Not compared: a markdown or raw cell, or a cell tagged <c>skip-execution</c>.</summary>
    NotCompared,
}

/// <summary>The comparison of one cell.</summary>
/// <param name="Index">The cell's 0-based position.</param>
/// <param name="CellId">The cell id.</param>
/// <param name="Verdict">The verdict.</param>
/// <param name="Differences">What differs (empty unless <see cref="CellVerdict.Mismatch"/>).</param>
public sealed record CellVerification(int Index, string CellId, CellVerdict Verdict, IReadOnlyList<string> Differences)
{
    /// <summary>How the cell is named in the report.</summary>
    public string Label => NotebookRunner.Label(Index, CellId);
}

/// <summary>The result of verifying a notebook.</summary>
/// <param name="Cells">Every cell's comparison.</param>
/// <param name="Run">The re-execution.</param>
public sealed record VerificationReport(IReadOnlyList<CellVerification> Cells, RunResult Run)
{
    /// <summary>Whether every compared cell reproduced.</summary>
    public bool Reproduced => Cells.All(c => c.Verdict != CellVerdict.Mismatch);

    /// <summary>The number of code cells compared.</summary>
    public int Compared => Cells.Count(c => c.Verdict != CellVerdict.NotCompared);

    /// <summary>The number of mismatching cells.</summary>
    public int Mismatches => Cells.Count(c => c.Verdict == CellVerdict.Mismatch);
}

/// <summary>
/// Re-executes a notebook and compares every output with the stored one (see <see cref="OutputComparer"/>): the check a
/// reviewer runs on a published notebook. The notebook runs as it was stored, with any injected parameters cell, and
/// carries on past errors so that every cell is compared.
/// </summary>
public static class NotebookVerifier
{
    /// <summary>Verifies a notebook.</summary>
    /// <param name="stored">The notebook with its stored outputs.</param>
    /// <param name="tolerance">The numeric tolerance.</param>
    /// <param name="cellTimeout">The longest one cell may run.</param>
    /// <returns>The per-cell report.</returns>
    public static VerificationReport Verify(NotebookDocument stored, Tolerance? tolerance = null, TimeSpan? cellTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(stored);
        tolerance ??= new Tolerance();
        var run = NotebookRunner.Run(stored, new RunOptions { AllowErrors = true, CellTimeout = cellTimeout });
        return Compare(stored, run, tolerance);
    }

    /// <summary>Compares a stored notebook with a run of it.</summary>
    /// <param name="stored">The stored notebook.</param>
    /// <param name="run">The re-execution.</param>
    /// <param name="tolerance">The numeric tolerance.</param>
    /// <returns>The per-cell report.</returns>
    public static VerificationReport Compare(NotebookDocument stored, RunResult run, Tolerance tolerance)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(tolerance);
        var executedById = run.Notebook.Cells.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var cells = new List<CellVerification>();
        for (var i = 0; i < stored.Cells.Count; i++)
        {
            var cell = stored.Cells[i];
            if (cell.Kind != CellKind.Code || cell.HasTag(NotebookRunner.SkipTag))
            {
                cells.Add(new CellVerification(i, cell.Id, CellVerdict.NotCompared, []));
                continue;
            }
            var differences = new List<string>();
            if (!executedById.TryGetValue(cell.Id, out var executed))
            {
                differences.Add("the cell is missing from the re-execution");
            }
            else
            {
                var expected = Coalesce(cell.Outputs);
                var actual = Coalesce(executed.Outputs);
                var count = Math.Min(expected.Count, actual.Count);
                for (var k = 0; k < count; k++)
                {
                    foreach (var difference in OutputComparer.Compare(expected[k], actual[k], tolerance))
                    {
                        differences.Add($"output {k + 1} ({Describe(expected[k])}): {difference}");
                    }
                }
                if (expected.Count != actual.Count)
                {
                    var extra = expected.Count > actual.Count
                        ? $"missing: {string.Join(", ", expected.Skip(count).Select(Describe))}"
                        : $"new: {string.Join(", ", actual.Skip(count).Select(o => Describe(o) + " " + Excerpt(NotebookOutputs.PlainTextOf(o))))}";
                    differences.Add($"expected {expected.Count} outputs, got {actual.Count} ({extra})");
                }
            }
            cells.Add(new CellVerification(i, cell.Id, differences.Count == 0 ? CellVerdict.Reproduced : CellVerdict.Mismatch, differences));
        }
        return new VerificationReport(cells, run);
    }

    /// <summary>Outputs with consecutive stream outputs of the same stream joined (front ends and runners split
    /// streams differently).</summary>
    private static List<JsonObject> Coalesce(IEnumerable<JsonObject> outputs)
    {
        var result = new List<JsonObject>();
        foreach (var output in outputs)
        {
            if (NotebookOutputs.TypeOf(output) == "stream" && result.Count > 0 && NotebookOutputs.TypeOf(result[^1]) == "stream"
                && NotebookOutputs.StringOf(result[^1], "name") == NotebookOutputs.StringOf(output, "name"))
            {
                result[^1] = NotebookOutputs.Stream(NotebookOutputs.StringOf(output, "name"),
                    NotebookOutputs.StringOf(result[^1], "text") + NotebookOutputs.StringOf(output, "text"));
                continue;
            }
            result.Add(output);
        }
        return result;
    }

    private static string Describe(JsonObject output) => NotebookOutputs.TypeOf(output) switch
    {
        "stream" => NotebookOutputs.StringOf(output, "name"),
        var type => type,
    };

    private static string Excerpt(string text)
    {
        var single = text.Replace("\n", "\\n", StringComparison.Ordinal);
        return "'" + (single.Length <= 60 ? single : single[..57] + "...") + "'";
    }
}
