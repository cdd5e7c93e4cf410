namespace TwinLab.Data.Store;

/// <summary>A stored cohort: its identity, model, seed and the JSON of its design and provenance.</summary>
/// <param name="CohortId">The cohort's identifier (a content hash of its design).</param>
/// <param name="ModelName">The model's name.</param>
/// <param name="ModelVersion">The model's version.</param>
/// <param name="ModelDigest">The model's digest.</param>
/// <param name="Seed">The seed of every random stream.</param>
/// <param name="Size">The number of subjects.</param>
/// <param name="Specification">The design as JSON.</param>
/// <param name="Provenance">Versions, command line and other provenance as JSON.</param>
/// <param name="CreatedAt">When it was stored (ISO 8601, UTC); set by the store.</param>
public sealed record CohortRow(string CohortId, string ModelName, string ModelVersion, string ModelDigest, ulong Seed, int Size,
    string Specification, string Provenance, string CreatedAt = "");

/// <summary>One covariate of a subject: a number or a level.</summary>
/// <param name="Name">The covariate.</param>
/// <param name="Number">Its value when continuous.</param>
/// <param name="Level">Its level when categorical.</param>
/// <param name="Unit">The unit of a continuous covariate.</param>
public sealed record CovariateRow(string Name, double? Number, string? Level, string? Unit);

/// <summary>A stored subject with its covariates.</summary>
/// <param name="SubjectId">The subject's identifier.</param>
/// <param name="CohortId">Its cohort.</param>
/// <param name="SubjectIndex">Its index (the entity of its random streams).</param>
/// <param name="SamplingWeight">Its sampling weight.</param>
/// <param name="Covariates">Its covariates.</param>
public sealed record SubjectRow(string SubjectId, string CohortId, long SubjectIndex, double SamplingWeight, IReadOnlyList<CovariateRow> Covariates);

/// <summary>One parameter value.</summary>
/// <param name="Name">The parameter.</param>
/// <param name="Value">Its value.</param>
/// <param name="Unit">Its unit.</param>
public sealed record ParameterValueRow(string Name, double Value, string Unit);

/// <summary>A stored parameter set of one subject.</summary>
/// <param name="ParameterSetId">The set's identifier.</param>
/// <param name="SubjectId">The subject.</param>
/// <param name="ModelDigest">The model's digest.</param>
/// <param name="Values">Every parameter's value.</param>
public sealed record ParameterSetRow(string ParameterSetId, string SubjectId, string ModelDigest, IReadOnlyList<ParameterValueRow> Values);

/// <summary>A stored simulation run: one arm of a cohort.</summary>
/// <param name="RunId">The run's identifier.</param>
/// <param name="CohortId">The cohort.</param>
/// <param name="Arm">The arm's name.</param>
/// <param name="Treatments">The arm's treatments as text.</param>
/// <param name="Seed">The seed.</param>
/// <param name="ModelDigest">The model's digest.</param>
/// <param name="TwinLabVersion">TwinLab's version.</param>
/// <param name="RuntimeVersion">The .NET runtime's version.</param>
/// <param name="Settings">Time span, save times and solver as JSON.</param>
/// <param name="CreatedAt">When it was stored; set by the store.</param>
public sealed record RunRow(string RunId, string CohortId, string Arm, string Treatments, ulong Seed, string ModelDigest,
    string TwinLabVersion, string RuntimeVersion, string Settings, string CreatedAt = "");

/// <summary>
/// One observation record (synthetic or imported). Identity fields are null for real data imported from CSV.
/// </summary>
/// <param name="RecordId">Unique identifier.</param>
/// <param name="SubjectId">The subject.</param>
/// <param name="SubjectIndex">The subject's stream index (synthetic data).</param>
/// <param name="ParameterSetId">The parameter set (synthetic data).</param>
/// <param name="RunId">The run (synthetic data).</param>
/// <param name="CohortId">The cohort (synthetic data).</param>
/// <param name="Arm">The treatment arm.</param>
/// <param name="Source">The data source.</param>
/// <param name="ModelDigest">The model's digest (synthetic data).</param>
/// <param name="Seed">The seed (synthetic data).</param>
/// <param name="Visit">The visit number.</param>
/// <param name="NominalTime">The scheduled time.</param>
/// <param name="Time">The actual time, or null when not observed.</param>
/// <param name="Endpoint">The endpoint.</param>
/// <param name="Unit">Its unit.</param>
/// <param name="Value">The value, or null.</param>
/// <param name="Censored">Below the lower limit of quantification.</param>
/// <param name="Lloq">The limit, or null.</param>
/// <param name="Status">Observed, Missed, DroppedOut or SimulationFailed.</param>
/// <param name="TrueValue">The noiseless value (synthetic data), or null.</param>
public sealed record ObservationRow(string RecordId, string SubjectId, long? SubjectIndex, string? ParameterSetId, string? RunId, string? CohortId,
    string? Arm, string Source, string? ModelDigest, ulong? Seed, int? Visit, double? NominalTime, double? Time, string Endpoint, string Unit,
    double? Value, bool Censored, double? Lloq, string Status, double? TrueValue);

/// <summary>A stored evaluation report.</summary>
/// <param name="EvaluationId">Its number.</param>
/// <param name="CohortId">The cohort it evaluates.</param>
/// <param name="Name">Its name, e.g. <c>QualityReport</c>.</param>
/// <param name="Json">The report as JSON.</param>
/// <param name="CreatedAt">When it was stored.</param>
public sealed record EvaluationRow(long EvaluationId, string CohortId, string Name, string Json, string CreatedAt);
