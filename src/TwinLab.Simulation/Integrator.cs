using System.Globalization;
using TwinLab.Core.Modelling;
using TwinLab.Core.Symbolic;

namespace TwinLab.Simulation;

/// <summary>
/// The integration loop shared by every algorithm: splits the span at dose times (so no step straddles a dose),
/// chooses step sizes (Hairer's initial step and PI controller), saves dense output at the requested times, locates
/// state events, keeps non-negative states non-negative, switches to a stiff method when asked, and turns numerical
/// failure into a status.
/// </summary>
internal sealed class Integrator
{
    private const double Safety = 0.9, MinFactor = 0.2, MaxFactor = 10;

    private readonly OdeProblem _problem;
    private readonly OdeAlgorithm _algorithm;
    private readonly CancellationToken _cancellation;
    private readonly Model _model;
    private readonly int _n;
    private readonly int _p;
    private readonly int _dimension;
    private readonly OdeSystem _system;
    private readonly double[] _absTol;
    private readonly bool[] _nonNegative;
    private readonly double[]? _saveAt;
    private int _saveIndex;

    private readonly List<double> _times = [];
    private readonly List<double> _values = [];
    private readonly List<EventOccurrence> _events = [];
    private readonly VectorFunction? _eventFunctions;
    private readonly double[] _eventOld;
    private readonly double[] _eventNew;

    private Stepper _stepper;
    private int _accepted, _rejected, _projections, _factorizationsBefore;
    private double? _switchTime;

    public Integrator(OdeProblem problem, OdeAlgorithm algorithm, CancellationToken cancellation)
    {
        _problem = problem;
        _algorithm = algorithm;
        _cancellation = cancellation;
        _model = problem.Model;
        _n = _model.States.Count;
        _p = problem.SensitivityParameters.Count;
        var columns = problem.SensitivityParameters.Select(_model.ParameterIndex).ToArray();
        _system = new OdeSystem(_model.Compiled, problem.ParameterArray, columns);
        _dimension = _system.Dimension;
        _saveAt = problem.SaveAtArray;

        _absTol = new double[_dimension];
        for (var i = 0; i < _n; i++)
        {
            var name = _model.States[i].Name;
            _absTol[i] = algorithm.StateAbsTol is { } perState && perState.TryGetValue(name, out var a)
                ? OdeAlgorithm.Positive(a, $"StateAbsTol[{name}]")
                : algorithm.AbsTol;
            for (var k = 0; k < _p; k++)
            {
                // Sensitivities are scaled by their parameter, as in CVODES: ∂y/∂p · p has the units of y.
                var scale = Math.Abs(problem.ParameterArray[columns[k]]);
                _absTol[_n + (i * _p) + k] = _absTol[i] / (scale > 0 ? scale : 1);
            }
        }
        if (algorithm.StateAbsTol is { } given)
        {
            foreach (var name in given.Keys)
            {
                _model.StateIndex(name); // unknown names are reported, not ignored
            }
        }
        _nonNegative = [.. _model.States.Select(s => s.NonNegative)];

        if (problem.Events.Count > 0)
        {
            _eventFunctions = OdeSystem.Compile(_model, [.. problem.Events.Select(e => _model.Expand(e.Condition))]);
        }
        _eventOld = new double[problem.Events.Count];
        _eventNew = new double[problem.Events.Count];
        _stepper = algorithm.CreateStepper(_system);
    }

    private sealed record DoseAction(double Time, Treatment Treatment, bool Starts);

    public Solution Run()
    {
        var y = new double[_dimension];
        var yNew = new double[_dimension];
        var error = new double[_dimension];
        Array.Copy(_problem.InitialArray, y, _n);
        InitialSensitivities(y);

        var actions = BuildActions();
        var stops = actions.Select(a => a.Time).Where(t => t > _problem.Start && t < _problem.End).Distinct().Order().Append(_problem.End).ToArray();
        var t = _problem.Start;
        ApplyActions(actions, t, y);
        EvaluateEvents(t, y, _eventOld);
        if (_saveAt is null)
        {
            SaveCopy(t, y);
        }
        else
        {
            SaveThrough(t, y, inclusive: true);
        }

        var status = SolutionStatus.Success;
        var message = "";
        double h = double.NaN;
        double facOld = 1e-4;
        bool lastRejected = false, lastNonFinite = false;
        int stiffCount = 0, nonStiffCount = 0;
        var fixedStep = _algorithm.FixedStep;
        var maxStep = _algorithm.MaxStep ?? double.PositiveInfinity;
        var result = new double[_dimension];

        foreach (var stop in stops)
        {
            _stepper.Start(t, y);
            if (double.IsNaN(h))
            {
                h = fixedStep ?? _algorithm.InitialStep ?? InitialStep(t, y, stop, maxStep);
            }
            while (t < stop)
            {
                _cancellation.ThrowIfCancellationRequested();
                if (_accepted + _rejected >= _algorithm.MaxSteps)
                {
                    status = SolutionStatus.MaxStepsReached;
                    message = string.Create(CultureInfo.InvariantCulture,
                        $"Stopped at t = {t:G6} after {_algorithm.MaxSteps} steps: raise MaxSteps, loosen the tolerances, or use a stiff solver (Rodas5P, Rosenbrock23, Auto).");
                    goto Finished;
                }
                h = Math.Min(h, maxStep);
                var step = h;
                var last = false;
                if (t + (1.01 * step) >= stop || (fixedStep is not null && t + step >= stop - (1e-12 * Math.Max(1, Math.Abs(stop)))))
                {
                    step = stop - t;
                    last = true;
                }

                _stepper.Attempt(t, step, y, yNew, error);
                var adaptive = fixedStep is null && _stepper.HasErrorEstimate;
                var errorNorm = adaptive ? ErrorNorm(error, y, yNew) : 0;
                var finite = double.IsFinite(errorNorm) && AllFinite(yNew);
                if (!finite)
                {
                    if (!adaptive)
                    {
                        status = SolutionStatus.NonFiniteState;
                        message = string.Create(CultureInfo.InvariantCulture, $"The state became non-finite in the step from t = {t:G6}; use a smaller step or an adaptive solver.");
                        goto Finished;
                    }
                    _rejected++;
                    lastNonFinite = true;
                    lastRejected = true;
                    h = step * 0.25;
                    if (h < MinimumStep(t))
                    {
                        status = SolutionStatus.NonFiniteState;
                        message = string.Create(CultureInfo.InvariantCulture, $"The state became non-finite near t = {t:G6} (the solution blows up, or a rate is undefined there, e.g. log of a non-positive value).");
                        goto Finished;
                    }
                    continue;
                }

                // Non-negativity: a state that declares it may dip below zero by rounding (≤ its absolute tolerance),
                // which is projected to zero and counted; a larger violation rejects the step.
                var projected = false;
                var violation = false;
                for (var i = 0; i < _n; i++)
                {
                    if (_nonNegative[i] && yNew[i] < 0)
                    {
                        if (yNew[i] >= -_absTol[i] || !adaptive)
                        {
                            projected = true;
                        }
                        else
                        {
                            violation = true;
                        }
                    }
                }
                if (violation && errorNorm <= 1)
                {
                    errorNorm = 2; // reject: the step is too long to keep the state non-negative
                }

                var fac11 = Math.Pow(errorNorm, (1.0 / (_stepper.ErrorOrder + 1)) - (0.75 * _stepper.ControllerBeta));
                if (errorNorm <= 1)
                {
                    _accepted++;
                    var tNew = last ? stop : t + step;
                    if (projected)
                    {
                        for (var i = 0; i < _n; i++)
                        {
                            if (_nonNegative[i] && yNew[i] < 0)
                            {
                                yNew[i] = 0;
                                _projections++;
                            }
                        }
                    }
                    _stepper.Accept(t, step, y, yNew);
                    if (projected)
                    {
                        _stepper.Start(tNew, yNew);
                    }

                    if (_eventFunctions is not null && LocateEvent(t, step, tNew, yNew, result, out var terminalTime))
                    {
                        // A terminal event: report up to it, then stop.
                        SaveUntil(t, step, terminalTime, result);
                        status = SolutionStatus.Terminated;
                        message = $"Stopped by the event '{_events[^1].Name}' at t = {terminalTime.ToString("G8", CultureInfo.InvariantCulture)}.";
                        goto Finished;
                    }

                    SaveStep(t, step, tNew, yNew, result, includeEnd: !last);
                    if (adaptive)
                    {
                        var fac = fac11 / Math.Pow(facOld, _stepper.ControllerBeta);
                        fac = Math.Clamp(fac / Safety, 1 / MaxFactor, 1 / MinFactor);
                        var proposal = step / fac;
                        if (lastRejected)
                        {
                            proposal = Math.Min(proposal, step);
                        }
                        facOld = Math.Max(errorNorm, 1e-4);
                        // A step shortened only to land on a stop does not shrink the next one.
                        h = last ? Math.Max(proposal, h) : proposal;
                    }
                    lastRejected = false;
                    lastNonFinite = false;
                    t = tNew;
                    (y, yNew) = (yNew, y);

                    if (_algorithm is AutoAlgorithm auto && _switchTime is null && _stepper.StiffnessRatio is var ratio && !double.IsNaN(ratio))
                    {
                        if (ratio > 0.93 * _stepper.StabilityBoundary)
                        {
                            nonStiffCount = 0;
                            if (++stiffCount >= 15)
                            {
                                _factorizationsBefore = _stepper.Factorizations;
                                _stepper = auto.CreateStiffStepper(_system);
                                _stepper.Start(t, y);
                                _switchTime = t;
                                facOld = 1e-4;
                            }
                        }
                        else if (++nonStiffCount >= 6)
                        {
                            stiffCount = 0;
                        }
                    }
                }
                else
                {
                    _rejected++;
                    lastRejected = true;
                    h = step / Math.Min(1 / MinFactor, fac11 / Safety);
                    if (violation)
                    {
                        h = Math.Min(h, step * 0.5);
                    }
                    if (h < MinimumStep(t))
                    {
                        status = lastNonFinite ? SolutionStatus.NonFiniteState : SolutionStatus.StepSizeTooSmall;
                        message = string.Create(CultureInfo.InvariantCulture,
                            $"The step size fell below the resolution of time near t = {t:G8}: the solution may blow up there, or the model has a discontinuity it does not declare.");
                        goto Finished;
                    }
                }
            }

            // At the stop: doses take effect, then the requested points at this time are saved (right-continuous).
            if (ApplyActions(actions, stop, y))
            {
                if (_saveAt is null)
                {
                    SaveCopy(stop, y);
                }
                if (_eventFunctions is not null)
                {
                    _eventFunctions(stop, y.AsSpan(0, _n), _problem.ParameterArray, _eventNew);
                    if (RecordCrossings(stop, y) is { } terminalAtDose)
                    {
                        SaveThrough(stop, y, inclusive: true);
                        status = SolutionStatus.Terminated;
                        message = $"Stopped by the event '{terminalAtDose}' at the dose time t = {stop.ToString("G8", CultureInfo.InvariantCulture)}.";
                        goto Finished;
                    }
                }
                _stepper.Start(stop, y);
            }
            if (_saveAt is not null)
            {
                SaveThrough(stop, y, inclusive: true);
            }
        }

    Finished:
        return Build(status, message);
    }

    private Solution Build(SolutionStatus status, string message)
    {
        var count = _times.Count;
        var width = _n * (1 + _p);
        var states = new double[count * _n];
        double[]? sensitivities = _p > 0 ? new double[count * _n * _p] : null;
        var all = _values.ToArray();
        for (var i = 0; i < count; i++)
        {
            Array.Copy(all, i * width, states, i * _n, _n);
            if (sensitivities is not null)
            {
                Array.Copy(all, (i * width) + _n, sensitivities, i * _n * _p, _n * _p);
            }
        }
        var observableCount = _model.Observables.Count;
        var observables = new double[count * observableCount];
        if (observableCount > 0)
        {
            var compiled = _model.Compiled;
            for (var i = 0; i < count; i++)
            {
                compiled.Observables(_times[i], states.AsSpan(i * _n, _n), _problem.ParameterArray, observables.AsSpan(i * observableCount, observableCount));
            }
        }
        var statistics = new SolverStatistics(_accepted, _rejected, _system.FunctionEvaluations, _system.JacobianEvaluations,
            _factorizationsBefore + _stepper.Factorizations, _projections, _switchTime);
        return new Solution(_problem, _algorithm.ToString(), [.. _times], states, observables, sensitivities, status, message, statistics, _events);
    }

    private void InitialSensitivities(double[] y)
    {
        for (var k = 0; k < _p; k++)
        {
            var parameter = _model.Parameters[_model.ParameterIndex(_problem.SensitivityParameters[k])].Symbol;
            for (var i = 0; i < _n; i++)
            {
                y[_n + (i * _p) + k] = _problem.OverriddenInitialStates.Contains(i)
                    ? 0
                    : _problem.EvaluateParameters(_model.States[i].Initial.Differentiate(parameter));
            }
        }
    }

    private List<DoseAction> BuildActions()
    {
        var actions = new List<DoseAction>();
        foreach (var t in _problem.Treatments)
        {
            foreach (var time in t.Schedule.Times)
            {
                if (time > _problem.End)
                {
                    break;
                }
                actions.Add(new DoseAction(time, t, true));
                if (t is Infusion infusion && time + infusion.Duration <= _problem.End)
                {
                    actions.Add(new DoseAction(time + infusion.Duration, t, false));
                }
            }
        }
        return actions;
    }

    /// <summary>Applies the dose actions at time t; returns whether there were any.</summary>
    private bool ApplyActions(List<DoseAction> actions, double t, double[] y)
    {
        var any = false;
        foreach (var action in actions)
        {
            if (action.Time != t)
            {
                continue;
            }
            any = true;
            var target = _model.StateIndex(action.Treatment.Target.Name);
            var (amount, sign) = action.Treatment switch
            {
                Bolus b => (b.Amount, 1.0),
                Infusion i => (i.Rate, action.Starts ? 1.0 : -1.0),
                _ => throw new NotSupportedException(),
            };
            var value = _problem.EvaluateParameters(amount);
            if (action.Treatment is Bolus)
            {
                y[target] += value;
            }
            else
            {
                _system.InfusionRates[target] += sign * value;
            }
            for (var k = 0; k < _p; k++)
            {
                var parameter = _model.Parameters[_model.ParameterIndex(_problem.SensitivityParameters[k])].Symbol;
                var derivative = _problem.EvaluateParameters(amount.Differentiate(parameter));
                if (action.Treatment is Bolus)
                {
                    y[_n + (target * _p) + k] += derivative;
                }
                else
                {
                    _system.InfusionSensitivities[(target * _p) + k] += sign * derivative;
                }
            }
        }
        return any;
    }

    private double InitialStep(double t, double[] y, double stop, double maxStep)
    {
        // Hairer, Nørsett and Wanner, Solving ODE I, II.4 (the algorithm of DOPRI5's HINIT).
        var f0 = _stepper.CurrentDerivative.ToArray();
        double d0 = 0, d1 = 0;
        for (var i = 0; i < _dimension; i++)
        {
            var sk = _absTol[i] + (_algorithm.RelTol * Math.Abs(y[i]));
            d0 += (y[i] / sk) * (y[i] / sk);
            d1 += (f0[i] / sk) * (f0[i] / sk);
        }
        d0 = Math.Sqrt(d0 / _dimension);
        d1 = Math.Sqrt(d1 / _dimension);
        var h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
        h0 = Math.Min(h0, Math.Min(maxStep, stop - t));
        var y1 = new double[_dimension];
        for (var i = 0; i < _dimension; i++)
        {
            y1[i] = y[i] + (h0 * f0[i]);
        }
        var f1 = new double[_dimension];
        _system.Evaluate(t + h0, y1, f1);
        double d2 = 0;
        for (var i = 0; i < _dimension; i++)
        {
            var sk = _absTol[i] + (_algorithm.RelTol * Math.Abs(y[i]));
            var d = (f1[i] - f0[i]) / sk;
            d2 += d * d;
        }
        d2 = Math.Sqrt(d2 / _dimension) / h0;
        var order = _stepper.ErrorOrder + 1;
        var dMax = Math.Max(d1, d2);
        var h1 = !double.IsFinite(dMax) ? h0 * 1e-3 : dMax <= 1e-15 ? Math.Max(1e-6, h0 * 1e-3) : Math.Pow(0.01 / dMax, 1.0 / order);
        var h = Math.Min(100 * h0, h1);
        return double.IsFinite(h) && h > 0 ? Math.Min(h, maxStep) : 1e-6 * Math.Max(1, stop - t);
    }

    private double ErrorNorm(double[] error, double[] y, double[] yNew)
    {
        var rtol = _algorithm.RelTol;
        var sum = 0.0;
        for (var i = 0; i < _dimension; i++)
        {
            var sk = _absTol[i] + (rtol * Math.Max(Math.Abs(y[i]), Math.Abs(yNew[i])));
            var e = error[i] / sk;
            sum += e * e;
        }
        return Math.Sqrt(sum / _dimension);
    }

    private static bool AllFinite(double[] values)
    {
        foreach (var v in values)
        {
            if (!double.IsFinite(v))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Sixteen units in the last place of t: below this a step no longer moves time reliably.</summary>
    private static double MinimumStep(double t) => (16 * (Math.BitIncrement(Math.Abs(t)) - Math.Abs(t))) + double.Epsilon;

    private void SaveCopy(double t, ReadOnlySpan<double> y)
    {
        _times.Add(t);
        for (var i = 0; i < _dimension; i++)
        {
            _values.Add(y[i]);
        }
    }

    /// <summary>Saves the requested times up to t (inclusive or not) with the state y at t.</summary>
    private void SaveThrough(double t, double[] y, bool inclusive)
    {
        while (_saveAt is not null && _saveIndex < _saveAt.Length && (_saveAt[_saveIndex] < t || (inclusive && _saveAt[_saveIndex] == t)))
        {
            SaveCopy(_saveAt[_saveIndex++], y);
        }
    }

    /// <summary>After an accepted step from t to tNew: saves requested times inside it from the dense output (the end
    /// itself only when <paramref name="includeEnd"/>; a stop's own time is saved after its doses), or the step's end
    /// when every step is saved.</summary>
    private void SaveStep(double t, double step, double tNew, double[] yNew, double[] buffer, bool includeEnd)
    {
        if (_saveAt is null)
        {
            SaveCopy(tNew, yNew);
            return;
        }
        while (_saveIndex < _saveAt.Length && (_saveAt[_saveIndex] < tNew || (includeEnd && _saveAt[_saveIndex] == tNew)))
        {
            var s = _saveAt[_saveIndex++];
            if (s == tNew)
            {
                SaveCopy(s, yNew);
            }
            else
            {
                _stepper.Interpolate((s - t) / step, buffer);
                SaveCopy(s, buffer);
            }
        }
    }

    /// <summary>Saves the points of the step from t up to a terminal event at tEvent (and the event point itself when
    /// every step is saved).</summary>
    private void SaveUntil(double t, double step, double tEvent, double[] buffer)
    {
        if (_saveAt is null)
        {
            _stepper.Interpolate((tEvent - t) / step, buffer);
            SaveCopy(tEvent, buffer);
            return;
        }
        while (_saveIndex < _saveAt.Length && _saveAt[_saveIndex] <= tEvent)
        {
            var s = _saveAt[_saveIndex++];
            _stepper.Interpolate((s - t) / step, buffer);
            SaveCopy(s, buffer);
        }
    }

    private void EvaluateEvents(double t, double[] y, double[] output)
    {
        _eventFunctions?.Invoke(t, y.AsSpan(0, _n), _problem.ParameterArray, output);
    }

    private static bool Crosses(CrossingDirection direction, double before, double after) => direction switch
    {
        CrossingDirection.Rising => before < 0 && after >= 0,
        CrossingDirection.Falling => before > 0 && after <= 0,
        _ => (before < 0 && after >= 0) || (before > 0 && after <= 0),
    };

    /// <summary>Checks the events over the last accepted step; records occurrences in time order. Returns true at a
    /// terminal event, with its time.</summary>
    private bool LocateEvent(double t, double step, double tNew, double[] yNew, double[] buffer, out double terminalTime)
    {
        terminalTime = double.NaN;
        EvaluateEvents(tNew, yNew, _eventNew);
        var found = new List<(double Time, int Index)>();
        for (var e = 0; e < _eventNew.Length; e++)
        {
            if (Crosses(_problem.Events[e].Direction, _eventOld[e], _eventNew[e]))
            {
                found.Add((FindRoot(e, t, step, _eventOld[e], _eventNew[e], buffer), e));
            }
        }
        found.Sort();
        foreach (var (time, index) in found)
        {
            _stepper.Interpolate((time - t) / step, buffer);
            _events.Add(new EventOccurrence(_problem.Events[index].Name, time, buffer[.._n]));
            if (_problem.Events[index].Terminal)
            {
                terminalTime = time;
                return true;
            }
        }
        Array.Copy(_eventNew, _eventOld, _eventNew.Length);
        return false;
    }

    /// <summary>Records event crossings caused by a dose at a stop; returns the name of a terminal one.</summary>
    private string? RecordCrossings(double t, double[] y)
    {
        string? terminal = null;
        for (var e = 0; e < _eventNew.Length; e++)
        {
            if (Crosses(_problem.Events[e].Direction, _eventOld[e], _eventNew[e]))
            {
                _events.Add(new EventOccurrence(_problem.Events[e].Name, t, y[.._n]));
                if (_problem.Events[e].Terminal)
                {
                    terminal ??= _problem.Events[e].Name;
                }
            }
        }
        Array.Copy(_eventNew, _eventOld, _eventNew.Length);
        return terminal;
    }

    /// <summary>Finds the crossing of event e inside the step by the Illinois variant of regula falsi on the dense
    /// output, to a time tolerance of 1e-12 of the step (or machine resolution).</summary>
    private double FindRoot(int e, double t, double step, double gLeft, double gRight, double[] buffer)
    {
        double a = 0, b = 1, fa = gLeft, fb = gRight;
        var g = new double[_eventNew.Length];
        var side = 0;
        var tolerance = Math.Max(1e-12 * step, MinimumStep(t));
        for (var iteration = 0; iteration < 200 && (b - a) * step > tolerance; iteration++)
        {
            var c = ((a * fb) - (b * fa)) / (fb - fa);
            if (!(c > a && c < b))
            {
                c = 0.5 * (a + b);
            }
            _stepper.Interpolate(c, buffer);
            _eventFunctions!(t + (c * step), buffer.AsSpan(0, _n), _problem.ParameterArray, g);
            var fc = g[e];
            if (fc == 0)
            {
                return t + (c * step);
            }
            if (Math.Sign(fc) == Math.Sign(fb))
            {
                b = c;
                fb = fc;
                if (side == -1)
                {
                    fa /= 2;
                }
                side = -1;
            }
            else
            {
                a = c;
                fa = fc;
                if (side == 1)
                {
                    fb /= 2;
                }
                side = 1;
            }
        }
        // The crossing lies in (a, b]: report the right end, where the condition has changed sign.
        return t + (b * step);
    }
}
