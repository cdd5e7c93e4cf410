using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using TwinLab.Core.Library;
using TwinLab.Data.Store;

namespace TwinLab.Cli.Tests;

public sealed class CohortCommandTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("twinlab-cohort-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    private string PathOf(string name) => Path.Combine(_folder.FullName, name);

    [Fact]
    public void Generate_stores_an_oversampled_cohort_with_arms_and_provenance_and_export_writes_it()
    {
        var db = PathOf("cohort.db");
        var run = CliRun.Of("cohort", "generate", "--model", "norton-simon", "--n", "60", "--seed", "7", "--oversample", "ancestry:east_asian=3",
            "--oversample", "2=2", "--arms", "control=none;weekly=model", "--tend", "42", "--dt-save", "7", "--error", "proportional:0.1", "--lloq", "40", "--db", db);
        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        Assert.Contains("60 subjects of norton-simon (seed 7)", run.Output, StringComparison.Ordinal);
        Assert.Contains("ancestry:east_asian oversampled x3", run.Output, StringComparison.Ordinal);
        Assert.Contains("performance_status:2 oversampled x2", run.Output, StringComparison.Ordinal);
        Assert.Contains("arm weekly", run.Output, StringComparison.Ordinal);

        using (var store = CohortStore.Open(db))
        {
            Assert.Equal("ok", store.IntegrityCheck());
            var cohort = Assert.Single(store.Cohorts());
            Assert.Equal(ModelLibrary.Get("norton-simon").Digest, cohort.ModelDigest);
            Assert.Equal(7UL, cohort.Seed);
            using var provenance = JsonDocument.Parse(cohort.Provenance);
            Assert.Equal(["ancestry:east_asian=3", "2=2"], provenance.RootElement.GetProperty("request").GetProperty("Oversample").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal("control=none;weekly=model", provenance.RootElement.GetProperty("request").GetProperty("Arms").GetString());
            Assert.True(provenance.RootElement.GetProperty("generation").GetProperty("candidatesDrawn").GetInt64() > 60);
            var subjects = store.Subjects(cohort.CohortId);
            Assert.Equal(60, subjects.Count);
            // Weights: max factor 3·2 = 6 over the subject's own factor.
            foreach (var s in subjects)
            {
                var factor = (s.Covariates.Single(c => c.Name == "ancestry").Level == "east_asian" ? 3 : 1) * (s.Covariates.Single(c => c.Name == "performance_status").Level == "2" ? 2 : 1);
                Assert.Equal(6.0 / factor, s.SamplingWeight, 12);
            }
            var runs = store.Runs(cohort.CohortId);
            Assert.Equal(["control", "weekly"], runs.Select(r => r.Arm));
            var observations = store.Observations(cohort.CohortId);
            Assert.Equal(2 * 60 * 7, observations.Count);
            Assert.All(observations, o => Assert.Equal("V", o.Endpoint));
            Assert.Contains(observations, o => o.Censored && o.Value == 40);
        }

        var subjectsCsv = PathOf("subjects.csv");
        var export = CliRun.Of("cohort", "export", "--db", db, "--out", subjectsCsv);
        Assert.True(export.ExitCode == ExitCodes.Success, export.Error);
        var lines = File.ReadAllLines(subjectsCsv);
        Assert.Equal(61, lines.Length);
        Assert.StartsWith("subject_id,subject_index,sampling_weight,sex,age,ancestry,weight,performance_status,baseline_burden,albumin,biomarker,V0,r,K,eps,k_el,C_dose", lines[0], StringComparison.Ordinal);

        var observationsCsv = PathOf("observations.csv");
        export = CliRun.Of("cohort", "export", "--db", db, "--out", observationsCsv, "--table", "observations");
        Assert.True(export.ExitCode == ExitCodes.Success, export.Error);
        Assert.Equal(2 * 60 * 7 + 1, File.ReadAllLines(observationsCsv).Length);
    }

    [Fact]
    public void The_same_command_gives_the_same_cohort()
    {
        string[] Args(string db) => ["cohort", "generate", "--model", "pk-oral-1cmt", "--n", "20", "--seed", "3", "--tend", "24", "--dt-save", "2", "--variability", "0.3", "--db", db];
        Assert.Equal(ExitCodes.Success, CliRun.Of(Args(PathOf("a.db"))).ExitCode);
        Assert.Equal(ExitCodes.Success, CliRun.Of(Args(PathOf("b.db"))).ExitCode);
        Assert.Equal(ExitCodes.Success, CliRun.Of("cohort", "export", "--db", PathOf("a.db"), "--out", PathOf("a.csv"), "--table", "observations").ExitCode);
        Assert.Equal(ExitCodes.Success, CliRun.Of("cohort", "export", "--db", PathOf("b.db"), "--out", PathOf("b.csv"), "--table", "observations").ExitCode);
        Assert.Equal(File.ReadAllText(PathOf("a.csv")), File.ReadAllText(PathOf("b.csv")));
        // Generating the same cohort into the same store again is refused rather than duplicated.
        var again = CliRun.Of(Args(PathOf("a.db")));
        Assert.Equal(ExitCodes.Usage, again.ExitCode);
        Assert.Contains("already in", again.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--model", "nope", "No built-in model is named")]
    [InlineData("--n", "0", "--n must be a positive number")]
    [InlineData("--oversample", "martian=2", "no covariate has a level 'martian'")]
    [InlineData("--oversample", "ancestry:east_asian=-1", "positive factor")]
    [InlineData("--oversample", "ancestry:martian=2", "has no level 'martian'")]
    [InlineData("--arms", "a=every:7", "INTERVALxCOUNT")]
    [InlineData("--error", "gaussian:1", "--error 'gaussian:1' is not")]
    [InlineData("--endpoint", "X", "has no state or observable 'X'")]
    [InlineData("--db", "cohort.csv", "ending in .db")]
    public void Bad_arguments_are_reported_without_a_stack_trace(string option, string value, string expected)
    {
        var arguments = new Dictionary<string, string>
        {
            ["--model"] = "gompertz", ["--n"] = "5", ["--seed"] = "1", ["--db"] = PathOf("x.db"),
        };
        arguments[option] = option == "--db" ? PathOf(value) : value;
        var run = CliRun.Of(["cohort", "generate", .. arguments.SelectMany(p => new[] { p.Key, p.Value })]);
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains(expected, run.Error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_says_which_cohorts_a_store_holds()
    {
        var missing = CliRun.Of("cohort", "export", "--db", PathOf("none.db"), "--out", PathOf("x.csv"));
        Assert.Equal(ExitCodes.Usage, missing.ExitCode);
        Assert.Contains("does not exist", missing.Error, StringComparison.Ordinal);

        var db = PathOf("two.db");
        Assert.Equal(ExitCodes.Success, CliRun.Of("cohort", "generate", "--model", "gompertz", "--n", "4", "--seed", "1", "--db", db).ExitCode);
        Assert.Equal(ExitCodes.Success, CliRun.Of("cohort", "generate", "--model", "gompertz", "--n", "4", "--seed", "2", "--db", db).ExitCode);
        var ambiguous = CliRun.Of("cohort", "export", "--db", db, "--out", PathOf("x.csv"));
        Assert.Equal(ExitCodes.Usage, ambiguous.ExitCode);
        Assert.Contains("holds 2 cohorts", ambiguous.Error, StringComparison.Ordinal);
        using var store = CohortStore.Open(db);
        var id = store.Cohorts()[1].CohortId;
        var chosen = CliRun.Of("cohort", "export", "--db", db, "--out", PathOf("x.csv"), "--cohort", id);
        Assert.True(chosen.ExitCode == ExitCodes.Success, chosen.Error);
        Assert.Equal(5, File.ReadAllLines(PathOf("x.csv")).Length);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"cohort {id}"), chosen.Output, StringComparison.Ordinal);
    }
}
