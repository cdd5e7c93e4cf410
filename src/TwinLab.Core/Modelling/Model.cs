using System.Globalization;
using System.Text;
using TwinLab.Core.Symbolic;

namespace TwinLab.Core.Modelling;

/// <summary>
/// An immutable, validated mechanistic model: states with rate equations, parameters, observables, treatments and
/// metadata, built by <see cref="ModelBuilder"/> or loaded with <see cref="ModelJson"/>. Everything else TwinLab does
/// with a model (compiled right-hand sides, Jacobians, sensitivities, LaTeX, exports) is derived from this one
/// symbolic definition.
/// </summary>
public sealed class Model
{
    private readonly Lazy<CompiledModel> _compiled;
    private readonly Lazy<Expr[]> _expandedRates;
    private readonly Lazy<Expr[]> _expandedObservables;
    private readonly Lazy<Expr[]> _jacobian;
    private readonly Lazy<Expr[]> _parameterJacobian;
    private readonly Dictionary<string, int> _stateIndex;
    private readonly Dictionary<string, int> _parameterIndex;

    internal Model(string name, string version, string description, IReadOnlyList<Reference> references,
        IReadOnlyList<StateVariable> states, IReadOnlyList<Expr> rates, IReadOnlyList<Parameter> parameters,
        IReadOnlyList<Observable> observables, IReadOnlyList<Treatment> treatments)
    {
        Name = name;
        Version = version;
        Description = description;
        References = references;
        States = states;
        Rates = rates;
        Parameters = parameters;
        Observables = observables;
        Treatments = treatments;
        Layout = new SymbolLayout(states.Select(s => s.Name), parameters.Select(p => p.Name));
        _stateIndex = states.Select((s, i) => (s.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        _parameterIndex = parameters.Select((p, i) => (p.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        Digest = ModelJson.ComputeDigest(this);
        _expandedObservables = new(ExpandObservables);
        _expandedRates = new(() => [.. Rates.Select(r => ExpandObservablesIn(r).Simplify())]);
        _jacobian = new(() => Differentiate(States.Select(s => s.Symbol)));
        _parameterJacobian = new(() => Differentiate(Parameters.Select(p => p.Symbol)));
        _compiled = new(() => new CompiledModel(this));
    }

    /// <summary>The model's name, unique within a library.</summary>
    public string Name { get; }

    /// <summary>The model's version.</summary>
    public string Version { get; }

    /// <summary>What the model represents and when to use it.</summary>
    public string Description { get; }

    /// <summary>Literature references for the model.</summary>
    public IReadOnlyList<Reference> References { get; }

    /// <summary>The states, in vector order.</summary>
    public IReadOnlyList<StateVariable> States { get; }

    /// <summary>The rate equations as written, aligned with <see cref="States"/> (they may use observables).</summary>
    public IReadOnlyList<Expr> Rates { get; }

    /// <summary>The parameters, in vector order.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The observables, each after the observables it uses.</summary>
    public IReadOnlyList<Observable> Observables { get; }

    /// <summary>The treatments (bolus doses and infusions).</summary>
    public IReadOnlyList<Treatment> Treatments { get; }

    /// <summary>How states and parameters are laid out in the vectors passed to compiled functions.</summary>
    public SymbolLayout Layout { get; }

    /// <summary>The content digest, <c>sha256:</c> followed by 64 hex digits: the SHA-256 of the model's canonical
    /// JSON. It changes exactly when the mathematics or metadata change, and identifies the model in every output.</summary>
    public string Digest { get; }

    /// <summary>The rate equations with every observable replaced by its definition, simplified.</summary>
    public IReadOnlyList<Expr> ExpandedRates => _expandedRates.Value;

    /// <summary>The observables' definitions in terms of states, parameters and time only.</summary>
    public IReadOnlyList<Expr> ExpandedObservables => _expandedObservables.Value;

    /// <summary>The symbolic Jacobian ∂fᵢ/∂yⱼ of the expanded rates, row-major (<c>[i * StateCount + j]</c>).</summary>
    public IReadOnlyList<Expr> Jacobian => _jacobian.Value;

    /// <summary>The symbolic parameter Jacobian ∂fᵢ/∂pₖ, row-major (<c>[i * ParameterCount + k]</c>), used for forward
    /// sensitivities.</summary>
    public IReadOnlyList<Expr> ParameterJacobian => _parameterJacobian.Value;

    /// <summary>The model compiled to fast delegates (compiled once, on first use; thread-safe).</summary>
    public CompiledModel Compiled => _compiled.Value;

    /// <summary>The index of a state in the state vector.</summary>
    /// <param name="name">The state's name.</param>
    /// <exception cref="KeyNotFoundException">The model has no such state; the message lists the states.</exception>
    public int StateIndex(string name) => _stateIndex.TryGetValue(name, out var i)
        ? i
        : throw new KeyNotFoundException($"Model '{Name}' has no state '{name}'; its states are {string.Join(", ", States.Select(s => s.Name))}.");

    /// <summary>The index of a parameter in the parameter vector.</summary>
    /// <param name="name">The parameter's name.</param>
    /// <exception cref="KeyNotFoundException">The model has no such parameter; the message lists the parameters.</exception>
    public int ParameterIndex(string name) => _parameterIndex.TryGetValue(name, out var i)
        ? i
        : throw new KeyNotFoundException($"Model '{Name}' has no parameter '{name}'; its parameters are {string.Join(", ", Parameters.Select(p => p.Name))}.");

    /// <summary>The nominal parameter values, in vector order (a new array each call).</summary>
    public double[] NominalParameters() => [.. Parameters.Select(p => p.Value)];

    /// <summary>The nominal parameter values with some replaced by name.</summary>
    /// <param name="overrides">Parameter values to use instead of the nominal ones.</param>
    /// <exception cref="KeyNotFoundException">An override names no parameter of the model.</exception>
    /// <exception cref="ArgumentException">An override is not finite.</exception>
    public double[] ParameterValues(IReadOnlyDictionary<string, double> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var values = NominalParameters();
        foreach (var (name, value) in overrides)
        {
            if (!double.IsFinite(value))
            {
                throw new ArgumentException($"The value given for parameter '{name}' of model '{Name}' is {value}: use a finite number.", nameof(overrides));
            }
            values[ParameterIndex(name)] = value;
        }
        return values;
    }

    /// <summary>Replaces every observable in an expression by its definition, so the result uses only states,
    /// parameters and time (e.g. for an event condition written in terms of observables).</summary>
    /// <param name="expression">The expression.</param>
    public Expr Expand(Expr expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        return ExpandObservablesIn(expression).Simplify();
    }

    private Expr ExpandObservablesIn(Expr e)
    {
        var map = new Dictionary<Symbol, Expr>();
        for (var i = 0; i < Observables.Count; i++)
        {
            map[Observables[i].Symbol] = ExpandedObservables[i];
        }
        return map.Count == 0 ? e : e.Substitute(map);
    }

    private Expr[] ExpandObservables()
    {
        // Observables are ordered so each follows those it uses: one pass of substitution suffices.
        var map = new Dictionary<Symbol, Expr>();
        var expanded = new Expr[Observables.Count];
        for (var i = 0; i < Observables.Count; i++)
        {
            expanded[i] = Observables[i].Expression.Substitute(map).Simplify();
            map[Observables[i].Symbol] = expanded[i];
        }
        return expanded;
    }

    private Expr[] Differentiate(IEnumerable<Symbol> variables)
    {
        var by = variables.ToArray();
        var result = new Expr[States.Count * by.Length];
        for (var i = 0; i < States.Count; i++)
        {
            for (var j = 0; j < by.Length; j++)
            {
                result[(i * by.Length) + j] = ExpandedRates[i].Differentiate(by[j]);
            }
        }
        return result;
    }

    /// <summary>The model as readable text: equations, parameters, observables and treatments.</summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine(inv, $"{Name} {Version}");
        if (Description.Length > 0)
        {
            sb.AppendLine(Description);
        }
        sb.AppendLine().AppendLine("Equations:");
        for (var i = 0; i < States.Count; i++)
        {
            sb.AppendLine(inv, $"  d{States[i].Name}/dt = {Rates[i]}");
        }
        sb.AppendLine().AppendLine("States:");
        foreach (var s in States)
        {
            sb.AppendLine(inv, $"  {s.Name,-12} {s.Initial,-12} {s.Unit,-10} {s.Description}");
        }
        sb.AppendLine().AppendLine("Parameters:");
        foreach (var p in Parameters)
        {
            var range = $"[{p.Lower.ToString("G6", inv)}, {p.Upper.ToString("G6", inv)}]";
            sb.AppendLine(inv, $"  {p.Name,-12} {p.Value.ToString("G6", inv),-12} {p.Unit,-10} {range,-20} {(p.Prior?.ToString() ?? "no prior"),-36} {p.Description}");
        }
        if (Observables.Count > 0)
        {
            sb.AppendLine().AppendLine("Observables:");
            foreach (var o in Observables)
            {
                sb.AppendLine(inv, $"  {o.Name} = {o.Expression} [{o.Unit}] {o.Description}");
            }
        }
        if (Treatments.Count > 0)
        {
            sb.AppendLine().AppendLine("Treatments:");
            foreach (var t in Treatments)
            {
                sb.AppendLine(inv, $"  {t}");
            }
        }
        if (References.Count > 0)
        {
            sb.AppendLine().AppendLine("References:");
            foreach (var r in References)
            {
                sb.AppendLine(inv, $"  {r}");
            }
        }
        sb.AppendLine().AppendLine(inv, $"Digest: {Digest}");
        return sb.ToString();
    }

    /// <summary>The rate equations as a LaTeX <c>aligned</c> block, e.g. <c>\frac{dV}{dt} &amp;= r \, V \, \ln(...)</c>.</summary>
    public string ToLatex()
    {
        var lines = new List<string>();
        for (var i = 0; i < States.Count; i++)
        {
            var name = LatexPrinter.SymbolName(States[i].Name);
            lines.Add($"\\frac{{d{name}}}{{dt}} &= {Rates[i].ToLatex()}");
        }
        foreach (var o in Observables)
        {
            lines.Add($"{LatexPrinter.SymbolName(o.Name)} &= {o.Expression.ToLatex()}");
        }
        return "\\begin{aligned}\n" + string.Join(" \\\\\n", lines) + "\n\\end{aligned}";
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} {Version} ({States.Count} states, {Parameters.Count} parameters)";
}
