namespace TwinLab.Data.Store;

/// <summary>One schema change: applied once, in order of <see cref="Version"/>, in its own transaction.</summary>
/// <param name="Version">The schema version after the change (1, 2, ...).</param>
/// <param name="Description">What it changes.</param>
/// <param name="Sql">The statements.</param>
public sealed record Migration(int Version, string Description, string Sql);

/// <summary>The store's migrations, in order. Add a change as a new migration at the end; never edit a released one.</summary>
public static class Migrations
{
    /// <summary>Every migration, in order.</summary>
    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "cohorts, subjects, covariates, parameter sets, runs, observations and evaluations", """
            CREATE TABLE cohorts (
                cohort_id TEXT PRIMARY KEY,
                model_name TEXT NOT NULL,
                model_version TEXT NOT NULL,
                model_digest TEXT NOT NULL,
                seed INTEGER NOT NULL,
                size INTEGER NOT NULL CHECK (size > 0),
                specification TEXT NOT NULL CHECK (json_valid(specification)),
                provenance TEXT NOT NULL CHECK (json_valid(provenance)),
                created_at TEXT NOT NULL);
            CREATE TABLE subjects (
                subject_id TEXT PRIMARY KEY,
                cohort_id TEXT NOT NULL REFERENCES cohorts(cohort_id) ON DELETE CASCADE,
                subject_index INTEGER NOT NULL,
                sampling_weight REAL NOT NULL CHECK (sampling_weight > 0),
                UNIQUE (cohort_id, subject_index));
            CREATE TABLE covariates (
                subject_id TEXT NOT NULL REFERENCES subjects(subject_id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                number REAL,
                level TEXT,
                unit TEXT,
                PRIMARY KEY (subject_id, name),
                CHECK ((number IS NULL) <> (level IS NULL)));
            CREATE TABLE parameter_sets (
                param_set_id TEXT PRIMARY KEY,
                subject_id TEXT NOT NULL REFERENCES subjects(subject_id) ON DELETE CASCADE,
                model_digest TEXT NOT NULL);
            CREATE TABLE parameter_values (
                param_set_id TEXT NOT NULL REFERENCES parameter_sets(param_set_id) ON DELETE CASCADE,
                ordinal INTEGER NOT NULL,
                name TEXT NOT NULL,
                value REAL NOT NULL,
                unit TEXT NOT NULL,
                PRIMARY KEY (param_set_id, name));
            CREATE TABLE runs (
                run_id TEXT PRIMARY KEY,
                cohort_id TEXT NOT NULL REFERENCES cohorts(cohort_id) ON DELETE CASCADE,
                arm TEXT NOT NULL,
                treatments TEXT NOT NULL,
                seed INTEGER NOT NULL,
                model_digest TEXT NOT NULL,
                twinlab_version TEXT NOT NULL,
                runtime_version TEXT NOT NULL,
                settings TEXT NOT NULL CHECK (json_valid(settings)),
                created_at TEXT NOT NULL);
            CREATE TABLE observations (
                record_id TEXT PRIMARY KEY,
                subject_id TEXT NOT NULL,
                subject_index INTEGER,
                param_set_id TEXT REFERENCES parameter_sets(param_set_id) ON DELETE CASCADE,
                run_id TEXT REFERENCES runs(run_id) ON DELETE CASCADE,
                cohort_id TEXT REFERENCES cohorts(cohort_id) ON DELETE CASCADE,
                arm TEXT,
                source TEXT NOT NULL,
                model_digest TEXT,
                seed INTEGER,
                visit INTEGER,
                nominal_time REAL,
                time REAL,
                endpoint TEXT NOT NULL,
                unit TEXT NOT NULL,
                value REAL,
                censored INTEGER NOT NULL CHECK (censored IN (0, 1)),
                lloq REAL,
                status TEXT NOT NULL CHECK (status IN ('Observed', 'Missed', 'DroppedOut', 'SimulationFailed')),
                true_value REAL);
            CREATE TABLE evaluations (
                evaluation_id INTEGER PRIMARY KEY AUTOINCREMENT,
                cohort_id TEXT NOT NULL REFERENCES cohorts(cohort_id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                report TEXT NOT NULL CHECK (json_valid(report)),
                created_at TEXT NOT NULL);
            """),
        new(2, "indexes for reading a cohort's subjects, runs and observations", """
            CREATE INDEX subjects_by_cohort ON subjects(cohort_id, subject_index);
            CREATE INDEX runs_by_cohort ON runs(cohort_id);
            CREATE INDEX observations_by_run ON observations(run_id, subject_index, source, visit);
            CREATE INDEX observations_by_cohort ON observations(cohort_id);
            CREATE INDEX evaluations_by_cohort ON evaluations(cohort_id);
            """),
    ];

    /// <summary>The schema version this TwinLab writes: the last migration's.</summary>
    public static int Latest => All[^1].Version;
}
