using System.Numerics.Tensors;

namespace TwinLab.Inference.Neural;

/// <summary>
/// The monotone rational-quadratic spline of Durkan, Bekasov, Murray and Papamakarios (2019, "Neural Spline Flows",
/// arXiv:1906.04087; Gregory and Delbourgo 1982) on [−B, B] with K bins and linear (identity) tails outside.
/// <para>
/// A spline is given by 3K − 1 unconstrained numbers: K widths, K heights (each passed through a softmax, then
/// w = w_min + (1 − K w_min) softmax, so every bin keeps a minimum share, and scaled to the interval of length 2B) and
/// K − 1 interior knot derivatives δ = δ_min + softplus(·). The boundary derivatives are 1, so the spline joins the
/// identity tails with a continuous derivative. In bin k, with ξ = (x − x_k)/w_k and s_k = h_k/w_k,
/// y = y_k + h_k [s_k ξ² + δ_k ξ(1 − ξ)] / [s_k + (δ_{k+1} + δ_k − 2 s_k) ξ(1 − ξ)].
/// </para>
/// All arithmetic is in double precision; the gradient with respect to the input and the 3K − 1 numbers is hand
/// derived (checked against finite differences in the tests).
/// </summary>
internal static class RationalQuadraticSpline
{
    /// <summary>The smallest share of the interval a bin may take (nflows' default).</summary>
    public const double MinimumBinWidth = 1e-3;

    /// <summary>The smallest share of the range a bin may take.</summary>
    public const double MinimumBinHeight = 1e-3;

    /// <summary>The smallest interior knot derivative.</summary>
    public const double MinimumDerivative = 1e-3;

    /// <summary>The number of unconstrained numbers of a spline with <paramref name="bins"/> bins.</summary>
    public static int ParameterCount(int bins) => (3 * bins) - 1;

    /// <summary>The length of the buffer in which <see cref="Forward(double, ReadOnlySpan{float}, int, double, Span{double}, out double)"/>
    /// leaves the bin shares for <see cref="Backward(double, ReadOnlySpan{float}, int, double, double, double, Span{double}, ReadOnlySpan{double})"/>.</summary>
    public static int SharesLength(int bins) => 2 * bins;

    /// <summary>y = f(x) and ln f′(x).</summary>
    public static double Forward(double x, ReadOnlySpan<float> raw, int bins, double bound, out double logDerivative)
    {
        Span<double> shares = stackalloc double[SharesLength(bins)];
        return Forward(x, raw, bins, bound, shares, out logDerivative);
    }

    /// <summary>y = f(x) and ln f′(x); for x inside [−B, B], also leaves the width and height softmaxes in
    /// <paramref name="shares"/> (<see cref="SharesLength"/> numbers), so that the backward pass need not recompute them.</summary>
    public static double Forward(double x, ReadOnlySpan<float> raw, int bins, double bound, Span<double> shares, out double logDerivative)
    {
        if (x <= -bound || x >= bound)
        {
            logDerivative = 0;
            return x;
        }

        Softmaxes(raw, bins, shares);
        Span<double> knots = stackalloc double[KnotsLength(bins)];
        var layout = new Layout(knots, shares, bins, bound);
        var bin = new Bin(layout, raw, FindBin(layout.X, x));
        var xi = (x - bin.Left) / bin.Width;
        var t = xi * (1 - xi);
        var slope = bin.Height / bin.Width;
        var denominator = slope + ((bin.RightDerivative + bin.LeftDerivative - (2 * slope)) * t);
        var numerator = bin.Height * ((slope * xi * xi) + (bin.LeftDerivative * t));
        logDerivative = LogDerivative(bin, xi, t, slope, denominator);
        return bin.Bottom + (numerator / denominator);
    }

    /// <summary>ln f′ = ln(s² m / den²), m = δ_{k+1} ξ² + 2 s ξ(1 − ξ) + δ_k (1 − ξ)²: one logarithm. The minimum bin
    /// sizes and derivatives keep s, m and den within a few powers of ten of 1, far from overflow or underflow.</summary>
    private static double LogDerivative(in Bin bin, double xi, double t, double slope, double denominator)
    {
        var derivativeNumerator = (bin.RightDerivative * xi * xi) + (2 * slope * t) + (bin.LeftDerivative * (1 - xi) * (1 - xi));
        var ratio = slope / denominator;
        return Math.Log(ratio * ratio * derivativeNumerator);
    }

    /// <summary>x = f⁻¹(y) and ln f′(x) (the root of a quadratic in ξ, taken in its numerically stable form).</summary>
    public static double Inverse(double y, ReadOnlySpan<float> raw, int bins, double bound, out double logDerivative)
    {
        if (y <= -bound || y >= bound)
        {
            logDerivative = 0;
            return y;
        }

        Span<double> shares = stackalloc double[SharesLength(bins)];
        Softmaxes(raw, bins, shares);
        Span<double> knots = stackalloc double[KnotsLength(bins)];
        var layout = new Layout(knots, shares, bins, bound);
        var bin = new Bin(layout, raw, FindBin(layout.Y, y));
        var slope = bin.Height / bin.Width;
        var offset = y - bin.Bottom;
        var curvature = bin.RightDerivative + bin.LeftDerivative - (2 * slope);
        var a = (bin.Height * (slope - bin.LeftDerivative)) + (offset * curvature);
        var b = (bin.Height * bin.LeftDerivative) - (offset * curvature);
        var c = -slope * offset;
        var discriminant = Math.Max((b * b) - (4 * a * c), 0);
        var xi = Math.Clamp(2 * c / (-b - Math.Sqrt(discriminant)), 0, 1);
        var x = bin.Left + (xi * bin.Width);
        var t = xi * (1 - xi);
        logDerivative = LogDerivative(bin, xi, t, slope, slope + (curvature * t));
        return x;
    }

    /// <summary>
    /// Back-propagates through y = f(x) and l = ln f′(x): given ∂L/∂y and ∂L/∂l, writes ∂L/∂raw into
    /// <paramref name="rawGradient"/> (overwriting it) and returns ∂L/∂x.
    /// </summary>
    public static double Backward(double x, ReadOnlySpan<float> raw, int bins, double bound, double outputGradient, double logDerivativeGradient, Span<double> rawGradient)
    {
        Span<double> shares = stackalloc double[SharesLength(bins)];
        if (x > -bound && x < bound)
        {
            Softmaxes(raw, bins, shares);
        }

        return Backward(x, raw, bins, bound, outputGradient, logDerivativeGradient, rawGradient, shares);
    }

    /// <summary><see cref="Backward(double, ReadOnlySpan{float}, int, double, double, double, Span{double})"/> with the
    /// softmaxes that the forward pass left in <paramref name="shares"/>.</summary>
    public static double Backward(double x, ReadOnlySpan<float> raw, int bins, double bound, double outputGradient, double logDerivativeGradient, Span<double> rawGradient, ReadOnlySpan<double> shares)
    {
        rawGradient[..ParameterCount(bins)].Clear();
        if (x <= -bound || x >= bound)
        {
            return outputGradient;
        }

        Span<double> knots = stackalloc double[KnotsLength(bins)];
        var layout = new Layout(knots, shares, bins, bound);
        var k = FindBin(layout.X, x);
        var bin = new Bin(layout, raw, k);
        double w = bin.Width, h = bin.Height, dl = bin.LeftDerivative, dr = bin.RightDerivative;
        var xi = (x - bin.Left) / w;
        var t = xi * (1 - xi);
        var oneMinusTwoXi = 1 - (2 * xi);
        var s = h / w;
        var curvature = dr + dl - (2 * s);
        var den = s + (curvature * t);
        var n1 = (s * xi * xi) + (dl * t);
        var num = h * n1;
        var m = (dr * xi * xi) + (2 * s * t) + (dl * (1 - xi) * (1 - xi));

        // Partial derivatives with ξ, s, h, δ_k, δ_{k+1} as independent variables.
        var dyDs = (h * xi * xi / den) - (num * (1 - (2 * t)) / (den * den));
        var dyDdl = (h * t / den) - (num * t / (den * den));
        var dyDdr = -num * t / (den * den);
        var dyDxi = (h * ((2 * s * xi) + (dl * oneMinusTwoXi)) / den) - (num * curvature * oneMinusTwoXi / (den * den));
        var dlDs = (2 / s) + (2 * t / m) - (2 * (1 - (2 * t)) / den);
        var dlDdl = ((1 - xi) * (1 - xi) / m) - (2 * t / den);
        var dlDdr = (xi * xi / m) - (2 * t / den);
        var dlDxi = (((2 * dr * xi) + (2 * s * oneMinusTwoXi) - (2 * dl * (1 - xi))) / m) - (2 * curvature * oneMinusTwoXi / den);

        var gXi = (outputGradient * dyDxi) + (logDerivativeGradient * dlDxi);
        var gS = (outputGradient * dyDs) + (logDerivativeGradient * dlDs);
        var gX = gXi / w;
        var gLeft = -gXi / w;
        var gWidth = (-gXi * xi / w) - (gS * s / w);
        var gBottom = outputGradient;
        var gHeight = (outputGradient * n1 / den) + (gS / w);
        var gDl = (outputGradient * dyDdl) + (logDerivativeGradient * dlDdl);
        var gDr = (outputGradient * dyDdr) + (logDerivativeGradient * dlDdr);

        // Knot positions x_j = −B + 2B Σ_{i<j} W_i and bin widths 2B W_k: chain back to the shares W, then the softmax.
        Span<double> shareGradient = stackalloc double[bins];
        shareGradient.Clear();
        for (var i = 0; i < k; i++)
        {
            shareGradient[i] += 2 * bound * gLeft;
        }

        shareGradient[k] += 2 * bound * gWidth;
        SoftmaxBackward(layout.WidthSoftmax, MinimumBinWidth, shareGradient, rawGradient[..bins]);
        shareGradient.Clear();
        for (var i = 0; i < k; i++)
        {
            shareGradient[i] += 2 * bound * gBottom;
        }

        shareGradient[k] += 2 * bound * gHeight;
        SoftmaxBackward(layout.HeightSoftmax, MinimumBinHeight, shareGradient, rawGradient.Slice(bins, bins));

        // Interior derivatives δ_j (j = 1 … K − 1) = δ_min + softplus(raw): ∂δ/∂raw = sigmoid(raw).
        var derivatives = rawGradient.Slice(2 * bins, bins - 1);
        if (k > 0)
        {
            derivatives[k - 1] = gDl * Sigmoid(raw[(2 * bins) + k - 1]);
        }

        if (k < bins - 1)
        {
            derivatives[k] = gDr * Sigmoid(raw[(2 * bins) + k]);
        }

        return gX;
    }

    private static int KnotsLength(int bins) => 2 * (bins + 1);

    /// <summary>The width and height softmaxes of a spline (2K numbers, and 2K of its exponentials).</summary>
    private static void Softmaxes(ReadOnlySpan<float> raw, int bins, Span<double> shares)
    {
        Softmax(raw[..bins], shares[..bins]);
        Softmax(raw.Slice(bins, bins), shares.Slice(bins, bins));
    }

    /// <summary>The knots of a spline: K + 1 x positions and K + 1 y positions in one buffer of
    /// <see cref="KnotsLength"/>, built from the width and height softmaxes (kept for the backward pass).</summary>
    private readonly ref struct Layout
    {
        public Layout(Span<double> buffer, ReadOnlySpan<double> shares, int bins, double bound)
        {
            X = buffer[..(bins + 1)];
            Y = buffer.Slice(bins + 1, bins + 1);
            WidthSoftmax = shares[..bins];
            HeightSoftmax = shares.Slice(bins, bins);
            Cumulate(WidthSoftmax, MinimumBinWidth, bound, X);
            Cumulate(HeightSoftmax, MinimumBinHeight, bound, Y);
        }

        public Span<double> X { get; }

        public Span<double> Y { get; }

        public ReadOnlySpan<double> WidthSoftmax { get; }

        public ReadOnlySpan<double> HeightSoftmax { get; }
    }

    /// <summary>Bin k: its corner, size and the knot derivatives at its ends (1 at −B and B; δ_min + softplus(raw)
    /// inside, computed for these two knots only).</summary>
    private readonly ref struct Bin
    {
        public Bin(Layout layout, ReadOnlySpan<float> raw, int k)
        {
            var bins = layout.WidthSoftmax.Length;
            Left = layout.X[k];
            Width = layout.X[k + 1] - layout.X[k];
            Bottom = layout.Y[k];
            Height = layout.Y[k + 1] - layout.Y[k];
            LeftDerivative = k > 0 ? MinimumDerivative + Softplus(raw[(2 * bins) + k - 1]) : 1;
            RightDerivative = k < bins - 1 ? MinimumDerivative + Softplus(raw[(2 * bins) + k]) : 1;
        }

        public double Left { get; }

        public double Width { get; }

        public double Bottom { get; }

        public double Height { get; }

        public double LeftDerivative { get; }

        public double RightDerivative { get; }
    }

    /// <summary>Knot positions −B, …, B from softmax shares mixed with the minimum share.</summary>
    private static void Cumulate(ReadOnlySpan<double> softmax, double minimum, double bound, Span<double> knots)
    {
        var bins = softmax.Length;
        var mix = 1 - (minimum * bins);
        knots[0] = -bound;
        var sum = 0.0;
        for (var j = 0; j < bins; j++)
        {
            sum += minimum + (mix * softmax[j]);
            knots[j + 1] = -bound + (2 * bound * sum);
        }

        knots[bins] = bound;
    }

    private static void Softmax(ReadOnlySpan<float> raw, Span<double> result)
    {
        var max = double.NegativeInfinity;
        foreach (var v in raw)
        {
            max = Math.Max(max, v);
        }

        for (var j = 0; j < raw.Length; j++)
        {
            result[j] = raw[j] - max;
        }

        TensorPrimitives.Exp(result, result);
        TensorPrimitives.Divide(result, TensorPrimitives.Sum(result), result);
    }

    /// <summary>From ∂L/∂W (W = w_min + (1 − K w_min) softmax(raw)) to ∂L/∂raw.</summary>
    private static void SoftmaxBackward(ReadOnlySpan<double> softmax, double minimum, ReadOnlySpan<double> shareGradient, Span<double> rawGradient)
    {
        var mix = 1 - (minimum * softmax.Length);
        var dot = 0.0;
        for (var j = 0; j < softmax.Length; j++)
        {
            dot += softmax[j] * shareGradient[j];
        }

        for (var j = 0; j < softmax.Length; j++)
        {
            rawGradient[j] = mix * softmax[j] * (shareGradient[j] - dot);
        }
    }

    private static int FindBin(ReadOnlySpan<double> knots, double value)
    {
        var bins = knots.Length - 1;
        for (var k = 0; k < bins - 1; k++)
        {
            if (value < knots[k + 1])
            {
                return k;
            }
        }

        return bins - 1;
    }

    private static double Softplus(double a) => a > 0 ? a + Math.Log(1 + Math.Exp(-a)) : Math.Log(1 + Math.Exp(a));

    private static double Sigmoid(double a) => 1 / (1 + Math.Exp(-a));
}
