using System.Globalization;
using TwinLab.Core.Randomness;
using TwinLab.Inference.Neural;

namespace TwinLab.Inference.Sbi;

/// <summary>Posterior draws, rows stored one after another, with how many proposals the prior's support rejected.</summary>
/// <param name="Names">Parameter names (columns).</param>
/// <param name="Values">Count × dimension values, row by row.</param>
/// <param name="Proposed">Draws made from the density estimator.</param>
/// <param name="Accepted">Draws inside the prior's support (the first <c>Count</c> of them are kept).</param>
public sealed record PosteriorSamples(IReadOnlyList<string> Names, double[] Values, long Proposed, long Accepted)
{
    /// <summary>The number of kept draws.</summary>
    public int Count => Values.Length / Names.Count;

    /// <summary>The dimension.</summary>
    public int Dimension => Names.Count;

    /// <summary>Accepted / proposed: the mass of the estimator inside the prior's support.</summary>
    public double AcceptanceRate => Proposed == 0 ? 1.0 : (double)Accepted / Proposed;

    /// <summary>Draw <paramref name="row"/>.</summary>
    /// <param name="row">The row.</param>
    /// <returns>Its values.</returns>
    public ReadOnlySpan<double> Row(int row) => Values.AsSpan(row * Dimension, Dimension);

    /// <summary>Column means.</summary>
    /// <returns>The means.</returns>
    public double[] Means()
    {
        var mean = new double[Dimension];
        for (var i = 0; i < Count; i++)
        {
            for (var j = 0; j < Dimension; j++)
            {
                mean[j] += Values[(i * Dimension) + j];
            }
        }

        for (var j = 0; j < Dimension; j++)
        {
            mean[j] /= Count;
        }

        return mean;
    }

    /// <summary>Column standard deviations (n − 1).</summary>
    /// <returns>The standard deviations.</returns>
    public double[] StandardDeviations()
    {
        var mean = Means();
        var sd = new double[Dimension];
        for (var i = 0; i < Count; i++)
        {
            for (var j = 0; j < Dimension; j++)
            {
                var r = Values[(i * Dimension) + j] - mean[j];
                sd[j] += r * r;
            }
        }

        for (var j = 0; j < Dimension; j++)
        {
            sd[j] = Math.Sqrt(sd[j] / (Count - 1));
        }

        return sd;
    }
}

/// <summary>
/// The amortised posterior that <see cref="Npe"/> trained: q(θ | x) for any observation x, restricted to the prior's
/// support. Sampling rejects draws outside the support and reports the acceptance rate.
/// </summary>
public sealed class NpePosterior
{
    private readonly ConditionalDensityEstimator _estimator;
    private readonly Standardizer _theta;
    private readonly Standardizer _data;
    private readonly object _gate = new();

    internal NpePosterior(ParameterPrior prior, IReadOnlyList<string> dataNames, ConditionalDensityEstimator estimator, Standardizer theta, Standardizer data, NpeTrainingReport report)
    {
        Prior = prior;
        DataNames = dataNames;
        _estimator = estimator;
        _theta = theta;
        _data = data;
        Training = report;
    }

    /// <summary>The prior.</summary>
    public ParameterPrior Prior { get; }

    /// <summary>The data columns an observation must have, in order.</summary>
    public IReadOnlyList<string> DataNames { get; }

    /// <summary>The training report.</summary>
    public NpeTrainingReport Training { get; }

    /// <summary>The smallest acceptance rate <see cref="Sample"/> tolerates before it gives up (10⁻⁴).</summary>
    public const double MinimumAcceptanceRate = 1e-4;

    /// <summary>Draws <paramref name="count"/> samples from q(θ | <paramref name="observation"/>) restricted to the prior's support.</summary>
    /// <param name="observation">The observed x (length: <see cref="DataNames"/>).</param>
    /// <param name="count">How many draws.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The draws and the acceptance rate.</returns>
    /// <exception cref="ArgumentException">The observation has the wrong length or a non-finite entry.</exception>
    /// <exception cref="InvalidOperationException">Less than <see cref="MinimumAcceptanceRate"/> of the estimator's mass lies inside the support.</exception>
    public PosteriorSamples Sample(ReadOnlySpan<double> observation, int count, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var context = Context(observation);
        var d = Prior.Dimension;
        var values = new double[count * d];
        var stream = RandomStream.For(seed, "npe.sample");
        long proposed = 0, accepted = 0;
        var kept = 0;
        var theta = new double[d];
        while (kept < count)
        {
            var batch = Math.Max(64, (int)Math.Min(100_000, (count - kept) * 1.2 / Math.Max(proposed == 0 ? 1 : (double)accepted / proposed, MinimumAcceptanceRate)));
            var draws = new float[batch * d];
            lock (_gate)
            {
                _estimator.Sample(context, batch, ref stream, draws);
            }

            for (var b = 0; b < batch; b++)
            {
                proposed++;
                for (var j = 0; j < d; j++)
                {
                    theta[j] = _theta.Inverse(draws[(b * d) + j], j);
                }

                if (!Prior.InSupport(theta))
                {
                    continue;
                }

                accepted++;
                if (kept < count)
                {
                    theta.CopyTo(values.AsSpan(kept * d, d));
                    kept++;
                }
            }

            if (proposed >= 10_000 && (double)accepted / proposed < MinimumAcceptanceRate)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"Only {accepted} of {proposed} posterior draws fell inside the prior's support (acceptance rate {(double)accepted / proposed:G3}); the estimator has leaked out of the support. Train with more simulations, or check that the observation is plausible under the prior."));
            }
        }

        return new PosteriorSamples(Prior.Names, values, proposed, accepted);
    }

    /// <summary>ln q(θ | x) of the estimator (in θ's own units), −∞ outside the prior's support. The truncation to the
    /// support is not renormalised: add −ln(acceptance rate) for a normalised density.</summary>
    /// <param name="theta">θ.</param>
    /// <param name="observation">x.</param>
    /// <returns>The log-density.</returns>
    public double LogProb(ReadOnlySpan<double> theta, ReadOnlySpan<double> observation)
    {
        if (theta.Length != Prior.Dimension)
        {
            throw new ArgumentException($"θ has {theta.Length} entries; the prior has {Prior.Dimension}.", nameof(theta));
        }

        if (!Prior.InSupport(theta))
        {
            return double.NegativeInfinity;
        }

        var context = Context(observation);
        var z = _theta.TransformToSingle(theta);
        var result = new double[1];
        lock (_gate)
        {
            _estimator.LogProb(z, context, 1, result);
        }

        return result[0] - _theta.LogScale();
    }

    private float[] Context(ReadOnlySpan<double> observation)
    {
        if (observation.Length != DataNames.Count)
        {
            throw new ArgumentException($"The observation has {observation.Length} values but the simulator gives {DataNames.Count} ({string.Join(", ", DataNames)}).", nameof(observation));
        }

        if (!SimulationSet.AllFinite(observation))
        {
            throw new ArgumentException("The observation has a NaN or infinite value; give finite observed data.", nameof(observation));
        }

        return _data.TransformToSingle(observation);
    }
}
