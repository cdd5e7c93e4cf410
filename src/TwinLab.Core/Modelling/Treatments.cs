using System.Globalization;
using TwinLab.Core.Symbolic;

namespace TwinLab.Core.Modelling;

/// <summary>When a treatment is given: an explicit list of times, or every <see cref="Interval"/> time units
/// <see cref="Count"/> times from <see cref="Start"/>.</summary>
public sealed class DoseSchedule : IEquatable<DoseSchedule>
{
    private DoseSchedule(IReadOnlyList<double> times, double? interval, int? count, double? start)
    {
        Times = times;
        Interval = interval;
        Count = count;
        Start = start;
    }

    /// <summary>Every dose time, in increasing order.</summary>
    public IReadOnlyList<double> Times { get; }

    /// <summary>The dosing interval of a regular schedule; null for an explicit list.</summary>
    public double? Interval { get; }

    /// <summary>The number of doses of a regular schedule; null for an explicit list.</summary>
    public int? Count { get; }

    /// <summary>The first dose time of a regular schedule; null for an explicit list.</summary>
    public double? Start { get; }

    /// <summary>Doses at the given times (any order; duplicates are kept as repeated doses).</summary>
    /// <param name="times">The dose times.</param>
    /// <exception cref="ArgumentException">No times, or a time that is negative or not finite.</exception>
    public static DoseSchedule At(params double[] times)
    {
        ArgumentNullException.ThrowIfNull(times);
        if (times.Length == 0)
        {
            throw new ArgumentException("A dose schedule needs at least one time.", nameof(times));
        }
        foreach (var t in times)
        {
            CheckTime(t, nameof(times));
        }
        var sorted = (double[])times.Clone();
        Array.Sort(sorted);
        return new DoseSchedule(sorted, null, null, null);
    }

    /// <summary>A regular schedule: <paramref name="count"/> doses, <paramref name="interval"/> apart, the first at
    /// <paramref name="start"/> (e.g. <c>Every(7, 4)</c>: weekly for four weeks from time 0).</summary>
    /// <param name="interval">Time between doses (positive).</param>
    /// <param name="count">Number of doses (at least one).</param>
    /// <param name="start">Time of the first dose (not negative).</param>
    /// <exception cref="ArgumentException">A non-positive interval or count, or a negative or non-finite start.</exception>
    public static DoseSchedule Every(double interval, int count, double start = 0)
    {
        if (!double.IsFinite(interval) || interval <= 0)
        {
            throw new ArgumentException($"The dosing interval must be a positive number; got {interval}.", nameof(interval));
        }
        if (count < 1)
        {
            throw new ArgumentException($"A regular schedule needs at least one dose; got count {count}.", nameof(count));
        }
        CheckTime(start, nameof(start));
        var times = new double[count];
        for (var i = 0; i < count; i++)
        {
            times[i] = start + (i * interval);
        }
        return new DoseSchedule(times, interval, count, start);
    }

    private static void CheckTime(double t, string name)
    {
        if (!double.IsFinite(t) || t < 0)
        {
            throw new ArgumentException($"Dose times must be finite and not negative; got {t.ToString(CultureInfo.InvariantCulture)}. Shift the schedule so that it starts at time 0 or later.", name);
        }
    }

    /// <inheritdoc />
    public bool Equals(DoseSchedule? other) =>
        other is not null && Times.SequenceEqual(other.Times) && Interval == other.Interval && Count == other.Count && Start == other.Start;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as DoseSchedule);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Times.Count, Interval, Count, Start);

    /// <inheritdoc />
    public override string ToString() => Interval is { } every
        ? string.Create(CultureInfo.InvariantCulture, $"every {every} × {Count} from {Start}")
        : "at " + string.Join(", ", Times.Select(t => t.ToString(CultureInfo.InvariantCulture)));
}

/// <summary>A treatment: doses into a state on a schedule.</summary>
public abstract class Treatment
{
    private protected Treatment(string name, Symbol target, DoseSchedule schedule)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Target = target ?? throw new ArgumentNullException(nameof(target));
        Schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
    }

    /// <summary>The treatment's name (e.g. <c>oral_dose</c>).</summary>
    public string Name { get; }

    /// <summary>The state that receives the doses.</summary>
    public Symbol Target { get; }

    /// <summary>When the doses are given.</summary>
    public DoseSchedule Schedule { get; }
}

/// <summary>An instantaneous dose: at each scheduled time, <see cref="Amount"/> is added to the target state.</summary>
public sealed class Bolus : Treatment
{
    /// <summary>Creates a bolus treatment (models add theirs with <see cref="ModelBuilder.Bolus"/>; a simulation can add
    /// more, e.g. from the command line). The target is checked against the model where the treatment is used.</summary>
    /// <param name="name">The treatment's name.</param>
    /// <param name="target">The state that receives each dose.</param>
    /// <param name="amount">The amount per dose: a constant or an expression of parameters.</param>
    /// <param name="schedule">When the doses are given.</param>
    public Bolus(string name, Symbol target, Expr amount, DoseSchedule schedule) : base(name, target, schedule) =>
        Amount = amount ?? throw new ArgumentNullException(nameof(amount));

    /// <summary>The amount added per dose: a constant or an expression of parameters.</summary>
    public Expr Amount { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Name}: bolus of {Amount} into {Target} {Schedule}";
}

/// <summary>A zero-order infusion: from each scheduled time, for <see cref="Duration"/>, <see cref="Rate"/> is added
/// to the target state's rate of change (so each infusion delivers <c>Rate × Duration</c>).</summary>
public sealed class Infusion : Treatment
{
    /// <summary>Creates an infusion treatment (models add theirs with <see cref="ModelBuilder.Infusion"/>).</summary>
    /// <param name="name">The treatment's name.</param>
    /// <param name="target">The state that receives the infusion.</param>
    /// <param name="rate">Amount per time unit: a constant or an expression of parameters.</param>
    /// <param name="duration">How long each infusion lasts (positive).</param>
    /// <param name="schedule">When each infusion starts.</param>
    public Infusion(string name, Symbol target, Expr rate, double duration, DoseSchedule schedule) : base(name, target, schedule)
    {
        Rate = rate ?? throw new ArgumentNullException(nameof(rate));
        Duration = duration;
    }

    /// <summary>The infusion rate (amount per time unit): a constant or an expression of parameters.</summary>
    public Expr Rate { get; }

    /// <summary>How long each infusion lasts.</summary>
    public double Duration { get; }

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Name}: infusion of {Rate} per time unit for {Duration} into {Target} {Schedule}");
}
