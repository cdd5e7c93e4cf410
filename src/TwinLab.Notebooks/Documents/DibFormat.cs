using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TwinLab.Notebooks.Documents;

/// <summary>
/// Reads and writes Polyglot Notebooks files (<c>.dib</c>): plain text in which a line <c>#!csharp</c>,
/// <c>#!markdown</c> (or another kernel name) starts a cell, and an optional first <c>#!meta</c> cell holds JSON
/// metadata. A <c>.dib</c> file has no outputs; TwinLab writes an executed one as <c>.ipynb</c>. Other <c>#!</c> lines
/// (magics such as <c>#!time</c>) stay inside their cell. Cells get deterministic ids (<c>cell-1</c>, <c>cell-2</c>, ...).
/// </summary>
public static class DibFormat
{
    /// <summary>The file extension.</summary>
    public const string Extension = ".dib";

    /// <summary>The notebook-metadata key under which the <c>#!meta</c> JSON is kept.</summary>
    public const string MetadataKey = "polyglot_notebook";

    private static readonly Dictionary<string, string> Kernels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["csharp"] = "csharp", ["c#"] = "csharp", ["cs"] = "csharp",
        ["fsharp"] = "fsharp", ["f#"] = "fsharp", ["fs"] = "fsharp",
        ["pwsh"] = "pwsh", ["powershell"] = "pwsh",
        ["javascript"] = "javascript", ["js"] = "javascript",
        ["html"] = "html", ["sql"] = "sql", ["kql"] = "kql", ["mermaid"] = "mermaid", ["http"] = "http",
        ["value"] = "value", ["markdown"] = "markdown", ["md"] = "markdown", ["meta"] = "meta",
    };

    /// <summary>Reads a <c>.dib</c> file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The notebook.</returns>
    /// <exception cref="NotebookFormatException">The <c>#!meta</c> cell is not valid JSON.</exception>
    public static NotebookDocument Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var notebook = Parse(File.ReadAllText(path, Encoding.UTF8), path);
        notebook.SourcePath = path;
        return notebook;
    }

    /// <summary>Parses <c>.dib</c> text.</summary>
    /// <param name="text">The text.</param>
    /// <param name="sourceName">The file name used in error messages.</param>
    /// <returns>The notebook.</returns>
    /// <exception cref="NotebookFormatException">The <c>#!meta</c> cell is not valid JSON.</exception>
    public static NotebookDocument Parse(string text, string sourceName = "notebook.dib")
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var notebook = new NotebookDocument();
        string? kernel = null;
        var kernelLine = 0;
        var body = new List<string>();
        var preamble = new List<string>();

        void Flush()
        {
            if (kernel is null)
            {
                if (preamble.Any(l => l.Trim().Length > 0))
                {
                    // Text before the first cell marker is C# (the default kernel), as Polyglot Notebooks reads it.
                    AddCell(notebook, "csharp", preamble, sourceName, 1);
                }
                return;
            }
            AddCell(notebook, kernel, body, sourceName, kernelLine);
            body.Clear();
        }

        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.StartsWith("#!", StringComparison.Ordinal) && Kernels.TryGetValue(line[2..].Trim(), out var name))
            {
                Flush();
                kernel = name;
                kernelLine = i + 1;
                continue;
            }
            (kernel is null ? preamble : body).Add(line);
        }
        Flush();
        notebook.Metadata["kernelspec"] = new JsonObject { ["name"] = "twinlab", ["display_name"] = "TwinLab (C#)", ["language"] = "C#" };
        return notebook;
    }

    private static void AddCell(NotebookDocument notebook, string kernel, List<string> lines, string sourceName, int line)
    {
        var start = 0;
        var end = lines.Count;
        while (start < end && lines[start].Trim().Length == 0)
        {
            start++;
        }
        while (end > start && lines[end - 1].Trim().Length == 0)
        {
            end--;
        }
        var source = string.Join('\n', lines.Skip(start).Take(end - start));
        if (kernel == "meta")
        {
            try
            {
                notebook.Metadata[MetadataKey] = source.Length == 0 ? new JsonObject() : JsonNode.Parse(source);
            }
            catch (JsonException e)
            {
                throw new NotebookFormatException($"{sourceName}:{line + start + 1 + (int)(e.LineNumber ?? 0)}: the #!meta cell is not valid JSON ({e.Message})", e);
            }
            return;
        }
        var id = $"cell-{notebook.Cells.Count + 1}";
        var kind = kernel == "markdown" ? CellKind.Markdown : CellKind.Code;
        notebook.Cells.Add(new NotebookCell(kind, source, id) { Language = kind == CellKind.Code ? kernel : null });
    }

    /// <summary>Writes a notebook as <c>.dib</c> text (outputs are not stored in this format).</summary>
    /// <param name="notebook">The notebook.</param>
    /// <returns>The text.</returns>
    public static string Write(NotebookDocument notebook)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        var sb = new StringBuilder();
        var meta = notebook.Metadata[MetadataKey] ?? new JsonObject
        {
            ["kernelInfo"] = new JsonObject
            {
                ["defaultKernelName"] = "csharp",
                ["items"] = new JsonArray(new JsonObject { ["aliases"] = new JsonArray(), ["name"] = "csharp" }),
            },
        };
        sb.Append("#!meta\n\n").Append(meta.ToJsonString(new JsonSerializerOptions { WriteIndented = false })).Append("\n\n");
        foreach (var cell in notebook.Cells)
        {
            var kernel = cell.Kind == CellKind.Markdown ? "markdown" : cell.Language ?? "csharp";
            sb.Append("#!").Append(kernel).Append("\n\n").Append(cell.Source.TrimEnd('\n')).Append("\n\n");
        }
        return sb.ToString();
    }

    /// <summary>Writes a notebook to a <c>.dib</c> file, atomically.</summary>
    /// <param name="notebook">The notebook.</param>
    /// <param name="path">The file.</param>
    public static void Save(NotebookDocument notebook, string path) => FileText.WriteAtomically(path, Write(notebook));
}
