using System.Globalization;
using System.Text.Json;
using TwinLab.Core.Library;

namespace TwinLab.Cli.Tests;

public sealed class SimulateCommandTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("twinlab-simulate-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_folder.FullName, name);

    [Fact]
    public void Simulate_writes_time_states_and_observables_with_provenance()
    {
        var file = PathOf("pk.csv");
        var run = CliRun.Of("simulate", "--model", "pk-oral-1cmt", "--tend", "48", "--dt-save", "6", "--param", "CL=4", "--out", file);

        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        var lines = File.ReadAllLines(file);
        Assert.Equal("time,A_gut,A_c,C", lines[0]);
        Assert.Equal(10, lines.Length);
        Assert.Equal(["0", "6", "12", "18", "24", "30", "36", "42", "48"], lines.Skip(1).Select(l => l.Split(',')[0]));
        // The first dose (F · dose = 80 mg) is in the gut at time 0; C = A_c / V.
        Assert.Equal("0,80,0,0", lines[1]);
        var row = lines[2].Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(row[2] / 50, row[3], 12);

        using var meta = JsonDocument.Parse(File.ReadAllText(file + ".meta.json"));
        Assert.Equal(ModelLibrary.Get("pk-oral-1cmt").Digest, meta.RootElement.GetProperty("model").GetProperty("digest").GetString());
        Assert.Equal(4, meta.RootElement.GetProperty("parameters").GetProperty("CL").GetDouble());
        Assert.Equal("Success", meta.RootElement.GetProperty("status").GetString());
        Assert.Contains("pk-oral-1cmt: Success, 9 points", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Extra_doses_and_solvers_are_honoured()
    {
        var plain = PathOf("plain.csv");
        var dosed = PathOf("dosed.csv");
        Assert.Equal(0, CliRun.Of("simulate", "--model", "exponential", "--days", "10", "--solver", "rk4", "--out", plain).ExitCode);
        Assert.Equal(0, CliRun.Of("simulate", "--model", "exponential", "--days", "10", "--solver", "tsit5", "--dose", "V=1@5", "--out", dosed).ExitCode);
        var last = File.ReadAllLines(plain)[^1].Split(',');
        var lastDosed = File.ReadAllLines(dosed)[^1].Split(',');
        var v = double.Parse(last[1], CultureInfo.InvariantCulture);
        var vDosed = double.Parse(lastDosed[1], CultureInfo.InvariantCulture);
        Assert.Equal(Math.Exp(3), v, 1e-6 * Math.Exp(3));
        Assert.Equal(Math.Exp(3) + Math.Exp(1.5), vDosed, 1e-5 * vDosed);
    }

    [Theory]
    [InlineData("rodas5p")]
    [InlineData("rodas5")]
    public void The_stiff_fifth_order_solver_is_available(string name)
    {
        var file = PathOf($"{name}.csv");
        var run = CliRun.Of("simulate", "--model", "exponential", "--days", "10", "--solver", name, "--rtol", "1e-9", "--atol", "1e-12", "--out", file);
        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        var last = File.ReadAllLines(file)[^1].Split(',');
        Assert.Equal(Math.Exp(3), double.Parse(last[1], CultureInfo.InvariantCulture), 1e-7 * Math.Exp(3));
        using var meta = JsonDocument.Parse(File.ReadAllText(file + ".meta.json"));
        Assert.StartsWith("Rodas5P(", meta.RootElement.GetProperty("solver").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no-such-model", "--param", "a=1", "Available models")]
    [InlineData("gompertz", "--param", "zz=1", "has no parameter 'zz'")]
    [InlineData("gompertz", "--param", "r", "is not name=value")]
    [InlineData("gompertz", "--dose", "W=1@0", "has no state 'W'")]
    [InlineData("gompertz", "--dose", "V=1", "malformed")]
    [InlineData("gompertz", "--dose", "V=x@1", "is not a number")]
    [InlineData("gompertz", "--dose", "V=1@-2", "is not a dose time")]
    [InlineData("gompertz", "--tend", "-5", "positive number")]
    public void Bad_input_is_a_usage_error(string model, string option, string value, string message)
    {
        var run = CliRun.Of("simulate", "--model", model, option, value, "--out", PathOf("x.csv"));
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(PathOf("x.csv")));
    }

    [Fact]
    public void An_unwritable_path_is_a_usage_error()
    {
        var run = CliRun.Of("simulate", "--model", "gompertz", "--out", Path.Combine(_folder.FullName, "missing", "x.csv"));
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("does not exist", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Days_and_tend_together_are_refused()
    {
        var run = CliRun.Of("simulate", "--model", "gompertz", "--days", "5", "--tend", "5", "--out", PathOf("x.csv"));
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("not both", run.Error, StringComparison.Ordinal);
    }
}
