using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TwinLab.Core.Symbolic;

/// <summary>A compiled vector of expressions: writes one value per output into <paramref name="output"/>.</summary>
/// <param name="time">The value of time, <see cref="Sym.Time"/>.</param>
/// <param name="states">State values, in the order of the <see cref="SymbolLayout"/>.</param>
/// <param name="parameters">Parameter values, in the order of the <see cref="SymbolLayout"/>.</param>
/// <param name="output">Receives the outputs, in the order they were compiled.</param>
public delegate void VectorFunction(double time, ReadOnlySpan<double> states, ReadOnlySpan<double> parameters, Span<double> output);

/// <summary>Where each symbol's value comes from when a compiled function runs: time, an index into the state
/// vector or an index into the parameter vector.</summary>
public sealed class SymbolLayout
{
    private readonly Dictionary<string, (bool IsState, int Index)> _slots = new(StringComparer.Ordinal);

    /// <summary>Creates a layout.</summary>
    /// <param name="states">State names, in vector order.</param>
    /// <param name="parameters">Parameter names, in vector order.</param>
    /// <exception cref="ArgumentException">A name appears twice or is the time symbol.</exception>
    public SymbolLayout(IEnumerable<string> states, IEnumerable<string> parameters)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(parameters);
        States = [.. states];
        Parameters = [.. parameters];
        for (var i = 0; i < States.Count; i++)
        {
            Add(States[i], true, i);
        }
        for (var i = 0; i < Parameters.Count; i++)
        {
            Add(Parameters[i], false, i);
        }
    }

    /// <summary>State names, in vector order.</summary>
    public IReadOnlyList<string> States { get; }

    /// <summary>Parameter names, in vector order.</summary>
    public IReadOnlyList<string> Parameters { get; }

    private void Add(string name, bool isState, int index)
    {
        if (name == Sym.TimeName)
        {
            throw new ArgumentException($"'{Sym.TimeName}' is reserved for time and cannot be a state or parameter.", nameof(name));
        }
        if (!_slots.TryAdd(name, (isState, index)))
        {
            throw new ArgumentException($"The symbol '{name}' appears twice in the layout.", nameof(name));
        }
    }

    /// <summary>Finds where a symbol's value is read from.</summary>
    /// <param name="name">The symbol's name.</param>
    /// <param name="isState">Whether it is a state (else a parameter).</param>
    /// <param name="index">Its index in the state or parameter vector.</param>
    /// <returns>Whether the layout defines the symbol.</returns>
    public bool TryGetSlot(string name, out bool isState, out int index)
    {
        var found = _slots.TryGetValue(name, out var slot);
        (isState, index) = slot;
        return found;
    }
}

/// <summary>
/// Compiles expressions to delegates by emitting IL: symbols are read once from the input spans into locals,
/// common sub-expressions shared across all outputs are computed once, small integer powers become
/// multiplications, and the just-in-time compiler turns the result into straight-line machine code, so
/// solvers never interpret a tree.
/// </summary>
public static class ExprCompiler
{
    private static readonly MethodInfo ReadOnlyLength = typeof(ReadOnlySpan<double>).GetProperty("Length")!.GetGetMethod()!;
    private static readonly MethodInfo WritableLength = typeof(Span<double>).GetProperty("Length")!.GetGetMethod()!;
    private static readonly MethodInfo ReadOnlyStart = typeof(MemoryMarshal).GetMethods()
        .Single(m => m.Name == nameof(MemoryMarshal.GetReference) && m.GetParameters()[0].ParameterType.GetGenericTypeDefinition() == typeof(ReadOnlySpan<>))
        .MakeGenericMethod(typeof(double));
    private static readonly MethodInfo WritableStart = typeof(MemoryMarshal).GetMethods()
        .Single(m => m.Name == nameof(MemoryMarshal.GetReference) && m.GetParameters()[0].ParameterType.GetGenericTypeDefinition() == typeof(Span<>))
        .MakeGenericMethod(typeof(double));
    private static readonly MethodInfo ThrowTooShort = typeof(ExprCompiler).GetMethod(nameof(TooShort), BindingFlags.NonPublic | BindingFlags.Static)!;

    // A power whose exponent is only known at run time may turn out to be a small integer, which the tree evaluator
    // computes by repeated multiplication; compiled code calls the same function so that both give identical bits.
    private static readonly MethodInfo PowerMethod = typeof(ExprCompiler).GetMethod(nameof(Power), BindingFlags.NonPublic | BindingFlags.Static)!;

    private static readonly MethodInfo MinimumMethod = typeof(ExprCompiler).GetMethod(nameof(Minimum), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>Largest integer exponent expanded into multiplications; larger ones call <see cref="Math.Pow"/>.</summary>
    public const int MaxExpandedPower = 16;

    /// <summary>Compiles expressions into one function that evaluates all of them.</summary>
    /// <param name="outputs">The expressions, in output order.</param>
    /// <param name="layout">Where each symbol's value is read from.</param>
    /// <returns>A delegate that writes <c>outputs.Count</c> values.</returns>
    /// <exception cref="ArgumentException">An expression uses a symbol the layout does not define.</exception>
    public static VectorFunction Compile(IReadOnlyList<Expr> outputs, SymbolLayout layout)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(layout);
        var method = new DynamicMethod(
            "twinlab_compiled",
            typeof(void),
            [typeof(Target), typeof(double), typeof(ReadOnlySpan<double>), typeof(ReadOnlySpan<double>), typeof(Span<double>)],
            typeof(ExprCompiler).Module,
            skipVisibility: true);
        new Emitter(method.GetILGenerator(), layout).EmitAll(outputs);
        // A delegate closed over a target invokes faster than an open static one.
        return method.CreateDelegate<VectorFunction>(new Target());
    }

    /// <summary>The non-trivial sub-expressions that occur more than once across <paramref name="outputs"/>: each is
    /// worth computing once into a local by any backend that compiles these expressions.</summary>
    /// <param name="outputs">The expressions compiled together.</param>
    public static IReadOnlySet<Expr> SharedSubexpressions(IReadOnlyList<Expr> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        var seen = new HashSet<Expr>();
        var shared = new HashSet<Expr>();
        var stack = new Stack<Expr>();
        foreach (var output in outputs)
        {
            stack.Push(output);
        }
        while (stack.Count > 0)
        {
            var e = stack.Pop();
            if (e is Constant or Symbol)
            {
                continue;
            }
            if (!seen.Add(e))
            {
                shared.Add(e);
                continue; // its children are counted once, as part of it
            }
            foreach (var child in e.Children)
            {
                stack.Push(child);
            }
        }
        return shared;
    }

    /// <summary>The integer power used by both the tree evaluator and compiled code, so both give identical bits:
    /// xᵏ by halving (x^(2m) = (x^m)², x^(m+1) = x^m · x), and 1/x^|k| for negative k.</summary>
    internal static double IntegerPower(double x, int k)
    {
        if (k < 0)
        {
            return 1.0 / IntegerPower(x, -k);
        }
        if (k == 0)
        {
            return 1.0;
        }
        if (k == 1)
        {
            return x;
        }
        if (k % 2 == 0)
        {
            var half = IntegerPower(x, k / 2);
            return half * half;
        }
        return IntegerPower(x, k - 1) * x;
    }

    /// <summary>Raised by compiled code when a span is shorter than the layout requires.</summary>
    private static void TooShort(int which, int required, int actual) => throw new ArgumentException(
        $"The {(which == 0 ? "state" : which == 1 ? "parameter" : "output")} vector has {actual} elements; the compiled function needs at least {required}.");

    /// <summary>Power as TwinLab evaluates it everywhere.</summary>
    internal static double Power(double x, double n) =>
        double.IsInteger(n) && Math.Abs(n) <= MaxExpandedPower ? IntegerPower(x, (int)n) : Math.Pow(x, n);

    /// <summary><see cref="Math.Min(double, double)"/> behind a call the just-in-time compiler does not inline.
    /// The .NET 10 JIT drops the signed-zero fix-up of <c>Math.Min</c> when one operand is the constant −0
    /// (dotnet/runtime#130831), so min(0, −0) would give +0 in compiled code and −0 in tree evaluation; minima with
    /// an operand free of symbols, which the JIT may fold to −0, call this instead.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static double Minimum(double a, double b) => Math.Min(a, b);

    private static bool HasConstantOperand(Binary b) => b.Left.Symbols().Count == 0 || b.Right.Symbols().Count == 0;

    private sealed class Target;

    private sealed class Emitter(ILGenerator il, SymbolLayout layout)
    {
        private const int TimeArg = 1, StatesArg = 2, ParametersArg = 3, OutputArg = 4;

        private readonly Dictionary<string, LocalBuilder> _symbols = new(StringComparer.Ordinal);
        private readonly Dictionary<Expr, LocalBuilder> _shared = [];
        private IReadOnlySet<Expr> _sharedCandidates = new HashSet<Expr>();

        public void EmitAll(IReadOnlyList<Expr> outputs)
        {
            LoadSymbols(outputs);
            _sharedCandidates = SharedSubexpressions(outputs);
            // Shared sub-expressions are computed up front, in dependency order, so every use (including one inside
            // a conditional branch) finds its local initialised.
            foreach (var e in outputs)
            {
                PrecomputeShared(e);
            }
            var output = il.DeclareLocal(typeof(double).MakeByRefType());
            il.Emit(OpCodes.Ldarg_S, (byte)OutputArg);
            il.Emit(OpCodes.Call, WritableStart);
            il.Emit(OpCodes.Stloc, output);
            for (var i = 0; i < outputs.Count; i++)
            {
                il.Emit(OpCodes.Ldloc, output);
                EmitOffset(i);
                Emit(outputs[i]);
                il.Emit(OpCodes.Stind_R8);
            }
            il.Emit(OpCodes.Ret);
        }

        private void EmitLengthCheck(int argument, MethodInfo length, int which, int required)
        {
            if (required == 0)
            {
                return;
            }
            var ok = il.DefineLabel();
            il.Emit(OpCodes.Ldarga_S, (byte)argument);
            il.Emit(OpCodes.Call, length);
            il.Emit(OpCodes.Ldc_I4, required);
            il.Emit(OpCodes.Bge, ok);
            il.Emit(OpCodes.Ldc_I4, which);
            il.Emit(OpCodes.Ldc_I4, required);
            il.Emit(OpCodes.Ldarga_S, (byte)argument);
            il.Emit(OpCodes.Call, length);
            il.Emit(OpCodes.Call, ThrowTooShort);
            il.MarkLabel(ok);
        }

        /// <summary>Advances the byref on the stack by <paramref name="index"/> doubles.</summary>
        private void EmitOffset(int index)
        {
            if (index > 0)
            {
                il.Emit(OpCodes.Ldc_I4, index * sizeof(double));
                il.Emit(OpCodes.Conv_I);
                il.Emit(OpCodes.Add);
            }
        }

        private void LoadSymbols(IReadOnlyList<Expr> outputs)
        {
            var slots = new SortedDictionary<string, (bool IsState, int Index)>(StringComparer.Ordinal);
            foreach (var output in outputs)
            {
                foreach (var s in output.Symbols())
                {
                    if (s.Name == Sym.TimeName || slots.ContainsKey(s.Name))
                    {
                        continue;
                    }
                    if (!layout.TryGetSlot(s.Name, out var isState, out var index))
                    {
                        throw new ArgumentException(
                            $"The expression uses the symbol '{s.Name}', which is neither time nor one of the states "
                            + $"({string.Join(", ", layout.States)}) or parameters ({string.Join(", ", layout.Parameters)}).",
                            nameof(outputs));
                    }
                    slots[s.Name] = (isState, index);
                }
            }
            // Lengths are checked once, up front, against what the function reads and writes; element access is
            // then unchecked.
            EmitLengthCheck(StatesArg, ReadOnlyLength, 0, slots.Values.Where(v => v.IsState).Select(v => v.Index + 1).DefaultIfEmpty(0).Max());
            EmitLengthCheck(ParametersArg, ReadOnlyLength, 1, slots.Values.Where(v => !v.IsState).Select(v => v.Index + 1).DefaultIfEmpty(0).Max());
            EmitLengthCheck(OutputArg, WritableLength, 2, outputs.Count);
            foreach (var (name, (isState, index)) in slots)
            {
                var local = il.DeclareLocal(typeof(double));
                il.Emit(OpCodes.Ldarg_S, (byte)(isState ? StatesArg : ParametersArg));
                il.Emit(OpCodes.Call, ReadOnlyStart);
                EmitOffset(index);
                il.Emit(OpCodes.Ldind_R8);
                il.Emit(OpCodes.Stloc, local);
                _symbols[name] = local;
            }
        }

        private void PrecomputeShared(Expr e)
        {
            if (e is Constant or Symbol || _shared.ContainsKey(e))
            {
                return;
            }
            foreach (var child in e.Children)
            {
                PrecomputeShared(child);
            }
            if (_sharedCandidates.Contains(e))
            {
                EmitNode(e);
                var local = il.DeclareLocal(typeof(double));
                il.Emit(OpCodes.Stloc, local);
                _shared[e] = local;
            }
        }

        private void Emit(Expr e)
        {
            if (_shared.TryGetValue(e, out var local))
            {
                il.Emit(OpCodes.Ldloc, local);
                return;
            }
            EmitNode(e);
        }

        private void EmitNode(Expr e)
        {
            switch (e)
            {
                case Constant c:
                    il.Emit(OpCodes.Ldc_R8, c.Value);
                    break;
                case Symbol s when s.Name == Sym.TimeName:
                    il.Emit(OpCodes.Ldarg_1);
                    break;
                case Symbol s:
                    il.Emit(OpCodes.Ldloc, _symbols[s.Name]);
                    break;
                case Unary u:
                    Emit(u.Operand);
                    if (u.Operator == UnaryOperator.Negate)
                    {
                        il.Emit(OpCodes.Neg);
                    }
                    else
                    {
                        il.Emit(OpCodes.Call, MathMethod(TextPrinter.FunctionName(u.Operator), 1));
                    }
                    break;
                case Binary { Operator: BinaryOperator.Power, Right: Constant exponent } p
                    when double.IsInteger(exponent.Value) && Math.Abs(exponent.Value) <= MaxExpandedPower:
                    EmitIntegerPower(p.Left, (int)exponent.Value);
                    break;
                case Binary b:
                    Emit(b.Left);
                    Emit(b.Right);
                    switch (b.Operator)
                    {
                        case BinaryOperator.Add: il.Emit(OpCodes.Add); break;
                        case BinaryOperator.Subtract: il.Emit(OpCodes.Sub); break;
                        case BinaryOperator.Multiply: il.Emit(OpCodes.Mul); break;
                        case BinaryOperator.Divide: il.Emit(OpCodes.Div); break;
                        case BinaryOperator.Power: il.Emit(OpCodes.Call, PowerMethod); break;
                        case BinaryOperator.Min: il.Emit(OpCodes.Call, HasConstantOperand(b) ? MinimumMethod : MathMethod("min", 2)); break;
                        case BinaryOperator.Max: il.Emit(OpCodes.Call, MathMethod("max", 2)); break;
                        default: throw new NotSupportedException(b.Operator.ToString());
                    }
                    break;
                case Conditional c:
                    var otherwise = il.DefineLabel();
                    var end = il.DefineLabel();
                    EmitJump(c.Test, otherwise, jumpWhen: false);
                    Emit(c.WhenTrue);
                    il.Emit(OpCodes.Br, end);
                    il.MarkLabel(otherwise);
                    Emit(c.WhenFalse);
                    il.MarkLabel(end);
                    break;
                default:
                    throw new NotSupportedException($"Cannot compile a {e.GetType().Name} node.");
            }
        }

        private void EmitIntegerPower(Expr baseExpr, int k)
        {
            if (k == 0)
            {
                il.Emit(OpCodes.Ldc_R8, 1.0);
                return;
            }
            if (k < 0)
            {
                il.Emit(OpCodes.Ldc_R8, 1.0);
            }
            Emit(baseExpr);
            var x = il.DeclareLocal(typeof(double));
            il.Emit(OpCodes.Stloc, x);
            EmitPowerOfLocal(x, Math.Abs(k));
            if (k < 0)
            {
                il.Emit(OpCodes.Div);
            }
        }

        // Mirrors IntegerPower exactly, so compiled and evaluated results are bitwise equal.
        private void EmitPowerOfLocal(LocalBuilder x, int k)
        {
            if (k == 1)
            {
                il.Emit(OpCodes.Ldloc, x);
                return;
            }
            if (k % 2 == 0)
            {
                EmitPowerOfLocal(x, k / 2);
                var half = il.DeclareLocal(typeof(double));
                il.Emit(OpCodes.Stloc, half);
                il.Emit(OpCodes.Ldloc, half);
                il.Emit(OpCodes.Ldloc, half);
                il.Emit(OpCodes.Mul);
                return;
            }
            EmitPowerOfLocal(x, k - 1);
            il.Emit(OpCodes.Ldloc, x);
            il.Emit(OpCodes.Mul);
        }

        /// <summary>Emits a branch to <paramref name="target"/> taken when the condition's truth equals
        /// <paramref name="jumpWhen"/>. Comparisons with NaN are false, as in C#.</summary>
        private void EmitJump(Condition condition, Label target, bool jumpWhen)
        {
            switch (condition)
            {
                case Comparison k:
                    Emit(k.Left);
                    Emit(k.Right);
                    il.Emit((k.Operator, jumpWhen) switch
                    {
                        (ComparisonOperator.Less, true) => OpCodes.Blt,
                        (ComparisonOperator.Less, false) => OpCodes.Bge_Un,
                        (ComparisonOperator.LessOrEqual, true) => OpCodes.Ble,
                        (ComparisonOperator.LessOrEqual, false) => OpCodes.Bgt_Un,
                        (ComparisonOperator.Greater, true) => OpCodes.Bgt,
                        (ComparisonOperator.Greater, false) => OpCodes.Ble_Un,
                        (ComparisonOperator.GreaterOrEqual, true) => OpCodes.Bge,
                        (ComparisonOperator.GreaterOrEqual, false) => OpCodes.Blt_Un,
                        (ComparisonOperator.Equal, true) => OpCodes.Beq,
                        (ComparisonOperator.Equal, false) => OpCodes.Bne_Un,
                        (ComparisonOperator.NotEqual, true) => OpCodes.Bne_Un,
                        _ => OpCodes.Beq,
                    }, target);
                    break;
                case Logical { Operator: LogicalOperator.Not } n:
                    EmitJump(n.Left, target, !jumpWhen);
                    break;
                case Logical l:
                    var shortCircuitOnTrue = l.Operator == LogicalOperator.Or;
                    if (shortCircuitOnTrue == jumpWhen)
                    {
                        // (a || b) jumps when either does; !(a && b) jumps when either fails.
                        EmitJump(l.Left, target, jumpWhen);
                        EmitJump(l.Right!, target, jumpWhen);
                    }
                    else
                    {
                        // (a && b) jumps when both hold; !(a || b) jumps when both fail.
                        var skip = il.DefineLabel();
                        EmitJump(l.Left, skip, !jumpWhen);
                        EmitJump(l.Right!, target, jumpWhen);
                        il.MarkLabel(skip);
                    }
                    break;
                default:
                    throw new NotSupportedException($"Cannot compile a {condition.GetType().Name} condition.");
            }
        }

        private static MethodInfo MathMethod(string name, int arity) =>
            typeof(Math).GetMethod(
                name switch
                {
                    "exp" => nameof(Math.Exp),
                    "log" => nameof(Math.Log),
                    "sqrt" => nameof(Math.Sqrt),
                    "abs" => nameof(Math.Abs),
                    "sin" => nameof(Math.Sin),
                    "cos" => nameof(Math.Cos),
                    "tanh" => nameof(Math.Tanh),
                    "min" => nameof(Math.Min),
                    _ => nameof(Math.Max),
                },
                arity == 1 ? [typeof(double)] : [typeof(double), typeof(double)])!;
    }
}
