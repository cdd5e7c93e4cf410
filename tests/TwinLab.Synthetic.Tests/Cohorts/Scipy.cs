using System.Globalization;
using System.Text.Json;
using TwinLab.TestSupport;

namespace TwinLab.Synthetic.Tests.Cohorts;

/// <summary>Kolmogorov–Smirnov tests computed by Debian's SciPy (scipy.stats.kstest), an implementation not written here.</summary>
internal static class Scipy
{
    /// <summary>The p-value of the one-sample KS test of <paramref name="sample"/> against <paramref name="distribution"/>,
    /// a Python expression over scipy.stats (e.g. <c>stats.norm(0, 1)</c>).</summary>
    public static double KsPValue(IEnumerable<double> sample, string distribution)
    {
        const string Script = """
            import sys, json
            import numpy as np
            from scipy import stats
            x = json.load(sys.stdin)
            d = eval(sys.argv[1])
            print(repr(stats.kstest(x, d.cdf).pvalue))
            """;
        var output = DebianPython.Run(Script, JsonSerializer.Serialize(sample.ToArray()), distribution);
        return double.Parse(output.Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>Evaluates a Python expression over scipy.stats and returns it as a number (e.g. a truncated-normal mean).</summary>
    public static double Evaluate(string expression)
    {
        const string Script = """
            import sys
            from scipy import stats
            import numpy as np
            print(repr(float(eval(sys.argv[1]))))
            """;
        return double.Parse(DebianPython.Run(Script, "", expression).Trim(), CultureInfo.InvariantCulture);
    }
}
