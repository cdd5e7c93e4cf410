using TwinLab.Core.Distributions;
using TwinLab.Core.Modelling;
using TwinLab.Core.Symbolic;
using TwinLab.Simulation.Ensembles;

namespace TwinLab.Simulation.Tests;

/// <summary>The C# quick start of README.md, run as written.</summary>
public class ReadmeExampleTests
{
    [Fact]
    public void Readme_quick_start()
    {
        var m = new ModelBuilder("gompertz", version: "1.0") { Description = "Gompertz tumour growth." };
        var V = m.State("V", initial: 50, unit: "mm3", description: "tumour volume", nonNegative: true);
        var r = m.Parameter("r", 0.1, unit: "1/d", prior: Prior.LogNormal(median: 0.1, sigma: 0.3), bounds: (1e-3, 2));
        var K = m.Parameter("K", 2000, unit: "mm3", bounds: (100, 1e5));
        m.Rate(V, r * V * Sym.Log(K / V));
        Model model = m.Build();

        Assert.Contains(@"\frac{dV}{dt} &= r \, V \, \ln\left(\frac{K}{V}\right)", model.ToLatex(), StringComparison.Ordinal);
        Assert.Equal("r * log(K / V) - r * V * (K / V^2 / (K / V))", model.Jacobian[0].ToString());
        var rhs = new double[1];
        model.Compiled.RightHandSide(0, [100.0], model.NominalParameters(), rhs);
        Assert.Equal(0.1 * 100 * Math.Log(20), rhs[0], 12);

        var problem = new OdeProblem(model, (0, 100), saveAt: Enumerable.Range(0, 101).Select(i => (double)i));
        Solution solution = problem.Solve(new Tsit5 { RelTol = 1e-8 });
        EnsembleSolution cohort = problem.Ensemble(PatientTable.LogNormal(model, 100_000, cv: 0.3, seed: 1))
            .Solve(new Tsit5(), new EnsembleOptions { StoreTrajectories = false, Reducers = [EnsembleReducer.Quantiles("V")] });
        double[][] fan = cohort.Quantiles("V", 0.05, 0.5, 0.95);

        // Gompertz in closed form: V(t) = K exp(log(V0/K) e^(−rt)).
        Assert.Equal(2000 * Math.Exp(Math.Log(50.0 / 2000) * Math.Exp(-0.1 * 100)), solution.State("V")[100], 1e-5);
        Assert.Equal(0, cohort.Failed);
        Assert.True(fan[0][100] < fan[1][100] && fan[1][100] < fan[2][100]);
        Assert.Equal(50, fan[1][0], 50 * 1e-3); // the sketch is within its relative accuracy, 0.1 %
    }
}
