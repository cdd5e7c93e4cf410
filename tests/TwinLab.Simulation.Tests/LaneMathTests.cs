using System.Runtime.Intrinsics;
using TwinLab.Simulation.Ensembles;

namespace TwinLab.Simulation.Tests;

public class LaneMathTests
{
    private static long UlpDistance(double a, double b)
    {
        if (a == b)
        {
            return 0;
        }
        var ia = BitConverter.DoubleToInt64Bits(a);
        var ib = BitConverter.DoubleToInt64Bits(b);
        return Math.Abs(ia - ib);
    }

    private static double[] Points(double low, double high, int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => low + ((high - low) * random.NextDouble()))];
    }

    private static double[] Apply512(double[] x, Func<Lanes512<double>, Lanes512<double>> f)
    {
        var result = new double[x.Length];
        for (var i = 0; i + 8 <= x.Length; i += 8)
        {
            f(new Lanes512<double>(Vector512.Create(x.AsSpan(i, 8)))).Value.CopyTo(result.AsSpan(i, 8));
        }
        return result;
    }

    /// <summary>Against the runtime's (correctly rounded to within 1 ulp) scalar functions: at most 2 ulp apart, and
    /// bitwise equal between AVX-512, AVX2 and one-lane evaluation.</summary>
    [Fact]
    public void Exp_and_log_are_accurate_and_identical_on_every_lane_width()
    {
        var expPoints = Points(-745, 709, 8000, 1).Concat(Points(-1, 1, 8000, 2)).ToArray();
        var logPoints = Points(1e-300, 1e300, 4000, 3).Concat(Points(0.5, 2, 4000, 4)).Concat(Points(1e-320, 1e-305, 8000, 5)).Concat(Points(1, 1e6, 8000, 6)).ToArray();
        var exp512 = Apply512(expPoints, Lanes512<double>.Exp);
        var log512 = Apply512(logPoints, Lanes512<double>.Log);
        for (var i = 0; i < expPoints.Length; i++)
        {
            Assert.True(UlpDistance(Math.Exp(expPoints[i]), exp512[i]) <= 2, $"exp({expPoints[i]:R}): {exp512[i]:R} vs {Math.Exp(expPoints[i]):R}");
            Assert.Equal(exp512[i], Lanes1<double>.Exp(new Lanes1<double>(expPoints[i])).Value);
            Assert.Equal(exp512[i], Lanes256<double>.Exp(new Lanes256<double>(Vector256.Create(expPoints[i]))).Value.GetElement(0));
        }
        for (var i = 0; i < logPoints.Length; i++)
        {
            Assert.True(UlpDistance(Math.Log(logPoints[i]), log512[i]) <= 2, $"log({logPoints[i]:R}): {log512[i]:R} vs {Math.Log(logPoints[i]):R}");
            Assert.Equal(log512[i], Lanes1<double>.Log(new Lanes1<double>(logPoints[i])).Value);
        }
    }

    [Theory]
    [InlineData(double.NaN, double.NaN, double.NaN)]
    [InlineData(double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity, 0, double.NaN)]
    [InlineData(0, 1, double.NegativeInfinity)]
    [InlineData(-1, 0.36787944117144233, double.NaN)]
    [InlineData(800, double.PositiveInfinity, 6.684611727667927)]
    [InlineData(-800, 0, double.NaN)]
    public void Special_values_follow_IEEE_conventions(double x, double exp, double log)
    {
        Assert.Equal(exp, Lanes512<double>.Exp(new Lanes512<double>(Vector512.Create(x))).Value.GetElement(0));
        Assert.Equal(log, Lanes512<double>.Log(new Lanes512<double>(Vector512.Create(x))).Value.GetElement(0));
        Assert.Equal(exp, Lanes1<double>.Exp(new Lanes1<double>(x)).Value);
        Assert.Equal(log, Lanes1<double>.Log(new Lanes1<double>(x)).Value);
    }

    [Fact]
    public void Single_precision_exp_and_log_are_accurate()
    {
        foreach (var x in Points(-80, 80, 2000, 7))
        {
            var e = Lanes512<float>.Exp(new Lanes512<float>(Vector512.Create((float)x))).Value.GetElement(0);
            Assert.Equal(MathF.Exp((float)x), e, MathF.Exp((float)x) * 4e-7f);
        }
        foreach (var x in Points(1e-30, 1e30, 2000, 8))
        {
            var l = Lanes512<float>.Log(new Lanes512<float>(Vector512.Create((float)x))).Value.GetElement(0);
            Assert.Equal(MathF.Log((float)x), l, Math.Abs(MathF.Log((float)x)) * 4e-7f + 1e-7f);
        }
    }

    /// <summary>The step-size controller's powers against the runtime's log₂ and 2ˣ: the fitted polynomials are within
    /// 1.90·10⁻⁴ absolute for log₂ and 1.89·10⁻⁴ relative for 2ˣ (their largest residuals, computed with NumPy when they
    /// were fitted); 2·10⁻⁴ leaves room for the rounding of a few operations (10⁻¹⁵). The same bits on every lane
    /// width.</summary>
    [Fact]
    public void Controller_powers_are_accurate_to_the_fitted_bounds()
    {
        var logPoints = Points(-700, 700, 4000, 5).Select(e => Math.Pow(2, e)).Concat(Points(0.5, 2, 4000, 6)).ToArray();
        var log512 = Apply512(logPoints, LaneMath.Log2Coarse<Lanes512<double>, double>);
        for (var i = 0; i < logPoints.Length; i++)
        {
            Assert.True(Math.Abs(log512[i] - Math.Log2(logPoints[i])) <= 2e-4, $"log2({logPoints[i]:R}) = {log512[i]:R}");
            var one = LaneMath.Log2Coarse<Lanes1<double>, double>(new Lanes1<double>(logPoints[i])).Value;
            Assert.Equal(BitConverter.DoubleToInt64Bits(log512[i]), BitConverter.DoubleToInt64Bits(one));
        }
        var expPoints = Points(-60, 60, 8000, 7).Concat([-0.5, 0.5, 0, 59.5, -59.5]).ToArray();
        var exp512 = Apply512([.. expPoints, 0, 0, 0], LaneMath.Exp2Coarse<Lanes512<double>, double>);
        for (var i = 0; i < expPoints.Length; i++)
        {
            Assert.True(Math.Abs((exp512[i] / Math.Pow(2, expPoints[i])) - 1) <= 2e-4, $"2^{expPoints[i]:R} = {exp512[i]:R}");
            var one = LaneMath.Exp2Coarse<Lanes1<double>, double>(new Lanes1<double>(expPoints[i])).Value;
            Assert.Equal(BitConverter.DoubleToInt64Bits(exp512[i]), BitConverter.DoubleToInt64Bits(one));
        }
        // Zero (an error estimate that vanishes) and subnormal numbers count as the smallest normal number, 2^−1022, on
        // every lane width: the controller then grows the step by its maximum.
        double[] tiny = [0, 1e-320, 2.2250738585072014e-308, 0, 1e-310, 0, 0, 0];
        var tiny512 = Apply512(tiny, LaneMath.Log2Coarse<Lanes512<double>, double>);
        for (var i = 0; i < tiny.Length; i++)
        {
            Assert.Equal(-1022, tiny512[i]);
            Assert.Equal(-1022, LaneMath.Log2Coarse<Lanes1<double>, double>(new Lanes1<double>(tiny[i])).Value);
        }
        Assert.Equal(-126, LaneMath.Log2Coarse<Lanes1<float>, float>(new Lanes1<float>(0)).Value);
        Assert.Equal(-126, LaneMath.Log2Coarse<Lanes512<float>, float>(new Lanes512<float>(Vector512<float>.Zero)).Value.GetElement(3));
    }
}
