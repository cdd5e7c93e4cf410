using System.Numerics;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TwinLab.Core.Symbolic;

namespace TwinLab.Simulation.Ensembles;

/// <summary>A compiled vector of expressions evaluated lane-wise: each lane is one trajectory with its own states,
/// parameters and time.</summary>
internal delegate void LaneFunction<TLanes>(TLanes time, ReadOnlySpan<TLanes> states, ReadOnlySpan<TLanes> parameters, Span<TLanes> output)
    where TLanes : struct;

/// <summary>The stages of one explicit Runge–Kutta step over lanes, fused with the model's right-hand side and the
/// embedded error estimate: from the state <paramref name="y"/> and first stage <c>k[0..n)</c>, writes stages 1..s−1
/// into <paramref name="k"/> (stage i at <c>k[i·n..(i+1)·n)</c>) and the last stage argument into
/// <paramref name="yNew"/>, and returns the mean square of the error estimate <c>step · Σ_j e_j k_j</c> scaled by
/// <c>absoluteTolerances[m] + relativeTolerance · max(|y|, |yNew|)</c> (the square of the RMS error norm), or NaN
/// when a component of <paramref name="yNew"/> is infinite or NaN.</summary>
internal delegate TLanes LaneStages<TLanes>(TLanes time, TLanes step, ReadOnlySpan<TLanes> y, ReadOnlySpan<TLanes> parameters, Span<TLanes> k, Span<TLanes> yNew,
    TLanes relativeTolerance, ReadOnlySpan<TLanes> absoluteTolerances)
    where TLanes : struct;

/// <summary>Runs fixed steps of an explicit Runge–Kutta method over lanes with everything in registers, until a lane
/// needs per-lane bookkeeping. Each step is exactly the one <see cref="LaneStages{TLanes}"/> and the integrator's
/// step would take: from <paramref name="time"/>, <paramref name="y"/> and the first stage <paramref name="k0"/>, each
/// step moves by <paramref name="step"/> (zero on inactive lanes) and the last stage becomes the next first stage.
/// Before a step, the loop stops when an active lane would reach <paramref name="limit"/> or
/// <paramref name="nextSave"/>; after computing a step, it discards the step and stops when an active lane's new state
/// is not finite or takes a non-negative state below zero. Returns the number of steps taken (at most
/// <paramref name="maxSteps"/>) and leaves time, state and first stage after the last of them.</summary>
internal delegate int LaneFixedSteps<TLanes>(ref TLanes time, TLanes step, TLanes limit, TLanes nextSave, TLanes active,
    Span<TLanes> y, ReadOnlySpan<TLanes> parameters, Span<TLanes> k0, int maxSteps)
    where TLanes : struct;

/// <summary>Runs adaptive steps of an explicit Runge–Kutta method over lanes with everything in registers, until a
/// lane needs per-lane bookkeeping: exactly the steps the integrator's own loop of quiet steps would take, stages,
/// error norm and step-size controller included. From <paramref name="time"/>, <paramref name="step"/>,
/// <paramref name="y"/> and the first stage in <c>k[0..n)</c>, each attempt moves active lanes by their step (inactive
/// ones by zero). Before an attempt, the loop stops when an active lane would land on <paramref name="stop"/>; after
/// computing one, it stops when an accepted lane reaches <paramref name="nextSave"/> (the attempt is then left
/// pending: its stages in <paramref name="k"/>, its new state in <paramref name="yNew"/>, its squared error norm, before
/// the non-negativity rule, in <paramref name="squaredError"/>, and <paramref name="pending"/> set, for the caller to
/// save the points inside it and finish it), and it discards the attempt and stops when an accepted lane would be
/// projected onto zero or a rejected lane's step underflows. Returns the number of attempts finished (at most
/// <paramref name="maxSteps"/>) and leaves time, step, the controller's state, the accepted-step counts, the state and
/// the first stage after the last of them.</summary>
internal delegate int LaneAdaptiveSteps<TLanes>(ref TLanes time, ref TLanes step, ref TLanes logPreviousError, ref TLanes lastRejected,
    ref TLanes accepted, TLanes stop, TLanes nextSave, TLanes active, TLanes relativeTolerance, Span<TLanes> y,
    ReadOnlySpan<TLanes> parameters, Span<TLanes> k, ReadOnlySpan<TLanes> absoluteTolerances, int maxSteps,
    Span<TLanes> yNew, ref TLanes squaredError, ref bool pending)
    where TLanes : struct;

/// <summary>
/// Compiles expressions to structure-of-arrays kernels over lanes: the same walk of the expression tree as
/// <see cref="ExprCompiler"/>, emitting each lane operation as its vector instructions (see
/// <see cref="LaneInstructions"/>), once for each register of a lane value. Every statement (a stage argument, a
/// right-hand side, a shared subexpression) is emitted for each register in turn, so a lane type of two registers
/// runs two independent chains the processor overlaps. Conditionals evaluate both branches and select lane-wise;
/// general powers use exp(b·log a), integer powers up to 16 become multiplications.
/// </summary>
internal static class LaneCompiler<TLanes, T>
    where TLanes : struct, ILanes<TLanes, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly Type Lanes = typeof(TLanes);
    private static readonly int LaneSize = Unsafe.SizeOf<TLanes>();
    private static readonly MethodInfo ReadOnlyStart = typeof(MemoryMarshal).GetMethods()
        .Single(m => m.Name == nameof(MemoryMarshal.GetReference) && m.GetParameters()[0].ParameterType.GetGenericTypeDefinition() == typeof(ReadOnlySpan<>))
        .MakeGenericMethod(Lanes);
    private static readonly MethodInfo WritableStart = typeof(MemoryMarshal).GetMethods()
        .Single(m => m.Name == nameof(MemoryMarshal.GetReference) && m.GetParameters()[0].ParameterType.GetGenericTypeDefinition() == typeof(Span<>))
        .MakeGenericMethod(Lanes);

    public static LaneFunction<TLanes> Compile(IReadOnlyList<Expr> outputs, SymbolLayout layout)
    {
        var method = new DynamicMethod("twinlab_lanes", typeof(void),
            [typeof(Target), Lanes, typeof(ReadOnlySpan<TLanes>), typeof(ReadOnlySpan<TLanes>), typeof(Span<TLanes>)],
            typeof(LaneCompiler<TLanes, T>).Module, skipVisibility: true);
        new Emitter(method.GetILGenerator(), layout).EmitAll(outputs);
        return method.CreateDelegate<LaneFunction<TLanes>>(new Target());
    }

    /// <summary>
    /// Compiles every stage of an explicit Runge–Kutta step and its error norm into one method: stage arguments,
    /// right-hand sides and all intermediate values live in locals (registers), with the same operations in the same
    /// order as evaluating the stages one by one, so the result is identical and the JIT sees one straight block of
    /// SIMD code.
    /// </summary>
    /// <param name="rates">The right-hand side.</param>
    /// <param name="layout">States and parameters.</param>
    /// <param name="a">The tableau's coefficients.</param>
    /// <param name="c">The tableau's nodes.</param>
    /// <param name="e">The tableau's error weights (one per stage).</param>
    public static LaneStages<TLanes> CompileStages(IReadOnlyList<Expr> rates, SymbolLayout layout, double[][] a, double[] c, double[] e)
    {
        var method = new DynamicMethod("twinlab_lane_stages", Lanes,
            [typeof(Target), Lanes, Lanes, typeof(ReadOnlySpan<TLanes>), typeof(ReadOnlySpan<TLanes>), typeof(Span<TLanes>), typeof(Span<TLanes>), Lanes, typeof(ReadOnlySpan<TLanes>)],
            typeof(LaneCompiler<TLanes, T>).Module, skipVisibility: true);
        new Emitter(method.GetILGenerator(), layout).EmitStages(rates, a, c, e);
        return method.CreateDelegate<LaneStages<TLanes>>(new Target());
    }

    /// <summary>
    /// Compiles a loop of fixed steps (see <see cref="LaneFixedSteps{TLanes}"/>): the stages of one step are emitted
    /// once, with the same operations in the same order as <see cref="CompileStages"/>, inside a loop whose state, first
    /// stage and time stay in locals (registers) from one step to the next.
    /// </summary>
    /// <param name="rates">The right-hand side.</param>
    /// <param name="layout">States and parameters.</param>
    /// <param name="a">The tableau's coefficients.</param>
    /// <param name="c">The tableau's nodes.</param>
    /// <param name="nonNegative">States that must stay non-negative: a step that takes one below zero stops the loop.</param>
    public static LaneFixedSteps<TLanes> CompileFixedSteps(IReadOnlyList<Expr> rates, SymbolLayout layout, double[][] a, double[] c, IReadOnlyList<int> nonNegative)
    {
        var method = new DynamicMethod("twinlab_lane_fixed_steps", typeof(int),
            [typeof(Target), Lanes.MakeByRefType(), Lanes, Lanes, Lanes, Lanes, typeof(Span<TLanes>), typeof(ReadOnlySpan<TLanes>), typeof(Span<TLanes>), typeof(int)],
            typeof(LaneCompiler<TLanes, T>).Module, skipVisibility: true);
        new Emitter(method.GetILGenerator(), layout).EmitFixedSteps(rates, a, c, nonNegative);
        return method.CreateDelegate<LaneFixedSteps<TLanes>>(new Target());
    }

    /// <summary>
    /// Compiles the loop of adaptive steps (see <see cref="LaneAdaptiveSteps{TLanes}"/>) for lane types whose
    /// operations are intrinsics (<see cref="LaneInstructions.Intrinsic"/>): the stages, error norm and controller of
    /// <see cref="CompileStages"/> and the integrator, in the same order, in one loop. Time and step size stay in
    /// registers from one attempt to the next; state, first stage and controller state are read from and written to
    /// memory, off the chain from one step size to the next, which leaves the registers to the stages.
    /// </summary>
    /// <param name="rates">The right-hand side.</param>
    /// <param name="layout">States and parameters.</param>
    /// <param name="a">The tableau's coefficients.</param>
    /// <param name="c">The tableau's nodes.</param>
    /// <param name="e">The tableau's error weights (one per stage).</param>
    /// <param name="nonNegative">States that must stay non-negative.</param>
    /// <param name="stepFloor">The relative step below which a rejected lane's step underflows.</param>
    public static LaneAdaptiveSteps<TLanes> CompileAdaptiveSteps(IReadOnlyList<Expr> rates, SymbolLayout layout, double[][] a, double[] c, double[] e,
        IReadOnlyList<int> nonNegative, double stepFloor)
    {
        var byReference = Lanes.MakeByRefType();
        var method = new DynamicMethod("twinlab_lane_adaptive_steps", typeof(int),
            [typeof(Target), byReference, byReference, byReference, byReference, byReference, Lanes, Lanes, Lanes, Lanes, typeof(Span<TLanes>),
             typeof(ReadOnlySpan<TLanes>), typeof(Span<TLanes>), typeof(ReadOnlySpan<TLanes>), typeof(int), typeof(Span<TLanes>), byReference,
             typeof(bool).MakeByRefType()],
            typeof(LaneCompiler<TLanes, T>).Module, skipVisibility: true);
        new Emitter(method.GetILGenerator(), layout).EmitAdaptiveSteps(rates, a, c, e, nonNegative, stepFloor);
        return method.CreateDelegate<LaneAdaptiveSteps<TLanes>>(new Target());
    }

    private sealed class Target;

    /// <summary>Emits IL for lane values held as <see cref="LaneInstructions.Parts"/> registers each. A value is an
    /// array of one local per register, or lives in memory (<see cref="InMemory"/>); expressions are emitted for one
    /// register at a time (<c>_part</c>), on the IL stack.</summary>
    private sealed class Emitter(ILGenerator il, SymbolLayout layout)
    {
        private const int TimeArg = 1, StatesArg = 2, ParametersArg = 3, OutputArg = 4;
        private static readonly LaneInstructions Instructions = LaneInstructions.For<TLanes, T>();
        private static readonly int PartSize = LaneSize / Instructions.Parts;
        private readonly Dictionary<string, LocalBuilder[]> _symbols = new(StringComparer.Ordinal);
        private readonly Dictionary<Expr, LocalBuilder[]> _shared = [];
        private readonly Stack<LocalBuilder> _spare = new(); // one-register temporaries, reused
        private readonly Dictionary<long, LocalBuilder> _constants = [];
        private IReadOnlySet<Expr> _candidates = new HashSet<Expr>();
        private LocalBuilder[]? _time;
        private int _part;
        private readonly Dictionary<string, (int Argument, int Index)> _parametersInMemory = new(StringComparer.Ordinal);
        private readonly Dictionary<LocalBuilder[], (int Argument, int Index)> _homes = new(ReferenceEqualityComparer.Instance);
        private int _stageArgument = -1; // the argument that stages are stored to as they are computed, or −1
        private bool _storeLastStage = true; // the register loop keeps the last stage in registers only (it is never read back)

        /// <summary>Emits the fused stages and error norm (see <see cref="CompileStages"/>). Arguments: time 1, step 2,
        /// y 3, parameters 4, k 5, yNew 6, relative tolerance 7, absolute tolerances 8.</summary>
        public void EmitStages(IReadOnlyList<Expr> rates, double[][] a, double[] c, double[] e)
        {
            const int Time = 1, Step = 2, Y = 3, Parameters = 4, K = 5, YNew = 6, RelativeTolerance = 7, AbsoluteTolerances = 8;
            var n = layout.States.Count;
            LoadParameters(rates, Parameters);
            var time = LoadArgument(Time);
            var step = LoadArgument(Step);
            var y = Enumerable.Range(0, n).Select(m => LoadFrom(Y, m, readOnly: true)).ToArray();
            var k0 = Enumerable.Range(0, n).Select(m => LoadFrom(K, m, readOnly: false)).ToArray();
            // Two-register lanes need twice the registers: each stage is then stored as soon as it is computed and,
            // from the stage after next, read back from memory, so that fewer values are live at once and none spill.
            _stageArgument = Instructions.Parts > 1 ? K : -1;
            var (k, yNew) = EmitStageBody(rates, a, c, time, step, y, k0);
            for (var i = 1; i < a.Length && _stageArgument < 0; i++)
            {
                for (var m = 0; m < n; m++)
                {
                    StoreTo(K, (i * n) + m, k[i][m]);
                }
            }
            for (var m = 0; m < n; m++)
            {
                StoreTo(YNew, m, yNew[m]);
            }

            var sum = SquaredError(e, step, RelativeTolerance, AbsoluteTolerances, y, yNew, k);
            var result = il.DeclareLocal(Lanes);
            EachPart(() =>
            {
                il.Emit(OpCodes.Ldloca, result);
                Offset(_part * PartSize);
                Load(sum);
                il.Emit(OpCodes.Stobj, Instructions.Part);
            });
            il.Emit(OpCodes.Ldloc, result);
            il.Emit(OpCodes.Ret);
        }

        /// <summary>Emits the loop of adaptive steps (see <see cref="CompileAdaptiveSteps"/>). Arguments: by reference
        /// time 1, step 2, log₂ of the previous error 3, last rejected 4, accepted steps 5; stop 6, next save 7, active 8,
        /// relative tolerance 9, y 10, parameters 11, k 12, absolute tolerances 13, maximum steps 14, new state 15,
        /// squared error 16 and pending 17 (written when an attempt is left pending).</summary>
        public void EmitAdaptiveSteps(IReadOnlyList<Expr> rates, double[][] a, double[] c, double[] e, IReadOnlyList<int> nonNegative, double stepFloor)
        {
            const int Time = 1, Step = 2, LogPrevious = 3, LastRejected = 4, Accepted = 5, Stop = 6, NextSave = 7, Active = 8,
                RelativeTolerance = 9, Y = 10, Parameters = 11, K = 12, AbsoluteTolerances = 13, MaxSteps = 14, YNew = 15,
                SquaredErrorOut = 16, Pending = 17;
            var n = layout.States.Count;
            LoadParameters(rates, Parameters);
            // The loop's invariants (stop, next save, active lanes) are read from their arguments at each use.
            // Only time and step stay in registers from one attempt to the next: the step is the end of the chain that
            // the next attempt starts from. The state, first stage and controller state are read from memory as they
            // are needed, which leaves the registers to the stages.
            var y = Enumerable.Range(0, n).Select(m => InMemory(Y, m)).ToArray();
            var k0 = Enumerable.Range(0, n).Select(m => InMemory(K, m)).ToArray();
            var t = LoadReference(Time);
            var h = LoadReference(Step);
            var logPrevious = InMemory(LogPrevious, -1);
            var lastRejected = InMemory(LastRejected, -1);
            var accepted = InMemory(Accepted, -1);
            var count = il.DeclareLocal(typeof(int));
            var loop = il.DefineLabel();
            var exit = il.DefineLabel();
            il.Emit(OpCodes.Ldc_I4_0);
            il.Emit(OpCodes.Stloc, count);

            il.MarkLabel(loop);
            il.Emit(OpCodes.Ldloc, count);
            il.Emit(OpCodes.Ldarg_S, (byte)MaxSteps);
            il.Emit(OpCodes.Bge, exit);
            // Stop before an attempt that lands on a stop on an active lane.
            var hs = Compute(() =>
            {
                LoadArgumentPart(Active);
                Load(h);
                Constant(0);
                Op("Select");
            });
            var tNew = Compute(() =>
            {
                Load(t);
                Load(hs);
                Op("Add");
            });
            Any(() =>
            {
                LoadArgumentPart(Active);
                LoadArgumentPart(Stop);
                Constant(StepControl.Landing);
                Load(h);
                Load(t);
                Op("MultiplyAdd");
                Op("LessOrEqual");
                Op("And");
            });
            il.Emit(OpCodes.Brtrue, exit);

            _stageArgument = Instructions.Parts > 1 ? K : -1;
            _storeLastStage = false;
            var (k, yNew) = EmitStageBody(rates, a, c, t, hs, y, k0);
            var squaredError = SquaredError(e, hs, RelativeTolerance, AbsoluteTolerances, y, yNew, k);
            var rawError = Compute(() => Load(squaredError));
            foreach (var m in nonNegative)
            {
                // A non-negative state below minus its absolute tolerance rejects the step (the integrator's rule).
                var tolerance = LoadFrom(AbsoluteTolerances, m, readOnly: true);
                EachPart(() =>
                {
                    Load(yNew[m]);
                    Load(tolerance);
                    Op("Negate");
                    Op("Less");
                    Constant(4);
                    Load(squaredError);
                    Op("Select");
                    Store(squaredError);
                });
            }
            var finite = Compute(() =>
            {
                Load(squaredError);
                Op("IsFinite");
            });
            var accept = Compute(() =>
            {
                LoadArgumentPart(Active);
                Load(finite);
                Load(squaredError);
                Constant(1);
                Op("LessOrEqual");
                Op("And");
                Op("And");
            });
            var rejected = Compute(() =>
            {
                LoadArgumentPart(Active);
                Load(accept);
                Op("Not");
                Op("And");
            });
            // An accepted lane reaches its next saved time: leave the attempt pending for the caller, which saves the
            // points inside it from the dense output before it moves the state on.
            var noSave = il.DefineLabel();
            Any(() =>
            {
                Load(accept);
                LoadArgumentPart(NextSave);
                Load(tNew);
                Op("LessOrEqual");
                Op("And");
            });
            il.Emit(OpCodes.Brfalse, noSave);
            for (var m = 0; m < n; m++)
            {
                StoreTo(YNew, m, yNew[m]);
                StoreTo(K, ((a.Length - 1) * n) + m, k[^1][m]);
            }
            StoreReference(SquaredErrorOut, rawError);
            il.Emit(OpCodes.Ldarg_S, (byte)Pending);
            il.Emit(OpCodes.Ldc_I4_1);
            il.Emit(OpCodes.Stind_I1);
            il.Emit(OpCodes.Br, exit);
            il.MarkLabel(noSave);
            var (hNew, logError) = NextStep(h, hs, accept, finite, rejected, lastRejected, logPrevious, squaredError);
            // Discard the attempt and stop when an accepted lane would be projected onto zero or a rejected lane's step
            // underflows.
            Any(() =>
            {
                Load(rejected);
                Load(hNew);
                Constant(stepFloor);
                Constant(1);
                Load(t);
                Op("Abs");
                Op("MaxNonNaN");
                Op("Multiply");
                Op("Less");
                Op("And");
                foreach (var m in nonNegative)
                {
                    Load(accept);
                    Load(yNew[m]);
                    Constant(0);
                    Op("Less");
                    Op("And");
                    Op("Or");
                }
            });
            il.Emit(OpCodes.Brtrue, exit);

            // Commit: accepted lanes move on, the last stage becomes the next first stage.
            EachPart(() =>
            {
                for (var m = 0; m < n; m++)
                {
                    Load(accept);
                    Load(yNew[m]);
                    Load(y[m]);
                    Op("Select");
                    Store(y[m]);
                    Load(accept);
                    Load(k[^1][m]);
                    Load(k0[m]);
                    Op("Select");
                    Store(k0[m]);
                }
                Load(accept);
                Load(tNew);
                Load(t);
                Op("Select");
                Store(t);
                Load(hNew);
                Store(h);
                Load(accept);
                Load(logError);
                Constant(StepControl.LogMinError);
                Op("MaxNonNaN");
                Load(logPrevious);
                Op("Select");
                Store(logPrevious);
                Load(rejected);
                Store(lastRejected);
                Load(accepted);
                Load(accept);
                Constant(1);
                Constant(0);
                Op("Select");
                Op("Add");
                Store(accepted);
            });
            il.Emit(OpCodes.Ldloc, count);
            il.Emit(OpCodes.Ldc_I4_1);
            il.Emit(OpCodes.Add);
            il.Emit(OpCodes.Stloc, count);
            il.Emit(OpCodes.Br, loop);

            il.MarkLabel(exit);
            StoreReference(Time, t);
            StoreReference(Step, h);
            il.Emit(OpCodes.Ldloc, count);
            il.Emit(OpCodes.Ret);
        }

        /// <summary>The integrator's PI controller (LaneIntegrator.NextStepCore with no stop being landed on), in the
        /// same operations and order: the next step of every lane and half the base-2 logarithm of its squared error.
        /// Emitted here rather than called: calling NextStepCore for each register inlines some 250 lane operations into
        /// the loop, past the JIT's limit, and the loop then runs four times slower. The register-loop tests check that
        /// the two give the same bits.</summary>
        private (LocalBuilder[] Step, LocalBuilder[] LogError) NextStep(LocalBuilder[] h, LocalBuilder[] hs, LocalBuilder[] accept,
            LocalBuilder[] finite, LocalBuilder[] rejected, LocalBuilder[] lastRejected, LocalBuilder[] logPrevious, LocalBuilder[] squaredError)
        {
            var log2Squared = Compute(() =>
            {
                Load(squaredError);
                Log2Coarse();
            });
            var logError = Compute(() =>
            {
                Constant(0.5);
                Load(log2Squared);
                Op("Multiply");
            });
            var growth = Compute(() =>
            {
                Constant(-0.5 * StepControl.Exponent);
                Load(log2Squared);
                Constant(StepControl.Beta);
                Load(logPrevious);
                Constant(StepControl.LogSafety);
                Op("MultiplyAdd");
                Op("MultiplyAdd");
                Constant(StepControl.LogMinFactor);
                Op("MaxNonNaN");
                Constant(StepControl.LogMaxFactor);
                Op("MinNonNaN");
                Exp2Coarse();
            });
            // The step of a rejected lane is needed only when some lane is rejected, which is rare; otherwise it is
            // never selected. It shrinks by the controller's factor after a finite error, to a quarter otherwise.
            var noneRejected = il.DefineLabel();
            Any(() => Load(rejected));
            il.Emit(OpCodes.Brfalse, noneRejected);
            var hRejected = Compute(() =>
            {
                Load(finite);
                Load(hs);
                Constant(-StepControl.Exponent);
                Load(logError);
                Constant(StepControl.LogSafety);
                Op("MultiplyAdd");
                Constant(StepControl.LogMinFactor);
                Op("MaxNonNaN");
                Constant(0);
                Op("MinNonNaN");
                Exp2Coarse();
                Op("Multiply");
                Load(hs);
                Constant(0.25);
                Op("Multiply");
                Op("Select");
            });
            il.MarkLabel(noneRejected);
            var next = Compute(() =>
            {
                // accept ? max(min(hs · growth, lastRejected ? hs : ∞), 0) : rejected ? hRejected : h
                Load(accept);
                Load(hs);
                Load(growth);
                Op("Multiply");
                Load(lastRejected);
                Load(hs);
                Constant(double.PositiveInfinity);
                Op("Select");
                Op("MinNonNaN");
                Constant(0);
                Op("MaxNonNaN");
                Load(rejected);
                Load(hRejected);
                Load(h);
                Op("Select");
                Op("Select");
            });
            return (next, logError);
        }

        /// <summary>Replaces the value on the stack by LaneMath.Log2Coarse of it, in the same operations.</summary>
        private void Log2Coarse()
        {
            var normal = Rent();
            var f = Rent();
            Constant(LaneMath.SmallestNormal<T>());
            Op("MaxNonNaN");
            il.Emit(OpCodes.Stloc, normal);
            il.Emit(OpCodes.Ldloc, normal);
            Op("SignificandOf");
            Constant(1);
            Op("Subtract");
            il.Emit(OpCodes.Stloc, f);
            il.Emit(OpCodes.Ldloc, f);
            il.Emit(OpCodes.Ldloc, f);
            Op("Multiply");
            Constant(LaneMath.Log2C3);
            il.Emit(OpCodes.Ldloc, f);
            Constant(LaneMath.Log2C2);
            Op("MultiplyAdd");
            Constant(LaneMath.Log2C1);
            il.Emit(OpCodes.Ldloc, f);
            Constant(LaneMath.Log2C0);
            Op("MultiplyAdd");
            Op("MultiplyAdd");
            var p = Rent();
            il.Emit(OpCodes.Stloc, p);
            il.Emit(OpCodes.Ldloc, f);
            il.Emit(OpCodes.Ldloc, p);
            il.Emit(OpCodes.Ldloc, normal);
            Op("ExponentOf");
            Op("MultiplyAdd");
            _spare.Push(p);
            _spare.Push(f);
            _spare.Push(normal);
        }

        /// <summary>Replaces the value on the stack by LaneMath.Exp2Coarse of it, in the same operations.</summary>
        private void Exp2Coarse()
        {
            var x = Rent();
            var n = Rent();
            var r = Rent();
            il.Emit(OpCodes.Stloc, x);
            il.Emit(OpCodes.Ldloc, x);
            Op("Round");
            il.Emit(OpCodes.Stloc, n);
            il.Emit(OpCodes.Ldloc, x);
            il.Emit(OpCodes.Ldloc, n);
            Op("Subtract");
            il.Emit(OpCodes.Stloc, r);
            il.Emit(OpCodes.Ldloc, r);
            il.Emit(OpCodes.Ldloc, r);
            Op("Multiply");
            Constant(LaneMath.Exp2C3);
            il.Emit(OpCodes.Ldloc, r);
            Constant(LaneMath.Exp2C2);
            Op("MultiplyAdd");
            Constant(LaneMath.Exp2C1);
            il.Emit(OpCodes.Ldloc, r);
            Constant(LaneMath.Exp2C0);
            Op("MultiplyAdd");
            Op("MultiplyAdd");
            il.Emit(OpCodes.Ldloc, n);
            Op("ScaleB");
            _spare.Push(r);
            _spare.Push(n);
            _spare.Push(x);
        }

        /// <summary>A lane value passed by reference as argument <paramref name="argument"/>, loaded into locals.</summary>
        private LocalBuilder[] LoadReference(int argument) => Compute(() =>
        {
            ReferenceAddress(argument);
            il.Emit(OpCodes.Ldobj, Instructions.Part);
        });

        /// <summary>Writes a lane value back through the reference argument <paramref name="argument"/>.</summary>
        private void StoreReference(int argument, LocalBuilder[] value) => EachPart(() =>
        {
            ReferenceAddress(argument);
            Load(value);
            il.Emit(OpCodes.Stobj, Instructions.Part);
        });

        /// <summary>The square of the RMS error norm of the step (see <see cref="LaneStages{TLanes}"/>), from the stages
        /// <paramref name="k"/>, with the absolute tolerances read from argument <paramref name="absoluteTolerances"/>.</summary>
        private LocalBuilder[] SquaredError(double[] e, LocalBuilder[] step, int relativeTolerance, int absoluteTolerances,
            LocalBuilder[][] y, LocalBuilder[][] yNew, LocalBuilder[][][] k)
        {
            var n = layout.States.Count;
            var sum = NewValue();
            // Σ_m (Σ_j e_j k_j[m] · w_m)² with w_m = step · n^(−1/2) / (atol_m + rtol · max(|y_m|, |yNew_m|)). The weights need
            // only y and yNew, so their divisions overlap the last stage's right-hand side instead of following it.
            var weights = new LocalBuilder[n][];
            for (var m = 0; m < n; m++)
            {
                var tolerance = LoadFrom(absoluteTolerances, m, readOnly: true);
                weights[m] = Compute(() =>
                {
                    Load(step);
                    Constant(1 / Math.Sqrt(n));
                    Op("Multiply");
                    Load(y[m]);
                    Op("Abs");
                    Load(yNew[m]);
                    Op("Abs");
                    Op("MaxNonNaN");
                    LoadArgumentPart(relativeTolerance);
                    Load(tolerance);
                    Op("MultiplyAdd");
                    Op("Divide");
                });
            }
            // The sum starts from Σ (yNew − yNew): zero unless a component of yNew is infinite or NaN, which makes it
            // NaN. Subtractions and additions leave the multiply units, which bound the step, to the products.
            EachPart(() =>
            {
                for (var m = 0; m < n; m++)
                {
                    Load(yNew[m]);
                    Load(yNew[m]);
                    Op("Subtract");
                    if (m > 0)
                    {
                        Op("Add");
                    }
                }
                Store(sum);
            });
            var error = NewValue();
            for (var m = 0; m < n; m++)
            {
                EachPart(() =>
                {
                    Constant(e[0]);
                    LoadStage(k, 0, m, e.Length);
                    Op("Multiply");
                    for (var j = 1; j < e.Length; j++)
                    {
                        Store(error);
                        Constant(e[j]);
                        LoadStage(k, j, m, e.Length);
                        Load(error);
                        Op("MultiplyAdd");
                    }
                    Load(weights[m]);
                    Op("Multiply");
                    Store(error);
                    Load(error);
                    Load(error);
                    Load(sum);
                    Op("MultiplyAdd");
                    Store(sum);
                });
            }
            return sum;
        }

        /// <summary>Emits the loop of fixed steps (see <see cref="CompileFixedSteps"/>). Arguments: ref time 1 (read at the start, written at the end),
        /// step 2, limit 3, next save 4, active 5, y 6, parameters 7, k0 8, maximum steps 9.</summary>
        public void EmitFixedSteps(IReadOnlyList<Expr> rates, double[][] a, double[] c, IReadOnlyList<int> nonNegative)
        {
            const int Time = 1, Step = 2, Limit = 3, NextSave = 4, Active = 5, Y = 6, Parameters = 7, K = 8, MaxSteps = 9;
            var n = layout.States.Count;
            LoadParameters(rates, Parameters);
            var (step, limit, nextSave, active) = (LoadArgument(Step), LoadArgument(Limit), LoadArgument(NextSave), LoadArgument(Active));
            var y = Enumerable.Range(0, n).Select(m => LoadFrom(Y, m, readOnly: false)).ToArray();
            var k0 = Enumerable.Range(0, n).Select(m => LoadFrom(K, m, readOnly: false)).ToArray();
            var t = LoadReference(Time);
            var count = il.DeclareLocal(typeof(int));
            var tNew = NewValue();
            var loop = il.DefineLabel();
            var exit = il.DefineLabel();
            il.Emit(OpCodes.Ldc_I4_0);
            il.Emit(OpCodes.Stloc, count);

            il.MarkLabel(loop);
            il.Emit(OpCodes.Ldloc, count);
            il.Emit(OpCodes.Ldarg_S, (byte)MaxSteps);
            il.Emit(OpCodes.Bge, exit);
            // tNew = t + h; stop before a step that reaches the limit or the next saved time on an active lane.
            EachPart(() =>
            {
                Load(t);
                Load(step);
                Op("Add");
                Store(tNew);
            });
            Any(() =>
            {
                Load(active);
                Load(limit);
                Load(tNew);
                Op("LessOrEqual");
                Load(nextSave);
                Load(tNew);
                Op("LessOrEqual");
                Op("Or");
                Op("And");
            });
            il.Emit(OpCodes.Brtrue, exit);

            var (k, yNew) = EmitStageBody(rates, a, c, t, step, y, k0);

            // Discard the step and stop when an active lane's new state is not finite or leaves the non-negative orthant.
            Any(() =>
            {
                Load(active);
                for (var m = 0; m < n; m++)
                {
                    Load(yNew[m]);
                    Op("IsFinite");
                    if (m > 0)
                    {
                        Op("And");
                    }
                }
                foreach (var m in nonNegative)
                {
                    Load(yNew[m]);
                    Constant(0);
                    Op("Less");
                    Op("Not");
                    Op("And");
                }
                Op("Not");
                Op("And");
            });
            il.Emit(OpCodes.Brtrue, exit);

            // Commit: the last stage argument is the new state, the last stage the next first stage.
            EachPart(() =>
            {
                for (var m = 0; m < n; m++)
                {
                    Load(yNew[m]);
                    Store(y[m]);
                    Load(k[^1][m]);
                    Store(k0[m]);
                }
                Load(tNew);
                Store(t);
            });
            il.Emit(OpCodes.Ldloc, count);
            il.Emit(OpCodes.Ldc_I4_1);
            il.Emit(OpCodes.Add);
            il.Emit(OpCodes.Stloc, count);
            il.Emit(OpCodes.Br, loop);

            il.MarkLabel(exit);
            StoreReference(Time, t);
            for (var m = 0; m < n; m++)
            {
                StoreTo(Y, m, y[m]);
                StoreTo(K, m, k0[m]);
            }
            il.Emit(OpCodes.Ldloc, count);
            il.Emit(OpCodes.Ret);
        }

        /// <summary>Binds every parameter the rates use to a value loaded once from the parameters argument.</summary>
        private void LoadParameters(IReadOnlyList<Expr> rates, int argument)
        {
            foreach (var name in rates.SelectMany(r => r.Symbols()).Select(x => x.Name).Distinct().Where(x => x != Sym.TimeName))
            {
                if (!layout.TryGetSlot(name, out var isState, out var index))
                {
                    throw new ArgumentException($"The expression uses '{name}', which is neither time nor a state or parameter.", nameof(rates));
                }
                if (isState)
                {
                    continue;
                }
                if (Instructions.Intrinsic)
                {
                    // Read at each use, folded into the instruction that uses it: with two registers per value, the
                    // registers are kept for the values that change.
                    _parametersInMemory[name] = (argument, index);
                }
                else
                {
                    _symbols[name] = LoadFrom(argument, index, readOnly: true);
                }
            }
        }

        /// <summary>Emits stages 1..s−1 from the state and first stage in locals; returns the stage values
        /// (<c>k[i][m]</c>, i ≥ 1) and the last stage argument (the new state, for the tableaus here whose last row
        /// is the solution's weights).</summary>
        private (LocalBuilder[][][] K, LocalBuilder[][] YNew) EmitStageBody(IReadOnlyList<Expr> rates, double[][] a, double[] c,
            LocalBuilder[] time, LocalBuilder[] step, LocalBuilder[][] y, LocalBuilder[][] k0)
        {
            var n = layout.States.Count;
            var stages = a.Length;
            var k = new LocalBuilder[stages][][];
            k[0] = k0;
            _candidates = ExprCompiler.SharedSubexpressions(rates);
            var acc = NewValue();
            LocalBuilder[][] stage = [];
            for (var i = 1; i < stages; i++)
            {
                // Stage argument y + h · Σ_j a_ij k_j, in the same order of operations as LaneIntegrator would use.
                stage = new LocalBuilder[n][];
                for (var m = 0; m < n; m++)
                {
                    stage[m] = Compute(() =>
                    {
                        Constant(a[i][0]);
                        LoadStage(k, 0, m, i);
                        Op("Multiply");
                        for (var j = 1; j < i; j++)
                        {
                            Store(acc);
                            Constant(a[i][j]);
                            LoadStage(k, j, m, i);
                            Load(acc);
                            Op("MultiplyAdd");
                        }
                        // acc · step + y (the same bits as step · acc + y): acc, which dies here, takes the result.
                        Load(step);
                        Load(y[m]);
                        Op("MultiplyAdd");
                    });
                }
                _time = Compute(() =>
                {
                    Constant(c[i]);
                    Load(step);
                    Load(time);
                    Op("MultiplyAdd");
                });

                // The right-hand side at the stage, with the states bound to the stage values.
                for (var m = 0; m < n; m++)
                {
                    _symbols[layout.States[m]] = stage[m];
                }
                _shared.Clear();
                foreach (var rate in rates)
                {
                    Precompute(rate);
                }
                k[i] = [.. rates.Select(rate => Compute(() => Emit(rate)))];
                if (_stageArgument >= 0 && (i < stages - 1 || _storeLastStage))
                {
                    for (var m = 0; m < n; m++)
                    {
                        StoreTo(_stageArgument, (i * n) + m, k[i][m]);
                    }
                }
            }
            _time = null;
            return (k, stage);
        }

        public void EmitAll(IReadOnlyList<Expr> outputs)
        {
            // Callers size the spans from the same layout, so element access is unchecked here.
            foreach (var s in outputs.SelectMany(o => o.Symbols()).Select(s => s.Name).Distinct().Where(n => n != Sym.TimeName))
            {
                if (!layout.TryGetSlot(s, out var isState, out var index))
                {
                    throw new ArgumentException($"The expression uses '{s}', which is neither time nor a state or parameter.", nameof(outputs));
                }
                _symbols[s] = LoadFrom(isState ? StatesArg : ParametersArg, index, readOnly: true);
            }
            _time = LoadArgument(TimeArg);
            _candidates = ExprCompiler.SharedSubexpressions(outputs);
            foreach (var e in outputs)
            {
                Precompute(e);
            }
            for (var i = 0; i < outputs.Count; i++)
            {
                var output = outputs[i];
                EachPart(() =>
                {
                    ElementAddress(OutputArg, i);
                    Emit(output);
                    il.Emit(OpCodes.Stobj, Instructions.Part);
                });
            }
            il.Emit(OpCodes.Ret);
        }

        /// <summary>Pushes state m of stage j, used while computing stage <paramref name="latest"/>: from its locals,
        /// or from the stages argument when the stages are stored as they are computed and j is not the latest.</summary>
        private void LoadStage(LocalBuilder[][][] k, int j, int m, int latest)
        {
            if (_stageArgument < 0 || j >= latest - 1)
            {
                Load(k[j][m]);
                return;
            }
            ElementAddress(_stageArgument, (j * layout.States.Count) + m);
            il.Emit(OpCodes.Ldobj, Instructions.Part);
        }

        /// <summary>Runs <paramref name="body"/> once for each register of a lane value.</summary>
        private void EachPart(Action body)
        {
            for (_part = 0; _part < Instructions.Parts; _part++)
            {
                body();
            }
            _part = 0;
        }

        /// <summary>A lane value: one local per register, declared when first stored.</summary>
        private static LocalBuilder[] NewValue() => new LocalBuilder[Instructions.Parts];

        /// <summary>A new value whose register p is what <paramref name="body"/> pushes for part p.</summary>
        private LocalBuilder[] Compute(Action body)
        {
            var value = NewValue();
            EachPart(() =>
            {
                body();
                Store(value);
            });
            return value;
        }

        private void Load(LocalBuilder[] value)
        {
            if (_homes.TryGetValue(value, out var home))
            {
                Address(home);
                il.Emit(OpCodes.Ldobj, Instructions.Part);
                return;
            }
            il.Emit(OpCodes.Ldloc, value[_part]);
        }

        private void Store(LocalBuilder[] value)
        {
            if (_homes.TryGetValue(value, out var home))
            {
                var part = Rent();
                il.Emit(OpCodes.Stloc, part);
                Address(home);
                il.Emit(OpCodes.Ldloc, part);
                il.Emit(OpCodes.Stobj, Instructions.Part);
                _spare.Push(part);
                return;
            }
            il.Emit(OpCodes.Stloc, value[_part] ??= il.DeclareLocal(Instructions.Part));
        }

        /// <summary>A lane value that lives in memory instead of locals: element <paramref name="index"/> of span
        /// argument <paramref name="argument"/>, or the value a reference argument points to (index −1). Every load
        /// and store of it goes there.</summary>
        private LocalBuilder[] InMemory(int argument, int index)
        {
            var value = NewValue();
            _homes[value] = (argument, index);
            return value;
        }

        /// <summary>Pushes the address of the current register of a value in memory.</summary>
        private void Address((int Argument, int Index) home)
        {
            if (home.Index >= 0)
            {
                ElementAddress(home.Argument, home.Index);
            }
            else
            {
                ReferenceAddress(home.Argument);
            }
        }

        /// <summary>Pushes the address of the current register of element <paramref name="index"/> of the span
        /// argument <paramref name="argument"/> (a read-only span when <paramref name="readOnly"/>).</summary>
        private void ElementAddress(int argument, int index, bool readOnly = false)
        {
            il.Emit(OpCodes.Ldarg_S, (byte)argument);
            il.Emit(OpCodes.Call, readOnly ? ReadOnlyStart : WritableStart);
            Offset((index * LaneSize) + (_part * PartSize));
        }

        /// <summary>Pushes the address of the current register of the lane value that the reference argument
        /// <paramref name="argument"/> points to.</summary>
        private void ReferenceAddress(int argument)
        {
            il.Emit(OpCodes.Ldarg_S, (byte)argument);
            Offset(_part * PartSize);
        }

        private void Op(string operation) => Instructions.Emit(il, operation);

        /// <summary>Pushes a constant. Intrinsic lanes get a literal at each use, which the JIT folds into the
        /// instruction; otherwise each distinct constant is built once, at its first use, and read from a local after:
        /// fewer calls for the JIT to inline, whose budget per method is limited.</summary>
        private void Constant(double value)
        {
            if (Instructions.Intrinsic)
            {
                Instructions.Constant(il, value);
                return;
            }
            var bits = BitConverter.DoubleToInt64Bits(value);
            if (!_constants.TryGetValue(bits, out var local))
            {
                Instructions.Constant(il, value);
                local = il.DeclareLocal(Instructions.Part);
                il.Emit(OpCodes.Stloc, local);
                _constants[bits] = local;
            }
            il.Emit(OpCodes.Ldloc, local);
        }

        /// <summary>Pushes whether any lane of the mask that <paramref name="mask"/> pushes (for each part) is true.</summary>
        private void Any(Action mask)
        {
            EachPart(() =>
            {
                mask();
                if (_part > 0)
                {
                    Op("Or");
                }
            });
            Instructions.Any(il);
        }

        /// <summary>A lane value passed by value as argument <paramref name="argument"/>, loaded into locals.</summary>
        private LocalBuilder[] LoadArgument(int argument) => Compute(() => LoadArgumentPart(argument));

        /// <summary>Pushes the current register of the lane value passed by value as argument <paramref name="argument"/>.</summary>
        private void LoadArgumentPart(int argument)
        {
            il.Emit(OpCodes.Ldarga_S, (byte)argument);
            Offset(_part * PartSize);
            il.Emit(OpCodes.Ldobj, Instructions.Part);
        }

        private void StoreTo(int argument, int index, LocalBuilder[] value) => EachPart(() =>
        {
            ElementAddress(argument, index);
            Load(value);
            il.Emit(OpCodes.Stobj, Instructions.Part);
        });

        private LocalBuilder[] LoadFrom(int argument, int index, bool readOnly) => Compute(() =>
        {
            ElementAddress(argument, index, readOnly);
            il.Emit(OpCodes.Ldobj, Instructions.Part);
        });

        /// <summary>Adds a byte offset to the address on the stack.</summary>
        private void Offset(int bytes)
        {
            if (bytes > 0)
            {
                il.Emit(OpCodes.Ldc_I4, bytes);
                il.Emit(OpCodes.Conv_I);
                il.Emit(OpCodes.Add);
            }
        }

        private void Precompute(Expr e)
        {
            if (e is TwinLab.Core.Symbolic.Constant or Symbol || _shared.ContainsKey(e))
            {
                return;
            }
            foreach (var child in e.Children)
            {
                Precompute(child);
            }
            if (_candidates.Contains(e))
            {
                _shared[e] = Compute(() => Node(e));
            }
        }

        private void Emit(Expr e)
        {
            if (_shared.TryGetValue(e, out var value))
            {
                Load(value);
            }
            else
            {
                Node(e);
            }
        }

        private void Node(Expr e)
        {
            switch (e)
            {
                case TwinLab.Core.Symbolic.Constant c:
                    Constant(c.Value);
                    break;
                case Symbol s when s.Name == Sym.TimeName:
                    Load(_time!);
                    break;
                case Symbol s when _parametersInMemory.TryGetValue(s.Name, out var slot):
                    ElementAddress(slot.Argument, slot.Index, readOnly: true);
                    il.Emit(OpCodes.Ldobj, Instructions.Part);
                    break;
                case Symbol s:
                    Load(_symbols[s.Name]);
                    break;
                case Unary u:
                    Unary(u);
                    break;
                case Binary { Operator: BinaryOperator.Power, Right: TwinLab.Core.Symbolic.Constant k } p
                    when double.IsInteger(k.Value) && Math.Abs(k.Value) <= ExprCompiler.MaxExpandedPower:
                    IntegerPower(p.Left, (int)k.Value);
                    break;
                case Binary { Operator: BinaryOperator.Power } p:
                    // a^b = exp(b · log a), for a > 0 as in the models' domains.
                    Emit(p.Right);
                    Emit(p.Left);
                    Op("Log");
                    Op("Multiply");
                    Op("Exp");
                    break;
                case Binary b:
                    Emit(b.Left);
                    Emit(b.Right);
                    Op(b.Operator switch
                    {
                        BinaryOperator.Add => "Add",
                        BinaryOperator.Subtract => "Subtract",
                        BinaryOperator.Multiply => "Multiply",
                        BinaryOperator.Divide => "Divide",
                        BinaryOperator.Min => "Min",
                        _ => "Max",
                    });
                    break;
                case Conditional c:
                    Condition(c.Test);
                    Emit(c.WhenTrue);
                    Emit(c.WhenFalse);
                    Op("Select");
                    break;
                default:
                    throw new NotSupportedException(e.GetType().Name);
            }
        }

        private void Unary(Unary u)
        {
            if (u.Operator == UnaryOperator.Tanh)
            {
                // tanh x = 1 − 2 / (exp(2x) + 1): exact limits ±1 without overflow.
                Constant(1);
                Constant(2);
                Constant(2);
                Emit(u.Operand);
                Op("Multiply");
                Op("Exp");
                Constant(1);
                Op("Add");
                Op("Divide");
                Op("Subtract");
                return;
            }
            Emit(u.Operand);
            Op(u.Operator switch
            {
                UnaryOperator.Negate => "Negate",
                UnaryOperator.Exp => "Exp",
                UnaryOperator.Log => "Log",
                UnaryOperator.Sqrt => "Sqrt",
                UnaryOperator.Abs => "Abs",
                UnaryOperator.Sin => "Sin",
                _ => "Cos",
            });
        }

        private void IntegerPower(Expr baseExpr, int k)
        {
            if (k == 0)
            {
                Constant(1);
                return;
            }
            if (k < 0)
            {
                Constant(1);
            }
            Emit(baseExpr);
            var x = Rent();
            il.Emit(OpCodes.Stloc, x);
            PowerOfLocal(x, Math.Abs(k));
            _spare.Push(x);
            if (k < 0)
            {
                Op("Divide");
            }
        }

        // The same multiplication order as ExprCompiler.IntegerPower.
        private void PowerOfLocal(LocalBuilder x, int k)
        {
            if (k == 1)
            {
                il.Emit(OpCodes.Ldloc, x);
                return;
            }
            if (k % 2 == 0)
            {
                PowerOfLocal(x, k / 2);
                var half = Rent();
                il.Emit(OpCodes.Stloc, half);
                il.Emit(OpCodes.Ldloc, half);
                il.Emit(OpCodes.Ldloc, half);
                _spare.Push(half);
                Op("Multiply");
                return;
            }
            PowerOfLocal(x, k - 1);
            il.Emit(OpCodes.Ldloc, x);
            Op("Multiply");
        }

        /// <summary>A one-register temporary, from those no longer in use where possible.</summary>
        private LocalBuilder Rent() => _spare.TryPop(out var local) ? local : il.DeclareLocal(Instructions.Part);

        /// <summary>Pushes the lane mask of a condition.</summary>
        private void Condition(Condition c)
        {
            switch (c)
            {
                case Comparison k:
                    var (first, second, name, negate) = k.Operator switch
                    {
                        ComparisonOperator.Less => (k.Left, k.Right, "Less", false),
                        ComparisonOperator.LessOrEqual => (k.Left, k.Right, "LessOrEqual", false),
                        ComparisonOperator.Greater => (k.Right, k.Left, "Less", false),
                        ComparisonOperator.GreaterOrEqual => (k.Right, k.Left, "LessOrEqual", false),
                        ComparisonOperator.Equal => (k.Left, k.Right, "Equal", false),
                        _ => (k.Left, k.Right, "Equal", true),
                    };
                    Emit(first);
                    Emit(second);
                    Op(name);
                    if (negate)
                    {
                        Op("Not");
                    }
                    break;
                case Logical { Operator: LogicalOperator.Not } n:
                    Condition(n.Left);
                    Op("Not");
                    break;
                case Logical l:
                    Condition(l.Left);
                    Condition(l.Right!);
                    Op(l.Operator == LogicalOperator.And ? "And" : "Or");
                    break;
                default:
                    throw new NotSupportedException(c.GetType().Name);
            }
        }
    }
}
