using System.Globalization;
using TwinLab.Data.Store;

namespace TwinLab.Data.Writer;

/// <summary>
/// Writes to a store until killed: <c>TwinLab.Data.Writer DB RUNS ROWS</c> stores a cohort, commits RUNS runs of ROWS
/// observations each (printing <c>COMMITTED k</c> after each), then starts one more run, writes 20 × ROWS observations
/// inside its transaction, prints <c>INSIDE</c> and waits on standard input, so that the test can kill it mid-write.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length != 3)
        {
            Console.Error.WriteLine("usage: TwinLab.Data.Writer DB RUNS ROWS");
            return 2;
        }
        var path = args[0];
        var runs = int.Parse(args[1], CultureInfo.InvariantCulture);
        var rows = int.Parse(args[2], CultureInfo.InvariantCulture);
        using var store = CohortStore.Open(path);
        store.SaveCohort(new CohortRow("C-crash", "gompertz", "1.0", "digest", 1, 1, "{}", "{}"),
            [new SubjectRow("S-0", "C-crash", 0, 1, [new CovariateRow("sex", null, "female", null)])],
            [new ParameterSetRow("P-0", "S-0", "digest", [new ParameterValueRow("r", 0.1, "1/d")])]);
        Console.Out.WriteLine("COMMITTED 0");
        Console.Out.Flush();
        for (var k = 1; k <= runs + 1; k++)
        {
            var blocking = k == runs + 1;
            store.SaveRun(Run(k), Observations(k, blocking ? 20 * rows : rows, blocking));
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"COMMITTED {k}"));
            Console.Out.Flush();
        }
        return 0;
    }

    private static RunRow Run(int k) => new(string.Create(CultureInfo.InvariantCulture, $"R-{k}"), "C-crash", "arm", "none", 1, "digest", "test", "test", "{}");

    private static IEnumerable<ObservationRow> Observations(int run, int count, bool block)
    {
        var padding = new string('x', 200);
        for (var i = 0; i < count; i++)
        {
            yield return new ObservationRow(string.Create(CultureInfo.InvariantCulture, $"R-{run}:{i}:{padding}"), "S-0", 0, "P-0",
                string.Create(CultureInfo.InvariantCulture, $"R-{run}"), "C-crash", "arm", "source", "digest", 1, i, i, i, "volume", "mm3", i * 0.5, false, null, "Observed", i * 0.5);
        }
        if (block)
        {
            Console.Out.WriteLine("INSIDE");
            Console.Out.Flush();
            Console.In.ReadLine();
            throw new InvalidOperationException("The writer was released instead of killed.");
        }
    }
}
