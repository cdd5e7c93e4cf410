using System.Globalization;
using System.Text.Json.Nodes;
using TwinLab.Core.Distributions;
using TwinLab.Core.Modelling;
using TwinLab.Core.Randomness;

namespace TwinLab.Synthetic.Cohorts;

/// <summary>A covariate effect on a parameter's typical value.</summary>
public abstract record CovariateEffect
{
    private protected CovariateEffect(string parameter, string covariate)
    {
        Parameter = parameter;
        Covariate = covariate;
    }

    /// <summary>The parameter affected.</summary>
    public string Parameter { get; }

    /// <summary>The covariate.</summary>
    public string Covariate { get; }

    internal abstract double Factor(CovariateValues covariates);

    internal abstract JsonObject ToJson();
}

/// <summary>A power effect of a continuous covariate normalised to a reference: factor <c>(x / Reference)^Exponent</c>
/// (e.g. allometric scaling of clearance with weight, exponent 0.75, reference 70 kg).</summary>
public sealed record PowerEffect : CovariateEffect
{
    internal PowerEffect(string parameter, string covariate, double exponent, double reference)
        : base(parameter, covariate)
    {
        Exponent = exponent;
        Reference = reference;
    }

    /// <summary>The exponent.</summary>
    public double Exponent { get; }

    /// <summary>The reference value of the covariate (factor 1 there).</summary>
    public double Reference { get; }

    internal override double Factor(CovariateValues covariates) => Math.Pow(covariates.Number(Covariate) / Reference, Exponent);

    internal override JsonObject ToJson() => new()
    {
        ["parameter"] = Parameter, ["covariate"] = Covariate, ["kind"] = "power", ["exponent"] = Exponent, ["reference"] = Reference,
    };
}

/// <summary>A categorical effect: factor <c>Factor</c> for subjects whose covariate has the given level, 1 otherwise.</summary>
public sealed record LevelEffect : CovariateEffect
{
    internal LevelEffect(string parameter, string covariate, string level, double factor)
        : base(parameter, covariate)
    {
        Level = level;
        Multiplier = factor;
    }

    /// <summary>The level.</summary>
    public string Level { get; }

    /// <summary>The multiplicative factor for that level.</summary>
    public double Multiplier { get; }

    internal override double Factor(CovariateValues covariates) => covariates.Level(Covariate) == Level ? Multiplier : 1.0;

    internal override JsonObject ToJson() => new()
    {
        ["parameter"] = Parameter, ["covariate"] = Covariate, ["kind"] = "level", ["level"] = Level, ["factor"] = Multiplier,
    };
}

/// <summary>
/// A population model over a TwinLab model: subject i's value of parameter k is
/// <c>θᵢₖ = θₖ · Πⱼ fₖⱼ(covariatesᵢ) · exp(ηᵢₖ)</c>, with typical values θₖ (the model's nominal values unless
/// replaced), covariate effects fₖⱼ (<see cref="PowerEffect"/>, <see cref="LevelEffect"/>) and inter-individual random
/// effects ηᵢ ~ N(0, Ω), Ωₖₗ = ωₖ ωₗ ρₖₗ, drawn as L·z with L the Cholesky factor of Ω. Parameters without variability
/// have η = 0. Build one with <see cref="PopulationModelBuilder"/>.
/// </summary>
public sealed class PopulationModel
{
    private readonly double[] _typical;
    private readonly int[] _varied;
    private readonly MultivariateNormal? _randomEffects;

    internal PopulationModel(Model model, double[] typical, IReadOnlyList<CovariateEffect> effects, int[] varied, double[] omegas, double[,] correlation)
    {
        Model = model;
        _typical = typical;
        Effects = effects;
        _varied = varied;
        Omegas = omegas;
        Correlation = correlation;
        if (varied.Length > 0)
        {
            var covariance = new double[varied.Length, varied.Length];
            for (var a = 0; a < varied.Length; a++)
            {
                for (var b = 0; b < varied.Length; b++)
                {
                    covariance[a, b] = omegas[a] * omegas[b] * correlation[a, b];
                }
            }
            try
            {
                _randomEffects = new MultivariateNormal(new double[varied.Length], covariance);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"The correlation matrix of {string.Join(", ", VariedParameters)} is not positive definite ({e.Message}); lower the correlations.", nameof(correlation), e);
            }
        }
    }

    /// <summary>The model.</summary>
    public Model Model { get; }

    /// <summary>The typical values of every parameter, in the model's order.</summary>
    public IReadOnlyList<double> TypicalValues => _typical;

    /// <summary>The covariate effects.</summary>
    public IReadOnlyList<CovariateEffect> Effects { get; }

    /// <summary>The parameters with inter-individual variability, in the order of <see cref="Omegas"/>.</summary>
    public IEnumerable<string> VariedParameters => _varied.Select(k => Model.Parameters[k].Name);

    /// <summary>The standard deviations ω of the log-normal random effects.</summary>
    public IReadOnlyList<double> Omegas { get; }

    /// <summary>The correlation matrix ρ of the random effects (a copy).</summary>
    public double[,] Correlation { get; }

    /// <summary>The covariates the effects use.</summary>
    public IEnumerable<string> CovariatesUsed => Effects.Select(e => e.Covariate).Distinct(StringComparer.Ordinal);

    /// <summary>Subject-specific typical values: θₖ · Πⱼ fₖⱼ(covariates), every parameter in the model's order.</summary>
    /// <param name="covariates">The subject's covariates.</param>
    /// <returns>The values.</returns>
    public double[] TypicalValuesFor(CovariateValues covariates)
    {
        ArgumentNullException.ThrowIfNull(covariates);
        var values = (double[])_typical.Clone();
        foreach (var effect in Effects)
        {
            values[Model.ParameterIndex(effect.Parameter)] *= effect.Factor(covariates);
        }
        return values;
    }

    /// <summary>
    /// Draws a subject's parameters from its stream: random effects are redrawn (the covariates stay) until every
    /// parameter lies within the model's bounds; each out-of-bounds parameter of a rejected draw is counted in
    /// <paramref name="rejections"/>. Nothing is clamped.
    /// </summary>
    /// <param name="covariates">The subject's covariates.</param>
    /// <param name="stream">The subject's variability stream.</param>
    /// <param name="rejections">Rejected draws by parameter, incremented here.</param>
    /// <param name="maxAttempts">The most draws before giving up.</param>
    /// <returns>Every parameter's value, in the model's order.</returns>
    /// <exception cref="InvalidOperationException">No draw within bounds in <paramref name="maxAttempts"/> attempts; the message names the parameters.</exception>
    public double[] DrawParameters(CovariateValues covariates, ref RandomStream stream, IDictionary<string, long> rejections, int maxAttempts)
    {
        ArgumentNullException.ThrowIfNull(rejections);
        var typical = TypicalValuesFor(covariates);
        var eta = new double[_varied.Length];
        var values = new double[typical.Length];
        var failures = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var attempt = 0; attempt < maxAttempts; attempt++)
        {
            typical.CopyTo(values, 0);
            if (_randomEffects is not null)
            {
                _randomEffects.Sample(ref stream, eta);
                for (var a = 0; a < _varied.Length; a++)
                {
                    values[_varied[a]] *= Math.Exp(eta[a]);
                }
            }
            var inside = true;
            for (var k = 0; k < values.Length; k++)
            {
                var p = Model.Parameters[k];
                if (!(values[k] >= p.Lower && values[k] <= p.Upper))
                {
                    inside = false;
                    rejections[p.Name] = rejections.TryGetValue(p.Name, out var n) ? n + 1 : 1;
                    failures[p.Name] = failures.TryGetValue(p.Name, out var f) ? f + 1 : 1;
                }
            }
            if (inside)
            {
                return values;
            }
        }
        var detail = string.Join("; ", failures.OrderByDescending(p => p.Value).Select(p =>
        {
            var parameter = Model.Parameters[Model.ParameterIndex(p.Key)];
            return string.Create(CultureInfo.InvariantCulture,
                $"'{p.Key}' outside [{parameter.Lower}, {parameter.Upper}] {parameter.Unit} in {p.Value} draws (typical value for this subject {typical[Model.ParameterIndex(p.Key)]:G6})");
        }));
        throw new InvalidOperationException(
            $"No parameter set within the bounds of model '{Model.Name}' in {maxAttempts} draws for a subject with {covariates}: {detail}. "
            + "Widen the parameter bounds, lower the variability, or correct the covariate effects.");
    }

    internal JsonObject ToJson()
    {
        var correlation = new JsonArray();
        for (var a = 0; a < _varied.Length; a++)
        {
            correlation.Add(new JsonArray([.. Enumerable.Range(0, _varied.Length).Select(b => (JsonNode)Correlation[a, b])]));
        }
        return new JsonObject
        {
            ["model"] = Model.Name,
            ["modelDigest"] = Model.Digest,
            ["typical"] = new JsonObject(Model.Parameters.Select((p, k) => KeyValuePair.Create(p.Name, (JsonNode?)_typical[k]))),
            ["effects"] = new JsonArray([.. Effects.Select(e => (JsonNode)e.ToJson())]),
            ["variability"] = new JsonObject(_varied.Select((k, a) => KeyValuePair.Create(Model.Parameters[k].Name, (JsonNode?)Omegas[a]))),
            ["correlation"] = correlation,
        };
    }
}

/// <summary>Builds a <see cref="PopulationModel"/> over a model; <see cref="Build"/> validates names, values and the
/// correlation matrix.</summary>
/// <param name="model">The model.</param>
public sealed class PopulationModelBuilder(Model model)
{
    private readonly Model _model = model ?? throw new ArgumentNullException(nameof(model));
    private readonly Dictionary<string, double> _typical = new(StringComparer.Ordinal);
    private readonly List<CovariateEffect> _effects = [];
    private readonly List<(string Parameter, double Omega)> _variability = [];
    private readonly List<(string A, string B, double Rho)> _correlations = [];

    /// <summary>Replaces a parameter's typical value (the model's nominal value by default).</summary>
    /// <param name="parameter">The parameter.</param>
    /// <param name="value">The typical value; finite.</param>
    /// <returns>This builder.</returns>
    public PopulationModelBuilder Typical(string parameter, double value)
    {
        CheckParameter(parameter);
        CheckFinite(value, $"the typical value of '{parameter}'");
        _typical[parameter] = value;
        return this;
    }

    /// <summary>Adds a power effect <c>(covariate / reference)^exponent</c> on a parameter.</summary>
    /// <param name="parameter">The parameter.</param>
    /// <param name="covariate">A continuous covariate.</param>
    /// <param name="exponent">The exponent.</param>
    /// <param name="reference">The reference value (positive).</param>
    /// <returns>This builder.</returns>
    public PopulationModelBuilder Power(string parameter, string covariate, double exponent, double reference)
    {
        CheckParameter(parameter);
        CheckFinite(exponent, "the exponent");
        if (!(reference > 0) || !double.IsFinite(reference))
        {
            throw new ArgumentException($"The reference value of '{covariate}' for '{parameter}' must be positive and finite.", nameof(reference));
        }
        _effects.Add(new PowerEffect(parameter, covariate, exponent, reference));
        return this;
    }

    /// <summary>Adds a categorical effect: the parameter is multiplied by <paramref name="factor"/> when the covariate has the level.</summary>
    /// <param name="parameter">The parameter.</param>
    /// <param name="covariate">A categorical covariate.</param>
    /// <param name="level">The level.</param>
    /// <param name="factor">The factor (positive).</param>
    /// <returns>This builder.</returns>
    public PopulationModelBuilder Effect(string parameter, string covariate, string level, double factor)
    {
        CheckParameter(parameter);
        if (!(factor > 0) || !double.IsFinite(factor))
        {
            throw new ArgumentException($"The factor of {covariate} = {level} on '{parameter}' must be positive and finite.", nameof(factor));
        }
        _effects.Add(new LevelEffect(parameter, covariate, level, factor));
        return this;
    }

    /// <summary>Gives a parameter log-normal inter-individual variability with standard deviation ω of the log
    /// (the coefficient of variation is √(exp(ω²) − 1)).</summary>
    /// <param name="parameter">The parameter.</param>
    /// <param name="omega">ω, positive.</param>
    /// <returns>This builder.</returns>
    public PopulationModelBuilder Variability(string parameter, double omega)
    {
        CheckParameter(parameter);
        if (!(omega > 0) || !double.IsFinite(omega))
        {
            throw new ArgumentException($"The variability ω of '{parameter}' must be positive and finite; got {omega.ToString(CultureInfo.InvariantCulture)}.", nameof(omega));
        }
        if (_variability.Any(v => v.Parameter == parameter))
        {
            throw new ArgumentException($"The variability of '{parameter}' is given twice.", nameof(parameter));
        }
        _variability.Add((parameter, omega));
        return this;
    }

    /// <summary>Gives every parameter of the model the same log-normal variability ω.</summary>
    /// <param name="omega">ω, positive.</param>
    /// <returns>This builder.</returns>
    public PopulationModelBuilder VariabilityOnAll(double omega)
    {
        foreach (var p in _model.Parameters)
        {
            Variability(p.Name, omega);
        }
        return this;
    }

    /// <summary>Sets the correlation of two parameters' random effects.</summary>
    /// <param name="first">A parameter with variability.</param>
    /// <param name="second">Another.</param>
    /// <param name="rho">The correlation, in (−1, 1).</param>
    /// <returns>This builder.</returns>
    public PopulationModelBuilder Correlation(string first, string second, double rho)
    {
        if (!(rho > -1 && rho < 1))
        {
            throw new ArgumentException($"The correlation of '{first}' and '{second}' must lie strictly between -1 and 1.", nameof(rho));
        }
        if (first == second)
        {
            throw new ArgumentException($"A correlation needs two different parameters; got '{first}' twice.", nameof(second));
        }
        _correlations.Add((first, second, rho));
        return this;
    }

    /// <summary>Builds the population model.</summary>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentException">A correlation names a parameter without variability, or the matrix is not positive definite.</exception>
    public PopulationModel Build()
    {
        var typical = _model.NominalParameters();
        foreach (var (name, value) in _typical)
        {
            typical[_model.ParameterIndex(name)] = value;
        }
        var varied = _variability.Select(v => _model.ParameterIndex(v.Parameter)).ToArray();
        var omegas = _variability.Select(v => v.Omega).ToArray();
        var correlation = new double[varied.Length, varied.Length];
        for (var a = 0; a < varied.Length; a++)
        {
            correlation[a, a] = 1;
        }
        foreach (var (first, second, rho) in _correlations)
        {
            var a = _variability.FindIndex(v => v.Parameter == first);
            var b = _variability.FindIndex(v => v.Parameter == second);
            if (a < 0 || b < 0)
            {
                throw new ArgumentException($"The correlation of '{first}' and '{second}' needs variability on both: call Variability for {(a < 0 ? first : second)} first.");
            }
            correlation[a, b] = rho;
            correlation[b, a] = rho;
        }
        return new PopulationModel(_model, typical, [.. _effects], varied, omegas, correlation);
    }

    private void CheckParameter(string parameter)
    {
        if (!_model.Parameters.Any(p => p.Name == parameter))
        {
            throw new ArgumentException($"Model '{_model.Name}' has no parameter '{parameter}'; its parameters are {string.Join(", ", _model.Parameters.Select(p => p.Name))}.", nameof(parameter));
        }
    }

    private static void CheckFinite(double value, string what)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException($"{what} must be finite.", nameof(value));
        }
    }
}
