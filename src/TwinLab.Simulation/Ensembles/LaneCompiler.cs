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

/// <summary>
/// Compiles expressions to structure-of-arrays kernels over lanes: the same walk of the expression tree as
/// <see cref="ExprCompiler"/>, emitting calls to the lane type's operations, which the JIT inlines into SIMD
/// instructions. Conditionals evaluate both branches and select lane-wise; general powers use exp(b·log a), integer
/// powers up to 16 become multiplications.
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

    private static MethodInfo Op(string name) =>
        Lanes.GetMethod(name, BindingFlags.Public | BindingFlags.Static)
        ?? throw new InvalidOperationException($"{Lanes.Name} has no operation {name}.");

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

    private sealed class Target;

    private sealed class Emitter(ILGenerator il, SymbolLayout layout)
    {
        private const int TimeArg = 1, StatesArg = 2, ParametersArg = 3, OutputArg = 4;
        private readonly Dictionary<string, LocalBuilder> _symbols = new(StringComparer.Ordinal);
        private readonly Dictionary<Expr, LocalBuilder> _shared = [];
        private readonly Dictionary<long, LocalBuilder> _constants = [];
        private IReadOnlySet<Expr> _candidates = new HashSet<Expr>();
        private LocalBuilder? _time;

        /// <summary>Emits the fused stages and error norm (see <see cref="CompileStages"/>). Arguments: time 1, step 2,
        /// y 3, parameters 4, k 5, yNew 6, relative tolerance 7, absolute tolerances 8.</summary>
        public void EmitStages(IReadOnlyList<Expr> rates, double[][] a, double[] c, double[] e)
        {
            const int Time = 1, Step = 2, Y = 3, Parameters = 4, K = 5, YNew = 6, RelativeTolerance = 7, AbsoluteTolerances = 8;
            var n = layout.States.Count;
            LoadParameters(rates, Parameters);
            var y = Enumerable.Range(0, n).Select(m => LoadFrom(Y, m, readOnly: true)).ToArray();
            var k0 = Enumerable.Range(0, n).Select(m => LoadFrom(K, m, readOnly: false)).ToArray();
            var (k, yNew) = EmitStageBody(rates, a, c, () => il.Emit(OpCodes.Ldarg_S, (byte)Time), () => il.Emit(OpCodes.Ldarg_S, (byte)Step), y, k0);
            for (var i = 1; i < a.Length; i++)
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

            // Σ_m (Σ_j e_j k_j[m] · w_m)² with w_m = step · n^(−1/2) / (atol_m + rtol · max(|y_m|, |yNew_m|)). The weights need
            // only y and yNew, so their divisions overlap the last stage's right-hand side instead of following it.
            var weights = new LocalBuilder[n];
            for (var m = 0; m < n; m++)
            {
                il.Emit(OpCodes.Ldarg_S, (byte)Step);
                EmitConstant(1 / Math.Sqrt(n));
                Call("Multiply");
                il.Emit(OpCodes.Ldarg_S, (byte)RelativeTolerance);
                il.Emit(OpCodes.Ldloc, y[m]);
                Call("Abs");
                il.Emit(OpCodes.Ldloc, yNew[m]);
                Call("Abs");
                Call("MaxNonNaN");
                var tolerance = LoadFrom(AbsoluteTolerances, m, readOnly: true);
                il.Emit(OpCodes.Ldloc, tolerance);
                Call("MultiplyAdd");
                Call("Divide");
                weights[m] = il.DeclareLocal(Lanes);
                il.Emit(OpCodes.Stloc, weights[m]);
            }
            // 0 · yNew adds nothing to the sum unless yNew is infinite or NaN, which makes it NaN.
            var sum = il.DeclareLocal(Lanes);
            var error = il.DeclareLocal(Lanes);
            EmitConstant(0);
            il.Emit(OpCodes.Stloc, sum);
            for (var m = 0; m < n; m++)
            {
                EmitConstant(0);
                il.Emit(OpCodes.Ldloc, yNew[m]);
                il.Emit(OpCodes.Ldloc, sum);
                Call("MultiplyAdd");
                il.Emit(OpCodes.Stloc, sum);
            }
            for (var m = 0; m < n; m++)
            {
                EmitConstant(e[0]);
                il.Emit(OpCodes.Ldloc, k[0][m]);
                Call("Multiply");
                for (var j = 1; j < e.Length; j++)
                {
                    il.Emit(OpCodes.Stloc, error);
                    EmitConstant(e[j]);
                    il.Emit(OpCodes.Ldloc, k[j][m]);
                    il.Emit(OpCodes.Ldloc, error);
                    Call("MultiplyAdd");
                }
                il.Emit(OpCodes.Ldloc, weights[m]);
                Call("Multiply");
                il.Emit(OpCodes.Stloc, error);
                il.Emit(OpCodes.Ldloc, error);
                il.Emit(OpCodes.Ldloc, error);
                il.Emit(OpCodes.Ldloc, sum);
                Call("MultiplyAdd");
                il.Emit(OpCodes.Stloc, sum);
            }
            il.Emit(OpCodes.Ldloc, sum);
            il.Emit(OpCodes.Ret);
        }

        /// <summary>Emits the loop of fixed steps (see <see cref="CompileFixedSteps"/>). Arguments: ref time 1 (read and written directly),
        /// step 2, limit 3, next save 4, active 5, y 6, parameters 7, k0 8, maximum steps 9.</summary>
        public void EmitFixedSteps(IReadOnlyList<Expr> rates, double[][] a, double[] c, IReadOnlyList<int> nonNegative)
        {
            const int Step = 2, Limit = 3, NextSave = 4, Active = 5, Y = 6, Parameters = 7, K = 8, MaxSteps = 9;
            var n = layout.States.Count;
            LoadParameters(rates, Parameters);
            var y = Enumerable.Range(0, n).Select(m => LoadFrom(Y, m, readOnly: false)).ToArray();
            var k0 = Enumerable.Range(0, n).Select(m => LoadFrom(K, m, readOnly: false)).ToArray();
            var t = il.DeclareLocal(Lanes);
            il.Emit(OpCodes.Ldarg_1);
            il.Emit(OpCodes.Ldobj, Lanes);
            il.Emit(OpCodes.Stloc, t);
            var count = il.DeclareLocal(typeof(int));
            var tNew = il.DeclareLocal(Lanes);
            var loop = il.DefineLabel();
            var exit = il.DefineLabel();
            il.Emit(OpCodes.Ldc_I4_0);
            il.Emit(OpCodes.Stloc, count);

            il.MarkLabel(loop);
            il.Emit(OpCodes.Ldloc, count);
            il.Emit(OpCodes.Ldarg_S, (byte)MaxSteps);
            il.Emit(OpCodes.Bge, exit);
            // tNew = t + h; stop before a step that reaches the limit or the next saved time on an active lane.
            il.Emit(OpCodes.Ldloc, t);
            il.Emit(OpCodes.Ldarg_S, (byte)Step);
            Call("Add");
            il.Emit(OpCodes.Stloc, tNew);
            il.Emit(OpCodes.Ldarg_S, (byte)Active);
            il.Emit(OpCodes.Ldarg_S, (byte)Limit);
            il.Emit(OpCodes.Ldloc, tNew);
            Call("LessOrEqual");
            il.Emit(OpCodes.Ldarg_S, (byte)NextSave);
            il.Emit(OpCodes.Ldloc, tNew);
            Call("LessOrEqual");
            Call("Or");
            Call("And");
            Call("Any");
            il.Emit(OpCodes.Brtrue, exit);

            var (k, yNew) = EmitStageBody(rates, a, c, () => il.Emit(OpCodes.Ldloc, t), () => il.Emit(OpCodes.Ldarg_S, (byte)Step), y, k0);

            // Discard the step and stop when an active lane's new state is not finite or leaves the non-negative orthant.
            il.Emit(OpCodes.Ldarg_S, (byte)Active);
            for (var m = 0; m < n; m++)
            {
                il.Emit(OpCodes.Ldloc, yNew[m]);
                Call("IsFinite");
                if (m > 0)
                {
                    Call("And");
                }
            }
            foreach (var m in nonNegative)
            {
                il.Emit(OpCodes.Ldloc, yNew[m]);
                EmitConstant(0);
                Call("Less");
                Call("Not");
                Call("And");
            }
            Call("Not");
            Call("And");
            Call("Any");
            il.Emit(OpCodes.Brtrue, exit);

            // Commit: the last stage argument is the new state, the last stage the next first stage.
            for (var m = 0; m < n; m++)
            {
                il.Emit(OpCodes.Ldloc, yNew[m]);
                il.Emit(OpCodes.Stloc, y[m]);
                il.Emit(OpCodes.Ldloc, k[^1][m]);
                il.Emit(OpCodes.Stloc, k0[m]);
            }
            il.Emit(OpCodes.Ldloc, tNew);
            il.Emit(OpCodes.Stloc, t);
            il.Emit(OpCodes.Ldloc, count);
            il.Emit(OpCodes.Ldc_I4_1);
            il.Emit(OpCodes.Add);
            il.Emit(OpCodes.Stloc, count);
            il.Emit(OpCodes.Br, loop);

            il.MarkLabel(exit);
            il.Emit(OpCodes.Ldarg_1);
            il.Emit(OpCodes.Ldloc, t);
            il.Emit(OpCodes.Stobj, Lanes);
            for (var m = 0; m < n; m++)
            {
                StoreTo(Y, m, y[m]);
                StoreTo(K, m, k0[m]);
            }
            il.Emit(OpCodes.Ldloc, count);
            il.Emit(OpCodes.Ret);
        }

        /// <summary>Binds every parameter the rates use to a local loaded once from the parameters argument.</summary>
        private void LoadParameters(IReadOnlyList<Expr> rates, int argument)
        {
            foreach (var name in rates.SelectMany(r => r.Symbols()).Select(x => x.Name).Distinct().Where(x => x != Sym.TimeName))
            {
                if (!layout.TryGetSlot(name, out var isState, out var index))
                {
                    throw new ArgumentException($"The expression uses '{name}', which is neither time nor a state or parameter.", nameof(rates));
                }
                if (!isState)
                {
                    _symbols[name] = LoadFrom(argument, index, readOnly: true);
                }
            }
        }

        /// <summary>Emits stages 1..s−1 from the state and first stage in locals; returns the stage locals
        /// (<c>k[i][m]</c>, i ≥ 1) and the last stage argument (the new state, for the tableaus here whose last row
        /// is the solution's weights).</summary>
        private (LocalBuilder[][] K, LocalBuilder[] YNew) EmitStageBody(IReadOnlyList<Expr> rates, double[][] a, double[] c,
            Action loadTime, Action loadStep, LocalBuilder[] y, LocalBuilder[] k0)
        {
            var n = layout.States.Count;
            var stages = a.Length;
            var k = new LocalBuilder[stages][];
            k[0] = k0;
            _candidates = ExprCompiler.SharedSubexpressions(rates);
            var acc = il.DeclareLocal(Lanes);
            LocalBuilder[] stage = [];
            for (var i = 1; i < stages; i++)
            {
                // Stage argument y + h · Σ_j a_ij k_j, in the same order of operations as LaneIntegrator would use.
                stage = new LocalBuilder[n];
                for (var m = 0; m < n; m++)
                {
                    EmitConstant(a[i][0]);
                    il.Emit(OpCodes.Ldloc, k[0][m]);
                    Call("Multiply");
                    il.Emit(OpCodes.Stloc, acc);
                    for (var j = 1; j < i; j++)
                    {
                        EmitConstant(a[i][j]);
                        il.Emit(OpCodes.Ldloc, k[j][m]);
                        il.Emit(OpCodes.Ldloc, acc);
                        Call("MultiplyAdd");
                        il.Emit(OpCodes.Stloc, acc);
                    }
                    stage[m] = il.DeclareLocal(Lanes);
                    loadStep();
                    il.Emit(OpCodes.Ldloc, acc);
                    il.Emit(OpCodes.Ldloc, y[m]);
                    Call("MultiplyAdd");
                    il.Emit(OpCodes.Stloc, stage[m]);
                }
                _time = il.DeclareLocal(Lanes);
                EmitConstant(c[i]);
                loadStep();
                loadTime();
                Call("MultiplyAdd");
                il.Emit(OpCodes.Stloc, _time);

                // The right-hand side at the stage, with the states bound to the stage locals.
                for (var m = 0; m < n; m++)
                {
                    _symbols[layout.States[m]] = stage[m];
                }
                _shared.Clear();
                foreach (var rate in rates)
                {
                    Precompute(rate);
                }
                k[i] = new LocalBuilder[n];
                for (var m = 0; m < n; m++)
                {
                    Emit(rates[m]);
                    k[i][m] = il.DeclareLocal(Lanes);
                    il.Emit(OpCodes.Stloc, k[i][m]);
                }
            }
            _time = null;
            return (k, stage);
        }

        private void StoreTo(int argument, int index, LocalBuilder value)
        {
            il.Emit(OpCodes.Ldarg_S, (byte)argument);
            il.Emit(OpCodes.Call, WritableStart);
            Offset(index);
            il.Emit(OpCodes.Ldloc, value);
            il.Emit(OpCodes.Stobj, Lanes);
        }

        private LocalBuilder LoadFrom(int argument, int index, bool readOnly)
        {
            var local = il.DeclareLocal(Lanes);
            il.Emit(OpCodes.Ldarg_S, (byte)argument);
            il.Emit(OpCodes.Call, readOnly ? ReadOnlyStart : WritableStart);
            Offset(index);
            il.Emit(OpCodes.Ldobj, Lanes);
            il.Emit(OpCodes.Stloc, local);
            return local;
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
                var local = il.DeclareLocal(Lanes);
                il.Emit(OpCodes.Ldarg_S, (byte)(isState ? StatesArg : ParametersArg));
                il.Emit(OpCodes.Call, ReadOnlyStart);
                Offset(index);
                il.Emit(OpCodes.Ldobj, Lanes);
                il.Emit(OpCodes.Stloc, local);
                _symbols[s] = local;
            }
            _candidates = ExprCompiler.SharedSubexpressions(outputs);
            foreach (var e in outputs)
            {
                Precompute(e);
            }
            var output = il.DeclareLocal(Lanes.MakeByRefType());
            il.Emit(OpCodes.Ldarg_S, (byte)OutputArg);
            il.Emit(OpCodes.Call, WritableStart);
            il.Emit(OpCodes.Stloc, output);
            for (var i = 0; i < outputs.Count; i++)
            {
                il.Emit(OpCodes.Ldloc, output);
                Offset(i);
                Emit(outputs[i]);
                il.Emit(OpCodes.Stobj, Lanes);
            }
            il.Emit(OpCodes.Ret);
        }

        private void Offset(int index)
        {
            if (index > 0)
            {
                il.Emit(OpCodes.Ldc_I4, index * LaneSize);
                il.Emit(OpCodes.Conv_I);
                il.Emit(OpCodes.Add);
            }
        }

        private void Precompute(Expr e)
        {
            if (e is Constant or Symbol || _shared.ContainsKey(e))
            {
                return;
            }
            foreach (var child in e.Children)
            {
                Precompute(child);
            }
            if (_candidates.Contains(e))
            {
                Node(e);
                var local = il.DeclareLocal(Lanes);
                il.Emit(OpCodes.Stloc, local);
                _shared[e] = local;
            }
        }

        private void Emit(Expr e)
        {
            if (_shared.TryGetValue(e, out var local))
            {
                il.Emit(OpCodes.Ldloc, local);
            }
            else
            {
                Node(e);
            }
        }

        private void Call(string name) => il.Emit(OpCodes.Call, Op(name));

        /// <summary>Pushes a constant vector. Each distinct constant is built once, at its first use, and then read
        /// from a local: fewer calls for the JIT to inline, whose budget per method is limited and which would otherwise
        /// leave the arithmetic of a large kernel as calls.</summary>
        private void EmitConstant(double value)
        {
            var bits = BitConverter.DoubleToInt64Bits(value);
            if (!_constants.TryGetValue(bits, out var local))
            {
                il.Emit(OpCodes.Ldc_R8, value);
                Call(nameof(ILanes<TLanes, T>.Constant));
                local = il.DeclareLocal(Lanes);
                il.Emit(OpCodes.Stloc, local);
                _constants[bits] = local;
            }
            il.Emit(OpCodes.Ldloc, local);
        }

        private void Node(Expr e)
        {
            switch (e)
            {
                case Constant c:
                    EmitConstant(c.Value);
                    break;
                case Symbol s when s.Name == Sym.TimeName:
                    if (_time is not null)
                    {
                        il.Emit(OpCodes.Ldloc, _time);
                    }
                    else
                    {
                        il.Emit(OpCodes.Ldarg_1);
                    }
                    break;
                case Symbol s:
                    il.Emit(OpCodes.Ldloc, _symbols[s.Name]);
                    break;
                case Unary u:
                    Unary(u);
                    break;
                case Binary { Operator: BinaryOperator.Power, Right: Constant k } p
                    when double.IsInteger(k.Value) && Math.Abs(k.Value) <= ExprCompiler.MaxExpandedPower:
                    IntegerPower(p.Left, (int)k.Value);
                    break;
                case Binary { Operator: BinaryOperator.Power } p:
                    // a^b = exp(b · log a), for a > 0 as in the models' domains.
                    Emit(p.Right);
                    Emit(p.Left);
                    Call("Log");
                    Call("Multiply");
                    Call("Exp");
                    break;
                case Binary b:
                    Emit(b.Left);
                    Emit(b.Right);
                    Call(b.Operator switch
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
                    Call("Select");
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
                EmitConstant(1);
                EmitConstant(2);
                EmitConstant(2);
                Emit(u.Operand);
                Call("Multiply");
                Call("Exp");
                EmitConstant(1);
                Call("Add");
                Call("Divide");
                Call("Subtract");
                return;
            }
            Emit(u.Operand);
            Call(u.Operator switch
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
                EmitConstant(1);
                return;
            }
            if (k < 0)
            {
                EmitConstant(1);
            }
            Emit(baseExpr);
            var x = il.DeclareLocal(Lanes);
            il.Emit(OpCodes.Stloc, x);
            PowerOfLocal(x, Math.Abs(k));
            if (k < 0)
            {
                Call("Divide");
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
                var half = il.DeclareLocal(Lanes);
                il.Emit(OpCodes.Stloc, half);
                il.Emit(OpCodes.Ldloc, half);
                il.Emit(OpCodes.Ldloc, half);
                Call("Multiply");
                return;
            }
            PowerOfLocal(x, k - 1);
            il.Emit(OpCodes.Ldloc, x);
            Call("Multiply");
        }

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
                    Call(name);
                    if (negate)
                    {
                        Call("Not");
                    }
                    break;
                case Logical { Operator: LogicalOperator.Not } n:
                    Condition(n.Left);
                    Call("Not");
                    break;
                case Logical l:
                    Condition(l.Left);
                    Condition(l.Right!);
                    Call(l.Operator == LogicalOperator.And ? "And" : "Or");
                    break;
                default:
                    throw new NotSupportedException(c.GetType().Name);
            }
        }
    }
}
