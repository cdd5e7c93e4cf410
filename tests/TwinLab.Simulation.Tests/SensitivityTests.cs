namespace TwinLab.Simulation.Tests;

public class SensitivityTests
{
    [Fact]
    public void Exponential_sensitivities_match_the_analytic_derivatives()
    {
        // V = V0 exp(a t): ∂V/∂a = t V0 exp(a t), ∂V/∂V0 = exp(a t) (V0 enters through the initial value).
        var times = new[] { 0.0, 1, 2.5, 5, 10 };
        var solution = new OdeProblem(TestModels.Exponential(0.3, 2), (0, 10), saveAt: times, sensitivities: ["a", "V0"])
            .Solve(new Tsit5 { RelTol = 1e-10, AbsTol = 1e-12 });
        var da = solution.Sensitivity("V", "a");
        var dv0 = solution.Sensitivity("V", "V0");
        for (var i = 0; i < times.Length; i++)
        {
            var t = times[i];
            Assert.Equal(t * 2 * Math.Exp(0.3 * t), da[i], 1e-6 * Math.Max(1, da[i]));
            Assert.Equal(Math.Exp(0.3 * t), dv0[i], 1e-7 * Math.Max(1, dv0[i]));
        }
    }

    /// <summary>Dose amounts that depend on parameters carry their derivative into the sensitivities; checked against
    /// central differences of whole solves (step 1e-4 relative; the solves at RelTol 1e-11 make the difference quotient
    /// accurate to about 1e-6 relative).</summary>
    [Theory]
    [InlineData("ka")]
    [InlineData("ke")]
    [InlineData("F")]
    public void Oral_dosing_sensitivities_match_finite_differences(string parameter)
    {
        var model = TestModels.OralPk(0, 12);
        var times = new[] { 1.0, 6, 12, 13, 20 };
        var algorithm = new Tsit5 { RelTol = 1e-11, AbsTol = 1e-12 };
        var solution = new OdeProblem(model, (0, 24), saveAt: times, sensitivities: [parameter]).Solve(algorithm);
        var nominal = model.Parameters[model.ParameterIndex(parameter)].Value;
        var h = 1e-4 * nominal;
        double[] Central(double value) => new OdeProblem(model, (0, 24), saveAt: times,
            parameters: new Dictionary<string, double> { [parameter] = value }).Solve(algorithm).State("A_c");
        var plus = Central(nominal + h);
        var minus = Central(nominal - h);
        var sensitivity = solution.Sensitivity("A_c", parameter);
        for (var i = 0; i < times.Length; i++)
        {
            var numeric = (plus[i] - minus[i]) / (2 * h);
            Assert.True(Math.Abs(numeric - sensitivity[i]) <= 1e-5 * Math.Max(1, Math.Abs(numeric)),
                $"∂A_c/∂{parameter} at {times[i]}: {sensitivity[i]} vs finite difference {numeric}");
        }
    }

    [Fact]
    public void Sensitivities_work_with_the_stiff_solver()
    {
        var times = new[] { 5.0, 10 };
        var solution = new OdeProblem(TestModels.Exponential(0.3, 2), (0, 10), saveAt: times, sensitivities: ["a"])
            .Solve(new Rosenbrock23 { RelTol = 1e-8, AbsTol = 1e-10 });
        Assert.Equal(10 * 2 * Math.Exp(3), solution.Sensitivity("V", "a")[1], 1e-3 * 10 * 2 * Math.Exp(3));
    }

    [Fact]
    public void Asking_for_missing_sensitivities_is_explained()
    {
        var plain = new OdeProblem(TestModels.Exponential(), (0, 1)).Solve(new Tsit5());
        Assert.Contains("sensitivities:", Assert.Throws<InvalidOperationException>(() => plain.Sensitivity("V", "a")).Message, StringComparison.Ordinal);
        var some = new OdeProblem(TestModels.Exponential(), (0, 1), sensitivities: ["a"]).Solve(new Tsit5());
        Assert.Throws<KeyNotFoundException>(() => some.Sensitivity("V", "V0"));
    }
}
