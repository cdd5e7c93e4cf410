using TwinLab.Core.Randomness;

namespace TwinLab.Core.Distributions;

/// <summary>
/// Marsaglia and Tsang's (2000) squeeze-rejection sampler for Gamma(shape, 1), shape ≥ 1, with the
/// boost X·U^(1/shape), X ~ Gamma(shape + 1), for shape &lt; 1.
/// </summary>
internal readonly struct GammaSampler
{
    private readonly double _shape;
    private readonly double _d;
    private readonly double _c;

    internal GammaSampler(double shape)
    {
        _shape = shape;
        _d = (shape < 1.0 ? shape + 1.0 : shape) - (1.0 / 3.0);
        _c = 1.0 / Math.Sqrt(9.0 * _d);
    }

    /// <summary>A Gamma(shape, 1) draw.</summary>
    internal double Sample(ref RandomStream stream)
    {
        double draw = MarsagliaTsang(ref stream);
        return _shape < 1.0 ? draw * Math.Exp(Math.Log(stream.NextDouble()) / _shape) : draw;
    }

    /// <summary>The logarithm of a Gamma(shape, 1) draw, finite even when the draw itself underflows (small shapes).</summary>
    internal double SampleLog(ref RandomStream stream)
    {
        double logDraw = Math.Log(MarsagliaTsang(ref stream));
        return _shape < 1.0 ? logDraw + (Math.Log(stream.NextDouble()) / _shape) : logDraw;
    }

    private double MarsagliaTsang(ref RandomStream stream)
    {
        while (true)
        {
            double x = stream.NextNormal();
            double v = 1.0 + (_c * x);
            if (v <= 0.0)
            {
                continue;
            }

            v = v * v * v;
            double u = stream.NextDouble();
            double x2 = x * x;
            if (u < 1.0 - (0.0331 * x2 * x2))
            {
                return _d * v;
            }

            if (Math.Log(u) < (0.5 * x2) + (_d * (1.0 - v + Math.Log(v))))
            {
                return _d * v;
            }
        }
    }
}
