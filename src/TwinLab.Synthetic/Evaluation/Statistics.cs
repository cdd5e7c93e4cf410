namespace TwinLab.Synthetic.Evaluation;

/// <summary>Small statistical helpers shared by the metrics (reference implementations, not hot paths).</summary>
internal static class Statistics
{
    /// <summary>The two-sample Kolmogorov–Smirnov statistic sup |F_a − F_b| (as scipy.stats.ks_2samp).</summary>
    public static double KolmogorovSmirnov(double[] a, double[] b)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            return double.NaN;
        }
        var x = (double[])a.Clone();
        var y = (double[])b.Clone();
        Array.Sort(x);
        Array.Sort(y);
        int i = 0, j = 0;
        var d = 0.0;
        while (i < x.Length && j < y.Length)
        {
            var v = Math.Min(x[i], y[j]);
            while (i < x.Length && x[i] == v)
            {
                i++;
            }
            while (j < y.Length && y[j] == v)
            {
                j++;
            }
            d = Math.Max(d, Math.Abs((double)i / x.Length - (double)j / y.Length));
        }
        return d;
    }

    /// <summary>Ranks 1..n with ties given their average rank.</summary>
    public static double[] AverageRanks(ReadOnlySpan<double> values)
    {
        var n = values.Length;
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }
        var keys = values.ToArray();
        Array.Sort(keys, order);
        var ranks = new double[n];
        var start = 0;
        while (start < n)
        {
            var end = start + 1;
            while (end < n && keys[end] == keys[start])
            {
                end++;
            }
            var rank = (start + end + 1) / 2.0; // average of ranks start+1..end
            for (var k = start; k < end; k++)
            {
                ranks[order[k]] = rank;
            }
            start = end;
        }
        return ranks;
    }

    /// <summary>Pearson's correlation (NaN when either sample is constant).</summary>
    public static double Pearson(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        var n = x.Length;
        double mx = 0, my = 0;
        for (var i = 0; i < n; i++)
        {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < n; i++)
        {
            var dx = x[i] - mx;
            var dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        if (sxx == 0 || syy == 0)
        {
            return double.NaN;
        }
        return Math.Clamp(sxy / Math.Sqrt(sxx * syy), -1.0, 1.0); // rounding can step past ±1 by an ulp
    }

    /// <summary>Spearman's rank correlation (Pearson on average ranks, as scipy.stats.spearmanr).</summary>
    public static double Spearman(ReadOnlySpan<double> x, ReadOnlySpan<double> y) => Pearson(AverageRanks(x), AverageRanks(y));

    /// <summary>The q-quantile with linear interpolation between order statistics (numpy's default).</summary>
    public static double Quantile(double[] sorted, double q)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }
        var h = (sorted.Length - 1) * q;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /// <summary>The area under the ROC curve: the probability that a random positive scores above a random negative,
    /// ties counting one half (the Mann–Whitney form; equals sklearn.metrics.roc_auc_score).</summary>
    public static double Auc(ReadOnlySpan<double> scores, ReadOnlySpan<bool> positive)
    {
        var ranks = AverageRanks(scores);
        double sum = 0;
        long nPos = 0;
        for (var i = 0; i < ranks.Length; i++)
        {
            if (positive[i])
            {
                sum += ranks[i];
                nPos++;
            }
        }
        long nNeg = ranks.Length - nPos;
        if (nPos == 0 || nNeg == 0)
        {
            return double.NaN;
        }
        return (sum - nPos * (nPos + 1) / 2.0) / ((double)nPos * nNeg);
    }

    /// <summary>The median (average of the two middle values for an even count).</summary>
    public static double Median(double[] values)
    {
        if (values.Length == 0)
        {
            return double.NaN;
        }
        var s = (double[])values.Clone();
        Array.Sort(s);
        var m = s.Length / 2;
        return s.Length % 2 == 1 ? s[m] : 0.5 * (s[m - 1] + s[m]);
    }
}
