using System.IO.Compression;
using TwinLab.TestSupport;

namespace TwinLab.IntegrationTests;

/// <summary>The built <c>twinlab export omex</c> and <c>twinlab validate</c> commands, with the archive checked by
/// xmllint against the COMBINE manifest and SED-ML schemas of the shared standards folder.</summary>
public sealed class OmexCliTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("twinlab-omex-cli-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static string Standards => new[] { "../shared/standards", "shared/standards" }
        .Select(p => Path.GetFullPath(Path.Combine(DebianPython.RepositoryRoot, p))).First(Directory.Exists);

    [Fact]
    public void ExportedArchiveValidatesWithTwinLabAndXmllint()
    {
        var archive = Path.Combine(_dir.FullName, "gompertz.omex");
        var export = JupyterTools.TwinLab(null, "export", "omex", "--model", "gompertz", "--out", archive, "--created", "2026-01-01T00:00:00Z", "--end", "50", "--steps", "50");
        Assert.True(export.ExitCode == 0, export.Describe());
        Assert.Contains("sha256:", export.Output, StringComparison.Ordinal);

        var validate = JupyterTools.TwinLab(null, "validate", archive);
        Assert.True(validate.ExitCode == 0, validate.Describe());
        Assert.Contains("valid COMBINE archive", validate.Output, StringComparison.Ordinal);

        var folder = Directory.CreateDirectory(Path.Combine(_dir.FullName, "x")).FullName;
        ZipFile.ExtractToDirectory(archive, folder);
        var manifest = JupyterTools.Run("/usr/bin/xmllint", ["--noout", "--schema", Path.Combine(Standards, "xsd", "combine.xsd"), Path.Combine(folder, "manifest.xml")], null, TimeSpan.FromMinutes(1));
        Assert.True(manifest.ExitCode == 0, manifest.Describe());
        var sedml = JupyterTools.Run("/usr/bin/xmllint", ["--noout", "--schema", Path.Combine(Standards, "xsd", "sed-ml-L1-V4.patched.xsd"), Path.Combine(folder, "simulation.sedml")], null, TimeSpan.FromMinutes(1));
        Assert.True(sedml.ExitCode == 0, sedml.Describe());
    }

    [Fact]
    public void ValidateReportsWhatIsWrongAndWhere()
    {
        var archive = Path.Combine(_dir.FullName, "hostile.omex");
        using (var zip = ZipFile.Open(archive, ZipArchiveMode.Create))
        {
            using (var w = new StreamWriter(zip.CreateEntry("manifest.xml").Open()))
            {
                w.Write("<omexManifest xmlns=\"http://identifiers.org/combine.specifications/omex-manifest\"><content location=\"./model.xml\" format=\"http://identifiers.org/combine.specifications/sbml\"/></omexManifest>");
            }
            using (var w = new StreamWriter(zip.CreateEntry("../outside.txt").Open()))
            {
                w.Write("x");
            }
        }
        var result = JupyterTools.TwinLab(null, "validate", archive);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("entry '../outside.txt'", result.Output, StringComparison.Ordinal);
        Assert.Contains("manifest location './model.xml': listed in manifest.xml but absent", result.Output, StringComparison.Ordinal);
    }
}
