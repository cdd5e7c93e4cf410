using System.Diagnostics;

namespace TwinLab.TestSupport;

/// <summary>Runs scripts with Debian's Python 3 (/usr/bin/python3), where environment/setup.sh installs SciPy and
/// jsonschema (the python3 first on PATH may be another installation without them). Tests that need it fail, never
/// skip, when it is missing.</summary>
public static class DebianPython
{
    /// <summary>The interpreter.</summary>
    public const string Executable = "/usr/bin/python3";

    /// <summary>What to do when the interpreter or a module is missing.</summary>
    public const string SetupHint = "Run environment/setup.sh, which installs Debian's python3 with SciPy and jsonschema.";

    /// <summary>Runs <paramref name="script"/> (passed with -c) with arguments, writing <paramref name="input"/> to its
    /// standard input; returns standard output, or throws with standard error.</summary>
    /// <param name="script">The Python source.</param>
    /// <param name="input">Text for standard input (often JSON).</param>
    /// <param name="arguments">Command-line arguments (sys.argv[1:]).</param>
    public static string Run(string script, string input = "", params string[] arguments)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} is missing. {SetupHint}");
        }
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Executable}. {SetupHint}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(input);
        process.StandardInput.Close();
        if (!process.WaitForExit(600_000))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Executable} did not finish within 600 s.");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Executable} failed (exit {process.ExitCode}). If a module is missing: {SetupHint}\n{error.Result}");
        }
        return output.Result;
    }

    /// <summary>The repository root (the folder holding TwinLab.sln).</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TwinLab.sln")))
            {
                dir = dir.Parent;
            }
            return dir?.FullName ?? throw new InvalidOperationException("TwinLab.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
