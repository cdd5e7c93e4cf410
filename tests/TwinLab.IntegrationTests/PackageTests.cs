using System.IO.Compression;
using System.Reflection;
using TwinLab.TestSupport;

namespace TwinLab.IntegrationTests;

/// <summary>The TwinLab.Interactive package, packed with the real <c>dotnet pack</c>.</summary>
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
}
