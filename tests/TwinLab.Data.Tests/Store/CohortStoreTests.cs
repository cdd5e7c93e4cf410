using System.Diagnostics;
using Microsoft.Data.Sqlite;
using TwinLab.Data.Store;

namespace TwinLab.Data.Tests.Store;

public sealed class CohortStoreTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("twinlab-store-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_folder.FullName, name);

    internal static CohortRow Cohort(string id = "C1") => new(id, "gompertz", "1.0", "abc123", ulong.MaxValue - 7, 2, """{"size":2}""", """{"twinlabVersion":"0.1.0"}""");

    internal static SubjectRow[] Subjects(string cohort = "C1") =>
    [
        new($"{cohort}-0", cohort, 0, 1.0, [new CovariateRow("sex", null, "female", null), new CovariateRow("weight", 61.25, null, "kg")]),
        new($"{cohort}-3", cohort, 3, 4.0, [new CovariateRow("sex", null, "male", null), new CovariateRow("weight", 80.5, null, "kg")]),
    ];

    internal static ParameterSetRow[] Parameters(string cohort = "C1") =>
    [
        new($"P{cohort}-0", $"{cohort}-0", "abc123", [new ParameterValueRow("r", 0.1, "1/d"), new ParameterValueRow("K", 2000, "mm3")]),
        new($"P{cohort}-3", $"{cohort}-3", "abc123", [new ParameterValueRow("r", 0.125, "1/d"), new ParameterValueRow("K", 1500, "mm3")]),
    ];

    internal static ObservationRow Observation(string id, string run = "R1", string cohort = "C1", string subject = "C1-0", string set = "PC1-0") =>
        new(id, subject, 0, set, run, cohort, "control", "trial", "abc123", 7, 1, 7, 7.25, "tumour_volume", "mm3", 61.5, false, 20, "Observed", 60.1);

    [Fact]
    public void A_new_store_uses_wal_foreign_keys_and_the_latest_schema()
    {
        using var store = CohortStore.Open(PathOf("new.db"));
        Assert.Equal(Migrations.Latest, store.SchemaVersion);
        Assert.Equal(Migrations.All.Count, store.Count("schema_version"));
        Assert.Equal("ok", store.IntegrityCheck());
        using var connection = new SqliteConnection($"Data Source={PathOf("new.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
    }

    [Fact]
    public void Migrations_are_applied_in_order_to_an_older_store_and_a_newer_store_is_refused()
    {
        var path = PathOf("old.db");
        using (var old = CohortStore.Open(path, 1))
        {
            Assert.Equal(1, old.SchemaVersion);
            old.SaveCohort(Cohort(), Subjects(), Parameters());
        }
        using (var store = CohortStore.Open(path))
        {
            Assert.Equal(2, store.SchemaVersion);
            Assert.Equal(2, store.Subjects("C1").Count);
        }
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'observations_by_run'";
            Assert.Equal(1L, command.ExecuteScalar());
            command.CommandText = "INSERT INTO schema_version VALUES (99, 'from the future', '2100-01-01')";
            command.ExecuteNonQuery();
        }
        var error = Assert.Throws<InvalidOperationException>(() => CohortStore.Open(path));
        Assert.Contains("schema version 99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cohorts_runs_observations_and_evaluations_round_trip()
    {
        var path = PathOf("round.db");
        using (var store = CohortStore.Open(path))
        {
            store.SaveCohort(Cohort(), Subjects(), Parameters());
            store.SaveRun(new RunRow("R1", "C1", "control", "untreated", 7, "abc123", "0.1.0", "10.0.0", """{"tEnd":84}"""),
                [Observation("a"), Observation("b") with { Value = null, Censored = true, Time = null, Status = "Missed", TrueValue = null }]);
            Assert.Equal(1, store.SaveEvaluation("C1", "QualityReport", """{"KSComplement":{"age":0.97}}"""));
        }
        using var reopened = CohortStore.Open(path);
        var cohort = Assert.Single(reopened.Cohorts());
        Assert.Equal(Cohort() with { CreatedAt = cohort.CreatedAt }, cohort);
        Assert.True(DateTime.TryParse(cohort.CreatedAt, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out _));
        var subjects = reopened.Subjects("C1");
        Assert.Equal(Subjects().Select(s => (s.SubjectId, s.SubjectIndex, s.SamplingWeight)), subjects.Select(s => (s.SubjectId, s.SubjectIndex, s.SamplingWeight)));
        Assert.Equal(Subjects()[1].Covariates, subjects[1].Covariates);
        var sets = reopened.ParameterSets("C1");
        Assert.Equal(Parameters()[1].Values, sets[1].Values);
        var run = Assert.Single(reopened.Runs("C1"));
        Assert.Equal(ulong.Parse("7", System.Globalization.CultureInfo.InvariantCulture), run.Seed);
        var observations = reopened.ObservationsOfRun("R1");
        Assert.Equal(Observation("a"), observations[0]);
        Assert.Equal(Observation("b") with { Value = null, Censored = true, Time = null, Status = "Missed", TrueValue = null }, observations[1]);
        Assert.Equal(observations, reopened.Observations("C1"));
        var evaluation = Assert.Single(reopened.Evaluations("C1"));
        Assert.Equal("QualityReport", evaluation.Name);
        Assert.Contains("KSComplement", evaluation.Json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_write_leaves_nothing_behind()
    {
        using var store = CohortStore.Open(PathOf("atomic.db"));
        store.SaveCohort(Cohort(), Subjects(), Parameters());
        // The second observation names a parameter set that does not exist: the foreign key fails and the whole run,
        // its first observation included, is rolled back.
        Assert.Throws<SqliteException>(() => store.SaveRun(new RunRow("R1", "C1", "control", "untreated", 7, "abc123", "0.1.0", "10.0.0", "{}"),
            [Observation("a"), Observation("b", set: "missing")]));
        Assert.Empty(store.Runs("C1"));
        Assert.Equal(0, store.Count("observations"));
        // A duplicate cohort is refused whole too.
        Assert.Throws<SqliteException>(() => store.SaveCohort(Cohort(), Subjects("C2"), []));
        Assert.Equal(2, store.Count("subjects"));
        Assert.Equal("ok", store.IntegrityCheck());
    }

    [Fact]
    public void Evaluations_need_valid_json_and_a_stored_cohort()
    {
        using var store = CohortStore.Open(PathOf("evaluations.db"));
        store.SaveCohort(Cohort(), Subjects(), Parameters());
        Assert.Throws<ArgumentException>(() => store.SaveEvaluation("C1", "broken", "{not json"));
        var error = Assert.Throws<ArgumentException>(() => store.SaveEvaluation("C9", "QualityReport", "{}"));
        Assert.Contains("save it first", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, store.Count("evaluations"));
    }

    [Fact]
    public void A_writer_killed_inside_a_transaction_leaves_the_committed_state_intact()
    {
        var path = PathOf("crash.db");
        var writer = Path.Combine(AppContext.BaseDirectory, "TwinLab.Data.Writer.dll");
        Assert.True(File.Exists(writer), $"{writer} is missing: build tests/TwinLab.Data.Writer.");
        const int Runs = 3;
        const int Rows = 2000;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { writer, path, Runs.ToString(System.Globalization.CultureInfo.InvariantCulture), Rows.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        // Standard error is drained concurrently so that a chatty runtime can never block the writer on a full pipe.
        var errors = process.StandardError.ReadToEndAsync();
        var lines = new List<string>();
        try
        {
            string? line;
            while ((line = process.StandardOutput.ReadLine()) is not null && line != "INSIDE")
            {
                lines.Add(line);
            }
            Assert.True(line == "INSIDE", $"The writer stopped before its last transaction: {string.Join(" | ", lines)}");
            // 40,000 uncommitted rows of ~300 bytes exceed SQLite's page cache (2 MB), so uncommitted pages are in the WAL file now.
            Assert.True(new FileInfo(path + "-wal").Length > 4_000_000, $"WAL is {new FileInfo(path + "-wal").Length} bytes");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        Assert.Equal(Enumerable.Range(0, Runs + 1).Select(k => $"COMMITTED {k}"), lines);

        using var store = CohortStore.Open(path);
        Assert.Equal("ok", store.IntegrityCheck());

        Assert.Equal(Runs, store.Runs("C-crash").Count);
        Assert.Equal(Runs * Rows, store.Count("observations"));
        for (var k = 1; k <= Runs; k++)
        {
            var observations = store.ObservationsOfRun($"R-{k}");
            Assert.Equal(Rows, observations.Count);
            Assert.Equal(Enumerable.Range(0, Rows).Select(i => i * 0.5), observations.Select(o => o.Value!.Value));
        }
        Assert.Empty(store.ObservationsOfRun($"R-{Runs + 1}"));
    }
}
