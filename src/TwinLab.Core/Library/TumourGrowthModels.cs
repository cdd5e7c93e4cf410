using TwinLab.Core.Modelling;
using TwinLab.Core.Symbolic;
using static TwinLab.Core.Library.LibraryReferences;

namespace TwinLab.Core.Library;

/// <summary>Untreated tumour growth laws, as compared by Benzekry et al. (2014): volume in mm³, time in days.
/// Equations and parameter tables are in docs/methods/model-library.md.</summary>
public static class TumourGrowthModels
{
    /// <summary>The exponent ψ that makes the switch from exponential to linear growth nearly sharp (Simeoni et al. 2004).</summary>
    internal const double SwitchSharpness = 20;

    private static Symbol InitialVolume(ModelBuilder m, double value = 1) =>
        m.Positive("V0", value, "mm3", "initial tumour volume (1 mm3 is about 10^6 cells); typical value",
            sigma: LibraryParameters.Typical, bounds: (1e-3, 1e3));

    /// <summary>Tumour volume growing at a constant relative rate: dV/dt = a V.</summary>
    public static Model Exponential()
    {
        var m = new ModelBuilder("exponential", "1.0")
        {
            Description = "Exponential tumour growth, dV/dt = a V: the simplest growth law, adequate for early, unconstrained growth.",
        };
        m.Cite(Benzekry2014);
        var v0 = InitialVolume(m);
        var a = m.Positive("a", 0.3, "1/d", "relative growth rate (doubling time ln 2 / a); typical value for subcutaneous xenografts",
            sigma: LibraryParameters.Typical, bounds: (1e-3, 5));
        var v = m.State("V", v0, "mm3", "tumour volume", nonNegative: true);
        m.Rate(v, a * v);
        return m.Build();
    }

    /// <summary>Tumour volume growing logistically to a carrying capacity: dV/dt = a V (1 − V/K).</summary>
    public static Model Logistic()
    {
        var m = new ModelBuilder("logistic", "1.0")
        {
            Description = "Logistic tumour growth, dV/dt = a V (1 - V/K): exponential at first, saturating at the carrying capacity K.",
        };
        m.Cite(Benzekry2014);
        var v0 = InitialVolume(m);
        var a = m.Positive("a", 0.4, "1/d", "intrinsic growth rate; typical value", sigma: LibraryParameters.Typical, bounds: (1e-3, 5));
        var k = m.Positive("K", 3000, "mm3", "carrying capacity; typical value", sigma: LibraryParameters.Typical, bounds: (10, 1e6));
        var v = m.State("V", v0, "mm3", "tumour volume", nonNegative: true);
        m.Rate(v, a * v * (1 - (v / k)));
        return m.Build();
    }

    /// <summary>Gompertz tumour growth: dV/dt = r V ln(K/V).</summary>
    public static Model Gompertz()
    {
        var m = new ModelBuilder("gompertz", "1.0")
        {
            Description = "Gompertz tumour growth, dV/dt = r V log(K/V): growth whose relative rate decays as the tumour approaches the plateau K.",
        };
        m.Cite(Benzekry2014);
        var v0 = InitialVolume(m, 50);
        var r = m.Positive("r", 0.1, "1/d", "growth-rate constant (rate of decay of the relative growth rate); typical value",
            sigma: LibraryParameters.Typical, bounds: (1e-3, 2));
        var k = m.Positive("K", 2000, "mm3", "plateau volume; typical value", sigma: LibraryParameters.Typical, bounds: (100, 1e5));
        var v = m.State("V", v0, "mm3", "tumour volume", nonNegative: true);
        m.Rate(v, r * v * Sym.Log(k / v));
        return m.Build();
    }

    /// <summary>Von Bertalanffy growth: dV/dt = a V^(2/3) − b V (growth through the surface, loss in the volume).</summary>
    public static Model VonBertalanffy()
    {
        var von = new Reference(
            "von Bertalanffy L. Quantitative laws in metabolism and growth. Q Rev Biol 32(3):217-231, 1957", "10.1086/401873");
        var m = new ModelBuilder("von-bertalanffy", "1.0")
        {
            Description = "Von Bertalanffy tumour growth, dV/dt = a V^(2/3) - b V: proliferation proportional to the surface "
                + "(nutrients enter through it), loss proportional to the volume; the volume tends to (a/b)^3.",
        };
        m.Cite(Benzekry2014);
        m.Cite(von);
        var v0 = InitialVolume(m);
        var a = m.Positive("a", 2, "mm/d", "growth coefficient per unit of surface (V^(2/3), in mm2); typical value",
            sigma: LibraryParameters.Typical, bounds: (0.01, 50));
        var b = m.Positive("b", 0.15, "1/d", "loss (death) rate per unit of volume; typical value, giving a plateau (a/b)^3 near 2400 mm3",
            sigma: LibraryParameters.Typical, bounds: (1e-3, 5));
        var v = m.State("V", v0, "mm3", "tumour volume", nonNegative: true);
        m.Rate(v, (a * Sym.Pow(v, Sym.Constant(2) / 3)) - (b * v));
        return m.Build();
    }

    /// <summary>Exponential–linear growth: exponential at rate a0 while small, then linear at a1 (smooth switch, ψ = 20).</summary>
    public static Model ExponentialLinear()
    {
        var wheldon = new Reference("Wheldon TE. Mathematical Models in Cancer Research. Adam Hilger, Bristol, 1988");
        var m = new ModelBuilder("exponential-linear", "1.0")
        {
            Description = "Exponential-linear tumour growth, dV/dt = a0 V / (1 + (a0 V / a1)^psi)^(1/psi) with psi = 20: "
                + "exponential at rate a0 while the tumour is small, then linear at a1 once it outgrows its supply "
                + "(the smooth switch of Simeoni et al. 2004; the piecewise form of Wheldon 1988 as psi grows).",
        };
        m.Cite(Benzekry2014);
        m.Cite(Simeoni2004);
        m.Cite(wheldon);
        var v0 = InitialVolume(m);
        var a0 = m.Positive("a_0", 0.3, "1/d", "relative growth rate of the exponential phase; typical value",
            sigma: LibraryParameters.Typical, bounds: (1e-3, 5));
        var a1 = m.Positive("a_1", 100, "mm3/d", "growth rate of the linear phase; typical value",
            sigma: LibraryParameters.Typical, bounds: (0.1, 1e4));
        var v = m.State("V", v0, "mm3", "tumour volume", nonNegative: true);
        m.Rate(v, SmoothExponentialLinear(a0, a1, v, v));
        return m.Build();
    }

    /// <summary>λ0 x / (1 + (λ0 w / λ1)^ψ)^(1/ψ): growth of <paramref name="proliferating"/> at rate λ0 while the total
    /// <paramref name="total"/> is below λ1/λ0, and at the constant rate λ1 (scaled by x/w) beyond it.</summary>
    internal static Expr SmoothExponentialLinear(Expr exponentialRate, Expr linearRate, Expr proliferating, Expr total)
    {
        var psi = Sym.Constant(SwitchSharpness);
        return exponentialRate * proliferating
            / Sym.Pow(1 + Sym.Pow(exponentialRate * total / linearRate, psi), 1 / psi);
    }
}
