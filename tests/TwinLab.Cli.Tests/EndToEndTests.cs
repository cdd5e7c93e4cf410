using System.Diagnostics;
using System.Reflection;
using TwinLab.Core.Library;

namespace TwinLab.Cli.Tests;

/// <summary>Runs the built <c>twinlab.dll</c> as a child process, as the <c>twinlab</c> launcher does.</summary>
public sealed class EndToEndTests
{
    [Fact]
    public void Models_names_in_a_child_process_prints_the_names_and_exits_zero()
    {
        var (exitCode, output, error) = RunTwinLab("models", "--names");

        Assert.True(exitCode == 0, $"exit code {exitCode}; standard error:\n{error}");
        Assert.Equal(ModelLibrary.All.Select(m => m.Name), CliRun.Lines(output));
    }

    [Fact]
    public void Show_of_an_unknown_model_in_a_child_process_exits_two_with_a_message_on_standard_error()
    {
        var (exitCode, output, error) = RunTwinLab("models", "show", "no-such-model");

        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        Assert.Contains("Available models: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", error, StringComparison.Ordinal);
    }

    private static (int ExitCode, string Output, string Error) RunTwinLab(params string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(TwinLabDll());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"twinlab {string.Join(' ', args)} did not exit within two minutes.");
        }

        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>
    /// The CLI's own build output, src/TwinLab.Cli/bin/&lt;configuration&gt;/&lt;framework&gt;/twinlab.dll, for the
    /// configuration and target framework this test assembly was built with.
    /// </summary>
    private static string TwinLabDll()
    {
        var configuration = typeof(EndToEndTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration
            ?? "Release";
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name;
        var dll = Path.Combine(RepositoryRoot(), "src", "TwinLab.Cli", "bin", configuration, framework, "twinlab.dll");
        Assert.True(File.Exists(dll), $"{dll} does not exist; build src/TwinLab.Cli in {configuration} first.");
        return dll;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TwinLab.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No TwinLab.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>The dotnet host that runs these tests, or 'dotnet' from the PATH.</summary>
    private static string DotnetHost()
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
