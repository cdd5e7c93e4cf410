using System.IO.Compression;
using System.Reflection;
using TwinLab.TestSupport;

namespace TwinLab.IntegrationTests;

/// <summary>TwinLab's NuGet packages, packed with the real <c>dotnet pack</c>; the command installed from them with the
/// real <c>dotnet tool install</c>.</summary>
public sealed class PackageTests
{
    [Fact]
    public void The_interactive_package_carries_the_polyglot_extension()
    {
        var output = Directory.CreateTempSubdirectory("twinlab-pack-").FullName;
        try
        {
            var configuration = typeof(PackageTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
            var project = Path.Combine(DebianPython.RepositoryRoot, "src", "TwinLab.Interactive", "TwinLab.Interactive.csproj");
            // The assembly was built with these tests; packing it again must not rebuild it under running tests.
            var pack = JupyterTools.Run(JupyterTools.DotnetHost, ["pack", project, "-c", configuration, "--no-build", "--no-restore", "-o", output, "-nologo"], null, TimeSpan.FromMinutes(3));
            Assert.True(pack.ExitCode == 0, pack.Describe());
            var package = Assert.Single(Directory.GetFiles(output, "TwinLab.Interactive.*.nupkg"));
            using var archive = ZipFile.OpenRead(package);
            var entries = archive.Entries.Select(e => e.FullName).ToList();
            Assert.Contains("lib/net10.0/TwinLab.Interactive.dll", entries);
            var extension = archive.GetEntry("interactive-extensions/dotnet/extension.dib");
            Assert.NotNull(extension);
            using var reader = new StreamReader(extension!.Open());
            var text = reader.ReadToEnd();
            var source = File.ReadAllText(Path.Combine(DebianPython.RepositoryRoot, "src", "TwinLab.Interactive", "Polyglot", "extension.dib"));
            Assert.Equal(source, text);
            Assert.Contains("#!csharp", text, StringComparison.Ordinal);
            // The package never carries plotly.js: it is installed by the set-up and served or inlined at run time.
            Assert.DoesNotContain(entries, e => e.EndsWith(".js", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void The_command_installs_as_a_dotnet_tool_and_runs_a_notebook_with_interactive_charts()
    {
        var root = Directory.CreateTempSubdirectory("twinlab-tool-").FullName;
        try
        {
            var configuration = typeof(PackageTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
            var packages = Path.Combine(root, "packages");
            var project = Path.Combine(DebianPython.RepositoryRoot, "src", "TwinLab.Cli", "TwinLab.Cli.csproj");
            var pack = JupyterTools.Run(JupyterTools.DotnetHost, ["pack", project, "-c", configuration, "--no-build", "--no-restore", "-o", packages, "-nologo"], null, TimeSpan.FromMinutes(5));
            Assert.True(pack.ExitCode == 0, pack.Describe());
            var package = Assert.Single(Directory.GetFiles(packages, "TwinLab.Cli.*.nupkg"));
            using (var archive = ZipFile.OpenRead(package))
            {
                var entries = archive.Entries.Select(e => e.FullName).ToList();
                Assert.Contains("tools/net10.0/any/DotnetToolSettings.xml", entries);
                // The set-up installs plotly.js before the build, so the tool carries it (and its licence) where
                // PlotlyScript.TryLocate looks below the tool's folder.
                Assert.Contains("tools/net10.0/any/environment/node_modules/plotly.js-dist-min/plotly.min.js", entries);
                Assert.Contains("tools/net10.0/any/environment/node_modules/plotly.js-dist-min/LICENSE", entries);
            }

            // Only the packed folder as a source: the install must not need any registry.
            var config = Path.Combine(root, "nuget.config");
            File.WriteAllText(config, $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration><packageSources><clear /><add key="local" value="{packages}" /></packageSources></configuration>
                """);
            var tools = Path.Combine(root, "tools");
            var install = JupyterTools.Run(JupyterTools.DotnetHost, ["tool", "install", "TwinLab.Cli", "--tool-path", tools, "--configfile", config], null, TimeSpan.FromMinutes(3));
            Assert.True(install.ExitCode == 0, install.Describe());

            // The installed command, run from a folder outside the checkout, with no override of the plotly location.
            var work = Directory.CreateDirectory(Path.Combine(root, "work")).FullName;
            var environment = new Dictionary<string, string> { ["TWINLAB_PLOTLY_JS"] = "" };
            var twinlab = Path.Combine(tools, "twinlab");
            var version = JupyterTools.Run(twinlab, ["--version"], environment, TimeSpan.FromMinutes(1));
            Assert.True(version.ExitCode == 0, version.Describe());
            var built = JupyterTools.TwinLab(null, "--version");
            Assert.Equal(built.Output.Trim(), version.Output.Trim());

            var notebook = Path.Combine(work, "chart.ipynb");
            File.WriteAllText(notebook, """
                {"cells": [{"id": "chart", "cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": [
                  "var model = ModelLibrary.Get(\"gompertz\");\n",
                  "var solution = new OdeProblem(model, (0, 60)).Solve(new Tsit5());\n",
                  "Charts.Trajectories(solution, \"V\")"]}],
                 "metadata": {"kernelspec": {"name": "twinlab", "display_name": "TwinLab (C#)", "language": "csharp"}},
                 "nbformat": 4, "nbformat_minor": 5}
                """);
            var run = JupyterTools.Run(twinlab, ["run", notebook, "--out", Path.Combine(work, "out"), "--html"], environment, TimeSpan.FromMinutes(3));
            Assert.True(run.ExitCode == 0, run.Describe());
            var page = File.ReadAllText(Path.Combine(work, "out", "chart.html"));
            Assert.Contains("application/vnd.plotly.v1+json", File.ReadAllText(Path.Combine(work, "out", "chart.ipynb")), StringComparison.Ordinal);
            Assert.Contains("plotly.js v", page, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
