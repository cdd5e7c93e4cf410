using TwinLab.Core.Randomness;

namespace TwinLab.Core.Distributions;

/// <summary>
/// The normal distribution N(mean, sd²), with density
/// f(x) = exp(−(x − mean)²/(2 sd²)) / (sd √(2π)). Canonical parameters: <c>mean</c>, <c>sd</c>.
/// </summary>
public sealed class Normal : Distribution
{
    internal static readonly string[] ParameterNames = ["mean", "sd"];

    private readonly double _mean;
    private readonly double _sd;
    private readonly double _logNormaliser;
    private readonly IReadOnlyList<KeyValuePair<string, double>> _parameters;

    /// <summary>Creates N(<paramref name="mean"/>, <paramref name="sd"/>²).</summary>
    /// <param name="mean">The mean; finite.</param>
    /// <param name="sd">The standard deviation (not the variance); positive and finite.</param>
    /// <exception cref="ArgumentException">A parameter is not finite, or <paramref name="sd"/> is not positive.</exception>
    public Normal(double mean, double sd)
    {
        ParameterCheck.Finite(mean, "Normal", "mean", nameof(mean));
        ParameterCheck.Positive(sd, "Normal", "sd", nameof(sd), "Give the standard deviation (not the variance) as a positive number.");
        _mean = mean;
        _sd = sd;
        _logNormaliser = Math.Log(sd) + StandardNormal.LogSqrtTwoPi;
        _parameters = MakeParameters(ParameterNames, mean, sd);
    }

    /// <inheritdoc/>
    public override string Kind => "Normal";

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, double>> Parameters => _parameters;

    /// <inheritdoc/>
    public override double Lower => double.NegativeInfinity;

    /// <inheritdoc/>
    public override double Upper => double.PositiveInfinity;

    /// <inheritdoc/>
    public override double Mean => _mean;

    /// <inheritdoc/>
    public override double Variance => _sd * _sd;

    /// <inheritdoc/>
    public override double StandardDeviation => _sd;

    /// <inheritdoc/>
    public override double LogDensity(double x)
    {
        double z = (x - _mean) / _sd;
        return (-0.5 * z * z) - _logNormaliser;
    }

    /// <inheritdoc/>
    public override double CumulativeDistribution(double x) => StandardNormal.Cdf((x - _mean) / _sd);

    /// <inheritdoc/>
    public override double Sample(ref RandomStream stream) => _mean + (_sd * stream.NextNormal());

    /// <inheritdoc/>
    public override void Sample(ref RandomStream stream, Span<double> destination)
    {
        stream.FillNormal(destination);
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = _mean + (_sd * destination[i]);
        }
    }

    /// <inheritdoc/>
    protected override double QuantileCore(double p) => _mean + (_sd * StandardNormal.Quantile(p));
}
