using System.Text;
using System.Text.RegularExpressions;

namespace TwinLab.Notebooks.Engine;

/// <summary>
/// The magic lines of a cell: <c>#!time</c> (report wall and CPU time), <c>#!about</c> (versions and the seed policy)
/// and <c>#r "path/to.dll"</c> (reference a local assembly). Magic lines are replaced by spaces of the same length, so
/// that line and column numbers in the remaining code are those of the cell.
/// </summary>
internal sealed partial record Magics(string Code, bool Time, bool About, IReadOnlyList<string> References, IReadOnlyList<string> Errors)
{
    public static Magics Parse(string code)
    {
        var time = false;
        var about = false;
        var references = new List<string>();
        var errors = new List<string>();
        var sb = new StringBuilder(code.Length);
        var lineNumber = 0;
        var index = 0;
        while (index <= code.Length)
        {
            var end = code.IndexOf('\n', index);
            var lineEnd = end < 0 ? code.Length : end;
            var line = code[index..lineEnd];
            lineNumber++;
            var trimmed = line.Trim().TrimEnd(';');
            var magic = true;
            if (trimmed == "#!time")
            {
                time = true;
            }
            else if (trimmed == "#!about")
            {
                about = true;
            }
            else if (ReferencePattern().Match(trimmed) is { Success: true } match)
            {
                var target = match.Groups["path"].Value;
                if (target.StartsWith("nuget:", StringComparison.OrdinalIgnoreCase))
                {
                    errors.Add($"(line {lineNumber}) #r \"{target}\": NuGet packages cannot be fetched here; reference a local assembly instead, e.g. #r \"bin/MyLibrary.dll\".");
                }
                else
                {
                    references.Add(target);
                }
            }
            else if (trimmed.StartsWith("#!", StringComparison.Ordinal) && !(lineNumber == 1 && trimmed.StartsWith("#!/", StringComparison.Ordinal)))
            {
                var name = trimmed.Split(' ', 2)[0];
                errors.Add($"(line {lineNumber}) unknown magic '{name}'; TwinLab's magics are #!time, #!about and #r \"path/to.dll\".");
            }
            else if (trimmed.StartsWith("#r", StringComparison.Ordinal) && (trimmed.Length == 2 || char.IsWhiteSpace(trimmed[2])))
            {
                errors.Add($"(line {lineNumber}) #r needs a quoted path: #r \"path/to.dll\".");
            }
            else
            {
                magic = false;
            }
            sb.Append(magic ? new string(' ', line.Length) : line);
            if (end < 0)
            {
                break;
            }
            sb.Append('\n');
            index = end + 1;
        }
        return new Magics(sb.ToString(), time, about, references, errors);
    }

    [GeneratedRegex("^#r\\s+\"(?<path>[^\"]+)\"$")]
    private static partial Regex ReferencePattern();
}
