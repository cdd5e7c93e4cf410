using TwinLab.Data.Csv;
using TwinLab.Data.Store;

namespace TwinLab.Data.Tests.Csv;

public sealed class ObservationCsvTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("twinlab-csv-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_folder.FullName, name);

    private string Write(string name, string text)
    {
        var path = PathOf(name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Observations_round_trip_exactly()
    {
        var rows = new[]
        {
            new ObservationRow("R1:trial:0:0", "C1-0", 0, "P0", "R1", "C1", "control", "trial", "abc", ulong.MaxValue, 0, 0, 0, "tumour_volume", "mm3",
                0.1 + 0.2, false, 20, "Observed", 1.0 / 3),
            new ObservationRow("R1:trial:0:1", "C1-0", 0, "P0", "R1", "C1", "control", "trial, \"second\"", "abc", 1, 1, 7, 8.75, "tumour_volume", "mm3",
                20, true, 20, "Observed", -1e-300),
            new ObservationRow("R1:trial:0:2", "C1-0", 0, "P0", "R1", "C1", "control", "=trial", "abc", 1, 2, 14, null, "tumour_volume", "mm3",
                null, false, null, "DroppedOut", null),
            new ObservationRow("real:1", "patient 7", null, null, null, null, null, "registry", null, null, null, null, 3.5, "tumour_diameter", "mm",
                -4.25e-7, false, null, "Observed", null),
        };
        var path = PathOf("out.csv");
        Assert.Equal(4, ObservationCsv.Write(path, rows));
        Assert.Equal(string.Join(",", ObservationCsv.Columns), File.ReadLines(path).First());
        Assert.Equal(rows, ObservationCsv.Read(path));
        Assert.Empty(Directory.GetFiles(_folder.FullName, "*.tmp"));
    }

    [Fact]
    public void Real_data_with_the_required_columns_only_is_imported_with_line_based_ids()
    {
        var path = Write("real.csv", "subject_id,time,endpoint,unit,value\np1,0,tumour_volume,mm3,50.5\np1,28,tumour_volume,mm3,71\n");
        var rows = ObservationCsv.Read(path, new Dictionary<string, IReadOnlyCollection<string>> { ["tumour_volume"] = ["mm3", "cm3"] });
        Assert.Equal(2, rows.Count);
        Assert.Equal("real.csv:3", rows[1].RecordId);
        Assert.Equal("Observed", rows[1].Status);
        Assert.Equal("real.csv", rows[1].Source);
        Assert.Equal(71, rows[1].Value);
        Assert.Null(rows[1].RunId);
    }

    [Fact]
    public void Every_bad_row_is_reported_with_its_line_and_nothing_is_imported()
    {
        var path = Write("bad.csv", string.Join("\n",
            "record_id,subject_id,time,endpoint,unit,value,censored,lloq,status",
            "a,p1,0,tumour_volume,mm3,50,0,,Observed",        // line 2: good
            "b,p1,seven,tumour_volume,mm3,55,0,,Observed",    // line 3: time not a number
            "c,p1,14,tumour_volume,cm,60,0,,Observed",        // line 4: unit not allowed
            "d,p1,21,tumour_volume,mm3,,0,,Observed",         // line 5: value missing for an observed value
            "e,p1,28,tumour_volume,mm3,10,maybe,,Observed",   // line 6: bad flag
            "f,p1,35,tumour_volume,mm3,20,1,,Observed",       // line 7: censored without a limit
            "a,p1,42,tumour_volume,mm3,30,0,,Observed",       // line 8: duplicate record id
            "g,p1,49,tumour_volume,mm3",                      // line 9: too few fields
            "h,,56,weight,kg,1,0,,Gone",                      // line 10: no subject, unknown endpoint, unknown status
            "i,p1,63,tumour_volume,mm3,,1,20,Observed",       // line 11: good (censored, value reported as missing)
            ""));
        var units = new Dictionary<string, IReadOnlyCollection<string>> { ["tumour_volume"] = ["mm3"] };
        var error = Assert.Throws<CsvImportException>(() => ObservationCsv.Read(path, units));
        var found = error.Errors.Select(e => (e.Line, e.Column)).ToList();
        Assert.Equal(
        [
            (3L, "time"), (4L, "unit"), (5L, "value"), (6L, "censored"), (7L, "lloq"), (8L, "record_id"), (9L, null),
            (10L, "subject_id"), (10L, "status"), (10L, "endpoint"),
        ], found);
        Assert.Contains("line 3, column 'time': 'seven' is not a finite number", error.Message, StringComparison.Ordinal);
        Assert.Contains("already used on line 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("10 problems; nothing was imported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_and_unknown_columns_are_reported_on_the_header_line()
    {
        var path = Write("columns.csv", "subject_id,when,endpoint,value\np1,0,tumour_volume,1\n");
        var error = Assert.Throws<CsvImportException>(() => ObservationCsv.Read(path));
        Assert.Equal([(1L, "when"), (1L, "time"), (1L, "unit")], error.Errors.Select(e => (e.Line, e.Column)));
    }

    [Fact]
    public void An_empty_file_is_an_error()
    {
        var error = Assert.Throws<CsvImportException>(() => ObservationCsv.Read(Write("empty.csv", "")));
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }
}
