using TwinLab.Core.Modelling;
using TwinLab.Core.Symbolic;

namespace TwinLab.Simulation.Tests;

/// <summary>Small models with known solutions.</summary>
internal static class TestModels
{
    public static Model Exponential(double a = 0.3, double v0 = 1)
    {
        var m = new ModelBuilder("exp-test");
        var rate = m.Parameter("a", a);
        var initial = m.Parameter("V0", v0);
        var v = m.State("V", initial, nonNegative: true);
        m.Rate(v, rate * v);
        return m.Build();
    }

    public static Model Logistic()
    {
        var m = new ModelBuilder("logistic-test");
        var a = m.Parameter("a", 0.8);
        var k = m.Parameter("K", 100);
        var v = m.State("V", 2);
        m.Rate(v, a * v * (1 - (v / k)));
        return m.Build();
    }

    public static Model Gompertz()
    {
        var m = new ModelBuilder("gompertz-test");
        var r = m.Parameter("r", 0.2);
        var k = m.Parameter("K", 2000);
        var v = m.State("V", 50);
        m.Rate(v, r * v * Sym.Log(k / v));
        return m.Build();
    }

    /// <summary>One-compartment oral PK in amounts: A_gut' = −ka A_gut, A_c' = ka A_gut − ke A_c; doses of F·D.</summary>
    public static Model OralPk(params double[] doseTimes)
    {
        var m = new ModelBuilder("oral-test");
        var ka = m.Parameter("ka", 1.2);
        var ke = m.Parameter("ke", 0.15);
        var f = m.Parameter("F", 0.7);
        var d = m.Parameter("D", 100);
        var gut = m.State("A_gut", 0, nonNegative: true);
        var central = m.State("A_c", 0, nonNegative: true);
        m.Rate(gut, -ka * gut);
        m.Rate(central, (ka * gut) - (ke * central));
        m.Bolus("oral", gut, f * d, DoseSchedule.At(doseTimes));
        return m.Build();
    }

    /// <summary>One compartment with an IV bolus at 0 and a zero-order infusion R over [start, start + duration).</summary>
    public static Model IvBolusAndInfusion(double start, double duration)
    {
        var m = new ModelBuilder("iv-test");
        var ke = m.Parameter("ke", 0.3);
        var r = m.Parameter("R", 20);
        var a = m.State("A", 0, nonNegative: true);
        m.Rate(a, -ke * a);
        m.Bolus("bolus", a, 50, DoseSchedule.At(0));
        m.Infusion("drip", a, r, duration, DoseSchedule.At(start));
        return m.Build();
    }

    public static Model Robertson()
    {
        var m = new ModelBuilder("robertson");
        var k1 = m.Parameter("k1", 0.04);
        var k2 = m.Parameter("k2", 3e7);
        var k3 = m.Parameter("k3", 1e4);
        var y1 = m.State("y1", 1, nonNegative: true);
        var y2 = m.State("y2", 0, nonNegative: true);
        var y3 = m.State("y3", 0, nonNegative: true);
        m.Rate(y1, (-k1 * y1) + (k3 * y2 * y3));
        m.Rate(y2, (k1 * y1) - (k3 * y2 * y3) - (k2 * y2 * y2));
        m.Rate(y3, k2 * y2 * y2);
        return m.Build();
    }

    /// <summary>x'' − μ(1 − x²)x' + x = 0 as a first-order system; for μ = 1000 the period is about (3 − 2 ln 2)μ.</summary>
    public static Model VanDerPol(double mu)
    {
        var m = new ModelBuilder("van-der-pol");
        var p = m.Parameter("mu", mu);
        var x = m.State("x", 2);
        var v = m.State("v", 0);
        m.Rate(x, v);
        m.Rate(v, (p * (1 - (x * x)) * v) - x);
        return m.Build();
    }

    public static Model BlowUp()
    {
        var m = new ModelBuilder("blow-up");
        var y = m.State("y", 1);
        m.Rate(y, y * y);
        return m.Build();
    }
}
