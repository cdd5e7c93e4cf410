using TwinLab.Core.Distributions;
using TwinLab.Core.Modelling;
using TwinLab.Core.Symbolic;

namespace TwinLab.Core.Library;

/// <summary>Tumour–immune interaction models: Kuznetsov et al. (1994) and the de Pillis et al. chemo-immunotherapy
/// model. Equations and parameter tables are in docs/methods/model-library.md.</summary>
public static class ImmunologyModels
{
    /// <summary>The tumour size below which the ratio L/T in the CD8⁺ T-cell kill term is computed with this value
    /// instead (a millionth of a cell): it keeps the term finite once the tumour is eradicated and changes nothing
    /// while at least one tumour cell remains.</summary>
    internal const double SmallestTumour = 1e-6;

    /// <summary>Kuznetsov et al. (1994) tumour–immune interaction, with the published BCL1 lymphoma parameters.</summary>
    public static Model Kuznetsov()
    {
        var source = new Reference(
            "Kuznetsov VA, Makalkin IA, Taylor MA, Perelson AS. Nonlinear dynamics of immunogenic tumors: parameter estimation and global bifurcation analysis. Bull Math Biol 56(2):295-321, 1994",
            "10.1007/BF02460644");
        var m = new ModelBuilder("kuznetsov", "1.0")
        {
            Description = "Kuznetsov tumour-immune model: effector cells E are recruited in proportion to tumour burden and "
                + "inactivated on killing; tumour cells T grow logistically and are killed by effectors. Parameters "
                + "fitted to BCL1 lymphoma in the spleen of chimeric mice; exhibits dormancy and sneaking-through.",
        };
        m.Cite(source);
        var s = m.Parameter("s", 1.3e4, "cells/d", Prior.LogNormal(1.3e4, 0.3), (1e2, 1e6), "normal (non-tumour-driven) influx of effector cells", source);
        var p = m.Parameter("p", 0.1245, "1/d", Prior.LogNormal(0.1245, 0.3), (1e-3, 2), "maximal tumour-driven effector proliferation rate", source);
        var g = m.Parameter("g", 2.019e7, "cells", Prior.LogNormal(2.019e7, 0.3), (1e5, 1e9), "tumour size giving half-maximal effector proliferation", source);
        var mu = m.Parameter("m", 3.422e-10, "1/(cell d)", Prior.LogNormal(3.422e-10, 0.3), (1e-12, 1e-8), "effector inactivation by tumour cells", source);
        var d = m.Parameter("d", 0.0412, "1/d", Prior.LogNormal(0.0412, 0.3), (1e-3, 1), "effector death rate", source);
        var a = m.Parameter("a", 0.18, "1/d", Prior.LogNormal(0.18, 0.3), (1e-3, 2), "maximal tumour growth rate", source);
        var b = m.Parameter("b", 2.0e-9, "1/cell", Prior.LogNormal(2.0e-9, 0.3), (1e-11, 1e-7), "inverse tumour carrying capacity", source);
        var n = m.Parameter("n", 1.101e-7, "1/(cell d)", Prior.LogNormal(1.101e-7, 0.3), (1e-9, 1e-5), "tumour-cell kill rate by effectors", source);
        var e0 = m.Parameter("E0", 3.2e5, "cells", Prior.LogNormal(3.2e5, 0.5), (1e3, 1e8), "initial effector cells (about s/d, the tumour-free equilibrium)");
        var t0 = m.Parameter("T0", 1e6, "cells", Prior.LogNormal(1e6, 0.5), (1e2, 1e9), "initial tumour cells; typical value");
        var e = m.State("E", e0, "cells", "effector (cytotoxic) immune cells", nonNegative: true);
        var t = m.State("T", t0, "cells", "tumour cells", nonNegative: true);
        m.Rate(e, s + (p * e * t / (g + t)) - (mu * e * t) - (d * e));
        m.Rate(t, (a * t * (1 - (b * t))) - (n * e * t));
        return m.Build();
    }

    /// <summary>The de Pillis et al. chemo-immunotherapy model: tumour, NK cells, CD8⁺ T cells, circulating
    /// lymphocytes, chemotherapy and IL-2, with the published human (patient 9) parameter set.</summary>
    public static Model DePillis2005()
    {
        var cancerRes = new Reference(
            "de Pillis LG, Radunskaya AE, Wiseman CL. A validated mathematical model of cell-mediated immune response to tumor growth. Cancer Res 65(17):7950-7958, 2005",
            "10.1158/0008-5472.CAN-05-0564");
        var jtb = new Reference(
            "de Pillis LG, Gu W, Radunskaya AE. Mixed immunotherapy and chemotherapy of tumors: modeling, applications and biological interpretations. J Theor Biol 238(4):841-862, 2006",
            "10.1016/j.jtbi.2005.06.037");
        var m = new ModelBuilder("de-pillis-2005", "1.0")
        {
            Description = "de Pillis chemo-immunotherapy model: tumour cells T grow logistically and are killed by NK cells N, "
                + "by CD8+ T cells L through the ratio-dependent term D = d (L/T)^l / (s + (L/T)^l), and by chemotherapy M "
                + "(fractional kill K(1 - exp(-M)) of every population); NK cells come from the circulating lymphocytes C, "
                + "CD8+ T cells are recruited by tumour killing and stimulated by IL-2 (I). Human parameter set (patient 9) "
                + "as tabulated by de Pillis, Gu and Radunskaya (2006). Chemotherapy is an illustrative 1-day infusion "
                + "every 7 days, six times; IL-2 has no default dose (add one as a treatment into I). With these values an "
                + "untreated tumour of 2e7 cells escapes to its carrying capacity, while the chemotherapy tips it into the "
                + "basin where the immune response eliminates it.",
        };
        m.Cite(cancerRes);
        m.Cite(jtb);

        Symbol Published(string name, double value, string unit, string description) =>
            m.Positive(name, value, unit, description, jtb);

        var a = Published("a", 4.31e-1, "1/d", "tumour growth rate");
        var b = Published("b", 1.02e-9, "1/cell", "inverse of the tumour carrying capacity");
        var c = Published("c", 6.41e-11, "1/(cell d)", "fractional tumour-cell kill by NK cells");
        var d = Published("d", 2.34, "1/d", "saturation level of the fractional tumour-cell kill by CD8+ T cells");
        var l = Published("l", 2.09, "1", "exponent of the fractional tumour-cell kill by CD8+ T cells");
        var s = Published("s", 8.39e-2, "1", "steepness coefficient of the CD8+ T-cell kill term D");
        var e = Published("e", 2.08e-7, "1/d", "fraction of circulating lymphocytes that become NK cells, per day");
        var f = Published("f", 4.12e-2, "1/d", "death rate of NK cells");
        var g = Published("g", 1.25e-2, "1/d", "maximal NK-cell recruitment rate by tumour cells");
        var h = Published("h", 2.02e7, "cells^2", "steepness coefficient of the NK-cell recruitment curve");
        var p = Published("p", 3.42e-6, "1/(cell d)", "NK-cell inactivation rate by tumour cells");
        var mL = Published("m", 2.04e-1, "1/d", "death rate of CD8+ T cells");
        var j = Published("j", 2.49e-2, "1/d", "maximal CD8+ T-cell recruitment rate");
        var k = Published("k", 3.66e7, "cells^2", "steepness coefficient of the CD8+ T-cell recruitment curve");
        var q = Published("q", 1.42e-6, "1/(cell d)", "CD8+ T-cell inactivation rate by tumour cells");
        var r1 = Published("r1", 1.10e-7, "1/(cell d)", "CD8+ T-cell production stimulated by tumour cells killed by NK cells");
        var r2 = Published("r2", 6.50e-11, "1/(cell d)", "CD8+ T-cell production stimulated by tumour cells meeting circulating lymphocytes");
        var u = Published("u", 3.00e-10, "1/(cell^2 d)", "regulation of CD8+ T cells by NK cells");
        var kT = Published("K_T", 9.00e-1, "1/d", "fractional tumour-cell kill by chemotherapy");
        var kN = Published("K_N", 6.00e-1, "1/d", "fractional NK-cell kill by chemotherapy");
        var kL = Published("K_L", 6.00e-1, "1/d", "fractional CD8+ T-cell kill by chemotherapy");
        var kC = Published("K_C", 6.00e-1, "1/d", "fractional circulating-lymphocyte kill by chemotherapy");
        var alpha = Published("alpha", 7.50e8, "cells/d", "constant source of circulating lymphocytes");
        var beta = Published("beta", 1.20e-2, "1/d", "natural death and differentiation of circulating lymphocytes");
        var gamma = Published("gamma", 9.00e-1, "1/d", "decay rate of the chemotherapy drug");
        var pI = Published("p_I", 1.25e-1, "1/d", "maximal CD8+ T-cell recruitment rate by IL-2");
        var gI = Published("g_I", 2.00e7, "IU/L", "IL-2 concentration giving half-maximal CD8+ T-cell recruitment");
        var muI = Published("mu_I", 1.00e1, "1/d", "decay rate of IL-2");
        var t0 = m.Positive("T0", 2e7, "cells", "initial tumour cells; typical value, just above the size the immune system clears unaided", sigma: LibraryParameters.Typical, bounds: (1e2, 1e11));
        var l0 = m.Positive("L0", 1e5, "cells", "initial CD8+ T cells; typical value", sigma: LibraryParameters.Typical, bounds: (1, 1e10));
        var vM = m.Design("v_M", 1, "mg/(L d)", (0, 10), "chemotherapy infusion rate (illustrative)");

        // NK cells and circulating lymphocytes start at their tumour-free equilibrium: C = alpha/beta, N = e C / f.
        var tumour = m.State("T", t0, "cells", "tumour cells", nonNegative: true);
        var nk = m.State("N", e * alpha / (beta * f), "cells", "natural killer (NK) cells", nonNegative: true);
        var cd8 = m.State("L", l0, "cells", "CD8+ T cells", nonNegative: true);
        var lymphocytes = m.State("C", alpha / beta, "cells", "circulating lymphocytes", nonNegative: true);
        var chemo = m.State("M", 0, "mg/L", "chemotherapy drug concentration", nonNegative: true);
        var il2 = m.State("I", 0, "IU/L", "IL-2 concentration", nonNegative: true);

        var ratio = Sym.Pow(Sym.Max(cd8, 0) / Sym.Max(tumour, SmallestTumour), l);
        var kill = m.Observable("D", d * ratio / (s + ratio), "1/d", "fractional tumour-cell kill by CD8+ T cells");
        var exposure = m.Observable("F_M", 1 - Sym.Exp(-chemo), "1", "fraction of the maximal chemotherapy kill, 1 - exp(-M)");
        var dt = kill * tumour;
        static Expr Square(Expr x) => Sym.Pow(x, 2);

        m.Rate(tumour, (a * tumour * (1 - (b * tumour))) - (c * nk * tumour) - dt - (kT * exposure * tumour));
        m.Rate(nk, (e * lymphocytes) - (f * nk) + (g * Square(tumour) / (h + Square(tumour)) * nk)
            - (p * nk * tumour) - (kN * exposure * nk));
        m.Rate(cd8, (-mL * cd8) + (j * Square(dt) / (k + Square(dt)) * cd8) - (q * cd8 * tumour)
            + (((r1 * nk) + (r2 * lymphocytes)) * tumour) - (u * nk * Square(cd8)) - (kL * exposure * cd8)
            + (pI * cd8 * il2 / (gI + il2)));
        m.Rate(lymphocytes, alpha - (beta * lymphocytes) - (kC * exposure * lymphocytes));
        m.Rate(chemo, -gamma * chemo);
        m.Rate(il2, -muI * il2);
        m.Infusion("chemotherapy", chemo, vM, 1, DoseSchedule.Every(7, 6));
        return m.Build();
    }
}
