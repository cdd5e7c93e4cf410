namespace TwinLab.Inference.Calibration;

/// <summary>
/// A residual error model for observations y of a prediction f: additive Gaussian (y = f + a ε), proportional
/// (y = f + b f ε), combined (sd √(a² + b² f²)) or log-normal (ln y = ln f + σ ε), ε ~ N(0, 1). Standardised residuals
/// feed least squares; <see cref="LogLikelihood"/> gives the exact log-density.
/// </summary>
public sealed record ResidualErrorModel
{
    private ResidualErrorModel(string kind, double additive, double proportional)
    {
        if (!(additive >= 0) || !(proportional >= 0) || !double.IsFinite(additive) || !double.IsFinite(proportional) || additive + proportional == 0)
        {
            throw new ArgumentException("Residual error parameters must be finite, non-negative and not both zero.", nameof(additive));
        }

        Kind = kind;
        Additive = additive;
        Proportional = proportional;
    }

    /// <summary><c>"gaussian"</c>, <c>"proportional"</c>, <c>"combined"</c> or <c>"log-normal"</c>.</summary>
    public string Kind { get; }

    /// <summary>The additive sd a (or σ of the log-normal model).</summary>
    public double Additive { get; }

    /// <summary>The proportional coefficient b.</summary>
    public double Proportional { get; }

    /// <summary>y = f + a ε.</summary>
    /// <param name="sd">a &gt; 0.</param>
    /// <returns>The model.</returns>
    public static ResidualErrorModel Gaussian(double sd) => new("gaussian", sd, 0);

    /// <summary>y = f + b f ε.</summary>
    /// <param name="coefficient">b &gt; 0.</param>
    /// <returns>The model.</returns>
    public static ResidualErrorModel ProportionalError(double coefficient) => new("proportional", 0, coefficient);

    /// <summary>y = f + √(a² + b² f²) ε.</summary>
    /// <param name="additive">a ≥ 0.</param>
    /// <param name="proportional">b ≥ 0.</param>
    /// <returns>The model.</returns>
    public static ResidualErrorModel Combined(double additive, double proportional) => new("combined", additive, proportional);

    /// <summary>ln y = ln f + σ ε (y, f &gt; 0).</summary>
    /// <param name="sigma">σ &gt; 0.</param>
    /// <returns>The model.</returns>
    public static ResidualErrorModel LogNormal(double sigma) => new("log-normal", sigma, 0);

    /// <summary>The standard deviation of y given f (of ln y for the log-normal model).</summary>
    /// <param name="prediction">f.</param>
    /// <returns>The sd.</returns>
    public double StandardDeviation(double prediction) => Kind switch
    {
        "gaussian" or "log-normal" => Additive,
        "proportional" => Proportional * Math.Abs(prediction),
        _ => Math.Sqrt((Additive * Additive) + (Proportional * Proportional * prediction * prediction)),
    };

    /// <summary>(y − f)/sd(f), or (ln y − ln f)/σ for the log-normal model; NaN when undefined (f or y ≤ 0 for log-normal).</summary>
    /// <param name="observed">y.</param>
    /// <param name="prediction">f.</param>
    /// <returns>The standardised residual.</returns>
    public double StandardisedResidual(double observed, double prediction)
    {
        if (Kind == "log-normal")
        {
            return observed > 0 && prediction > 0 ? (Math.Log(observed) - Math.Log(prediction)) / Additive : double.NaN;
        }

        return (observed - prediction) / StandardDeviation(prediction);
    }

    /// <summary>ln p(y | f).</summary>
    /// <param name="observed">y.</param>
    /// <param name="prediction">f.</param>
    /// <returns>The log-density (−∞ where y is impossible).</returns>
    public double LogLikelihood(double observed, double prediction)
    {
        var z = StandardisedResidual(observed, prediction);
        if (double.IsNaN(z))
        {
            return double.NegativeInfinity;
        }

        var sd = StandardDeviation(prediction);
        var log = (-0.5 * z * z) - Math.Log(sd) - (0.5 * Math.Log(2 * Math.PI));
        return Kind == "log-normal" ? log - Math.Log(observed) : log;
    }
}
