namespace TwinLab.Inference.Mcmc;

/// <summary>The log of an unnormalised target density, e.g. ln p(x | θ) + ln p(θ); −∞ where the density is 0.</summary>
/// <param name="parameters">θ.</param>
/// <returns>The log-density.</returns>
public delegate double LogDensityFunction(ReadOnlySpan<double> parameters);

/// <summary>MCMC draws: <see cref="Draws"/>[chain][iteration · dimension + parameter], warm-up already removed.</summary>
/// <param name="Names">Parameter names.</param>
/// <param name="Draws">One array per chain.</param>
/// <param name="AcceptanceRate">Accepted proposals / proposals after warm-up.</param>
public sealed record McmcChains(IReadOnlyList<string> Names, IReadOnlyList<double[]> Draws, double AcceptanceRate)
{
    /// <summary>The dimension.</summary>
    public int Dimension => Names.Count;

    /// <summary>Iterations per chain.</summary>
    public int Iterations => Draws[0].Length / Dimension;

    /// <summary>The draws of one parameter, one array per chain.</summary>
    /// <param name="parameter">The parameter index.</param>
    /// <returns>The chains of that parameter.</returns>
    public double[][] Parameter(int parameter)
    {
        var result = new double[Draws.Count][];
        for (var c = 0; c < Draws.Count; c++)
        {
            result[c] = new double[Iterations];
            for (var i = 0; i < Iterations; i++)
            {
                result[c][i] = Draws[c][(i * Dimension) + parameter];
            }
        }

        return result;
    }

    /// <summary>The rank-normalised split R-hat of each parameter (<see cref="Convergence.RHat"/>).</summary>
    /// <returns>One value per parameter.</returns>
    public double[] RHat() => [.. Enumerable.Range(0, Dimension).Select(p => Convergence.RHat(Parameter(p)))];

    /// <summary>The bulk effective sample size of each parameter (<see cref="Convergence.EffectiveSampleSize"/> of rank-normalised split chains).</summary>
    /// <returns>One value per parameter.</returns>
    public double[] EffectiveSampleSize() => [.. Enumerable.Range(0, Dimension).Select(p => Convergence.BulkEffectiveSampleSize(Parameter(p)))];

    /// <summary>All draws pooled, rows stored one after another.</summary>
    /// <returns>The pooled draws.</returns>
    public Sbi.PosteriorSamples Pooled()
    {
        var values = Draws.SelectMany(d => d).ToArray();
        return new Sbi.PosteriorSamples(Names, values, values.Length / Dimension, values.Length / Dimension);
    }
}
