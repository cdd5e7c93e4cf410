using System.Numerics;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.Intrinsics;

namespace TwinLab.Simulation.Ensembles;

/// <summary>
/// How the lane compiler writes a lane type's operations in IL. A value of the lane type is held in one or more
/// registers (its parts, laid out one after the other in memory). For <see cref="Lanes512x2{T}"/> every operation is
/// emitted as the vector intrinsic itself, once per register, which the JIT turns straight into an instruction: there
/// is no call to inline, so a kernel of any size, with twice the operations, compiles to straight SIMD code, and
/// constants are literals the JIT folds into the instructions that use them. For the other lane types each operation
/// is a call to the lane type's own method, which the JIT inlines. Both give the same bits: the lane types' methods are
/// these same intrinsics.
/// </summary>
internal sealed class LaneInstructions
{
    private readonly Type? _vectorClass; // Vector512 where operations are intrinsics; null where the lane type's methods are called
    private readonly Type _element;
    private readonly Type _lanes;
    private readonly Dictionary<string, MethodInfo> _methods = new(StringComparer.Ordinal);

    private LaneInstructions(Type lanes, Type element, Type part, int parts, Type? vectorClass)
    {
        _lanes = lanes;
        _element = element;
        Part = part;
        Parts = parts;
        _vectorClass = vectorClass;
    }

    /// <summary>The type of one register of a lane value.</summary>
    public Type Part { get; }

    /// <summary>How many registers hold one lane value.</summary>
    public int Parts { get; }

    /// <summary>Whether operations are the vector intrinsics themselves (constants are then literals the JIT folds);
    /// otherwise they are calls to the lane type's methods, which the JIT inlines within its budget per method.</summary>
    public bool Intrinsic => _vectorClass is not null;

    /// <summary>The instructions for lane type <typeparamref name="TL"/>.</summary>
    public static LaneInstructions For<TL, T>()
        where TL : struct, ILanes<TL, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var lanes = typeof(TL);
        return lanes == typeof(Lanes512x2<T>)
            ? new(lanes, typeof(T), typeof(Vector512<T>), 2, typeof(Vector512))
            : new(lanes, typeof(T), lanes, 1, null);
    }

    /// <summary>Emits a lane operation of <see cref="ILanes{TSelf, T}"/> (by its name) on the part values on the stack.</summary>
    public void Emit(ILGenerator il, string operation)
    {
        if (_vectorClass is null)
        {
            il.Emit(OpCodes.Call, Method(operation, () => _lanes.GetMethod(operation, BindingFlags.Public | BindingFlags.Static)));
            return;
        }
        switch (operation)
        {
            case "IsFinite":
                il.Emit(OpCodes.Call, Vector("Abs", 1));
                Constant(il, double.PositiveInfinity);
                il.Emit(OpCodes.Call, Vector("LessThan", 2));
                return;
            case "MultiplyAdd":
                il.Emit(OpCodes.Call, Method(operation, () => _vectorClass.GetMethod("FusedMultiplyAdd", [Part, Part, Part])));
                return;
            case "Exp" or "Log" or "Sin" or "Cos" or "Round" or "ExponentOf" or "SignificandOf" or "ScaleB":
                // Lanes512's function of one register: a call for the long ones (see Lanes512.Exp), inlined for the
                // bit manipulations of the step-size controller.
                Type[] parameters = operation == "ScaleB" ? [Part, Part] : [Part];
                il.Emit(OpCodes.Call, Method(operation, () => typeof(Lanes512<>).MakeGenericType(_element).GetMethod(operation, BindingFlags.Public | BindingFlags.Static, parameters)));
                return;
            default:
                var (name, arity) = operation switch
                {
                    "Add" or "Subtract" or "Multiply" or "Divide" or "Min" or "Max" => (operation, 2),
                    "MinNonNaN" => ("MinNative", 2),
                    "MaxNonNaN" => ("MaxNative", 2),
                    "Negate" or "Sqrt" or "Abs" => (operation, 1),
                    "Less" => ("LessThan", 2),
                    "LessOrEqual" => ("LessThanOrEqual", 2),
                    "Equal" => ("Equals", 2),
                    "And" => ("BitwiseAnd", 2),
                    "Or" => ("BitwiseOr", 2),
                    "Not" => ("OnesComplement", 1),
                    "Select" => ("ConditionalSelect", 3),
                    _ => throw new InvalidOperationException($"The lane compiler has no instruction for {operation}."),
                };
                il.Emit(OpCodes.Call, Vector(name, arity));
                return;
        }
    }

    /// <summary>Pushes a constant part: a literal vector for SIMD lanes.</summary>
    public void Constant(ILGenerator il, double value)
    {
        if (_element == typeof(float))
        {
            il.Emit(OpCodes.Ldc_R4, (float)value);
        }
        else
        {
            il.Emit(OpCodes.Ldc_R8, value);
        }
        il.Emit(OpCodes.Call, _vectorClass is null
            ? Method("Constant", () => _lanes.GetMethod("Constant", BindingFlags.Public | BindingFlags.Static))
            : Method("Create", () => _vectorClass.GetMethod("Create", [_element])));
    }

    /// <summary>Replaces the mask part on the stack by whether any of its lanes is true (a bool). For several parts,
    /// combine them with <c>Or</c> first.</summary>
    public void Any(ILGenerator il)
    {
        if (_vectorClass is null)
        {
            il.Emit(OpCodes.Call, Method("Any", () => _lanes.GetMethod("Any", BindingFlags.Public | BindingFlags.Static)));
            return;
        }
        // True lanes have every bit set, so their sign bits say which are true.
        var bits = Vector("ExtractMostSignificantBits", 1);
        il.Emit(OpCodes.Call, bits);
        il.Emit(OpCodes.Ldc_I4_0);
        if (bits.ReturnType == typeof(ulong))
        {
            il.Emit(OpCodes.Conv_U8);
        }
        il.Emit(OpCodes.Cgt_Un);
    }

    private MethodInfo Vector(string name, int arity) => Method(name, () => _vectorClass!
        .GetMethods(BindingFlags.Public | BindingFlags.Static)
        .SingleOrDefault(m => m.Name == name && m.IsGenericMethodDefinition && m.GetParameters().Length == arity
            && m.GetParameters().All(p => p.ParameterType.IsGenericType && p.ParameterType.GetGenericTypeDefinition() == Part.GetGenericTypeDefinition()))
        ?.MakeGenericMethod(_element));

    private MethodInfo Method(string key, Func<MethodInfo?> find)
    {
        if (!_methods.TryGetValue(key, out var method))
        {
            method = find() ?? throw new InvalidOperationException($"No method for the lane operation {key} on {_lanes.Name}.");
            _methods[key] = method;
        }
        return method;
    }
}
