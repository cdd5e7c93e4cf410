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

    private sealed class Target;

    private sealed class Emitter(ILGenerator il, SymbolLayout layout)
    {
        private const int TimeArg = 1, StatesArg = 2, ParametersArg = 3, OutputArg = 4;
        private readonly Dictionary<string, LocalBuilder> _symbols = new(StringComparer.Ordinal);
        private readonly Dictionary<Expr, LocalBuilder> _shared = [];
        private IReadOnlySet<Expr> _candidates = new HashSet<Expr>();

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

        private void EmitConstant(double value)
        {
            il.Emit(OpCodes.Ldc_R8, value);
            Call(nameof(ILanes<TLanes, T>.Constant));
        }

        private void Node(Expr e)
        {
            switch (e)
            {
                case Constant c:
                    EmitConstant(c.Value);
                    break;
                case Symbol s when s.Name == Sym.TimeName:
                    il.Emit(OpCodes.Ldarg_1);
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
