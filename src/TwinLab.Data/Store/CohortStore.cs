using System.Globalization;
using Microsoft.Data.Sqlite;

namespace TwinLab.Data.Store;

/// <summary>
/// TwinLab's SQLite store of synthetic cohorts: cohorts, subjects and covariates, parameter sets, runs, observations
/// and evaluation reports. The database is opened in WAL mode with foreign keys on and full synchronisation; its
/// schema is brought to <see cref="Migrations.Latest"/> by applying the missing <see cref="Migrations"/> in order, each in
/// its own transaction with its row in <c>schema_version</c>. Every Save method writes in one transaction: a writer
/// that dies half-way leaves the previous state intact.
/// </summary>
public sealed class CohortStore : IDisposable
{
    private readonly SqliteConnection _connection;

    private CohortStore(string path, SqliteConnection connection)
    {
        Path = path;
        _connection = connection;
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>The schema version of the database.</summary>
    public int SchemaVersion => Convert.ToInt32(Scalar("SELECT COALESCE(MAX(version), 0) FROM schema_version"), CultureInfo.InvariantCulture);

    /// <summary>Opens (creating if needed) a store and applies missing migrations.</summary>
    /// <param name="path">The database file.</param>
    /// <returns>The store.</returns>
    /// <exception cref="InvalidOperationException">The database was written by a newer TwinLab (a higher schema version).</exception>
    public static CohortStore Open(string path) => Open(path, Migrations.Latest);

    /// <summary>Opens a store, migrating it no further than <paramref name="version"/> (for testing migrations).</summary>
    internal static CohortStore Open(string path, int version)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Cannot open the store '{path}': the folder '{directory}' does not exist.");
        }
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            ForeignKeys = true,
            DefaultTimeout = 30,
        }.ToString());
        connection.Open();
        var store = new CohortStore(full, connection);
        try
        {
            store.Execute("PRAGMA journal_mode = WAL");
            store.Execute("PRAGMA synchronous = FULL");
            store.Execute("PRAGMA foreign_keys = ON");
            store.Migrate(version);
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>Saves a cohort with its subjects and parameter sets, in one transaction.</summary>
    /// <param name="cohort">The cohort.</param>
    /// <param name="subjects">Its subjects with their covariates.</param>
    /// <param name="parameterSets">Their parameter sets.</param>
    /// <exception cref="SqliteException">A constraint failed (e.g. the cohort is already stored); nothing is written.</exception>
    public void SaveCohort(CohortRow cohort, IEnumerable<SubjectRow> subjects, IEnumerable<ParameterSetRow> parameterSets)
    {
        ArgumentNullException.ThrowIfNull(cohort);
        ArgumentNullException.ThrowIfNull(subjects);
        ArgumentNullException.ThrowIfNull(parameterSets);
        using var transaction = _connection.BeginTransaction();
        Insert(transaction, "INSERT INTO cohorts VALUES ($id, $name, $version, $digest, $seed, $size, $spec, $provenance, $created)",
            ("$id", cohort.CohortId), ("$name", cohort.ModelName), ("$version", cohort.ModelVersion), ("$digest", cohort.ModelDigest),
            ("$seed", unchecked((long)cohort.Seed)), ("$size", cohort.Size), ("$spec", cohort.Specification), ("$provenance", cohort.Provenance), ("$created", Now()));
        using (var subject = Prepare(transaction, "INSERT INTO subjects VALUES ($id, $cohort, $index, $weight)", "$id", "$cohort", "$index", "$weight"))
        using (var covariate = Prepare(transaction, "INSERT INTO covariates VALUES ($subject, $name, $number, $level, $unit)", "$subject", "$name", "$number", "$level", "$unit"))
        {
            foreach (var s in subjects)
            {
                Run(subject, s.SubjectId, s.CohortId, s.SubjectIndex, s.SamplingWeight);
                foreach (var c in s.Covariates)
                {
                    Run(covariate, s.SubjectId, c.Name, c.Number, c.Level, c.Unit);
                }
            }
        }
        using (var set = Prepare(transaction, "INSERT INTO parameter_sets VALUES ($id, $subject, $digest)", "$id", "$subject", "$digest"))
        using (var value = Prepare(transaction, "INSERT INTO parameter_values VALUES ($set, $ordinal, $name, $value, $unit)", "$set", "$ordinal", "$name", "$value", "$unit"))
        {
            foreach (var p in parameterSets)
            {
                Run(set, p.ParameterSetId, p.SubjectId, p.ModelDigest);
                for (var k = 0; k < p.Values.Count; k++)
                {
                    Run(value, p.ParameterSetId, k, p.Values[k].Name, p.Values[k].Value, p.Values[k].Unit);
                }
            }
        }
        transaction.Commit();
    }

    /// <summary>Saves a run and its observations in one transaction.</summary>
    /// <param name="run">The run.</param>
    /// <param name="observations">Its observations (may be empty).</param>
    public void SaveRun(RunRow run, IEnumerable<ObservationRow> observations)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(observations);
        using var transaction = _connection.BeginTransaction();
        Insert(transaction, "INSERT INTO runs VALUES ($id, $cohort, $arm, $treatments, $seed, $digest, $twinlab, $runtime, $settings, $created)",
            ("$id", run.RunId), ("$cohort", run.CohortId), ("$arm", run.Arm), ("$treatments", run.Treatments), ("$seed", unchecked((long)run.Seed)),
            ("$digest", run.ModelDigest), ("$twinlab", run.TwinLabVersion), ("$runtime", run.RuntimeVersion), ("$settings", run.Settings), ("$created", Now()));
        InsertObservations(transaction, observations);
        transaction.Commit();
    }

    /// <summary>Saves observations (e.g. of another data source of a stored run) in one transaction.</summary>
    /// <param name="observations">The observations.</param>
    /// <returns>How many were written.</returns>
    public int SaveObservations(IEnumerable<ObservationRow> observations)
    {
        ArgumentNullException.ThrowIfNull(observations);
        using var transaction = _connection.BeginTransaction();
        var count = InsertObservations(transaction, observations);
        transaction.Commit();
        return count;
    }

    /// <summary>Saves an evaluation report of a stored cohort.</summary>
    /// <param name="cohortId">The cohort.</param>
    /// <param name="name">The report's name, e.g. <c>QualityReport</c>.</param>
    /// <param name="json">The report as JSON.</param>
    /// <returns>The evaluation's number.</returns>
    /// <exception cref="ArgumentException">The JSON is not valid, or the cohort is not in the store.</exception>
    public long SaveEvaluation(string cohortId, string name, string json)
    {
        ArgumentNullException.ThrowIfNull(cohortId);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(json);
        if (Convert.ToInt64(Scalar("SELECT json_valid($j)", ("$j", json)), CultureInfo.InvariantCulture) != 1)
        {
            throw new ArgumentException($"The evaluation '{name}' is not valid JSON.", nameof(json));
        }
        if (Convert.ToInt64(Scalar("SELECT COUNT(*) FROM cohorts WHERE cohort_id = $id", ("$id", cohortId)), CultureInfo.InvariantCulture) == 0)
        {
            throw new ArgumentException($"Cohort '{cohortId}' is not in the store {Path}; save it first.", nameof(cohortId));
        }
        using var transaction = _connection.BeginTransaction();
        Insert(transaction, "INSERT INTO evaluations (cohort_id, name, report, created_at) VALUES ($cohort, $name, $report, $created)",
            ("$cohort", cohortId), ("$name", name), ("$report", json), ("$created", Now()));
        var id = Convert.ToInt64(Scalar("SELECT last_insert_rowid()", transaction), CultureInfo.InvariantCulture);
        transaction.Commit();
        return id;
    }

    /// <summary>The stored cohorts, oldest first.</summary>
    /// <returns>The cohorts.</returns>
    public IReadOnlyList<CohortRow> Cohorts() => Query("SELECT * FROM cohorts ORDER BY created_at, cohort_id", r => new CohortRow(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), unchecked((ulong)r.GetInt64(4)), r.GetInt32(5), r.GetString(6), r.GetString(7), r.GetString(8)));

    /// <summary>A cohort's subjects with their covariates, by index.</summary>
    /// <param name="cohortId">The cohort.</param>
    /// <returns>The subjects.</returns>
    public IReadOnlyList<SubjectRow> Subjects(string cohortId)
    {
        var covariates = Query("SELECT c.subject_id, c.name, c.number, c.level, c.unit FROM covariates c JOIN subjects s USING (subject_id) WHERE s.cohort_id = $id ORDER BY c.rowid",
            r => (Subject: r.GetString(0), Row: new CovariateRow(r.GetString(1), r.IsDBNull(2) ? null : r.GetDouble(2), r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4))),
            ("$id", cohortId)).ToLookup(c => c.Subject, c => c.Row, StringComparer.Ordinal);
        return Query("SELECT subject_id, cohort_id, subject_index, sampling_weight FROM subjects WHERE cohort_id = $id ORDER BY subject_index",
            r => new SubjectRow(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetDouble(3), [.. covariates[r.GetString(0)]]), ("$id", cohortId));
    }

    /// <summary>A cohort's parameter sets, by subject index.</summary>
    /// <param name="cohortId">The cohort.</param>
    /// <returns>The parameter sets.</returns>
    public IReadOnlyList<ParameterSetRow> ParameterSets(string cohortId)
    {
        var values = Query("SELECT v.param_set_id, v.name, v.value, v.unit FROM parameter_values v JOIN parameter_sets p USING (param_set_id) JOIN subjects s USING (subject_id) WHERE s.cohort_id = $id ORDER BY v.param_set_id, v.ordinal",
            r => (Set: r.GetString(0), Row: new ParameterValueRow(r.GetString(1), r.GetDouble(2), r.GetString(3))), ("$id", cohortId))
            .ToLookup(v => v.Set, v => v.Row, StringComparer.Ordinal);
        return Query("SELECT p.param_set_id, p.subject_id, p.model_digest FROM parameter_sets p JOIN subjects s USING (subject_id) WHERE s.cohort_id = $id ORDER BY s.subject_index",
            r => new ParameterSetRow(r.GetString(0), r.GetString(1), r.GetString(2), [.. values[r.GetString(0)]]), ("$id", cohortId));
    }

    /// <summary>A cohort's runs.</summary>
    /// <param name="cohortId">The cohort.</param>
    /// <returns>The runs, in the order they were stored.</returns>
    public IReadOnlyList<RunRow> Runs(string cohortId) => Query("SELECT * FROM runs WHERE cohort_id = $id ORDER BY rowid", r => new RunRow(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), unchecked((ulong)r.GetInt64(4)), r.GetString(5), r.GetString(6), r.GetString(7), r.GetString(8), r.GetString(9)),
        ("$id", cohortId));

    /// <summary>A cohort's observations, in the order they were stored.</summary>
    /// <param name="cohortId">The cohort.</param>
    /// <returns>The observations.</returns>
    public IReadOnlyList<ObservationRow> Observations(string cohortId) => Query("SELECT * FROM observations WHERE cohort_id = $id ORDER BY rowid", ReadObservation, ("$id", cohortId));

    /// <summary>Every observation of a run, in the order they were stored.</summary>
    /// <param name="runId">The run.</param>
    /// <returns>The observations.</returns>
    public IReadOnlyList<ObservationRow> ObservationsOfRun(string runId) => Query("SELECT * FROM observations WHERE run_id = $id ORDER BY rowid", ReadObservation, ("$id", runId));

    /// <summary>A cohort's evaluation reports, oldest first.</summary>
    /// <param name="cohortId">The cohort.</param>
    /// <returns>The reports.</returns>
    public IReadOnlyList<EvaluationRow> Evaluations(string cohortId) => Query("SELECT * FROM evaluations WHERE cohort_id = $id ORDER BY evaluation_id",
        r => new EvaluationRow(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4)), ("$id", cohortId));

    /// <summary>SQLite's <c>PRAGMA integrity_check</c> and <c>foreign_key_check</c>: "ok", or the problems found.</summary>
    /// <returns>The result.</returns>
    public string IntegrityCheck()
    {
        var integrity = Query("PRAGMA integrity_check", r => r.GetString(0));
        var foreign = Query("PRAGMA foreign_key_check", r => $"foreign key violation in {r.GetString(0)} row {r.GetInt64(1)}");
        var problems = integrity.Where(l => l != "ok").Concat(foreign).ToList();
        return problems.Count == 0 ? "ok" : string.Join("\n", problems);
    }

    /// <summary>The number of rows of a table (for reports and tests).</summary>
    /// <param name="table">One of the store's tables.</param>
    /// <returns>The count.</returns>
    public long Count(string table)
    {
        string[] tables = ["cohorts", "subjects", "covariates", "parameter_sets", "parameter_values", "runs", "observations", "evaluations", "schema_version"];
        return tables.Contains(table)
            ? Convert.ToInt64(Scalar($"SELECT COUNT(*) FROM {table}"), CultureInfo.InvariantCulture)
            : throw new ArgumentException($"'{table}' is not a table of the store; the tables are {string.Join(", ", tables)}.", nameof(table));
    }

    /// <summary>Closes the database.</summary>
    public void Dispose() => _connection.Dispose();

    private void Migrate(int upTo)
    {
        Execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)");
        var current = SchemaVersion;
        if (current > Migrations.Latest)
        {
            throw new InvalidOperationException(
                $"The store {Path} has schema version {current}, newer than this TwinLab understands ({Migrations.Latest}); open it with a newer TwinLab.");
        }
        foreach (var migration in Migrations.All.Where(m => m.Version > current && m.Version <= upTo).OrderBy(m => m.Version))
        {
            using var transaction = _connection.BeginTransaction();
            using (var command = _connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = migration.Sql;
                command.ExecuteNonQuery();
            }
            Insert(transaction, "INSERT INTO schema_version VALUES ($v, $d, $t)", ("$v", migration.Version), ("$d", migration.Description), ("$t", Now()));
            transaction.Commit();
        }
    }

    private int InsertObservations(SqliteTransaction transaction, IEnumerable<ObservationRow> observations)
    {
        string[] names = ["$record", "$subject", "$index", "$set", "$run", "$cohort", "$arm", "$source", "$digest", "$seed", "$visit", "$nominal", "$time",
            "$endpoint", "$unit", "$value", "$censored", "$lloq", "$status", "$true"];
        using var insert = Prepare(transaction, $"INSERT INTO observations VALUES ({string.Join(", ", names)})", names);
        var count = 0;
        foreach (var o in observations)
        {
            Run(insert, o.RecordId, o.SubjectId, o.SubjectIndex, o.ParameterSetId, o.RunId, o.CohortId, o.Arm, o.Source, o.ModelDigest,
                o.Seed is { } seed ? unchecked((long)seed) : null, o.Visit, o.NominalTime, o.Time, o.Endpoint, o.Unit, o.Value, o.Censored ? 1 : 0, o.Lloq, o.Status, o.TrueValue);
            count++;
        }
        return count;
    }

    private static ObservationRow ReadObservation(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetInt64(2), NullableText(r, 3), NullableText(r, 4), NullableText(r, 5), NullableText(r, 6),
        r.GetString(7), NullableText(r, 8), r.IsDBNull(9) ? null : unchecked((ulong)r.GetInt64(9)), r.IsDBNull(10) ? null : r.GetInt32(10),
        NullableReal(r, 11), NullableReal(r, 12), r.GetString(13), r.GetString(14), NullableReal(r, 15), r.GetInt64(16) == 1, NullableReal(r, 17),
        r.GetString(18), NullableReal(r, 19));

    private static string? NullableText(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static double? NullableReal(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);

    private static string Now() => DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private object? Scalar(string sql, params (string Name, object? Value)[] parameters) => Scalar(sql, null, parameters);

    private object? Scalar(string sql, SqliteTransaction? transaction, params (string Name, object? Value)[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        return command.ExecuteScalar();
    }

    private List<T> Query<T>(string sql, Func<SqliteDataReader, T> read, params (string Name, object? Value)[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }
        return rows;
    }

    private void Insert(SqliteTransaction transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        command.ExecuteNonQuery();
    }

    private SqliteCommand Prepare(SqliteTransaction transaction, string sql, params string[] names)
    {
        var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter(name, null));
        }
        return command;
    }

    private static void Run(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
        command.ExecuteNonQuery();
    }
}
