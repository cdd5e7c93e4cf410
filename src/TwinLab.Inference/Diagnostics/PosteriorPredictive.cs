using TwinLab.Core.Randomness;
using TwinLab.Inference.Sbi;

namespace TwinLab.Inference.Diagnostics;

/// <summary>A posterior predictive check of each data column.</summary>
/// <param name="DataNames">The data columns.</param>
/// <param name="PValues">Per column: the fraction of replicated values at or above the observed one (a posterior
/// predictive p-value; values near 0 or 1 mean the model cannot reproduce that observation).</param>
/// <param name="Replicates">Replicated data sets used (non-finite ones excluded).</param>
/// <param name="ExcludedNonFinite">Replicates dropped for a NaN or infinite value.</param>
public sealed record PosteriorPredictiveCheck(IReadOnlyList<string> DataNames, IReadOnlyList<double> PValues, int Replicates, int ExcludedNonFinite);

/// <summary>
/// Posterior predictive checks (Gelman, Meng and Stern 1996): simulate replicated data from posterior draws and locate
/// the observation within them, column by column. Replicate i uses stream (seed, "ppc.simulate", i).
/// </summary>
public static class PosteriorPredictive
{
    /// <summary>Runs the check.</summary>
    /// <param name="simulator">The simulator.</param>
    /// <param name="samples">Posterior draws (one replicate per draw).</param>
    /// <param name="observation">The observed data.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The per-column p-values.</returns>
    /// <exception cref="ArgumentException">The observation has the wrong length, or every replicate failed.</exception>
    public static PosteriorPredictiveCheck Check(Simulator simulator, PosteriorSamples samples, ReadOnlySpan<double> observation, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        ArgumentNullException.ThrowIfNull(samples);
        var m = simulator.DataDimension;
        if (observation.Length != m)
        {
            throw new ArgumentException($"The observation has {observation.Length} values; the simulator gives {m}.", nameof(observation));
        }

        var replicated = new double[samples.Count * m];
        Parallel.For(0, samples.Count, i =>
        {
            var stream = RandomStream.For(seed, "ppc.simulate", (ulong)i);
            simulator.Function(samples.Values.AsSpan(i * samples.Dimension, samples.Dimension), replicated.AsSpan(i * m, m), ref stream);
        });
        var atOrAbove = new double[m];
        int used = 0, excluded = 0;
        for (var i = 0; i < samples.Count; i++)
        {
            var row = replicated.AsSpan(i * m, m);
            if (!SimulationSet.AllFinite(row))
            {
                excluded++;
                continue;
            }

            used++;
            for (var j = 0; j < m; j++)
            {
                atOrAbove[j] += row[j] >= observation[j] ? 1 : 0;
            }
        }

        if (used == 0)
        {
            throw new ArgumentException("Every replicated data set was non-finite; the simulator fails at these posterior draws.", nameof(samples));
        }

        return new PosteriorPredictiveCheck(simulator.DataNames, [.. atOrAbove.Select(c => c / used)], used, excluded);
    }
}
