using System.Text.Json.Nodes;
using TwinLab.Notebooks.Documents;

namespace TwinLab.Notebooks.Tests.Documents;

public sealed class IpynbFormatTests
{
    private const string Sample = """
        {
         "cells": [
          {
           "cell_type": "markdown",
           "id": "intro",
           "metadata": {"custom": {"keep": [1, 2]}},
           "source": ["# Title\n", "text"]
          },
          {
           "cell_type": "code",
           "execution_count": 3,
           "id": "code-1",
           "metadata": {"tags": ["parameters"], "collapsed": false},
           "outputs": [
            {"output_type": "stream", "name": "stdout", "text": ["a\n", "b\n"]},
            {"output_type": "execute_result", "execution_count": 3, "metadata": {}, "data": {"text/plain": ["1\n", "2"], "application/json": {"x": [1, 2.5]}}},
            {"output_type": "future_output", "payload": {"z": true}}
           ],
           "source": "var seed = 1;"
          }
         ],
         "metadata": {"kernelspec": {"name": "twinlab", "display_name": "TwinLab (C#)", "language": "C#"}, "unknown_tool": {"setting": "value"}},
         "nbformat": 4,
         "nbformat_minor": 5
        }
        """;

    [Fact]
    public void Reads_cells_sources_outputs_and_metadata()
    {
        var notebook = IpynbFormat.Parse(Sample, "sample.ipynb");
        Assert.Equal(2, notebook.Cells.Count);
        Assert.Equal(CellKind.Markdown, notebook.Cells[0].Kind);
        Assert.Equal("# Title\ntext", notebook.Cells[0].Source);
        var code = notebook.Cells[1];
        Assert.Equal("code-1", code.Id);
        Assert.Equal(3, code.ExecutionCount);
        Assert.True(code.HasTag("parameters"));
        Assert.Equal("a\nb\n", NotebookOutputs.StringOf(code.Outputs[0], "text"));
        Assert.Equal("1\n2", NotebookOutputs.PlainTextOf(code.Outputs[1]));
        Assert.Equal("value", notebook.Metadata["unknown_tool"]!["setting"]!.GetValue<string>());
    }

    [Fact]
    public void Round_trip_keeps_unknown_metadata_and_output_types_and_is_stable()
    {
        var first = IpynbFormat.Write(IpynbFormat.Parse(Sample));
        var second = IpynbFormat.Write(IpynbFormat.Parse(first));
        Assert.Equal(first, second);
        var json = JsonNode.Parse(first)!;
        Assert.Equal("value", json["metadata"]!["unknown_tool"]!["setting"]!.GetValue<string>());
        Assert.Equal(2, json["cells"]![0]!["metadata"]!["custom"]!["keep"]!.AsArray().Count);
        Assert.Equal("future_output", json["cells"]![1]!["outputs"]![2]!["output_type"]!.GetValue<string>());
        Assert.True(json["cells"]![1]!["outputs"]![1]!["data"]!["application/json"] is JsonObject, "JSON data stays JSON");
    }

    [Fact]
    public void Writes_jupyters_layout_sorted_keys_one_space_indent_lines_as_lists()
    {
        var text = IpynbFormat.Write(IpynbFormat.Parse(Sample));
        Assert.StartsWith("{\n \"cells\": [\n  {\n   \"cell_type\": \"markdown\",\n   \"id\": \"intro\",", text, StringComparison.Ordinal);
        Assert.Contains("\"source\": [\n    \"# Title\\n\",\n    \"text\"\n   ]", text, StringComparison.Ordinal);
        Assert.EndsWith("\"nbformat\": 4,\n \"nbformat_minor\": 5\n}\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Older_minor_versions_get_deterministic_cell_ids()
    {
        var notebook = IpynbFormat.Parse("""{"cells": [{"cell_type": "code", "metadata": {}, "source": "1", "outputs": [], "execution_count": null}], "metadata": {}, "nbformat": 4, "nbformat_minor": 2}""");
        Assert.Equal("cell-1", notebook.Cells[0].Id);
        Assert.Contains("\"nbformat_minor\": 5", IpynbFormat.Write(notebook), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"cells\": [", "bad.ipynb:1:")]
    [InlineData("[1, 2]", "the top level is an array")]
    [InlineData("{\"nbformat\": 3, \"nbformat_minor\": 0, \"metadata\": {}, \"cells\": []}", "nbformat: version 3 is not supported")]
    [InlineData("{\"nbformat_minor\": 5, \"metadata\": {}, \"cells\": []}", "missing field 'nbformat'")]
    [InlineData("{\"nbformat\": 4, \"nbformat_minor\": 5, \"cells\": []}", "missing field 'metadata'")]
    [InlineData("{\"nbformat\": 4, \"nbformat_minor\": 5, \"metadata\": {}, \"cells\": [{\"cell_type\": \"code\", \"id\": \"a\", \"metadata\": {}, \"outputs\": [], \"execution_count\": null}]}", "cells[0]: missing field 'source'")]
    [InlineData("{\"nbformat\": 4, \"nbformat_minor\": 5, \"metadata\": {}, \"cells\": [{\"cell_type\": \"code\", \"metadata\": {}, \"source\": \"\", \"outputs\": [], \"execution_count\": null}]}", "cells[0]: missing field 'id'")]
    [InlineData("{\"nbformat\": 4, \"nbformat_minor\": 5, \"metadata\": {}, \"cells\": [{\"cell_type\": \"sql\", \"id\": \"a\", \"metadata\": {}, \"source\": \"\"}]}", "cells[0].cell_type: 'sql' is not a cell type")]
    [InlineData("{\"nbformat\": 4, \"nbformat_minor\": 5, \"metadata\": {}, \"cells\": [{\"cell_type\": \"code\", \"id\": \"a b\", \"metadata\": {}, \"source\": \"\", \"outputs\": [], \"execution_count\": null}]}", "cells[0].id: 'a b' is not a valid cell id")]
    [InlineData("{\"nbformat\": 4, \"nbformat_minor\": 5, \"metadata\": {}, \"cells\": [{\"cell_type\": \"code\", \"id\": \"a\", \"metadata\": {}, \"source\": [1], \"outputs\": [], \"execution_count\": null}]}", "cells[0].source[0]: must be a string, not the number 1")]
    public void Malformed_notebooks_are_reported_with_their_location(string json, string expected)
    {
        var error = Assert.Throws<NotebookFormatException>(() => IpynbFormat.Parse(json, "bad.ipynb"));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("bad.ipynb", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_cell_ids_are_rejected()
    {
        var json = """{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "raw", "id": "x", "metadata": {}, "source": ""}, {"cell_type": "raw", "id": "x", "metadata": {}, "source": ""}]}""";
        var error = Assert.Throws<NotebookFormatException>(() => IpynbFormat.Parse(json, "dup.ipynb"));
        Assert.Contains("cells[1].id: 'x' is already the id of an earlier cell", error.Message, StringComparison.Ordinal);
    }
}
