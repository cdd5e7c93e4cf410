using TwinLab.Core.Symbolic;

namespace TwinLab.Simulation.Ensembles;

/// <summary>Which engine runs an ensemble.</summary>
public enum EnsembleBackend
{
    /// <summary>Structure-of-arrays SIMD lanes (AVX-512 or AVX2, whichever the machine has), on every core.</summary>
    Simd,
    /// <summary>The same algorithm one trajectory at a time: the reference the SIMD path is tested against.</summary>
    Scalar,
}

/// <summary>The floating-point precision of the SIMD path (outputs are always reported as doubles).</summary>
public enum EnsemblePrecision
{
    /// <summary>Double precision (the default).</summary>
    DoublePrecision,
    /// <summary>Single precision: twice the lanes per register, for fixed-step throughput studies.</summary>
    SinglePrecision,
}

/// <summary>Progress of an ensemble: trajectories finished out of the total.</summary>
/// <param name="Completed">Trajectories finished.</param>
/// <param name="Total">All trajectories.</param>
public readonly record struct EnsembleProgress(int Completed, int Total);

/// <summary>
/// A per-trajectory summary computed while the ensemble runs, so that the full N × T × S array need not be kept:
/// the final value, minimum, maximum or area under the curve of a state over the saved times, or the time of the first
/// crossing of an event condition (NaN when it never happens: the trajectory is censored).
/// </summary>
public sealed class EnsembleReducer
{
    internal enum Kinds
    {
        Final,
        Minimum,
        Maximum,
        Area,
        TimeToEvent,
        Quantiles,
    }

    private EnsembleReducer(string name, Kinds kind, string? state, Expr? condition, CrossingDirection direction, double accuracy = 0)
    {
        RelativeAccuracy = accuracy;
        Name = name;
        Kind = kind;
        State = state;
        Condition = condition;
        Direction = direction;
    }

    /// <summary>The reducer's name, used to read its values from <see cref="EnsembleSolution.Reduced"/>.</summary>
    public string Name { get; }

    internal Kinds Kind { get; }

    /// <summary>The state summarised (null for a time to event).</summary>
    public string? State { get; }

    /// <summary>The event condition (for a time to event).</summary>
    public Expr? Condition { get; }

    /// <summary>The crossing direction (for a time to event).</summary>
    public CrossingDirection Direction { get; }

    /// <summary>The relative accuracy of a quantile sketch.</summary>
    public double RelativeAccuracy { get; }

    /// <summary>The state's value at the last saved time.</summary>
    /// <param name="state">The state.</param>
    public static EnsembleReducer Final(string state) => new($"final({state})", Kinds.Final, state, null, default);

    /// <summary>The state's smallest saved value.</summary>
    /// <param name="state">The state.</param>
    public static EnsembleReducer Minimum(string state) => new($"min({state})", Kinds.Minimum, state, null, default);

    /// <summary>The state's largest saved value.</summary>
    /// <param name="state">The state.</param>
    public static EnsembleReducer Maximum(string state) => new($"max({state})", Kinds.Maximum, state, null, default);

    /// <summary>The area under the state's curve by the trapezoidal rule over the saved times (make the save grid
    /// fine enough for the accuracy needed).</summary>
    /// <param name="state">The state.</param>
    public static EnsembleReducer AreaUnderCurve(string state) => new($"auc({state})", Kinds.Area, state, null, default);

    /// <summary>The time at which <paramref name="condition"/> first crosses zero in the given direction, located on the
    /// solver's dense output; NaN when it does not happen in the time span.</summary>
    /// <param name="name">The reducer's name (e.g. <c>time_to_progression</c>).</param>
    /// <param name="condition">An expression of states, parameters, observables and time.</param>
    /// <param name="direction">Which crossings count.</param>
    public static EnsembleReducer TimeToEvent(string name, Expr condition, CrossingDirection direction = CrossingDirection.Rising) =>
        new(name, Kinds.TimeToEvent, null, condition ?? throw new ArgumentNullException(nameof(condition)), direction);

    /// <summary>Quantiles of the state across the ensemble at every saved time, in bounded memory: a mergeable
    /// sketch per saved time returns each quantile within a relative error <paramref name="relativeAccuracy"/> of a
    /// value of the sample (read them with <see cref="EnsembleSolution.Quantiles(string, double[])"/> by this
    /// reducer's name, <c>quantiles(state)</c>). Failed trajectories are left out.</summary>
    /// <param name="state">The state.</param>
    /// <param name="relativeAccuracy">α in (0, 0.5): 0.001 gives quantiles within 0.1 %.</param>
    public static EnsembleReducer Quantiles(string state, double relativeAccuracy = 0.001) =>
        relativeAccuracy is > 0 and < 0.5
            ? new($"quantiles({state})", Kinds.Quantiles, state, null, default, relativeAccuracy)
            : throw new ArgumentOutOfRangeException(nameof(relativeAccuracy), relativeAccuracy, "The relative accuracy must lie in (0, 0.5).");

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>How an ensemble runs.</summary>
public sealed class EnsembleOptions
{
    /// <summary>Worker threads (default: every core). Results do not depend on it.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Trajectories per work item (default 1024). Results do not depend on it.</summary>
    public int BlockSize { get; init; } = 1024;

    /// <summary>SIMD lanes (default) or the scalar reference.</summary>
    public EnsembleBackend Backend { get; init; } = EnsembleBackend.Simd;

    /// <summary>Floating-point precision of the SIMD path.</summary>
    public EnsemblePrecision Precision { get; init; } = EnsemblePrecision.DoublePrecision;

    /// <summary>Whether every trajectory's saved points are kept (default true). Set false for large ensembles and use
    /// <see cref="Reducers"/>: memory then stays bounded by the block buffers.</summary>
    public bool StoreTrajectories { get; init; } = true;

    /// <summary>Per-trajectory summaries computed on the fly.</summary>
    public IReadOnlyList<EnsembleReducer> Reducers { get; init; } = [];

    /// <summary>Receives progress after each block.</summary>
    public IProgress<EnsembleProgress>? Progress { get; init; }

    /// <summary>Whether runs of steps without per-lane bookkeeping use the integrator's register loops (default true).
    /// The results are bitwise the same either way; tests turn them off to check that.</summary>
    internal bool InnerLoops { get; init; } = true;

    internal void Validate()
    {
        if (Threads < 1)
        {
            throw new ArgumentException($"Threads must be at least 1; got {Threads}.");
        }
        if (BlockSize < 1)
        {
            throw new ArgumentException($"BlockSize must be at least 1; got {BlockSize}.");
        }
        if (Reducers.Select(r => r.Name).Distinct(StringComparer.Ordinal).Count() != Reducers.Count)
        {
            throw new ArgumentException("Two reducers have the same name.");
        }
    }
}
