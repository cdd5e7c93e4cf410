using System.Text.Json.Nodes;
using TwinLab.Core.Distributions;
using TwinLab.Core.Library;
using TwinLab.Data.Store;
using TwinLab.Simulation;
using TwinLab.Synthetic.Cohorts;
using TwinLab.Synthetic.Observation;
using TwinLab.Synthetic.Storage;

namespace TwinLab.Governance.Tests;

/// <summary>Cohort stores for release tests, made the way <c>twinlab cohort generate</c> makes them: a real virtual
/// cohort of a library model, simulated and observed, stored with its provenance.</summary>
internal static class TestCohorts
{
    /// <summary>A store with one gompertz cohort of <paramref name="size"/> subjects (an oversampled subgroup, so
    /// weights differ), optionally with an evaluation report.</summary>
    public static string Store(string folder, int size = 12, ulong seed = 11, string? evaluation = null, Core.Modelling.Model? model = null)
    {
        model ??= ModelLibrary.Get("gompertz");
        var builder = new PopulationModelBuilder(model);
        foreach (var p in model.Parameters.Where(p => p.Prior is LogNormal))
        {
            builder.Variability(p.Name, 0.2);
        }
        var cohort = VirtualCohort.Generate(new CohortDesign(builder.Build(), CovariateModel.Oncology(), size, seed,
            Representation.Oversample((new Subgroup("sex", "female"), 2))));
        double[] saveAt = [0, 5, 10, 15, 20];
        var simulation = CounterfactualSimulation.Run(cohort, [TreatmentArm.Standard(model)], (0, 20), saveAt, new AutoAlgorithm { RelTol = 1e-6, AbsTol = 1e-8 });
        var endpoint = model.States[0];
        var source = new DataSource("simulation", new Endpoint(endpoint.Name, endpoint.Name, endpoint.Unit), new VisitSchedule(saveAt), ResidualError.Proportional(0.1));
        var path = Path.Combine(folder, $"cohort-{model.Name}.db");
        using (var store = CohortStore.Open(path))
        {
            store.SaveCohort(cohort, new JsonObject { ["commandLine"] = new JsonArray("tests") });
            foreach (var run in simulation.Runs)
            {
                store.SaveRun(cohort, run, ObservationModel.Observe(cohort, run, source).Records);
            }
            if (evaluation is not null)
            {
                store.SaveEvaluation(cohort.CohortId, "QualityReport", evaluation);
            }
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return path;
    }
}
