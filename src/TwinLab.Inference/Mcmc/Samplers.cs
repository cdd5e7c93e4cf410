using TwinLab.Core.Randomness;

namespace TwinLab.Inference.Mcmc;

/// <summary>
/// Adaptive Metropolis (Haario, Saksman and Tamminen 2001, Bernoulli 7: 223–242): a Gaussian random walk whose
/// covariance, after an initial period with a fixed proposal, is (2.38² / d)·(Σ_t + 10⁻⁸ I), Σ_t the running
/// covariance of the chain. Adaptation runs during warm-up only, so the kept draws come from a fixed kernel. Chains run
/// in parallel, chain c on stream (seed, "mcmc.adaptive-metropolis", c): bitwise reproducible.
/// </summary>
public static class AdaptiveMetropolis
{
    /// <summary>Samples a target.</summary>
    /// <param name="names">Parameter names.</param>
    /// <param name="logDensity">The log target; must be safe to call from several threads.</param>
    /// <param name="starts">One starting point per chain (each with a finite log target).</param>
    /// <param name="initialScale">Proposal standard deviations before adaptation, one per parameter.</param>
    /// <param name="warmUp">Warm-up iterations (adaptive, discarded).</param>
    /// <param name="iterations">Kept iterations per chain.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The chains.</returns>
    /// <exception cref="ArgumentException">A start has a non-finite log target, or the sizes disagree.</exception>
    public static McmcChains Sample(IReadOnlyList<string> names, LogDensityFunction logDensity, IReadOnlyList<double[]> starts,
        IReadOnlyList<double> initialScale, int warmUp, int iterations, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(logDensity);
        ArgumentNullException.ThrowIfNull(starts);
        ArgumentNullException.ThrowIfNull(initialScale);
        var d = names.Count;
        if (starts.Count < 1 || starts.Any(s => s.Length != d) || initialScale.Count != d || initialScale.Any(s => !(s > 0)))
        {
            throw new ArgumentException($"Give at least one start of length {d} and {d} positive initial proposal scales.", nameof(starts));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(warmUp);
        var draws = new double[starts.Count][];
        var accepted = new long[starts.Count];
        Parallel.For(0, starts.Count, c =>
        {
            var stream = RandomStream.For(seed, "mcmc.adaptive-metropolis", (ulong)c);
            var current = (double[])starts[c].Clone();
            var currentLog = logDensity(current);
            if (!double.IsFinite(currentLog))
            {
                throw new ArgumentException($"Chain {c} starts where the log target is {currentLog}; start inside the support.", nameof(starts));
            }

            var mean = (double[])current.Clone();
            var scatter = new double[d, d];
            var cholesky = new double[d, d];
            for (var i = 0; i < d; i++)
            {
                cholesky[i, i] = initialScale[i];
            }

            var adaptFrom = Math.Max(2 * d, Math.Min(warmUp / 2, 500));
            var proposal = new double[d];
            var z = new double[d];
            var output = new double[iterations * d];
            for (var t = 1; t <= warmUp + iterations; t++)
            {
                for (var i = 0; i < d; i++)
                {
                    z[i] = stream.NextNormal();
                }

                for (var i = 0; i < d; i++)
                {
                    var s = 0.0;
                    for (var k = 0; k <= i; k++)
                    {
                        s += cholesky[i, k] * z[k];
                    }

                    proposal[i] = current[i] + s;
                }

                var proposalLog = logDensity(proposal);
                if (Math.Log(stream.NextDouble()) < proposalLog - currentLog)
                {
                    proposal.CopyTo(current, 0);
                    currentLog = proposalLog;
                    if (t > warmUp)
                    {
                        accepted[c]++;
                    }
                }

                if (t <= warmUp)
                {
                    // Welford update of the running mean and scatter matrix.
                    var count = t + 1.0;
                    var delta = new double[d];
                    for (var i = 0; i < d; i++)
                    {
                        delta[i] = current[i] - mean[i];
                        mean[i] += delta[i] / count;
                    }

                    for (var i = 0; i < d; i++)
                    {
                        for (var k = 0; k < d; k++)
                        {
                            scatter[i, k] += delta[i] * (current[k] - mean[k]);
                        }
                    }

                    if (t >= adaptFrom)
                    {
                        var covariance = new double[d, d];
                        for (var i = 0; i < d; i++)
                        {
                            for (var k = 0; k < d; k++)
                            {
                                covariance[i, k] = (2.38 * 2.38 / d) * ((scatter[i, k] / (count - 1)) + (i == k ? 1e-8 : 0));
                            }
                        }

                        if (LinearAlgebra.Cholesky(covariance) is { } factor)
                        {
                            cholesky = factor;
                        }
                    }
                }
                else
                {
                    current.CopyTo(output, (t - warmUp - 1) * d);
                }
            }

            draws[c] = output;
        });
        return new McmcChains([.. names], draws, accepted.Sum() / (double)(starts.Count * (long)iterations));
    }
}

/// <summary>
/// The affine-invariant ensemble sampler with the stretch move (Goodman and Weare 2010, Commun. Appl. Math. Comput.
/// Sci. 5: 65–80; as in emcee): walker k moves to Y = X_j + z (X_k − X_j), X_j another walker, z drawn from
/// g(z) ∝ 1/√z on [1/a, a] (a = 2), accepted with probability min(1, z^{d−1} p(Y) / p(X_k)). Walkers are updated in
/// turn (the serial form), so the result is reproducible for a seed. Each walker's trajectory is reported as a chain.
/// </summary>
public static class EnsembleSampler
{
    /// <summary>Samples a target.</summary>
    /// <param name="names">Parameter names.</param>
    /// <param name="logDensity">The log target.</param>
    /// <param name="starts">One starting point per walker (at least d + 1 walkers, each with a finite log target, not all on one hyperplane).</param>
    /// <param name="warmUp">Warm-up iterations (discarded).</param>
    /// <param name="iterations">Kept iterations.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="stretch">The stretch scale a &gt; 1.</param>
    /// <returns>One chain per walker.</returns>
    public static McmcChains Sample(IReadOnlyList<string> names, LogDensityFunction logDensity, IReadOnlyList<double[]> starts,
        int warmUp, int iterations, ulong seed, double stretch = 2.0)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(logDensity);
        ArgumentNullException.ThrowIfNull(starts);
        var d = names.Count;
        var walkers = starts.Count;
        if (walkers < d + 1 || starts.Any(s => s.Length != d) || !(stretch > 1))
        {
            throw new ArgumentException($"Give at least {d + 1} walkers (2·d or more is usual), each of length {d}, and a stretch scale above 1.", nameof(starts));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(warmUp);
        var positions = starts.Select(s => (double[])s.Clone()).ToArray();
        var logs = positions.Select(p => logDensity(p)).ToArray();
        if (logs.Any(l => !double.IsFinite(l)))
        {
            throw new ArgumentException("A walker starts where the log target is not finite; start every walker inside the support.", nameof(starts));
        }

        var stream = RandomStream.For(seed, "mcmc.ensemble");
        var draws = Enumerable.Range(0, walkers).Select(_ => new double[iterations * d]).ToArray();
        var proposal = new double[d];
        long accepted = 0;
        for (var t = 0; t < warmUp + iterations; t++)
        {
            for (var k = 0; k < walkers; k++)
            {
                var j = (int)stream.NextUInt32((uint)(walkers - 1));
                if (j >= k)
                {
                    j++;
                }

                var u = stream.NextDouble();
                var z = Math.Pow(((stretch - 1) * u) + 1, 2) / stretch;
                for (var i = 0; i < d; i++)
                {
                    proposal[i] = positions[j][i] + (z * (positions[k][i] - positions[j][i]));
                }

                var proposalLog = logDensity(proposal);
                var logAccept = ((d - 1) * Math.Log(z)) + proposalLog - logs[k];
                if (Math.Log(stream.NextDouble()) < logAccept)
                {
                    proposal.CopyTo(positions[k], 0);
                    logs[k] = proposalLog;
                    if (t >= warmUp)
                    {
                        accepted++;
                    }
                }

                if (t >= warmUp)
                {
                    positions[k].CopyTo(draws[k], (t - warmUp) * d);
                }
            }
        }

        return new McmcChains([.. names], draws, accepted / (double)(walkers * (long)iterations));
    }
}
