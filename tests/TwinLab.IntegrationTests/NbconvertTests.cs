using TwinLab.Notebooks.Documents;
using TwinLab.Notebooks.Running;
using TwinLab.TestSupport;

namespace TwinLab.IntegrationTests;

/// <summary>jupyter nbconvert executes notebooks through nbclient with TwinLab's kernel, as CI services and
/// reviewers without TwinLab's runner do.</summary>
[Collection(KernelTestGroup.Name)]
public sealed class NbconvertTests
{
    [Fact]
    public void Nbconvert_executes_the_welcome_notebook_and_reproduces_its_stored_outputs()
    {
        JupyterTools.Require();
        var (prefix, environment) = JupyterTools.InstallKernel();
        try
        {
            var source = Path.Combine(DebianPython.RepositoryRoot, "notebooks", "00-welcome.ipynb");
            var output = Path.Combine(prefix, "out");
            var run = JupyterTools.Run(JupyterTools.Jupyter,
                ["nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.kernel_name=twinlab", "--ExecutePreprocessor.timeout=120",
                 "--output-dir", output, source], environment, TimeSpan.FromMinutes(4));
            Assert.True(run.ExitCode == 0, run.Describe());

            var stored = IpynbFormat.Read(source);
            var executed = IpynbFormat.Read(Path.Combine(output, "00-welcome.ipynb"));
            var tolerance = new Tolerance();
            for (var i = 0; i < stored.Cells.Count; i++)
            {
                if (stored.Cells[i].Kind != CellKind.Code)
                {
                    continue;
                }
                var expected = stored.Cells[i].Outputs;
                var actual = executed.Cells[i].Outputs;
                Assert.True(expected.Count == actual.Count, $"cell {stored.Cells[i].Id}: {expected.Count} stored outputs, nbconvert produced {actual.Count}");
                for (var k = 0; k < expected.Count; k++)
                {
                    var differences = OutputComparer.Compare(expected[k], actual[k], tolerance);
                    Assert.True(differences.Count == 0, $"cell {stored.Cells[i].Id}, output {k + 1}: {string.Join("; ", differences)}");
                }
            }
        }
        finally
        {
            Directory.Delete(prefix, recursive: true);
        }
    }

    [Fact]
    public void Nbconvert_stops_at_a_failing_cell_and_reports_the_error()
    {
        JupyterTools.Require();
        var (prefix, environment) = JupyterTools.InstallKernel();
        try
        {
            var notebook = new NotebookDocument();
            notebook.Cells.Add(new NotebookCell(CellKind.Code, "var x = 1;", "a"));
            notebook.Cells.Add(new NotebookCell(CellKind.Code, "throw new InvalidOperationException(\"deliberate\");", "b"));
            notebook.Metadata["kernelspec"] = new System.Text.Json.Nodes.JsonObject { ["name"] = "twinlab", ["display_name"] = "TwinLab (C#)", ["language"] = "C#" };
            var path = Path.Combine(prefix, "failing.ipynb");
            IpynbFormat.Save(notebook, path);
            var run = JupyterTools.Run(JupyterTools.Jupyter,
                ["nbconvert", "--to", "notebook", "--execute", "--output-dir", Path.Combine(prefix, "out"), path], environment, TimeSpan.FromMinutes(4));
            Assert.NotEqual(0, run.ExitCode);
            Assert.Contains("InvalidOperationException", run.Error, StringComparison.Ordinal);
            Assert.Contains("deliberate", run.Error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(prefix, recursive: true);
        }
    }
}
