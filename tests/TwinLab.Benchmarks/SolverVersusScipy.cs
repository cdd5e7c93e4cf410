using System.Diagnostics;
using System.Globalization;
using TwinLab.Core.Library;
using TwinLab.Simulation;
using TwinLab.TestSupport;

namespace TwinLab.Benchmarks;

/// <summary>
/// The Kuznetsov tumour–immune model over 100 days at RelTol 1e-6 (AbsTol 1e-8 scaled, as SciPy's default 1e-6
/// relative with a small absolute floor), 101 saved points: TwinLab's Tsit5 and Auto against SciPy's solve_ivp with
/// RK45 and LSODA on a hand-written NumPy right-hand side, as a SciPy user would write it. Each side reports the median
/// of repeated solves measured in the same run.
/// </summary>
internal static class SolverVersusScipy
{
    private const string Script = """
import time, statistics, sys
import numpy as np
from scipy.integrate import solve_ivp

s, p, g, m, d, a, b, n = 1.3e4, 0.1245, 2.019e7, 3.422e-10, 0.0412, 0.18, 2.0e-9, 1.101e-7
def f(t, y):
    e, tu = y
    return [s + p * e * tu / (g + tu) - m * e * tu - d * e, a * tu * (1 - b * tu) - n * e * tu]
t_eval = np.linspace(0, 100, 101)
for method in ("RK45", "LSODA"):
    times = []
    for _ in range(int(sys.argv[1])):
        start = time.perf_counter()
        sol = solve_ivp(f, (0, 100), [3.2e5, 1e6], method=method, rtol=1e-6, atol=1e-8, t_eval=t_eval)
        times.append(time.perf_counter() - start)
    print(method, statistics.median(times), sol.y[1, -1], sol.nfev)
""";

    public static int Run(TextWriter output)
    {
        var model = ModelLibrary.Get("kuznetsov");
        var saveAt = Enumerable.Range(0, 101).Select(i => (double)i).ToArray();
        var problem = new OdeProblem(model, (0, 100), saveAt);
        var results = new List<(string Name, double Seconds, double Final, int Evaluations)>();
        foreach (var (name, algorithm) in new (string, OdeAlgorithm)[]
        {
            ("TwinLab Tsit5", new Tsit5 { RelTol = 1e-6, AbsTol = 1e-8 }),
            ("TwinLab Auto", new AutoAlgorithm { RelTol = 1e-6, AbsTol = 1e-8 }),
        })
        {
            // Warm up for two seconds so tiered compilation reaches its optimised code before measuring.
            Solution last = problem.Solve(algorithm);
            var warmUp = Stopwatch.StartNew();
            while (warmUp.Elapsed < TimeSpan.FromSeconds(2))
            {
                last = problem.Solve(algorithm);
            }
            var samples = new double[2000];
            for (var i = 0; i < samples.Length; i++)
            {
                var start = Stopwatch.GetTimestamp();
                last = problem.Solve(algorithm);
                samples[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            }
            Array.Sort(samples);
            results.Add((name, samples[samples.Length / 2], last.State("T")[^1], last.Statistics.FunctionEvaluations));
        }
        foreach (var line in DebianPython.Run(Script, "", "50").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ');
            results.Add(("SciPy solve_ivp " + parts[0], double.Parse(parts[1], CultureInfo.InvariantCulture),
                double.Parse(parts[2], CultureInfo.InvariantCulture), int.Parse(parts[3], CultureInfo.InvariantCulture)));
        }
        var fastest = results.Where(r => r.Name.StartsWith("TwinLab", StringComparison.Ordinal)).Min(r => r.Seconds);
        output.WriteLine("| Solver | Median time per solve | f evaluations | T(100) | Time relative to the fastest TwinLab solve |");
        output.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Name} | {r.Seconds * 1e6:F1} µs | {r.Evaluations} | {r.Final:G6} | {r.Seconds / fastest:F0}× |"));
        }
        return 0;
    }
}
