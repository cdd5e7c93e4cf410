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

public sealed class SimulateEnsembleTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("twinlab-ensemble-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_folder.FullName, name);

    [Fact]
    public void An_ensemble_is_written_in_long_format_reproducibly()
    {
        var first = PathOf("a.csv");
        var second = PathOf("b.csv");
        var run = CliRun.Of("simulate", "--model", "kuznetsov", "--patients", "20", "--seed", "9", "--days", "28", "--dt-save", "7", "--out", first);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(0, CliRun.Of("simulate", "--model", "kuznetsov", "--patients", "20", "--seed", "9", "--days", "28", "--dt-save", "7", "--out", second).ExitCode);
        var lines = File.ReadAllLines(first);
        Assert.Equal("patient,time,E,T", lines[0]);
        Assert.Equal(1 + (20 * 5), lines.Length);
        Assert.Equal(File.ReadAllText(first), File.ReadAllText(second));
        using var meta = JsonDocument.Parse(File.ReadAllText(first + ".meta.json"));
        Assert.Equal(9UL, meta.RootElement.GetProperty("seed").GetUInt64());
        Assert.Contains("CV 0.3", meta.RootElement.GetProperty("patients").GetString(), StringComparison.Ordinal);
        Assert.Contains("20 patients, 0 failed", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_parameter_file_gives_the_patients_and_sqlite_output_works()
    {
        var patients = PathOf("patients.csv");
        File.WriteAllText(patients, "ka,CL\n1.0,5\n2.0,4\n0.5,6\n");
        var db = PathOf("out.db");
        var run = CliRun.Of("simulate", "--model", "pk-oral-1cmt", "--parameters", patients, "--tend", "24", "--dt-save", "1", "--out", db);
        Assert.True(run.ExitCode == 0, run.Error);
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), COUNT(DISTINCT patient) FROM trajectories";
        using (var reader = command.ExecuteReader())
        {
            reader.Read();
            Assert.Equal(3 * 25, reader.GetInt64(0));
            Assert.Equal(3, reader.GetInt64(1));
        }
        command.CommandText = "SELECT value FROM metadata WHERE key = 'provenance'";
        Assert.Contains("pk-oral-1cmt", (string)command.ExecuteScalar()!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--patients", "0", "positive")]
    [InlineData("--variability", "-1", "0 or more")]
    public void Bad_ensemble_options_are_usage_errors(string option, string value, string message)
    {
        var args = new List<string> { "simulate", "--model", "gompertz", option, value, "--out", PathOf("x.csv") };
        if (option != "--patients")
        {
            args.InsertRange(3, ["--patients", "5"]);
        }
        var run = CliRun.Of([.. args]);
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_parameter_file_and_a_single_db_output_are_usage_errors()
    {
        var patients = PathOf("bad.csv");
        File.WriteAllText(patients, "r,K\n0.1,nope\n");
        var run = CliRun.Of("simulate", "--model", "gompertz", "--parameters", patients, "--out", PathOf("x.csv"));
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("line 2, column 'K'", run.Error, StringComparison.Ordinal);
        var single = CliRun.Of("simulate", "--model", "gompertz", "--out", PathOf("x.db"));
        Assert.Equal(ExitCodes.Usage, single.ExitCode);
        Assert.Contains("for ensembles", single.Error, StringComparison.Ordinal);
    }
}
