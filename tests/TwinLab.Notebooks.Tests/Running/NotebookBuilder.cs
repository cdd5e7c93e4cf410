using System.Text.Json.Nodes;
using TwinLab.Notebooks.Documents;

namespace TwinLab.Notebooks.Tests.Running;

/// <summary>Builds small notebooks for tests.</summary>
internal static class NotebookBuilder
{
    public static NotebookDocument Of(params string[] codeCells)
    {
        var notebook = new NotebookDocument();
        for (var i = 0; i < codeCells.Length; i++)
        {
            notebook.Cells.Add(new NotebookCell(CellKind.Code, codeCells[i], $"c{i + 1}"));
        }
        return notebook;
    }

    public static NotebookDocument Tag(this NotebookDocument notebook, int index, params string[] tags)
    {
        notebook.Cells[index].Metadata[NotebookCell.TagsKey] = new JsonArray([.. tags.Select(t => (JsonNode)t)]);
        return notebook;
    }

    public static string Text(this NotebookCell cell) => string.Concat(cell.Outputs.Select(NotebookOutputs.PlainTextOf));
}
