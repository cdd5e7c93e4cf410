using System.Security.Cryptography;
using TwinLab.Core.Library;
using TwinLab.Governance.Archives;
using TwinLab.Governance.Cards;
using TwinLab.TestSupport;

namespace TwinLab.Governance.Tests;

public sealed class CardTests : IDisposable
{
    private static readonly DateTimeOffset When = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("twinlab-cards-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static CredibilityReport Report(int achievedSolverError = 4) => new(
        "Gompertz tumour growth for dose selection",
        "Does a weekly schedule keep the tumour volume below 1000 mm3 at day 60?",
        "Simulated cohorts rank dose schedules before a xenograft study; the study decides.",
        Level.Medium, Level.High,
        [
            new LayerAssessment(TwinLayer.MechanisticCore, "Gompertz ODE, nominal literature parameters.",
            [
                new FactorAssessment(CredibilityFactor.NumericalSolverError, 3, achievedSolverError, [new Evidence("Solver against closed form, rtol 1e-8", "tests/TwinLab.Simulation.Tests")]),
                new FactorAssessment(CredibilityFactor.ModelForm, 4, 2, [new Evidence("Fits published xenograft growth curves", "doi:10.1371/journal.pcbi.1003800")]),
            ]),
            new LayerAssessment(TwinLayer.SyntheticData, "Cohort of 1000 virtual mice.",
            [
                new FactorAssessment(CredibilityFactor.TestSamples, 3, 3, [new Evidence("Fidelity scores", "data-card.json")]),
            ]),
        ]);

    [Fact]
    public void RiskFollowsTheVv40MatrixAndGapsAreListed()
    {
        var report = Report();
        Assert.Equal(4, report.ModelRisk); // medium influence (2) × high consequence (3): 2 + 3 − 1
        Assert.Equal(1, new CredibilityReport("t", "q", "c", Level.Low, Level.Low, []).ModelRisk);
        Assert.Equal(5, new CredibilityReport("t", "q", "c", Level.High, Level.High, []).ModelRisk);
        var gap = Assert.Single(report.Gaps);
        Assert.Equal((TwinLayer.MechanisticCore, CredibilityFactor.ModelForm), (gap.Layer, gap.Factor.Factor));
        Assert.Equal(11 + 12, report.NotAssessed.Count);
        Assert.Contains("Model form achieved 2, target 4", report.ToMarkdown(), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Report(achievedSolverError: 6));
    }

    [Fact]
    public void EveryJsonArtefactMatchesItsSchemaAndLinkedDataParses()
    {
        var model = ModelLibrary.Get("gompertz");
        var dir = _dir.FullName;
        Report().Save(Path.Combine(dir, "credibility"));
        File.WriteAllText(Path.Combine(dir, "model-card.json"), ModelCard.ForModel(model, ["TwinLab"], [new Score("RMSE against xenograft data", 41.5, "all", 30, 55)],
            ["Ranking dose schedules"], ["Untreated growth only"]).ToJson());
        var cohort = Path.Combine(dir, "cohort.csv");
        File.WriteAllText(cohort, "patient,V\n1,100\n");
        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(cohort)));
        var description = new SyntheticCohortDescription("gompertz-cohort", "Virtual mice with Gompertz growth.", "1.0", When, "https://spdx.org/licenses/CC-BY-4.0",
            "https://example.org/gompertz-cohort", "TwinLab",
            [new GeneratingModel(model.Name, model.Version, model.Digest, "models/gompertz.omex")],
            [new CalibrationData("Xenograft growth curves", "days 0 to 60", "Median growth of control arms")],
            new SamplingStrategy("oversampled", 42, new Dictionary<string, double> { ["fast growers"] = 0.25, ["others"] = 1.0 }),
            [new DataMix("gompertz-cohort", "synthetic", 0.8, "AUC +0.03 when included"), new DataMix("control arms", "real", 0.2, "anchors calibration")],
            [new Score("Wasserstein distance of V at day 30", 12.5, "fidelity"), new Score("DCR 5th percentile", 0.9, "privacy")],
            ["Ranking dose schedules in silico"], ["No immune response"],
            [new DataFile("cohort.csv", "text/csv", sha, [("patient", "sc:Integer", "Virtual patient id"), ("V", "sc:Float", "Tumour volume (mm3) at day 30")])]);
        File.WriteAllText(Path.Combine(dir, "data-card.json"), DataCard.ToCroissant(description));
        Assert.Contains("| fidelity | Wasserstein distance of V at day 30 | 12.5 |", DataCard.ToMarkdown(description), StringComparison.Ordinal);
        OmexArchive.Write(model, new TimeCourse(60, 60), SbmlTests.Provenance, Path.Combine(dir, "gompertz.omex"));
        File.WriteAllText(Path.Combine(dir, "parameters.json"), "{}");
        File.WriteAllText(Path.Combine(dir, ProvenanceCrate.MetadataFile), ProvenanceCrate.Create("gompertz release", "A synthetic cohort with its model.", When,
            "https://spdx.org/licenses/CC-BY-4.0",
            [new CrateFile("cohort.csv", "cohort", "text/csv", "Virtual patients"), new CrateFile("gompertz.omex", "model archive", "application/zip", "COMBINE archive"),
             new CrateFile("parameters.json", "parameter set", "application/json", "Nominal parameters")],
            [new GenerationRun("generate-1", "Generate the cohort", "cohort.csv", "gompertz.omex", "parameters.json", 42, When)]));

        var schemas = Path.Combine(DebianPython.RepositoryRoot, "data-schemas");
        var result = DebianPython.Run("""
            import sys, json, jsonschema, rdflib
            schemas, folder = sys.argv[1], sys.argv[2]
            for schema, doc in [("credibility-report", "credibility.json"), ("model-card", "model-card.json"), ("data-card", "data-card.json"), ("ro-crate", "ro-crate-metadata.json")]:
                s = json.load(open(f"{schemas}/{schema}.schema.json"))
                jsonschema.Draft202012Validator.check_schema(s)
                jsonschema.Draft202012Validator(s).validate(json.load(open(f"{folder}/{doc}")))
            g = rdflib.Graph(); g.parse(f"{folder}/data-card.json", format="json-ld")
            SC = rdflib.Namespace("https://schema.org/"); RAI = rdflib.Namespace("http://mlcommons.org/croissant/RAI/")
            datasets = list(g.subjects(rdflib.RDF.type, SC.Dataset))
            print(len(datasets), g.value(datasets[0], RAI.hasSyntheticData), len(list(g.objects(datasets[0], SC.distribution))))
            """, "", schemas, dir);
        Assert.Equal("1 true 1", result.Trim());

        var (exit, output) = ExternalTools.ValidateCrate(dir);
        Assert.True(exit == 0, output);
        Assert.Contains("errors=0", output, StringComparison.Ordinal);
    }

    [Fact]
    public void CrateRefusesRunsWhoseFilesAreNotInTheCrate()
    {
        var e = Assert.Throws<ArgumentException>(() => ProvenanceCrate.Create("r", "d", When, "https://spdx.org/licenses/CC-BY-4.0",
            [new CrateFile("cohort.csv", "cohort", "text/csv", "Virtual patients")],
            [new GenerationRun("g", "Generate", "cohort.csv", "missing.omex", "p.json", 1, When)]));
        Assert.Contains("model archive 'missing.omex'", e.Message, StringComparison.Ordinal);
    }
}
