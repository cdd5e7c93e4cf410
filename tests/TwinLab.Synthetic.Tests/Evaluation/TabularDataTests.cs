using TwinLab.Synthetic.Evaluation;

namespace TwinLab.Synthetic.Tests.Evaluation;

public class TabularDataTests
{
    [Fact]
    public void Columns_are_numeric_only_when_every_present_value_parses_and_missing_values_are_counted()
    {
        var csv = "id,age,sex,score,note\n1,34,F,1.5,\"a, b\"\n2,NA,M,,x\n3,51.5,,2e3,\"say \"\"hi\"\"\"\n4,40,F,abc,y\n";
        var t = TabularData.ReadCsv(new StringReader(csv));
        Assert.Equal(4, t.RowCount);
        Assert.Equal(ColumnKind.Numeric, t["id"].Kind);
        Assert.Equal(ColumnKind.Numeric, t["age"].Kind);
        Assert.Equal(1, t["age"].MissingCount);
        Assert.True(double.IsNaN(t["age"].Numbers[1]));
        Assert.Equal(51.5, t["age"].Numbers[2]);
        Assert.Equal(ColumnKind.Categorical, t["sex"].Kind);
        Assert.Equal(1, t["sex"].MissingCount);
        Assert.Equal(ColumnKind.Categorical, t["score"].Kind); // "abc" does not parse
        Assert.Equal(1, t["score"].MissingCount);
        Assert.Equal("a, b", t["note"].Labels[0]);
        Assert.Equal("say \"hi\"", t["note"].Labels[2]);
        Assert.Equal([34.0, 51.5, 40.0], t["age"].PresentNumbers());
    }

    [Fact]
    public void Csv_round_trips_and_bad_input_is_reported_with_its_line()
    {
        var t = TestTables.Mixed(20, 1);
        var w = new StringWriter();
        t.WriteCsv(w);
        var back = TabularData.ReadCsv(new StringReader(w.ToString()));
        Assert.Equal(t.ColumnNames, back.ColumnNames);
        Assert.Equal(t["x0"].Numbers.ToArray(), back["x0"].Numbers.ToArray());
        Assert.Equal(t["sex"].Labels.ToArray(), back["sex"].Labels.ToArray());

        var e = Assert.Throws<FormatException>(() => TabularData.ReadCsv(new StringReader("a,b\n1,2\n3\n")));
        Assert.Contains("Line 3", e.Message, StringComparison.Ordinal);
        Assert.Throws<KeyNotFoundException>(() => t["missing"]);
        Assert.Throws<ArgumentException>(() => TabularColumn.Numeric("v", [1.0, double.PositiveInfinity]));
        Assert.Throws<ArgumentException>(() => new TabularData([TabularColumn.Numeric("a", [1.0]), TabularColumn.Numeric("b", [1.0, 2.0])]));
        var mismatch = new TabularData([TabularColumn.Categorical("x0", ["a"])]);
        Assert.Throws<ArgumentException>(() => new EvaluationData(t, mismatch));
    }
}
