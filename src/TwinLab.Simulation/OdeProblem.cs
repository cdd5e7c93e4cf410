using System.Globalization;
using TwinLab.Core.Modelling;
using TwinLab.Core.Symbolic;

namespace TwinLab.Simulation;

/// <summary>
/// One trajectory to compute: a model over a time span, with parameter and initial-value overrides, extra doses,
/// state-triggered events and, optionally, forward sensitivities. Solve it with any <see cref="OdeAlgorithm"/>:
/// <c>new OdeProblem(model, (0, 100), saveAt: ...).Solve(new Tsit5 { RelTol = 1e-8 })</c>.
/// </summary>
public sealed class OdeProblem
{
    private readonly double[] _parameters;
    private readonly double[] _initial;
    private readonly double[]? _saveAt;

    /// <summary>Creates a problem.</summary>
    /// <param name="model">The model.</param>
    /// <param name="timeSpan">Start and end time (start &lt; end, both finite).</param>
    /// <param name="saveAt">Times at which to report the solution (within the span); the solver interpolates its dense
    /// output there without forcing steps. When null, every step is saved (and both sides of each dose).</param>
    /// <param name="parameters">Parameter values that replace the nominal ones, by name.</param>
    /// <param name="initialValues">Initial values that replace the model's, by state name.</param>
    /// <param name="doses">Treatments added to the model's own (e.g. <c>new Bolus("extra", V, 10, DoseSchedule.At(3))</c>).</param>
    /// <param name="events">State-triggered events (time to event).</param>
    /// <param name="sensitivities">Parameters whose forward sensitivities ∂state/∂parameter to integrate.</param>
    /// <param name="includeModelTreatments">Whether the model's own treatments are given (false simulates the untreated course).</param>
    /// <exception cref="ArgumentException">An unknown name, a non-finite value, a bad span, a save time or dose time
    /// outside the span, an event condition with unknown symbols; the message says which and how to fix it.</exception>
    public OdeProblem(Model model, (double Start, double End) timeSpan, IEnumerable<double>? saveAt = null,
        IReadOnlyDictionary<string, double>? parameters = null, IReadOnlyDictionary<string, double>? initialValues = null,
        IEnumerable<Treatment>? doses = null, IEnumerable<StateEvent>? events = null, IEnumerable<string>? sensitivities = null,
        bool includeModelTreatments = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        (Start, End) = timeSpan;
        if (!double.IsFinite(Start) || !double.IsFinite(End) || Start >= End)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The time span ({Start}, {End}) is not valid: give a finite start before a finite end."), nameof(timeSpan));
        }
        try
        {
            _parameters = model.ParameterValues(parameters ?? new Dictionary<string, double>());
        }
        catch (KeyNotFoundException e)
        {
            throw new ArgumentException(e.Message, nameof(parameters), e);
        }

        _initial = model.Compiled.Initial(_parameters);
        var overridden = new HashSet<int>();
        foreach (var (name, value) in initialValues ?? new Dictionary<string, double>())
        {
            int index;
            try
            {
                index = model.StateIndex(name);
            }
            catch (KeyNotFoundException e)
            {
                throw new ArgumentException(e.Message, nameof(initialValues), e);
            }
            if (!double.IsFinite(value))
            {
                throw new ArgumentException($"The initial value given for '{name}' is {value}: use a finite number.", nameof(initialValues));
            }
            _initial[index] = value;
            overridden.Add(index);
        }
        OverriddenInitialStates = overridden;
        for (var i = 0; i < _initial.Length; i++)
        {
            if (!double.IsFinite(_initial[i]))
            {
                throw new ArgumentException($"The initial value of '{model.States[i].Name}' evaluates to {_initial[i]} with these parameters.", nameof(parameters));
            }
        }

        if (saveAt is not null)
        {
            var times = saveAt.ToArray();
            Array.Sort(times);
            foreach (var s in times)
            {
                if (!double.IsFinite(s) || s < Start || s > End)
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"The save time {s} is outside the time span [{Start}, {End}]: widen the span or drop the time."), nameof(saveAt));
                }
            }
            _saveAt = times;
        }

        var treatments = new List<Treatment>(includeModelTreatments ? model.Treatments : []);
        foreach (var dose in doses ?? [])
        {
            ArgumentNullException.ThrowIfNull(dose, nameof(doses));
            if (!model.States.Any(s => s.Name == dose.Target.Name))
            {
                throw new ArgumentException($"The dose '{dose.Name}' targets '{dose.Target.Name}', which is not a state of model '{model.Name}' (states: {string.Join(", ", model.States.Select(s => s.Name))}).", nameof(doses));
            }
            var amount = dose is Bolus b ? b.Amount : ((Infusion)dose).Rate;
            var unknown = amount.Symbols().FirstOrDefault(sym => !model.Parameters.Any(p => p.Name == sym.Name));
            if (unknown is not null)
            {
                throw new ArgumentException($"The dose '{dose.Name}' uses '{unknown.Name}', which is not a parameter of model '{model.Name}'.", nameof(doses));
            }
            if (dose is Infusion { Duration: var d } && (!double.IsFinite(d) || d <= 0))
            {
                throw new ArgumentException($"The infusion '{dose.Name}' needs a positive duration.", nameof(doses));
            }
            treatments.Add(dose);
        }
        foreach (var t in treatments)
        {
            var first = t.Schedule.Times[0];
            if (first < Start)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"The treatment '{t.Name}' has a dose at {first}, before the start {Start} of the time span: start the span earlier, or give a schedule from {Start} on."), nameof(timeSpan));
            }
        }
        Treatments = treatments;

        Events = [.. events ?? []];
        foreach (var e in Events)
        {
            var expanded = model.Expand(e.Condition);
            var unknown = expanded.Symbols().FirstOrDefault(s => s.Name != Sym.TimeName
                && !model.States.Any(x => x.Name == s.Name) && !model.Parameters.Any(p => p.Name == s.Name));
            if (unknown is not null)
            {
                throw new ArgumentException($"The event '{e.Name}' uses '{unknown.Name}', which is not a state, parameter or observable of model '{model.Name}'.", nameof(events));
            }
        }

        SensitivityParameters = [.. sensitivities ?? []];
        foreach (var name in SensitivityParameters)
        {
            try
            {
                model.ParameterIndex(name);
            }
            catch (KeyNotFoundException e)
            {
                throw new ArgumentException(e.Message, nameof(sensitivities), e);
            }
        }
        if (SensitivityParameters.Distinct(StringComparer.Ordinal).Count() != SensitivityParameters.Count)
        {
            throw new ArgumentException("A sensitivity parameter is listed twice.", nameof(sensitivities));
        }
    }

    /// <summary>The model.</summary>
    public Model Model { get; }

    /// <summary>The start of the time span.</summary>
    public double Start { get; }

    /// <summary>The end of the time span.</summary>
    public double End { get; }

    /// <summary>The times to report, sorted; null to report every step.</summary>
    public IReadOnlyList<double>? SaveAt => _saveAt;

    /// <summary>The parameter values used, in model order.</summary>
    public IReadOnlyList<double> Parameters => _parameters;

    /// <summary>The initial state used (before any dose at the start time), in model order.</summary>
    public IReadOnlyList<double> InitialState => _initial;

    /// <summary>All treatments given: the model's (unless excluded) and the extra doses.</summary>
    public IReadOnlyList<Treatment> Treatments { get; }

    /// <summary>The state-triggered events.</summary>
    public IReadOnlyList<StateEvent> Events { get; }

    /// <summary>The parameters whose forward sensitivities are integrated.</summary>
    public IReadOnlyList<string> SensitivityParameters { get; }

    internal IReadOnlySet<int> OverriddenInitialStates { get; }

    internal double[] ParameterArray => _parameters;

    internal double[] InitialArray => _initial;

    internal double[]? SaveAtArray => _saveAt;

    /// <summary>Solves the problem. Numerical failures never throw: they end the solution with a
    /// <see cref="SolutionStatus"/> and a message, keeping the points computed so far.</summary>
    /// <param name="algorithm">The algorithm; <see cref="AutoAlgorithm"/> with default tolerances when null.</param>
    /// <param name="cancellationToken">Stops a long solve cooperatively.</param>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public Solution Solve(OdeAlgorithm? algorithm = null, CancellationToken cancellationToken = default) =>
        new Integrator(this, algorithm ?? new AutoAlgorithm(), cancellationToken).Run();

    /// <summary>This problem for many virtual patients: each row of <paramref name="patients"/> replaces some
    /// parameters or initial values (and may add doses); everything else is shared.</summary>
    /// <param name="patients">The patients.</param>
    /// <exception cref="ArgumentException">A column names neither a parameter nor a state of the model.</exception>
    public Ensembles.EnsembleProblem Ensemble(Ensembles.PatientTable patients) =>
        new(this, patients ?? throw new ArgumentNullException(nameof(patients)));

    /// <summary>The value of an expression of parameters with this problem's parameter values.</summary>
    internal double EvaluateParameters(Expr e) => e.Evaluate(s => _parameters[Model.ParameterIndex(s.Name)]);
}
