using System.IO.Compression;
using TwinLab.TestSupport;

namespace TwinLab.IntegrationTests;

/// <summary>A cohort generated with <c>twinlab cohort generate</c>, released with <c>twinlab release</c>, and the release
/// checked by tools TwinLab did not write: <c>sha256sum -c</c>, the npm RO-Crate validator (rocval.js), Debian's
/// python3-jsonschema on every JSON artefact, rdflib on the Croissant JSON-LD and the OMEX metadata, libSBML on the SBML
/// and xmllint on the manifest and the SED-ML; then <c>twinlab validate</c> on the release and on a tampered copy.</summary>
public sealed class ReleaseCliTests : IDisposable
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("twinlab-release-cli-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static string Standards => new[] { "../shared/standards", "shared/standards" }
        .Select(p => Path.GetFullPath(Path.Combine(DebianPython.RepositoryRoot, p))).First(Directory.Exists);

    [Fact]
    public void AGeneratedCohortsReleasePassesEveryExternalValidator()
    {
        var db = Path.Combine(_dir.FullName, "cohort.db");
        var generate = JupyterTools.TwinLab(null, "cohort", "generate", "--model", "gompertz", "--n", "30", "--seed", "5", "--db", db, "--tend", "30",
            "--error", "proportional:0.1", "--oversample", "female=2");
        Assert.True(generate.ExitCode == 0, generate.Describe());
        var release = Path.Combine(_dir.FullName, "release");
        var write = JupyterTools.TwinLab(null, "release", "--db", db, "--out", release, "--published", "2026-01-01T00:00:00Z");
        Assert.True(write.ExitCode == 0, write.Describe());
        Assert.Contains("seed 5", write.Output, StringComparison.Ordinal);

        var again = JupyterTools.TwinLab(null, "release", "--db", db, "--out", release);
        Assert.True(again.ExitCode == 2, again.Describe());
        Assert.Contains("exists and is not empty", again.Error, StringComparison.Ordinal);

        var validate = JupyterTools.TwinLab(null, "validate", release);
        Assert.True(validate.ExitCode == 0, validate.Describe());
        Assert.Contains("valid release", validate.Output, StringComparison.Ordinal);

        var sums = JupyterTools.Run("/bin/sh", ["-c", $"cd '{release}' && sha256sum -c --strict SHA256SUMS"], null, Minute);
        Assert.True(sums.ExitCode == 0, sums.Describe());
        Assert.Equal(11, sums.Output.Split('\n').Count(l => l.EndsWith(": OK", StringComparison.Ordinal)));

        var modules = Path.Combine(DebianPython.RepositoryRoot, "environment", "validators", "node_modules");
        Assert.True(Directory.Exists(Path.Combine(modules, "ro-crate")), $"The npm package ro-crate is missing from {modules}: run 'npm ci' in environment/validators.");
        var crate = JupyterTools.Run("/usr/bin/node", [Path.Combine(Standards, "validators", "rocval.js"), release], new Dictionary<string, string> { ["NODE_PATH"] = modules }, Minute);
        Assert.True(crate.ExitCode == 0, crate.Describe());
        Assert.Contains("errors=0", crate.Output, StringComparison.Ordinal);

        var archive = Directory.GetFiles(Path.Combine(release, "models"), "*.omex").Single();
        var extracted = Directory.CreateDirectory(Path.Combine(_dir.FullName, "omex")).FullName;
        ZipFile.ExtractToDirectory(archive, extracted);

        // Every JSON artefact against its schema (the release's and the archive's), the Croissant JSON-LD and the OMEX
        // metadata as RDF.
        var python = DebianPython.Run("""
            import sys, json, glob, os, jsonschema, rdflib
            schemas, release, omex = sys.argv[1], sys.argv[2], sys.argv[3]
            def schema_of(name):
                if name == "ro-crate-metadata.json": return "ro-crate"
                if name == "credibility-report.json": return "credibility-report"
                if name in ("model.json", "parameters.json"): return {"model.json": "model", "parameters.json": "parameter-set"}[name]
                if name.endswith(".data-card.json"): return "data-card"
                if name.endswith(".model-card.json"): return "model-card"
                raise SystemExit("no schema for " + name)
            checked = 0
            for path in sorted(glob.glob(release + "/**/*.json", recursive=True) + glob.glob(omex + "/*.json")):
                schema = json.load(open(f"{schemas}/{schema_of(os.path.basename(path))}.schema.json"))
                jsonschema.Draft202012Validator.check_schema(schema)
                jsonschema.Draft202012Validator(schema).validate(json.load(open(path)))
                checked += 1
            SC = rdflib.Namespace("https://schema.org/"); RAI = rdflib.Namespace("http://mlcommons.org/croissant/RAI/")
            for card in glob.glob(release + "/cards/*.data-card.json"):
                g = rdflib.Graph(); g.parse(card, format="json-ld")
                datasets = list(g.subjects(rdflib.RDF.type, SC.Dataset))
                assert len(datasets) == 1 and g.value(datasets[0], RAI.hasSyntheticData).toPython() is True, card
                assert len(list(g.objects(datasets[0], SC.distribution))) == 3, card
            g = rdflib.Graph(); g.parse(omex + "/metadata.rdf", format="xml")
            print(checked, len(g))
            """, "", Path.Combine(DebianPython.RepositoryRoot, "data-schemas"), release, extracted);
        var counts = python.Trim().Split(' ');
        Assert.Equal("6", counts[0]); // data card, model card, credibility report, crate, model.json, parameters.json
        Assert.True(int.Parse(counts[1], System.Globalization.CultureInfo.InvariantCulture) > 5, python);

        var sbml = JupyterTools.Run(SbmlValidator(), [Path.Combine(extracted, "model.xml")], null, Minute);
        Assert.True(sbml.ExitCode == 0, sbml.Describe());
        foreach (var (xsd, file) in new[] { ("combine.xsd", "manifest.xml"), ("sed-ml-L1-V4.patched.xsd", "simulation.sedml") })
        {
            var lint = JupyterTools.Run("/usr/bin/xmllint", ["--noout", "--schema", Path.Combine(Standards, "xsd", xsd), Path.Combine(extracted, file)], null, Minute);
            Assert.True(lint.ExitCode == 0, lint.Describe());
        }

        // A changed byte is found by twinlab validate and by sha256sum.
        var observations = Directory.GetFiles(Path.Combine(release, "cohorts"), "observations.csv", SearchOption.AllDirectories).Single();
        var bytes = File.ReadAllBytes(observations);
        bytes[^3] ^= 1;
        File.WriteAllBytes(observations, bytes);
        var tampered = JupyterTools.TwinLab(null, "validate", release);
        Assert.True(tampered.ExitCode == 1, tampered.Describe());
        Assert.Contains("observations.csv: its SHA-256 is", tampered.Output, StringComparison.Ordinal);
        Assert.Contains("1 problem(s)", tampered.Output, StringComparison.Ordinal);
        Assert.NotEqual(0, JupyterTools.Run("/bin/sh", ["-c", $"cd '{release}' && sha256sum -c --quiet SHA256SUMS"], null, Minute).ExitCode);
    }

    /// <summary>libSBML's example validator, compiled with g++ against Debian's libsbml5-dev.</summary>
    private string SbmlValidator()
    {
        const string Examples = "/usr/share/doc/libsbml5-examples/examples/c++";
        Assert.True(File.Exists(Path.Combine(Examples, "validateSBML.cpp")), $"libSBML's examples are missing from {Examples}: run environment/setup.sh (libsbml5-examples).");
        var dir = Directory.CreateDirectory(Path.Combine(_dir.FullName, "validateSBML")).FullName;
        foreach (var f in new[] { "validateSBML.cpp", "util.c", "util.h" })
        {
            File.Copy(Path.Combine(Examples, f), Path.Combine(dir, f));
        }
        var compile = JupyterTools.Run("/bin/sh", ["-c", $"cd '{dir}' && g++ -O1 -o validateSBML validateSBML.cpp util.c $(pkg-config --cflags --libs libsbml)"], null, TimeSpan.FromMinutes(5));
        Assert.True(compile.ExitCode == 0, compile.Describe());
        return Path.Combine(dir, "validateSBML");
    }
}
