using System.Text.Json.Nodes;

namespace TwinLab.Notebooks.Documents;

/// <summary>The kind of a notebook cell.</summary>
public enum CellKind
{
    /// <summary>Code that the engine executes.</summary>
    Code,

    /// <summary>Markdown text.</summary>
    Markdown,

    /// <summary>Raw text, left as it is.</summary>
    Raw,
}

/// <summary>
/// A notebook in memory: cells and metadata, as read from an <c>.ipynb</c> (nbformat 4) or <c>.dib</c> file. Metadata
/// and outputs are kept as JSON so that everything TwinLab does not know about (front-end settings, other tools'
/// metadata, output types) survives a read and a write unchanged.
/// </summary>
public sealed class NotebookDocument
{
    /// <summary>The major format version TwinLab reads and writes.</summary>
    public const int FormatMajor = 4;

    /// <summary>The minor format version TwinLab writes (4.5 introduced cell ids).</summary>
    public const int LatestFormatMinor = 5;

    /// <summary>Creates an empty notebook.</summary>
    public NotebookDocument()
    {
    }

    /// <summary>The minor version of nbformat 4 the notebook was read with (written notebooks are 4.5).</summary>
    public int FormatMinor { get; set; } = LatestFormatMinor;

    /// <summary>The notebook's metadata (kernelspec, language_info, and anything else).</summary>
    public JsonObject Metadata { get; init; } = [];

    /// <summary>The cells, in order.</summary>
    public IList<NotebookCell> Cells { get; init; } = new List<NotebookCell>();

    /// <summary>The file the notebook was read from, for messages (null when built in memory).</summary>
    public string? SourcePath { get; set; }

    /// <summary>A deep copy (metadata and outputs included).</summary>
    /// <returns>The copy.</returns>
    public NotebookDocument Clone() => new()
    {
        FormatMinor = FormatMinor,
        Metadata = (JsonObject)Metadata.DeepClone(),
        Cells = [.. Cells.Select(c => c.Clone())],
        SourcePath = SourcePath,
    };

    /// <summary>A cell id not used by any cell, derived from <paramref name="stem"/> (deterministic).</summary>
    /// <param name="stem">The preferred id.</param>
    /// <returns>The id.</returns>
    public string UniqueCellId(string stem)
    {
        ArgumentNullException.ThrowIfNull(stem);
        var used = Cells.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        if (!used.Contains(stem))
        {
            return stem;
        }
        for (var i = 2; ; i++)
        {
            var candidate = $"{stem}-{i}";
            if (!used.Contains(candidate))
            {
                return candidate;
            }
        }
    }
}

/// <summary>One cell of a notebook.</summary>
public sealed class NotebookCell
{
    /// <summary>The metadata key of a cell's tags.</summary>
    public const string TagsKey = "tags";

    /// <summary>Creates a cell.</summary>
    /// <param name="kind">The kind.</param>
    /// <param name="source">The source text.</param>
    /// <param name="id">The cell id (letters, digits, '-' and '_', 1 to 64 characters).</param>
    public NotebookCell(CellKind kind, string source, string id)
    {
        Kind = kind;
        Source = source ?? "";
        Id = id ?? throw new ArgumentNullException(nameof(id));
    }

    /// <summary>The cell id (nbformat 4.5).</summary>
    public string Id { get; set; }

    /// <summary>The kind.</summary>
    public CellKind Kind { get; set; }

    /// <summary>The source text.</summary>
    public string Source { get; set; }

    /// <summary>The cell's metadata (tags, collapsed, and anything else).</summary>
    public JsonObject Metadata { get; init; } = [];

    /// <summary>The outputs of a code cell, as nbformat JSON objects (see <see cref="NotebookOutputs"/>).</summary>
    public IList<JsonObject> Outputs { get; init; } = new List<JsonObject>();

    /// <summary>The execution count of a code cell (null when not executed).</summary>
    public int? ExecutionCount { get; set; }

    /// <summary>Attachments of a markdown or raw cell, kept as they are.</summary>
    public JsonObject? Attachments { get; set; }

    /// <summary>For cells of a <c>.dib</c> file: the kernel the cell was written for (<c>csharp</c>, <c>fsharp</c>, ...);
    /// null for <c>.ipynb</c> cells, which use the notebook's language.</summary>
    public string? Language { get; set; }

    /// <summary>The cell's tags (from <c>metadata.tags</c>).</summary>
    public IReadOnlyList<string> Tags => Metadata[TagsKey] is JsonArray tags
        ? [.. tags.Select(t => t?.GetValueKind() == System.Text.Json.JsonValueKind.String ? t.GetValue<string>() : null).OfType<string>()]
        : [];

    /// <summary>Whether the cell has a tag.</summary>
    /// <param name="tag">The tag.</param>
    /// <returns>True if tagged.</returns>
    public bool HasTag(string tag) => Tags.Contains(tag, StringComparer.Ordinal);

    /// <summary>A deep copy.</summary>
    /// <returns>The copy.</returns>
    public NotebookCell Clone() => new(Kind, Source, Id)
    {
        Metadata = (JsonObject)Metadata.DeepClone(),
        Outputs = [.. Outputs.Select(o => (JsonObject)o.DeepClone())],
        ExecutionCount = ExecutionCount,
        Attachments = (JsonObject?)Attachments?.DeepClone(),
        Language = Language,
    };

    /// <inheritdoc />
    public override string ToString() => $"{Kind} cell {Id}";
}
