using MathNet.Numerics;

namespace TwinLab.Core.Distributions;

/// <summary>Small numerically careful helpers used by the distributions.</summary>
internal static class SpecialMath
{
    private const double Ln2 = 0.69314718055994530941723212145818;

    /// <summary>ln(1 − eˣ) for x ≤ 0 (Mächler 2012: expm1 near 0, log1p elsewhere).</summary>
    internal static double Log1MinusExp(double x) =>
        x > -Ln2 ? Math.Log(-ExpM1(x)) : SpecialFunctions.Log1p(-Math.Exp(x));

    /// <summary>
    /// eˣ − 1 to within a few ulp for all x, by Kahan's correction (u − 1)·x/ln u with u = eˣ: the rounding error
    /// of u cancels between numerator and denominator. (MathNet's Expm1 truncates a Taylor series and loses up to
    /// eight digits near |x| ≈ 0.04.)
    /// </summary>
    internal static double ExpM1(double x)
    {
        double u = Math.Exp(x);
        if (u == 1.0)
        {
            return x;
        }

        double um1 = u - 1.0;
        if (um1 == -1.0 || double.IsPositiveInfinity(u))
        {
            return um1;
        }

        return um1 * x / Math.Log(u);
    }

    /// <summary>ln(eᵃ + eᵇ) without overflow.</summary>
    internal static double LogAddExp(double a, double b)
    {
        if (double.IsNegativeInfinity(a))
        {
            return b;
        }

        if (double.IsNegativeInfinity(b))
        {
            return a;
        }

        double max = Math.Max(a, b);
        return max + SpecialFunctions.Log1p(Math.Exp(-Math.Abs(a - b)));
    }

    /// <summary>a·ln(y), taken as 0 when a = 0 (so 0·ln 0 = 0, as in SciPy's <c>xlogy</c>).</summary>
    internal static double XLogY(double a, double y) => a == 0.0 ? 0.0 : a * Math.Log(y);

    /// <summary>a·ln(1 + y), taken as 0 when a = 0 (SciPy's <c>xlog1py</c>).</summary>
    internal static double XLog1PY(double a, double y) => a == 0.0 ? 0.0 : a * SpecialFunctions.Log1p(y);

    /// <summary>
    /// The regularised lower incomplete gamma function P(a, x): by its power series for x &lt; a + 1 and as
    /// 1 − Q(a, x) from MathNet's continued fraction otherwise. (MathNet's own P returns 0 for x below about 1e−15,
    /// which would lose the whole lower tail of a gamma distribution with a small shape.)
    /// </summary>
    internal static double GammaLowerRegularized(double a, double x)
    {
        if (!(x > 0.0))
        {
            return double.IsNaN(x) ? double.NaN : 0.0;
        }

        if (double.IsPositiveInfinity(x))
        {
            return 1.0;
        }

        return x < a + 1.0 ? GammaSeries(a, x) : 1.0 - SpecialFunctions.GammaUpperRegularized(a, x);
    }

    /// <summary>The regularised upper incomplete gamma function Q(a, x) = 1 − P(a, x), accurate where it is small.</summary>
    internal static double GammaUpperRegularized(double a, double x)
    {
        if (!(x > 0.0))
        {
            return double.IsNaN(x) ? double.NaN : 1.0;
        }

        if (double.IsPositiveInfinity(x))
        {
            return 0.0;
        }

        return x < a + 1.0 ? 1.0 - GammaSeries(a, x) : SpecialFunctions.GammaUpperRegularized(a, x);
    }

    /// <summary>
    /// Solves g(x) = target for an increasing g on (lower, upper) by Newton steps from <paramref name="start"/>,
    /// keeping a bracket and falling back to bisection (geometric when the bracket spans orders of magnitude,
    /// expansion when the upper end is infinite) whenever a step leaves it.
    /// </summary>
    internal static double SolveIncreasing(
        Func<double, double> function, Func<double, double> derivative, double target, double start, double lower, double upper)
    {
        double x = start;
        for (int iteration = 0; iteration < 400; iteration++)
        {
            double residual = function(x) - target;
            if (residual == 0.0)
            {
                return x;
            }

            if (residual < 0.0)
            {
                lower = x;
            }
            else
            {
                upper = x;
            }

            double next = x - (residual / derivative(x));
            if (!(next > lower && next < upper))
            {
                next = Midpoint(lower, upper);
            }

            if (Math.Abs(next - x) <= 2e-16 * Math.Abs(x) || next == lower || next == upper)
            {
                return next;
            }

            x = next;
        }

        return x;
    }

    /// <summary>P(a, x) = xᵃ e⁻ˣ / Γ(a + 1) · Σₖ xᵏ / ((a + 1)(a + 2)···(a + k)), for 0 &lt; x &lt; a + 1 (terms shrink geometrically).</summary>
    private static double GammaSeries(double a, double x)
    {
        double sum = 1.0, term = 1.0;
        for (int k = 1; k < 100_000; k++)
        {
            term *= x / (a + k);
            sum += term;
            if (term <= sum * 1e-17)
            {
                break;
            }
        }

        return Math.Exp((a * Math.Log(x)) - x - SpecialFunctions.GammaLn(a + 1.0)) * sum;
    }

    private static double Midpoint(double lower, double upper)
    {
        if (double.IsPositiveInfinity(upper))
        {
            return lower > 0.0 ? 4.0 * lower : 1.0;
        }

        if (lower <= 0.0)
        {
            return upper / 8.0;
        }

        return upper > 4.0 * lower ? Math.Sqrt(lower) * Math.Sqrt(upper) : lower + (0.5 * (upper - lower));
    }
}
