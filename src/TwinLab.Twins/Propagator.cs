using TwinLab.Core.Modelling;
using TwinLab.Simulation;
using TwinLab.Simulation.Ensembles;

namespace TwinLab.Twins;

/// <summary>Runs a twin's particles from their current states as an ensemble of virtual patients.</summary>
internal static class Propagator
{
    internal sealed record Result(double[] Times, double[][,] States, bool[] Succeeded);

    /// <summary>Solves every particle from <paramref name="start"/> (its current state) to <paramref name="end"/>,
    /// saving at <paramref name="saveAt"/>. Boluses of <paramref name="treatments"/> at times in [start, end) are
    /// given; a dose at <paramref name="end"/> belongs to the next interval, so a measurement at a dose time is
    /// taken before the dose.</summary>
    /// <remarks>The particles' parameters and states are the twin's unless <paramref name="parameterMatrix"/> and
    /// <paramref name="stateMatrix"/> (same shapes) are given.</remarks>
    public static Result Run(Twin twin, double start, double end, double[] saveAt, IReadOnlyList<Treatment> treatments,
        IReadOnlyDictionary<string, double>? overrides, double[,]? parameterMatrix = null, double[,]? stateMatrix = null)
    {
        var model = twin.Model;
        var n = twin.Count;
        var fixedValues = new Dictionary<string, double>(twin.Options.FixedParameters, StringComparer.Ordinal);
        foreach (var (name, value) in overrides ?? new Dictionary<string, double>())
        {
            if (twin.Estimated.Contains(name))
            {
                throw new ArgumentException($"'{name}' is an estimated parameter; a scenario may set only fixed (e.g. design) parameters.", nameof(overrides));
            }
            fixedValues[name] = value;
        }
        var doses = new List<Treatment>();
        foreach (var t in treatments)
        {
            if (t is not Bolus b)
            {
                throw new ArgumentException($"The treatment '{t.Name}' is an infusion; twins support bolus doses only.", nameof(treatments));
            }
            var inWindow = b.Schedule.Times.Where(x => x >= start && x < end).ToArray();
            if (inWindow.Length > 0)
            {
                doses.Add(new Bolus(b.Name, b.Target, b.Amount, DoseSchedule.At(inWindow)));
            }
        }
        OdeProblem problem;
        try
        {
            problem = new OdeProblem(model, (start, end), saveAt, parameters: fixedValues, doses: doses, includeModelTreatments: false);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"The twin's particles cannot be run from t={start} to t={end}: {e.Message}", e);
        }
        parameterMatrix ??= twin.ParameterMatrix;
        stateMatrix ??= twin.StateMatrix;
        var columns = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var name in twin.Estimated)
        {
            var p = model.ParameterIndex(name);
            var c = new double[n];
            for (var i = 0; i < n; i++)
            {
                c[i] = parameterMatrix[i, p];
            }
            columns[name] = c;
        }
        for (var s = 0; s < model.States.Count; s++)
        {
            var c = new double[n];
            for (var i = 0; i < n; i++)
            {
                c[i] = stateMatrix[i, s];
            }
            columns[model.States[s].Name] = c;
        }
        var solution = problem.Ensemble(PatientTable.FromColumns(columns)).Solve(twin.Options.Algorithm,
            new EnsembleOptions { Threads = twin.Options.Threads, StoreTrajectories = true });
        var times = solution.Times.ToArray();
        var states = new double[n][,];
        var succeeded = new bool[n];
        var stateSeries = new double[model.States.Count][];
        for (var i = 0; i < n; i++)
        {
            succeeded[i] = solution.Statuses[i] is SolutionStatus.Success or SolutionStatus.Terminated;
            for (var s = 0; s < model.States.Count; s++)
            {
                stateSeries[s] = solution.State(i, model.States[s].Name);
            }
            var m = new double[times.Length, model.States.Count];
            for (var j = 0; j < times.Length; j++)
            {
                for (var s = 0; s < model.States.Count; s++)
                {
                    m[j, s] = stateSeries[s][j];
                    succeeded[i] &= double.IsFinite(m[j, s]);
                }
            }
            states[i] = m;
        }
        return new Result(times, states, succeeded);
    }
}
