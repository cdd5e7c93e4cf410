using MathNet.Numerics;
using TwinLab.Core.Randomness;

namespace TwinLab.Core.Distributions;

/// <summary>
/// The beta distribution on [0, 1], density f(x) = x^(α−1) (1 − x)^(β−1) / B(α, β).
/// Canonical parameters: <c>alpha</c>, <c>beta</c>.
/// </summary>
public sealed class Beta : Distribution
{
    internal static readonly string[] ParameterNames = ["alpha", "beta"];

    private readonly double _alpha;
    private readonly double _beta;
    private readonly double _logBeta;
    private readonly GammaSampler _samplerAlpha;
    private readonly GammaSampler _samplerBeta;
    private readonly IReadOnlyList<KeyValuePair<string, double>> _parameters;

    /// <summary>Creates Beta(<paramref name="alpha"/>, <paramref name="beta"/>).</summary>
    /// <param name="alpha">The first shape α; positive and finite.</param>
    /// <param name="beta">The second shape β; positive and finite.</param>
    /// <exception cref="ArgumentException">A parameter is not positive and finite.</exception>
    public Beta(double alpha, double beta)
    {
        ParameterCheck.Positive(alpha, "Beta", "alpha", nameof(alpha), "α is positive (α = mean·ν and β = (1 − mean)·ν for a concentration ν).");
        ParameterCheck.Positive(beta, "Beta", "beta", nameof(beta), "β is positive (α = mean·ν and β = (1 − mean)·ν for a concentration ν).");
        _alpha = alpha;
        _beta = beta;
        _logBeta = SpecialFunctions.BetaLn(alpha, beta);
        _samplerAlpha = new GammaSampler(alpha);
        _samplerBeta = new GammaSampler(beta);
        _parameters = MakeParameters(ParameterNames, alpha, beta);
    }

    /// <summary>The first shape parameter α.</summary>
    public double ShapeAlpha => _alpha;

    /// <summary>The second shape parameter β.</summary>
    public double ShapeBeta => _beta;

    /// <inheritdoc/>
    public override string Kind => "Beta";

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, double>> Parameters => _parameters;

    /// <inheritdoc/>
    public override double Lower => 0.0;

    /// <inheritdoc/>
    public override double Upper => 1.0;

    /// <inheritdoc/>
    public override double Mean => _alpha / (_alpha + _beta);

    /// <inheritdoc/>
    public override double Variance
    {
        get
        {
            double sum = _alpha + _beta;
            return _alpha * _beta / (sum * sum * (sum + 1.0));
        }
    }

    /// <inheritdoc/>
    /// <remarks>At x = 0 (x = 1) the log-density is +∞, −ln B(α, β) or −∞ as α (β) is below, equal to or above 1.</remarks>
    public override double LogDensity(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        if (!(x >= 0.0 && x <= 1.0))
        {
            return double.NegativeInfinity;
        }

        return SpecialMath.XLogY(_alpha - 1.0, x) + SpecialMath.XLog1PY(_beta - 1.0, -x) - _logBeta;
    }

    /// <inheritdoc/>
    public override double CumulativeDistribution(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        if (x <= 0.0)
        {
            return 0.0;
        }

        return x >= 1.0 ? 1.0 : SpecialFunctions.BetaRegularized(_alpha, _beta, x);
    }

    /// <summary>Draws X = G₁/(G₁ + G₂) with G₁ ~ Gamma(α, 1), G₂ ~ Gamma(β, 1), in log space when a shape is below 1.</summary>
    /// <param name="stream">The random stream.</param>
    /// <returns>The draw.</returns>
    public override double Sample(ref RandomStream stream)
    {
        if (_alpha >= 1.0 && _beta >= 1.0)
        {
            double first = _samplerAlpha.Sample(ref stream);
            double second = _samplerBeta.Sample(ref stream);
            return first / (first + second);
        }

        double logFirst = _samplerAlpha.SampleLog(ref stream);
        double logSecond = _samplerBeta.SampleLog(ref stream);
        double difference = logSecond - logFirst; // X = 1 / (1 + e^difference)
        if (difference >= 0.0)
        {
            double e = Math.Exp(-difference);
            return e / (1.0 + e);
        }

        return 1.0 / (1.0 + Math.Exp(difference));
    }

    /// <inheritdoc/>
    protected override double QuantileCore(double p) =>
        p <= 0.5 ? LowerQuantile(_alpha, _beta, _logBeta, p) : 1.0 - LowerQuantile(_beta, _alpha, _logBeta, 1.0 - p);

    /// <summary>Solves I_x(a, b) = p for p ≤ ½ by bracketed Newton steps.</summary>
    private static double LowerQuantile(double a, double b, double logBeta, double p)
    {
        // For small x, I_x(a, b) ≈ x^a / (a B(a, b)): a good start in the lower tail, capped at the mean.
        double start = Math.Min(Math.Exp((Math.Log(p * a) + logBeta) / a), a / (a + b));
        if (!(start > 0.0 && start < 1.0))
        {
            start = a / (a + b);
        }

        return SpecialMath.SolveIncreasing(
            x => SpecialFunctions.BetaRegularized(a, b, x),
            x => Math.Exp(SpecialMath.XLogY(a - 1.0, x) + SpecialMath.XLog1PY(b - 1.0, -x) - logBeta),
            p,
            start,
            0.0,
            1.0);
    }
}
