using System.Text;

namespace TwinLab.Notebooks.Documents;

/// <summary>Writes text files atomically: to a temporary file beside the target, then renamed over it.</summary>
internal static class FileText
{
    public static void WriteAtomically(string path, string content)
    {
        var full = Path.GetFullPath(path);
        var temporary = full + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            File.WriteAllText(temporary, content, new UTF8Encoding(false));
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
