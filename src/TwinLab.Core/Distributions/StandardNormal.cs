using MathNet.Numerics;

namespace TwinLab.Core.Distributions;

/// <summary>Tail-accurate functions of the standard normal distribution, shared by the normal-based distributions.</summary>
internal static class StandardNormal
{
    /// <summary>ln √(2π).</summary>
    internal const double LogSqrtTwoPi = 0.91893853320467274178032973640562;

    private const double Sqrt2 = 1.4142135623730950488016887242097;
    private const double InverseSqrt2 = 0.70710678118654752440084436210485;
    private const double Ln2 = 0.69314718055994530941723212145818;

    /// <summary>ln φ(z).</summary>
    internal static double LogDensity(double z) => (-0.5 * z * z) - LogSqrtTwoPi;

    /// <summary>Φ(z) = ½ erfc(−z/√2).</summary>
    internal static double Cdf(double z) => 0.5 * SpecialFunctions.Erfc(-z * InverseSqrt2);

    /// <summary>Φ⁻¹(p) = −√2 erfc⁻¹(2p).</summary>
    internal static double Quantile(double p) => -Sqrt2 * SpecialFunctions.ErfcInv(2.0 * p);

    /// <summary>ln Q(z) = ln(1 − Φ(z)), accurate in both tails and finite for every finite z below about 1.9e154.</summary>
    internal static double LogUpperTail(double z)
    {
        if (double.IsNaN(z))
        {
            return double.NaN;
        }

        if (z < -1.0)
        {
            // Q(z) = 1 − Φ(z) with Φ(z) < 0.16: log1p keeps the small Φ(z).
            return SpecialFunctions.Log1p(-0.5 * SpecialFunctions.Erfc(-z * InverseSqrt2));
        }

        if (z < 35.0)
        {
            // erfc(35/√2) ≈ 1e-268 is still a normal double.
            return Math.Log(0.5 * SpecialFunctions.Erfc(z * InverseSqrt2));
        }

        if (double.IsPositiveInfinity(z))
        {
            return double.NegativeInfinity;
        }

        // Q(z) = φ(z) R(z) with Laplace's continued fraction for Mills' ratio,
        // R(z) = 1/(z + 1/(z + 2/(z + 3/(z + ...)))), which converges fast for z ≥ 35.
        double t = z;
        for (int k = 40; k >= 1; k--)
        {
            t = z + (k / t);
        }

        return LogDensity(z) - Math.Log(t);
    }

    /// <summary>ln Φ(z).</summary>
    internal static double LogCdf(double z) => LogUpperTail(-z);

    /// <summary>The z with ln Q(z) = <paramref name="logUpperTail"/> (≤ 0).</summary>
    internal static double InverseLogUpperTail(double logUpperTail)
    {
        if (logUpperTail > -Ln2)
        {
            // Q > ½: work with Φ(z) = 1 − Q = −expm1(ln Q), which keeps its precision.
            double lower = -SpecialMath.ExpM1(logUpperTail);
            return Quantile(lower);
        }

        if (logUpperTail > -700.0)
        {
            return Sqrt2 * SpecialFunctions.ErfcInv(2.0 * Math.Exp(logUpperTail));
        }

        if (double.IsNegativeInfinity(logUpperTail))
        {
            return double.PositiveInfinity;
        }

        // Beyond the range of doubles: start from Q(z) ≈ φ(z)/z and polish with Newton on ln Q,
        // d ln Q / dz = −φ(z)/Q(z).
        double t = -2.0 * logUpperTail;
        double z = Math.Sqrt(t - Math.Log(2.0 * Math.PI * t));
        for (int i = 0; i < 20; i++)
        {
            double current = LogUpperTail(z);
            double step = (current - logUpperTail) * Math.Exp(current - LogDensity(z));
            z += step;
            if (Math.Abs(step) <= 1e-16 * z)
            {
                break;
            }
        }

        return z;
    }

    /// <summary>ln(Φ(b) − Φ(a)) for a ≤ b, accurate when the interval lies far in either tail.</summary>
    internal static double LogMass(double a, double b)
    {
        if (a >= 0.0)
        {
            double logA = LogUpperTail(a);
            return double.IsNegativeInfinity(logA) ? logA : logA + SpecialMath.Log1MinusExp(LogUpperTail(b) - logA);
        }

        if (b <= 0.0)
        {
            double logB = LogCdf(b);
            return double.IsNegativeInfinity(logB) ? logB : logB + SpecialMath.Log1MinusExp(LogCdf(a) - logB);
        }

        // a < 0 < b: erf(b/√2) ≥ 0 ≥ erf(a/√2), so the difference adds magnitudes.
        return Math.Log(0.5 * (SpecialFunctions.Erf(b * InverseSqrt2) - SpecialFunctions.Erf(a * InverseSqrt2)));
    }
}
