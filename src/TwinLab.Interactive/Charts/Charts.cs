using TwinLab.Simulation;
using TwinLab.Simulation.Ensembles;

namespace TwinLab.Interactive;

/// <summary>Ready-made charts of TwinLab results.</summary>
public static class Charts
{
    /// <summary>A fan chart of one state across an ensemble: the median over time, with 50 %, 80 % and 95 % bands
    /// (from <see cref="EnsembleSolution.Quantiles"/>: exact with stored trajectories, otherwise from the state's
    /// quantile reducer).</summary>
    /// <param name="ensemble">The ensemble's result.</param>
    /// <param name="state">The state.</param>
    /// <param name="logY">Whether the y axis is logarithmic; null chooses one when every quantile is positive and they
    /// span more than three decades.</param>
    /// <param name="title">The title; null gives the model, the state and the number of trajectories.</param>
    /// <returns>The chart.</returns>
    /// <exception cref="InvalidOperationException">Trajectories were not stored and no quantile reducer exists for
    /// <paramref name="state"/>.</exception>
    public static Chart FanChart(EnsembleSolution ensemble, string state, bool? logY = null, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        ArgumentNullException.ThrowIfNull(state);
        var q = ensemble.Quantiles(state, 0.025, 0.1, 0.25, 0.5, 0.75, 0.9, 0.975);
        var finite = q.SelectMany(row => row).Where(double.IsFinite).ToArray();
        var log = logY ?? (finite.Length > 0 && finite.Min() > 0 && finite.Max() / finite.Min() > 1e3);
        var color = ChartPalette.Colors[0];
        var times = ensemble.Times;
        return new Chart
        {
            Title = title ?? $"{ensemble.Model.Name}: {state} ({ensemble.Count - ensemble.Failed} trajectories)",
            XTitle = "time",
            YTitle = state,
            LogY = log,
        }
            .Add(new BandTrace(times, q[0], q[6], "95 %", 0.15) { Color = color })
            .Add(new BandTrace(times, q[1], q[5], "80 %", 0.2) { Color = color })
            .Add(new BandTrace(times, q[2], q[4], "50 %", 0.3) { Color = color })
            .Add(new LineTrace(times, q[3], "median") { Color = color });
    }

    /// <summary>The trajectories of states of one solution, one line each.</summary>
    /// <param name="solution">The solution.</param>
    /// <param name="states">The states; none means every state of the model.</param>
    /// <returns>The chart.</returns>
    public static Chart Trajectories(Solution solution, params string[] states)
    {
        ArgumentNullException.ThrowIfNull(solution);
        ArgumentNullException.ThrowIfNull(states);
        if (states.Length == 0)
        {
            states = [.. solution.Model.States.Select(s => s.Name)];
        }
        var chart = new Chart
        {
            Title = solution.Model.Name,
            XTitle = "time",
            YTitle = states.Length == 1 ? states[0] : "value",
        };
        foreach (var state in states)
        {
            chart.Add(new LineTrace(solution.Times, solution.State(state), state));
        }
        return chart;
    }
}
