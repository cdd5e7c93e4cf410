using System.Globalization;
using TwinLab.Core.Distributions;
using TwinLab.Core.Symbolic;

namespace TwinLab.Core.Modelling;

/// <summary>
/// Builds a <see cref="Model"/> from symbols: declare states and parameters (each call returns the symbol to use in
/// equations), give every state a rate equation, add observables and treatments, then call <see cref="Build"/>,
/// which validates the whole definition and reports every problem at once.
/// </summary>
/// <example>
/// <code>
/// var m = new ModelBuilder("gompertz", version: "1.0");
/// var V = m.State("V", initial: 50, unit: "mm3", description: "tumour volume");
/// var r = m.Parameter("r", 0.1, unit: "1/d", prior: Prior.LogNormal(median: 0.1, sigma: 0.3), bounds: (1e-3, 2));
/// var K = m.Parameter("K", 2000, unit: "mm3", bounds: (100, 1e5));
/// m.Rate(V, r * V * Sym.Log(K / V));
/// Model model = m.Build();
/// </code>
/// </example>
public sealed class ModelBuilder
{
    private readonly List<StateVariable> _states = [];
    private readonly List<Parameter> _parameters = [];
    private readonly List<Observable> _observables = [];
    private readonly List<(Symbol State, Expr Rate)> _rates = [];
    private readonly List<Treatment> _treatments = [];
    private readonly List<Reference> _references = [];

    /// <summary>Starts a model.</summary>
    /// <param name="name">The model's name: letters, digits, '-', '_' or '.', starting with a letter (e.g. <c>lotka-volterra</c>).</param>
    /// <param name="version">The model's version (e.g. <c>1.0</c>); change it whenever the equations or values change.</param>
    public ModelBuilder(string name, string version = "1.0")
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(version);
        Name = name;
        Version = version;
    }

    /// <summary>The model's name.</summary>
    public string Name { get; }

    /// <summary>The model's version.</summary>
    public string Version { get; }

    /// <summary>A one-paragraph description of what the model represents and when to use it.</summary>
    public string Description { get; set; } = "";

    /// <summary>Adds a literature reference for the model.</summary>
    /// <param name="citation">Authors, year, title, journal.</param>
    /// <param name="doi">The DOI, without a resolver prefix.</param>
    /// <returns>This builder.</returns>
    public ModelBuilder Cite(string citation, string? doi = null)
    {
        _references.Add(new Reference(citation, doi));
        return this;
    }

    /// <summary>Declares a state with a constant initial value.</summary>
    /// <param name="name">The state's name (an identifier).</param>
    /// <param name="initial">The initial value.</param>
    /// <param name="unit">The unit (<c>1</c> for dimensionless).</param>
    /// <param name="description">What the state represents.</param>
    /// <param name="nonNegative">Whether the quantity cannot be negative (cell counts, volumes, amounts).</param>
    /// <returns>The state's symbol, for use in equations.</returns>
    public Symbol State(string name, double initial, string unit = "1", string description = "", bool nonNegative = false) =>
        State(name, new Constant(initial), unit, description, nonNegative);

    /// <summary>Declares a state whose initial value is an expression of parameters (e.g. <c>V0</c>).</summary>
    /// <param name="name">The state's name (an identifier).</param>
    /// <param name="initial">The initial value as an expression of parameters.</param>
    /// <param name="unit">The unit (<c>1</c> for dimensionless).</param>
    /// <param name="description">What the state represents.</param>
    /// <param name="nonNegative">Whether the quantity cannot be negative.</param>
    /// <returns>The state's symbol, for use in equations.</returns>
    public Symbol State(string name, Expr initial, string unit = "1", string description = "", bool nonNegative = false)
    {
        ArgumentNullException.ThrowIfNull(initial);
        var symbol = NewSymbol(name);
        _states.Add(new StateVariable(symbol, initial, unit ?? "1", description ?? "", nonNegative));
        return symbol;
    }

    /// <summary>Declares a parameter.</summary>
    /// <param name="name">The parameter's name (an identifier).</param>
    /// <param name="value">The nominal (literature) value.</param>
    /// <param name="unit">The unit (<c>1</c> for dimensionless).</param>
    /// <param name="prior">The prior for inference; its support must contain <paramref name="value"/>.</param>
    /// <param name="bounds">The plausible range; it must contain <paramref name="value"/>. Unbounded when omitted.</param>
    /// <param name="description">What the parameter means.</param>
    /// <param name="reference">Where the value comes from.</param>
    /// <returns>The parameter's symbol, for use in equations.</returns>
    public Symbol Parameter(string name, double value, string unit = "1", Distribution? prior = null,
        (double Lower, double Upper)? bounds = null, string description = "", Reference? reference = null)
    {
        var symbol = NewSymbol(name);
        var (lower, upper) = bounds ?? (double.NegativeInfinity, double.PositiveInfinity);
        _parameters.Add(new Parameter(symbol, value, unit ?? "1", lower, upper, prior, description ?? "", reference));
        return symbol;
    }

    /// <summary>Declares an observable: a named expression of states, parameters, time and other observables.</summary>
    /// <param name="name">The observable's name (an identifier).</param>
    /// <param name="expression">Its definition.</param>
    /// <param name="unit">The unit.</param>
    /// <param name="description">What it measures.</param>
    /// <returns>The observable's symbol, usable in rates and other observables.</returns>
    public Symbol Observable(string name, Expr expression, string unit = "1", string description = "")
    {
        ArgumentNullException.ThrowIfNull(expression);
        var symbol = NewSymbol(name);
        _observables.Add(new Observable(symbol, expression, unit ?? "1", description ?? ""));
        return symbol;
    }

    /// <summary>Sets the rate equation <c>d state / dt = rate</c>.</summary>
    /// <param name="state">A state declared with <see cref="State(string, double, string, string, bool)"/>.</param>
    /// <param name="rate">The right-hand side.</param>
    /// <returns>This builder.</returns>
    public ModelBuilder Rate(Symbol state, Expr rate)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(rate);
        _rates.Add((state, rate));
        return this;
    }

    /// <summary>Adds instantaneous doses of <paramref name="amount"/> into <paramref name="target"/>.</summary>
    /// <param name="name">The treatment's name.</param>
    /// <param name="target">The state that receives each dose.</param>
    /// <param name="amount">The amount per dose: a constant or an expression of parameters.</param>
    /// <param name="schedule">When the doses are given.</param>
    /// <returns>This builder.</returns>
    public ModelBuilder Bolus(string name, Symbol target, Expr amount, DoseSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(amount);
        ArgumentNullException.ThrowIfNull(schedule);
        _treatments.Add(new Bolus(name ?? "", target, amount, schedule));
        return this;
    }

    /// <summary>Adds zero-order infusions into <paramref name="target"/>: <paramref name="rate"/> per time unit for
    /// <paramref name="duration"/> from each scheduled time.</summary>
    /// <param name="name">The treatment's name.</param>
    /// <param name="target">The state that receives the infusion.</param>
    /// <param name="rate">Amount per time unit: a constant or an expression of parameters.</param>
    /// <param name="duration">How long each infusion lasts (positive).</param>
    /// <param name="schedule">When each infusion starts.</param>
    /// <returns>This builder.</returns>
    public ModelBuilder Infusion(string name, Symbol target, Expr rate, double duration, DoseSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(rate);
        ArgumentNullException.ThrowIfNull(schedule);
        _treatments.Add(new Infusion(name ?? "", target, rate, duration, schedule));
        return this;
    }

    private Symbol NewSymbol(string name)
    {
        try
        {
            return new Symbol(name);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Model '{Name}': {e.Message}", nameof(name), e);
        }
    }

    /// <summary>Validates the definition and returns the immutable model.</summary>
    /// <exception cref="ModelValidationException">Lists every problem found: undefined symbols, duplicate names, a rate
    /// for an unknown state, a state without a rate, non-finite values, nominal values outside their bounds, priors
    /// whose support excludes the nominal value, cyclic observables, treatments on unknown states.</exception>
    public Model Build()
    {
        var problems = new List<string>();
        var kinds = new Dictionary<string, string>(StringComparer.Ordinal) { [Sym.TimeName] = "time" };

        if (!IsValidModelName(Name))
        {
            problems.Add($"'{Name}' is not a valid model name: start with a letter and use letters, digits, '-', '_' or '.'.");
        }
        if (string.IsNullOrWhiteSpace(Version))
        {
            problems.Add("the version is empty: give a version such as \"1.0\".");
        }

        void Declare(Symbol symbol, string kind)
        {
            if (kinds.TryGetValue(symbol.Name, out var existing))
            {
                problems.Add(existing == "time"
                    ? $"the {kind} '{symbol.Name}' uses the name reserved for time: rename it."
                    : $"the name '{symbol.Name}' is declared twice (as a {existing} and as a {kind}): rename one of them.");
            }
            else
            {
                kinds[symbol.Name] = kind;
            }
        }
        _states.ForEach(s => Declare(s.Symbol, "state"));
        _parameters.ForEach(p => Declare(p.Symbol, "parameter"));
        _observables.ForEach(o => Declare(o.Symbol, "observable"));

        if (_states.Count == 0)
        {
            problems.Add("the model has no states: declare at least one with State(...) and give it a Rate(...).");
        }

        void CheckSymbols(Expr e, string where, params string[] allowed)
        {
            foreach (var s in e.Symbols())
            {
                if (!kinds.TryGetValue(s.Name, out var kind))
                {
                    problems.Add($"{where} uses '{s.Name}', which is not defined: declare it as a parameter, state or observable, or fix the spelling.");
                }
                else if (!allowed.Contains(kind))
                {
                    problems.Add($"{where} uses the {kind} '{s.Name}', but may only use {string.Join(" and ", allowed.Select(a => a + "s"))}.");
                }
            }
            Expr.Visit(e, node =>
            {
                if (node is Constant c && !double.IsFinite(c.Value))
                {
                    problems.Add($"{where} contains the non-finite constant {Expr.Format(c.Value)}: use a finite number.");
                }
            });
        }

        var rates = new Dictionary<string, Expr>(StringComparer.Ordinal);
        foreach (var (state, rate) in _rates)
        {
            if (!kinds.TryGetValue(state.Name, out var kind) || kind != "state")
            {
                problems.Add(kind is null
                    ? $"a rate is given for '{state.Name}', which is not a state: declare it with State(...) first."
                    : $"a rate is given for '{state.Name}', which is a {kind}, not a state.");
                continue;
            }
            if (!rates.TryAdd(state.Name, rate))
            {
                problems.Add($"the state '{state.Name}' has two rate equations: keep one (add the terms together).");
            }
            CheckSymbols(rate, $"the rate of '{state.Name}'", "state", "parameter", "observable", "time");
        }

        foreach (var s in _states)
        {
            if (!rates.ContainsKey(s.Name))
            {
                problems.Add($"the state '{s.Name}' has no rate equation: add Rate({s.Name}, ...) (use 0 for a constant state).");
            }
            if (s.Initial is Constant { Value: var v0 } && !double.IsFinite(v0))
            {
                problems.Add($"the initial value of '{s.Name}' is {Expr.Format(v0)}: use a finite number.");
            }
            else
            {
                CheckSymbols(s.Initial, $"the initial value of '{s.Name}'", "parameter");
            }
        }

        foreach (var p in _parameters)
        {
            var name = p.Name;
            if (!double.IsFinite(p.Value))
            {
                problems.Add($"the parameter '{name}' has the non-finite value {Expr.Format(p.Value)}: use a finite number.");
                continue;
            }
            if (double.IsNaN(p.Lower) || double.IsNaN(p.Upper) || p.Lower >= p.Upper)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture,
                    $"the bounds of '{name}' ({p.Lower}, {p.Upper}) are not an interval: give lower < upper."));
            }
            else if (p.Value < p.Lower || p.Value > p.Upper)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture,
                    $"the nominal value of '{name}' ({p.Value}) is outside its bounds [{p.Lower}, {p.Upper}]: widen the bounds or correct the value."));
            }
            if (p.Prior is { } prior && (!prior.InSupport(p.Value) || double.IsNegativeInfinity(prior.LogDensity(p.Value))))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture,
                    $"the prior of '{name}' ({prior}) gives zero density at the nominal value {p.Value}: choose a prior whose support contains it."));
            }
        }

        foreach (var o in _observables)
        {
            CheckSymbols(o.Expression, $"the observable '{o.Name}'", "state", "parameter", "observable", "time");
        }
        var observableOrder = OrderObservables(problems);

        var treatmentNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in _treatments)
        {
            var label = $"the treatment '{t.Name}'";
            if (!Symbol.IsValidName(t.Name))
            {
                problems.Add($"{label} needs a name made of letters, digits and underscores.");
            }
            else if (!treatmentNames.Add(t.Name))
            {
                problems.Add($"{label} is declared twice: give each treatment its own name.");
            }
            if (!kinds.TryGetValue(t.Target.Name, out var kind) || kind != "state")
            {
                problems.Add($"{label} doses into '{t.Target.Name}', which is not a state: dose into one of {string.Join(", ", _states.Select(s => s.Name))}.");
            }
            switch (t)
            {
                case Bolus b:
                    CheckSymbols(b.Amount, $"the amount of {label}", "parameter");
                    break;
                case Infusion i:
                    CheckSymbols(i.Rate, $"the rate of {label}", "parameter");
                    if (!double.IsFinite(i.Duration) || i.Duration <= 0)
                    {
                        problems.Add(string.Create(CultureInfo.InvariantCulture, $"{label} has duration {i.Duration}: use a positive, finite duration."));
                    }
                    break;
            }
        }

        if (problems.Count > 0)
        {
            throw new ModelValidationException(Name, problems);
        }

        return new Model(Name, Version, Description, [.. _references], [.. _states],
            [.. _states.Select(s => rates[s.Name])], [.. _parameters], observableOrder, [.. _treatments]);
    }

    /// <summary>Orders observables so each comes after those it uses; reports cycles.</summary>
    private List<Observable> OrderObservables(List<string> problems)
    {
        var byName = _observables.GroupBy(o => o.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var ordered = new List<Observable>();
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = visiting, 2 = done
        var reported = false;

        void Visit(Observable o, Stack<string> path)
        {
            if (state.TryGetValue(o.Name, out var s))
            {
                if (s == 1 && !reported)
                {
                    reported = true;
                    var cycle = path.Reverse().SkipWhile(n => n != o.Name).Append(o.Name);
                    problems.Add($"the observables form a cycle ({string.Join(" → ", cycle)}): an observable cannot depend on itself.");
                }
                return;
            }
            state[o.Name] = 1;
            path.Push(o.Name);
            foreach (var used in o.Expression.Symbols())
            {
                if (byName.TryGetValue(used.Name, out var dependency))
                {
                    Visit(dependency, path);
                }
            }
            path.Pop();
            state[o.Name] = 2;
            ordered.Add(o);
        }

        foreach (var o in _observables)
        {
            Visit(o, new Stack<string>());
        }
        // Keep the declared order where dependencies allow it: the DFS above already respects declaration order.
        return ordered;
    }

    internal static bool IsValidModelName(string name) =>
        name.Length > 0 && char.IsAsciiLetter(name[0])
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
