using System.Numerics;
using System.Runtime.CompilerServices;
using TwinLab.Core.Modelling;
using TwinLab.Core.Symbolic;

namespace TwinLab.Simulation.Ensembles;

/// <summary>The constants of the lanes' PI step-size controller (Hairer's, as in the scalar Tsit5).</summary>
internal static class StepControl
{
    public const double Safety = 0.9, MinFactor = 0.2, MaxFactor = 10, Beta = 0.04;
    public const double Exponent = (1.0 / 5) - (0.75 * Beta);

    /// <summary>log₂ 10⁻⁴: the previous error norm counts as at least 10⁻⁴.</summary>
    public static readonly double LogMinError = Math.Log2(1e-4);

    /// <summary>log₂ of the controller's safety factor and of its bounds on the change of step size.</summary>
    public static readonly double LogSafety = Math.Log2(Safety), LogMinFactor = Math.Log2(MinFactor), LogMaxFactor = Math.Log2(MaxFactor);

    /// <summary>A step lands on the next stop when it would end within 1 % of it.</summary>
    public const double Landing = 1.01;
}

/// <summary>
/// Tsit5 over SIMD lanes: every lane is one trajectory with its own parameters, time, step size, error control, doses
/// and saved points. Lanes that have finished or failed are masked (their step size is zero and nothing of theirs
/// changes), so they never hold the others back, and no lane's arithmetic depends on its neighbours: a trajectory's
/// result is the same whichever lanes, block or thread it shares. The same code with one lane is the scalar reference.
/// </summary>
internal sealed class LaneIntegrator<TL, T>
    where TL : struct, ILanes<TL, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Sixteen units in the last place, relative: below this a lane's step no longer moves its time.</summary>
    internal static readonly double StepFloor = 16 * (typeof(T) == typeof(float) ? Math.Pow(2, -23) : Math.Pow(2, -52));

    private readonly EnsembleContext _context;
    private readonly LaneFunction<TL> _rhs;
    private readonly int _n, _p, _lanes;
    private readonly AlignedLanes<TL> _y, _yNew, _parameters, _k, _stage, _fresh, _atol; // _k: stage i of state m at [i * n + m]
    private readonly LaneStages<TL> _stages;
    private readonly LaneFixedSteps<TL>? _fixedSteps;
    private readonly LaneAdaptiveSteps<TL>? _adaptiveSteps;
    private readonly bool _quietSteps;
    private readonly TL[][] _denseCoefficients;
    private readonly T[] _dense;
    private readonly TL[] _denseWeights = new TL[7];
    private readonly T[] _scratch;
    private readonly T[] _rows; // vectors spilled lane by lane for per-lane bookkeeping (see Row)
    private readonly double[] _laneState, _laneParameters, _laneOutput;
    private readonly double[] _laneInitial, _laneParameterBlock; // every lane's initial state and parameters, reused per block
    private readonly DoseList[] _doses;
    private readonly int[] _doseCursor, _saveCursor, _trajectory;
    private readonly double[] _eventOld, _eventNew;

    public LaneIntegrator(EnsembleContext context, LaneKernels<TL, T> kernels)
    {
        _stages = kernels.Stages;
        _context = context;
        _rhs = kernels.RightHandSide;
        // Runs of steps that need no per-lane bookkeeping go through the register loops; events are located after
        // every step, so with events every step takes the general path.
        var quiet = context.InnerLoops && context.EventCount == 0;
        _fixedSteps = quiet && context.FixedStep is not null ? kernels.FixedSteps : null;
        _quietSteps = quiet && context.FixedStep is null;
        _adaptiveSteps = _quietSteps ? kernels.AdaptiveSteps : null;
        _n = context.Model.States.Count;
        _p = context.Model.Parameters.Count;
        _lanes = TL.Count;
        // Every vector array the steps read or write, in one pinned block aligned to cache lines.
        var work = new AlignedLanes<TL>((12 * _n) + _p);
        _y = work.Slice(0, _n);
        _yNew = work.Slice(_n, _n);
        _stage = work.Slice(2 * _n, _n);
        _fresh = work.Slice(3 * _n, _n);
        _atol = work.Slice(4 * _n, _n);
        _k = work.Slice(5 * _n, 7 * _n);
        _parameters = work.Slice(12 * _n, _p);
        var tableau = ButcherTableau.Tsitouras5;
        for (var m = 0; m < _n; m++)
        {
            _atol[m] = TL.Constant(context.AbsoluteTolerances[m]);
        }
        _denseCoefficients = [.. tableau.DenseCoefficients!.Select(row => row.Select(TL.Constant).ToArray())];
        _dense = new T[_n * _lanes];
        _scratch = new T[_lanes];
        _rows = new T[(RowState + _n) * _lanes];
        _laneState = new double[_n];
        _laneInitial = new double[_lanes * _n];
        _laneParameterBlock = new double[_lanes * _p];
        _laneParameters = new double[_p];
        _laneOutput = new double[Math.Max(_n, context.EventCount)];
        _doses = new DoseList[_lanes];
        _doseCursor = new int[_lanes];
        _saveCursor = new int[_lanes];
        _trajectory = new int[_lanes];
        _eventOld = new double[_lanes * context.EventCount];
        _eventNew = new double[context.EventCount];
    }

    private static bool IsSet(TL mask, int lane) => !T.IsZero(TL.Lane(mask, lane));

    private static readonly T TrueLane = TL.Lane(TL.True, 0);

    // Rows of _rows: per-lane bookkeeping spills each vector once, edits its lanes, and loads it back once, instead of
    // a store and a load per lane and value.
    private const int RowMask = 0, RowTime = 1, RowNextSave = 2, RowStop = 3, RowActive = 4, RowRestart = 5, RowSteps = 6,
        RowAttempts = 7, RowState = 8;

    private Span<T> Row(int row) => _rows.AsSpan(row * _lanes, _lanes);

    private Span<T> Spill(TL vector, int row)
    {
        var lanes = Row(row);
        TL.Store(vector, lanes);
        return lanes;
    }

    private TL Fill(int row) => TL.Load(Row(row));

    /// <summary>Lane l of the result is values[l · stride + offset].</summary>
    private TL Column(double[] values, int stride, int offset)
    {
        for (var l = 0; l < _lanes; l++)
        {
            _scratch[l] = T.CreateTruncating(values[(l * stride) + offset]);
        }
        return TL.Load(_scratch);
    }

    private TL SetMask(TL mask, int lane, bool value)
    {
        TL.Store(mask, _scratch);
        _scratch[lane] = value ? TrueLane : T.Zero;
        return TL.Load(_scratch);
    }

    private static double Get(TL vector, int lane) => double.CreateTruncating(TL.Lane(vector, lane));

    /// <summary>The next saved time of lane l, or +∞.</summary>
    private T NextSave(int lane) =>
        T.CreateTruncating(_saveCursor[lane] < _context.SaveAt.Length ? _context.SaveAt[_saveCursor[lane]] : double.PositiveInfinity);

    /// <summary>Integrates trajectories first .. first + count − 1 (count ≤ lanes; spare lanes stay idle).</summary>
    public void Run(int first, int count, TrajectorySink sink)
    {
        var ctx = _context;
        var start = ctx.Start;
        var end = ctx.End;
        var saveAt = ctx.SaveAt;

        // Load each lane's patient; apply doses at the start; save the points at the start time.
        var y0 = _laneInitial;
        var parameters = _laneParameterBlock;
        for (var l = 0; l < _lanes; l++)
        {
            var trajectory = first + Math.Min(l, count - 1);
            _trajectory[l] = trajectory;
            var p = parameters.AsSpan(l * _p, _p);
            var y = y0.AsSpan(l * _n, _n);
            ctx.Patients.Parameters(trajectory, p);
            ctx.Patients.Initial(trajectory, p, y);
            _doses[l] = ctx.Patients.Doses(trajectory, p);
            _doseCursor[l] = 0;
            ApplyDoses(l, start, y);
            _saveCursor[l] = 0;
            if (l < count)
            {
                while (_saveCursor[l] < saveAt.Length && saveAt[_saveCursor[l]] == start)
                {
                    sink.Save(trajectory, _saveCursor[l], start, y);
                    _saveCursor[l]++;
                }
            }
        }
        for (var m = 0; m < _n; m++)
        {
            _y[m] = Column(y0, _n, m);
        }
        for (var k = 0; k < _p; k++)
        {
            _parameters[k] = Column(parameters, _p, k);
        }

        _t = TL.Constant(start);
        var stop = Row(RowStop);
        var active = Row(RowActive);
        var nextSave = Row(RowNextSave);
        for (var l = 0; l < _lanes; l++)
        {
            stop[l] = T.CreateTruncating(NextStop(l, start));
            active[l] = l < count ? TrueLane : T.Zero;
            nextSave[l] = NextSave(l);
        }
        (_stop, _active, _nextSave) = (Fill(RowStop), Fill(RowActive), Fill(RowNextSave));
        _rhs(_t, _y, _parameters, _k.AsSpan(0, _n));
        for (var l = 0; l < _lanes && ctx.EventCount > 0; l++)
        {
            EvaluateEvents(l, start, _eventOld.AsSpan(l * ctx.EventCount, ctx.EventCount), fromVector: _y);
        }
        _h = ctx.FixedStep is { } fixedStep ? TL.Constant(fixedStep) : InitialStep(_t, _stop);
        _logFacOld = TL.Constant(StepControl.LogMinError); // the base-2 logarithm of the previous error norm
        _lastRejected = TL.Constant(0);
        _steps = TL.Constant(0);
        _attempts = TL.Constant(0);
        _count = count;
        _sink = sink;
        var iteration = 0;
        while (TL.Any(_active))
        {
            var quiet = _fixedSteps is not null ? FixedSteps() : _quietSteps ? QuietSteps() : 0;
            if ((++iteration & 63) == 0 || quiet > 0)
            {
                ctx.Cancellation.ThrowIfCancellationRequested();
            }
            Step();
        }
        _sink = null;
    }

    // The state of the lanes between steps (fields, so that the step's pieces stay small methods the JIT can compile
    // with every lane operation inlined).
    private TL _t, _h, _stop, _active, _nextSave, _logFacOld, _lastRejected, _steps, _attempts;
    private int _count;
    private TrajectorySink? _sink;

    /// <summary>At most this many steps run in a register loop between two checks for cancellation.</summary>
    private const int QuietRun = 4096;

    /// <summary>The most attempts any active lane has made; the loops stop one attempt short of the cap so that the
    /// general step reports exhaustion exactly as it would have.</summary>
    private int QuietBudget()
    {
        var active = Spill(_active, RowActive);
        var attempts = Spill(_attempts, RowAttempts);
        var most = 0.0;
        for (var l = 0; l < _count; l++)
        {
            if (!T.IsZero(active[l]))
            {
                most = Math.Max(most, double.CreateTruncating(attempts[l]));
            }
        }
        return (int)Math.Min(QuietRun, _context.MaxSteps - 1 - most);
    }

    /// <summary>Fixed steps in the compiled register loop, up to the first step that needs per-lane bookkeeping (a
    /// stop, a saved time, a failure, a projection), which is left to <see cref="Step"/>. Bitwise the same steps as
    /// <see cref="Step"/> would take. Returns the number of steps.</summary>
    private int FixedSteps()
    {
        var budget = QuietBudget();
        if (budget <= 0)
        {
            return 0;
        }
        var one = TL.Constant(1);
        var zero = TL.Constant(0);
        var limit = TL.Subtract(_stop, TL.Multiply(TL.Constant(1e-12), TL.Max(one, TL.Abs(_stop))));
        var hs = TL.Select(_active, _h, zero);
        var taken = _fixedSteps!(ref _t, hs, limit, _nextSave, _active, _y, _parameters, _k.AsSpan(0, _n), budget);
        if (taken > 0)
        {
            var count = TL.Select(_active, TL.Constant(taken), zero);
            _attempts = TL.Add(_attempts, count);
            _steps = TL.Add(_steps, count);
        }
        return taken;
    }

    /// <summary>Adaptive steps with the lanes' state in locals: the same arithmetic as <see cref="Step"/>, including
    /// the points saved inside a step, which takes over (recomputing the step) as soon as an active lane reaches its
    /// stop (a dose or the end), would be projected, underflows or nears the cap on attempts. Returns the number of
    /// steps.</summary>
    private int QuietSteps()
    {
        var budget = QuietBudget();
        var zero = TL.Constant(0);
        var one = TL.Constant(1);
        var landing = TL.Constant(StepControl.Landing);
        var rtol = TL.Constant(_context.RelTol);
        var floor = TL.Constant(StepFloor);
        var nonNegative = _context.NonNegativeStates;
        var (t, h, logFacOld, lastRejected, steps) = (_t, _h, _logFacOld, _lastRejected, _steps);
        var (stop, active, nextSave) = (_stop, _active, _nextSave);
        var k = _k.Span;
        var y = _y.Span;
        var yNew = _yNew.Span;
        var n = _n;
        var taken = 0;
        var compiled = _adaptiveSteps;
        var pending = false;
        var pendingError = zero;
        for (; taken < budget; taken++)
        {
            if (compiled is not null)
            {
                // The compiled loop takes the attempts that need nothing of the below; the next one, if any, is
                // taken here (already computed when it is pending: it saves points).
                taken += compiled(ref t, ref h, ref logFacOld, ref lastRejected, ref steps, stop, nextSave, active, rtol, y, _parameters, k, _atol,
                    budget - taken, yNew, ref pendingError, ref pending);
                if (taken >= budget)
                {
                    break;
                }
            }
            var last = TL.LessOrEqual(stop, TL.MultiplyAdd(landing, h, t));
            var hs = TL.Select(active, h, zero);
            var tNew = TL.Add(t, hs);
            if (TL.Any(TL.And(active, last)))
            {
                break;
            }
            var squaredError = NonNegativeRule(pending ? pendingError : _stages(t, hs, y, _parameters, k, yNew, rtol, _atol));
            pending = false;
            var finite = TL.IsFinite(squaredError);
            var accept = TL.And(active, TL.And(finite, TL.LessOrEqual(squaredError, one)));
            var projected = zero;
            foreach (var m in nonNegative)
            {
                projected = TL.Or(projected, TL.And(accept, TL.Less(yNew[m], zero)));
            }
            var rejected = TL.And(active, TL.Not(accept));
            var facOld = logFacOld;
            var hNew = NextStepCore(h, hs, squaredError, accept, rejected, zero, finite, lastRejected, ref facOld);
            var underflow = TL.And(rejected, TL.Less(hNew, TL.Multiply(floor, TL.MaxNonNaN(one, TL.Abs(t)))));
            if (TL.Any(TL.Or(projected, underflow)))
            {
                break;
            }
            if (TL.Any(TL.And(accept, TL.LessOrEqual(nextSave, tNew))))
            {
                // Points saved from the dense output of this step, before the state moves on (as Step does).
                _t = t;
                SaveInside(accept, zero, hs, tNew);
                nextSave = _nextSave;
            }
            for (var m = 0; m < n; m++)
            {
                y[m] = TL.Select(accept, yNew[m], y[m]);
                k[m] = TL.Select(accept, k[(6 * n) + m], k[m]);
            }
            t = TL.Select(accept, tNew, t);
            h = hNew;
            logFacOld = facOld;
            lastRejected = rejected;
            steps = TL.Add(steps, TL.Select(accept, one, zero));
        }
        // Every active lane attempted every step of the run; the budget keeps them below the cap on attempts.
        (_t, _h, _logFacOld, _lastRejected, _steps) = (t, h, logFacOld, lastRejected, steps);
        _attempts = TL.Add(_attempts, TL.Select(active, TL.Constant(taken), zero));
        return taken;
    }

    /// <summary>One attempted step in every lane, with its bookkeeping.</summary>
    private void Step()
    {
        var ctx = _context;
        var zero = TL.Constant(0);
        var one = TL.Constant(1);
        var adaptive = ctx.FixedStep is null;

        // Step size: land exactly on the next stop (dose or end) when within 1 % of it (fixed steps: when they reach it).
        var last = adaptive
            ? TL.LessOrEqual(_stop, TL.MultiplyAdd(TL.Constant(StepControl.Landing), _h, _t))
            : TL.LessOrEqual(TL.Subtract(_stop, TL.Multiply(TL.Constant(1e-12), TL.Max(one, TL.Abs(_stop)))), TL.Add(_t, _h));
        var hs = TL.Select(_active, TL.Select(last, TL.Subtract(_stop, _t), _h), zero);

        var squaredError = _stages(_t, hs, _y, _parameters, _k, _yNew, TL.Constant(ctx.RelTol), _atol);
        TL finite;
        if (adaptive)
        {
            squaredError = NonNegativeRule(squaredError);
            finite = TL.IsFinite(squaredError);
        }
        else
        {
            finite = AllFinite();
            squaredError = zero;
        }
        var accept = TL.And(_active, TL.And(finite, TL.LessOrEqual(squaredError, one)));
        var tNew = TL.Select(last, _stop, TL.Add(_t, hs));
        _attempts = TL.Add(_attempts, TL.Select(_active, one, zero));
        _steps = TL.Add(_steps, TL.Select(accept, one, zero));

        // Saved points and events inside the step, from each lane's dense output (before the state moves on).
        if (TL.Any(TL.And(accept, TL.LessOrEqual(_nextSave, tNew))) || (ctx.EventCount > 0 && TL.Any(accept)))
        {
            SaveInside(accept, last, hs, tNew);
        }

        var restart = Advance(accept, tNew);

        if (adaptive)
        {
            var rejected = TL.And(_active, TL.Not(accept));
            _h = NextStep(_h, hs, squaredError, accept, rejected, last, finite, _lastRejected, ref _logFacOld);
            _lastRejected = rejected;
            var underflow = TL.And(rejected, TL.Less(_h, TL.Multiply(TL.Constant(StepFloor), TL.MaxNonNaN(one, TL.Abs(_t)))));
            if (TL.Any(underflow))
            {
                EndLanes(underflow, finite, nonFinite: false);
            }
        }
        else
        {
            var failed = TL.And(_active, TL.Not(finite));
            if (TL.Any(failed))
            {
                EndLanes(failed, finite, nonFinite: true);
            }
        }

        var reached = TL.And(accept, last);
        if (TL.Any(reached))
        {
            restart = ReachStops(reached, restart);
        }
        if (TL.Any(restart))
        {
            Restart(restart);
        }
        var exhausted = TL.And(_active, TL.LessOrEqual(TL.Constant(ctx.MaxSteps), _attempts));
        if (TL.Any(exhausted))
        {
            EndLanes(exhausted, TL.True, nonFinite: false, SolutionStatus.MaxStepsReached);
        }
    }

    /// <summary>Accepted lanes move on; the first stage of the next step is the last of this one. Returns the lanes
    /// whose state was projected onto zero (they must restart their first stage).</summary>
    private TL Advance(TL accept, TL tNew)
    {
        for (var m = 0; m < _n; m++)
        {
            _y[m] = TL.Select(accept, _yNew[m], _y[m]);
            _k[m] = TL.Select(accept, _k[(6 * _n) + m], _k[m]);
        }
        _t = TL.Select(accept, tNew, _t);
        var restart = TL.Constant(0);
        foreach (var m in _context.NonNegativeStates)
        {
            var projected = TL.And(accept, TL.Less(_y[m], TL.Constant(0)));
            _y[m] = TL.Select(projected, TL.Constant(0), _y[m]);
            restart = TL.Or(restart, projected);
        }
        return restart;
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // keeps Step small enough for the JIT to inline every lane operation
    private void Restart(TL restart)
    {
        _rhs(_t, _y, _parameters, _fresh);
        for (var m = 0; m < _n; m++)
        {
            _k[m] = TL.Select(restart, _fresh[m], _k[m]);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // keeps Step small enough for the JIT to inline every lane operation
    private void SaveInside(TL accept, TL last, TL hs, TL tNew)
    {
        var saveAt = _context.SaveAt;
        var notLast = TL.Not(last);
        var one = TL.Constant(1);
        while (true)
        {
            // Lanes whose next saved time lies inside the step (at its end only when the step does not land on a stop,
            // where the stop's own bookkeeping saves the value after any dose): read from every lane's dense output at
            // once, then handed to the sink lane by lane.
            var due = TL.And(accept, TL.Or(TL.Less(_nextSave, tNew), TL.And(notLast, TL.Equal(_nextSave, tNew))));
            if (!TL.Any(due))
            {
                break;
            }
            var theta = TL.Select(TL.Equal(_nextSave, tNew), one, TL.Divide(TL.Subtract(_nextSave, _t), hs));
            DenseOutput(theta, hs);
            var isDue = Spill(due, RowMask);
            var nextSave = Spill(_nextSave, RowNextSave);
            for (var l = 0; l < _count; l++)
            {
                if (T.IsZero(isDue[l]))
                {
                    continue;
                }
                for (var m = 0; m < _n; m++)
                {
                    _laneState[m] = double.CreateTruncating(_dense[(m * _lanes) + l]);
                }
                _sink!.Save(_trajectory[l], _saveCursor[l], saveAt[_saveCursor[l]], _laneState);
                _saveCursor[l]++;
                nextSave[l] = NextSave(l);
            }
            _nextSave = Fill(RowNextSave);
        }
        if (_context.EventCount > 0)
        {
            for (var l = 0; l < _count; l++)
            {
                if (IsSet(accept, l))
                {
                    LocateEvents(l, Get(_t, l), Get(hs, l), Get(tNew, l), _sink!);
                }
            }
        }
    }

    /// <summary>Tsitouras' dense output of the current step (before the state moves on) for every lane at its own
    /// θ, into <c>_dense</c> (state m of lane l at m · lanes + l): the same operations, in the same order, as
    /// <see cref="Interpolate"/>.</summary>
    private void DenseOutput(TL theta, TL h)
    {
        var b = _denseWeights;
        for (var i = 0; i < 7; i++)
        {
            var r = _denseCoefficients[i];
            b[i] = TL.Multiply(theta, TL.Add(r[0], TL.Multiply(theta, TL.Add(r[1], TL.Multiply(theta, TL.Add(r[2], TL.Multiply(theta, r[3])))))));
        }
        for (var m = 0; m < _n; m++)
        {
            var sum = TL.Constant(0);
            for (var i = 0; i < 7; i++)
            {
                sum = TL.Add(sum, TL.Multiply(b[i], _k[(i * _n) + m]));
            }
            TL.Store(TL.Add(_y[m], TL.Multiply(h, sum)), _dense.AsSpan(m * _lanes, _lanes));
        }
    }

    /// <summary>Ends the given lanes with a failure status.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // keeps Step small enough for the JIT to inline every lane operation
    private void EndLanes(TL lanes, TL finite, bool nonFinite, SolutionStatus? status = null)
    {
        for (var l = 0; l < _count; l++)
        {
            if (IsSet(lanes, l) && IsSet(_active, l))
            {
                var outcome = status ?? (nonFinite || !IsSet(finite, l) ? SolutionStatus.NonFiniteState : SolutionStatus.StepSizeTooSmall);
                var steps = (int)Get(_steps, l);
                _sink!.Finish(_trajectory[l], outcome, steps, (int)Get(_attempts, l) - steps);
                _active = SetMask(_active, l, false);
            }
        }
    }

    /// <summary>Lanes that reached their stop: doses, points saved at the stop, then the next stop or the end.
    /// Returns the restart mask extended by the lanes whose state jumped.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // keeps Step small enough for the JIT to inline every lane operation
    private TL ReachStops(TL reached, TL restart)
    {
        var ctx = _context;
        var saveAt = ctx.SaveAt;
        var isReached = Spill(reached, RowMask);
        var time = Spill(_t, RowTime);
        var nextSave = Spill(_nextSave, RowNextSave);
        var stop = Spill(_stop, RowStop);
        var active = Spill(_active, RowActive);
        var restarts = Spill(restart, RowRestart);
        var steps = Spill(_steps, RowSteps);
        var attempts = Spill(_attempts, RowAttempts);
        for (var m = 0; m < _n; m++)
        {
            Spill(_y[m], RowState + m);
        }
        var dosed = false;
        for (var l = 0; l < _count; l++)
        {
            if (T.IsZero(isReached[l]))
            {
                continue;
            }
            var t = double.CreateTruncating(time[l]);
            for (var m = 0; m < _n; m++)
            {
                _laneState[m] = double.CreateTruncating(_rows[((RowState + m) * _lanes) + l]);
            }
            if (ApplyDoses(l, t, _laneState))
            {
                for (var m = 0; m < _n; m++)
                {
                    _rows[((RowState + m) * _lanes) + l] = T.CreateTruncating(_laneState[m]);
                }
                restarts[l] = TrueLane;
                dosed = true;
                if (ctx.EventCount > 0)
                {
                    EvaluateEvents(l, t, _eventNew, fromVector: null);
                    RecordDoseCrossings(l, t, _sink!);
                }
            }
            while (_saveCursor[l] < saveAt.Length && saveAt[_saveCursor[l]] == t)
            {
                _sink!.Save(_trajectory[l], _saveCursor[l], t, _laneState);
                _saveCursor[l]++;
            }
            nextSave[l] = NextSave(l);
            if (t >= ctx.End)
            {
                var taken = int.CreateTruncating(steps[l]);
                _sink!.Finish(_trajectory[l], SolutionStatus.Success, taken, int.CreateTruncating(attempts[l]) - taken);
                active[l] = T.Zero;
            }
            else
            {
                stop[l] = T.CreateTruncating(NextStop(l, t));
            }
        }
        (_nextSave, _stop, _active) = (Fill(RowNextSave), Fill(RowStop), Fill(RowActive));
        if (dosed)
        {
            for (var m = 0; m < _n; m++)
            {
                _y[m] = Fill(RowState + m);
            }
        }
        return Fill(RowRestart);
    }

    private TL AllFinite()
    {
        var finite = TL.True;
        for (var m = 0; m < _n; m++)
        {
            finite = TL.And(finite, TL.IsFinite(_yNew[m]));
        }
        return finite;
    }

    /// <summary>The squared error norm from the stages (see <see cref="LaneStages{TLanes}"/>; the step is accepted
    /// when it is at most 1, so no square root is needed), with 4 in lanes where a non-negative state dips below its
    /// absolute tolerance, so the step is rejected.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TL NonNegativeRule(TL squaredError)
    {
        foreach (var m in _context.NonNegativeStates)
        {
            squaredError = TL.Select(TL.Less(_yNew[m], TL.Negate(_atol[m])), TL.Constant(4), squaredError);
        }
        return squaredError;
    }

    /// <summary>Hairer's PI controller, lane-wise: the next step size after an accepted or rejected attempt, from the
    /// squared error norm. The previous error is kept as its base-2 logarithm; the powers of the errors go through
    /// <see cref="LaneMath.Log2Coarse{TL, T}"/> and <see cref="LaneMath.Exp2Coarse{TL, T}"/>, accurate to 2·10⁻⁴, far
    /// finer than a step-size controller needs, and without a division.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // keeps Step small enough for the JIT to inline every lane operation
    private static TL NextStep(TL h, TL hs, TL squaredError, TL accept, TL rejected, TL last, TL finite, TL lastRejected, ref TL logFacOld) =>
        NextStepCore(h, hs, squaredError, accept, rejected, last, finite, lastRejected, ref logFacOld);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TL NextStepCore(TL h, TL hs, TL squaredError, TL accept, TL rejected, TL last, TL finite, TL lastRejected, ref TL logFacOld)
    {
        // The accepted step grows by Safety · err^−(1/5 − 0.75β) · errOld^β = 2^x, x = log₂ Safety − (1/5 − 0.75β) log₂ err
        // + β log₂ errOld, with x clamped to [log₂ MinFactor, log₂ MaxFactor]; a rejected one shrinks by
        // Safety · err^−(1/5 − 0.75β), at most to MinFactor. err is the square root of the squared norm, so its
        // logarithm is half that of the squared norm; the factors that do not depend on it are added first, off the
        // dependency chain from one step to the next.
        var log2Squared = LaneMath.Log2Coarse<TL, T>(squaredError);
        var logError = TL.Multiply(TL.Constant(0.5), log2Squared);
        var x = TL.MultiplyAdd(TL.Constant(-0.5 * StepControl.Exponent), log2Squared, TL.MultiplyAdd(TL.Constant(StepControl.Beta), logFacOld, TL.Constant(StepControl.LogSafety)));
        var growth = LaneMath.Exp2Coarse<TL, T>(TL.MinNonNaN(TL.MaxNonNaN(x, TL.Constant(StepControl.LogMinFactor)), TL.Constant(StepControl.LogMaxFactor)));
        // After a rejection the step does not grow; when landing on a stop it does not shrink below the step it had.
        var upper = TL.Select(lastRejected, hs, TL.Constant(double.PositiveInfinity));
        var lower = TL.Select(last, h, TL.Constant(0));
        var hAccepted = TL.MaxNonNaN(TL.MinNonNaN(TL.Multiply(hs, growth), upper), lower);
        var hRejected = TL.Multiply(hs, TL.Constant(0.25)); // after a non-finite step
        var shrinking = TL.And(rejected, finite);
        if (TL.Any(shrinking))
        {
            var shrinkExponent = TL.MultiplyAdd(TL.Constant(-StepControl.Exponent), logError, TL.Constant(StepControl.LogSafety));
            var shrink = LaneMath.Exp2Coarse<TL, T>(TL.MinNonNaN(TL.MaxNonNaN(shrinkExponent, TL.Constant(StepControl.LogMinFactor)), TL.Constant(0)));
            hRejected = TL.Select(finite, TL.Multiply(hs, shrink), hRejected);
        }
        logFacOld = TL.Select(accept, TL.MaxNonNaN(logError, TL.Constant(StepControl.LogMinError)), logFacOld);
        return TL.Select(accept, hAccepted, TL.Select(rejected, hRejected, h));
    }

    /// <summary>The next dose time after <paramref name="time"/>, or the end of the span.</summary>
    private double NextStop(int lane, double time)
    {
        var doses = _doses[lane];
        var cursor = _doseCursor[lane];
        while (cursor < doses.Times.Length && doses.Times[cursor] <= time)
        {
            cursor++;
        }
        return cursor < doses.Times.Length ? Math.Min(doses.Times[cursor], _context.End) : _context.End;
    }

    /// <summary>Adds the lane's doses scheduled at exactly <paramref name="time"/>; returns whether there were any.</summary>
    private bool ApplyDoses(int lane, double time, Span<double> state)
    {
        var doses = _doses[lane];
        var any = false;
        while (_doseCursor[lane] < doses.Times.Length && doses.Times[_doseCursor[lane]] <= time)
        {
            var d = _doseCursor[lane]++;
            if (doses.Times[d] == time)
            {
                state[doses.States[d]] += doses.Amounts[d];
                any = true;
            }
        }
        return any;
    }

    /// <summary>Tsitouras' dense output for one lane of the current step (before the state is updated).</summary>
    private void Interpolate(int lane, double theta, double h, Span<double> result)
    {
        var r = ButcherTableau.Tsitouras5.DenseCoefficients!;
        Span<double> b = stackalloc double[7];
        for (var i = 0; i < 7; i++)
        {
            var ri = r[i];
            b[i] = theta * (ri[0] + (theta * (ri[1] + (theta * (ri[2] + (theta * ri[3]))))));
        }
        for (var m = 0; m < _n; m++)
        {
            var sum = 0.0;
            for (var i = 0; i < 7; i++)
            {
                sum += b[i] * Get(_k[(i * _n) + m], lane);
            }
            result[m] = Get(_y[m], lane) + (h * sum);
        }
    }

    private TL InitialStep(TL t, TL stop)
    {
        // Hairer's HINIT, lane-wise (as in the scalar integrator).
        var ctx = _context;
        var rtol = TL.Constant(ctx.RelTol);
        var n = TL.Constant(_n);
        TL d0 = TL.Constant(0), d1 = TL.Constant(0);
        for (var m = 0; m < _n; m++)
        {
            var sk = TL.MultiplyAdd(rtol, TL.Abs(_y[m]), _atol[m]);
            var a = TL.Divide(_y[m], sk);
            var b = TL.Divide(_k[m], sk);
            d0 = TL.MultiplyAdd(a, a, d0);
            d1 = TL.MultiplyAdd(b, b, d1);
        }
        d0 = TL.Sqrt(TL.Divide(d0, n));
        d1 = TL.Sqrt(TL.Divide(d1, n));
        var small = TL.Constant(1e-5);
        var h0 = TL.Select(TL.Or(TL.Less(d0, small), TL.Less(d1, small)), TL.Constant(1e-6), TL.Multiply(TL.Constant(0.01), TL.Divide(d0, d1)));
        h0 = TL.Min(h0, TL.Subtract(stop, t));
        for (var m = 0; m < _n; m++)
        {
            _stage[m] = TL.MultiplyAdd(h0, _k[m], _y[m]);
        }
        _rhs(TL.Add(t, h0), _stage, _parameters, _fresh);
        var d2 = TL.Constant(0);
        for (var m = 0; m < _n; m++)
        {
            var sk = TL.MultiplyAdd(rtol, TL.Abs(_y[m]), _atol[m]);
            var d = TL.Divide(TL.Subtract(_fresh[m], _k[m]), sk);
            d2 = TL.MultiplyAdd(d, d, d2);
        }
        d2 = TL.Divide(TL.Sqrt(TL.Divide(d2, n)), h0);
        var dMax = TL.Max(d1, d2);
        var h1 = TL.Select(TL.LessOrEqual(dMax, TL.Constant(1e-15)),
            TL.Max(TL.Constant(1e-6), TL.Multiply(h0, TL.Constant(1e-3))),
            TL.Exp(TL.Divide(TL.Log(TL.Divide(TL.Constant(0.01), dMax)), TL.Constant(5))));
        var h = TL.Min(TL.Multiply(TL.Constant(100), h0), h1);
        // Lanes where the estimate is not finite start from a small fraction of the span.
        return TL.Select(TL.IsFinite(h), h, TL.Multiply(TL.Constant(1e-6), TL.Subtract(stop, t)));
    }

    private void EvaluateEvents(int lane, double time, Span<double> output, AlignedLanes<TL>? fromVector)
    {
        if (fromVector is not null)
        {
            for (var m = 0; m < _n; m++)
            {
                _laneState[m] = Get(fromVector[m], lane);
            }
        }
        for (var k = 0; k < _p; k++)
        {
            _laneParameters[k] = Get(_parameters[k], lane);
        }
        _context.Events!(time, _laneState, _laneParameters, output);
    }

    private void LocateEvents(int lane, double t, double h, double tNew, TrajectorySink sink)
    {
        var count = _context.EventCount;
        var old = _eventOld.AsSpan(lane * count, count);
        EvaluateEvents(lane, tNew, _eventNew, fromVector: _yNew);
        for (var e = 0; e < count; e++)
        {
            var direction = _context.EventDirections[e];
            if (Crosses(direction, old[e], _eventNew[e]))
            {
                // Illinois regula falsi on the dense output, to 1e-12 of the step.
                double a = 0, b = 1, fa = old[e], fb = _eventNew[e];
                var side = 0;
                for (var it = 0; it < 100 && (b - a) * h > 1e-12 * h; it++)
                {
                    var c = ((a * fb) - (b * fa)) / (fb - fa);
                    if (!(c > a && c < b))
                    {
                        c = 0.5 * (a + b);
                    }
                    Interpolate(lane, c, h, _laneState);
                    _context.Events!(t + (c * h), _laneState, _laneParameters, _laneOutput);
                    var fc = _laneOutput[e];
                    if (Math.Sign(fc) == Math.Sign(fb))
                    {
                        (b, fb) = (c, fc);
                        fa = side == -1 ? fa / 2 : fa;
                        side = -1;
                    }
                    else
                    {
                        (a, fa) = (c, fc);
                        fb = side == 1 ? fb / 2 : fb;
                        side = 1;
                    }
                }
                sink.Event(_trajectory[lane], _context.EventReducers[e], t + (b * h));
            }
        }
        _eventNew.AsSpan(0, count).CopyTo(old);
    }

    private void RecordDoseCrossings(int lane, double time, TrajectorySink sink)
    {
        var count = _context.EventCount;
        var old = _eventOld.AsSpan(lane * count, count);
        for (var e = 0; e < count; e++)
        {
            if (Crosses(_context.EventDirections[e], old[e], _eventNew[e]))
            {
                sink.Event(_trajectory[lane], _context.EventReducers[e], time);
            }
        }
        _eventNew.AsSpan(0, count).CopyTo(old);
    }

    private static bool Crosses(CrossingDirection direction, double before, double after) => direction switch
    {
        CrossingDirection.Rising => before < 0 && after >= 0,
        CrossingDirection.Falling => before > 0 && after <= 0,
        _ => (before < 0 && after >= 0) || (before > 0 && after <= 0),
    };
}

/// <summary>What every block of an ensemble shares: the model, span, save grid, tolerances, patients and events.</summary>
internal sealed class EnsembleContext
{
    public required Model Model { get; init; }
    public required double Start { get; init; }
    public required double End { get; init; }
    public required double[] SaveAt { get; init; }
    public required double? FixedStep { get; init; }
    public required double RelTol { get; init; }
    public required double[] AbsoluteTolerances { get; init; }
    public required int MaxSteps { get; init; }
    public required int[] NonNegativeStates { get; init; }
    public required PatientSource Patients { get; init; }
    public required VectorFunction? Events { get; init; }
    public required CrossingDirection[] EventDirections { get; init; }
    public required int[] EventReducers { get; init; }
    public required CancellationToken Cancellation { get; init; }

    /// <summary>Whether runs of steps without per-lane bookkeeping use the register loops (the same results; off only
    /// in tests that check exactly that).</summary>
    public bool InnerLoops { get; init; } = true;

    public int EventCount => EventDirections.Length;
}

/// <summary>A model's kernels for one lane type, compiled once and shared by every ensemble of that model.</summary>
internal sealed class LaneKernels<TL, T>
    where TL : struct, ILanes<TL, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly ConditionalWeakTable<Model, LaneKernels<TL, T>> Cache = [];
    private readonly Lazy<LaneFixedSteps<TL>> _fixedSteps;
    private readonly Lazy<LaneAdaptiveSteps<TL>?> _adaptiveSteps;

    private LaneKernels(Model model)
    {
        var tableau = ButcherTableau.Tsitouras5;
        RightHandSide = LaneCompiler<TL, T>.Compile(model.ExpandedRates, model.Layout);
        Stages = LaneCompiler<TL, T>.CompileStages(model.ExpandedRates, model.Layout, tableau.A, tableau.C, tableau.E!);
        int[] nonNegative = [.. model.States.Select((s, i) => (s, i)).Where(x => x.s.NonNegative).Select(x => x.i)];
        _fixedSteps = new(() => LaneCompiler<TL, T>.CompileFixedSteps(model.ExpandedRates, model.Layout, tableau.A, tableau.C, nonNegative));
        _adaptiveSteps = new(() => LaneInstructions.For<TL, T>().Intrinsic
            ? LaneCompiler<TL, T>.CompileAdaptiveSteps(model.ExpandedRates, model.Layout, tableau.A, tableau.C, tableau.E!, nonNegative, LaneIntegrator<TL, T>.StepFloor)
            : null);
    }

    /// <summary>The right-hand side.</summary>
    public LaneFunction<TL> RightHandSide { get; }

    /// <summary>Tsit5's stages fused with the right-hand side and the error norm.</summary>
    public LaneStages<TL> Stages { get; }

    /// <summary>The register loop of fixed Tsit5 steps, compiled on first use.</summary>
    public LaneFixedSteps<TL> FixedSteps => _fixedSteps.Value;

    /// <summary>The register loop of adaptive Tsit5 steps, compiled on first use, where the lane type's operations are
    /// intrinsics (<see cref="LaneInstructions.Intrinsic"/>); otherwise null, and the integrator's own loop runs.</summary>
    public LaneAdaptiveSteps<TL>? AdaptiveSteps => _adaptiveSteps.Value;

    /// <summary>The model's kernels, compiled on first use.</summary>
    public static LaneKernels<TL, T> For(Model model) => Cache.GetValue(model, m => new LaneKernels<TL, T>(m));
}
