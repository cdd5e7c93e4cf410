using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TwinLab.Simulation;
using TwinLab.Simulation.Ensembles;
using V = System.Runtime.Intrinsics.Vector512<double>;

namespace TwinLab.Benchmarks;

/// <summary>
/// How fast the hardware runs Tsit5 on Lorenz when nothing but the step is left: one or two bundles of eight lanes,
/// everything in registers, hand-written with the tableau's coefficients as literals (checked against
/// <see cref="ButcherTableau.Tsitouras5"/> at start-up). The adaptive step adds the error norm at rtol = atol = 10⁻⁸,
/// a PI controller of the engine's form (cubic log₂ and 2ˣ) and the masked commit; there is no per-trajectory work,
/// no saved point and no landing. Measures nanoseconds per trajectory-step for one bundle and for two bundles advanced
/// in the same loop, whose independent dependency chains the processor can overlap. A bound to compare the ensemble
/// engine with (`twinlab bench ensemble`), not a solver: it never stops.
/// Usage: register-bound [steps per run, default 2000000]
/// </summary>
public static class RegisterBound
{
    private struct Bundle
    {
        public V Y0, Y1, Y2, K0, K1, K2, T, H, LogPrevious, Rho;
    }

    public static int Run(string[] args, TextWriter output)
    {
        CheckTableau();
        var steps = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2_000_000;
        if (!Vector512.IsHardwareAccelerated || !Avx512F.IsSupported)
        {
            output.WriteLine("register-bound: this processor has no AVX-512; nothing measured.");
            return 0;
        }

        var best = new double[4];
        Array.Fill(best, double.PositiveInfinity);
        for (var repeat = 0; repeat < 5; repeat++)
        {
            best[0] = Math.Min(best[0], Time(() => OneBundle<AdaptiveSteps>(steps), steps * 8));
            best[1] = Math.Min(best[1], Time(() => TwoBundles<AdaptiveSteps>(steps), steps * 16));
            best[2] = Math.Min(best[2], Time(() => OneBundle<FixedSteps>(steps), steps * 8));
            best[3] = Math.Min(best[3], Time(() => TwoBundles<FixedSteps>(steps), steps * 16));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ns per trajectory-step, best of 5 (one core): adaptive one bundle {best[0]:F2}, two bundles {best[1]:F2}; fixed one bundle {best[2]:F2}, two bundles {best[3]:F2}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"adaptive share of fixed: one bundle each {best[2] / best[0]:F3}, two bundles each {best[3] / best[1]:F3}, adaptive two against fixed one {best[2] / best[1]:F3}"));
        return 0;
    }

    private static double Time(Func<double> run, long trajectorySteps)
    {
        var watch = Stopwatch.StartNew();
        var result = run();
        var seconds = watch.Elapsed.TotalSeconds;
        return double.IsNaN(result) ? double.NaN : seconds / trajectorySteps * 1e9;
    }

    /// <summary>The literals below are Tsit5's; a changed tableau must change them too.</summary>
    private static void CheckTableau()
    {
        var t = ButcherTableau.Tsitouras5;
        double[] a = [.. t.A.SelectMany(row => row)];
        double[] literals =
        [
            0.161, -0.008480655492356989, 0.335480655492357, 2.897153057105493, -6.359448489975075, 4.3622954328695815,
            5.325864828439257, -11.748883564062828, 7.4955393428898365, -0.09249506636175525, 5.86145544294642,
            -12.92096931784711, 8.159367898576159, -0.071584973281401, -0.028269050394068383, 0.09646076681806523, 0.01,
            0.4798896504144996, 1.379008574103742, -3.290069515436081, 2.324710524099774,
        ];
        double[] e = [-0.00178001105222577714, -0.0008164344596567469, 0.007880878010261995, -0.1447110071732629, 0.5823571654525552, -0.45808210592918697, 0.015151515151515152];
        if (!a.SequenceEqual(literals) || !t.E!.SequenceEqual(e))
        {
            throw new InvalidOperationException("register-bound: its Tsit5 literals no longer match ButcherTableau.Tsitouras5.");
        }
    }

    private static V C(double v) => Vector512.Create(v);

    private static V Fma(V a, V b, V c) => Vector512.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Lorenz(V x, V y, V z, V rho, out V dx, out V dy, out V dz)
    {
        dx = C(10) * (y - x);
        dy = (x * (rho - z)) - y;
        dz = (x * y) - (C(8.0 / 3) * z);
    }

    /// <summary>One step of every lane of the bundle: the six stages, and with <paramref name="adaptive"/> (a constant at
    /// every call, so the JIT keeps one branch) the error norm, the controller and the masked commit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step(ref Bundle s, bool adaptive)
    {
        V h = s.H, y0 = s.Y0, y1 = s.Y1, y2 = s.Y2, rho = s.Rho, k0 = s.K0, k1 = s.K1, k2 = s.K2;
        Lorenz(Fma(h, C(0.161) * k0, y0), Fma(h, C(0.161) * k1, y1), Fma(h, C(0.161) * k2, y2), rho, out var a0, out var a1, out var a2);
        Lorenz(S2(h, k0, a0, y0), S2(h, k1, a1, y1), S2(h, k2, a2, y2), rho, out var b0, out var b1, out var b2);
        Lorenz(S3(h, k0, a0, b0, y0), S3(h, k1, a1, b1, y1), S3(h, k2, a2, b2, y2), rho, out var c0, out var c1, out var c2);
        Lorenz(S4(h, k0, a0, b0, c0, y0), S4(h, k1, a1, b1, c1, y1), S4(h, k2, a2, b2, c2, y2), rho, out var d0, out var d1, out var d2);
        Lorenz(S5(h, k0, a0, b0, c0, d0, y0), S5(h, k1, a1, b1, c1, d1, y1), S5(h, k2, a2, b2, c2, d2, y2), rho, out var e0, out var e1, out var e2);
        var n0 = S6(h, k0, a0, b0, c0, d0, e0, y0);
        var n1 = S6(h, k1, a1, b1, c1, d1, e1, y1);
        var n2 = S6(h, k2, a2, b2, c2, d2, e2, y2);
        Lorenz(n0, n1, n2, rho, out var g0, out var g1, out var g2);
        if (!adaptive)
        {
            (s.Y0, s.Y1, s.Y2, s.K0, s.K1, s.K2, s.T) = (n0, n1, n2, g0, g1, g2, s.T + h);
            return;
        }

        var r0 = Error(k0, a0, b0, c0, d0, e0, g0) * Weight(h, y0, n0);
        var r1 = Error(k1, a1, b1, c1, d1, e1, g1) * Weight(h, y1, n1);
        var r2 = Error(k2, a2, b2, c2, d2, e2, g2) * Weight(h, y2, n2);
        var squared = Fma(r2, r2, Fma(r1, r1, r0 * r0));
        // log₂ of the squared norm and the next factor 2ˣ, by cubics as in the engine's controller.
        var normal = Vector512.Max(squared, C(LaneMath.SmallestNormal<double>()));
        var f = Avx512F.GetMantissa(normal, 0) - C(1);
        var p = Fma(f * f, Fma(C(LaneMath.Log2C3), f, C(LaneMath.Log2C2)), Fma(C(LaneMath.Log2C1), f, C(LaneMath.Log2C0)));
        var log2Squared = Fma(f, p, Avx512F.GetExponent(normal));
        var x = Vector512.Min(Vector512.Max(Fma(C(-0.085), log2Squared, Fma(C(0.04), s.LogPrevious, C(-0.152))), C(-2.32)), C(3.32));
        var n = Vector512.Round(x);
        var r = x - n;
        var growth = Avx512F.Scale(Fma(r * r, Fma(C(LaneMath.Exp2C3), r, C(LaneMath.Exp2C2)), Fma(C(LaneMath.Exp2C1), r, C(LaneMath.Exp2C0))), n);
        var accept = Vector512.LessThanOrEqual(squared, C(1));
        s.Y0 = Vector512.ConditionalSelect(accept, n0, y0);
        s.Y1 = Vector512.ConditionalSelect(accept, n1, y1);
        s.Y2 = Vector512.ConditionalSelect(accept, n2, y2);
        s.K0 = Vector512.ConditionalSelect(accept, g0, k0);
        s.K1 = Vector512.ConditionalSelect(accept, g1, k1);
        s.K2 = Vector512.ConditionalSelect(accept, g2, k2);
        s.T = Vector512.ConditionalSelect(accept, s.T + h, s.T);
        s.LogPrevious = Vector512.ConditionalSelect(accept, Vector512.Max(C(0.5) * log2Squared, C(-13.3)), s.LogPrevious);
        s.H = Vector512.Min(h * growth, C(1e-3)); // bounded, so that a run of millions of steps stays on the attractor
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V S2(V h, V k, V a, V y) => Fma(h, Fma(C(0.335480655492357), a, C(-0.008480655492356989) * k), y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V S3(V h, V k, V a, V b, V y) => Fma(h, Fma(C(4.3622954328695815), b, Fma(C(-6.359448489975075), a, C(2.897153057105493) * k)), y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V S4(V h, V k, V a, V b, V c, V y) =>
        Fma(h, Fma(C(-0.09249506636175525), c, Fma(C(7.4955393428898365), b, Fma(C(-11.748883564062828), a, C(5.325864828439257) * k))), y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V S5(V h, V k, V a, V b, V c, V d, V y) => Fma(h, Fma(C(-0.028269050394068383), d, Fma(C(-0.071584973281401), c,
        Fma(C(8.159367898576159), b, Fma(C(-12.92096931784711), a, C(5.86145544294642) * k)))), y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V S6(V h, V k, V a, V b, V c, V d, V e, V y) => Fma(h, Fma(C(2.324710524099774), e, Fma(C(-3.290069515436081), d,
        Fma(C(1.379008574103742), c, Fma(C(0.4798896504144996), b, Fma(C(0.01), a, C(0.09646076681806523) * k))))), y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V Error(V k, V a, V b, V c, V d, V e, V g) => Fma(C(0.015151515151515152), g, Fma(C(-0.45808210592918697), e, Fma(C(0.5823571654525552), d,
        Fma(C(-0.1447110071732629), c, Fma(C(0.007880878010261995), b, Fma(C(-0.0008164344596567469), a, C(-0.00178001105222577714) * k))))));

    /// <summary>step · n^(−1/2) / (atol + rtol · max(|y|, |yNew|)), rtol = atol = 10⁻⁸.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V Weight(V h, V y, V yNew) => h * C(0.5773502691896258) / Fma(C(1e-8), Vector512.Max(Vector512.Abs(y), Vector512.Abs(yNew)), C(1e-8));

    private static Bundle Start(double rho) => new()
    {
        Y0 = C(1), Y1 = C(0), Y2 = C(0), K0 = C(-10), K1 = C(rho), K2 = C(0), T = C(0), H = C(1e-4), LogPrevious = C(-13.3), Rho = C(rho),
    };

    /// <summary>Which step a loop takes, as a type: the JIT compiles one copy of each loop per kind, with the branch on
    /// <see cref="Adaptive"/> folded away.</summary>
    private interface IStepKind
    {
        static abstract bool Adaptive { get; }
    }

    private struct AdaptiveSteps : IStepKind
    {
        public static bool Adaptive => true;
    }

    private struct FixedSteps : IStepKind
    {
        public static bool Adaptive => false;
    }

    // Every 1024 steps the bundles start again, as trajectories would.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double OneBundle<TKind>(int steps)
        where TKind : struct, IStepKind
    {
        var a = Start(10);
        for (var i = 1; i <= steps; i++)
        {
            Step(ref a, TKind.Adaptive);
            if ((i & 1023) == 0)
            {
                a = Start(10);
            }
        }
        return a.Y0[0];
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double TwoBundles<TKind>(int steps)
        where TKind : struct, IStepKind
    {
        var (a, b) = (Start(10), Start(12));
        for (var i = 1; i <= steps; i++)
        {
            Step(ref a, TKind.Adaptive);
            Step(ref b, TKind.Adaptive);
            if ((i & 1023) == 0)
            {
                (a, b) = (Start(10), Start(12));
            }
        }
        return a.Y0[0] + b.Y0[0];
    }
}
