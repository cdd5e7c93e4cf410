using System.Diagnostics;
using TwinLab.Core.Library;
using TwinLab.Simulation.Ensembles;
namespace TwinLab.Simulation.Tests;
public class ProbeTests
{
    [Fact]
    public void Probe()
    {
        var lorenz = ModelLibrary.Get("lorenz");
        var rhs = LaneCompiler<Lanes512<double>, double>.Compile(lorenz.ExpandedRates, lorenz.Layout);
        var y = new Lanes512<double>[3]; var p = new Lanes512<double>[lorenz.Parameters.Count]; var dy = new Lanes512<double>[3];
        for (int i = 0; i < 3; i++) y[i] = Lanes512<double>.Constant(1 + i);
        for (int i = 0; i < p.Length; i++) p[i] = Lanes512<double>.Constant(2);
        var t = Lanes512<double>.Constant(0);
        for (int i = 0; i < 2_000_000; i++) rhs(t, y, p, dy);
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < 10_000_000; i++) rhs(t, y, p, dy);
        var perCall = sw.Elapsed.TotalNanoseconds / 1e7;
        var problem = new OdeProblem(lorenz, (0, 1), saveAt: [1]).Ensemble(PatientTable.LogNormal(lorenz, 8192, 0.1, 1, ["rho"]));
        var o = new EnsembleOptions { StoreTrajectories = false, Threads = 1 };
        problem.Solve(new Tsit5 { Step = 0.001 }, o);
        problem.Solve(new Tsit5 { Step = 0.001 }, o);
        var s = problem.Solve(new Tsit5 { Step = 0.001 }, o);
        Assert.Fail($"rhs {perCall:F2} ns/call; 1 thread fixed: {s.TrajectoryStepsPerSecond:E3} traj-steps/s = {1e9 / s.TrajectoryStepsPerSecond * 8:F1} ns per vector-step; params {p.Length}");
    }
}
