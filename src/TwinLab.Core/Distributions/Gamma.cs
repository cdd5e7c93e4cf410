using MathNet.Numerics;
using TwinLab.Core.Randomness;

namespace TwinLab.Core.Distributions;

/// <summary>
/// The gamma distribution with shape k and rate λ, density f(x) = λᵏ x^(k−1) e^(−λx) / Γ(k) for x ≥ 0.
/// Canonical parameters: <c>shape</c>, <c>rate</c> (rate = 1/scale).
/// </summary>
public sealed class Gamma : Distribution
{
    internal static readonly string[] ParameterNames = ["shape", "rate"];

    private readonly double _shape;
    private readonly double _rate;
    private readonly double _logRate;
    private readonly double _logGammaShape;
    private readonly GammaSampler _sampler;
    private readonly IReadOnlyList<KeyValuePair<string, double>> _parameters;

    /// <summary>Creates Gamma(<paramref name="shape"/>, <paramref name="rate"/>).</summary>
    /// <param name="shape">The shape k; positive and finite.</param>
    /// <param name="rate">The rate λ = 1/scale; positive and finite.</param>
    /// <exception cref="ArgumentException">A parameter is not positive and finite.</exception>
    public Gamma(double shape, double rate)
    {
        ParameterCheck.Positive(shape, "Gamma", "shape", nameof(shape), "The shape k is positive (k = mean²/variance).");
        ParameterCheck.Positive(rate, "Gamma", "rate", nameof(rate), "The rate λ is positive (λ = mean/variance = 1/scale).");
        _shape = shape;
        _rate = rate;
        _logRate = Math.Log(rate);
        _logGammaShape = SpecialFunctions.GammaLn(shape);
        _sampler = new GammaSampler(shape);
        _parameters = MakeParameters(ParameterNames, shape, rate);
    }

    /// <summary>The shape k.</summary>
    public double Shape => _shape;

    /// <summary>The rate λ.</summary>
    public double Rate => _rate;

    /// <summary>The scale 1/λ.</summary>
    public double Scale => 1.0 / _rate;

    /// <inheritdoc/>
    public override string Kind => "Gamma";

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, double>> Parameters => _parameters;

    /// <inheritdoc/>
    public override double Lower => 0.0;

    /// <inheritdoc/>
    public override double Upper => double.PositiveInfinity;

    /// <inheritdoc/>
    public override double Mean => _shape / _rate;

    /// <inheritdoc/>
    public override double Variance => _shape / (_rate * _rate);

    /// <inheritdoc/>
    /// <remarks>At x = 0 the log-density is +∞ for shape &lt; 1, ln λ for shape = 1 and −∞ for shape &gt; 1.</remarks>
    public override double LogDensity(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        if (x < 0.0 || double.IsPositiveInfinity(x))
        {
            return double.NegativeInfinity;
        }

        double y = _rate * x;
        if (double.IsPositiveInfinity(y))
        {
            return double.NegativeInfinity;
        }

        return SpecialMath.XLogY(_shape - 1.0, y) - y - _logGammaShape + _logRate;
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

        return double.IsPositiveInfinity(x) ? 1.0 : SpecialMath.GammaLowerRegularized(_shape, _rate * x);
    }

    /// <inheritdoc/>
    public override double Sample(ref RandomStream stream) => _sampler.Sample(ref stream) / _rate;

    /// <inheritdoc/>
    protected override double QuantileCore(double p)
    {
        // Solve on the standardised scale y = λx. MathNet's inverse is the starting point; Newton polishing on
        // P(k, y) (p ≤ ½) or on −Q(k, y) = −(1 − p) (p > ½) keeps full precision in both tails.
        double start = SpecialFunctions.GammaLowerRegularizedInv(_shape, p);
        if (!(start > 0.0) || double.IsInfinity(start))
        {
            start = _shape;
        }

        double y = p <= 0.5
            ? SpecialMath.SolveIncreasing(
                t => SpecialMath.GammaLowerRegularized(_shape, t), StandardDensity, p, start, 0.0, double.PositiveInfinity)
            : SpecialMath.SolveIncreasing(
                t => -SpecialMath.GammaUpperRegularized(_shape, t), StandardDensity, -(1.0 - p), start, 0.0, double.PositiveInfinity);
        return y / _rate;
    }

    private double StandardDensity(double y) => Math.Exp(SpecialMath.XLogY(_shape - 1.0, y) - y - _logGammaShape);
}
