namespace TwinLab.Cli.Tests;

/// <summary><c>twinlab release</c> and <c>twinlab validate</c> in process: a release of a generated cohort validates;
/// mistakes the user can fix (a missing store, a non-empty folder, a bad date, a missing path) exit with 2 and say how.</summary>
public sealed class ReleaseCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("twinlab-cli-release-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    [Fact]
    public void AReleaseOfAGeneratedCohortValidatesAndANonEmptyFolderNeedsForce()
    {
        var db = PathOf("c.db");
        var generate = CliRun.Of("cohort", "generate", "--model", "exponential", "--n", "5", "--seed", "3", "--db", db, "--tend", "10");
        Assert.True(generate.ExitCode == 0, generate.Error);

        var release = CliRun.Of("release", "--db", db, "--out", PathOf("r"), "--published", "2026-01-01T00:00:00Z", "--name", "tiny");
        Assert.True(release.ExitCode == 0, release.Error);
        // Without --url the cards point at the release folder itself, as their file paths do.
        var card = Directory.GetFiles(Path.Combine(PathOf("r"), "cards"), "*.data-card.json").Single();
        Assert.Contains("\"url\": \"./\"", File.ReadAllText(card), StringComparison.Ordinal);
        Assert.Contains(release.OutputLines, l => l.StartsWith("cohort C", StringComparison.Ordinal) && l.Contains("seed 3", StringComparison.Ordinal));
        Assert.Contains("11 files listed in SHA256SUMS", release.Output, StringComparison.Ordinal);

        var validate = CliRun.Of("validate", PathOf("r"));
        Assert.Equal(0, validate.ExitCode);
        Assert.EndsWith("valid release.", validate.OutputLines[^1], StringComparison.Ordinal);

        var again = CliRun.Of("release", "--db", db, "--out", PathOf("r"));
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("exists and is not empty; choose another folder or replace it with --force", again.Error, StringComparison.Ordinal);
        Assert.Equal(0, CliRun.Of("release", "--db", db, "--out", PathOf("r"), "--force", "--url", "https://zenodo.org/records/1").ExitCode);
        Assert.Contains("\"url\": \"https://zenodo.org/records/1\"", File.ReadAllText(Directory.GetFiles(Path.Combine(PathOf("r"), "cards"), "*.data-card.json").Single()), StringComparison.Ordinal);

        File.AppendAllText(Path.Combine(PathOf("r"), "SHA256SUMS"), "not a checksum line\n");
        var broken = CliRun.Of("validate", PathOf("r"));
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains("SHA256SUMS line 12: not 'SHA256  PATH' as sha256sum writes it", broken.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void MistakesExitWithTwoAndSayHowToFixThem()
    {
        var missing = CliRun.Of("release", "--db", PathOf("none.db"), "--out", PathOf("r"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("does not exist: create one with 'twinlab cohort generate --db FILE.db'", missing.Error, StringComparison.Ordinal);

        var date = CliRun.Of("release", "--db", PathOf("none.db"), "--out", PathOf("r"), "--published", "yesterday");
        Assert.Equal(2, date.ExitCode);
        Assert.Contains("--published 'yesterday' is not a date and time", date.Error, StringComparison.Ordinal);

        var url = CliRun.Of("release", "--db", PathOf("none.db"), "--out", PathOf("r"), "--url", "zenodo.org/records/1");
        Assert.Equal(2, url.ExitCode);
        Assert.Contains("--url 'zenodo.org/records/1' is not an absolute http or https URL", url.Error, StringComparison.Ordinal);

        var nothing = CliRun.Of("validate", PathOf("nothing"));
        Assert.Equal(2, nothing.ExitCode);
        Assert.Contains("give the path of a .omex archive or of a release folder", nothing.Error, StringComparison.Ordinal);
    }
}
