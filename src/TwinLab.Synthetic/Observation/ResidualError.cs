using System.Globalization;
using TwinLab.Core.Randomness;

namespace TwinLab.Synthetic.Observation;

/// <summary>
/// A residual (measurement) error model: how an observation y scatters around the true value f, with ε standard normal.
/// <list type="bullet">
/// <item><description><see cref="Additive"/>: y = f + a·ε (constant variance a²).</description></item>
/// <item><description><see cref="Proportional"/>: y = f·(1 + b·ε) (variance b²f²).</description></item>
/// <item><description><see cref="Combined"/>: y = f + √(a² + b²f²)·ε (variance a² + b²f²).</description></item>
/// <item><description><see cref="LogNormal"/>: y = f·exp(σ·ε) (ln y − ln f ~ N(0, σ²)).</description></item>
/// </list>
/// </summary>
public abstract record ResidualError
{
    private protected ResidualError()
    {
    }

    /// <summary>No error: y = f.</summary>
    public static ResidualError None { get; } = new AdditiveError(0);

    /// <summary>y = f + a·ε.</summary>
    /// <param name="standardDeviation">a, 0 or more.</param>
    /// <returns>The error model.</returns>
    public static ResidualError Additive(double standardDeviation) => new AdditiveError(Check(standardDeviation, "additive standard deviation"));

    /// <summary>y = f·(1 + b·ε).</summary>
    /// <param name="coefficientOfVariation">b, 0 or more.</param>
    /// <returns>The error model.</returns>
    public static ResidualError Proportional(double coefficientOfVariation) => new ProportionalError(Check(coefficientOfVariation, "proportional coefficient of variation"));

    /// <summary>y = f + √(a² + b²f²)·ε.</summary>
    /// <param name="standardDeviation">a, 0 or more.</param>
    /// <param name="coefficientOfVariation">b, 0 or more.</param>
    /// <returns>The error model.</returns>
    public static ResidualError Combined(double standardDeviation, double coefficientOfVariation) =>
        new CombinedError(Check(standardDeviation, "additive standard deviation"), Check(coefficientOfVariation, "proportional coefficient of variation"));

    /// <summary>y = f·exp(σ·ε).</summary>
    /// <param name="sigma">σ, the standard deviation of ln y − ln f; 0 or more.</param>
    /// <returns>The error model.</returns>
    public static ResidualError LogNormal(double sigma) => new LogNormalError(Check(sigma, "log-scale standard deviation"));

    /// <summary>Draws an observation of <paramref name="trueValue"/>.</summary>
    /// <param name="trueValue">f.</param>
    /// <param name="stream">The stream (one standard normal is drawn).</param>
    /// <returns>y.</returns>
    public abstract double Observe(double trueValue, ref RandomStream stream);

    /// <summary>The standard deviation of y given f (of ln y for <see cref="LogNormal"/>).</summary>
    /// <param name="trueValue">f.</param>
    /// <returns>The standard deviation.</returns>
    public abstract double StandardDeviation(double trueValue);

    private static double Check(double value, string what) => value >= 0 && double.IsFinite(value)
        ? value
        : throw new ArgumentOutOfRangeException(nameof(value), value, string.Create(CultureInfo.InvariantCulture, $"The {what} must be finite and 0 or more; got {value}."));
}

/// <summary>y = f + a·ε.</summary>
/// <param name="StandardDeviationValue">a.</param>
public sealed record AdditiveError(double StandardDeviationValue) : ResidualError
{
    /// <inheritdoc />
    public override double Observe(double trueValue, ref RandomStream stream) => trueValue + (StandardDeviationValue * stream.NextNormal());

    /// <inheritdoc />
    public override double StandardDeviation(double trueValue) => StandardDeviationValue;

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"additive (sd {StandardDeviationValue})");
}

/// <summary>y = f·(1 + b·ε).</summary>
/// <param name="CoefficientOfVariation">b.</param>
public sealed record ProportionalError(double CoefficientOfVariation) : ResidualError
{
    /// <inheritdoc />
    public override double Observe(double trueValue, ref RandomStream stream) => trueValue * (1 + (CoefficientOfVariation * stream.NextNormal()));

    /// <inheritdoc />
    public override double StandardDeviation(double trueValue) => CoefficientOfVariation * Math.Abs(trueValue);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"proportional (CV {CoefficientOfVariation})");
}

/// <summary>y = f + √(a² + b²f²)·ε.</summary>
/// <param name="AdditiveStandardDeviation">a.</param>
/// <param name="CoefficientOfVariation">b.</param>
public sealed record CombinedError(double AdditiveStandardDeviation, double CoefficientOfVariation) : ResidualError
{
    /// <inheritdoc />
    public override double Observe(double trueValue, ref RandomStream stream) => trueValue + (StandardDeviation(trueValue) * stream.NextNormal());

    /// <inheritdoc />
    public override double StandardDeviation(double trueValue) =>
        Math.Sqrt((AdditiveStandardDeviation * AdditiveStandardDeviation) + (CoefficientOfVariation * CoefficientOfVariation * trueValue * trueValue));

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"combined (sd {AdditiveStandardDeviation}, CV {CoefficientOfVariation})");
}

/// <summary>y = f·exp(σ·ε).</summary>
/// <param name="Sigma">σ.</param>
public sealed record LogNormalError(double Sigma) : ResidualError
{
    /// <inheritdoc />
    public override double Observe(double trueValue, ref RandomStream stream) => trueValue * Math.Exp(Sigma * stream.NextNormal());

    /// <inheritdoc />
    public override double StandardDeviation(double trueValue) => Sigma;

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"log-normal (sigma {Sigma})");
}
