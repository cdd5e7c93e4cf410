using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using TwinLab.TestSupport;

namespace TwinLab.IntegrationTests;

/// <summary>The result of a child process.</summary>
public sealed record ProcessResult(int ExitCode, string Output, string Error)
{
    public string Describe() => $"exit code {ExitCode}\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}";
}

/// <summary>
/// The real tools the integration tests use: Debian's /usr/bin/python3 with jupyter_client, nbclient, nbconvert and
/// nbformat, the jupyter command, libzmq5, and the built twinlab.dll. environment/setup.sh installs them; a missing
/// one makes the tests fail (never skip) with a message saying how to fix it.
/// </summary>
internal static class JupyterTools
{
    public const string SetupHint = "Run environment/setup.sh, which installs the Debian packages jupyter-notebook, jupyter-nbconvert, python3-nbclient, python3-nbformat, python3-jupyter-client and libzmq5.";

    private static readonly Lazy<string?> Missing = new(FindMissing);

    /// <summary>Fails the test with a clear message when a tool is missing.</summary>
    public static void Require()
    {
        if (Missing.Value is { } missing)
        {
            Assert.Fail($"{missing} {SetupHint}");
        }
    }

    public static string Jupyter => "/usr/bin/jupyter";

    /// <summary>src/TwinLab.Cli/bin/&lt;configuration&gt;/&lt;framework&gt;/twinlab.dll, as built with these tests.</summary>
    public static string TwinLabDll
    {
        get
        {
            var configuration = typeof(JupyterTools).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
            var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name;
            var dll = Path.Combine(DebianPython.RepositoryRoot, "src", "TwinLab.Cli", "bin", configuration, framework, "twinlab.dll");
            Assert.True(File.Exists(dll), $"{dll} does not exist; build src/TwinLab.Cli in {configuration} first (environment/test.sh builds everything).");
            return dll;
        }
    }

    public static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "Scripts", name);

    /// <summary>Runs the dotnet host that runs these tests (or 'dotnet').</summary>
    public static string DotnetHost
    {
        get
        {
            var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(host) && File.Exists(host))
            {
                return host;
            }
            var current = Environment.ProcessPath;
            return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
        }
    }

    public static ProcessResult TwinLab(IDictionary<string, string>? environment, params string[] args) =>
        Run(DotnetHost, [TwinLabDll, .. args], environment, TimeSpan.FromMinutes(3));

    public static ProcessResult Python(string script, IDictionary<string, string>? environment, TimeSpan timeout, params string[] args) =>
        Run(DebianPython.Executable, [script, .. args], environment, timeout);

    public static ProcessResult Run(string executable, IEnumerable<string> args, IDictionary<string, string>? environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"{executable} {string.Join(' ', start.ArgumentList)} did not finish within {timeout.TotalSeconds} s.\n{error.Result}");
        }
        return new ProcessResult(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Installs the kernelspec under a fresh prefix; returns the prefix and the JUPYTER_PATH that finds it.</summary>
    public static (string Prefix, Dictionary<string, string> Environment) InstallKernel()
    {
        var prefix = Directory.CreateTempSubdirectory("twinlab-jupyter-").FullName;
        var install = TwinLab(null, "kernel", "install", "--prefix", prefix);
        Assert.True(install.ExitCode == 0, "twinlab kernel install failed: " + install.Describe());
        var environment = new Dictionary<string, string>
        {
            ["JUPYTER_PATH"] = Path.Combine(prefix, "share", "jupyter"),
            // Keep Jupyter's runtime and configuration files out of the user's home.
            ["JUPYTER_RUNTIME_DIR"] = Path.Combine(prefix, "runtime"),
            ["JUPYTER_CONFIG_DIR"] = Path.Combine(prefix, "config"),
            ["JUPYTER_DATA_DIR"] = Path.Combine(prefix, "data"),
            ["JUPYTER_PLATFORM_DIRS"] = "1",
        };
        return (prefix, environment);
    }

    public static JsonObject ParseJson(ProcessResult result)
    {
        try
        {
            return JsonNode.Parse(result.Output) as JsonObject ?? throw new InvalidOperationException("not an object");
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            Assert.Fail($"Expected JSON on standard output: {e.Message}\n{result.Describe()}");
            throw;
        }
    }

    private static string? FindMissing()
    {
        if (!File.Exists(DebianPython.Executable))
        {
            return $"{DebianPython.Executable} is missing.";
        }
        if (!File.Exists(Jupyter))
        {
            return $"{Jupyter} (the jupyter command) is missing.";
        }
        var modules = Run(DebianPython.Executable, ["-c", "import jupyter_client, nbclient, nbconvert, nbformat, zmq"], null, TimeSpan.FromMinutes(1));
        if (modules.ExitCode != 0)
        {
            return $"Debian's Python lacks a Jupyter module: {modules.Error.Trim().Split('\n').LastOrDefault()}.";
        }
        var libzmq = new[] { "/usr/lib/x86_64-linux-gnu/libzmq.so.5", "/usr/lib/aarch64-linux-gnu/libzmq.so.5", "/usr/lib/libzmq.so.5" };
        if (!libzmq.Any(File.Exists))
        {
            return "libzmq.so.5 (Debian package libzmq5) is missing.";
        }
        return null;
    }
}

/// <summary>Tests that start kernels run one at a time (the machine has few cores).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KernelTestGroup
{
    public const string Name = "Jupyter";
}
