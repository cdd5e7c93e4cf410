using TwinLab.Core.Library;
using TwinLab.Data.Csv;
using TwinLab.Data.Store;
using TwinLab.Synthetic.Cohorts;
using TwinLab.Synthetic.Observation;
using TwinLab.Synthetic.Storage;

namespace TwinLab.Synthetic.Tests.Storage;

public sealed class CohortStorageTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("twinlab-cohort-storage-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void A_cohort_its_run_and_observations_are_stored_and_read_back_exactly()
    {
        var model = ModelLibrary.Get("gompertz");
        var population = new PopulationModelBuilder(model).Variability("r", 0.3).Power("K", "weight", 1, 70).Build();
        var cohort = VirtualCohort.Generate(new CohortDesign(population, CovariateModel.Oncology(), 25, 4,
            Representation.Oversample((new Subgroup("performance_status", "2"), 3))));
        var simulation = CounterfactualSimulation.Run(cohort, [TreatmentArm.Untreated()], (0, 28), [.. Enumerable.Range(0, 29).Select(i => (double)i)]);
        var source = new DataSource("trial", new Endpoint("tumour_volume", "V", "mm3"), VisitSchedule.Every(0, 27, 9, 1, 0.1), ResidualError.Proportional(0.1))
        {
            Lloq = 60,
            Dropout = DropoutModel.Mcar(0.1),
        };
        var observed = ObservationModel.Observe(cohort, simulation.Runs[0], source);
        var path = Path.Combine(_folder.FullName, "cohort.db");
        using (var store = CohortStore.Open(path))
        {
            store.SaveCohort(cohort);
            store.SaveRun(cohort, simulation.Runs[0], observed.Records);
        }
        using var reopened = CohortStore.Open(path);
        Assert.Equal("ok", reopened.IntegrityCheck());
        var stored = Assert.Single(reopened.Cohorts());
        Assert.Equal(cohort.CohortId, stored.CohortId);
        Assert.Equal(cohort.Design.Specification, stored.Specification);
        Assert.Contains("candidatesDrawn", stored.Provenance, StringComparison.Ordinal);
        var subjects = reopened.Subjects(cohort.CohortId);
        var sets = reopened.ParameterSets(cohort.CohortId);
        for (var i = 0; i < cohort.Subjects.Count; i++)
        {
            var s = cohort.Subjects[i];
            Assert.Equal(s.SubjectId, subjects[i].SubjectId);
            Assert.Equal(s.SamplingWeight, subjects[i].SamplingWeight);
            Assert.Equal(s.Parameters, sets[i].Values.Select(v => v.Value));
            Assert.Equal(s.Covariates.Number("weight"), subjects[i].Covariates.Single(c => c.Name == "weight").Number);
            Assert.Equal(s.Covariates.Level("ancestry"), subjects[i].Covariates.Single(c => c.Name == "ancestry").Level);
        }
        Assert.Equal(observed.Records.Select(r => r.ToRow()), reopened.ObservationsOfRun(simulation.Runs[0].RunId));

        var subjectsCsv = Path.Combine(_folder.FullName, "subjects.csv");
        Assert.Equal(25, SubjectCsv.Write(subjectsCsv, subjects, sets));
        var header = File.ReadLines(subjectsCsv).First().Split(',');
        Assert.Equal(["subject_id", "subject_index", "sampling_weight", "sex", "age", "ancestry", "weight", "performance_status", "baseline_burden", "albumin", "biomarker", "V0", "r", "K"], header);
        var observationsCsv = Path.Combine(_folder.FullName, "observations.csv");
        ObservationCsv.Write(observationsCsv, reopened.Observations(cohort.CohortId));
        Assert.Equal(observed.Records.Select(r => r.ToRow()), ObservationCsv.Read(observationsCsv));
    }
}
