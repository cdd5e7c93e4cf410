using System.Diagnostics;
using System.Globalization;
using TwinLab.Core.Library;
using TwinLab.Simulation;
using TwinLab.Simulation.Ensembles;

namespace TwinLab.Cli.Bench;

/// <summary>
/// The ensemble benchmark: Lorenz with ρ spread over [0, 21] (the DiffEqGPU problem) with fixed-step and adaptive
/// Tsit5, and the Kuznetsov model over 365 days for 100 000 virtual patients with 30 % log-normal variability — against
/// TwinLab's scalar path, a NumPy-vectorised RK4 and SciPy's solve_ivp per trajectory, in the same run.
/// </summary>
internal static class EnsembleBenchmark
{
    /// <summary>One figure: a key naming problem, mode and precision, a value and its unit.</summary>
    internal sealed record Figure(string Key, double Value, string Unit, string Description);

    private const string NumpyScript = """
import sys, time
import numpy as np
n = int(sys.argv[1]); steps = 1000; dt = 0.001
rho = np.linspace(0.0, 21.0, n)
def f(u):
    x, y, z = u
    return np.stack((10.0 * (y - x), x * (rho - z) - y, x * y - (8.0 / 3.0) * z))
u = np.zeros((3, n)); u[0] = 1.0
start = time.perf_counter()
for _ in range(steps):
    k1 = f(u); k2 = f(u + 0.5 * dt * k1); k3 = f(u + 0.5 * dt * k2); k4 = f(u + dt * k3)
    u = u + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
print(n * steps / (time.perf_counter() - start))
""";

    private const string ScipyScript = """
import sys, time, statistics
import numpy as np
from scipy.integrate import solve_ivp
which = sys.argv[1]; count = int(sys.argv[2])
times = []
if which == "lorenz":
    for i in range(count):
        rho = 21.0 * i / max(count - 1, 1)
        f = lambda t, u: [10.0 * (u[1] - u[0]), u[0] * (rho - u[2]) - u[1], u[0] * u[1] - (8.0 / 3.0) * u[2]]
        s = time.perf_counter(); solve_ivp(f, (0, 1), [1.0, 0.0, 0.0], method="RK45", rtol=1e-8, atol=1e-8); times.append(time.perf_counter() - s)
else:
    s_, p, g, m, d, a, b, n = 1.3e4, 0.1245, 2.019e7, 3.422e-10, 0.0412, 0.18, 2.0e-9, 1.101e-7
    f = lambda t, y: [s_ + p * y[0] * y[1] / (g + y[1]) - m * y[0] * y[1] - d * y[0], a * y[1] * (1 - b * y[1]) - n * y[0] * y[1]]
    for i in range(count):
        s = time.perf_counter(); solve_ivp(f, (0, 365), [3.2e5, 1e6], method="RK45", rtol=1e-6, atol=1e-8); times.append(time.perf_counter() - s)
print(statistics.median(times))
""";

    public static IReadOnlyList<Figure> Run(TextWriter log, bool quick)
    {
        var figures = new List<Figure>();
        var lorenz = ModelLibrary.Get("lorenz");
        var sizes = quick ? new[] { 1 << 14 } : [1 << 16, 1 << 17, 1 << 18, 1 << 19];

        EnsembleProblem LorenzEnsemble(int n) =>
            new OdeProblem(lorenz, (0, 1), saveAt: [1], initialValues: new Dictionary<string, double> { ["x"] = 1, ["y"] = 0, ["z"] = 0 })
                .Ensemble(PatientTable.FromColumns(new Dictionary<string, double[]> { ["rho"] = [.. Enumerable.Range(0, n).Select(i => 21.0 * i / Math.Max(n - 1, 1))] }));

        double Throughput(EnsembleProblem problem, OdeAlgorithm algorithm, EnsembleOptions options)
        {
            // Warm-up: the JIT's tiers reach the per-block code of the integrator only after it has run for a while.
            var warmUp = Stopwatch.StartNew();
            do
            {
                problem.Solve(algorithm, options);
            }
            while (warmUp.Elapsed.TotalSeconds < 2);
            // Best over at least a second of solves (three at least): a 20 ms solve that meets a full garbage
            // collection, triggered by the per-trajectory arrays of earlier solutions, runs 10-20 % slower.
            var best = 0.0;
            var measured = Stopwatch.StartNew();
            for (var repeat = 0; repeat < 3 || measured.Elapsed.TotalSeconds < 1; repeat++)
            {
                var s = problem.Solve(algorithm, options);
                best = Math.Max(best, s.TrajectoryStepsPerSecond);
            }
            return best;
        }

        var reduced = new EnsembleOptions { StoreTrajectories = false };
        var fixedAtAdaptiveSize = 0.0;
        foreach (var n in sizes)
        {
            var problem = LorenzEnsemble(n);
            var f64 = Throughput(problem, new Tsit5 { Step = 0.001 }, reduced);
            fixedAtAdaptiveSize = n == sizes[0] ? f64 : fixedAtAdaptiveSize;
            var f32 = Throughput(problem, new Tsit5 { Step = 0.001 }, new EnsembleOptions { StoreTrajectories = false, Precision = EnsemblePrecision.SinglePrecision });
            figures.Add(new($"lorenz_fixed_float64_n{n}_traj_steps_per_s", f64, "trajectory-steps/s", $"Lorenz, fixed-step Tsit5 dt = 0.001, {n} trajectories, float64"));
            figures.Add(new($"lorenz_fixed_float32_n{n}_traj_steps_per_s", f32, "trajectory-steps/s", $"Lorenz, fixed-step Tsit5 dt = 0.001, {n} trajectories, float32"));
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"lorenz fixed n={n}: float64 {f64:E3}, float32 {f32:E3} trajectory-steps/s"));
        }
        var adaptiveN = sizes[0];
        var adaptiveProblem = LorenzEnsemble(adaptiveN);
        var adaptive = Throughput(adaptiveProblem, new Tsit5 { RelTol = 1e-8, AbsTol = 1e-8 }, reduced);
        figures.Add(new($"lorenz_adaptive_float64_n{adaptiveN}_traj_steps_per_s", adaptive, "trajectory-steps/s", $"Lorenz, adaptive Tsit5 rtol = atol = 1e-8, {adaptiveN} trajectories"));
        figures.Add(new("lorenz_adaptive_float64_fraction_of_fixed", adaptive / fixedAtAdaptiveSize, "ratio", $"Adaptive throughput over fixed-step float64 throughput, both at {adaptiveN} trajectories in this run"));
        var scalarFixed = Throughput(LorenzEnsemble(4096), new Tsit5 { Step = 0.001 }, new EnsembleOptions { StoreTrajectories = false, Backend = EnsembleBackend.Scalar });
        figures.Add(new("lorenz_fixed_float64_scalar_traj_steps_per_s", scalarFixed, "trajectory-steps/s", "Lorenz, fixed-step Tsit5, TwinLab's scalar path (one lane), 4096 trajectories"));
        var numpy = double.Parse(PythonPeer.Run(NumpyScript, (quick ? 1 << 14 : 1 << 16).ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        figures.Add(new("lorenz_fixed_float64_numpy_rk4_traj_steps_per_s", numpy, "trajectory-steps/s", "Lorenz, NumPy-vectorised fixed-step RK4 over all trajectories"));
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"lorenz adaptive {adaptive:E3}; scalar {scalarFixed:E3}; numpy rk4 {numpy:E3}"));

        // Per trajectory against SciPy: the adaptive Lorenz solve and the Kuznetsov year.
        var lorenzAdaptive = adaptiveProblem.Solve(new Tsit5 { RelTol = 1e-8, AbsTol = 1e-8 }, reduced);
        var lorenzPerTrajectory = lorenzAdaptive.Elapsed.TotalSeconds / adaptiveN;
        var scipyLorenz = double.Parse(PythonPeer.Run(ScipyScript, "lorenz", "20"), CultureInfo.InvariantCulture);
        figures.Add(new("lorenz_adaptive_per_trajectory_s", lorenzPerTrajectory, "s", "Lorenz adaptive, wall time per trajectory in the ensemble"));
        figures.Add(new("lorenz_adaptive_scipy_rk45_per_trajectory_s", scipyLorenz, "s", "SciPy solve_ivp RK45 rtol = atol = 1e-8, median per trajectory"));
        figures.Add(new("lorenz_adaptive_speedup_vs_scipy", scipyLorenz / lorenzPerTrajectory, "×", "SciPy time per trajectory / TwinLab time per trajectory"));

        var kuznetsov = ModelLibrary.Get("kuznetsov");
        var patients = quick ? 10_000 : 100_000;
        var kProblem = new OdeProblem(kuznetsov, (0, 365), saveAt: [.. Enumerable.Range(0, 53).Select(i => i * 7.0)])
            .Ensemble(PatientTable.LogNormal(kuznetsov, patients, 0.3, 2026));
        var kOptions = new EnsembleOptions { StoreTrajectories = false, Reducers = [EnsembleReducer.Final("T"), EnsembleReducer.AreaUnderCurve("T")] };
        kProblem.Solve(new Tsit5 { RelTol = 1e-6 }, kOptions);
        var clock = Stopwatch.StartNew();
        var kSolution = kProblem.Solve(new Tsit5 { RelTol = 1e-6 }, kOptions);
        clock.Stop();
        var kPerTrajectory = clock.Elapsed.TotalSeconds / patients;
        var scipyKuznetsov = double.Parse(PythonPeer.Run(ScipyScript, "kuznetsov", "20"), CultureInfo.InvariantCulture);
        figures.Add(new($"kuznetsov_adaptive_float64_n{patients}_s", clock.Elapsed.TotalSeconds, "s", $"Kuznetsov, 365 days, adaptive Tsit5 rtol 1e-6, {patients} patients (30 % log-normal variability), weekly reducers"));
        figures.Add(new("kuznetsov_adaptive_traj_steps_per_s", kSolution.TrajectoryStepsPerSecond, "trajectory-steps/s", "Kuznetsov ensemble throughput"));
        figures.Add(new("kuznetsov_scipy_rk45_per_trajectory_s", scipyKuznetsov, "s", "SciPy solve_ivp RK45 rtol 1e-6, median per trajectory"));
        figures.Add(new("kuznetsov_speedup_vs_scipy", scipyKuznetsov / kPerTrajectory, "×", "SciPy time per trajectory / TwinLab time per trajectory in the ensemble"));
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"kuznetsov {patients} patients in {clock.Elapsed.TotalSeconds:F2} s ({kSolution.Failed} failed); scipy per trajectory {scipyKuznetsov * 1e3:F2} ms"));
        return figures;
    }
}
