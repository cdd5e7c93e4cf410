using TwinLab.Core.Randomness;

namespace TwinLab.Inference;

/// <summary>Simulates data x for parameters θ, drawing any noise from <paramref name="stream"/>.</summary>
/// <param name="parameters">θ, ordered as the prior's names.</param>
/// <param name="data">Where to write x (length: the simulator's data dimension). A failed simulation writes NaN.</param>
/// <param name="stream">The random stream of this simulation.</param>
public delegate void SimulationFunction(ReadOnlySpan<double> parameters, Span<double> data, ref RandomStream stream);

/// <summary>A stochastic simulator θ ↦ x with named data columns.</summary>
public sealed class Simulator
{
    /// <summary>Creates the simulator.</summary>
    /// <param name="dataNames">Names of the data columns, in order.</param>
    /// <param name="simulate">The simulation function; it must be safe to call from several threads at once.</param>
    /// <exception cref="ArgumentException">No data columns.</exception>
    public Simulator(IReadOnlyList<string> dataNames, SimulationFunction simulate)
    {
        ArgumentNullException.ThrowIfNull(dataNames);
        ArgumentNullException.ThrowIfNull(simulate);
        if (dataNames.Count == 0)
        {
            throw new ArgumentException("A simulator needs at least one data column.", nameof(dataNames));
        }

        DataNames = [.. dataNames];
        Function = simulate;
    }

    /// <summary>The data column names.</summary>
    public IReadOnlyList<string> DataNames { get; }

    /// <summary>The number of data columns.</summary>
    public int DataDimension => DataNames.Count;

    /// <summary>The simulation function.</summary>
    public SimulationFunction Function { get; }

    /// <summary>Simulates once.</summary>
    /// <param name="parameters">θ.</param>
    /// <param name="stream">The random stream.</param>
    /// <returns>x.</returns>
    public double[] Simulate(ReadOnlySpan<double> parameters, ref RandomStream stream)
    {
        var x = new double[DataDimension];
        Function(parameters, x, ref stream);
        return x;
    }
}
