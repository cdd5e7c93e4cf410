using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using TwinLab.Data.Store;
using TwinLab.Synthetic.Cohorts;
using TwinLab.Synthetic.Observation;

namespace TwinLab.Synthetic.Storage;

/// <summary>Stores cohorts, runs and observations in a <see cref="CohortStore"/>, each call in one transaction.</summary>
public static class CohortStorage
{
    /// <summary>TwinLab's version (recorded with every cohort and run).</summary>
    public static string TwinLabVersion { get; } = ReadVersion();

    /// <summary>Stores a cohort: its design, subjects, covariates and parameter sets, and provenance.</summary>
    /// <param name="store">The store.</param>
    /// <param name="cohort">The cohort.</param>
    /// <param name="provenance">Extra provenance (e.g. the command line); versions and the generation report are added.</param>
    public static void SaveCohort(this CohortStore store, VirtualCohort cohort, JsonObject? provenance = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(cohort);
        var model = cohort.Model;
        var document = provenance?.DeepClone().AsObject() ?? [];
        document["twinlabVersion"] = TwinLabVersion;
        document["dotnetVersion"] = Environment.Version.ToString();
        document["generation"] = new JsonObject
        {
            ["candidatesDrawn"] = cohort.Report.CandidatesDrawn,
            ["candidatesNotSelected"] = cohort.Report.CandidatesNotSelected,
            ["parameterRejections"] = new JsonObject(cohort.Report.ParameterRejections.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["covariateRejections"] = new JsonObject(cohort.Report.CovariateRejections.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["candidatesByLevel"] = new JsonObject(cohort.Report.CandidatesByLevel.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
        };
        var units = cohort.Design.Covariates.Definitions.OfType<ContinuousCovariate>().ToDictionary(c => c.Name, c => c.Unit, StringComparer.Ordinal);
        var order = cohort.Design.Covariates.Definitions.Select(d => d.Name).ToList();
        store.SaveCohort(
            new CohortRow(cohort.CohortId, model.Name, model.Version, model.Digest, cohort.Design.Seed, cohort.Subjects.Count, cohort.Design.Specification, document.ToJsonString()),
            cohort.Subjects.Select(s => new SubjectRow(s.SubjectId, cohort.CohortId, s.Index, s.SamplingWeight,
                [.. order.Select(name => s.Covariates.Levels.TryGetValue(name, out var level)
                    ? new CovariateRow(name, null, level, null)
                    : new CovariateRow(name, s.Covariates.Number(name), null, units[name]))])),
            cohort.Subjects.Select(s => new ParameterSetRow(s.ParameterSetId, s.SubjectId, model.Digest,
                [.. model.Parameters.Select((p, k) => new ParameterValueRow(p.Name, s.Parameters[k], p.Unit))])));
    }

    /// <summary>Stores a run of a stored cohort, with observations of it (any sources), in one transaction.</summary>
    /// <param name="store">The store.</param>
    /// <param name="cohort">The cohort.</param>
    /// <param name="run">The run.</param>
    /// <param name="observations">Observations of the run.</param>
    public static void SaveRun(this CohortStore store, VirtualCohort cohort, ArmRun run, IEnumerable<ObservationRecord> observations)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(cohort);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(observations);
        var problem = run.Solution.Problem.Template;
        var times = run.Solution.Times;
        var settings = new JsonObject
        {
            ["timeSpan"] = new JsonArray(problem.Start, problem.End),
            ["saveTimes"] = new JsonObject { ["count"] = times.Count, ["first"] = times.Count > 0 ? times[0] : null, ["last"] = times.Count > 0 ? times[^1] : null },
            ["solver"] = run.Solution.Algorithm,
            ["engine"] = run.Solution.Engine,
            ["failed"] = run.Solution.Failed,
        };
        store.SaveRun(new RunRow(run.RunId, cohort.CohortId, run.Arm.Name, run.Arm.Description, cohort.Design.Seed, cohort.Model.Digest,
            TwinLabVersion, Environment.Version.ToString(), settings.ToJsonString()), observations.Select(ToRow));
    }

    /// <summary>Stores observations of stored runs in one transaction.</summary>
    /// <param name="store">The store.</param>
    /// <param name="observations">The observations.</param>
    /// <returns>How many were stored.</returns>
    public static int SaveObservations(this CohortStore store, IEnumerable<ObservationRecord> observations)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(observations);
        return store.SaveObservations(observations.Select(ToRow));
    }

    /// <summary>An observation record as a store row.</summary>
    /// <param name="record">The record.</param>
    /// <returns>The row.</returns>
    public static ObservationRow ToRow(this ObservationRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new ObservationRow(record.RecordId, record.SubjectId, record.SubjectIndex, record.ParameterSetId, record.RunId, record.CohortId, record.Arm,
            record.Source, record.ModelDigest, record.Seed, record.Visit, record.NominalTime, record.Time, record.Endpoint, record.Unit, record.Value,
            record.Censored, record.Lloq, record.Status.ToString(), record.TrueValue);
    }

    private static string ReadVersion()
    {
        var informational = typeof(CohortStorage).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return (plus < 0 ? informational : informational[..plus]).ToString(CultureInfo.InvariantCulture);
    }
}
