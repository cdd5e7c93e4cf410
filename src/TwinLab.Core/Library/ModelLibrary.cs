using TwinLab.Core.Distributions;
using TwinLab.Core.Modelling;
using TwinLab.Core.Symbolic;

namespace TwinLab.Core.Library;

/// <summary>The models that ship with TwinLab, each with equations, parameter values, units, plausible bounds,
/// priors, a description and references. Equations and sources are listed in docs/methods/model-library.md.</summary>
public static class ModelLibrary
{
    private static readonly Lazy<IReadOnlyList<Model>> Models = new(() =>
        [.. new[] { Exponential(), Logistic(), Gompertz(), Kuznetsov(), OneCompartmentOral() }.OrderBy(m => m.Name, StringComparer.Ordinal)]);

    /// <summary>Every built-in model, ordered by name.</summary>
    public static IReadOnlyList<Model> All => Models.Value;

    /// <summary>The names of the built-in models, ordered.</summary>
    public static IEnumerable<string> Names => All.Select(m => m.Name);

    /// <summary>Returns the built-in model with the given name.</summary>
    /// <param name="name">The model's name, as listed by <c>twinlab models</c>.</param>
    /// <exception cref="KeyNotFoundException">No built-in model has that name; the message lists them.</exception>
    public static Model Get(string name) =>
        All.FirstOrDefault(m => m.Name == name)
        ?? throw new KeyNotFoundException($"No built-in model is named '{name}'. Available models: {string.Join(", ", Names)}.");

    private static readonly Reference Benzekry2014 = new(
        "Benzekry S, Lamont C, Beheshti A, et al. Classical mathematical models for description and prediction of experimental tumor growth. PLoS Comput Biol 10(8):e1003800, 2014",
        "10.1371/journal.pcbi.1003800");

    /// <summary>Tumour volume growing at a constant relative rate.</summary>
    public static Model Exponential()
    {
        var m = new ModelBuilder("exponential", "1.0")
        {
            Description = "Exponential tumour growth, dV/dt = a V: the simplest growth law, adequate for early, unconstrained growth.",
        };
        m.Cite(Benzekry2014.Citation, Benzekry2014.Doi);
        var v0 = m.Parameter("V0", 1, "mm3", Prior.LogNormal(1, 0.5), (1e-3, 1e3), "initial tumour volume");
        var a = m.Parameter("a", 0.3, "1/d", Prior.LogNormal(0.3, 0.5), (1e-3, 5), "relative growth rate", Benzekry2014);
        var v = m.State("V", v0, "mm3", "tumour volume", nonNegative: true);
        m.Rate(v, a * v);
        return m.Build();
    }

    /// <summary>Tumour volume growing logistically to a carrying capacity.</summary>
    public static Model Logistic()
    {
        var m = new ModelBuilder("logistic", "1.0")
        {
            Description = "Logistic tumour growth, dV/dt = a V (1 - V/K): exponential at first, saturating at the carrying capacity K.",
        };
        m.Cite(Benzekry2014.Citation, Benzekry2014.Doi);
        var v0 = m.Parameter("V0", 1, "mm3", Prior.LogNormal(1, 0.5), (1e-3, 1e3), "initial tumour volume");
        var a = m.Parameter("a", 0.4, "1/d", Prior.LogNormal(0.4, 0.5), (1e-3, 5), "intrinsic growth rate", Benzekry2014);
        var k = m.Parameter("K", 3000, "mm3", Prior.LogNormal(3000, 0.5), (10, 1e6), "carrying capacity", Benzekry2014);
        var v = m.State("V", v0, "mm3", "tumour volume", nonNegative: true);
        m.Rate(v, a * v * (1 - (v / k)));
        return m.Build();
    }

    /// <summary>Gompertz tumour growth.</summary>
    public static Model Gompertz()
    {
        var m = new ModelBuilder("gompertz", "1.0")
        {
            Description = "Gompertz tumour growth, dV/dt = r V log(K/V): growth whose relative rate decays as the tumour approaches the plateau K.",
        };
        m.Cite(Benzekry2014.Citation, Benzekry2014.Doi);
        var r = m.Parameter("r", 0.1, "1/d", Prior.LogNormal(0.1, 0.3), (1e-3, 2), "growth-rate constant", Benzekry2014);
        var k = m.Parameter("K", 2000, "mm3", Prior.LogNormal(2000, 0.5), (100, 1e5), "plateau volume", Benzekry2014);
        var v = m.State("V", 50, "mm3", "tumour volume", nonNegative: true);
        m.Rate(v, r * v * Sym.Log(k / v));
        return m.Build();
    }

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
        m.Cite(source.Citation, source.Doi);
        var s = m.Parameter("s", 1.3e4, "cells/d", Prior.LogNormal(1.3e4, 0.3), (1e2, 1e6), "normal (non-tumour-driven) influx of effector cells", source);
        var p = m.Parameter("p", 0.1245, "1/d", Prior.LogNormal(0.1245, 0.3), (1e-3, 2), "maximal tumour-driven effector proliferation rate", source);
        var g = m.Parameter("g", 2.019e7, "cells", Prior.LogNormal(2.019e7, 0.3), (1e5, 1e9), "tumour size giving half-maximal effector proliferation", source);
        var mu = m.Parameter("m", 3.422e-10, "1/(cell d)", Prior.LogNormal(3.422e-10, 0.3), (1e-12, 1e-8), "effector inactivation by tumour cells", source);
        var d = m.Parameter("d", 0.0412, "1/d", Prior.LogNormal(0.0412, 0.3), (1e-3, 1), "effector death rate", source);
        var a = m.Parameter("a", 0.18, "1/d", Prior.LogNormal(0.18, 0.3), (1e-3, 2), "maximal tumour growth rate", source);
        var b = m.Parameter("b", 2.0e-9, "1/cell", Prior.LogNormal(2.0e-9, 0.3), (1e-11, 1e-7), "inverse tumour carrying capacity", source);
        var n = m.Parameter("n", 1.101e-7, "1/(cell d)", Prior.LogNormal(1.101e-7, 0.3), (1e-9, 1e-5), "tumour-cell kill rate by effectors", source);
        var e0 = m.Parameter("E0", 3.2e5, "cells", Prior.LogNormal(3.2e5, 0.5), (1e3, 1e8), "initial effector cells");
        var t0 = m.Parameter("T0", 1e6, "cells", Prior.LogNormal(1e6, 0.5), (1e2, 1e9), "initial tumour cells");
        var e = m.State("E", e0, "cells", "effector (cytotoxic) immune cells", nonNegative: true);
        var t = m.State("T", t0, "cells", "tumour cells", nonNegative: true);
        m.Rate(e, s + (p * e * t / (g + t)) - (mu * e * t) - (d * e));
        m.Rate(t, (a * t * (1 - (b * t))) - (n * e * t));
        return m.Build();
    }

    /// <summary>One-compartment pharmacokinetics with first-order oral absorption and repeated doses.</summary>
    public static Model OneCompartmentOral()
    {
        var source = new Reference(
            "Gabrielsson J, Weiner D. Pharmacokinetic and Pharmacodynamic Data Analysis: Concepts and Applications, 5th ed. Swedish Pharmaceutical Press, 2016");
        var m = new ModelBuilder("pk-oral-1cmt", "1.0")
        {
            Description = "One-compartment pharmacokinetics with first-order absorption from the gut and first-order "
                + "elimination; a 100 mg oral dose every 12 h, six doses, with bioavailability F. Typical small-molecule values.",
        };
        m.Cite(source.Citation);
        var ka = m.Parameter("ka", 1.0, "1/h", Prior.LogNormal(1.0, 0.4), (0.05, 10), "absorption rate constant", source);
        var cl = m.Parameter("CL", 5, "L/h", Prior.LogNormal(5, 0.3), (0.1, 100), "clearance", source);
        var vc = m.Parameter("V", 50, "L", Prior.LogNormal(50, 0.3), (1, 1000), "volume of distribution", source);
        var f = m.Parameter("F", 0.8, "1", Prior.Uniform(0, 1), (0, 1), "oral bioavailability", source);
        var dose = m.Parameter("dose", 100, "mg", bounds: (0, 1e4), description: "amount per oral dose");
        var gut = m.State("A_gut", 0, "mg", "amount in the absorption compartment", nonNegative: true);
        var central = m.State("A_c", 0, "mg", "amount in the central compartment", nonNegative: true);
        m.Rate(gut, -ka * gut);
        m.Rate(central, (ka * gut) - (cl / vc * central));
        m.Observable("C", central / vc, "mg/L", "plasma concentration");
        m.Bolus("oral_dose", gut, f * dose, DoseSchedule.Every(12, 6));
        return m.Build();
    }
}
