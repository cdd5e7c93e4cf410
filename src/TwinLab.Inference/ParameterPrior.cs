using System.Globalization;
using TwinLab.Core.Distributions;
using TwinLab.Core.Randomness;

namespace TwinLab.Inference;

/// <summary>
/// A prior over a named parameter vector θ, as the inference methods need it: draws, log-density and support.
/// Build one from independent components (<see cref="Independent(JointPrior)"/>) or a multivariate normal
/// (<see cref="Gaussian"/>).
/// </summary>
public abstract class ParameterPrior
{
    /// <summary>Initialises the prior.</summary>
    /// <param name="names">The parameter names, in vector order.</param>
    /// <exception cref="ArgumentException">No names, or a name is empty or repeated.</exception>
    protected ParameterPrior(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count == 0 || names.Any(string.IsNullOrWhiteSpace) || names.Distinct(StringComparer.Ordinal).Count() != names.Count)
        {
            throw new ArgumentException("A prior needs at least one parameter, with non-empty, distinct names.", nameof(names));
        }

        Names = [.. names];
    }

    /// <summary>The parameter names, in vector order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The number of parameters.</summary>
    public int Dimension => Names.Count;

    /// <summary>The prior of independent components, e.g. <c>ParameterPrior.Independent(new JointPrior(("a", Prior.Uniform(-1, 1))))</c>.</summary>
    /// <param name="prior">The joint prior.</param>
    /// <returns>The prior.</returns>
    public static ParameterPrior Independent(JointPrior prior) => new IndependentPrior(prior);

    /// <summary>d independent copies of one distribution, named <c>theta_1</c> … <c>theta_d</c> (or with <paramref name="prefix"/>).</summary>
    /// <param name="dimension">d ≥ 1.</param>
    /// <param name="distribution">The distribution of each component.</param>
    /// <param name="prefix">The name prefix.</param>
    /// <returns>The prior.</returns>
    public static ParameterPrior Repeated(int dimension, Distribution distribution, string prefix = "theta_")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        return Independent(new JointPrior([.. Enumerable.Range(1, dimension).Select(i => (prefix + i.ToString(CultureInfo.InvariantCulture), distribution))]));
    }

    /// <summary>A multivariate normal prior N(μ, Σ) over named parameters.</summary>
    /// <param name="names">The parameter names.</param>
    /// <param name="distribution">The distribution; its dimension must match.</param>
    /// <returns>The prior.</returns>
    public static ParameterPrior Gaussian(IReadOnlyList<string> names, MultivariateNormal distribution) => new GaussianPrior(names, distribution);

    /// <summary>Draws one θ.</summary>
    /// <param name="stream">The random stream.</param>
    /// <param name="destination">A span of length <see cref="Dimension"/>.</param>
    public abstract void Sample(ref RandomStream stream, Span<double> destination);

    /// <summary>ln p(θ); −∞ outside the support.</summary>
    /// <param name="theta">The parameter vector.</param>
    /// <returns>The log-density.</returns>
    public abstract double LogDensity(ReadOnlySpan<double> theta);

    /// <summary>Whether θ lies in the support (finite, within every bound).</summary>
    /// <param name="theta">The parameter vector.</param>
    /// <returns><see langword="true"/> when p(θ) &gt; 0.</returns>
    public abstract bool InSupport(ReadOnlySpan<double> theta);

    /// <summary>The support's lower bound of component <paramref name="index"/> (−∞ when unbounded).</summary>
    /// <param name="index">The component.</param>
    /// <returns>The bound.</returns>
    public abstract double Lower(int index);

    /// <summary>The support's upper bound of component <paramref name="index"/> (+∞ when unbounded).</summary>
    /// <param name="index">The component.</param>
    /// <returns>The bound.</returns>
    public abstract double Upper(int index);

    /// <summary>The prior mean of component <paramref name="index"/>.</summary>
    /// <param name="index">The component.</param>
    /// <returns>The mean.</returns>
    public abstract double Mean(int index);

    /// <summary>The prior standard deviation of component <paramref name="index"/>.</summary>
    /// <param name="index">The component.</param>
    /// <returns>The standard deviation.</returns>
    public abstract double StandardDeviation(int index);

    /// <summary>Checks the length of a parameter vector.</summary>
    /// <param name="length">Its length.</param>
    /// <param name="name">The argument name.</param>
    /// <exception cref="ArgumentException">The length is not <see cref="Dimension"/>.</exception>
    protected void CheckLength(int length, string name)
    {
        if (length != Dimension)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"A parameter vector has {length} entries but the prior has {Dimension} ({string.Join(", ", Names)})."), name);
        }
    }

    private sealed class IndependentPrior(JointPrior prior) : ParameterPrior(prior.Names)
    {
        public override void Sample(ref RandomStream stream, Span<double> destination) => prior.Sample(ref stream, destination);

        public override double LogDensity(ReadOnlySpan<double> theta) => prior.LogDensity(theta);

        public override bool InSupport(ReadOnlySpan<double> theta) => prior.InSupport(theta);

        public override double Lower(int index) => prior.Distributions[index].Lower;

        public override double Upper(int index) => prior.Distributions[index].Upper;

        public override double Mean(int index) => prior.Distributions[index].Mean;

        public override double StandardDeviation(int index) => prior.Distributions[index].StandardDeviation;
    }

    private sealed class GaussianPrior : ParameterPrior
    {
        private readonly MultivariateNormal _distribution;
        private readonly double[,] _covariance;

        public GaussianPrior(IReadOnlyList<string> names, MultivariateNormal distribution)
            : base(names)
        {
            ArgumentNullException.ThrowIfNull(distribution);
            if (distribution.Dimension != names.Count)
            {
                throw new ArgumentException($"The normal prior has dimension {distribution.Dimension} but {names.Count} names were given.", nameof(names));
            }

            _distribution = distribution;
            _covariance = distribution.Covariance;
        }

        public override void Sample(ref RandomStream stream, Span<double> destination)
        {
            CheckLength(destination.Length, nameof(destination));
            _distribution.Sample(ref stream, destination);
        }

        public override double LogDensity(ReadOnlySpan<double> theta)
        {
            CheckLength(theta.Length, nameof(theta));
            return InSupport(theta) ? _distribution.LogDensity(theta) : double.NegativeInfinity;
        }

        public override bool InSupport(ReadOnlySpan<double> theta)
        {
            CheckLength(theta.Length, nameof(theta));
            foreach (var v in theta)
            {
                if (!double.IsFinite(v))
                {
                    return false;
                }
            }

            return true;
        }

        public override double Lower(int index) => double.NegativeInfinity;

        public override double Upper(int index) => double.PositiveInfinity;

        public override double Mean(int index) => _distribution.Mean[index];

        public override double StandardDeviation(int index) => Math.Sqrt(_covariance[index, index]);
    }
}
