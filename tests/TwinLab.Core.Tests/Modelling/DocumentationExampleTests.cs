using TwinLab.Core.Distributions;
using TwinLab.Core.Modelling;
using TwinLab.Core.Symbolic;

namespace TwinLab.Core.Tests.Modelling;

/// <summary>The worked example of docs/methods/modelling.md, run as written, with the output it shows (the README's
/// quick start is run by TwinLab.Simulation.Tests, since it also solves).</summary>
public class DocumentationExampleTests
{
    [Fact]
    public void Modelling_worked_example()
    {
        var m = new ModelBuilder("gompertz-kill", version: "1.0")
        {
            Description = "Gompertz tumour growth with first-order drug elimination and a log-kill effect.",
        };
        m.Cite("Norton L, Simon R. Tumor size, sensitivity to therapy, and design of treatment schedules. Cancer Treat Rep 61:1307-1317, 1977");
        var r = m.Parameter("r", 0.1, unit: "1/d", prior: Prior.LogNormal(median: 0.1, sigma: 0.3), bounds: (1e-3, 2),
                             description: "growth-rate constant");
        var K = m.Parameter("K", 2000, unit: "mm3", bounds: (100, 1e5), description: "plateau volume");
        var k = m.Parameter("k_el", 0.5, unit: "1/d", bounds: (0.01, 10), description: "drug elimination rate");
        var e = m.Parameter("E_max", 0.3, unit: "1/d", bounds: (0, 5), description: "maximal kill rate");
        var c50 = m.Parameter("EC50", 2, unit: "mg/L", bounds: (0.01, 100), description: "concentration at half the maximal kill");
        var V0 = m.Parameter("V0", 50, unit: "mm3", bounds: (1, 1000), description: "initial volume");
        var V = m.State("V", initial: V0, unit: "mm3", description: "tumour volume", nonNegative: true);
        var C = m.State("C", initial: 0, unit: "mg/L", description: "drug concentration", nonNegative: true);
        var kill = m.Observable("kill", Sym.MichaelisMenten(C, e, c50), unit: "1/d", description: "drug kill rate");
        m.Rate(V, r * V * Sym.Log(K / V) - kill * V);
        m.Rate(C, -k * C);
        m.Bolus("dose", C, 5, DoseSchedule.Every(7, 4));
        Model model = m.Build();

        Assert.Equal(
            "\\begin{aligned}\n"
            + "\\frac{dV}{dt} &= r \\, V \\, \\ln\\left(\\frac{K}{V}\\right) - \\mathrm{kill} \\, V \\\\\n"
            + "\\frac{dC}{dt} &= -k_{\\mathrm{el}} \\, C \\\\\n"
            + "\\mathrm{kill} &= \\frac{E_{\\mathrm{max}} \\, C}{\\mathrm{EC50} + C}\n"
            + "\\end{aligned}",
            model.ToLatex());
        Assert.Equal([0.0, 7, 14, 21], model.Treatments[0].Schedule.Times);
        Assert.Equal([50.0, 0], model.Compiled.Initial(model.NominalParameters()));
    }
}
