using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using TwinLab.Interactive;

namespace TwinLab.Notebooks.Kernel;

/// <summary>Where a kernelspec is installed.</summary>
public enum KernelSpecScope
{
    /// <summary>For every user: <c>/usr/local/share/jupyter/kernels</c> (Windows: <c>%PROGRAMDATA%\jupyter\kernels</c>).</summary>
    System,

    /// <summary>For this user: <c>$JUPYTER_DATA_DIR/kernels</c>, else <c>~/.local/share/jupyter/kernels</c>
    /// (macOS <c>~/Library/Jupyter/kernels</c>, Windows <c>%APPDATA%\jupyter\kernels</c>).</summary>
    User,

    /// <summary>Under a prefix: <c>PREFIX/share/jupyter/kernels</c> (a virtual environment, or a folder on
    /// <c>JUPYTER_PATH</c>).</summary>
    Prefix,
}

/// <summary>
/// TwinLab's Jupyter kernelspec: a folder <c>twinlab</c> with <c>kernel.json</c> (how Jupyter starts the kernel:
/// <c>dotnet /path/to/twinlab.dll kernel start {connection_file}</c>; display name "TwinLab (C#)"; language C#;
/// interrupts sent as messages), the logos, and plotly.js (<c>plotly.min.js</c>, served by Jupyter to chart outputs).
/// </summary>
public static class KernelSpec
{
    /// <summary>The kernelspec's name (the folder, and <c>kernel_name</c> in clients).</summary>
    public const string Name = "twinlab";

    /// <summary>The name front ends show.</summary>
    public const string DisplayName = "TwinLab (C#)";

    /// <summary>The kernel.json document.</summary>
    /// <param name="dotnetHost">The dotnet executable.</param>
    /// <param name="twinlabDll">The absolute path of twinlab.dll.</param>
    /// <returns>The JSON object.</returns>
    public static JsonObject KernelJson(string dotnetHost, string twinlabDll) => new()
    {
        ["argv"] = new JsonArray(dotnetHost, twinlabDll, "kernel", "start", "{connection_file}"),
        ["display_name"] = DisplayName,
        ["language"] = "C#",
        ["interrupt_mode"] = "message",
        ["env"] = new JsonObject
        {
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        },
        ["metadata"] = new JsonObject { ["debugger"] = false },
    };

    /// <summary>The kernels folder of a scope.</summary>
    /// <param name="scope">The scope.</param>
    /// <param name="prefix">The prefix, for <see cref="KernelSpecScope.Prefix"/>.</param>
    /// <returns>The folder that holds kernelspec folders.</returns>
    public static string KernelsDirectory(KernelSpecScope scope, string? prefix = null)
    {
        switch (scope)
        {
            case KernelSpecScope.Prefix:
                ArgumentException.ThrowIfNullOrEmpty(prefix);
                return Path.Combine(Path.GetFullPath(prefix), "share", "jupyter", "kernels");
            case KernelSpecScope.User:
                var dataDirectory = Environment.GetEnvironmentVariable("JUPYTER_DATA_DIR");
                if (!string.IsNullOrEmpty(dataDirectory))
                {
                    return Path.Combine(dataDirectory, "kernels");
                }
                var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
                if (OperatingSystem.IsWindows())
                {
                    return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "jupyter", "kernels");
                }
                if (OperatingSystem.IsMacOS())
                {
                    return Path.Combine(home, "Library", "Jupyter", "kernels");
                }
                var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
                return Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(home, ".local", "share") : xdg, "jupyter", "kernels");
            default:
                return OperatingSystem.IsWindows()
                    ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), "jupyter", "kernels")
                    : "/usr/local/share/jupyter/kernels";
        }
    }

    /// <summary>Writes the kernelspec folder (replacing an earlier one): kernel.json, the logos, and plotly.js, which the
    /// Jupyter server then serves at <c>&lt;base_url&gt;kernelspecs/twinlab/plotly.min.js</c> so that charts become
    /// interactive without a network.</summary>
    /// <param name="kernelsDirectory">The kernels folder (see <see cref="KernelsDirectory"/>).</param>
    /// <param name="dotnetHost">The dotnet executable.</param>
    /// <param name="twinlabDll">The absolute path of twinlab.dll.</param>
    /// <param name="plotly">The plotly.js bundle to copy (see <see cref="PlotlyScript.Locate"/>).</param>
    /// <returns>The kernelspec folder.</returns>
    public static string Install(string kernelsDirectory, string dotnetHost, string twinlabDll, PlotlyScript plotly)
    {
        ArgumentNullException.ThrowIfNull(kernelsDirectory);
        ArgumentNullException.ThrowIfNull(dotnetHost);
        ArgumentNullException.ThrowIfNull(twinlabDll);
        ArgumentNullException.ThrowIfNull(plotly);
        var folder = Path.Combine(kernelsDirectory, Name);
        Directory.CreateDirectory(folder);
        var json = KernelJson(dotnetHost, Path.GetFullPath(twinlabDll)).ToJsonString(new JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
        File.WriteAllText(Path.Combine(folder, "kernel.json"), json + "\n", new UTF8Encoding(false));
        foreach (var logo in new[] { "logo-32x32.png", "logo-64x64.png", "logo-svg.svg" })
        {
            using var resource = typeof(KernelSpec).Assembly.GetManifestResourceStream($"TwinLab.Notebooks.Kernel.{logo}")
                ?? throw new InvalidOperationException($"The resource {logo} is missing from TwinLab.Notebooks.");
            using var file = File.Create(Path.Combine(folder, logo));
            resource.CopyTo(file);
        }
        // Copied under a temporary name, then renamed, so that a server never serves half a file.
        var script = Path.Combine(folder, PlotlyScript.FileName);
        var partial = script + ".partial";
        File.Copy(plotly.Path, partial, overwrite: true);
        File.Move(partial, script, overwrite: true);
        return folder;
    }
}
