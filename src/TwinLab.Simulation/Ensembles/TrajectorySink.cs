using TwinLab.Core.Modelling;

namespace TwinLab.Simulation.Ensembles;

/// <summary>Receives each trajectory's saved points, events and outcome: stores them when asked, and updates the
/// reducers on the fly. Trajectories write disjoint slots, so blocks on different threads never share state.</summary>
internal sealed class TrajectorySink
{
    private readonly int _n;
    private readonly int _times;
    private readonly int[] _stateOf;
    private readonly EnsembleReducer[] _reducers;

    public TrajectorySink(Model model, int count, int saveCount, EnsembleOptions options)
    {
        _n = model.States.Count;
        _times = saveCount;
        Count = count;
        if (options.StoreTrajectories)
        {
            var size = (long)count * saveCount * _n;
            if (size > Array.MaxLength)
            {
                throw new ArgumentException($"Storing {count} trajectories × {saveCount} times × {_n} states needs {size} values, more than one array can hold: set StoreTrajectories = false and use Reducers, or save fewer times.");
            }
            Values = new double[size];
            Array.Fill(Values, double.NaN);
        }
        _reducers = [.. options.Reducers];
        _hasQuantiles = _reducers.Any(r => r.Kind == EnsembleReducer.Kinds.Quantiles);
        _stateOf = [.. _reducers.Select(r => r.State is null ? -1 : model.StateIndex(r.State))];
        Reduced = [.. _reducers.Select(r => r.Kind == EnsembleReducer.Kinds.Quantiles ? [] : new double[count])];
        Sketches = [.. _reducers.Select(r => r.Kind == EnsembleReducer.Kinds.Quantiles
            ? Enumerable.Range(0, saveCount).Select(_ => new QuantileSketch(r.RelativeAccuracy)).ToArray()
            : [])];
        foreach (var (reducer, values) in _reducers.Zip(Reduced))
        {
            Array.Fill(values, reducer.Kind switch
            {
                EnsembleReducer.Kinds.Minimum => double.PositiveInfinity,
                EnsembleReducer.Kinds.Maximum => double.NegativeInfinity,
                EnsembleReducer.Kinds.Area => 0,
                _ => double.NaN,
            });
        }
        LastTime = new double[count];
        LastValue = _reducers.Any(r => r.Kind == EnsembleReducer.Kinds.Area) ? new double[count * _n] : [];
        Statuses = new SolutionStatus[count];
        Steps = new int[count];
        Rejected = new int[count];
        SavedCount = new int[count];
    }

    public int Count { get; }

    public double[]? Values { get; }

    public double[][] Reduced { get; }

    /// <summary>Per quantile reducer, one sketch per saved time (empty for other reducers).</summary>
    public QuantileSketch[][] Sketches { get; }

    /// <summary>Saved values of trajectories still being solved, for the quantile sketches: a trajectory's values
    /// enter the sketches only once it has succeeded.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, double[]> _pending = new();

    private readonly bool _hasQuantiles;

    public SolutionStatus[] Statuses { get; }

    public int[] Steps { get; }

    public int[] Rejected { get; }

    public int[] SavedCount { get; }

    private double[] LastTime { get; }

    private double[] LastValue { get; }

    public IReadOnlyList<EnsembleReducer> Reducers => _reducers;

    public void Save(int trajectory, int saveIndex, double time, ReadOnlySpan<double> state)
    {
        if (Values is not null)
        {
            state[.._n].CopyTo(Values.AsSpan(((trajectory * _times) + saveIndex) * _n, _n));
        }
        for (var r = 0; r < _reducers.Length; r++)
        {
            var s = _stateOf[r];
            var values = Reduced[r];
            switch (_reducers[r].Kind)
            {
                case EnsembleReducer.Kinds.Final:
                    values[trajectory] = state[s];
                    break;
                case EnsembleReducer.Kinds.Minimum:
                    values[trajectory] = Math.Min(values[trajectory], state[s]);
                    break;
                case EnsembleReducer.Kinds.Maximum:
                    values[trajectory] = Math.Max(values[trajectory], state[s]);
                    break;
                case EnsembleReducer.Kinds.Area when saveIndex > 0:
                    values[trajectory] += 0.5 * (time - LastTime[trajectory]) * (state[s] + LastValue[(trajectory * _n) + s]);
                    break;
                case EnsembleReducer.Kinds.Quantiles:
                    var pending = _pending.GetOrAdd(trajectory, _ => new double[_times * _reducers.Length]);
                    pending[(r * _times) + saveIndex] = state[s];
                    break;
            }
        }
        if (LastValue.Length > 0)
        {
            state[.._n].CopyTo(LastValue.AsSpan(trajectory * _n, _n));
        }
        LastTime[trajectory] = time;
        SavedCount[trajectory] = saveIndex + 1;
    }

    /// <summary>Records the first crossing of a time-to-event reducer.</summary>
    public void Event(int trajectory, int reducer, double time)
    {
        if (double.IsNaN(Reduced[reducer][trajectory]))
        {
            Reduced[reducer][trajectory] = time;
        }
    }

    public void Finish(int trajectory, SolutionStatus status, int steps, int rejected)
    {
        Statuses[trajectory] = status;
        Steps[trajectory] = steps;
        Rejected[trajectory] = rejected;
        if (_hasQuantiles && _pending.TryRemove(trajectory, out var saved) && status is SolutionStatus.Success or SolutionStatus.Terminated)
        {
            for (var r = 0; r < _reducers.Length; r++)
            {
                for (var j = 0; j < Sketches[r].Length; j++)
                {
                    Sketches[r][j].Add(saved[(r * _times) + j]);
                }
            }
        }
        // A failed trajectory's summaries over the full span are undefined; NaN says so rather than a partial value.
        if (status is not (SolutionStatus.Success or SolutionStatus.Terminated))
        {
            for (var r = 0; r < _reducers.Length; r++)
            {
                if (_reducers[r].Kind == EnsembleReducer.Kinds.Quantiles)
                {
                    continue;
                }
                if (_reducers[r].Kind != EnsembleReducer.Kinds.TimeToEvent || double.IsNaN(Reduced[r][trajectory]))
                {
                    Reduced[r][trajectory] = double.NaN;
                }
            }
        }
    }
}
