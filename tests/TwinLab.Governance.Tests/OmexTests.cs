using System.IO.Compression;
using System.Text;
using TwinLab.Core.Library;
using TwinLab.Governance.Archives;
using TwinLab.Governance.Sbml;
using TwinLab.TestSupport;

namespace TwinLab.Governance.Tests;

public sealed class OmexTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("twinlab-omex-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    [Theory]
    [InlineData("gompertz")]
    [InlineData("pk-infusion-1cmt")]
    [InlineData("de-pillis-2005")]
    public void ArchivePassesExternalValidatorsAndReadsBackToTheSameModel(string name)
    {
        var model = ModelLibrary.Get(name);
        var archive = PathOf(name + ".omex");
        OmexArchive.Write(model, new TimeCourse(60, 120), SbmlTests.Provenance, archive);

        var content = OmexArchive.Read(archive);
        Assert.Equal(model.Digest, SbmlImporter.Import(content.Text("model.xml")).Digest);
        Assert.Single(content.Manifest, m => m.Master);

        var extracted = Directory.CreateDirectory(PathOf(name));
        ZipFile.ExtractToDirectory(archive, extracted.FullName);
        var standards = ExternalTools.Standards;
        var manifest = ExternalTools.XmlLint(Path.Combine(standards, "xsd", "combine.xsd"), Path.Combine(extracted.FullName, "manifest.xml"));
        Assert.True(manifest.ExitCode == 0, manifest.Output);
        var sedml = ExternalTools.XmlLint(Path.Combine(standards, "xsd", "sed-ml-L1-V4.patched.xsd"), Path.Combine(extracted.FullName, "simulation.sedml"));
        Assert.True(sedml.ExitCode == 0, sedml.Output);
        var (invalid, report) = ExternalTools.ValidateSbml(Path.Combine(extracted.FullName, "model.xml"));
        Assert.True(invalid == 0, report);

        // rdflib parses the OMEX metadata; the archive has a creator and a creation date (OMEX metadata 1.2, 2.3.5).
        var rdf = DebianPython.Run("""
            import sys, rdflib
            g = rdflib.Graph(); g.parse(sys.argv[1], format="xml")
            DC = rdflib.Namespace("http://purl.org/dc/terms/")
            archive = rdflib.URIRef("http://omex-library.org/" + sys.argv[2])
            print(len(g), g.value(archive, DC.creator) is not None, g.value(archive, DC.created))
            """, "", Path.Combine(extracted.FullName, "metadata.rdf"), name + ".omex");
        Assert.Matches(@"^\d+ True 2026-01-02T03:04:05Z", rdf.Trim());

        var schemas = Path.Combine(DebianPython.RepositoryRoot, "data-schemas");
        var json = DebianPython.Run("""
            import sys, json, jsonschema
            for schema, doc in [(sys.argv[1], sys.argv[2]), (sys.argv[3], sys.argv[4])]:
                jsonschema.Draft202012Validator(json.load(open(schema))).validate(json.load(open(doc)))
            print("ok")
            """, "", Path.Combine(schemas, "parameter-set.schema.json"), Path.Combine(extracted.FullName, "parameters.json"),
            Path.Combine(schemas, "model.schema.json"), Path.Combine(extracted.FullName, "model.json"));
        Assert.Equal("ok", json.Trim());
    }

    [Fact]
    public void EqualInputsGiveByteIdenticalArchives()
    {
        var model = ModelLibrary.Get("logistic");
        // The archive's name is part of its metadata URIs, so both copies have the same name in different folders.
        var first = Path.Combine(Directory.CreateDirectory(PathOf("a")).FullName, "logistic.omex");
        var second = Path.Combine(Directory.CreateDirectory(PathOf("b")).FullName, "logistic.omex");
        OmexArchive.Write(model, new TimeCourse(30, 30), SbmlTests.Provenance, first);
        OmexArchive.Write(model, new TimeCourse(30, 30), SbmlTests.Provenance, second);
        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
    }

    private string Hostile(string name, params (string Entry, byte[] Bytes)[] entries)
    {
        var path = PathOf(name);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (entry, bytes) in entries)
        {
            using var s = zip.CreateEntry(entry, CompressionLevel.Optimal).Open();
            s.Write(bytes);
        }
        return path;
    }

    private static byte[] Manifest(params string[] locations) => Encoding.UTF8.GetBytes(
        "<omexManifest xmlns=\"http://identifiers.org/combine.specifications/omex-manifest\">"
        + string.Concat(locations.Select(l => $"<content location=\"{l}\" format=\"text/plain\"/>")) + "</omexManifest>");

    [Fact]
    public void ZipSlipAndAbsolutePathsAreRejected()
    {
        var path = Hostile("slip.omex", ("manifest.xml", Manifest("./a.txt")), ("a.txt", [1]), ("../evil.txt", [1]), ("/etc/evil", [1]), ("x/../../evil2", [1]));
        var e = Assert.Throws<ArchiveException>(() => OmexArchive.Read(path));
        Assert.Contains(e.Problems, p => p.StartsWith("entry '../evil.txt'", StringComparison.Ordinal) && p.Contains("zip-slip", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("entry '/etc/evil'", StringComparison.Ordinal) && p.Contains("absolute", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("entry 'x/../../evil2'", StringComparison.Ordinal));
        Assert.Equal(3, e.Problems.Count);
    }

    [Fact]
    public void ZipBombsAndOversizedEntriesAreRejected()
    {
        var zeros = new byte[20 << 20]; // 20 MiB of zeros deflate about 1000:1
        var path = Hostile("bomb.omex", ("manifest.xml", Manifest("./bomb.bin")), ("bomb.bin", zeros));
        var e = Assert.Throws<ArchiveException>(() => OmexArchive.Read(path));
        Assert.Contains(e.Problems, p => p.StartsWith("entry 'bomb.bin'", StringComparison.Ordinal) && p.Contains("compression ratio", StringComparison.Ordinal));

        var small = new ArchiveLimits(MaxEntryBytes: 1000);
        var big = Hostile("big.omex", ("manifest.xml", Manifest("./big.bin")), ("big.bin", new byte[5000]));
        var e2 = Assert.Throws<ArchiveException>(() => OmexArchive.Read(big, small));
        Assert.Contains(e2.Problems, p => p.StartsWith("entry 'big.bin'", StringComparison.Ordinal) && p.Contains("limit of 1000", StringComparison.Ordinal));
    }

    [Fact]
    public void FilesMissingFromOrAbsentFromTheManifestAreReported()
    {
        var path = Hostile("manifest.omex", ("manifest.xml", Manifest("./listed.txt", "./gone.txt")), ("listed.txt", [1]), ("unlisted.txt", [1]));
        var problems = OmexArchive.Validate(path);
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("manifest location './gone.txt'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("entry 'unlisted.txt'", StringComparison.Ordinal) && p.Contains("not listed", StringComparison.Ordinal));

        var none = Hostile("nomanifest.omex", ("model.xml", [1]));
        Assert.Contains(OmexArchive.Validate(none), p => p.Contains("'manifest.xml' is missing", StringComparison.Ordinal));
    }
}
