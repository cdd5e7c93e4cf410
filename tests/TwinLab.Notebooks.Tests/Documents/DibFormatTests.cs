using TwinLab.Notebooks.Documents;

namespace TwinLab.Notebooks.Tests.Documents;

public sealed class DibFormatTests
{
    private const string Sample = """
        #!meta

        {"kernelInfo":{"defaultKernelName":"csharp","items":[{"aliases":[],"name":"csharp"}]}}

        #!markdown

        # Title

        Some text.

        #!csharp

        #!time
        var x = 1;

        x + 1

        #!fsharp

        let y = 2
        """;

    [Fact]
    public void Reads_cells_by_kernel_markers_keeping_magics_inside_cells()
    {
        var notebook = DibFormat.Parse(Sample);
        Assert.Equal(3, notebook.Cells.Count);
        Assert.Equal(CellKind.Markdown, notebook.Cells[0].Kind);
        Assert.Equal("# Title\n\nSome text.", notebook.Cells[0].Source);
        Assert.Equal(CellKind.Code, notebook.Cells[1].Kind);
        Assert.Equal("csharp", notebook.Cells[1].Language);
        Assert.Equal("#!time\nvar x = 1;\n\nx + 1", notebook.Cells[1].Source);
        Assert.Equal("fsharp", notebook.Cells[2].Language);
        Assert.Equal(["cell-1", "cell-2", "cell-3"], notebook.Cells.Select(c => c.Id));
        Assert.Equal("csharp", notebook.Metadata[DibFormat.MetadataKey]!["kernelInfo"]!["defaultKernelName"]!.GetValue<string>());
    }

    [Fact]
    public void Round_trip_is_stable()
    {
        var first = DibFormat.Write(DibFormat.Parse(Sample));
        var second = DibFormat.Write(DibFormat.Parse(first));
        Assert.Equal(first, second);
        Assert.Equal(3, DibFormat.Parse(first).Cells.Count);
    }

    [Fact]
    public void Text_before_the_first_marker_is_a_csharp_cell()
    {
        var notebook = DibFormat.Parse("var a = 1;\n\n#!markdown\n\nhi\n");
        Assert.Equal(["var a = 1;", "hi"], notebook.Cells.Select(c => c.Source));
        Assert.Equal("csharp", notebook.Cells[0].Language);
    }

    [Fact]
    public void A_bad_meta_cell_is_reported_with_its_line()
    {
        var error = Assert.Throws<NotebookFormatException>(() => DibFormat.Parse("#!meta\n\n{not json\n", "x.dib"));
        Assert.StartsWith("x.dib:3:", error.Message, StringComparison.Ordinal);
    }
}
