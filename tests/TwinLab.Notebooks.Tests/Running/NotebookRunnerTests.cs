using TwinLab.Notebooks.Documents;
using TwinLab.Notebooks.Running;

namespace TwinLab.Notebooks.Tests.Running;

public sealed class NotebookRunnerTests
{
    [Fact]
    public void Runs_cells_in_order_with_results_streams_and_execution_counts()
    {
        var notebook = NotebookBuilder.Of("var x = 2;", "Console.WriteLine(\"x is \" + x);\nx * 21");
        notebook.Cells.Insert(1, new NotebookCell(CellKind.Markdown, "text", "m1"));
        var result = NotebookRunner.Run(notebook);
        Assert.True(result.Succeeded);
        Assert.Equal(2, result.ExecutedCells);
        var cell = result.Notebook.Cells[2];
        Assert.Equal(2, cell.ExecutionCount);
        Assert.Equal(["stream", "execute_result"], cell.Outputs.Select(NotebookOutputs.TypeOf));
        Assert.Equal("x is 2\n42", cell.Text());
        Assert.Empty(notebook.Cells[2].Outputs); // the input is not changed
    }

    [Fact]
    public void A_failing_cell_stops_the_run_and_is_named()
    {
        var notebook = NotebookBuilder.Of("1", "throw new InvalidOperationException(\"broken\");", "3");
        var result = NotebookRunner.Run(notebook);
        Assert.False(result.Succeeded);
        var failure = Assert.Single(result.Failures);
        Assert.Equal("cell 2 (id 'c2')", failure.Label);
        Assert.Equal("InvalidOperationException: broken", failure.Error.Summary);
        Assert.Equal("error", NotebookOutputs.TypeOf(result.Notebook.Cells[1].Outputs.Single()));
        Assert.Empty(result.Notebook.Cells[2].Outputs);
        Assert.Null(result.Notebook.Cells[2].ExecutionCount);
    }

    [Fact]
    public void Allow_errors_carries_on()
    {
        var result = NotebookRunner.Run(NotebookBuilder.Of("throw new Exception(\"x\");", "3"), new RunOptions { AllowErrors = true });
        Assert.Single(result.Failures);
        Assert.Equal("3", result.Notebook.Cells[1].Text());
    }

    [Fact]
    public void Raises_exception_cells_may_fail_and_skip_execution_cells_are_left_alone()
    {
        var notebook = NotebookBuilder.Of("throw new Exception(\"expected\");", "while (true) { }", "\"after\"")
            .Tag(0, "raises-exception").Tag(1, "skip-execution");
        var result = NotebookRunner.Run(notebook);
        Assert.True(result.Succeeded);
        Assert.Equal("Exception: expected", result.Notebook.Cells[0].Text());
        Assert.Null(result.Notebook.Cells[1].ExecutionCount);
        Assert.Equal("after", result.Notebook.Cells[2].Text());
    }

    [Fact]
    public void Parameters_are_injected_after_the_parameters_cell_and_recorded()
    {
        var notebook = NotebookBuilder.Of("var seed = 1;\ndouble dt = 0.5;\nvar label = \"a\";", "$\"{seed} {dt + 1} {label}\"").Tag(0, "parameters");
        var result = NotebookRunner.Run(notebook, new RunOptions
        {
            Parameters = [new("seed", "7"), new("dt", "2"), new("label", "it's")],
        });
        Assert.True(result.Succeeded, (result.Failures.Count > 0 ? result.Failures[0].Error.Summary : ""));
        var injected = result.Notebook.Cells[1];
        Assert.True(injected.HasTag("injected-parameters"));
        Assert.Equal("injected-parameters", injected.Id);
        Assert.Equal("// Parameters injected by twinlab run\nseed = 7;\ndt = 2;\nlabel = \"it's\";", injected.Source);
        Assert.Equal("7 3 it's", result.Notebook.Cells[2].Text());
        var record = result.Notebook.Metadata["twinlab"]!;
        Assert.Equal(7, record["seed"]!.GetValue<int>());
        Assert.Equal(2, record["parameters"]!["dt"]!.GetValue<int>());
        Assert.Equal("it's", record["parameters"]!["label"]!.GetValue<string>());
    }

    [Fact]
    public void A_rerun_keeps_an_earlier_injected_cell_and_new_values_replace_it()
    {
        var notebook = NotebookBuilder.Of("var seed = 1;", "seed").Tag(0, "parameters");
        var first = NotebookRunner.Run(notebook, new RunOptions { Parameters = [new("seed", "5")] }).Notebook;
        Assert.Equal("5", NotebookRunner.Run(first).Notebook.Cells[2].Text());
        var again = NotebookRunner.Run(first, new RunOptions { Parameters = [new("seed", "9")] }).Notebook;
        Assert.Equal(3, again.Cells.Count);
        Assert.Equal("9", again.Cells[2].Text());
    }

    [Fact]
    public void Undeclared_parameters_are_declared_with_a_warning()
    {
        var notebook = NotebookBuilder.Of("var a = 1;", "extra").Tag(0, "parameters");
        var result = NotebookRunner.Run(notebook, new RunOptions { Parameters = [new("extra", "x")] });
        Assert.True(result.Succeeded);
        Assert.Contains("var extra = \"x\";", result.Notebook.Cells[1].Source, StringComparison.Ordinal);
        Assert.Contains(result.Warnings, w => w.Contains("'extra'", StringComparison.Ordinal));
    }

    [Fact]
    public void Executed_notebooks_are_deterministic_and_record_versions_and_the_seed_policy()
    {
        var notebook = NotebookBuilder.Of("var seed = 3;", "var h = display(1); h.Update(2); display(\"x\");").Tag(0, "parameters");
        notebook.Cells[1].Metadata["execution"] = new System.Text.Json.Nodes.JsonObject { ["iopub.status.busy"] = "2024-01-01T00:00:00Z" };
        var a = IpynbFormat.Write(NotebookRunner.Run(notebook).Notebook);
        var b = IpynbFormat.Write(NotebookRunner.Run(notebook).Notebook);
        Assert.Equal(a, b);
        Assert.DoesNotContain("iopub.status.busy", a, StringComparison.Ordinal);
        var executed = IpynbFormat.Parse(a);
        Assert.Equal(["2", "x"], executed.Cells[1].Outputs.Select(NotebookOutputs.PlainTextOf));
        var record = executed.Metadata["twinlab"]!;
        Assert.Equal(TwinLab.Notebooks.Engine.About.TwinLabVersion, record["twinlab_version"]!.GetValue<string>());
        Assert.Equal(Environment.Version.ToString(), record["dotnet_version"]!.GetValue<string>());
        Assert.Contains("RandomStream", record["seed_policy"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("twinlab", executed.Metadata["kernelspec"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public void Consecutive_console_writes_become_one_stream_output_and_clear_output_works()
    {
        var result = NotebookRunner.Run(NotebookBuilder.Of("Console.Write(\"a\"); Console.Write(\"b\"); Display.Clear(); Console.WriteLine(\"c\");"));
        Assert.Equal("c\n", result.Notebook.Cells[0].Text());
    }

    [Fact]
    public void Formatters_registered_by_one_notebook_do_not_leak_into_the_next()
    {
        var first = NotebookRunner.Run(NotebookBuilder.Of("Display.Formatters.Register<int>(MimeTypes.PlainText, i => $\"#{i}\");", "7"));
        Assert.Equal("#7", first.Notebook.Cells[1].Text());
        var second = NotebookRunner.Run(NotebookBuilder.Of("7"));
        Assert.Equal("7", second.Notebook.Cells[0].Text());
    }

    [Fact]
    public void Console_ReadLine_fails_clearly_in_a_headless_run()
    {
        var result = NotebookRunner.Run(NotebookBuilder.Of("Console.ReadLine()"));
        Assert.Contains("a headless run cannot answer Console.ReadLine()", result.Failures.Single().Error.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Cells_of_other_languages_fail_and_python_notebooks_are_refused()
    {
        var dib = DibFormat.Parse("#!csharp\n1\n#!fsharp\nlet x = 1\n");
        var result = NotebookRunner.Run(dib);
        Assert.Equal("UnsupportedLanguage", result.Failures.Single().Error.Name);

        var python = NotebookBuilder.Of("print(1)");
        python.Metadata["kernelspec"] = new System.Text.Json.Nodes.JsonObject { ["name"] = "python3", ["language"] = "python" };
        Assert.Throws<NotebookFormatException>(() => NotebookRunner.Run(python));
    }

    [Fact]
    public void Cells_run_in_the_notebooks_folder()
    {
        var folder = Directory.CreateTempSubdirectory("twinlab-run-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "data.txt"), "hello from the folder");
            var notebook = NotebookBuilder.Of("File.ReadAllText(\"data.txt\")");
            notebook.SourcePath = Path.Combine(folder, "n.ipynb");
            Assert.Equal("hello from the folder", NotebookRunner.Run(notebook).Notebook.Cells[0].Text());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
