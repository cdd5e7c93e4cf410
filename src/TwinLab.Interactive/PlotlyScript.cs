using System.Text.RegularExpressions;

namespace TwinLab.Interactive;

/// <summary>
/// The plotly.js bundle (<c>plotly.min.js</c> of the npm package <c>plotly.js-dist-min</c>) that makes charts
/// interactive. It is never fetched from a network: <c>environment/setup.sh</c> installs the version pinned in
/// <c>environment/package.json</c> into <c>environment/node_modules</c>, <c>twinlab kernel install</c> copies it into the
/// kernelspec folder (which the Jupyter server serves), and self-contained HTML pages inline it.
/// </summary>
public sealed partial class PlotlyScript
{
    /// <summary>The environment variable that names the bundle explicitly (a path to <c>plotly.min.js</c>).</summary>
    public const string EnvironmentVariable = "TWINLAB_PLOTLY_JS";

    /// <summary>The file's name, in the npm package and in the kernelspec folder.</summary>
    public const string FileName = "plotly.min.js";

    /// <summary>Where the bundle lies below a TwinLab checkout.</summary>
    public static readonly string RelativePath = System.IO.Path.Combine("environment", "node_modules", "plotly.js-dist-min", FileName);

    private readonly Lazy<string> _text;

    private PlotlyScript(string path, string version)
    {
        Path = path;
        Version = version;
        _text = new Lazy<string>(() => File.ReadAllText(path));
    }

    /// <summary>The absolute path of <c>plotly.min.js</c>.</summary>
    public string Path { get; }

    /// <summary>The plotly.js version, from the bundle's header comment (<c>plotly.js v4.1.2</c>), or "unknown".</summary>
    public string Version { get; }

    /// <summary>The script text (read once, on first use).</summary>
    public string Text => _text.Value;

    /// <summary>The script text made safe to place inside an HTML <c>&lt;script&gt;</c> element: the sequences
    /// <c>&lt;/script</c> and <c>&lt;!--</c>, which would end or confuse the element, are written with an escaped
    /// character (<c>&lt;\/script</c>, <c>&lt;\!--</c>), which means the same inside JavaScript strings and
    /// regular expressions.</summary>
    public string InlineText => InlineSafe(Text);

    /// <summary>Uses a given file as the bundle.</summary>
    /// <param name="path">The path of <c>plotly.min.js</c>.</param>
    /// <returns>The bundle.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist or is empty.</exception>
    public static PlotlyScript FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = System.IO.Path.GetFullPath(path);
        var info = new FileInfo(full);
        if (!info.Exists || info.Length == 0)
        {
            throw new FileNotFoundException($"The plotly.js bundle '{full}' does not exist or is empty. {HowToInstall}", full);
        }
        return new PlotlyScript(full, ReadVersion(full));
    }

    /// <summary>Finds the installed bundle: the file named by <see cref="EnvironmentVariable"/> if it is set, otherwise
    /// <see cref="RelativePath"/> below the nearest folder that holds it, searching upwards from the folder of the
    /// TwinLab assemblies and then from the current directory.</summary>
    /// <returns>The bundle, or null when none is installed.</returns>
    /// <exception cref="FileNotFoundException"><see cref="EnvironmentVariable"/> names a file that does not exist.</exception>
    public static PlotlyScript? TryLocate()
    {
        var explicitPath = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return FromFile(explicitPath);
        }
        foreach (var start in new[] { AppContext.BaseDirectory, System.IO.Path.GetDirectoryName(typeof(PlotlyScript).Assembly.Location), Environment.CurrentDirectory })
        {
            for (var folder = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                var candidate = System.IO.Path.Combine(folder.FullName, RelativePath);
                if (File.Exists(candidate))
                {
                    return FromFile(candidate);
                }
            }
        }
        return null;
    }

    /// <summary>Finds the installed bundle like <see cref="TryLocate"/>, or fails saying how to install it.</summary>
    /// <returns>The bundle.</returns>
    /// <exception cref="FileNotFoundException">No bundle is installed.</exception>
    public static PlotlyScript Locate() => TryLocate()
        ?? throw new FileNotFoundException($"plotly.js is not installed: no {RelativePath.Replace('\\', '/')} was found above '{AppContext.BaseDirectory}' or '{Environment.CurrentDirectory}'. {HowToInstall}");

    /// <summary>What to do when the bundle is missing.</summary>
    public static string HowToInstall =>
        $"Run 'bash environment/setup.sh' in the TwinLab checkout (it installs the npm package plotly.js-dist-min pinned in environment/package.json), or set {EnvironmentVariable} to the path of a plotly.min.js.";

    /// <inheritdoc />
    public override string ToString() => $"plotly.js {Version} ({Path})";

    /// <summary>Escapes the two sequences that would end or confuse an HTML script element.</summary>
    internal static string InlineSafe(string script) => ScriptEnd().Replace(script, "<\\/$1").Replace("<!--", "<\\!--", StringComparison.Ordinal);

    private static string ReadVersion(string path)
    {
        using var reader = new StreamReader(path);
        var buffer = new char[512];
        var read = reader.ReadBlock(buffer, 0, buffer.Length);
        var match = VersionComment().Match(new string(buffer, 0, read));
        return match.Success ? match.Groups[1].Value : "unknown";
    }

    [GeneratedRegex(@"plotly\.js v(\d+\.\d+\.\d+[\w.-]*)")]
    private static partial Regex VersionComment();

    [GeneratedRegex("</(script)", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptEnd();
}
