using System.Globalization;
using System.Text.Json;
using TwinLab.Core.Randomness;
using TwinLab.Synthetic.Evaluation;
using TwinLab.TestSupport;

namespace TwinLab.Synthetic.Tests.Evaluation;

/// <summary>Seeded synthetic test tables and a bridge to the Python reference implementations.</summary>
internal static class TestTables
{
    /// <summary>A mixed table: correlated numeric columns x0..x(p−1) (x1 = 0.6·x0 + noise), a categorical "sex" and
    /// "site", and a binary "outcome" that depends on x0, x1 and sex. <paramref name="shift"/> moves x0 and x1.</summary>
    public static TabularData Mixed(int n, ulong seed, int numeric = 4, double shift = 0.0, string purpose = "mixed")
    {
        var s = RandomStream.For(seed, purpose);
        var x = new double[numeric][];
        for (var j = 0; j < numeric; j++)
        {
            x[j] = new double[n];
        }
        var sex = new string?[n];
        var site = new string?[n];
        var outcome = new string?[n];
        for (var i = 0; i < n; i++)
        {
            var z0 = s.NextNormal();
            x[0][i] = z0 + shift;
            if (numeric > 1)
            {
                x[1][i] = 0.6 * z0 + 0.8 * s.NextNormal() + shift;
            }
            for (var j = 2; j < numeric; j++)
            {
                x[j][i] = s.NextNormal() * (1 + j * 0.1) + j;
            }
            sex[i] = s.NextDouble() < 0.45 ? "F" : "M";
            var u = s.NextDouble();
            site[i] = u < 0.5 ? "A" : u < 0.8 ? "B" : "C";
            var logit = -0.3 + 1.2 * z0 + (numeric > 1 ? 0.5 * x[1][i] : 0) + (sex[i] == "F" ? 0.4 : -0.2);
            outcome[i] = s.NextDouble() < 1 / (1 + Math.Exp(-logit)) ? "yes" : "no";
        }
        var columns = new List<TabularColumn>();
        for (var j = 0; j < numeric; j++)
        {
            columns.Add(TabularColumn.Numeric("x" + j.ToString(CultureInfo.InvariantCulture), x[j]));
        }
        columns.Add(TabularColumn.Categorical("sex", sex));
        columns.Add(TabularColumn.Categorical("site", site));
        columns.Add(TabularColumn.Categorical("outcome", outcome));
        return new TabularData(columns);
    }

    /// <summary>A row-major matrix of standard normals (optionally rounded to float32 so both sides see the same values).</summary>
    public static FeatureMatrix Normals(int rows, int columns, ulong seed, string purpose = "normals", bool float32 = false, double shift = 0)
    {
        var s = RandomStream.For(seed, purpose);
        var v = new double[rows * columns];
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = s.NextNormal() + shift;
            if (float32)
            {
                v[i] = (float)v[i];
            }
        }
        return FeatureMatrix.FromArray(rows, columns, v);
    }

    /// <summary>The matrix as nested arrays for JSON.</summary>
    public static double[][] Nested(FeatureMatrix m)
    {
        var rows = new double[m.Rows][];
        for (var i = 0; i < m.Rows; i++)
        {
            rows[i] = m.Row(i).ToArray();
        }
        return rows;
    }

    /// <summary>Runs a Python script with a JSON object on stdin and parses its JSON answer.</summary>
    public static JsonElement Python(string script, object input)
    {
        var output = DebianPython.Run("import json, sys\nimport numpy as np\ninp = json.load(sys.stdin)\n" + script, JsonSerializer.Serialize(input));
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    public static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    public static int[] Ints(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt32()).ToArray();
}
