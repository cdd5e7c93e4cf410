using System.Globalization;

namespace TwinLab.Cli.Tests;

public class SbiCommandTests
{
    private static string TempFile(string name) => Path.Combine(Path.GetTempPath(), "twinlab-sbi-" + Guid.NewGuid().ToString("N") + "-" + name);

    [Fact]
    public void Npe_writes_samples_with_a_header_of_parameter_names()
    {
        var observation = TempFile("obs.csv");
        var output = TempFile("samples.csv");
        File.WriteAllText(observation, "data_1,data_2\n0.05,-0.1\n");
        var run = CliRun.Of("sbi", "--task", "two_moons", "--method", "npe", "--budget", "300", "--x-obs", observation, "--samples", "40", "--seed", "2", "--out", output);
        Assert.True(run.ExitCode == 0, run.Error);
        var lines = File.ReadAllLines(output);
        Assert.Equal("parameter_1,parameter_2", lines[0]);
        Assert.Equal(41, lines.Length);
        Assert.All(lines.Skip(1), l => Assert.All(l.Split(','), v => Assert.InRange(double.Parse(v, CultureInfo.InvariantCulture), -1, 1)));
        Assert.Contains("two_moons / npe: 40 samples", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Neural_spline_flow_recovers_the_gaussian_linear_posterior_end_to_end()
    {
        // gaussian_linear's posterior for the task's observation 1 is N(x/2, 0.05·I); the observation file given here
        // is x = (0.4, −0.2, 0, …, 0), so the exact posterior mean is (0.2, −0.1, 0, …). With 3000 simulations the
        // spline flow's mean of 500 samples is within 0.12 of it in each dimension (0.55 posterior sd: the estimator's
        // own error at this budget plus 0.01 sampling sd), and the c2st subcommand separates the samples from exact
        // posterior draws no better than 0.7 (sbibm's NSF at 10³ simulations: ≈ 0.65).
        var observation = TempFile("gl-obs.csv");
        var output = TempFile("gl-nsf.csv");
        var names = string.Join(',', Enumerable.Range(1, 10).Select(i => $"data_{i}"));
        File.WriteAllText(observation, names + "\n0.4,-0.2,0,0,0,0,0,0,0,0\n");
        var run = CliRun.Of("sbi", "--task", "gaussian_linear", "--method", "nsf", "--budget", "3000", "--x-obs", observation, "--samples", "500", "--seed", "3", "--out", output);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("gaussian_linear / nsf: 500 samples", run.Output, StringComparison.Ordinal);
        var lines = File.ReadAllLines(output);
        Assert.Equal(501, lines.Length);
        var rows = lines.Skip(1).Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        double[] expected = [0.2, -0.1, 0, 0, 0, 0, 0, 0, 0, 0];
        for (var j = 0; j < 10; j++)
        {
            Assert.InRange(rows.Average(r => r[j]), expected[j] - 0.12, expected[j] + 0.12);
        }

        var stream = TwinLab.Core.Randomness.RandomStream.For(9, "exact-posterior");
        var exact = Enumerable.Range(0, 500).Select(_ => string.Join(',', expected.Select(m => (m + (Math.Sqrt(0.05) * stream.NextNormal())).ToString("R", CultureInfo.InvariantCulture))));
        var reference = TempFile("gl-exact.csv");
        File.WriteAllText(reference, lines[0] + "\n" + string.Join('\n', exact) + "\n");
        var c2st = CliRun.Of("sbi", "c2st", "--reference", reference, "--samples", output);
        Assert.True(c2st.ExitCode == 0, c2st.Error);
        Assert.InRange(double.Parse(c2st.Output.Trim().Split(' ')[1], CultureInfo.InvariantCulture), 0.4, 0.7);
    }

    [Theory]
    [InlineData("abc-smc")]
    [InlineData("rej-abc")]
    public void Abc_methods_write_samples(string method)
    {
        var output = TempFile("abc.csv");
        var run = CliRun.Of("sbi", "--task", "gaussian_mixture", "--method", method, "--budget", "2000", "--samples", "25", "--out", output);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(26, File.ReadAllLines(output).Length);
    }

    [Fact]
    public void C2st_of_two_files_from_one_distribution_is_near_one_half()
    {
        // Two sets of 200 rows from the same distribution (uniform points on a unit square from a fixed random
        // stream) cannot be told apart: the held-out accuracy is 0.5 up to ≈ 0.025 binomial sd; 0.4–0.6 is 4 sd.
        string Write(string name, ulong entity)
        {
            var stream = TwinLab.Core.Randomness.RandomStream.For(7, "c2st-cli", entity);
            var rows = Enumerable.Range(0, 200).Select(_ => string.Create(CultureInfo.InvariantCulture, $"{stream.NextDouble()},{stream.NextDouble()}"));
            var path = TempFile(name);
            File.WriteAllText(path, "a,b\n" + string.Join('\n', rows) + "\n");
            return path;
        }

        var run = CliRun.Of("sbi", "c2st", "--reference", Write("a.csv", 1), "--samples", Write("b.csv", 2));
        Assert.True(run.ExitCode == 0, run.Error);
        var score = double.Parse(run.Output.Trim().Split(' ')[1], CultureInfo.InvariantCulture);
        Assert.InRange(score, 0.4, 0.6);
    }

    [Fact]
    public void Mistakes_are_reported_with_what_to_do()
    {
        var unknown = CliRun.Of("sbi", "--task", "nope", "--out", TempFile("x.csv"));
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("two_moons", unknown.Error, StringComparison.Ordinal);

        var observation = TempFile("bad.csv");
        File.WriteAllText(observation, "data_1\n0.1\n");
        var wrongColumns = CliRun.Of("sbi", "--task", "two_moons", "--x-obs", observation, "--out", TempFile("y.csv"));
        Assert.NotEqual(0, wrongColumns.ExitCode);
        Assert.Contains("column order", wrongColumns.Error, StringComparison.Ordinal);

        var method = CliRun.Of("sbi", "--task", "two_moons", "--method", "spline", "--out", TempFile("z.csv"));
        Assert.NotEqual(0, method.ExitCode);
        Assert.Contains("nsf", method.Error, StringComparison.Ordinal);
    }
}
