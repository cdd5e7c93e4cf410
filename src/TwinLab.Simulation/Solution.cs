using TwinLab.Core.Modelling;

namespace TwinLab.Simulation;

/// <summary>How a solve ended.</summary>
public enum SolutionStatus
{
    /// <summary>Integrated to the end of the time span.</summary>
    Success,
    /// <summary>Stopped early, as asked, by a terminal <see cref="StateEvent"/>.</summary>
    Terminated,
    /// <summary>Stopped because the step size fell below the resolution of the time axis (often a blow-up or a
    /// discontinuity the model does not declare).</summary>
    StepSizeTooSmall,
    /// <summary>Stopped after the maximum number of steps; raise <see cref="OdeAlgorithm.MaxSteps"/> or use a stiff
    /// solver.</summary>
    MaxStepsReached,
    /// <summary>Stopped because the state became NaN or infinite.</summary>
    NonFiniteState,
}

/// <summary>Counts of the work a solve did.</summary>
/// <param name="AcceptedSteps">Steps accepted.</param>
/// <param name="RejectedSteps">Steps rejected by error control (or by a non-negativity or finiteness check).</param>
/// <param name="FunctionEvaluations">Right-hand-side evaluations.</param>
/// <param name="JacobianEvaluations">Jacobian evaluations.</param>
/// <param name="Factorizations">LU factorisations of the iteration matrix (stiff solvers).</param>
/// <param name="NonNegativeProjections">Times a non-negative state that came out below zero by less than its absolute
/// tolerance was set to zero (larger violations reject the step instead).</param>
/// <param name="StiffSwitchTime">For <see cref="AutoAlgorithm"/>: when the solve switched to the stiff method, or
/// null if it did not.</param>
public sealed record SolverStatistics(
    int AcceptedSteps,
    int RejectedSteps,
    int FunctionEvaluations,
    int JacobianEvaluations,
    int Factorizations,
    int NonNegativeProjections,
    double? StiffSwitchTime);

/// <summary>A state-triggered event that occurred during a solve.</summary>
/// <param name="Name">The event's name.</param>
/// <param name="Time">When it occurred (located by root finding on the dense output).</param>
/// <param name="State">The state at that time.</param>
public sealed record EventOccurrence(string Name, double Time, IReadOnlyList<double> State);

/// <summary>
/// The result of <see cref="OdeProblem.Solve"/>: the saved times with the states and observables at each, how the solve
/// ended, and what it cost. A failed solve keeps everything computed before the failure.
/// </summary>
public sealed class Solution
{
    private readonly double[] _states;
    private readonly double[] _observables;
    private readonly double[]? _sensitivities;

    internal Solution(OdeProblem problem, string algorithm, double[] times, double[] states, double[] observables,
        double[]? sensitivities, SolutionStatus status, string message, SolverStatistics statistics, IReadOnlyList<EventOccurrence> events)
    {
        Problem = problem;
        Algorithm = algorithm;
        Times = times;
        _states = states;
        _observables = observables;
        _sensitivities = sensitivities;
        Status = status;
        Message = message;
        Statistics = statistics;
        Events = events;
    }

    /// <summary>The problem that was solved.</summary>
    public OdeProblem Problem { get; }

    /// <summary>The model.</summary>
    public Model Model => Problem.Model;

    /// <summary>The algorithm's name and settings.</summary>
    public string Algorithm { get; }

    /// <summary>The saved times, in order (a dose time appears twice, before and after the dose, when every step is saved).</summary>
    public IReadOnlyList<double> Times { get; }

    /// <summary>How the solve ended.</summary>
    public SolutionStatus Status { get; }

    /// <summary>Whether the solve reached the end of the span or stopped at a terminal event as asked.</summary>
    public bool Succeeded => Status is SolutionStatus.Success or SolutionStatus.Terminated;

    /// <summary>A sentence explaining the status (empty on success).</summary>
    public string Message { get; }

    /// <summary>The work done.</summary>
    public SolverStatistics Statistics { get; }

    /// <summary>State-triggered events that occurred, in time order.</summary>
    public IReadOnlyList<EventOccurrence> Events { get; }

    /// <summary>The number of saved points.</summary>
    public int Count => Times.Count;

    /// <summary>The value of state <paramref name="state"/> at saved point <paramref name="index"/>.</summary>
    /// <param name="index">The index of the saved time.</param>
    /// <param name="state">The state's index in <see cref="Model.States"/>.</param>
    public double this[int index, int state] => _states[(index * Model.States.Count) + state];

    /// <summary>The time series of a state.</summary>
    /// <param name="name">The state's name.</param>
    /// <exception cref="KeyNotFoundException">The model has no such state.</exception>
    public double[] State(string name) => Column(_states, Model.States.Count, Model.StateIndex(name));

    /// <summary>The time series of an observable.</summary>
    /// <param name="name">The observable's name.</param>
    /// <exception cref="KeyNotFoundException">The model has no such observable.</exception>
    public double[] Observable(string name)
    {
        for (var i = 0; i < Model.Observables.Count; i++)
        {
            if (Model.Observables[i].Name == name)
            {
                return Column(_observables, Model.Observables.Count, i);
            }
        }
        throw new KeyNotFoundException($"Model '{Model.Name}' has no observable '{name}'; its observables are {string.Join(", ", Model.Observables.Select(o => o.Name))}.");
    }

    /// <summary>The state vector at saved point <paramref name="index"/>.</summary>
    /// <param name="index">The index of the saved time.</param>
    public double[] StateAt(int index) => _states.AsSpan(index * Model.States.Count, Model.States.Count).ToArray();

    /// <summary>The forward sensitivity ∂state/∂parameter over time.</summary>
    /// <param name="state">The state's name.</param>
    /// <param name="parameter">A parameter listed in <see cref="OdeProblem.SensitivityParameters"/>.</param>
    /// <exception cref="InvalidOperationException">The problem did not ask for sensitivities.</exception>
    /// <exception cref="KeyNotFoundException">The state or parameter is unknown, or sensitivities were not asked for it.</exception>
    public double[] Sensitivity(string state, string parameter)
    {
        if (_sensitivities is null)
        {
            throw new InvalidOperationException("This solution has no sensitivities: create the OdeProblem with sensitivities: [parameter names].");
        }
        var k = Problem.SensitivityParameters.ToList().IndexOf(parameter);
        if (k < 0)
        {
            throw new KeyNotFoundException($"No sensitivity was computed for '{parameter}'; the problem asked for {string.Join(", ", Problem.SensitivityParameters)}.");
        }
        var p = Problem.SensitivityParameters.Count;
        return Column(_sensitivities, Model.States.Count * p, (Model.StateIndex(state) * p) + k);
    }

    private double[] Column(double[] data, int width, int column)
    {
        var result = new double[Times.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = data[(i * width) + column];
        }
        return result;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Model.Name}: {Status}, {Count} points, {Statistics.AcceptedSteps} steps ({Statistics.RejectedSteps} rejected), {Algorithm}"
        + (Message.Length > 0 ? $" — {Message}" : "");
}
