using System.Diagnostics;

namespace TwinLab.Core.Tests.Support;

/// <summary>Runs scripts with Debian's Python 3 (/usr/bin/python3), where environment/setup.sh installs scipy and
/// jsonschema. Tests that need it fail, never skip, when it is missing.</summary>
internal static class DebianPython
{
    public const string Executable = "/usr/bin/python3";

    /// <summary>Runs a script with arguments; returns standard output, or throws with standard error.</summary>
    public static string Run(string script, params string[] arguments)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} is missing: run environment/setup.sh, which installs Debian's python3 with scipy and jsonschema.");
        }
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-");
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        process.StandardInput.Write(script);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Executable} failed (exit {process.ExitCode}); if a module is missing, run environment/setup.sh.\n{error.Result}");
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
