using TwinLab.Cli.Output;

namespace TwinLab.Cli.Tests;

public sealed class TextTableTests
{
    [Fact]
    public void Columns_are_padded_to_the_widest_cell_and_separated_by_two_spaces()
    {
        var table = new TextTable("A", "BB", "C");
        table.AddRow("long", "x", "last column");
        table.AddRow("y", "wider", "");
        using var writer = new StringWriter();

        table.Write(writer);

        Assert.Equal(
            ["A     BB     C", "long  x      last column", "y     wider"],
            CliRun.Lines(writer.ToString()));
    }

    [Fact]
    public void A_row_with_the_wrong_number_of_cells_is_rejected()
    {
        var table = new TextTable("A", "B");

        Assert.Throws<ArgumentException>(() => table.AddRow("only one"));
    }
}
