using TwinLab.Notebooks.Documents;

namespace TwinLab.Cli.Commands;

/// <summary>Reads the notebooks named on a command line (files, or folders of notebooks), all before any runs, so
/// that a malformed notebook is reported before work starts.</summary>
internal static class NotebookInputs
{
    /// <summary>The notebooks, in order.</summary>
    /// <exception cref="UsageException">A path does not exist, names no notebook, or a notebook is malformed.</exception>
    public static IReadOnlyList<(string Path, NotebookDocument Notebook)> Read(IReadOnlyList<string> paths)
    {
        if (paths.Count == 0)
        {
            throw new UsageException("Name at least one notebook (.ipynb or .dib) or folder of notebooks.");
        }
        IReadOnlyList<string> files;
        try
        {
            files = NotebookFile.Expand(paths);
        }
        catch (FileNotFoundException e)
        {
            throw new UsageException(e.Message, e);
        }
        if (files.Count == 0)
        {
            throw new UsageException($"No notebooks (.ipynb or .dib) in {string.Join(", ", paths.Select(p => $"'{p}'"))}.");
        }
        var notebooks = new List<(string, NotebookDocument)>();
        foreach (var file in files)
        {
            try
            {
                notebooks.Add((file, NotebookFile.Read(file)));
            }
            catch (NotebookFormatException e)
            {
                throw new UsageException(e.Message, e);
            }
            catch (IOException e)
            {
                throw new UsageException($"Cannot read '{file}': {e.Message}", e);
            }
        }
        return notebooks;
    }
}
