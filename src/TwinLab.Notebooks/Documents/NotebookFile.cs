namespace TwinLab.Notebooks.Documents;

/// <summary>Reads notebooks of either format by their extension, and expands folders into the notebooks they hold.</summary>
public static class NotebookFile
{
    /// <summary>Whether a path names a notebook TwinLab can read (<c>.ipynb</c> or <c>.dib</c>).</summary>
    /// <param name="path">The path.</param>
    /// <returns>True for a notebook extension.</returns>
    public static bool IsNotebook(string path) =>
        path.EndsWith(IpynbFormat.Extension, StringComparison.OrdinalIgnoreCase) || path.EndsWith(DibFormat.Extension, StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads an <c>.ipynb</c> or <c>.dib</c> file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The notebook.</returns>
    /// <exception cref="NotebookFormatException">The file is not a valid notebook, or its extension is neither.</exception>
    public static NotebookDocument Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.EndsWith(DibFormat.Extension, StringComparison.OrdinalIgnoreCase))
        {
            return DibFormat.Read(path);
        }
        if (path.EndsWith(IpynbFormat.Extension, StringComparison.OrdinalIgnoreCase))
        {
            return IpynbFormat.Read(path);
        }
        throw new NotebookFormatException($"{path}: not a notebook (TwinLab reads .ipynb and .dib files).");
    }

    /// <summary>Expands paths: a file stays as it is; a folder becomes every notebook directly in it, in name order
    /// (hidden files and Jupyter's <c>.ipynb_checkpoints</c> are left out).</summary>
    /// <param name="paths">Files and folders.</param>
    /// <returns>The notebook files, in order, without duplicates.</returns>
    /// <exception cref="FileNotFoundException">A path does not exist.</exception>
    public static IReadOnlyList<string> Expand(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var result = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                foreach (var file in Directory.EnumerateFiles(path)
                    .Where(f => IsNotebook(f) && !Path.GetFileName(f).StartsWith('.'))
                    .Order(StringComparer.Ordinal))
                {
                    if (seen.Add(Path.GetFullPath(file)))
                    {
                        result.Add(file);
                    }
                }
            }
            else if (File.Exists(path))
            {
                if (seen.Add(Path.GetFullPath(path)))
                {
                    result.Add(path);
                }
            }
            else
            {
                throw new FileNotFoundException($"'{path}' does not exist.", path);
            }
        }
        return result;
    }
}
