namespace TwinLab.Twins;

/// <summary>Weighted means, variances and quantiles, and systematic resampling.</summary>
internal static class WeightedStatistics
{
    public static double Mean(ReadOnlySpan<double> x, ReadOnlySpan<double> w)
    {
        var s = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            s += w[i] * x[i];
        }
        return s;
    }

    public static double Variance(ReadOnlySpan<double> x, ReadOnlySpan<double> w)
    {
        var m = Mean(x, w);
        var s = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            s += w[i] * (x[i] - m) * (x[i] - m);
        }
        return s;
    }

    /// <summary>The smallest x with weighted empirical CDF ≥ p (ties broken by index, so deterministic).</summary>
    public static double Quantile(double[] x, IReadOnlyList<double> w, double p)
    {
        if (!(p >= 0 && p <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "A probability must lie in [0, 1].");
        }
        var order = Enumerable.Range(0, x.Length).ToArray();
        Array.Sort(order, (a, b) => x[a] != x[b] ? x[a].CompareTo(x[b]) : a.CompareTo(b));
        var c = 0.0;
        foreach (var i in order)
        {
            c += w[i];
            if (c >= p - 1e-12)
            {
                return x[i];
            }
        }
        return x[order[^1]];
    }

    /// <summary>Systematic resampling (Kitagawa 1996): one uniform u, offspring at (u + k)/n.</summary>
    public static int[] Systematic(IReadOnlyList<double> weights, double u)
    {
        var n = weights.Count;
        var result = new int[n];
        var c = weights[0];
        var j = 0;
        for (var k = 0; k < n; k++)
        {
            var target = (u + k) / n;
            while (target > c && j < n - 1)
            {
                j++;
                c += weights[j];
            }
            result[k] = j;
        }
        return result;
    }
}
