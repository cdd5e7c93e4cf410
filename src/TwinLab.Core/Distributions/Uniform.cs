using TwinLab.Core.Randomness;

namespace TwinLab.Core.Distributions;

/// <summary>
/// The continuous uniform distribution on [lower, upper], with density 1/(upper − lower).
/// Canonical parameters: <c>lower</c>, <c>upper</c>.
/// </summary>
public sealed class Uniform : Distribution
{
    internal static readonly string[] ParameterNames = ["lower", "upper"];

    private readonly double _lower;
    private readonly double _upper;
    private readonly double _width;
    private readonly double _logDensity;
    private readonly IReadOnlyList<KeyValuePair<string, double>> _parameters;

    /// <summary>Creates the uniform distribution on [<paramref name="lower"/>, <paramref name="upper"/>].</summary>
    /// <param name="lower">The lower bound; finite.</param>
    /// <param name="upper">The upper bound; finite and greater than <paramref name="lower"/>.</param>
    /// <exception cref="ArgumentException">A bound is not finite, the bounds are not ordered, or the width overflows.</exception>
    public Uniform(double lower, double upper)
    {
        ParameterCheck.Finite(lower, "Uniform", "lower", nameof(lower));
        ParameterCheck.Finite(upper, "Uniform", "upper", nameof(upper));
        ParameterCheck.Ordered(lower, upper, "Uniform", nameof(upper));
        _width = upper - lower;
        if (double.IsPositiveInfinity(_width))
        {
            throw new ArgumentException(
                $"Uniform: the width upper − lower = {ParameterCheck.Format(upper)} − {ParameterCheck.Format(lower)} overflows a double. Rescale the parameter.",
                nameof(upper));
        }

        _lower = lower;
        _upper = upper;
        _logDensity = -Math.Log(_width);
        _parameters = MakeParameters(ParameterNames, lower, upper);
    }

    /// <inheritdoc/>
    public override string Kind => "Uniform";

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, double>> Parameters => _parameters;

    /// <inheritdoc/>
    public override double Lower => _lower;

    /// <inheritdoc/>
    public override double Upper => _upper;

    /// <inheritdoc/>
    public override double Mean => _lower + (0.5 * _width);

    /// <inheritdoc/>
    public override double Variance => _width * _width / 12.0;

    /// <inheritdoc/>
    public override double LogDensity(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        return x >= _lower && x <= _upper ? _logDensity : double.NegativeInfinity;
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

        return x >= _upper ? 1.0 : (x - _lower) / _width;
    }

    /// <inheritdoc/>
    public override double Sample(ref RandomStream stream) => Map(stream.NextDouble());

    /// <inheritdoc/>
    public override void Sample(ref RandomStream stream, Span<double> destination)
    {
        stream.Fill(destination);
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = Map(destination[i]);
        }
    }

    /// <inheritdoc/>
    protected override double QuantileCore(double p) => Map(p);

    private double Map(double p) => Math.Min(_lower + (p * _width), _upper);
}
