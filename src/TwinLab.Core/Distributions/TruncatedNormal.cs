using TwinLab.Core.Randomness;

namespace TwinLab.Core.Distributions;

/// <summary>
/// The normal distribution N(mean, sd²) truncated to [lower, upper], with density
/// f(x) = φ((x − mean)/sd) / (sd Z) on the interval, where Z = Φ(β) − Φ(α), α = (lower − mean)/sd and
/// β = (upper − mean)/sd. Canonical parameters: <c>mean</c>, <c>sd</c>, <c>lower</c>, <c>upper</c>
/// (<c>mean</c> and <c>sd</c> are those of the parent normal, not the moments of the truncated one).
/// </summary>
/// <remarks>
/// Z and the distribution function are evaluated in log space from the tail that keeps precision, so intervals
/// far in a tail, such as [8, ∞) for a standard normal (Z ≈ 6e−16) or [40, 41] (Z ≈ 1e−350, below the
/// range of doubles), keep full relative precision. Sampling is by inversion of that log-space distribution function,
/// one uniform per draw.
/// </remarks>
public sealed class TruncatedNormal : Distribution
{
    internal static readonly string[] ParameterNames = ["mean", "sd", "lower", "upper"];

    private const double Ln2 = 0.69314718055994530941723212145818;

    private readonly double _mean;
    private readonly double _sd;
    private readonly double _lower;
    private readonly double _upper;
    private readonly double _alpha;
    private readonly double _beta;
    private readonly double _logMass;
    private readonly double _logCdfAlpha;
    private readonly double _logUpperTailBeta;
    private readonly double _logNormaliser;
    private readonly double _standardMean;
    private readonly double _standardVariance;
    private readonly IReadOnlyList<KeyValuePair<string, double>> _parameters;

    /// <summary>Creates N(<paramref name="mean"/>, <paramref name="sd"/>²) truncated to [<paramref name="lower"/>, <paramref name="upper"/>].</summary>
    /// <param name="mean">The parent normal's mean; finite.</param>
    /// <param name="sd">The parent normal's standard deviation; positive and finite.</param>
    /// <param name="lower">The lower bound; may be <see cref="double.NegativeInfinity"/>.</param>
    /// <param name="upper">The upper bound; greater than <paramref name="lower"/>; may be <see cref="double.PositiveInfinity"/>.</param>
    /// <exception cref="ArgumentException">A parameter is invalid, or the interval has no representable probability under the parent normal.</exception>
    public TruncatedNormal(double mean, double sd, double lower, double upper)
    {
        const string Name = "TruncatedNormal";
        ParameterCheck.Finite(mean, Name, "mean", nameof(mean));
        ParameterCheck.Positive(sd, Name, "sd", nameof(sd), "Give the parent normal's standard deviation (not the variance) as a positive number.");
        ParameterCheck.NotNaN(lower, Name, "lower", nameof(lower));
        ParameterCheck.NotNaN(upper, Name, "upper", nameof(upper));
        ParameterCheck.Ordered(lower, upper, Name, nameof(upper));
        _mean = mean;
        _sd = sd;
        _lower = lower;
        _upper = upper;
        _alpha = (lower - mean) / sd;
        _beta = (upper - mean) / sd;
        _logMass = StandardNormal.LogMass(_alpha, _beta);
        if (!double.IsFinite(_logMass))
        {
            throw new ArgumentException(
                $"{Name}: the interval [{ParameterCheck.Format(lower)}, {ParameterCheck.Format(upper)}] lies {ParameterCheck.Format(Math.Min(Math.Abs(_alpha), Math.Abs(_beta)))} standard deviations from the mean, "
                + "too far for its probability to be represented (or it is too narrow). Move the mean or the bounds closer together, or widen sd.",
                nameof(lower));
        }

        _logCdfAlpha = StandardNormal.LogCdf(_alpha);
        _logUpperTailBeta = StandardNormal.LogUpperTail(_beta);
        _logNormaliser = Math.Log(sd) + _logMass;
        (_standardMean, _standardVariance) = TruncatedNormalMoments.Compute(_alpha, _beta, _logMass);
        _parameters = MakeParameters(ParameterNames, mean, sd, lower, upper);
    }

    /// <summary>The parent normal's mean (the location before truncation).</summary>
    public double Location => _mean;

    /// <summary>The parent normal's standard deviation (the scale before truncation).</summary>
    public double Scale => _sd;

    /// <summary>ln Z, the log-probability of [lower, upper] under the parent normal.</summary>
    public double LogNormalisingMass => _logMass;

    /// <inheritdoc/>
    public override string Kind => "TruncatedNormal";

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, double>> Parameters => _parameters;

    /// <inheritdoc/>
    public override double Lower => _lower;

    /// <inheritdoc/>
    public override double Upper => _upper;

    /// <summary>The mean of the truncated distribution (see <see cref="Variance"/> for how it is computed).</summary>
    public override double Mean => _mean + (_sd * _standardMean);

    /// <summary>The variance of the truncated distribution.</summary>
    /// <remarks>
    /// For the standardised interval [α, β] the textbook forms mean = (φ(α) − φ(β))/Z and
    /// variance = 1 + (α φ(α) − β φ(β))/Z − mean² cancel catastrophically far in a tail or on a narrow interval, so
    /// they are used only for wide intervals near the centre; far in a tail the moments come from Laplace's continued
    /// fraction for Mills' ratio, and on narrow intervals from 32-point Gauss–Legendre quadrature about the
    /// interval's midpoint (see <c>docs/methods/random-and-distributions.md</c>).
    /// </remarks>
    public override double Variance => _sd * _sd * _standardVariance;

    /// <inheritdoc/>
    public override double LogDensity(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        if (!(x >= _lower && x <= _upper) || double.IsInfinity(x))
        {
            return double.NegativeInfinity;
        }

        return StandardNormal.LogDensity((x - _mean) / _sd) - _logNormaliser;
    }

    /// <inheritdoc/>
    public override double CumulativeDistribution(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        if (x <= _lower)
        {
            return 0.0;
        }

        if (x >= _upper)
        {
            return 1.0;
        }

        return Math.Min(1.0, Math.Exp(StandardNormal.LogMass(_alpha, (x - _mean) / _sd) - _logMass));
    }

    /// <inheritdoc/>
    public override double Sample(ref RandomStream stream) => QuantileCore(stream.NextDouble());

    /// <inheritdoc/>
    protected override double QuantileCore(double p)
    {
        // Φ(ξ) = Φ(α) + p Z, or equivalently Q(ξ) = Q(β) + (1 − p) Z; solve the one whose right side is ≤ ½.
        double logLeft = SpecialMath.LogAddExp(_logCdfAlpha, Math.Log(p) + _logMass);
        double standardised = logLeft < -Ln2
            ? -StandardNormal.InverseLogUpperTail(logLeft)
            : StandardNormal.InverseLogUpperTail(SpecialMath.LogAddExp(_logUpperTailBeta, MathNet.Numerics.SpecialFunctions.Log1p(-p) + _logMass));
        return Math.Clamp(_mean + (_sd * standardised), _lower, _upper);
    }
}
