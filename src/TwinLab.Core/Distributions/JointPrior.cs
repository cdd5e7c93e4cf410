using System.Globalization;
using System.Text;
using TwinLab.Core.Randomness;

namespace TwinLab.Core.Distributions;

/// <summary>
/// An independent joint prior over named parameters: p(θ) = ∏ᵢ pᵢ(θᵢ), so ln p(θ) = Σᵢ ln pᵢ(θᵢ).
/// Vectors are ordered as <see cref="Names"/>.
/// </summary>
public sealed class JointPrior
{
    private readonly string[] _names;
    private readonly Distribution[] _distributions;
    private readonly Dictionary<string, int> _index;

    /// <summary>Creates the joint prior from (name, distribution) pairs, in order.</summary>
    /// <param name="components">The parameters; names must be non-empty and distinct (ordinal comparison).</param>
    /// <exception cref="ArgumentException">There are no components, a name is empty or repeated, or a distribution is null.</exception>
    public JointPrior(params (string Name, Distribution Distribution)[] components)
        : this(ToPairs(components))
    {
    }

    /// <summary>Creates the joint prior from (name, distribution) pairs, in order.</summary>
    /// <param name="components">The parameters; names must be non-empty and distinct (ordinal comparison).</param>
    /// <exception cref="ArgumentException">There are no components, a name is empty or repeated, or a distribution is null.</exception>
    public JointPrior(IEnumerable<KeyValuePair<string, Distribution>> components)
    {
        ArgumentNullException.ThrowIfNull(components);
        var names = new List<string>();
        var distributions = new List<Distribution>();
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, Distribution> component in components)
        {
            if (string.IsNullOrWhiteSpace(component.Key))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"JointPrior: component {names.Count} has an empty name; give every parameter a name."), nameof(components));
            }

            if (component.Value is null)
            {
                throw new ArgumentException($"JointPrior: parameter '{component.Key}' has no distribution (null).", nameof(components));
            }

            if (!_index.TryAdd(component.Key, names.Count))
            {
                throw new ArgumentException(
                    $"JointPrior: parameter '{component.Key}' appears more than once; each parameter gets exactly one prior.", nameof(components));
            }

            names.Add(component.Key);
            distributions.Add(component.Value);
        }

        if (names.Count == 0)
        {
            throw new ArgumentException("JointPrior: no parameters were given; pass at least one (name, distribution) pair.", nameof(components));
        }

        _names = [.. names];
        _distributions = [.. distributions];
        Names = Array.AsReadOnly(_names);
        Distributions = Array.AsReadOnly(_distributions);
    }

    /// <summary>The parameter names, in vector order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The distributions, in vector order.</summary>
    public IReadOnlyList<Distribution> Distributions { get; }

    /// <summary>The number of parameters.</summary>
    public int Dimension => _names.Length;

    /// <summary>The prior of the parameter called <paramref name="name"/>.</summary>
    /// <param name="name">The parameter name.</param>
    /// <returns>Its distribution.</returns>
    /// <exception cref="KeyNotFoundException">There is no such parameter.</exception>
    public Distribution this[string name] => _distributions[IndexOfRequired(name)];

    /// <summary>The vector position of the parameter called <paramref name="name"/>, or −1.</summary>
    /// <param name="name">The parameter name.</param>
    /// <returns>The index, or −1 when absent.</returns>
    public int IndexOf(string name) => name is not null && _index.TryGetValue(name, out int i) ? i : -1;

    /// <summary>The joint log-density Σᵢ ln pᵢ(θᵢ): −∞ as soon as one value is outside its support.</summary>
    /// <param name="values">The parameter vector, ordered as <see cref="Names"/>.</param>
    /// <returns>The log-density.</returns>
    /// <exception cref="ArgumentException"><paramref name="values"/> has the wrong length.</exception>
    public double LogDensity(ReadOnlySpan<double> values)
    {
        CheckLength(values.Length, nameof(values));
        double sum = 0.0;
        for (int i = 0; i < _distributions.Length; i++)
        {
            double term = _distributions[i].LogDensity(values[i]);
            if (double.IsNegativeInfinity(term))
            {
                return double.NegativeInfinity;
            }

            sum += term;
        }

        return sum;
    }

    /// <summary>Whether every value lies in its distribution's support.</summary>
    /// <param name="values">The parameter vector, ordered as <see cref="Names"/>.</param>
    /// <returns><see langword="true"/> when all values are in support.</returns>
    /// <exception cref="ArgumentException"><paramref name="values"/> has the wrong length.</exception>
    public bool InSupport(ReadOnlySpan<double> values)
    {
        CheckLength(values.Length, nameof(values));
        for (int i = 0; i < _distributions.Length; i++)
        {
            if (!_distributions[i].InSupport(values[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Draws one parameter vector: component i from distribution i, in order, from the same stream.</summary>
    /// <param name="stream">The random stream.</param>
    /// <param name="destination">A span with <see cref="Dimension"/> entries.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong length.</exception>
    public void Sample(ref RandomStream stream, Span<double> destination)
    {
        CheckLength(destination.Length, nameof(destination));
        for (int i = 0; i < _distributions.Length; i++)
        {
            destination[i] = _distributions[i].Sample(ref stream);
        }
    }

    /// <summary>Lists the components, e.g. <c>JointPrior(r ~ LogNormal(median=0.1, sigma=0.3), K ~ Uniform(lower=100, upper=100000))</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString()
    {
        var text = new StringBuilder("JointPrior(");
        for (int i = 0; i < _names.Length; i++)
        {
            if (i > 0)
            {
                text.Append(", ");
            }

            text.Append(_names[i]).Append(" ~ ").Append(_distributions[i]);
        }

        return text.Append(')').ToString();
    }

    private static KeyValuePair<string, Distribution>[] ToPairs((string Name, Distribution Distribution)[] components)
    {
        ArgumentNullException.ThrowIfNull(components);
        var pairs = new KeyValuePair<string, Distribution>[components.Length];
        for (int i = 0; i < components.Length; i++)
        {
            pairs[i] = new KeyValuePair<string, Distribution>(components[i].Name, components[i].Distribution);
        }

        return pairs;
    }

    private int IndexOfRequired(string name)
    {
        int i = IndexOf(name);
        if (i < 0)
        {
            throw new KeyNotFoundException($"JointPrior has no parameter '{name}'. Parameters: {string.Join(", ", _names)}.");
        }

        return i;
    }

    private void CheckLength(int length, string argumentName)
    {
        if (length != Dimension)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"JointPrior: expected {Dimension} values ({string.Join(", ", _names)}), got {length}."), argumentName);
        }
    }
}
