using TwinLab.Core.Randomness;
using TwinLab.Inference.Sbi;

namespace TwinLab.Inference.Diagnostics;

/// <summary>Draws from an approximate posterior p̂(θ | x).</summary>
/// <param name="observation">x.</param>
/// <param name="count">How many draws.</param>
/// <param name="seed">The seed.</param>
/// <returns>The draws.</returns>
public delegate PosteriorSamples PosteriorSampler(ReadOnlySpan<double> observation, int count, ulong seed);

/// <summary>Simulation-based calibration results.</summary>
/// <param name="Names">Parameter names.</param>
/// <param name="Ranks">Ranks[parameter][trial] in 0 … <see cref="DrawsPerTrial"/>.</param>
/// <param name="DrawsPerTrial">Posterior draws per trial (L); uniform ranks take values 0 … L.</param>
/// <param name="ChiSquare">Per parameter: the χ² statistic of the rank histogram over <see cref="Bins"/> equal bins.</param>
/// <param name="Bins">Histogram bins used for <see cref="ChiSquare"/>.</param>
/// <param name="CredibleLevels">Nominal levels of the central credible intervals.</param>
/// <param name="Coverage">Coverage[parameter][level]: the fraction of trials whose true θ lay inside the central interval.</param>
public sealed record SbcResult(IReadOnlyList<string> Names, IReadOnlyList<int[]> Ranks, int DrawsPerTrial, IReadOnlyList<double> ChiSquare, int Bins,
    IReadOnlyList<double> CredibleLevels, IReadOnlyList<double[]> Coverage);

/// <summary>TARP results (Lemos et al. 2023, "Sampling-based accuracy testing of posterior estimators for general inference", ICML).</summary>
/// <param name="CredibleLevels">Levels α.</param>
/// <param name="ExpectedCoverage">The expected coverage probability at each level; the diagonal for a calibrated posterior.</param>
/// <param name="AreaToDiagonal">∫ |ECP(α) − α| dα (trapezoid rule): 0 for a calibrated posterior.</param>
public sealed record TarpResult(IReadOnlyList<double> CredibleLevels, IReadOnlyList<double> ExpectedCoverage, double AreaToDiagonal);

/// <summary>
/// Calibration diagnostics of a posterior approximation over the prior predictive: simulation-based calibration
/// (Talts et al. 2018, arXiv:1804.06788) with rank statistics and expected coverage of central credible intervals, and
/// TARP. Trial i draws θᵢ from stream (seed, "sbc.prior", i) and xᵢ from (seed, "sbc.simulate", i).
/// </summary>
public static class PosteriorCalibration
{
    /// <summary>Runs simulation-based calibration.</summary>
    /// <param name="prior">The prior.</param>
    /// <param name="simulator">The simulator.</param>
    /// <param name="posterior">The posterior sampler to check.</param>
    /// <param name="trials">Number of (θ, x) pairs.</param>
    /// <param name="drawsPerTrial">Posterior draws per pair (L).</param>
    /// <param name="seed">The seed.</param>
    /// <param name="bins">Histogram bins for the χ² statistic (L + 1 must be divisible by it).</param>
    /// <returns>Ranks, χ² statistics and coverage.</returns>
    public static SbcResult Sbc(ParameterPrior prior, Simulator simulator, PosteriorSampler posterior, int trials, int drawsPerTrial, ulong seed, int bins = 10)
    {
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(simulator);
        ArgumentNullException.ThrowIfNull(posterior);
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 2);
        if (drawsPerTrial < 1 || bins < 2 || (drawsPerTrial + 1) % bins != 0)
        {
            throw new ArgumentException($"Draws per trial + 1 ({drawsPerTrial + 1}) must be a multiple of the number of bins ({bins}).", nameof(bins));
        }

        int d = prior.Dimension;
        double[] levels = [0.5, 0.8, 0.9, 0.95];
        var ranks = Enumerable.Range(0, d).Select(_ => new int[trials]).ToArray();
        var covered = Enumerable.Range(0, d).Select(_ => new double[levels.Length]).ToArray();
        foreach (var (theta, x, i) in Pairs(prior, simulator, trials, seed))
        {
            var draws = posterior(x, drawsPerTrial, seed + 1_000_003UL + (ulong)i);
            for (var j = 0; j < d; j++)
            {
                var column = new double[drawsPerTrial];
                var below = 0;
                for (var n = 0; n < drawsPerTrial; n++)
                {
                    column[n] = draws.Values[(n * d) + j];
                    if (column[n] < theta[j])
                    {
                        below++;
                    }
                }

                ranks[j][i] = below;
                Array.Sort(column);
                for (var l = 0; l < levels.Length; l++)
                {
                    var lower = AbcQuantile(column, (1 - levels[l]) / 2);
                    var upper = AbcQuantile(column, (1 + levels[l]) / 2);
                    if (theta[j] >= lower && theta[j] <= upper)
                    {
                        covered[j][l] += 1.0 / trials;
                    }
                }
            }
        }

        var chi = new double[d];
        var width = (drawsPerTrial + 1) / bins;
        for (var j = 0; j < d; j++)
        {
            var counts = new int[bins];
            foreach (var r in ranks[j])
            {
                counts[r / width]++;
            }

            var expected = (double)trials / bins;
            chi[j] = counts.Sum(c => (c - expected) * (c - expected) / expected);
        }

        return new SbcResult(prior.Names, ranks, drawsPerTrial, chi, bins, levels, covered);
    }

    /// <summary>Runs TARP with reference points drawn uniformly in the box spanned by each trial's posterior draws.</summary>
    /// <param name="prior">The prior.</param>
    /// <param name="simulator">The simulator.</param>
    /// <param name="posterior">The posterior sampler to check.</param>
    /// <param name="trials">Number of (θ, x) pairs.</param>
    /// <param name="drawsPerTrial">Posterior draws per pair.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The expected coverage curve and its distance to the diagonal.</returns>
    public static TarpResult Tarp(ParameterPrior prior, Simulator simulator, PosteriorSampler posterior, int trials, int drawsPerTrial, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(posterior);
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(drawsPerTrial, 2);
        int d = prior.Dimension;
        var fractions = new double[trials];
        var stream = RandomStream.For(seed, "tarp.reference");
        foreach (var (theta, x, i) in Pairs(prior, simulator, trials, seed))
        {
            var draws = posterior(x, drawsPerTrial, seed + 2_000_003UL + (ulong)i);
            var reference = new double[d];
            for (var j = 0; j < d; j++)
            {
                double min = double.PositiveInfinity, max = double.NegativeInfinity;
                for (var n = 0; n < drawsPerTrial; n++)
                {
                    min = Math.Min(min, draws.Values[(n * d) + j]);
                    max = Math.Max(max, draws.Values[(n * d) + j]);
                }

                reference[j] = min + ((max - min) * stream.NextDouble());
            }

            var trueDistance = Distance(theta, reference);
            var closer = 0;
            for (var n = 0; n < drawsPerTrial; n++)
            {
                if (Distance(draws.Values.AsSpan(n * d, d), reference) < trueDistance)
                {
                    closer++;
                }
            }

            fractions[i] = (double)closer / drawsPerTrial;
        }

        var levels = Enumerable.Range(0, 101).Select(k => k / 100.0).ToArray();
        var coverage = levels.Select(a => fractions.Count(f => f < a) / (double)trials).ToArray();
        var area = 0.0;
        for (var k = 1; k < levels.Length; k++)
        {
            area += 0.5 * (Math.Abs(coverage[k] - levels[k]) + Math.Abs(coverage[k - 1] - levels[k - 1])) * (levels[k] - levels[k - 1]);
        }

        return new TarpResult(levels, coverage, area);
    }

    private static IEnumerable<(double[] Theta, double[] X, int Index)> Pairs(ParameterPrior prior, Simulator simulator, int trials, ulong seed)
    {
        for (var i = 0; i < trials; i++)
        {
            var priorStream = RandomStream.For(seed, "sbc.prior", (ulong)i);
            var theta = new double[prior.Dimension];
            prior.Sample(ref priorStream, theta);
            var stream = RandomStream.For(seed, "sbc.simulate", (ulong)i);
            var x = simulator.Simulate(theta, ref stream);
            if (!SimulationSet.AllFinite(x))
            {
                throw new InvalidOperationException($"Calibration trial {i}: the simulator returned a non-finite value; calibration needs every trial (fix the simulator or the prior).");
            }

            yield return (theta, x, i);
        }
    }

    private static double Distance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += (a[i] - b[i]) * (a[i] - b[i]);
        }

        return Math.Sqrt(sum);
    }

    private static double AbcQuantile(double[] sorted, double q) => Abc.AbcSmc.Quantile(sorted, q);
}
