using System.Globalization;
using TwinLab.Core.Distributions;
using TwinLab.Core.Randomness;

namespace TwinLab.Twins;

/// <summary>
/// Weighted samples of some model parameters: the prior of a twin, or the posterior of a calibration passed in as
/// samples (MCMC draws with equal weights, importance or SMC particles with their weights). Row i holds particle i's
/// value of each named parameter; weights are normalised to sum to one.
/// </summary>
public sealed class ParticleEnsemble
{
    private readonly double[,] _values;
    private readonly double[] _weights;
    private readonly bool[] _logScale;

    /// <summary>Creates an ensemble from samples.</summary>
    /// <param name="names">The parameter names, one per column.</param>
    /// <param name="values">The samples: one row per particle, one column per name.</param>
    /// <param name="weights">Non-negative weights (normalised here); equal weights when null.</param>
    /// <param name="logScale">Per parameter, whether data assimilation works on its logarithm; when null, a parameter
    /// is on the log scale when every sample is positive.</param>
    /// <exception cref="ArgumentException">Duplicate or empty names, a shape mismatch, a non-finite value, negative
    /// or all-zero weights, or a log scale asked for a parameter with a non-positive sample.</exception>
    public ParticleEnsemble(IReadOnlyList<string> names, double[,] values, IReadOnlyList<double>? weights = null, IReadOnlyList<bool>? logScale = null)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(values);
        if (names.Count == 0 || names.Any(string.IsNullOrWhiteSpace) || names.Distinct(StringComparer.Ordinal).Count() != names.Count)
        {
            throw new ArgumentException("Give at least one parameter name, each non-empty and different.", nameof(names));
        }
        if (values.GetLength(1) != names.Count || values.GetLength(0) < 2)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The sample matrix is {values.GetLength(0)} x {values.GetLength(1)}; it needs at least 2 rows and one column per name ({names.Count})."), nameof(values));
        }
        var n = values.GetLength(0);
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < names.Count; j++)
            {
                if (!double.IsFinite(values[i, j]))
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"Sample {i} of '{names[j]}' is {values[i, j]}: every sample must be finite."), nameof(values));
                }
            }
        }
        _weights = new double[n];
        if (weights is null)
        {
            Array.Fill(_weights, 1.0 / n);
        }
        else
        {
            if (weights.Count != n)
            {
                throw new ArgumentException($"There are {weights.Count} weights for {n} particles.", nameof(weights));
            }
            var sum = 0.0;
            for (var i = 0; i < n; i++)
            {
                if (!double.IsFinite(weights[i]) || weights[i] < 0)
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Weight {i} is {weights[i]}: weights must be finite and non-negative."), nameof(weights));
                }
                sum += weights[i];
            }
            if (sum <= 0)
            {
                throw new ArgumentException("The weights sum to zero: at least one particle needs a positive weight.", nameof(weights));
            }
            for (var i = 0; i < n; i++)
            {
                _weights[i] = weights[i] / sum;
            }
        }
        _logScale = new bool[names.Count];
        for (var j = 0; j < names.Count; j++)
        {
            var allPositive = true;
            for (var i = 0; i < n && allPositive; i++)
            {
                allPositive = values[i, j] > 0;
            }
            if (logScale is not null)
            {
                if (logScale.Count != names.Count)
                {
                    throw new ArgumentException($"There are {logScale.Count} log-scale flags for {names.Count} parameters.", nameof(logScale));
                }
                if (logScale[j] && !allPositive)
                {
                    throw new ArgumentException($"'{names[j]}' has a non-positive sample, so it cannot be assimilated on the log scale.", nameof(logScale));
                }
                _logScale[j] = logScale[j];
            }
            else
            {
                _logScale[j] = allPositive;
            }
        }
        Names = [.. names];
        _values = (double[,])values.Clone();
    }

    /// <summary>Draws <paramref name="count"/> equally weighted particles from a prior; each parameter whose prior has
    /// a non-negative lower bound is assimilated on the log scale. Particle i uses the stream (seed, "twin.prior", i).</summary>
    /// <param name="prior">The prior.</param>
    /// <param name="count">The number of particles (at least 2).</param>
    /// <param name="seed">The seed.</param>
    public static ParticleEnsemble FromPrior(JointPrior prior, int count, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(prior);
        if (count < 2)
        {
            throw new ArgumentException($"A particle ensemble needs at least 2 particles; got {count}.", nameof(count));
        }
        var values = new double[count, prior.Dimension];
        var row = new double[prior.Dimension];
        for (var i = 0; i < count; i++)
        {
            var stream = RandomStream.For(seed, "twin.prior", (ulong)i);
            prior.Sample(ref stream, row);
            for (var j = 0; j < row.Length; j++)
            {
                values[i, j] = row[j];
            }
        }
        return new ParticleEnsemble(prior.Names, values, null, [.. prior.Distributions.Select(d => d.Lower >= 0)]);
    }

    /// <summary>The parameter names.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The number of particles.</summary>
    public int Count => _weights.Length;

    /// <summary>The normalised weights.</summary>
    public IReadOnlyList<double> Weights => _weights;

    /// <summary>Per parameter, whether data assimilation works on its logarithm.</summary>
    public IReadOnlyList<bool> LogScale => _logScale;

    /// <summary>The effective sample size 1 / Σ wᵢ² (Kong, Liu and Wong 1994).</summary>
    public double EffectiveSampleSize
    {
        get
        {
            var s = 0.0;
            foreach (var w in _weights)
            {
                s += w * w;
            }
            return 1.0 / s;
        }
    }

    /// <summary>Particle <paramref name="particle"/>'s value of parameter <paramref name="parameter"/> (column index).</summary>
    /// <param name="particle">The particle.</param>
    /// <param name="parameter">The column.</param>
    public double this[int particle, int parameter] => _values[particle, parameter];

    /// <summary>All samples of one parameter.</summary>
    /// <param name="name">The parameter.</param>
    public double[] Column(string name)
    {
        var j = IndexOf(name);
        var result = new double[Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = _values[i, j];
        }
        return result;
    }

    /// <summary>The weighted mean of a parameter.</summary>
    /// <param name="name">The parameter.</param>
    public double Mean(string name) => WeightedStatistics.Mean(Column(name), _weights);

    /// <summary>The weighted variance (weights as probabilities) of a parameter.</summary>
    /// <param name="name">The parameter.</param>
    public double Variance(string name) => WeightedStatistics.Variance(Column(name), _weights);

    /// <summary>A weighted quantile of a parameter (inverse of the weighted empirical distribution).</summary>
    /// <param name="name">The parameter.</param>
    /// <param name="probability">In [0, 1].</param>
    public double Quantile(string name, double probability) => WeightedStatistics.Quantile(Column(name), _weights, probability);

    /// <summary>The column of a parameter.</summary>
    /// <param name="name">The parameter.</param>
    /// <exception cref="KeyNotFoundException">No such parameter.</exception>
    public int IndexOf(string name)
    {
        for (var j = 0; j < Names.Count; j++)
        {
            if (Names[j] == name)
            {
                return j;
            }
        }
        throw new KeyNotFoundException($"The particle ensemble has no parameter '{name}'; it has {string.Join(", ", Names)}.");
    }

    internal double[,] CopyValues() => (double[,])_values.Clone();

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"ParticleEnsemble({Count} particles of {string.Join(", ", Names)}, ESS {EffectiveSampleSize:G4})");
}
