using TwinLab.Core.Modelling;
using TwinLab.Core.Symbolic;

namespace TwinLab.Core.Library;

/// <summary>Classic dynamical systems used to test solvers and inference methods: the SIR epidemic, Lotka–Volterra
/// predator–prey and the Lorenz system. Equations and parameter tables are in docs/methods/model-library.md.</summary>
public static class BenchmarkModels
{
    /// <summary>The Kermack–McKendrick SIR epidemic in a closed population.</summary>
    public static Model Sir()
    {
        var source = new Reference(
            "Kermack WO, McKendrick AG. A contribution to the mathematical theory of epidemics. Proc R Soc Lond A 115(772):700-721, 1927",
            "10.1098/rspa.1927.0118");
        var m = new ModelBuilder("sir", "1.0")
        {
            Description = "SIR epidemic (Kermack-McKendrick): susceptible S become infectious I at rate beta S I / N and "
                + "recover into R at rate gamma I, in a closed population N = S + I + R (which the equations conserve). "
                + "Illustrative values: basic reproduction number beta/gamma = 3, infectious period 10 days.",
        };
        m.Cite(source);
        var beta = m.Positive("beta", 0.3, "1/d", "transmission rate (contacts per day times probability of infection); typical value",
            sigma: LibraryParameters.Typical, bounds: (1e-3, 10));
        var gamma = m.Positive("gamma", 0.1, "1/d", "recovery rate (1 / infectious period); typical value",
            sigma: LibraryParameters.Typical, bounds: (1e-3, 10));
        var n = m.Positive("N", 1000, "persons", "population size (a scenario choice)", sigma: LibraryParameters.Typical, bounds: (10, 1e10));
        var i0 = m.Positive("I0", 10, "persons", "initially infectious persons (a scenario choice)", sigma: LibraryParameters.Typical, bounds: (1e-3, 1e9));
        var s = m.State("S", n - i0, "persons", "susceptible", nonNegative: true);
        var i = m.State("I", i0, "persons", "infectious", nonNegative: true);
        var r = m.State("R", 0, "persons", "recovered (removed)", nonNegative: true);
        var infection = beta * s * i / (s + i + r);
        var recovery = gamma * i;
        m.Rate(s, -infection);
        m.Rate(i, infection - recovery);
        m.Rate(r, recovery);
        return m.Build();
    }

    /// <summary>Lotka–Volterra predator–prey oscillations.</summary>
    public static Model LotkaVolterra()
    {
        var lotka = new Reference(
            "Lotka AJ. Analytical note on certain rhythmic relations in organic systems. Proc Natl Acad Sci USA 6(7):410-415, 1920",
            "10.1073/pnas.6.7.410");
        var volterra = new Reference(
            "Volterra V. Fluctuations in the abundance of a species considered mathematically. Nature 118:558-560, 1926",
            "10.1038/118558a0");
        var diffeq = new Reference(
            "Rackauckas C, Nie Q. DifferentialEquations.jl - a performant and feature-rich ecosystem for solving differential equations in Julia. J Open Res Softw 5(1):15, 2017",
            "10.5334/jors.151");
        var m = new ModelBuilder("lotka-volterra", "1.0")
        {
            Description = "Lotka-Volterra predator-prey model: prey x grow at rate alpha and are eaten at beta x y; predators y "
                + "grow at delta x y and die at gamma. Closed orbits around (gamma/delta, alpha/beta). Dimensionless, with "
                + "the benchmark values alpha = 1.5, beta = 1, gamma = 3, delta = 1 and x(0) = y(0) = 1 of the "
                + "DifferentialEquations.jl documentation.",
        };
        m.Cite(lotka);
        m.Cite(volterra);
        m.Cite(diffeq);
        var alpha = m.Positive("alpha", 1.5, "1", "prey growth rate", diffeq);
        var beta = m.Positive("beta", 1, "1", "predation rate", diffeq);
        var gamma = m.Positive("gamma", 3, "1", "predator death rate", diffeq);
        var delta = m.Positive("delta", 1, "1", "predator growth per prey eaten", diffeq);
        var x0 = m.Positive("x0", 1, "1", "initial prey", diffeq);
        var y0 = m.Positive("y0", 1, "1", "initial predators", diffeq);
        var x = m.State("x", x0, "1", "prey", nonNegative: true);
        var y = m.State("y", y0, "1", "predators", nonNegative: true);
        m.Rate(x, (alpha * x) - (beta * x * y));
        m.Rate(y, (delta * x * y) - (gamma * y));
        return m.Build();
    }

    /// <summary>The Lorenz (1963) system, a chaotic benchmark.</summary>
    public static Model Lorenz()
    {
        var source = new Reference(
            "Lorenz EN. Deterministic nonperiodic flow. J Atmos Sci 20(2):130-141, 1963",
            "10.1175/1520-0469(1963)020<0130:DNF>2.0.CO;2");
        var m = new ModelBuilder("lorenz", "1.0")
        {
            Description = "Lorenz system: dx/dt = sigma (y - x), dy/dt = x (rho - z) - y, dz/dt = x y - beta z. With the "
                + "classic values sigma = 10, rho = 28, beta = 8/3 the trajectories are chaotic (the Lorenz attractor): "
                + "a benchmark for solvers and for inference on chaotic dynamics. Dimensionless; starts at (1, 1, 1).",
        };
        m.Cite(source);
        var sigma = m.Positive("sigma", 10, "1", "Prandtl number", source, bounds: (0.1, 100));
        var rho = m.Positive("rho", 28, "1", "Rayleigh number relative to its critical value", source, bounds: (0.1, 200));
        var beta = m.Positive("beta", 8.0 / 3.0, "1", "geometric factor of the convection cell", source, bounds: (0.1, 20));
        var x = m.State("x", 1, "1", "intensity of convection");
        var y = m.State("y", 1, "1", "temperature difference between rising and falling currents");
        var z = m.State("z", 1, "1", "distortion of the vertical temperature profile");
        m.Rate(x, sigma * (y - x));
        m.Rate(y, (x * (rho - z)) - y);
        m.Rate(z, (x * y) - (beta * z));
        return m.Build();
    }
}
