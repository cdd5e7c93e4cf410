using TwinLab.Core.Distributions;
using TwinLab.Core.Symbolic;

namespace TwinLab.Core.Modelling;

/// <summary>A literature reference for a model or a parameter value.</summary>
/// <param name="Citation">The human-readable citation (authors, year, title, journal).</param>
/// <param name="Doi">The DOI without a resolver prefix (e.g. <c>10.1007/BF02460644</c>), or null.</param>
public sealed record Reference(string Citation, string? Doi = null)
{
    /// <inheritdoc />
    public override string ToString() => Doi is null ? Citation : $"{Citation} doi:{Doi}";
}

/// <summary>A state variable of a model: a quantity whose rate of change the model defines.</summary>
public sealed class StateVariable
{
    internal StateVariable(Symbol symbol, Expr initial, string unit, string description, bool nonNegative)
    {
        Symbol = symbol;
        Initial = initial;
        Unit = unit;
        Description = description;
        NonNegative = nonNegative;
    }

    /// <summary>The symbol that stands for the state in equations.</summary>
    public Symbol Symbol { get; }

    /// <summary>The state's name.</summary>
    public string Name => Symbol.Name;

    /// <summary>The initial value: a constant or an expression of parameters.</summary>
    public Expr Initial { get; }

    /// <summary>The unit, e.g. <c>mm3</c> or <c>mg/L</c> (<c>1</c> for dimensionless).</summary>
    public string Unit { get; }

    /// <summary>What the state represents.</summary>
    public string Description { get; }

    /// <summary>Whether the state is a quantity that cannot be negative (solvers keep it at or above zero).</summary>
    public bool NonNegative { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Name} [{Unit}]";
}

/// <summary>A model parameter: a named constant with a nominal value, unit, plausible range and prior.</summary>
public sealed class Parameter
{
    internal Parameter(Symbol symbol, double value, string unit, double lower, double upper, Distribution? prior,
        string description, Reference? reference)
    {
        Symbol = symbol;
        Value = value;
        Unit = unit;
        Lower = lower;
        Upper = upper;
        Prior = prior;
        Description = description;
        Reference = reference;
    }

    /// <summary>The symbol that stands for the parameter in equations.</summary>
    public Symbol Symbol { get; }

    /// <summary>The parameter's name.</summary>
    public string Name => Symbol.Name;

    /// <summary>The nominal (literature) value.</summary>
    public double Value { get; }

    /// <summary>The unit.</summary>
    public string Unit { get; }

    /// <summary>The lower end of the plausible range (−∞ when unbounded).</summary>
    public double Lower { get; }

    /// <summary>The upper end of the plausible range (+∞ when unbounded).</summary>
    public double Upper { get; }

    /// <summary>The prior distribution for inference, or null when none is declared.</summary>
    public Distribution? Prior { get; }

    /// <summary>What the parameter means.</summary>
    public string Description { get; }

    /// <summary>Where the nominal value comes from, or null.</summary>
    public Reference? Reference { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Name} = {Value} [{Unit}]";
}

/// <summary>A named quantity computed from states and parameters (e.g. total tumour burden, a concentration).
/// Observables may use other observables, provided there is no cycle; rate equations may use observables as
/// intermediate variables.</summary>
public sealed class Observable
{
    internal Observable(Symbol symbol, Expr expression, string unit, string description)
    {
        Symbol = symbol;
        Expression = expression;
        Unit = unit;
        Description = description;
    }

    /// <summary>The symbol that stands for the observable in other equations.</summary>
    public Symbol Symbol { get; }

    /// <summary>The observable's name.</summary>
    public string Name => Symbol.Name;

    /// <summary>The defining expression.</summary>
    public Expr Expression { get; }

    /// <summary>The unit.</summary>
    public string Unit { get; }

    /// <summary>What the observable measures.</summary>
    public string Description { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Name} = {Expression}";
}
