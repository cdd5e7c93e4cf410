using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TwinLab.Simulation.Ensembles;

/// <summary>
/// A bundle of trajectories advanced together: one value per lane, operated on lane-wise. Implemented by SIMD
/// registers (<see cref="Lanes512{T}"/>, <see cref="Lanes512x2{T}"/>, <see cref="Lanes256{T}"/>) and by a one-lane
/// scalar reference (<see cref="Lanes1{T}"/>); the ensemble integrator and the lane compiler are written once against
/// this interface, and the JIT specialises them for each implementation. A future GPU backend plugs in at the level of
/// the integrator instead.
/// </summary>
/// <typeparam name="TSelf">The implementing struct.</typeparam>
/// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
internal interface ILanes<TSelf, T>
    where TSelf : struct, ILanes<TSelf, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    static abstract int Count { get; }

    static abstract TSelf Constant(double value);

    /// <summary>A mask with every lane true (all bits set).</summary>
    static abstract TSelf True { get; }

    static abstract TSelf Load(ReadOnlySpan<T> source);

    static abstract void Store(TSelf value, Span<T> destination);

    static abstract T Lane(TSelf value, int lane);

    static abstract TSelf Add(TSelf a, TSelf b);

    static abstract TSelf Subtract(TSelf a, TSelf b);

    static abstract TSelf Multiply(TSelf a, TSelf b);

    static abstract TSelf Divide(TSelf a, TSelf b);

    static abstract TSelf Negate(TSelf a);

    /// <summary>a · b + c (fused where the hardware has it).</summary>
    static abstract TSelf MultiplyAdd(TSelf a, TSelf b, TSelf c);

    static abstract TSelf Sqrt(TSelf a);

    static abstract TSelf Abs(TSelf a);

    static abstract TSelf Min(TSelf a, TSelf b);

    static abstract TSelf Max(TSelf a, TSelf b);

    /// <summary>Lane-wise <c>a &lt; b ? a : b</c>: one instruction where <see cref="Min"/> (which propagates NaN and orders
    /// −0 below +0) takes three. A NaN in either operand gives <paramref name="b"/>, so use it where NaN lanes are
    /// masked out anyway.</summary>
    static abstract TSelf MinNonNaN(TSelf a, TSelf b);

    /// <summary>Lane-wise <c>a &gt; b ? a : b</c> (see <see cref="MinNonNaN"/>).</summary>
    static abstract TSelf MaxNonNaN(TSelf a, TSelf b);

    /// <summary>eˣ by <see cref="LaneMath.Exp{TL, T}"/>: the same bits on every lane width and tier of the JIT.</summary>
    static abstract TSelf Exp(TSelf a);

    /// <summary>ln x by <see cref="LaneMath.Log{TL, T}"/>.</summary>
    static abstract TSelf Log(TSelf a);

    /// <summary>Rounds to the nearest integer, ties to even.</summary>
    static abstract TSelf Round(TSelf a);

    /// <summary>x · 2ⁿ for integral n within the normal exponent range.</summary>
    static abstract TSelf ScaleB(TSelf x, TSelf n);

    /// <summary>The unbiased binary exponent of a positive normal number.</summary>
    static abstract TSelf ExponentOf(TSelf x);

    /// <summary>The significand of a positive normal number, in [1, 2).</summary>
    static abstract TSelf SignificandOf(TSelf x);

    static abstract TSelf Sin(TSelf a);

    static abstract TSelf Cos(TSelf a);

    static abstract TSelf IsNaN(TSelf a);

    /// <summary>Lane-wise comparison; true lanes are all ones, false lanes all zeros.</summary>
    static abstract TSelf Less(TSelf a, TSelf b);

    static abstract TSelf LessOrEqual(TSelf a, TSelf b);

    static abstract TSelf Equal(TSelf a, TSelf b);

    static abstract TSelf And(TSelf a, TSelf b);

    static abstract TSelf Or(TSelf a, TSelf b);

    static abstract TSelf Not(TSelf a);

    /// <summary>Where <paramref name="mask"/> is true, <paramref name="whenTrue"/>; elsewhere <paramref name="whenFalse"/>.</summary>
    static abstract TSelf Select(TSelf mask, TSelf whenTrue, TSelf whenFalse);

    /// <summary>True lanes where the value is finite.</summary>
    static abstract TSelf IsFinite(TSelf a);

    /// <summary>Whether any lane of a mask is true.</summary>
    static abstract bool Any(TSelf mask);
}

/// <summary>Eight doubles or sixteen floats in an AVX-512 register.</summary>
internal readonly struct Lanes512<T>(Vector512<T> value) : ILanes<Lanes512<T>, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public readonly Vector512<T> Value = value;

    public static int Count => Vector512<T>.Count;

    public static Lanes512<T> True => new(Vector512<T>.AllBitsSet);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> Constant(double value) => typeof(T) == typeof(double)
        ? new(Vector512.Create(value).As<double, T>())
        : new(Vector512.Create((float)value).As<float, T>()); // small IL: keeps the JIT's inlining budget for the kernels

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> Load(ReadOnlySpan<T> source) => new(Vector512.Create(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes512<T> value, Span<T> destination) => value.Value.CopyTo(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Lane(Lanes512<T> value, int lane) => value.Value.GetElement(lane);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> Add(Lanes512<T> a, Lanes512<T> b) => new(a.Value + b.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> Subtract(Lanes512<T> a, Lanes512<T> b) => new(a.Value - b.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> Multiply(Lanes512<T> a, Lanes512<T> b) => new(a.Value * b.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> Divide(Lanes512<T> a, Lanes512<T> b) => new(a.Value / b.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> Negate(Lanes512<T> a) => new(-a.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> MultiplyAdd(Lanes512<T> a, Lanes512<T> b, Lanes512<T> c)
    {
        if (typeof(T) == typeof(double))
        {
            return new(Vector512.FusedMultiplyAdd(a.Value.AsDouble(), b.Value.AsDouble(), c.Value.AsDouble()).As<double, T>());
        }
        return new(Vector512.FusedMultiplyAdd(a.Value.AsSingle(), b.Value.AsSingle(), c.Value.AsSingle()).As<float, T>());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> Sqrt(Lanes512<T> a) => new(Vector512.Sqrt(a.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> Abs(Lanes512<T> a) => new(Vector512.Abs(a.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> Min(Lanes512<T> a, Lanes512<T> b) => new(Vector512.Min(a.Value, b.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> Max(Lanes512<T> a, Lanes512<T> b) => new(Vector512.Max(a.Value, b.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> MinNonNaN(Lanes512<T> a, Lanes512<T> b) => new(Vector512.MinNative(a.Value, b.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> MaxNonNaN(Lanes512<T> a, Lanes512<T> b) => new(Vector512.MaxNative(a.Value, b.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> Exp(Lanes512<T> a) => new(Exp(a.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> Log(Lanes512<T> a) => new(Log(a.Value));

    // The two below are calls rather than inlined: some sixty operations each, which would use up the JIT's inlining
    // budget for a kernel with many powers and leave its arithmetic as calls.

    /// <summary>eˣ of one register (what kernels compiled for <see cref="Lanes512x2{T}"/> call).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Vector512<T> Exp(Vector512<T> a) => LaneMath.Exp<Lanes512<T>, T>(new(a)).Value;

    /// <summary>ln x of one register (what kernels compiled for <see cref="Lanes512x2{T}"/> call).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Vector512<T> Log(Vector512<T> a) => LaneMath.Log<Lanes512<T>, T>(new(a)).Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> Round(Lanes512<T> a) => typeof(T) == typeof(double)
        ? new(Vector512.Round(a.Value.AsDouble()).As<double, T>())
        : new(Vector512.Round(a.Value.AsSingle()).As<float, T>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> ScaleB(Lanes512<T> x, Lanes512<T> n)
    {
        if (typeof(T) == typeof(double))
        {
            // The processor's conversion itself where it has one: n is integral and in range, where it equals the
            // saturating Vector512.ConvertToInt64, which costs four instructions more.
            var integral = Avx512DQ.IsSupported
                ? Avx512DQ.ConvertToVector512Int64WithTruncation(n.Value.AsDouble())
                : Vector512.ConvertToInt64(n.Value.AsDouble());
            var bits = (integral + Vector512.Create(1023L)) << 52;
            return new((x.Value.AsDouble() * bits.AsDouble()).As<double, T>());
        }
        var fintegral = Avx512F.IsSupported
            ? Avx512F.ConvertToVector512Int32WithTruncation(n.Value.AsSingle())
            : Vector512.ConvertToInt32(n.Value.AsSingle());
        var fbits = (fintegral + Vector512.Create(127)) << 23;
        return new((x.Value.AsSingle() * fbits.AsSingle()).As<float, T>());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> ExponentOf(Lanes512<T> x)
    {
        if (typeof(T) == typeof(double))
        {
            var e = ((x.Value.AsInt64() >>> 52) & Vector512.Create(0x7FFL)) - Vector512.Create(1023L);
            return new(Vector512.ConvertToDouble(e).As<double, T>());
        }
        var f = ((x.Value.AsInt32() >>> 23) & Vector512.Create(0xFF)) - Vector512.Create(127);
        return new(Vector512.ConvertToSingle(f).As<float, T>());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> SignificandOf(Lanes512<T> x)
    {
        if (typeof(T) == typeof(double))
        {
            var m = (x.Value.AsInt64() & Vector512.Create(0x000FFFFFFFFFFFFFL)) | Vector512.Create(0x3FF0000000000000L);
            return new(m.AsDouble().As<double, T>());
        }
        var f = (x.Value.AsInt32() & Vector512.Create(0x007FFFFF)) | Vector512.Create(0x3F800000);
        return new(f.AsSingle().As<float, T>());
    }

    /// <summary><see cref="Round(Lanes512{T})"/> of one register (what kernels compiled for <see cref="Lanes512x2{T}"/>
    /// call; likewise the next three).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Round(Vector512<T> a) => Round(new Lanes512<T>(a)).Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> ScaleB(Vector512<T> x, Vector512<T> n) => ScaleB(new Lanes512<T>(x), new Lanes512<T>(n)).Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> ExponentOf(Vector512<T> x) => ExponentOf(new Lanes512<T>(x)).Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> SignificandOf(Vector512<T> x) => SignificandOf(new Lanes512<T>(x)).Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> IsNaN(Lanes512<T> a) => new(~Vector512.Equals(a.Value, a.Value));

    // Sine and cosine are rare in models: each lane goes through the runtime's scalar function, which gives the same
    // bits on every tier of the JIT.
    public static Lanes512<T> Sin(Lanes512<T> a) => PerLane(a, T.Sin);

    public static Lanes512<T> Cos(Lanes512<T> a) => PerLane(a, T.Cos);

    /// <summary>Sine of one register (what kernels compiled for <see cref="Lanes512x2{T}"/> call).</summary>
    public static Vector512<T> Sin(Vector512<T> a) => PerLane(new(a), T.Sin).Value;

    /// <summary>Cosine of one register (what kernels compiled for <see cref="Lanes512x2{T}"/> call).</summary>
    public static Vector512<T> Cos(Vector512<T> a) => PerLane(new(a), T.Cos).Value;

    private static Lanes512<T> PerLane(Lanes512<T> a, Func<T, T> f)
    {
        Span<T> values = stackalloc T[Vector512<T>.Count];
        a.Value.CopyTo(values);
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = f(values[i]);
        }
        return new(Vector512.Create((ReadOnlySpan<T>)values));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> Less(Lanes512<T> a, Lanes512<T> b) => new(Vector512.LessThan(a.Value, b.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> LessOrEqual(Lanes512<T> a, Lanes512<T> b) => new(Vector512.LessThanOrEqual(a.Value, b.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> Equal(Lanes512<T> a, Lanes512<T> b) => new(Vector512.Equals(a.Value, b.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> And(Lanes512<T> a, Lanes512<T> b) => new(a.Value & b.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> Or(Lanes512<T> a, Lanes512<T> b) => new(a.Value | b.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> Not(Lanes512<T> a) => new(~a.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> Select(Lanes512<T> mask, Lanes512<T> whenTrue, Lanes512<T> whenFalse) =>
        new(Vector512.ConditionalSelect(mask.Value, whenTrue.Value, whenFalse.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> IsFinite(Lanes512<T> a) =>
        new(Vector512.LessThan(Vector512.Abs(a.Value), Vector512.Create(T.PositiveInfinity)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Any(Lanes512<T> mask) => mask.Value.AsUInt32() != Vector512<uint>.Zero;
}

/// <summary>Two AVX-512 registers advanced together: sixteen doubles or thirty-two floats. Each operation issues two
/// independent instructions, so a step's dependency chain (stages, error norm, step-size controller) runs for two
/// bundles at once and the processor overlaps them; with one register per value that chain leaves the vector units
/// idle most of the time.</summary>
internal readonly struct Lanes512x2<T>(Vector512<T> low, Vector512<T> high) : ILanes<Lanes512x2<T>, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public readonly Vector512<T> Low = low, High = high;

    public static int Count => 2 * Vector512<T>.Count;

    public static Lanes512x2<T> True => new(Vector512<T>.AllBitsSet, Vector512<T>.AllBitsSet);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2<T> Constant(double value)
    {
        var v = Lanes512<T>.Constant(value).Value;
        return new(v, v);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2<T> Load(ReadOnlySpan<T> source) => new(Vector512.Create(source), Vector512.Create(source[Vector512<T>.Count..]));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes512x2<T> value, Span<T> destination)
    {
        value.Low.CopyTo(destination);
        value.High.CopyTo(destination[Vector512<T>.Count..]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Lane(Lanes512x2<T> value, int lane) =>
        lane < Vector512<T>.Count ? value.Low.GetElement(lane) : value.High.GetElement(lane - Vector512<T>.Count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2<T> Add(Lanes512x2<T> a, Lanes512x2<T> b) => new(a.Low + b.Low, a.High + b.High);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2<T> Subtract(Lanes512x2<T> a, Lanes512x2<T> b) => new(a.Low - b.Low, a.High - b.High);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2<T> Multiply(Lanes512x2<T> a, Lanes512x2<T> b) => new(a.Low * b.Low, a.High * b.High);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2<T> Divide(Lanes512x2<T> a, Lanes512x2<T> b) => new(a.Low / b.Low, a.High / b.High);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2<T> Negate(Lanes512x2<T> a) => new(-a.Low, -a.High);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2<T> MultiplyAdd(Lanes512x2<T> a, Lanes512x2<T> b, Lanes512x2<T> c)
    {
        if (typeof(T) == typeof(double))
        {
            return new(Vector512.FusedMultiplyAdd(a.Low.AsDouble(), b.Low.AsDouble(), c.Low.AsDouble()).As<double, T>(),
                Vector512.FusedMultiplyAdd(a.High.AsDouble(), b.High.AsDouble(), c.High.AsDouble()).As<double, T>());
        }
        return new(Vector512.FusedMultiplyAdd(a.Low.AsSingle(), b.Low.AsSingle(), c.Low.AsSingle()).As<float, T>(),
            Vector512.FusedMultiplyAdd(a.High.AsSingle(), b.High.AsSingle(), c.High.AsSingle()).As<float, T>());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2<T> Sqrt(Lanes512x2<T> a) => new(Vector512.Sqrt(a.Low), Vector512.Sqrt(a.High));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2<T> Abs(Lanes512x2<T> a) => new(Vector512.Abs(a.Low), Vector512.Abs(a.High));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2<T> Min(Lanes512x2<T> a, Lanes512x2<T> b) => new(Vector512.Min(a.Low, b.Low), Vector512.Min(a.High, b.High));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2<T> Max(Lanes512x2<T> a, Lanes512x2<T> b) => new(Vector512.Max(a.Low, b.Low), Vector512.Max(a.High, b.High));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2<T> MinNonNaN(Lanes512x2<T> a, Lanes512x2<T> b) =>
        new(Vector512.MinNative(a.Low, b.Low), Vector512.MinNative(a.High, b.High));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2<T> MaxNonNaN(Lanes512x2<T> a, Lanes512x2<T> b) =>
        new(Vector512.MaxNative(a.Low, b.Low), Vector512.MaxNative(a.High, b.High));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2<T> Exp(Lanes512x2<T> a) => new(Lanes512<T>.Exp(a.Low), Lanes512<T>.Exp(a.High));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2<T> Log(Lanes512x2<T> a) => new(Lanes512<T>.Log(a.Low), Lanes512<T>.Log(a.High));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2<T> Round(Lanes512x2<T> a) => new(Lanes512<T>.Round(a.Low), Lanes512<T>.Round(a.High));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2<T> ScaleB(Lanes512x2<T> x, Lanes512x2<T> n) =>
        new(Lanes512<T>.ScaleB(x.Low, n.Low), Lanes512<T>.ScaleB(x.High, n.High));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2<T> ExponentOf(Lanes512x2<T> x) => new(Lanes512<T>.ExponentOf(x.Low), Lanes512<T>.ExponentOf(x.High));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2<T> SignificandOf(Lanes512x2<T> x) => new(Lanes512<T>.SignificandOf(x.Low), Lanes512<T>.SignificandOf(x.High));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2<T> IsNaN(Lanes512x2<T> a) => new(~Vector512.Equals(a.Low, a.Low), ~Vector512.Equals(a.High, a.High));

    public static Lanes512x2<T> Sin(Lanes512x2<T> a) => new(Lanes512<T>.Sin(a.Low), Lanes512<T>.Sin(a.High));

    public static Lanes512x2<T> Cos(Lanes512x2<T> a) => new(Lanes512<T>.Cos(a.Low), Lanes512<T>.Cos(a.High));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2<T> Less(Lanes512x2<T> a, Lanes512x2<T> b) =>
        new(Vector512.LessThan(a.Low, b.Low), Vector512.LessThan(a.High, b.High));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2<T> LessOrEqual(Lanes512x2<T> a, Lanes512x2<T> b) =>
        new(Vector512.LessThanOrEqual(a.Low, b.Low), Vector512.LessThanOrEqual(a.High, b.High));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2<T> Equal(Lanes512x2<T> a, Lanes512x2<T> b) =>
        new(Vector512.Equals(a.Low, b.Low), Vector512.Equals(a.High, b.High));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2<T> And(Lanes512x2<T> a, Lanes512x2<T> b) => new(a.Low & b.Low, a.High & b.High);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2<T> Or(Lanes512x2<T> a, Lanes512x2<T> b) => new(a.Low | b.Low, a.High | b.High);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2<T> Not(Lanes512x2<T> a) => new(~a.Low, ~a.High);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2<T> Select(Lanes512x2<T> mask, Lanes512x2<T> whenTrue, Lanes512x2<T> whenFalse) =>
        new(Vector512.ConditionalSelect(mask.Low, whenTrue.Low, whenFalse.Low), Vector512.ConditionalSelect(mask.High, whenTrue.High, whenFalse.High));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2<T> IsFinite(Lanes512x2<T> a)
    {
        var infinity = Vector512.Create(T.PositiveInfinity);
        return new(Vector512.LessThan(Vector512.Abs(a.Low), infinity), Vector512.LessThan(Vector512.Abs(a.High), infinity));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Any(Lanes512x2<T> mask) => (mask.Low.AsUInt32() | mask.High.AsUInt32()) != Vector512<uint>.Zero;
}

/// <summary>Four doubles or eight floats in an AVX2 register.</summary>
internal readonly struct Lanes256<T>(Vector256<T> value) : ILanes<Lanes256<T>, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public readonly Vector256<T> Value = value;

    public static int Count => Vector256<T>.Count;

    public static Lanes256<T> True => new(Vector256<T>.AllBitsSet);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> Constant(double value) => typeof(T) == typeof(double)
        ? new(Vector256.Create(value).As<double, T>())
        : new(Vector256.Create((float)value).As<float, T>()); // small IL: keeps the JIT's inlining budget for the kernels

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> Load(ReadOnlySpan<T> source) => new(Vector256.Create(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes256<T> value, Span<T> destination) => value.Value.CopyTo(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Lane(Lanes256<T> value, int lane) => value.Value.GetElement(lane);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> Add(Lanes256<T> a, Lanes256<T> b) => new(a.Value + b.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> Subtract(Lanes256<T> a, Lanes256<T> b) => new(a.Value - b.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> Multiply(Lanes256<T> a, Lanes256<T> b) => new(a.Value * b.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> Divide(Lanes256<T> a, Lanes256<T> b) => new(a.Value / b.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> Negate(Lanes256<T> a) => new(-a.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> MultiplyAdd(Lanes256<T> a, Lanes256<T> b, Lanes256<T> c)
    {
        if (typeof(T) == typeof(double))
        {
            return new(Vector256.FusedMultiplyAdd(a.Value.AsDouble(), b.Value.AsDouble(), c.Value.AsDouble()).As<double, T>());
        }
        return new(Vector256.FusedMultiplyAdd(a.Value.AsSingle(), b.Value.AsSingle(), c.Value.AsSingle()).As<float, T>());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> Sqrt(Lanes256<T> a) => new(Vector256.Sqrt(a.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> Abs(Lanes256<T> a) => new(Vector256.Abs(a.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> Min(Lanes256<T> a, Lanes256<T> b) => new(Vector256.Min(a.Value, b.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> Max(Lanes256<T> a, Lanes256<T> b) => new(Vector256.Max(a.Value, b.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> MinNonNaN(Lanes256<T> a, Lanes256<T> b) => new(Vector256.MinNative(a.Value, b.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> MaxNonNaN(Lanes256<T> a, Lanes256<T> b) => new(Vector256.MaxNative(a.Value, b.Value));

    // A call rather than inlined: some sixty operations each, which would use up the JIT's inlining budget for a
    // kernel with many powers and leave its arithmetic as calls.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Lanes256<T> Exp(Lanes256<T> a) => LaneMath.Exp<Lanes256<T>, T>(a);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Lanes256<T> Log(Lanes256<T> a) => LaneMath.Log<Lanes256<T>, T>(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> Round(Lanes256<T> a) => typeof(T) == typeof(double)
        ? new(Vector256.Round(a.Value.AsDouble()).As<double, T>())
        : new(Vector256.Round(a.Value.AsSingle()).As<float, T>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> ScaleB(Lanes256<T> x, Lanes256<T> n)
    {
        if (typeof(T) == typeof(double))
        {
            var bits = (Vector256.ConvertToInt64(n.Value.AsDouble()) + Vector256.Create(1023L)) << 52;
            return new((x.Value.AsDouble() * bits.AsDouble()).As<double, T>());
        }
        var fbits = (Vector256.ConvertToInt32(n.Value.AsSingle()) + Vector256.Create(127)) << 23;
        return new((x.Value.AsSingle() * fbits.AsSingle()).As<float, T>());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> ExponentOf(Lanes256<T> x)
    {
        if (typeof(T) == typeof(double))
        {
            var e = ((x.Value.AsInt64() >>> 52) & Vector256.Create(0x7FFL)) - Vector256.Create(1023L);
            return new(Vector256.ConvertToDouble(e).As<double, T>());
        }
        var f = ((x.Value.AsInt32() >>> 23) & Vector256.Create(0xFF)) - Vector256.Create(127);
        return new(Vector256.ConvertToSingle(f).As<float, T>());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> SignificandOf(Lanes256<T> x)
    {
        if (typeof(T) == typeof(double))
        {
            var m = (x.Value.AsInt64() & Vector256.Create(0x000FFFFFFFFFFFFFL)) | Vector256.Create(0x3FF0000000000000L);
            return new(m.AsDouble().As<double, T>());
        }
        var f = (x.Value.AsInt32() & Vector256.Create(0x007FFFFF)) | Vector256.Create(0x3F800000);
        return new(f.AsSingle().As<float, T>());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> IsNaN(Lanes256<T> a) => new(~Vector256.Equals(a.Value, a.Value));

    // Sine and cosine are rare in models: each lane goes through the runtime's scalar function, which gives the same
    // bits on every tier of the JIT.
    public static Lanes256<T> Sin(Lanes256<T> a) => PerLane(a, T.Sin);

    public static Lanes256<T> Cos(Lanes256<T> a) => PerLane(a, T.Cos);

    private static Lanes256<T> PerLane(Lanes256<T> a, Func<T, T> f)
    {
        Span<T> values = stackalloc T[Vector256<T>.Count];
        a.Value.CopyTo(values);
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = f(values[i]);
        }
        return new(Vector256.Create((ReadOnlySpan<T>)values));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> Less(Lanes256<T> a, Lanes256<T> b) => new(Vector256.LessThan(a.Value, b.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> LessOrEqual(Lanes256<T> a, Lanes256<T> b) => new(Vector256.LessThanOrEqual(a.Value, b.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> Equal(Lanes256<T> a, Lanes256<T> b) => new(Vector256.Equals(a.Value, b.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> And(Lanes256<T> a, Lanes256<T> b) => new(a.Value & b.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> Or(Lanes256<T> a, Lanes256<T> b) => new(a.Value | b.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> Not(Lanes256<T> a) => new(~a.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> Select(Lanes256<T> mask, Lanes256<T> whenTrue, Lanes256<T> whenFalse) =>
        new(Vector256.ConditionalSelect(mask.Value, whenTrue.Value, whenFalse.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> IsFinite(Lanes256<T> a) =>
        new(Vector256.LessThan(Vector256.Abs(a.Value), Vector256.Create(T.PositiveInfinity)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Any(Lanes256<T> mask) => mask.Value.AsUInt32() != Vector256<uint>.Zero;
}

/// <summary>One lane: the scalar reference the SIMD paths are tested against, and the path for machines without SIMD.</summary>
internal readonly struct Lanes1<T>(T value) : ILanes<Lanes1<T>, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public readonly T Value = value;

    internal static readonly T AllOnes = BitCastAllOnes();

    public static int Count => 1;

    public static Lanes1<T> True => new(AllOnes);

    private static T BitCastAllOnes() => typeof(T) == typeof(double)
        ? (T)(object)BitConverter.Int64BitsToDouble(-1)
        : (T)(object)BitConverter.Int32BitsToSingle(-1);

    private static bool IsTrue(T mask) => !T.IsZero(mask) || T.IsNaN(mask);

    private static Lanes1<T> Mask(bool value) => new(value ? AllOnes : T.Zero);

    public static Lanes1<T> Constant(double value) => new(T.CreateTruncating(value));

    public static Lanes1<T> Load(ReadOnlySpan<T> source) => new(source[0]);

    public static void Store(Lanes1<T> value, Span<T> destination) => destination[0] = value.Value;

    public static T Lane(Lanes1<T> value, int lane) => value.Value;

    public static Lanes1<T> Add(Lanes1<T> a, Lanes1<T> b) => new(a.Value + b.Value);

    public static Lanes1<T> Subtract(Lanes1<T> a, Lanes1<T> b) => new(a.Value - b.Value);

    public static Lanes1<T> Multiply(Lanes1<T> a, Lanes1<T> b) => new(a.Value * b.Value);

    public static Lanes1<T> Divide(Lanes1<T> a, Lanes1<T> b) => new(a.Value / b.Value);

    public static Lanes1<T> Negate(Lanes1<T> a) => new(-a.Value);

    public static Lanes1<T> MultiplyAdd(Lanes1<T> a, Lanes1<T> b, Lanes1<T> c) => new(T.FusedMultiplyAdd(a.Value, b.Value, c.Value));

    public static Lanes1<T> Sqrt(Lanes1<T> a) => new(T.Sqrt(a.Value));

    public static Lanes1<T> Abs(Lanes1<T> a) => new(T.Abs(a.Value));

    public static Lanes1<T> Min(Lanes1<T> a, Lanes1<T> b) => new(T.Min(a.Value, b.Value));

    public static Lanes1<T> Max(Lanes1<T> a, Lanes1<T> b) => new(T.Max(a.Value, b.Value));

    public static Lanes1<T> MinNonNaN(Lanes1<T> a, Lanes1<T> b) => a.Value < b.Value ? a : b;

    public static Lanes1<T> MaxNonNaN(Lanes1<T> a, Lanes1<T> b) => a.Value > b.Value ? a : b;

    public static Lanes1<T> Exp(Lanes1<T> a) => LaneMath.Exp<Lanes1<T>, T>(a);

    public static Lanes1<T> Log(Lanes1<T> a) => LaneMath.Log<Lanes1<T>, T>(a);

    public static Lanes1<T> Round(Lanes1<T> a) => new(T.Round(a.Value, MidpointRounding.ToEven));

    public static Lanes1<T> ScaleB(Lanes1<T> x, Lanes1<T> n) => new(x.Value * T.ScaleB(T.One, int.CreateTruncating(n.Value)));

    public static Lanes1<T> ExponentOf(Lanes1<T> x) => new(T.CreateTruncating(T.ILogB(x.Value)));

    public static Lanes1<T> SignificandOf(Lanes1<T> x) => new(T.ScaleB(x.Value, -T.ILogB(x.Value)));

    public static Lanes1<T> IsNaN(Lanes1<T> a) => Mask(T.IsNaN(a.Value));

    public static Lanes1<T> Sin(Lanes1<T> a) => new(T.Sin(a.Value));

    public static Lanes1<T> Cos(Lanes1<T> a) => new(T.Cos(a.Value));

    public static Lanes1<T> Less(Lanes1<T> a, Lanes1<T> b) => Mask(a.Value < b.Value);

    public static Lanes1<T> LessOrEqual(Lanes1<T> a, Lanes1<T> b) => Mask(a.Value <= b.Value);

    public static Lanes1<T> Equal(Lanes1<T> a, Lanes1<T> b) => Mask(a.Value == b.Value);

    public static Lanes1<T> And(Lanes1<T> a, Lanes1<T> b) => Mask(IsTrue(a.Value) && IsTrue(b.Value));

    public static Lanes1<T> Or(Lanes1<T> a, Lanes1<T> b) => Mask(IsTrue(a.Value) || IsTrue(b.Value));

    public static Lanes1<T> Not(Lanes1<T> a) => Mask(!IsTrue(a.Value));

    public static Lanes1<T> Select(Lanes1<T> mask, Lanes1<T> whenTrue, Lanes1<T> whenFalse) => IsTrue(mask.Value) ? whenTrue : whenFalse;

    public static Lanes1<T> IsFinite(Lanes1<T> a) => Mask(T.IsFinite(a.Value));

    public static bool Any(Lanes1<T> mask) => IsTrue(mask.Value);
}
