using System.Globalization;
using System.Text;
using System.Text.Json;
using TwinLab.Cli.Commands;

namespace TwinLab.Cli.Tests;

public sealed class CohortEvaluateCommandTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("twinlab-evaluate-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_folder.FullName, name);

    /// <summary>Writes <paramref name="rows"/> records: x ~ N(shift, 1), a group (a third "B"), and an outcome whose
    /// log-odds are 2x.</summary>
    private string WriteRecords(string name, int rows, int seed, double shift = 0)
    {
        var random = new Random(seed);
        var csv = new StringBuilder("x,group,outcome\n");
        for (var i = 0; i < rows; i++)
        {
            var x = shift + (Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
            var group = random.NextDouble() < 1.0 / 3 ? "B" : "A";
            var outcome = random.NextDouble() < 1 / (1 + Math.Exp(-2 * x)) ? "yes" : "no";
            csv.Append(x.ToString("R", CultureInfo.InvariantCulture)).Append(',').Append(group).Append(',').Append(outcome).Append('\n');
        }
        var path = PathOf(name);
        File.WriteAllText(path, csv.ToString());
        return path;
    }

    private static double Score(JsonDocument report, string metric, string? column = null, string? subgroup = null) =>
        report.RootElement.GetProperty("scores").EnumerateArray()
            .First(s => s.GetProperty("metric").GetString() == metric
                && (column is null || s.GetProperty("column").GetString() == column)
                && (subgroup is null || s.GetProperty("subgroup").GetString() == subgroup))
            .GetProperty("value").GetDouble();

    [Fact]
    public void Evaluate_scores_fidelity_privacy_utility_and_subgroups_and_tells_a_copy_from_a_shifted_sample()
    {
        var real = WriteRecords("real.csv", 600, 1);
        var holdout = WriteRecords("holdout.csv", 300, 2);
        var independent = WriteRecords("independent.csv", 600, 3);
        var shifted = WriteRecords("shifted.csv", 600, 4, shift: 1.5);

        var run = CliRun.Of("cohort", "evaluate", "--real", real, "--synthetic", independent, "--holdout", holdout,
            "--subgroup", "group", "--target", "outcome", "--seed", "5", "--report", PathOf("independent.json"));
        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        Assert.Contains("600 real, 600 synthetic, 300 holdout rows", run.Output, StringComparison.Ordinal);
        using var good = JsonDocument.Parse(File.ReadAllText(PathOf("independent.json")));
        Assert.Equal("twinlab.quality-report/1", good.RootElement.GetProperty("schema").GetString());
        // Two samples of 600 from one distribution: the KS statistic is below 1.36·√(2/600) ≈ 0.079 with 95 % probability.
        Assert.True(Score(good, "KSComplement", "x") > 0.92);
        Assert.True(Score(good, "KSComplement", "x", "group=B") > 0.8);
        // Utility: the outcome is learnable from x (log-odds 2x), so train-on-synthetic AUC is far above chance.
        Assert.True(Score(good, "TSTR.AUC", "outcome") > 0.75);
        Assert.True(Score(good, "DCR.BaselineRatio") > 0.5);

        run = CliRun.Of("cohort", "evaluate", "--real", real, "--synthetic", shifted, "--report", PathOf("shifted.json"));
        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        Assert.Contains("need --holdout", run.Output, StringComparison.Ordinal);
        using var bad = JsonDocument.Parse(File.ReadAllText(PathOf("shifted.json")));
        // A shift of 1.5 standard deviations: the KS statistic is 2Φ(0.75) − 1 ≈ 0.55 in the limit.
        Assert.True(Score(bad, "KSComplement", "x") < 0.55);
        Assert.True(bad.RootElement.GetProperty("overall_fidelity").GetDouble() < good.RootElement.GetProperty("overall_fidelity").GetDouble());
    }

    [Fact]
    public void Evaluate_reports_bad_input_as_usage_errors()
    {
        var real = WriteRecords("real.csv", 50, 1);
        var synthetic = WriteRecords("synthetic.csv", 50, 2);

        var run = CliRun.Of("cohort", "evaluate", "--real", real, "--synthetic", synthetic, "--target", "outcome", "--report", PathOf("r.json"));
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("--target needs --holdout", run.Error, StringComparison.Ordinal);

        run = CliRun.Of("cohort", "evaluate", "--real", real, "--synthetic", synthetic, "--subgroup", "sex", "--report", PathOf("r.json"));
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("Column 'sex' is not in", run.Error, StringComparison.Ordinal);

        run = CliRun.Of("cohort", "evaluate", "--real", PathOf("missing.csv"), "--synthetic", synthetic, "--report", PathOf("r.json"));
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("does not exist", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(PathOf("r.json")));
    }
}
