namespace TwinLab.Core.Distributions;

/// <summary>
/// Mean and variance of the standard normal truncated to [α, β], computed without catastrophic cancellation.
/// </summary>
/// <remarks>
/// The textbook forms m = (φ(α) − φ(β))/Z and v = 1 + (αφ(α) − βφ(β))/Z − m² subtract numbers of size α² to get
/// one of size 1/α² far in a tail, and numbers of size 1/w to get one of size w² on an interval of width w. Three
/// regimes avoid that:
/// <list type="number">
/// <item><description>far tail (α ≥ 5, or mirrored β ≤ −5, with the far end carrying at most half the tail mass):
/// moments of one-sided tails from Laplace's continued fraction for Mills' ratio, combined exactly;</description></item>
/// <item><description>narrow interval (β − α ≤ 2): 32-point Gauss–Legendre quadrature of t = ξ − c, c the midpoint,
/// with weight e^(−ct − t²/2) (an entire function with |c|·(β − α)/2 ≤ 6 here, so the rule is exact to rounding);</description></item>
/// <item><description>otherwise the textbook forms, which cancel at most about three digits in the remaining region.</description></item>
/// </list>
/// </remarks>
internal static class TruncatedNormalMoments
{
    private const int NodeCount = 32;
    private static readonly (double[] Nodes, double[] Weights) Rule = GaussLegendreRule();

    /// <summary>The mean and variance of N(0, 1) truncated to [α, β]; <paramref name="logMass"/> is ln(Φ(β) − Φ(α)).</summary>
    internal static (double Mean, double Variance) Compute(double alpha, double beta, double logMass)
    {
        if (alpha >= 5.0 && TryTail(alpha, beta, out double mean, out double variance))
        {
            return (mean, variance);
        }

        if (beta <= -5.0 && TryTail(-beta, -alpha, out mean, out variance))
        {
            return (-mean, variance);
        }

        if (beta - alpha <= 2.0)
        {
            return Quadrature(alpha, beta);
        }

        return Textbook(alpha, beta, logMass);
    }

    /// <summary>
    /// Moments of N(0, 1) truncated to [a, ∞), a ≥ 5: with Q(a)/φ(a) = 1/(a + s), s = 1/(a + u),
    /// u = 2/(a + 3/(a + 4/(a + ...))), the mean is a + s and the variance s²(a u + u² − 1).
    /// </summary>
    internal static (double MeanShift, double Variance) UpperTail(double a)
    {
        double t = a;
        for (int k = 40; k >= 3; k--)
        {
            t = a + (k / t);
        }

        double u = 2.0 / t;
        double s = 1.0 / (a + u);
        return (s, s * s * ((a * u) + (u * u) - 1.0));
    }

    private static bool TryTail(double a, double b, out double mean, out double variance)
    {
        (double shiftA, double varianceA) = UpperTail(a);
        if (double.IsPositiveInfinity(b))
        {
            mean = a + shiftA;
            variance = varianceA;
            return true;
        }

        // [a, b] = [a, ∞) minus [b, ∞): E[f] = (E_a[f] − r E_b[f]) / (1 − r) with r = Q(b)/Q(a), moments taken about a.
        double logRatio = StandardNormal.LogUpperTail(b) - StandardNormal.LogUpperTail(a);
        if (logRatio > -0.69314718055994530942)
        {
            mean = variance = double.NaN;
            return false;
        }

        double ratio = Math.Exp(logRatio);
        double complement = -SpecialMath.ExpM1(logRatio);
        (double shiftB, double varianceB) = UpperTail(b);
        double offsetB = (b - a) + shiftB;
        double firstMoment = (shiftA - (ratio * offsetB)) / complement;
        double secondMoment = (varianceA + (shiftA * shiftA) - (ratio * (varianceB + (offsetB * offsetB)))) / complement;
        mean = a + firstMoment;
        variance = secondMoment - (firstMoment * firstMoment);
        return true;
    }

    private static (double Mean, double Variance) Quadrature(double alpha, double beta)
    {
        double centre = 0.5 * (alpha + beta);
        double half = 0.5 * (beta - alpha);
        Span<double> mass = stackalloc double[NodeCount];
        double total = 0.0, first = 0.0;
        for (int i = 0; i < NodeCount; i++)
        {
            double t = half * Rule.Nodes[i];
            mass[i] = Rule.Weights[i] * Math.Exp((-centre * t) - (0.5 * t * t));
            total += mass[i];
            first += mass[i] * t;
        }

        double shift = first / total;
        double second = 0.0;
        for (int i = 0; i < NodeCount; i++)
        {
            double deviation = (half * Rule.Nodes[i]) - shift;
            second += mass[i] * deviation * deviation;
        }

        return (centre + shift, second / total);
    }

    private static (double Mean, double Variance) Textbook(double alpha, double beta, double logMass)
    {
        double ratioAlpha = DensityRatio(alpha, logMass);
        double ratioBeta = DensityRatio(beta, logMass);
        double termAlpha = double.IsInfinity(alpha) ? 0.0 : alpha * ratioAlpha;
        double termBeta = double.IsInfinity(beta) ? 0.0 : beta * ratioBeta;
        double mean = ratioAlpha - ratioBeta;
        return (mean, 1.0 + termAlpha - termBeta - (mean * mean));
    }

    private static double DensityRatio(double z, double logMass) =>
        double.IsInfinity(z) ? 0.0 : Math.Exp(StandardNormal.LogDensity(z) - logMass);

    /// <summary>Newton's method on the Legendre polynomial P_n from Tricomi's initial guesses; w = 2/((1 − x²) P_n'(x)²).</summary>
    private static (double[] Nodes, double[] Weights) GaussLegendreRule()
    {
        var nodes = new double[NodeCount];
        var weights = new double[NodeCount];
        for (int i = 0; i < NodeCount / 2; i++)
        {
            double x = Math.Cos(Math.PI * (i + 0.75) / (NodeCount + 0.5));
            for (int iteration = 0; iteration < 100; iteration++)
            {
                (double value, double slope) = Legendre(x);
                double step = value / slope;
                x -= step;
                if (Math.Abs(step) <= 1e-17)
                {
                    break;
                }
            }

            (_, double derivative) = Legendre(x);
            double weight = 2.0 / ((1.0 - (x * x)) * derivative * derivative);
            nodes[i] = x;
            nodes[NodeCount - 1 - i] = -x;
            weights[i] = weight;
            weights[NodeCount - 1 - i] = weight;
        }

        return (nodes, weights);
    }

    private static (double Value, double Derivative) Legendre(double x)
    {
        double previous = 1.0, current = x;
        for (int k = 2; k <= NodeCount; k++)
        {
            double next = ((((2 * k) - 1) * x * current) - ((k - 1) * previous)) / k;
            previous = current;
            current = next;
        }

        return (current, NodeCount * ((x * current) - previous) / ((x * x) - 1.0));
    }
}
