namespace TwinLab.Core.Distributions;

/// <summary>Friendly factories for prior distributions of model parameters.</summary>
/// <example><c>m.Parameter("r", 0.1, prior: Prior.LogNormal(median: 0.1, sigma: 0.3))</c></example>
public static class Prior
{
    /// <summary>A normal prior, N(<paramref name="mean"/>, <paramref name="sd"/>²).</summary>
    /// <param name="mean">The mean.</param>
    /// <param name="sd">The standard deviation.</param>
    /// <returns>A <see cref="Distributions.Normal"/>.</returns>
    public static Distribution Normal(double mean, double sd) => new Normal(mean, sd);

    /// <summary>A log-normal prior given by its median and the standard deviation of its logarithm.</summary>
    /// <param name="median">The median (e^mu); positive.</param>
    /// <param name="sigma">The standard deviation of ln X (0.3 ≈ a 30 % spread).</param>
    /// <returns>A <see cref="Distributions.LogNormal"/>.</returns>
    public static Distribution LogNormal(double median, double sigma) => Distributions.LogNormal.FromMedian(median, sigma);

    /// <summary>A log-normal prior given by its mean and coefficient of variation on the natural scale.</summary>
    /// <param name="mean">The mean; positive.</param>
    /// <param name="cv">The coefficient of variation, sd/mean (0.2 for 20 %).</param>
    /// <returns>A <see cref="Distributions.LogNormal"/>.</returns>
    public static Distribution LogNormalMeanCv(double mean, double cv) => Distributions.LogNormal.FromMeanAndCv(mean, cv);

    /// <summary>A uniform prior on [<paramref name="lower"/>, <paramref name="upper"/>].</summary>
    /// <param name="lower">The lower bound.</param>
    /// <param name="upper">The upper bound.</param>
    /// <returns>A <see cref="Distributions.Uniform"/>.</returns>
    public static Distribution Uniform(double lower, double upper) => new Uniform(lower, upper);

    /// <summary>A log-uniform prior on [<paramref name="lower"/>, <paramref name="upper"/>], 0 &lt; lower: uniform over orders of magnitude.</summary>
    /// <param name="lower">The lower bound; positive.</param>
    /// <param name="upper">The upper bound.</param>
    /// <returns>A <see cref="Distributions.LogUniform"/>.</returns>
    public static Distribution LogUniform(double lower, double upper) => new LogUniform(lower, upper);

    /// <summary>A normal prior N(<paramref name="mean"/>, <paramref name="sd"/>²) truncated to [<paramref name="lower"/>, <paramref name="upper"/>].</summary>
    /// <param name="mean">The parent normal's mean.</param>
    /// <param name="sd">The parent normal's standard deviation.</param>
    /// <param name="lower">The lower bound (may be −∞).</param>
    /// <param name="upper">The upper bound (may be +∞).</param>
    /// <returns>A <see cref="Distributions.TruncatedNormal"/>.</returns>
    public static Distribution TruncatedNormal(double mean, double sd, double lower, double upper) => new TruncatedNormal(mean, sd, lower, upper);

    /// <summary>A beta prior on [0, 1].</summary>
    /// <param name="a">The first shape α.</param>
    /// <param name="b">The second shape β.</param>
    /// <returns>A <see cref="Distributions.Beta"/>.</returns>
    public static Distribution Beta(double a, double b) => new Beta(a, b);

    /// <summary>A gamma prior with the given shape and rate.</summary>
    /// <param name="shape">The shape k.</param>
    /// <param name="rate">The rate λ (1/scale).</param>
    /// <returns>A <see cref="Distributions.Gamma"/>.</returns>
    public static Distribution Gamma(double shape, double rate) => new Gamma(shape, rate);
}
