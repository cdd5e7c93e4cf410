using TwinLab.Core.Distributions;

namespace TwinLab.Inference.Mcmc;

/// <summary>
/// MCMC convergence diagnostics of Vehtari, Gelman, Simpson, Carpenter and Bürkner (2021), "Rank-normalization,
/// folding, and localization: an improved R-hat for assessing convergence of MCMC", Bayesian Analysis 16: 667–718:
/// split chains, rank normalisation, folding, and the effective sample size from Geyer's initial monotone sequence.
/// </summary>
public static class Convergence
{
    /// <summary>The classic potential scale reduction √(var⁺ / W) of the given chains (no splitting).</summary>
    /// <param name="chains">Chains of equal length ≥ 2.</param>
    /// <returns>R̂.</returns>
    public static double ClassicRHat(IReadOnlyList<double[]> chains)
    {
        Check(chains);
        int m = chains.Count, n = chains[0].Length;
        var means = chains.Select(c => c.Average()).ToArray();
        var grand = means.Average();
        var between = n * means.Sum(x => (x - grand) * (x - grand)) / (m - 1);
        var within = chains.Select((c, j) => c.Sum(x => (x - means[j]) * (x - means[j])) / (n - 1)).Average();
        var plus = (((n - 1.0) / n) * within) + (between / n);
        return Math.Sqrt(plus / within);
    }

    /// <summary>The rank-normalised split R̂: the larger of the bulk R̂ (split chains, rank-normalised) and the tail R̂
    /// (the same on |θ − median|). Values below 1.01 indicate convergence.</summary>
    /// <param name="chains">Chains of equal length ≥ 4.</param>
    /// <returns>R̂.</returns>
    public static double RHat(IReadOnlyList<double[]> chains)
    {
        var split = Split(chains);
        var bulk = ClassicRHat(RankNormalise(split));
        var all = split.SelectMany(c => c).ToArray();
        var median = Median(all);
        var folded = split.Select(c => c.Select(x => Math.Abs(x - median)).ToArray()).ToArray();
        var tail = ClassicRHat(RankNormalise(folded));
        return Math.Max(bulk, tail);
    }

    /// <summary>The bulk effective sample size: <see cref="EffectiveSampleSize"/> of the rank-normalised split chains.</summary>
    /// <param name="chains">Chains of equal length ≥ 4.</param>
    /// <returns>The ESS.</returns>
    public static double BulkEffectiveSampleSize(IReadOnlyList<double[]> chains) => EffectiveSampleSize(RankNormalise(Split(chains)));

    /// <summary>
    /// The multi-chain effective sample size M·N / τ, τ = −1 + 2 Σ_k P_k with P_k = ρ̂_{2k} + ρ̂_{2k+1} summed while
    /// positive and made monotone (Geyer 1992), ρ̂_t = 1 − (W − mean of the chains' autocovariances at lag t) / var⁺.
    /// </summary>
    /// <param name="chains">Chains of equal length ≥ 2.</param>
    /// <returns>The ESS.</returns>
    public static double EffectiveSampleSize(IReadOnlyList<double[]> chains)
    {
        Check(chains);
        int m = chains.Count, n = chains[0].Length;
        var means = chains.Select(c => c.Average()).ToArray();
        var grand = means.Average();
        var autocovariance0 = new double[m];
        for (var j = 0; j < m; j++)
        {
            autocovariance0[j] = Autocovariance(chains[j], means[j], 0);
        }

        var within = autocovariance0.Select(a => a * n / (n - 1.0)).Average();
        var between = m > 1 ? n * means.Sum(x => (x - grand) * (x - grand)) / (m - 1) : 0;
        var plus = (((n - 1.0) / n) * within) + (between / n);
        if (!(plus > 0))
        {
            return double.NaN;
        }

        double Rho(int lag)
        {
            var mean = 0.0;
            for (var j = 0; j < m; j++)
            {
                mean += Autocovariance(chains[j], means[j], lag);
            }

            mean /= m;
            return 1.0 - ((within - mean) / plus);
        }

        var sum = 0.0;
        var previous = double.PositiveInfinity;
        for (var k = 0; (2 * k) + 1 < n; k++)
        {
            var pair = (k == 0 ? 1.0 : Rho(2 * k)) + Rho((2 * k) + 1);
            if (pair <= 0)
            {
                break;
            }

            pair = Math.Min(pair, previous); // the initial monotone sequence
            previous = pair;
            sum += pair;
        }

        var tau = Math.Max(-1 + (2 * sum), 1.0 / Math.Log10(m * n));
        return m * n / tau;
    }

    private static double Autocovariance(double[] chain, double mean, int lag)
    {
        var sum = 0.0;
        for (var i = 0; i + lag < chain.Length; i++)
        {
            sum += (chain[i] - mean) * (chain[i + lag] - mean);
        }

        return sum / chain.Length;
    }

    /// <summary>Each chain cut into its first and second halves (the middle draw of an odd chain dropped).</summary>
    internal static double[][] Split(IReadOnlyList<double[]> chains)
    {
        Check(chains);
        var half = chains[0].Length / 2;
        if (half < 2)
        {
            throw new ArgumentException("Split diagnostics need chains of at least 4 draws.", nameof(chains));
        }

        return [.. chains.SelectMany(c => new[] { c[..half], c[^half..] })];
    }

    /// <summary>Φ⁻¹((r − 3/8) / (S + 1/4)) of the pooled ranks r (average ranks for ties), chain by chain.</summary>
    internal static double[][] RankNormalise(IReadOnlyList<double[]> chains)
    {
        var all = chains.SelectMany((c, j) => c.Select((x, i) => (Value: x, Chain: j, Index: i))).OrderBy(t => t.Value).ToArray();
        var s = all.Length;
        var result = chains.Select(c => new double[c.Length]).ToArray();
        var normal = new Normal(0, 1);
        var start = 0;
        while (start < s)
        {
            var end = start;
            while (end + 1 < s && all[end + 1].Value == all[start].Value)
            {
                end++;
            }

            var rank = ((start + end) / 2.0) + 1;
            var z = normal.Quantile((rank - 0.375) / (s + 0.25));
            for (var k = start; k <= end; k++)
            {
                result[all[k].Chain][all[k].Index] = z;
            }

            start = end + 1;
        }

        return result;
    }

    private static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        var n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[(n / 2) - 1] + sorted[n / 2]);
    }

    private static void Check(IReadOnlyList<double[]> chains)
    {
        ArgumentNullException.ThrowIfNull(chains);
        if (chains.Count < 1 || chains[0].Length < 2 || chains.Any(c => c.Length != chains[0].Length))
        {
            throw new ArgumentException("Give at least one chain, all of the same length of at least 2 draws.", nameof(chains));
        }
    }
}
