using System.Globalization;
using TwinLab.Core.Modelling;

namespace TwinLab.Simulation.Ensembles;

/// <summary>
/// The result of an ensemble: each trajectory's status and, when stored, its saved points; the reducers' values; and
/// what the run cost. Patients are numbered as in the <see cref="PatientTable"/>.
/// </summary>
public sealed class EnsembleSolution
{
    private readonly TrajectorySink _sink;
    private readonly double[] _times;

    internal EnsembleSolution(EnsembleProblem problem, string algorithm, string engine, double[] times, TrajectorySink sink, TimeSpan elapsed)
    {
        Problem = problem;
        Algorithm = algorithm;
        Engine = engine;
        _times = times;
        _sink = sink;
        Elapsed = elapsed;
        AcceptedSteps = sink.Steps.Sum(s => (long)s);
        RejectedSteps = sink.Rejected.Sum(s => (long)s);
        Failed = sink.Statuses.Count(s => s is not (SolutionStatus.Success or SolutionStatus.Terminated));
    }

    /// <summary>The ensemble that was solved.</summary>
    public EnsembleProblem Problem { get; }

    /// <summary>The model.</summary>
    public Model Model => Problem.Template.Model;

    /// <summary>The algorithm and its settings.</summary>
    public string Algorithm { get; }

    /// <summary>How the trajectories were computed (lanes, precision, threads, fallbacks).</summary>
    public string Engine { get; }

    /// <summary>The number of trajectories.</summary>
    public int Count => _sink.Count;

    /// <summary>The saved times, shared by every trajectory.</summary>
    public IReadOnlyList<double> Times => _times;

    /// <summary>Each trajectory's status.</summary>
    public IReadOnlyList<SolutionStatus> Statuses => _sink.Statuses;

    /// <summary>How many trajectories failed.</summary>
    public int Failed { get; }

    /// <summary>Accepted steps over all trajectories (trajectory-steps).</summary>
    public long AcceptedSteps { get; }

    /// <summary>Rejected steps over all trajectories.</summary>
    public long RejectedSteps { get; }

    /// <summary>Wall-clock time of the solve.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Accepted trajectory-steps per second of wall-clock time.</summary>
    public double TrajectoryStepsPerSecond => AcceptedSteps / Math.Max(Elapsed.TotalSeconds, 1e-9);

    /// <summary>Whether every trajectory's saved points were kept.</summary>
    public bool HasTrajectories => _sink.Values is not null;

    /// <summary>The saved values of one state of one patient (NaN after a failure).</summary>
    /// <param name="patient">The patient's index.</param>
    /// <param name="state">The state's name.</param>
    /// <exception cref="InvalidOperationException">Trajectories were not stored.</exception>
    public double[] State(int patient, string state)
    {
        var values = _sink.Values ?? throw new InvalidOperationException("Trajectories were not stored (EnsembleOptions.StoreTrajectories = false); use reducers, or store them.");
        ArgumentOutOfRangeException.ThrowIfNegative(patient);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(patient, Count);
        var n = Model.States.Count;
        var s = Model.StateIndex(state);
        var result = new double[_times.Length];
        for (var j = 0; j < result.Length; j++)
        {
            result[j] = values[(((patient * _times.Length) + j) * n) + s];
        }
        return result;
    }

    /// <summary>A reducer's value for every patient.</summary>
    /// <param name="name">The reducer's name (e.g. <c>final(V)</c>, or the name given to a time to event).</param>
    /// <exception cref="KeyNotFoundException">No reducer has that name.</exception>
    public IReadOnlyList<double> Reduced(string name)
    {
        for (var r = 0; r < _sink.Reducers.Count; r++)
        {
            if (_sink.Reducers[r].Name == name)
            {
                return _sink.Reducers[r].Kind == EnsembleReducer.Kinds.Quantiles
                    ? throw new InvalidOperationException($"'{name}' summarises the ensemble, not each patient: read it with Quantiles(\"{_sink.Reducers[r].State}\", probabilities).")
                    : _sink.Reduced[r];
            }
        }
        throw new KeyNotFoundException($"No reducer is named '{name}'; the reducers are {string.Join(", ", _sink.Reducers.Select(r => r.Name))}.");
    }

    /// <summary>Quantiles of a state across the successful trajectories at each saved time, e.g.
    /// <c>Quantiles("V", 0.025, 0.5, 0.975)</c> for a fan chart: exact (linear interpolation between order statistics,
    /// as NumPy's default) when trajectories are stored, otherwise from the state's
    /// <see cref="EnsembleReducer.Quantiles"/> sketch, within its relative accuracy.</summary>
    /// <param name="state">The state.</param>
    /// <param name="probabilities">Probabilities in [0, 1].</param>
    /// <returns>One row per probability, one column per saved time.</returns>
    /// <exception cref="InvalidOperationException">Trajectories were not stored and no quantile reducer was asked for.</exception>
    public double[][] Quantiles(string state, params double[] probabilities)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        if (!HasTrajectories)
        {
            var r = _sink.Reducers.ToList().FindIndex(x => x.Kind == EnsembleReducer.Kinds.Quantiles && x.State == state);
            if (r < 0)
            {
                throw new InvalidOperationException($"Trajectories were not stored: add EnsembleReducer.Quantiles(\"{state}\") to the options to get quantiles in bounded memory.");
            }
            foreach (var p in probabilities)
            {
                _ = Quantile([0.0], p); // validates the probability
            }
            return [.. probabilities.Select(p => _sink.Sketches[r].Select(sketch => sketch.Quantile(p)).ToArray())];
        }
        var successful = Enumerable.Range(0, Count).Where(i => _sink.Statuses[i] is SolutionStatus.Success or SolutionStatus.Terminated).ToArray();
        var result = probabilities.Select(_ => new double[_times.Length]).ToArray();
        var column = new double[successful.Length];
        var series = successful.Select(i => State(i, state)).ToArray();
        for (var j = 0; j < _times.Length; j++)
        {
            for (var i = 0; i < successful.Length; i++)
            {
                column[i] = series[i][j];
            }
            Array.Sort(column);
            for (var q = 0; q < probabilities.Length; q++)
            {
                result[q][j] = Quantile(column, probabilities[q]);
            }
        }
        return result;
    }

    internal static double Quantile(double[] sorted, double p)
    {
        if (!(p >= 0 && p <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "Probabilities must lie in [0, 1].");
        }
        if (sorted.Length == 0)
        {
            return double.NaN;
        }
        var position = p * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + ((position - below) * (sorted[above] - sorted[below]));
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Model.Name}: {Count} trajectories ({Failed} failed), {AcceptedSteps} steps in {Elapsed.TotalSeconds:F3} s ({TrajectoryStepsPerSecond:E3} trajectory-steps/s); {Engine}");
}
