using System.Globalization;

namespace TwinLab.Twins;

/// <summary>One measurement of one state or observable of the model at one time.</summary>
/// <param name="Time">When it was taken (model time units). A measurement at a dose time is taken before that dose.</param>
/// <param name="Name">The state or observable measured.</param>
/// <param name="Value">The measured value.</param>
public sealed record Observation(double Time, string Name, double Value)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}({Time:G6}) = {Value:G6}");
}

/// <summary>Whether measurement error is added on the natural scale or on the logarithm (multiplicative error).</summary>
public enum NoiseScale
{
    /// <summary>y = f + ε, ε ~ N(0, σ²).</summary>
    Natural,

    /// <summary>log y = log f + ε, ε ~ N(0, σ²) (a log-normal, multiplicative error; σ ≈ the coefficient of variation).</summary>
    Logarithmic,
}

/// <summary>A Gaussian measurement-error model for one measured quantity: <c>y = f + ε</c> or <c>log y = log f + ε</c>
/// with ε ~ N(0, σ²). Both filters use it: the particle filter through <see cref="LogLikelihood"/>, the ensemble Kalman
/// filter on the transformed scale where it is exactly Gaussian.</summary>
public sealed record GaussianNoise
{
    /// <summary>Creates a noise model.</summary>
    /// <param name="standardDeviation">σ, positive (on the log scale for <see cref="NoiseScale.Logarithmic"/>).</param>
    /// <param name="scale">The scale on which the error is added.</param>
    /// <exception cref="ArgumentException">σ not positive and finite.</exception>
    public GaussianNoise(double standardDeviation, NoiseScale scale = NoiseScale.Natural)
    {
        if (!double.IsFinite(standardDeviation) || standardDeviation <= 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The measurement standard deviation is {standardDeviation}; give a positive finite number."), nameof(standardDeviation));
        }
        StandardDeviation = standardDeviation;
        Scale = scale;
    }

    /// <summary>σ.</summary>
    public double StandardDeviation { get; }

    /// <summary>The scale of the error.</summary>
    public NoiseScale Scale { get; }

    /// <summary>The quantity on the scale where the error is Gaussian (identity or logarithm).</summary>
    /// <param name="value">A model value or a measurement.</param>
    public double Transform(double value) => Scale == NoiseScale.Natural ? value : Math.Log(value);

    /// <summary>The inverse of <see cref="Transform"/>.</summary>
    /// <param name="value">A transformed value.</param>
    public double InverseTransform(double value) => Scale == NoiseScale.Natural ? value : Math.Exp(value);

    /// <summary>log p(y | f): the Gaussian log density of the transformed measurement (without the Jacobian of the
    /// logarithm, a constant in f, so likelihoods of different parameters compare; the marginal likelihood of a
    /// log-scale error then refers to log y).</summary>
    /// <param name="measurement">y.</param>
    /// <param name="predicted">f.</param>
    public double LogLikelihood(double measurement, double predicted)
    {
        if (Scale == NoiseScale.Logarithmic && !(predicted > 0))
        {
            return double.NegativeInfinity;
        }
        var z = (Transform(measurement) - Transform(predicted)) / StandardDeviation;
        return (-0.5 * z * z) - Math.Log(StandardDeviation) - (0.5 * Math.Log(2 * Math.PI));
    }
}
