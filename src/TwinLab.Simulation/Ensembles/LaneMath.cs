using System.Numerics;
using System.Runtime.CompilerServices;

namespace TwinLab.Simulation.Ensembles;

/// <summary>
/// Exponential and logarithm written once in terms of lane operations with explicit fused multiply-adds, so that they
/// give the same bits on every lane width, on the scalar reference and on every tier of the JIT (the runtime's vector
/// functions may fuse or not depending on the tier, which would make an ensemble's last bits depend on timing).
/// Accuracy: within 2 units in the last place of the correctly rounded result over the whole double range (tested).
/// </summary>
internal static class LaneMath
{
    private const double Ln2Hi = 6.93147180369123816490e-01, Ln2Lo = 1.90821492927058770002e-10;
    private const double InvLn2 = 1.44269504088896338700e+00;

    /// <summary>eˣ: x = n ln 2 + r with |r| ≤ ln 2 / 2 (Cody–Waite), eʳ by its Taylor polynomial of degree 13, then
    /// scaled by 2ⁿ in two halves so that results near the underflow and overflow limits are exact.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TL Exp<TL, T>(TL x)
        where TL : struct, ILanes<TL, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var single = typeof(T) == typeof(float);
        var upper = TL.Constant(single ? 88.72283935546875 : 709.782712893384);
        var lower = TL.Constant(single ? -103.97207708 : -745.1332191019412);
        var clamped = TL.Min(TL.Max(x, lower), upper);
        var n = TL.Round(TL.Multiply(clamped, TL.Constant(InvLn2)));
        var r = TL.MultiplyAdd(TL.Negate(n), TL.Constant(Ln2Hi), clamped);
        r = TL.MultiplyAdd(TL.Negate(n), TL.Constant(Ln2Lo), r);
        var p = TL.Constant(1.0 / 6227020800);            // 1/13!
        p = TL.MultiplyAdd(p, r, TL.Constant(1.0 / 479001600));
        p = TL.MultiplyAdd(p, r, TL.Constant(1.0 / 39916800));
        p = TL.MultiplyAdd(p, r, TL.Constant(1.0 / 3628800));
        p = TL.MultiplyAdd(p, r, TL.Constant(1.0 / 362880));
        p = TL.MultiplyAdd(p, r, TL.Constant(1.0 / 40320));
        p = TL.MultiplyAdd(p, r, TL.Constant(1.0 / 5040));
        p = TL.MultiplyAdd(p, r, TL.Constant(1.0 / 720));
        p = TL.MultiplyAdd(p, r, TL.Constant(1.0 / 120));
        p = TL.MultiplyAdd(p, r, TL.Constant(1.0 / 24));
        p = TL.MultiplyAdd(p, r, TL.Constant(1.0 / 6));
        p = TL.MultiplyAdd(p, r, TL.Constant(0.5));
        p = TL.MultiplyAdd(p, r, TL.Constant(1));
        p = TL.MultiplyAdd(p, r, TL.Constant(1));
        var half = TL.Round(TL.Multiply(n, TL.Constant(0.5)));
        var result = TL.ScaleB(TL.ScaleB(p, half), TL.Subtract(n, half));
        result = TL.Select(TL.Less(upper, x), TL.Constant(double.PositiveInfinity), result);
        result = TL.Select(TL.Less(x, lower), TL.Constant(0), result);
        return TL.Select(TL.IsNaN(x), x, result);
    }

    /// <summary>ln x: x = m · 2ᵉ with m in [√½, √2), ln m = 2 atanh(s) with s = (m − 1)/(m + 1) by its series to s²¹,
    /// then e ln 2 added in two parts. Subnormal inputs are scaled into the normal range first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TL Log<TL, T>(TL x)
        where TL : struct, ILanes<TL, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var single = typeof(T) == typeof(float);
        var smallest = TL.Constant(single ? 1.1754943508222875e-38 : 2.2250738585072014e-308);
        var subnormal = TL.Less(x, smallest);
        var scale = single ? 24.0 : 54.0;
        var scaled = TL.Select(subnormal, TL.ScaleB(x, TL.Constant(scale)), x);
        var e = TL.Subtract(TL.ExponentOf(scaled), TL.Select(subnormal, TL.Constant(scale), TL.Constant(0)));
        var m = TL.SignificandOf(scaled);
        var big = TL.Less(TL.Constant(1.4142135623730951), m);
        m = TL.Select(big, TL.Multiply(m, TL.Constant(0.5)), m);
        e = TL.Select(big, TL.Add(e, TL.Constant(1)), e);
        var f = TL.Subtract(m, TL.Constant(1));
        var s = TL.Divide(f, TL.Add(f, TL.Constant(2)));
        var z = TL.Multiply(s, s);
        var q = TL.Constant(1.0 / 21);
        q = TL.MultiplyAdd(q, z, TL.Constant(1.0 / 19));
        q = TL.MultiplyAdd(q, z, TL.Constant(1.0 / 17));
        q = TL.MultiplyAdd(q, z, TL.Constant(1.0 / 15));
        q = TL.MultiplyAdd(q, z, TL.Constant(1.0 / 13));
        q = TL.MultiplyAdd(q, z, TL.Constant(1.0 / 11));
        q = TL.MultiplyAdd(q, z, TL.Constant(1.0 / 9));
        q = TL.MultiplyAdd(q, z, TL.Constant(1.0 / 7));
        q = TL.MultiplyAdd(q, z, TL.Constant(1.0 / 5));
        q = TL.MultiplyAdd(q, z, TL.Constant(1.0 / 3));
        // ln m = 2s + 2s·z·q, written to keep the leading term exact: f − s·f + 2s·z·q would lose less, but 2s is exact.
        var twoS = TL.Add(s, s);
        var lnM = TL.MultiplyAdd(TL.Multiply(twoS, z), q, twoS);
        var result = TL.MultiplyAdd(e, TL.Constant(Ln2Hi), TL.MultiplyAdd(e, TL.Constant(Ln2Lo), lnM));
        result = TL.Select(TL.Equal(x, TL.Constant(0)), TL.Constant(double.NegativeInfinity), result);
        result = TL.Select(TL.Less(x, TL.Constant(0)), TL.Constant(double.NaN), result);
        result = TL.Select(TL.Equal(x, TL.Constant(double.PositiveInfinity)), x, result);
        return TL.Select(TL.IsNaN(x), x, result);
    }

    /// <summary>The smallest normal number of <typeparamref name="T"/>: <see cref="Log2Coarse"/>'s floor.</summary>
    internal static double SmallestNormal<T>() => typeof(T) == typeof(float) ? 1.1754943508222875e-38 : 2.2250738585072014e-308;

    /// <summary>The coefficients c₀ … c₃ of <see cref="Log2Coarse"/>'s polynomial P(f) = (c₀ + c₁f) + f²(c₂ + c₃f).</summary>
    internal const double Log2C0 = 1.4385482008277448, Log2C1 = -0.6780913506303536, Log2C2 = 0.3236500970847872, Log2C3 = -0.0842969294533592;

    /// <summary>The coefficients c₀ … c₃ of <see cref="Exp2Coarse"/>'s polynomial (c₀ + c₁r) + r²(c₂ + c₃r).</summary>
    internal const double Exp2C0 = 0.9999482441006001, Exp2C1 = 0.693127266411419, Exp2C2 = 0.24229443410427043, Exp2C3 = 0.05587549977188535;

    /// <summary>log₂ x of a positive normal number to within 2·10⁻⁴ absolute, for the step-size controller (where it
    /// moves a step size by at most 0.17 · 2·10⁻⁴ · ln 2 ≈ 2·10⁻⁵ relative): x = m · 2ᵉ with m in [1, 2),
    /// log₂ m = f · P(f) with f = m − 1 and P the least-squares polynomial of degree 3 (fitted once with NumPy on
    /// 4·10⁵ points of the interval). No division. Zero and subnormal numbers count as the smallest normal number
    /// (−1022 in double, −126 in single precision), the same on every lane width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TL Log2Coarse<TL, T>(TL x)
        where TL : struct, ILanes<TL, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var normal = TL.MaxNonNaN(x, TL.Constant(SmallestNormal<T>()));
        var f = TL.Subtract(TL.SignificandOf(normal), TL.Constant(1));
        // P(f) = (c₀ + c₁f) + f²(c₂ + c₃f): two fused steps deep instead of three.
        var low = TL.MultiplyAdd(TL.Constant(Log2C1), f, TL.Constant(Log2C0));
        var high = TL.MultiplyAdd(TL.Constant(Log2C3), f, TL.Constant(Log2C2));
        var p = TL.MultiplyAdd(TL.Multiply(f, f), high, low);
        return TL.MultiplyAdd(f, p, TL.ExponentOf(normal));
    }

    /// <summary>2ˣ to within 2·10⁻⁴ relative, for the step-size controller, which clamps x to a few units around zero
    /// (valid for |x| ≤ 126): x = n + r with n = round(x), 2ʳ by the least-squares polynomial of degree 3 on [−½, ½]
    /// (fitted once with NumPy), scaled by 2ⁿ.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TL Exp2Coarse<TL, T>(TL x)
        where TL : struct, ILanes<TL, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var n = TL.Round(x);
        var r = TL.Subtract(x, n);
        // (c₀ + c₁r) + r²(c₂ + c₃r): two fused steps deep instead of three.
        var low = TL.MultiplyAdd(TL.Constant(Exp2C1), r, TL.Constant(Exp2C0));
        var high = TL.MultiplyAdd(TL.Constant(Exp2C3), r, TL.Constant(Exp2C2));
        return TL.ScaleB(TL.MultiplyAdd(TL.Multiply(r, r), high, low), n);
    }
}
