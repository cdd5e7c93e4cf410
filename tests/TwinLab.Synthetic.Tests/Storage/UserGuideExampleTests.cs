using TwinLab.Core.Library;
using TwinLab.Data.Store;
using TwinLab.Synthetic.Cohorts;
using TwinLab.Synthetic.Observation;
using TwinLab.Synthetic.Storage;

namespace TwinLab.Synthetic.Tests.Storage;

/// <summary>The C# example of docs/user-guide/cohorts.md runs as written (the store in a temporary folder).</summary>
public sealed class UserGuideExampleTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("twinlab-guide-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void The_user_guide_example_runs()
    {
        var model = ModelLibrary.Get("pk-oral-1cmt");
        var population = new PopulationModelBuilder(model)
            .Power("CL", "weight", 0.75, 70).Power("V", "weight", 1, 70)
            .Effect("CL", "sex", "female", 0.85)
            .Variability("CL", 0.3).Variability("V", 0.2).Correlation("CL", "V", 0.5)
            .Build();
        var cohort = VirtualCohort.Generate(new CohortDesign(population, CovariateModel.Oncology(), 500, seed: 11));
        var grid = Enumerable.Range(0, 73).Select(h => (double)h).ToArray();
        var simulation = CounterfactualSimulation.Run(cohort, TreatmentArm.Parse(model, "bid=model;once=every:24x3*2"), (0, 72), grid);
        var lab = new DataSource("lab", new Endpoint("concentration", "C", "mg/L"), new VisitSchedule([1, 2, 4, 8, 12, 24, 48, 71], Jitter: 0.25),
            ResidualError.Combined(0.05, 0.15)) { Lloq = 0.1 };
        var data = ObservationModel.Observe(cohort, simulation["bid"], lab);
        using var store = CohortStore.Open(Path.Combine(_folder.FullName, "pk.db"));
        store.SaveCohort(cohort);
        store.SaveRun(cohort, simulation["bid"], data.Records);

        Assert.Equal(500 * 8, store.Count("observations"));
        Assert.Equal(0, simulation["bid"].Solution.Failed);
        // Clearance follows weight: with no random effect its typical value is 5·(w/70)^0.75·(0.85 if female).
        var s = cohort.Subjects[0];
        var typical = population.TypicalValuesFor(s.Covariates)[model.ParameterIndex("CL")];
        Assert.Equal(5 * Math.Pow(s.Covariates.Number("weight") / 70, 0.75) * (s.Covariates.Level("sex") == "female" ? 0.85 : 1), typical, 12);
    }
}
