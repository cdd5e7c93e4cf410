using TwinLab.Core.Randomness;

namespace TwinLab.Core.Distributions;

/// <summary>
/// The log-uniform (reciprocal) distribution on [lower, upper], 0 &lt; lower: ln X is uniform on [ln lower, ln upper],
/// with density f(x) = 1/(x ln(upper/lower)). Canonical parameters: <c>lower</c>, <c>upper</c>.
/// </summary>
public sealed class LogUniform : Distribution
{
    internal static readonly string[] ParameterNames = ["lower", "upper"];

    private readonly double _lower;
    private readonly double _upper;
    private readonly double _logLower;
    private readonly double _logRange;
    private readonly double _logLogRange;
    private readonly IReadOnlyList<KeyValuePair<string, double>> _parameters;

    /// <summary>Creates the log-uniform distribution on [<paramref name="lower"/>, <paramref name="upper"/>].</summary>
    /// <param name="lower">The lower bound; positive and finite.</param>
    /// <param name="upper">The upper bound; finite and greater than <paramref name="lower"/>.</param>
    /// <exception cref="ArgumentException">A bound is not positive and finite, or the bounds are not ordered.</exception>
    public LogUniform(double lower, double upper)
    {
        ParameterCheck.Positive(lower, "LogUniform", "lower", nameof(lower), "A log-uniform distribution lives on positive values; use Uniform for an interval that includes 0.");
        ParameterCheck.Positive(upper, "LogUniform", "upper", nameof(upper), "A log-uniform distribution lives on positive values.");
        ParameterCheck.Ordered(lower, upper, "LogUniform", nameof(upper));
        _lower = lower;
        _upper = upper;
        _logLower = Math.Log(lower);
        _logRange = Math.Log(upper / lower);
        _logLogRange = Math.Log(_logRange);
        _parameters = MakeParameters(ParameterNames, lower, upper);
    }

    /// <inheritdoc/>
    public override string Kind => "LogUniform";

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, double>> Parameters => _parameters;

    /// <inheritdoc/>
    public override double Lower => _lower;

    /// <inheritdoc/>
    public override double Upper => _upper;

    /// <inheritdoc/>
    public override double Mean => (_upper - _lower) / _logRange;

    /// <inheritdoc/>
    public override double Variance
    {
        get
        {
            double mean = Mean;
            return (((_upper - _lower) * (_upper + _lower)) / (2.0 * _logRange)) - (mean * mean);
        }
    }

    /// <inheritdoc/>
    public override double LogDensity(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        return x >= _lower && x <= _upper ? -Math.Log(x) - _logLogRange : double.NegativeInfinity;
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

        return x >= _upper ? 1.0 : Math.Log(x / _lower) / _logRange;
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

    private double Map(double p) => Math.Clamp(Math.Exp(_logLower + (p * _logRange)), _lower, _upper);
}
