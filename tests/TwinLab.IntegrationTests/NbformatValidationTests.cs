using TwinLab.Notebooks.Documents;
using TwinLab.Notebooks.Running;
using TwinLab.TestSupport;

namespace TwinLab.IntegrationTests;

/// <summary>Notebooks TwinLab writes pass nbformat's own validation (the nbformat 4.5 JSON schema).</summary>
[Collection(KernelTestGroup.Name)]
public sealed class NbformatValidationTests
{
    private const string Validate = """
        import sys, nbformat
        for path in sys.argv[1:]:
            nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
            nbformat.validate(nb)
            assert nb.nbformat == 4 and nb.nbformat_minor == 5, (nb.nbformat, nb.nbformat_minor)
            print(path, "valid")
        """;

    [Fact]
    public void Executed_notebooks_written_by_twinlab_run_are_valid()
    {
        JupyterTools.Require();
        var folder = Directory.CreateTempSubdirectory("twinlab-nbformat-").FullName;
        try
        {
            var failing = Path.Combine(folder, "errors.ipynb");
            var notebook = new NotebookDocument();
            notebook.Cells.Add(new NotebookCell(CellKind.Markdown, "# Errors and displays", "m"));
            notebook.Cells.Add(new NotebookCell(CellKind.Code, "var h = display(1); h.Update(new Html(\"<i>2</i>\")); Console.Error.WriteLine(\"warn\");", "d"));
            notebook.Cells.Add(new NotebookCell(CellKind.Code, "throw new Exception(\"expected\");", "e") { Metadata = { ["tags"] = new System.Text.Json.Nodes.JsonArray("raises-exception") } });
            notebook.Cells.Add(new NotebookCell(CellKind.Raw, "raw text", "r"));
            IpynbFormat.Save(notebook, failing);
            var dib = Path.Combine(folder, "polyglot.dib");
            File.WriteAllText(dib, "#!markdown\n\n# Title\n\n#!csharp\n\n#!time\n1 + 1\n");
            var output = Path.Combine(folder, "out");
            var run = JupyterTools.TwinLab(null, "run", Path.Combine(DebianPython.RepositoryRoot, "notebooks", "00-welcome.ipynb"), failing, dib, "--out", output);
            Assert.True(run.ExitCode == 0, run.Describe());

            var files = Directory.GetFiles(output, "*.ipynb").Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(3, files.Length);
            var check = DebianPython.Run(Validate, "", files);
            Assert.Equal(3, check.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.EndsWith(" valid", StringComparison.Ordinal)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Notebooks_written_by_nbformat_read_back_and_round_trip_their_metadata()
    {
        JupyterTools.Require();
        var folder = Directory.CreateTempSubdirectory("twinlab-nbformat-").FullName;
        try
        {
            var path = Path.Combine(folder, "made-by-nbformat.ipynb");
            DebianPython.Run("""
                import sys, nbformat
                from nbformat.v4 import new_notebook, new_code_cell, new_markdown_cell
                nb = new_notebook(cells=[new_markdown_cell("# Hi"), new_code_cell("6 * 7", metadata={"tags": ["x"], "custom": {"a": 1}})],
                                  metadata={"kernelspec": {"name": "twinlab", "display_name": "TwinLab (C#)", "language": "C#"}, "tool": {"keep": True}})
                nbformat.write(nb, sys.argv[1])
                """, "", path);
            var result = NotebookRunner.Run(IpynbFormat.Read(path));
            Assert.True(result.Succeeded);
            IpynbFormat.Save(result.Notebook, path);
            var check = DebianPython.Run("""
                import sys, nbformat
                nb = nbformat.read(sys.argv[1], as_version=4)
                nbformat.validate(nb)
                print(nb.metadata["tool"]["keep"], nb.cells[1].metadata["custom"]["a"], nb.cells[1].outputs[0]["data"]["text/plain"])
                """, "", path);
            Assert.Equal("True 1 42", check.Trim());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
