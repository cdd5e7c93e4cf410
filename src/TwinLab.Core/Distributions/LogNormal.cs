using System.Globalization;
using MathNet.Numerics;
using TwinLab.Core.Randomness;

namespace TwinLab.Core.Distributions;

/// <summary>
/// The log-normal distribution: ln X ~ N(mu, sigma²), with density
/// f(x) = exp(−(ln x − mu)²/(2 sigma²)) / (x sigma √(2π)) for x &gt; 0.
/// Canonical parameters: <c>mu</c> and <c>sigma</c>, the mean and standard deviation of ln X.
/// </summary>
/// <remarks>Use <see cref="FromMedian"/> (median = e^mu) or <see cref="FromMeanAndCv"/> for the natural-scale parameterisations.</remarks>
public sealed class LogNormal : Distribution
{
    internal static readonly string[] ParameterNames = ["mu", "sigma"];

    private readonly double _mu;
    private readonly double _sigma;
    private readonly double _logNormaliser;
    private readonly IReadOnlyList<KeyValuePair<string, double>> _parameters;

    /// <summary>Creates the log-normal distribution with ln X ~ N(<paramref name="mu"/>, <paramref name="sigma"/>²).</summary>
    /// <param name="mu">The mean of ln X; finite.</param>
    /// <param name="sigma">The standard deviation of ln X; positive and finite.</param>
    /// <exception cref="ArgumentException">A parameter is not finite, or <paramref name="sigma"/> is not positive.</exception>
    public LogNormal(double mu, double sigma)
    {
        ParameterCheck.Finite(mu, "LogNormal", "mu", nameof(mu));
        ParameterCheck.Positive(sigma, "LogNormal", "sigma", nameof(sigma), "Give the standard deviation of ln X (e.g. 0.3 for about ±30 %) as a positive number.");
        _mu = mu;
        _sigma = sigma;
        _logNormaliser = Math.Log(sigma) + StandardNormal.LogSqrtTwoPi;
        _parameters = MakeParameters(ParameterNames, mu, sigma);
    }

    /// <summary>The mean of ln X.</summary>
    public double Mu => _mu;

    /// <summary>The standard deviation of ln X.</summary>
    public double Sigma => _sigma;

    /// <summary>The median, e^mu.</summary>
    public double Median => Math.Exp(_mu);

    /// <inheritdoc/>
    public override string Kind => "LogNormal";

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, double>> Parameters => _parameters;

    /// <inheritdoc/>
    public override double Lower => 0.0;

    /// <inheritdoc/>
    public override double Upper => double.PositiveInfinity;

    /// <inheritdoc/>
    public override double Mean => Math.Exp(_mu + (0.5 * _sigma * _sigma));

    /// <inheritdoc/>
    public override double Variance =>
        SpecialMath.ExpM1(_sigma * _sigma) * Math.Exp((2.0 * _mu) + (_sigma * _sigma));

    /// <summary>The log-normal distribution with the given median and log-scale standard deviation: mu = ln(median).</summary>
    /// <param name="median">The median; positive and finite.</param>
    /// <param name="sigma">The standard deviation of ln X; positive and finite.</param>
    /// <returns>The distribution.</returns>
    /// <exception cref="ArgumentException">A parameter is not positive and finite.</exception>
    public static LogNormal FromMedian(double median, double sigma)
    {
        ParameterCheck.Positive(median, "LogNormal", "median", nameof(median), "The median of a log-normal quantity is positive.");
        return new LogNormal(Math.Log(median), sigma);
    }

    /// <summary>
    /// The log-normal distribution with the given mean and coefficient of variation (sd/mean):
    /// sigma² = ln(1 + cv²), mu = ln(mean) − sigma²/2.
    /// </summary>
    /// <param name="mean">The mean on the natural scale; positive and finite.</param>
    /// <param name="cv">The coefficient of variation; positive and finite (0.2 for 20 %).</param>
    /// <returns>The distribution.</returns>
    /// <exception cref="ArgumentException">A parameter is not positive and finite.</exception>
    public static LogNormal FromMeanAndCv(double mean, double cv)
    {
        ParameterCheck.Positive(mean, "LogNormal", "mean", nameof(mean), "The mean of a log-normal quantity is positive.");
        ParameterCheck.Positive(cv, "LogNormal", "cv", nameof(cv), "Give the coefficient of variation as a fraction, e.g. 0.2 for 20 %.");
        double variance = SpecialFunctions.Log1p(cv * cv);
        return new LogNormal(Math.Log(mean) - (0.5 * variance), Math.Sqrt(variance));
    }

    /// <inheritdoc/>
    public override bool InSupport(double x) => x > 0.0 && !double.IsPositiveInfinity(x);

    /// <inheritdoc/>
    public override double LogDensity(double x)
    {
        if (!(x > 0.0))
        {
            return double.IsNaN(x) ? double.NaN : double.NegativeInfinity;
        }

        if (double.IsPositiveInfinity(x))
        {
            return double.NegativeInfinity;
        }

        double logX = Math.Log(x);
        double z = (logX - _mu) / _sigma;
        return (-0.5 * z * z) - logX - _logNormaliser;
    }

    /// <inheritdoc/>
    public override double CumulativeDistribution(double x)
    {
        if (!(x > 0.0))
        {
            return double.IsNaN(x) ? double.NaN : 0.0;
        }

        return StandardNormal.Cdf((Math.Log(x) - _mu) / _sigma);
    }

    /// <inheritdoc/>
    public override double Sample(ref RandomStream stream) => Math.Exp(_mu + (_sigma * stream.NextNormal()));

    /// <inheritdoc/>
    public override void Sample(ref RandomStream stream, Span<double> destination)
    {
        stream.FillNormal(destination);
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = Math.Exp(_mu + (_sigma * destination[i]));
        }
    }

    /// <summary>The median and log-scale standard deviation, e.g. <c>LogNormal(median=0.1, sigma=0.3)</c>.</summary>
    /// <returns>The description (the median printed to 15 significant digits; <see cref="Distribution.Parameters"/> holds the exact mu).</returns>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"LogNormal(median={Median:G15}, sigma={ParameterCheck.Format(_sigma)})");

    /// <inheritdoc/>
    protected override double QuantileCore(double p) => Math.Exp(_mu + (_sigma * StandardNormal.Quantile(p)));
}
