using System.Collections.ObjectModel;
using System.Text;
using TwinLab.Core.Randomness;

namespace TwinLab.Core.Distributions;

/// <summary>
/// A univariate continuous probability distribution: density, distribution function, quantiles, moments and a
/// reproducible sampler that draws from a <see cref="RandomStream"/>.
/// </summary>
/// <remarks>
/// A distribution is immutable and identified by its <see cref="Kind"/> and canonical <see cref="Parameters"/>;
/// <see cref="Create"/> rebuilds it exactly from them (for JSON serialisation and content hashes), and two
/// distributions are equal when both agree bitwise. Equations, algorithms and references are in
/// <c>docs/methods/random-and-distributions.md</c>.
/// </remarks>
public abstract class Distribution : IEquatable<Distribution>
{
    private static readonly ReadOnlyCollection<string> KnownKinds = Array.AsReadOnly(
        ["Normal", "LogNormal", "Uniform", "LogUniform", "TruncatedNormal", "Beta", "Gamma"]);

    /// <summary>Initialises a distribution.</summary>
    protected Distribution()
    {
    }

    /// <summary>The kinds <see cref="Create"/> understands, in a fixed order.</summary>
    public static IReadOnlyList<string> Kinds => KnownKinds;

    /// <summary>The distribution family, e.g. <c>"Normal"</c> or <c>"LogNormal"</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>The canonical parameters, by name, in the fixed order given by <see cref="GetParameterNames(string)"/>.</summary>
    public abstract IReadOnlyList<KeyValuePair<string, double>> Parameters { get; }

    /// <summary>The lower end of the support (<see cref="double.NegativeInfinity"/> when unbounded below).</summary>
    public abstract double Lower { get; }

    /// <summary>The upper end of the support (<see cref="double.PositiveInfinity"/> when unbounded above).</summary>
    public abstract double Upper { get; }

    /// <summary>The mean.</summary>
    public abstract double Mean { get; }

    /// <summary>The variance.</summary>
    public abstract double Variance { get; }

    /// <summary>The standard deviation, √<see cref="Variance"/>.</summary>
    public virtual double StandardDeviation => Math.Sqrt(Variance);

    /// <summary>The canonical parameter names of <paramref name="kind"/>, in order.</summary>
    /// <param name="kind">One of <see cref="Kinds"/>.</param>
    /// <returns>The names, e.g. <c>["mean", "sd"]</c> for <c>"Normal"</c>.</returns>
    /// <exception cref="ArgumentException"><paramref name="kind"/> is unknown.</exception>
    public static IReadOnlyList<string> GetParameterNames(string kind) =>
        Array.AsReadOnly(NamesOf(kind) ?? throw UnknownKind(kind));

    /// <summary>Rebuilds a distribution from its <see cref="Kind"/> and <see cref="Parameters"/> (as a dictionary).</summary>
    /// <param name="kind">One of <see cref="Kinds"/> (case-sensitive).</param>
    /// <param name="parameters">Exactly the kind's canonical parameters, by name.</param>
    /// <returns>The distribution; <c>Create(d.Kind, d.Parameters)</c> equals <c>d</c>.</returns>
    /// <exception cref="ArgumentException">The kind is unknown, a parameter is missing or unexpected, or a value is invalid.</exception>
    public static Distribution Create(string kind, IReadOnlyDictionary<string, double> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        string[] names = NamesOf(kind) ?? throw UnknownKind(kind);
        string expected = string.Join(", ", names);
        foreach (KeyValuePair<string, double> pair in parameters)
        {
            if (Array.IndexOf(names, pair.Key) < 0)
            {
                throw new ArgumentException(
                    $"Distribution kind '{kind}' has no parameter '{pair.Key}'. Expected parameters: {expected}.",
                    nameof(parameters));
            }
        }

        double[] values = new double[names.Length];
        for (int i = 0; i < names.Length; i++)
        {
            if (!parameters.TryGetValue(names[i], out values[i]))
            {
                throw new ArgumentException(
                    $"Distribution kind '{kind}' needs parameter '{names[i]}', which is missing. Expected parameters: {expected}.",
                    nameof(parameters));
            }
        }

        return kind switch
        {
            "Normal" => new Normal(values[0], values[1]),
            "LogNormal" => new LogNormal(values[0], values[1]),
            "Uniform" => new Uniform(values[0], values[1]),
            "LogUniform" => new LogUniform(values[0], values[1]),
            "TruncatedNormal" => new TruncatedNormal(values[0], values[1], values[2], values[3]),
            "Beta" => new Beta(values[0], values[1]),
            _ => new Gamma(values[0], values[1]),
        };
    }

    /// <summary>Whether <paramref name="x"/> is a finite point of the support [<see cref="Lower"/>, <see cref="Upper"/>].</summary>
    /// <param name="x">The point.</param>
    /// <returns><see langword="true"/> when the point is in the support.</returns>
    public virtual bool InSupport(double x) => double.IsFinite(x) && x >= Lower && x <= Upper;

    /// <summary>The natural logarithm of the density at <paramref name="x"/>: −∞ outside the support, never NaN for a non-NaN <paramref name="x"/>.</summary>
    /// <param name="x">The point.</param>
    /// <returns>ln f(x).</returns>
    public abstract double LogDensity(double x);

    /// <summary>The density at <paramref name="x"/>: exp(<see cref="LogDensity"/>).</summary>
    /// <param name="x">The point.</param>
    /// <returns>f(x).</returns>
    public virtual double Density(double x) => Math.Exp(LogDensity(x));

    /// <summary>The cumulative distribution function, P(X ≤ x).</summary>
    /// <param name="x">The point.</param>
    /// <returns>F(x) in [0, 1].</returns>
    public abstract double CumulativeDistribution(double x);

    /// <summary>The quantile function (inverse of <see cref="CumulativeDistribution"/>).</summary>
    /// <param name="p">A probability strictly between 0 and 1.</param>
    /// <returns>The x with F(x) = p.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is not in (0, 1).</exception>
    public double Quantile(double p)
    {
        if (!(p > 0.0 && p < 1.0))
        {
            throw new ArgumentOutOfRangeException(
                nameof(p), p, $"{Kind}.Quantile: the probability must lie strictly between 0 and 1 (the quantile at 0 or 1 is the support bound, see Lower and Upper).");
        }

        return QuantileCore(p);
    }

    /// <summary>Draws one value from <paramref name="stream"/>, advancing it.</summary>
    /// <param name="stream">The random stream.</param>
    /// <returns>The draw.</returns>
    public abstract double Sample(ref RandomStream stream);

    /// <summary>Fills <paramref name="destination"/> with independent draws; identical to calling <see cref="Sample(ref RandomStream)"/> once per element.</summary>
    /// <param name="stream">The random stream.</param>
    /// <param name="destination">The span to fill.</param>
    public virtual void Sample(ref RandomStream stream, Span<double> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = Sample(ref stream);
        }
    }

    /// <summary>Whether <paramref name="other"/> has the same kind and bitwise-equal parameters.</summary>
    /// <param name="other">The other distribution.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public bool Equals(Distribution? other)
    {
        if (other is null)
        {
            return false;
        }

        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (!string.Equals(Kind, other.Kind, StringComparison.Ordinal))
        {
            return false;
        }

        IReadOnlyList<KeyValuePair<string, double>> mine = Parameters;
        IReadOnlyList<KeyValuePair<string, double>> theirs = other.Parameters;
        if (mine.Count != theirs.Count)
        {
            return false;
        }

        for (int i = 0; i < mine.Count; i++)
        {
            if (!string.Equals(mine[i].Key, theirs[i].Key, StringComparison.Ordinal)
                || BitConverter.DoubleToInt64Bits(mine[i].Value) != BitConverter.DoubleToInt64Bits(theirs[i].Value))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Distribution other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        HashCode hash = default;
        hash.Add(Kind, StringComparer.Ordinal);
        foreach (KeyValuePair<string, double> pair in Parameters)
        {
            hash.Add(BitConverter.DoubleToInt64Bits(pair.Value));
        }

        return hash.ToHashCode();
    }

    /// <summary>The kind and parameters, e.g. <c>Normal(mean=0, sd=1)</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString()
    {
        StringBuilder text = new StringBuilder(Kind).Append('(');
        IReadOnlyList<KeyValuePair<string, double>> parameters = Parameters;
        for (int i = 0; i < parameters.Count; i++)
        {
            if (i > 0)
            {
                text.Append(", ");
            }

            text.Append(parameters[i].Key).Append('=').Append(ParameterCheck.Format(parameters[i].Value));
        }

        return text.Append(')').ToString();
    }

    /// <summary>The quantile for a <paramref name="p"/> already checked to lie in (0, 1).</summary>
    /// <param name="p">The probability.</param>
    /// <returns>The quantile.</returns>
    protected abstract double QuantileCore(double p);

    /// <summary>Builds the read-only <see cref="Parameters"/> list from names and values.</summary>
    /// <param name="names">The canonical names.</param>
    /// <param name="values">The values, in the same order.</param>
    /// <returns>The list.</returns>
    private protected static ReadOnlyCollection<KeyValuePair<string, double>> MakeParameters(string[] names, params double[] values)
    {
        var pairs = new KeyValuePair<string, double>[names.Length];
        for (int i = 0; i < names.Length; i++)
        {
            pairs[i] = new KeyValuePair<string, double>(names[i], values[i]);
        }

        return Array.AsReadOnly(pairs);
    }

    private static string[]? NamesOf(string kind) => kind switch
    {
        "Normal" => Normal.ParameterNames,
        "LogNormal" => LogNormal.ParameterNames,
        "Uniform" => Uniform.ParameterNames,
        "LogUniform" => LogUniform.ParameterNames,
        "TruncatedNormal" => TruncatedNormal.ParameterNames,
        "Beta" => Beta.ParameterNames,
        "Gamma" => Gamma.ParameterNames,
        _ => null,
    };

    private static ArgumentException UnknownKind(string kind) => new(
        $"Unknown distribution kind '{kind}'. Known kinds (case-sensitive): {string.Join(", ", KnownKinds)}.",
        nameof(kind));
}
