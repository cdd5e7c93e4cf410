using TwinLab.Core.Modelling;
using TwinLab.Core.Symbolic;

namespace TwinLab.Simulation.Ensembles;

/// <summary>One patient's doses, sorted by time.</summary>
internal readonly record struct DoseList(double[] Times, int[] States, double[] Amounts)
{
    public static DoseList Empty { get; } = new([], [], []);
}

/// <summary>Produces each patient's parameters, initial state and doses on demand, so that memory stays bounded by
/// the block being solved rather than by the ensemble.</summary>
internal sealed class PatientSource
{
    private readonly OdeProblem _template;
    private readonly PatientTable _patients;
    private readonly Model _model;
    private readonly (int Index, double[] Values)[] _parameterColumns;
    private readonly (int Index, double[] Values)[] _stateColumns;
    private readonly int[] _overriddenStates;
    private readonly Bolus[] _boluses;
    private readonly VectorFunction? _amounts;

    public PatientSource(OdeProblem template, PatientTable patients, bool allowInfusions = false)
    {
        _template = template;
        _patients = patients;
        _model = template.Model;
        var parameters = new List<(int, double[])>();
        var states = new List<(int, double[])>();
        foreach (var name in patients.Columns)
        {
            patients.TryGetColumn(name, out var values);
            var p = _model.Parameters.ToList().FindIndex(x => x.Name == name);
            var s = _model.States.ToList().FindIndex(x => x.Name == name);
            if (p >= 0)
            {
                parameters.Add((p, values));
            }
            else if (s >= 0)
            {
                states.Add((s, values));
            }
            else
            {
                throw new ArgumentException($"The patient table's column '{name}' is neither a parameter nor a state of model '{_model.Name}'.");
            }
        }
        _parameterColumns = [.. parameters];
        _stateColumns = [.. states];
        _overriddenStates = [.. template.OverriddenInitialStates];
        if (!allowInfusions && template.Treatments.OfType<Infusion>().Any())
        {
            throw new NotSupportedException("The lane integrator gives boluses only; infusions use the scalar path.");
        }
        _boluses = [.. template.Treatments.OfType<Bolus>()];
        _amounts = _boluses.Length == 0 ? null : OdeSystem.Compile(_model, [.. _boluses.Select(b => b.Amount)]);
        HasPatientDoses = patients.Doses is not null;
    }

    public bool HasPatientDoses { get; }

    public int Count => _patients.Count;

    public void Parameters(int patient, Span<double> destination)
    {
        _template.ParameterArray.CopyTo(destination);
        foreach (var (index, values) in _parameterColumns)
        {
            destination[index] = values[patient];
        }
    }

    /// <summary>The initial state (before doses at the start time) for the patient's parameters.</summary>
    public void Initial(int patient, ReadOnlySpan<double> parameters, Span<double> destination)
    {
        _model.Compiled.InitialValues(0, [], parameters, destination);
        foreach (var index in _overriddenStates)
        {
            destination[index] = _template.InitialArray[index];
        }
        foreach (var (index, values) in _stateColumns)
        {
            destination[index] = values[patient];
        }
    }

    /// <summary>The problem's boluses with this patient's amounts, plus the patient's own doses, within the span.</summary>
    public DoseList Doses(int patient, ReadOnlySpan<double> parameters)
    {
        if (_boluses.Length == 0 && !HasPatientDoses)
        {
            return DoseList.Empty;
        }
        Span<double> amounts = stackalloc double[_boluses.Length];
        _amounts?.Invoke(0, [], parameters, amounts);
        var list = new List<(double Time, int State, double Amount)>();
        for (var b = 0; b < _boluses.Length; b++)
        {
            var state = _model.StateIndex(_boluses[b].Target.Name);
            foreach (var time in _boluses[b].Schedule.Times)
            {
                if (time <= _template.End)
                {
                    list.Add((time, state, amounts[b]));
                }
            }
        }
        if (_patients.Doses is { } extra)
        {
            foreach (var dose in extra(patient))
            {
                if (!double.IsFinite(dose.Time) || dose.Time < _template.Start || !double.IsFinite(dose.Amount))
                {
                    throw new ArgumentException($"Patient {patient}: the dose of {dose.Amount} into '{dose.State}' at {dose.Time} is not valid: times must be finite and within the span, amounts finite.");
                }
                if (dose.Time <= _template.End)
                {
                    list.Add((dose.Time, _model.StateIndex(dose.State), dose.Amount));
                }
            }
        }
        var sorted = list.OrderBy(d => d.Time).ToArray(); // stable: doses at one time keep their order
        return new DoseList([.. sorted.Select(d => d.Time)], [.. sorted.Select(d => d.State)], [.. sorted.Select(d => d.Amount)]);
    }
}
