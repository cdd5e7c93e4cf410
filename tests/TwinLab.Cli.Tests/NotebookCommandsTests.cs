using System.Text.Json.Nodes;
using TwinLab.Notebooks.Documents;

namespace TwinLab.Cli.Tests;

/// <summary><c>twinlab run</c> and <c>twinlab verify</c>, in process.</summary>
public sealed class NotebookCommandsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("twinlab-cli-nb-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Notebook(string name, params string[] cells)
    {
        var notebook = new NotebookDocument();
        for (var i = 0; i < cells.Length; i++)
        {
            notebook.Cells.Add(new NotebookCell(CellKind.Code, cells[i], $"c{i + 1}"));
        }
        var path = Path.Combine(_folder, name);
        IpynbFormat.Save(notebook, path);
        return path;
    }

    private static string RepositoryNotebooks()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TwinLab.sln")))
            {
                return Path.Combine(directory.FullName, "notebooks");
            }
        }
        throw new InvalidOperationException("No TwinLab.sln above the test assembly.");
    }

    [Fact]
    public void The_repository_notebooks_run_and_reproduce_their_stored_outputs()
    {
        var notebooks = RepositoryNotebooks();
        var run = CliRun.Of("run", notebooks, "--out", Path.Combine(_folder, "out"), "--html");
        Assert.True(run.ExitCode == ExitCodes.Success, run.Output + run.Error);
        Assert.True(File.Exists(Path.Combine(_folder, "out", "00-welcome.ipynb")));
        Assert.True(File.Exists(Path.Combine(_folder, "out", "00-welcome.html")));

        var verify = CliRun.Of("verify", notebooks);
        Assert.True(verify.ExitCode == ExitCodes.Success, verify.Output + verify.Error);
        Assert.Contains("00-welcome.ipynb: reproduced", verify.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_reports_each_notebook_and_writes_executed_copies_into_the_out_folder()
    {
        var path = Notebook("a.ipynb", "var x = 6;", "x * 7");
        var run = CliRun.Of("run", _folder, "--out", Path.Combine(_folder, "out"));
        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Contains($"{path}: ok, 2 code cells", run.Output, StringComparison.Ordinal);
        var executed = IpynbFormat.Read(Path.Combine(_folder, "out", "a.ipynb"));
        Assert.Equal("42", NotebookOutputs.PlainTextOf(executed.Cells[1].Outputs[0]));
        Assert.Empty(IpynbFormat.Read(path).Cells[1].Outputs);
    }

    [Fact]
    public void A_failing_cell_exits_one_and_names_the_cell()
    {
        Notebook("bad.ipynb", "1", "int Zero() => 0;\nvar y = 1 / Zero();");
        var run = CliRun.Of("run", _folder);
        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Contains("cell 2 (id 'c2') failed: DivideByZeroException: Attempted to divide by zero.", run.Output, StringComparison.Ordinal);
        Assert.Contains("at <top-level code> in cell 2, line 2", run.Output, StringComparison.Ordinal);
        Assert.Contains("1 of 1 notebook failed", run.Output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, CliRun.Of("run", _folder, "--allow-errors").ExitCode);
    }

    [Fact]
    public void Parameters_are_injected_and_recorded()
    {
        var notebook = new NotebookDocument();
        notebook.Cells.Add(new NotebookCell(CellKind.Code, "var seed = 1;", "p") { Metadata = { ["tags"] = new JsonArray("parameters") } });
        notebook.Cells.Add(new NotebookCell(CellKind.Code, "seed", "s"));
        var path = Path.Combine(_folder, "p.ipynb");
        IpynbFormat.Save(notebook, path);
        var run = CliRun.Of("run", path, "-p", "seed=99", "--inplace");
        Assert.Equal(ExitCodes.Success, run.ExitCode);
        var executed = IpynbFormat.Read(path);
        Assert.Equal("99", NotebookOutputs.PlainTextOf(executed.Cells[2].Outputs[0]));
        Assert.Equal(99, executed.Metadata["twinlab"]!["seed"]!.GetValue<int>());
        Assert.Equal(ExitCodes.Success, CliRun.Of("verify", path).ExitCode);
    }

    [Fact]
    public void Verify_catches_a_changed_output_and_respects_tolerances()
    {
        var path = Notebook("v.ipynb", "1.0 / 3");
        Assert.Equal(ExitCodes.Success, CliRun.Of("run", path, "--inplace").ExitCode);
        var stored = File.ReadAllText(path);
        File.WriteAllText(path, stored.Replace("0.3333333333333333", "0.33333334", StringComparison.Ordinal));

        var strict = CliRun.Of("verify", path, "--rtol", "1e-9");
        Assert.Equal(ExitCodes.Failure, strict.ExitCode);
        Assert.Contains("MISMATCH", strict.Output, StringComparison.Ordinal);
        Assert.Contains("text/plain, line 1: expected '0.33333334', got '0.3333333333333333'", strict.Output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, CliRun.Of("verify", path, "--rtol", "1e-6").ExitCode);
    }

    [Theory]
    [InlineData("{\"cells\": [", "not valid JSON")]
    [InlineData("{\"nbformat\": 5, \"nbformat_minor\": 0, \"metadata\": {}, \"cells\": []}", "nbformat: version 5 is not supported")]
    [InlineData("{\"nbformat\": 4, \"nbformat_minor\": 5, \"metadata\": {}}", "missing field 'cells'")]
    public void Malformed_notebooks_exit_two_with_the_location(string json, string message)
    {
        var path = Path.Combine(_folder, "m.ipynb");
        File.WriteAllText(path, json);
        foreach (var command in new[] { "run", "verify" })
        {
            var run = CliRun.Of(command, path);
            Assert.Equal(ExitCodes.Usage, run.ExitCode);
            Assert.Contains(path, run.Error, StringComparison.Ordinal);
            Assert.Contains(message, run.Error, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("run", "{0}/nothing.ipynb")]
    [InlineData("run", "{0}/a.ipynb -p novalue")]
    [InlineData("run", "{0}/a.ipynb --html")]
    [InlineData("run", "{0}/a.ipynb --out {0}/o --inplace")]
    [InlineData("run", "{0}/a.ipynb --timeout -1")]
    [InlineData("verify", "{0}/a.ipynb --rtol -1")]
    public void Command_line_mistakes_exit_two(string command, string arguments)
    {
        Notebook("a.ipynb", "1");
        var args = string.Format(System.Globalization.CultureInfo.InvariantCulture, arguments, _folder).Split(' ');
        var run = CliRun.Of([command, .. args]);
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
    }

    [Fact]
    public void Dib_files_run_and_are_written_as_ipynb_but_cannot_be_verified()
    {
        var dib = Path.Combine(_folder, "d.dib");
        File.WriteAllText(dib, "#!markdown\n\n# Hi\n\n#!csharp\n\n6 * 7\n");
        var run = CliRun.Of("run", dib, "--out", Path.Combine(_folder, "out"));
        Assert.Equal(ExitCodes.Success, run.ExitCode);
        var executed = IpynbFormat.Read(Path.Combine(_folder, "out", "d.ipynb"));
        Assert.Equal("42", NotebookOutputs.PlainTextOf(executed.Cells[1].Outputs[0]));
        var verify = CliRun.Of("verify", dib);
        Assert.Equal(ExitCodes.Usage, verify.ExitCode);
        Assert.Contains("stores no outputs", verify.Error, StringComparison.Ordinal);
    }
}
