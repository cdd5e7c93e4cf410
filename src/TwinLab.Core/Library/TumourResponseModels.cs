using TwinLab.Core.Modelling;
using TwinLab.Core.Symbolic;

namespace TwinLab.Core.Library;

/// <summary>Tumour growth under treatment: the Norton–Simon hypothesis, the Simeoni et al. (2004) tumour growth
/// inhibition model and the Claret et al. (2009) clinical tumour-size model. Equations and parameter tables are in
/// docs/methods/model-library.md.</summary>
public static class TumourResponseModels
{
    /// <summary>Gompertzian growth with a chemotherapy kill proportional to the unperturbed growth rate (Norton–Simon).</summary>
    public static Model NortonSimon()
    {
        var norton1977 = new Reference(
            "Norton L, Simon R. Tumor size, sensitivity to therapy, and design of treatment schedules. Cancer Treat Rep 61(7):1307-1317, 1977");
        var norton1986 = new Reference(
            "Norton L, Simon R. The Norton-Simon hypothesis revisited. Cancer Treat Rep 70(1):163-169, 1986");
        var m = new ModelBuilder("norton-simon", "1.0")
        {
            Description = "Norton-Simon chemotherapy model: Gompertzian tumour growth, r V log(K/V), multiplied by "
                + "(1 - eps C), so that the drug-induced regression rate is proportional to the growth rate of an "
                + "untreated tumour of the same size (small tumours, growing fast, regress fast). The drug "
                + "concentration C is eliminated first-order and given as weekly boluses; all values are typical.",
        };
        m.Cite(norton1977);
        m.Cite(norton1986);
        var v0 = m.Positive("V0", 50, "mm3", "initial tumour volume; typical value", sigma: LibraryParameters.Typical, bounds: (0.1, 1e4));
        var r = m.Positive("r", 0.1, "1/d", "Gompertz growth-rate constant; typical value", sigma: LibraryParameters.Typical, bounds: (1e-3, 2));
        var k = m.Positive("K", 2000, "mm3", "plateau volume; typical value", sigma: LibraryParameters.Typical, bounds: (100, 1e5));
        var eps = m.Positive("eps", 0.3, "L/mg", "drug sensitivity: the growth rate is reversed where eps C > 1; typical value",
            sigma: LibraryParameters.Typical, bounds: (1e-3, 10));
        var kel = m.Positive("k_el", 1, "1/d", "drug elimination rate constant; typical value", sigma: LibraryParameters.Typical, bounds: (0.01, 20));
        var dose = m.Design("C_dose", 10, "mg/L", (0, 100), "concentration added by each dose");
        var v = m.State("V", v0, "mm3", "tumour volume", nonNegative: true);
        var c = m.State("C", 0, "mg/L", "drug concentration", nonNegative: true);
        m.Rate(v, (1 - (eps * c)) * r * v * Sym.Log(k / v));
        m.Rate(c, -kel * c);
        m.Bolus("chemotherapy", c, dose, DoseSchedule.Every(7, 6));
        return m.Build();
    }

    /// <summary>Simeoni et al. (2004) tumour growth inhibition model driven by one-compartment IV pharmacokinetics.</summary>
    public static Model Simeoni2004()
    {
        var m = new ModelBuilder("simeoni-2004", "1.0")
        {
            Description = "Simeoni tumour growth inhibition model for xenografts: proliferating cells x1 grow exponentially "
                + "(lambda_0) then linearly (lambda_1) with a smooth switch (psi = 20); the drug concentration c damages "
                + "them at rate k_2 c x1, and damaged cells pass through three transit compartments (x2, x3, x4, rate k_1) "
                + "before dying. The tumour weight is w = x1 + x2 + x3 + x4. Growth and drug-effect parameters are the "
                + "published paclitaxel (A2780) estimates; the one-compartment IV pharmacokinetics and the dose schedule "
                + "are typical values.",
        };
        m.Cite(LibraryReferences.Simeoni2004);
        var w0 = m.Positive("w0", 0.05, "g", "tumour weight at inoculation; typical value", sigma: LibraryParameters.Typical, bounds: (1e-3, 1));
        var lambda0 = m.Positive("lambda_0", 0.273, "1/d", "rate of the exponential growth phase (paclitaxel, A2780)", LibraryReferences.Simeoni2004);
        var lambda1 = m.Positive("lambda_1", 0.814, "g/d", "rate of the linear growth phase (paclitaxel, A2780)", LibraryReferences.Simeoni2004);
        var k1 = m.Positive("k_1", 0.968, "1/d", "transit rate through the damaged-cell compartments (paclitaxel)", LibraryReferences.Simeoni2004);
        var k2 = m.Positive("k_2", 0.629, "L/(mg d)",
            "potency: kill rate per unit concentration (paclitaxel; 6.29e-4 mL/(ng d) in the paper's units)", LibraryReferences.Simeoni2004);
        var vd = m.Positive("V", 2, "L/kg", "volume of distribution; typical value", sigma: LibraryParameters.Typical, bounds: (0.1, 50));
        var kel = m.Positive("k_el", 6, "1/d", "elimination rate constant (half-life of about 2.8 h); typical value",
            sigma: LibraryParameters.Typical, bounds: (0.1, 100));
        var dose = m.Design("dose", 20, "mg/kg", (0, 200), "IV bolus dose");

        var x1 = m.State("x1", w0, "g", "proliferating tumour cells (as weight)", nonNegative: true);
        var x2 = m.State("x2", 0, "g", "damaged cells, first transit compartment", nonNegative: true);
        var x3 = m.State("x3", 0, "g", "damaged cells, second transit compartment", nonNegative: true);
        var x4 = m.State("x4", 0, "g", "damaged cells, third transit compartment", nonNegative: true);
        var amount = m.State("A", 0, "mg/kg", "amount of drug in the central compartment, per body weight", nonNegative: true);

        var w = m.Observable("w", x1 + x2 + x3 + x4, "g", "total tumour weight");
        var c = m.Observable("c", amount / vd, "mg/L", "plasma concentration");
        m.Rate(x1, TumourGrowthModels.SmoothExponentialLinear(lambda0, lambda1, x1, w) - (k2 * c * x1));
        m.Rate(x2, (k2 * c * x1) - (k1 * x2));
        m.Rate(x3, k1 * (x2 - x3));
        m.Rate(x4, k1 * (x3 - x4));
        m.Rate(amount, -kel * amount);
        m.Bolus("iv_dose", amount, dose, DoseSchedule.Every(4, 3, start: 9));
        return m.Build();
    }

    /// <summary>Claret et al. (2009) tumour-size model: exponential growth and a drug effect that fades with
    /// emerging resistance.</summary>
    public static Model Claret2009()
    {
        var claret = new Reference(
            "Claret L, Girard P, Hoff PM, et al. Model-based prediction of phase III overall survival in colorectal cancer on the basis of phase II tumor dynamics. J Clin Oncol 27(25):4103-4108, 2009",
            "10.1200/JCO.2008.21.0807");
        var m = new ModelBuilder("claret-2009", "1.0")
        {
            Description = "Claret tumour-size model for clinical trials: the sum of longest diameters y grows at rate K_L and "
                + "shrinks at K_D(t) times the drug exposure, where K_D(t) = K_D0 exp(-lambda t) decays as resistance "
                + "emerges. Time in weeks from the start of treatment; the exposure is a constant relative dose "
                + "intensity (1 = the full dose). All values are typical.",
        };
        m.Cite(claret);
        var y0 = m.Positive("y0", 100, "mm", "baseline tumour size (sum of longest diameters); typical value",
            sigma: LibraryParameters.Typical, bounds: (10, 500));
        var kl = m.Positive("K_L", 0.02, "1/wk", "tumour growth rate constant; typical value", sigma: LibraryParameters.Typical, bounds: (1e-4, 1));
        var kd0 = m.Positive("K_D0", 0.06, "1/wk", "drug-induced shrinkage rate at the start of treatment, per unit exposure; typical value",
            sigma: LibraryParameters.Typical, bounds: (1e-4, 2));
        var lambda = m.Positive("lambda", 0.05, "1/wk", "rate at which the drug effect decays (resistance); typical value",
            sigma: LibraryParameters.Typical, bounds: (1e-4, 1));
        var exposure = m.Design("exposure", 1, "1", (0, 2), "drug exposure, as relative dose intensity (1 = the full dose, 0 = untreated)");
        var y = m.State("y", y0, "mm", "tumour size (sum of longest diameters)", nonNegative: true);
        var kd = m.Observable("K_D", kd0 * Sym.Exp(-lambda * Sym.Time), "1/wk", "drug-induced shrinkage rate per unit exposure at time t");
        m.Rate(y, (kl * y) - (kd * exposure * y));
        return m.Build();
    }
}
