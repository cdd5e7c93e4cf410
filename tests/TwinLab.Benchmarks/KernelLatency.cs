using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using TwinLab.TestSupport;

namespace TwinLab.Benchmarks;

/// <summary>
/// The notebook kernel's latency, measured with the real Jupyter client (jupyter_client 7.4, Debian 12): the time
/// from <c>KernelManager.start_kernel()</c> to the first kernel_info_reply, and the round trip of a trivial cell
/// (<c>1+1</c>: execute_request to execute_reply and the idle status). The peer is IPython's kernel (ipykernel 6.17)
/// measured by the same script in the same run. Targets: start under 3 s, trivial cell under 20 ms.
/// </summary>
internal static class KernelLatency
{
    public static int Run(TextWriter output)
    {
        var root = DebianPython.RepositoryRoot;
        var configuration = typeof(KernelLatency).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var dll = Path.Combine(root, "src", "TwinLab.Cli", "bin", configuration, "net10.0", "twinlab.dll");
        if (!File.Exists(dll))
        {
            output.WriteLine($"{dll} is missing: build src/TwinLab.Cli in {configuration} first.");
            return 1;
        }
        var prefix = Directory.CreateTempSubdirectory("twinlab-kernel-bench-").FullName;
        try
        {
            Run("dotnet", [dll, "kernel", "install", "--prefix", prefix], null);
            var environment = new Dictionary<string, string> { ["JUPYTER_PATH"] = Path.Combine(prefix, "share", "jupyter") };
            var script = Path.Combine(AppContext.BaseDirectory, "Scripts", "kernel_latency.py");
            var rows = new List<JsonObject>();
            foreach (var kernel in new[] { "twinlab", "python3" })
            {
                var json = Run(DebianPython.Executable, [script, kernel, "5", "300"], environment);
                rows.Add(JsonNode.Parse(json)!.AsObject());
            }
            var inv = CultureInfo.InvariantCulture;
            output.WriteLine("| Kernel | Start → first kernel_info_reply (median of 5, min–max) | First cell | Trivial cell round trip (median of 300; p10–p90) |");
            output.WriteLine("|---|---:|---:|---:|");
            foreach (var row in rows)
            {
                double D(string key) => row[key]!.GetValue<double>();
                output.WriteLine(string.Create(inv,
                    $"| {row["kernel"]} | {D("start_median_s"):0.00} s ({D("start_min_s"):0.00}–{D("start_max_s"):0.00}) | {D("first_cell_s"):0.00} s | {D("cell_median_ms"):0.0} ms ({D("cell_p10_ms"):0.0}–{D("cell_p90_ms"):0.0}) |"));
            }
            var twinlab = rows[0];
            var python = rows[1];
            output.WriteLine(string.Create(inv,
                $"Ratios TwinLab / ipykernel: start {twinlab["start_median_s"]!.GetValue<double>() / python["start_median_s"]!.GetValue<double>():0.00}×, trivial cell {twinlab["cell_median_ms"]!.GetValue<double>() / python["cell_median_ms"]!.GetValue<double>():0.00}×"));
            return 0;
        }
        finally
        {
            Directory.Delete(prefix, recursive: true);
        }
    }

    private static string Run(string executable, string[] args, Dictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in environment ?? [])
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{executable} {string.Join(' ', args)} failed ({process.ExitCode}):\n{stderr.Result}");
        }
        return stdout.Result;
    }
}
