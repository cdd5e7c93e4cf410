using TwinLab.Core.Randomness;

namespace TwinLab.Inference.Sbi;

/// <summary>
/// Pairs (θ_i, x_i) with θ_i drawn from the prior and x_i simulated, rows stored one after another. Pairs whose x has a
/// NaN or infinite entry are excluded and counted in <see cref="ExcludedNonFinite"/>.
/// </summary>
/// <param name="ParameterNames">Names of θ's columns.</param>
/// <param name="DataNames">Names of x's columns.</param>
/// <param name="Parameters">θ rows (Count × parameter dimension).</param>
/// <param name="Data">x rows (Count × data dimension).</param>
/// <param name="ExcludedNonFinite">How many simulations were dropped for a non-finite x.</param>
public sealed record SimulationSet(IReadOnlyList<string> ParameterNames, IReadOnlyList<string> DataNames, double[] Parameters, double[] Data, int ExcludedNonFinite)
{
    /// <summary>The number of kept pairs.</summary>
    public int Count => Parameters.Length / ParameterNames.Count;

    /// <summary>Simulates <paramref name="budget"/> pairs in parallel. Pair i draws θ from stream (seed, "sbi.prior", i)
    /// and x from (seed, "sbi.simulate", i), so the set is bitwise identical whatever the thread count.</summary>
    /// <param name="prior">The prior.</param>
    /// <param name="simulator">The simulator.</param>
    /// <param name="budget">The number of simulations (≥ 1).</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The kept pairs and the count of excluded ones.</returns>
    public static SimulationSet Simulate(ParameterPrior prior, Simulator simulator, int budget, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(simulator);
        ArgumentOutOfRangeException.ThrowIfLessThan(budget, 1);
        int d = prior.Dimension, m = simulator.DataDimension;
        var theta = new double[budget * d];
        var data = new double[budget * m];
        Parallel.For(0, budget, i =>
        {
            var priorStream = RandomStream.For(seed, "sbi.prior", (ulong)i);
            prior.Sample(ref priorStream, theta.AsSpan(i * d, d));
            var stream = RandomStream.For(seed, "sbi.simulate", (ulong)i);
            simulator.Function(theta.AsSpan(i * d, d), data.AsSpan(i * m, m), ref stream);
        });
        return FromArrays(prior.Names, simulator.DataNames, theta, data);
    }

    /// <summary>Builds a set from given rows, excluding (and counting) pairs with a non-finite θ or x.</summary>
    /// <param name="parameterNames">Names of θ's columns.</param>
    /// <param name="dataNames">Names of x's columns.</param>
    /// <param name="parameters">θ rows.</param>
    /// <param name="data">x rows, as many as θ rows.</param>
    /// <returns>The set.</returns>
    /// <exception cref="ArgumentException">The arrays do not hold whole rows, or the row counts differ.</exception>
    public static SimulationSet FromArrays(IReadOnlyList<string> parameterNames, IReadOnlyList<string> dataNames, double[] parameters, double[] data)
    {
        ArgumentNullException.ThrowIfNull(parameterNames);
        ArgumentNullException.ThrowIfNull(dataNames);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(data);
        int d = parameterNames.Count, m = dataNames.Count;
        if (d == 0 || m == 0 || parameters.Length % d != 0 || data.Length % m != 0 || parameters.Length / d != data.Length / m)
        {
            throw new ArgumentException($"The θ array ({parameters.Length} values, {d} columns) and the x array ({data.Length} values, {m} columns) must hold the same number of whole rows.", nameof(parameters));
        }

        var n = parameters.Length / d;
        var keptTheta = new List<double>(parameters.Length);
        var keptData = new List<double>(data.Length);
        var excluded = 0;
        for (var i = 0; i < n; i++)
        {
            var row = data.AsSpan(i * m, m);
            var rowTheta = parameters.AsSpan(i * d, d);
            if (!AllFinite(row) || !AllFinite(rowTheta))
            {
                excluded++;
                continue;
            }

            keptTheta.AddRange(rowTheta);
            keptData.AddRange(row);
        }

        return new SimulationSet([.. parameterNames], [.. dataNames], [.. keptTheta], [.. keptData], excluded);
    }

    internal static bool AllFinite(ReadOnlySpan<double> values)
    {
        foreach (var v in values)
        {
            if (!double.IsFinite(v))
            {
                return false;
            }
        }

        return true;
    }
}
