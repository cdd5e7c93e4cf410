using System.Diagnostics;

namespace TwinLab.Cli.Bench;

/// <summary>Runs a peer implementation in Debian's Python 3 (with NumPy and SciPy, installed by environment/setup.sh)
/// for benchmarks that compare TwinLab with them in the same run.</summary>
internal static class PythonPeer
{
    private const string Executable = "/usr/bin/python3";

    public static string Run(string script, params string[] arguments)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} is missing: run environment/setup.sh, which installs Debian's python3 with NumPy and SciPy (the benchmark's peers).");
        }
        var start = new ProcessStartInfo(Executable)
        {
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
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"The Python peer failed (exit {process.ExitCode}): {error.Result}");
        }
        return output.Result;
    }
}
