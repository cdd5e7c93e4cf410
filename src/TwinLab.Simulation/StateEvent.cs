using TwinLab.Core.Symbolic;

namespace TwinLab.Simulation;

/// <summary>Which zero crossings of an event's condition count.</summary>
public enum CrossingDirection
{
    /// <summary>From negative to positive (e.g. a volume rising through a threshold).</summary>
    Rising,
    /// <summary>From positive to negative.</summary>
    Falling,
    /// <summary>Either way.</summary>
    Either,
}

/// <summary>
/// An event triggered when <see cref="Condition"/>, an expression of states, parameters, observables and time,
/// crosses zero — e.g. <c>V - 1000</c> rising: the tumour volume reaches 1000. The crossing time is located by root
/// finding on the solver's dense output; a terminal event ends the solve there (time to event).
/// </summary>
/// <param name="Name">The event's name, used in <see cref="Solution.Events"/>.</param>
/// <param name="Condition">The expression whose zero crossing is the event.</param>
/// <param name="Direction">Which crossings count.</param>
/// <param name="Terminal">Whether the solve stops at the first occurrence.</param>
public sealed record StateEvent(string Name, Expr Condition, CrossingDirection Direction = CrossingDirection.Either, bool Terminal = true);
