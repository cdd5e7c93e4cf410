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
}
