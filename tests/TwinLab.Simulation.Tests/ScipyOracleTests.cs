using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using TwinLab.Core.Library;
using TwinLab.Core.Modelling;
using TwinLab.TestSupport;

namespace TwinLab.Simulation.Tests;

/// <summary>
/// Every built-in model, with its treatments, solved by TwinLab at tight tolerance and by SciPy's solve_ivp (DOP853,
/// falling back to Radau when DOP853 fails, rtol = atol = 1e-12, integrated segment by segment between dose times) from
/// the same equations, printed as Python from the symbolic model. The two must agree to 1e-7 of each state's range
/// over the trajectory: both solvers' errors are below 1e-9 of the range at these tolerances, so the margin is a
/// hundredfold while any modelling or event-handling difference shows up at order one.
/// </summary>
public class ScipyOracleTests
{
    /// <summary>A horizon that shows each model's characteristic behaviour (days, hours or model time units).</summary>
    internal static double Horizon(Model model) => model.Name switch
    {
        "lorenz" => 5,
        "lotka-volterra" => 20,
        _ when model.Name.StartsWith("pk-", StringComparison.Ordinal) => 72,
        _ => 100,
    };

    private const string Script = """
import json, math, sys
import numpy as np
from scipy.integrate import solve_ivp

spec = json.load(sys.stdin)
result = {}
for m in spec:
    lines = ["def f(t, y, rates):"]
    for i, n in enumerate(m["states"]):
        lines.append("    v_%s = y[%d]" % (n, i))
    for k, v in m["parameters"].items():
        lines.append("    v_%s = %r" % (k, float(v)))
    lines.append("    return [" + ", ".join("(%s) + rates[%d]" % (r, i) for i, r in enumerate(m["rates"])) + "]")
    namespace = {"math": math}
    exec("\n".join(lines), namespace)
    f = namespace["f"]
    n = len(m["states"])
    t_end = m["end"]
    boluses = m["boluses"]
    infusions = m["infusions"]
    points = sorted(set([0.0, t_end] + [b[0] for b in boluses if b[0] <= t_end] + [x for inf in infusions for x in inf[:2] if x <= t_end]))
    y = np.array(m["initial"], dtype=float)
    saved = {}
    def dose(t, y):
        for b in boluses:
            if b[0] == t:
                y[b[1]] += b[2]
    dose(0.0, y)
    for s in m["save"]:
        if s == 0.0:
            saved[s] = y.copy()
    for a, b in zip(points[:-1], points[1:]):
        rates = [0.0] * n
        for start, end, index, rate in infusions:
            if start <= a and b <= end:
                rates[index] += rate
        sol = None
        for method in ("DOP853", "Radau"):
            sol = solve_ivp(f, (a, b), y, method=method, rtol=1e-12, atol=1e-12, dense_output=True, args=(rates,))
            if sol.success:
                break
        if not sol.success:
            raise RuntimeError("%s: %s" % (m["name"], sol.message))
        for s in m["save"]:
            if a < s < b:
                saved[s] = sol.sol(s)
        y = sol.y[:, -1].copy()
        dose(b, y)
        for s in m["save"]:
            if s == b:
                saved[s] = y.copy()
    result[m["name"]] = [[repr(float(v)) for v in saved[s]] for s in m["save"]]
json.dump(result, sys.stdout)
""";

    private static readonly Lazy<Dictionary<string, double[][]>> Reference = new(ComputeReference);

    private static double[] SaveTimes(Model model) => [.. Enumerable.Range(0, 101).Select(i => Horizon(model) * i / 100)];

    private static Dictionary<string, double[][]> ComputeReference()
    {
        var spec = new JsonArray();
        foreach (var model in ModelLibrary.All)
        {
            var p = model.NominalParameters();
            var end = Horizon(model);
            var boluses = new JsonArray();
            var infusions = new JsonArray();
            foreach (var treatment in model.Treatments)
            {
                var index = model.StateIndex(treatment.Target.Name);
                foreach (var time in treatment.Schedule.Times)
                {
                    if (treatment is Bolus b)
                    {
                        boluses.Add(new JsonArray(time, index, b.Amount.Evaluate(s => p[model.ParameterIndex(s.Name)])));
                    }
                    else if (treatment is Infusion i)
                    {
                        infusions.Add(new JsonArray(time, time + i.Duration, index, i.Rate.Evaluate(s => p[model.ParameterIndex(s.Name)])));
                    }
                }
            }
            spec.Add(new JsonObject
            {
                ["name"] = model.Name,
                ["states"] = new JsonArray([.. model.States.Select(s => (JsonNode)s.Name)]),
                ["parameters"] = new JsonObject(model.Parameters.Select((x, i) => KeyValuePair.Create(x.Name, (JsonNode?)p[i]))),
                ["rates"] = new JsonArray([.. model.ExpandedRates.Select(r => (JsonNode)PythonPrinter.Print(r))]),
                ["initial"] = new JsonArray([.. model.Compiled.Initial(p).Select(v => (JsonNode)v)]),
                ["end"] = end,
                ["save"] = new JsonArray([.. SaveTimes(model).Select(v => (JsonNode)v)]),
                ["boluses"] = boluses,
                ["infusions"] = infusions,
            });
        }
        var output = DebianPython.Run(Script, spec.ToJsonString());
        var parsed = JsonSerializer.Deserialize<Dictionary<string, string[][]>>(output)!;
        return parsed.ToDictionary(kv => kv.Key, kv => kv.Value.Select(row => row.Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray());
    }

    public static TheoryData<string> Models => [.. ModelLibrary.Names];

    [Theory]
    [MemberData(nameof(Models))]
    public void Built_in_models_agree_with_scipy(string name)
    {
        var model = ModelLibrary.Get(name);
        var reference = Reference.Value[name];
        var solution = new OdeProblem(model, (0, Horizon(model)), saveAt: SaveTimes(model))
            .Solve(new AutoAlgorithm { RelTol = 1e-11, AbsTol = 1e-11, MaxSteps = 5_000_000 });
        Assert.True(solution.Succeeded, solution.ToString());
        for (var s = 0; s < model.States.Count; s++)
        {
            var column = reference.Select(row => row[s]).ToArray();
            var range = Math.Max(column.Max() - column.Min(), 1e-12 * Math.Max(1, column.Max(Math.Abs)));
            for (var i = 0; i < column.Length; i++)
            {
                var difference = Math.Abs(solution[i, s] - column[i]);
                Assert.True(difference <= 1e-7 * range,
                    $"{name}.{model.States[s].Name} at t = {solution.Times[i]}: TwinLab {solution[i, s]:R}, SciPy {column[i]:R}, range {range:G3}");
            }
        }
    }
}
