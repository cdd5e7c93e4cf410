using TwinLab.Core.Randomness;
using TwinLab.Inference.Sbi;

namespace TwinLab.Inference.Abc;

/// <summary>
/// Rejection ABC (Pritchard et al. 1999): simulate the whole budget from the prior and keep the
/// <c>acceptCount</c> parameters whose data lie closest (Euclidean distance) to the observation, all with equal weight;
/// ε is the largest kept distance. sbibm's REJ-ABC keeps a fixed number of top samples in the same way.
/// </summary>
public static class RejectionAbc
{
    /// <summary>Runs rejection ABC.</summary>
    /// <param name="prior">The prior.</param>
    /// <param name="simulator">The simulator.</param>
    /// <param name="observation">The observed x.</param>
    /// <param name="budget">Simulations to run.</param>
    /// <param name="acceptCount">How many of the closest to keep (≤ usable simulations).</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The accepted population.</returns>
    /// <exception cref="ArgumentException">The observation has the wrong length, or fewer usable simulations than <paramref name="acceptCount"/>.</exception>
    public static AbcResult Run(ParameterPrior prior, Simulator simulator, ReadOnlySpan<double> observation, int budget, int acceptCount, ulong seed) =>
        RunWithDistances(prior, simulator, observation, budget, acceptCount, seed).Result;

    /// <summary>As <see cref="Run"/>, also returning the kept particles' distances (in the particles' order).</summary>
    internal static (AbcResult Result, double[] Distances) RunWithDistances(ParameterPrior prior, Simulator simulator, ReadOnlySpan<double> observation, int budget, int acceptCount, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(simulator);
        ArgumentOutOfRangeException.ThrowIfLessThan(acceptCount, 1);
        AbcSmc.CheckObservation(simulator, observation);
        var set = SimulationSet.Simulate(prior, simulator, budget, seed);
        if (set.Count < acceptCount)
        {
            throw new ArgumentException($"Only {set.Count} of {budget} simulations were usable ({set.ExcludedNonFinite} non-finite); ask for at most that many accepted samples.", nameof(acceptCount));
        }

        int d = prior.Dimension, m = simulator.DataDimension;
        var distances = new double[set.Count];
        for (var i = 0; i < set.Count; i++)
        {
            distances[i] = AbcSmc.Distance(set.Data.AsSpan(i * m, m), observation);
        }

        var order = Enumerable.Range(0, set.Count).ToArray();
        Array.Sort((double[])distances.Clone(), order);
        var values = new double[acceptCount * d];
        var kept = new double[acceptCount];
        for (var k = 0; k < acceptCount; k++)
        {
            set.Parameters.AsSpan(order[k] * d, d).CopyTo(values.AsSpan(k * d, d));
            kept[k] = distances[order[k]];
        }

        var weights = Enumerable.Repeat(1.0 / acceptCount, acceptCount).ToArray();
        var epsilon = distances[order[acceptCount - 1]];
        var generation = new AbcGeneration(0, epsilon, budget, (double)acceptCount / budget, acceptCount);
        return (new AbcResult(prior.Names, values, weights, epsilon, budget, set.ExcludedNonFinite, [generation], "budget", Distances: kept), kept);
    }
}
