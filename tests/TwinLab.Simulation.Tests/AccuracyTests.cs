using TwinLab.Core.Modelling;
using TwinLab.Core.Symbolic;

namespace TwinLab.Simulation.Tests;

/// <summary>Solutions against closed forms. Tolerances: an adaptive fifth-order solve at RelTol r keeps the global error
/// within a small multiple of r over these short, stable spans, so asserting 100·r (relative) catches wrong coefficients
/// (which give errors orders of magnitude larger) without flaking on benign error growth. Rosenbrock23 controls the
/// local error of its second-order solution, so its global error accumulates over many more steps: it is held to
/// 1000·r at r = 1e-7.</summary>
public class AccuracyTests
{
    private static readonly double[] Grid = [.. Enumerable.Range(0, 41).Select(i => i * 0.5)];

    public static TheoryData<string> Adaptive => ["Tsit5", "DormandPrince5", "Rosenbrock23", "Rodas5P", "Auto"];

    private static OdeAlgorithm Algorithm(string name, double rtol) => name switch
    {
        "Tsit5" => new Tsit5 { RelTol = rtol, AbsTol = rtol * 1e-3 },
        "DormandPrince5" => new DormandPrince5 { RelTol = rtol, AbsTol = rtol * 1e-3 },
        "Rosenbrock23" => new Rosenbrock23 { RelTol = rtol, AbsTol = rtol * 1e-3 },
        "Rodas5P" => new Rodas5P { RelTol = rtol, AbsTol = rtol * 1e-3 },
        _ => new AutoAlgorithm { RelTol = rtol, AbsTol = rtol * 1e-3 },
    };

    private static void AssertClose(double expected, double actual, double relative, string what) =>
        Assert.True(Math.Abs(expected - actual) <= relative * Math.Max(1, Math.Abs(expected)),
            $"{what}: expected {expected:R}, got {actual:R} (difference {Math.Abs(expected - actual):E2})");

    [Theory]
    [MemberData(nameof(Adaptive))]
    public void Exponential_logistic_and_Gompertz_match_their_closed_forms(string algorithm)
    {
        var rtol = algorithm == "Rosenbrock23" ? 1e-7 : 1e-10;
        var factor = algorithm == "Rosenbrock23" ? 1000 : 100;
        var exp = new OdeProblem(TestModels.Exponential(), (0, 20), saveAt: Grid).Solve(Algorithm(algorithm, rtol));
        var logistic = new OdeProblem(TestModels.Logistic(), (0, 20), saveAt: Grid).Solve(Algorithm(algorithm, rtol));
        var gompertz = new OdeProblem(TestModels.Gompertz(), (0, 20), saveAt: Grid).Solve(Algorithm(algorithm, rtol));
        Assert.Equal(SolutionStatus.Success, exp.Status);
        Assert.Equal(Grid, exp.Times);
        for (var i = 0; i < Grid.Length; i++)
        {
            var t = Grid[i];
            AssertClose(Math.Exp(0.3 * t), exp.State("V")[i], factor * rtol, $"exponential at {t}");
            var e = Math.Exp(0.8 * t);
            AssertClose(100 * 2 * e / (100 + (2 * (e - 1))), logistic.State("V")[i], factor * rtol, $"logistic at {t}");
            AssertClose(2000 * Math.Exp(Math.Log(50.0 / 2000) * Math.Exp(-0.2 * t)), gompertz.State("V")[i], factor * rtol, $"Gompertz at {t}");
        }
    }

    private static double OralCentral(double t, double[] doses)
    {
        const double ka = 1.2, ke = 0.15, amount = 0.7 * 100;
        var sum = 0.0;
        foreach (var d in doses)
        {
            if (t >= d)
            {
                var tau = t - d;
                sum += amount * ka / (ka - ke) * (Math.Exp(-ke * tau) - Math.Exp(-ka * tau));
            }
        }
        return sum;
    }

    [Theory]
    [MemberData(nameof(Adaptive))]
    public void Repeated_oral_doses_match_superposition(string algorithm)
    {
        double[] doses = [0, 12, 24, 36, 48.5];
        var rtol = algorithm == "Rosenbrock23" ? 1e-7 : 1e-10;
        var factor = algorithm == "Rosenbrock23" ? 1000 : 100;
        var times = Enumerable.Range(0, 121).Select(i => i * 0.5).ToArray();
        var solution = new OdeProblem(TestModels.OralPk(doses), (0, 60), saveAt: times).Solve(Algorithm(algorithm, rtol));
        Assert.Equal(SolutionStatus.Success, solution.Status);
        var central = solution.State("A_c");
        for (var i = 0; i < times.Length; i++)
        {
            AssertClose(OralCentral(times[i], doses), central[i], factor * rtol * 70, $"A_c at {times[i]}");
        }
    }

    [Fact]
    public void A_dose_changes_the_state_exactly_at_its_time()
    {
        var model = TestModels.OralPk(0, 12);
        var solution = new OdeProblem(model, (0, 24), saveAt: [11.999999, 12, 12.000001]).Solve(new Tsit5 { RelTol = 1e-10, AbsTol = 1e-12 });
        var gut = solution.State("A_gut");
        var before = 70 * Math.Exp(-1.2 * 11.999999);
        AssertClose(before, gut[0], 1e-8, "just before the dose");
        AssertClose(70 + (70 * Math.Exp(-1.2 * 12)), gut[1], 1e-8, "at the dose (after it)");
        Assert.True(gut[2] < gut[1] && gut[2] > gut[1] - 1e-3);

        // Saving every step shows both sides of the dose at t = 12.
        var steps = new OdeProblem(model, (0, 24)).Solve(new Tsit5());
        var at12 = steps.Times.Select((t, i) => (t, i)).Where(x => x.t == 12).Select(x => steps.State("A_gut")[x.i]).ToArray();
        Assert.Equal(2, at12.Length);
        AssertClose(70, at12[1] - at12[0], 1e-12, "the jump at 12");
    }

    [Theory]
    [InlineData(2, 5)]
    [InlineData(0, 3.3)]
    public void Infusions_and_boluses_match_the_closed_form(double start, double duration)
    {
        const double ke = 0.3, rate = 20;
        double Exact(double t)
        {
            var a = 50 * Math.Exp(-ke * t);
            if (t > start)
            {
                var on = Math.Min(t, start + duration) - start;
                a += rate / ke * (1 - Math.Exp(-ke * on)) * Math.Exp(-ke * (t - start - on));
            }
            return a;
        }
        var times = Enumerable.Range(0, 61).Select(i => i * 0.25).ToArray();
        var solution = new OdeProblem(TestModels.IvBolusAndInfusion(start, duration), (0, 15), saveAt: times).Solve(new Tsit5 { RelTol = 1e-10, AbsTol = 1e-12 });
        for (var i = 0; i < times.Length; i++)
        {
            AssertClose(Exact(times[i]), solution.State("A")[i], 1e-8, $"A at {times[i]}");
        }
    }

    [Fact]
    public void Extra_doses_and_overrides_apply()
    {
        var model = TestModels.Exponential();
        var extra = new Bolus("extra", new Symbol("V"), new Constant(1), DoseSchedule.At(5));
        var solution = new OdeProblem(model, (0, 10), saveAt: [10], parameters: new Dictionary<string, double> { ["a"] = 0.1 },
            initialValues: new Dictionary<string, double> { ["V"] = 2 }, doses: [extra]).Solve(new Tsit5 { RelTol = 1e-10 });
        AssertClose((2 * Math.Exp(1)) + Math.Exp(0.5), solution.State("V")[0], 1e-8, "V(10)");
        Assert.Equal([0.1, 1], solution.Problem.Parameters);
    }
}
