using TwinLab.Core.Modelling;
using TwinLab.Core.Symbolic;

namespace TwinLab.Simulation.Tests;

public class BehaviourTests
{
    /// <summary>Global error of a fixed-step method of order p scales as hᵖ: halving h divides it by 2ᵖ. Measured on
    /// the logistic model over [0, 5] at h = 0.1 and 0.05, the observed order lies within ±0.3 of p (the
    /// asymptotic regime is reached; rounding is far below these errors).</summary>
    [Theory]
    [InlineData("RK4", 4)]
    [InlineData("Tsit5", 5)]
    [InlineData("DormandPrince5", 5)]
    public void Fixed_step_methods_converge_at_their_order(string method, int order)
    {
        var model = TestModels.Logistic();
        var exact = 100 * 2 * Math.Exp(0.8 * 5) / (100 + (2 * (Math.Exp(0.8 * 5) - 1)));
        double ErrorAt(double h)
        {
            OdeAlgorithm algorithm = method switch
            {
                "RK4" => new RungeKutta4(h),
                "Tsit5" => new Tsit5 { Step = h },
                _ => new DormandPrince5 { Step = h },
            };
            var solution = new OdeProblem(model, (0, 5), saveAt: [5]).Solve(algorithm);
            return Math.Abs(solution.State("V")[0] - exact);
        }
        var observed = Math.Log2(ErrorAt(0.1) / ErrorAt(0.05));
        Assert.InRange(observed, order - 0.3, order + 0.3);
    }

    /// <summary>Robertson's kinetics; reference values at t = 40 from the test set for IVP solvers (Hairer and Wanner,
    /// Solving ODE II; Mazzia and Magherini): y = (0.7158270687193135, 9.185534764529569e-6, 0.2841637457275328).
    /// At RelTol 1e-8 the stiff solvers agree to 1e-6 relative (1e-4 for the tiny y2).</summary>
    [Theory]
    [InlineData("Rosenbrock23")]
    [InlineData("Auto")]
    public void Robertson_matches_the_published_reference(string method)
    {
        OdeAlgorithm algorithm = method == "Auto"
            ? new AutoAlgorithm { RelTol = 1e-8, AbsTol = 1e-14 }
            : new Rosenbrock23 { RelTol = 1e-8, AbsTol = 1e-14 };
        var solution = new OdeProblem(TestModels.Robertson(), (0, 40), saveAt: [40]).Solve(algorithm);
        Assert.Equal(SolutionStatus.Success, solution.Status);
        Assert.Equal(0.7158270687193135, solution.State("y1")[0], 1e-6);
        Assert.True(Math.Abs(solution.State("y2")[0] - 9.185534764529569e-6) < 1e-4 * 9.185534764529569e-6 + 1e-12);
        Assert.Equal(0.2841637457275328, solution.State("y3")[0], 1e-6);
    }

    [Fact]
    public void The_stiff_solver_needs_far_fewer_steps_on_stiff_problems()
    {
        var problem = new OdeProblem(TestModels.Robertson(), (0, 40), saveAt: [40]);
        var stiff = problem.Solve(new Rosenbrock23 { RelTol = 1e-6, AbsTol = 1e-10 });
        var explicitSolve = problem.Solve(new Tsit5 { RelTol = 1e-6, AbsTol = 1e-10 });
        var auto = problem.Solve(new AutoAlgorithm { RelTol = 1e-6, AbsTol = 1e-10 });
        Assert.True(stiff.Statistics.AcceptedSteps * 20 < explicitSolve.Statistics.AcceptedSteps,
            $"Rosenbrock23 {stiff.Statistics.AcceptedSteps} steps, Tsit5 {explicitSolve.Statistics.AcceptedSteps}");
        Assert.NotNull(auto.Statistics.StiffSwitchTime);
        Assert.True(auto.Statistics.AcceptedSteps * 5 < explicitSolve.Statistics.AcceptedSteps);
        Assert.True(stiff.Statistics.JacobianEvaluations > 0 && stiff.Statistics.Factorizations > 0);
    }

    [Fact]
    public void Van_der_Pol_with_mu_1000_is_solved_by_the_stiff_solvers()
    {
        var problem = new OdeProblem(TestModels.VanDerPol(1000), (0, 3000), saveAt: [3000]);
        var stiff = problem.Solve(new Rosenbrock23 { RelTol = 1e-6, AbsTol = 1e-8 });
        var auto = problem.Solve(new AutoAlgorithm { RelTol = 1e-6, AbsTol = 1e-8 });
        Assert.True(stiff.Status == SolutionStatus.Success, stiff.ToString());
        Assert.True(auto.Status == SolutionStatus.Success, auto.ToString());
        Assert.True(stiff.Statistics.AcceptedSteps < 20_000, stiff.ToString());
        Assert.Equal(stiff.State("x")[0], auto.State("x")[0], 1e-2);
    }

    [Fact]
    public void A_blow_up_ends_with_a_failure_status_and_keeps_the_points_so_far()
    {
        var solution = new OdeProblem(TestModels.BlowUp(), (0, 2)).Solve(new Tsit5());
        Assert.False(solution.Succeeded);
        Assert.Contains(solution.Status, new[] { SolutionStatus.NonFiniteState, SolutionStatus.StepSizeTooSmall });
        Assert.Contains("t = 1", solution.Message, StringComparison.Ordinal);
        Assert.True(solution.Count > 10, solution.ToString());
        Assert.True(solution.Times[^1] < 1.001 && solution.Times[^1] > 0.99, solution + $" last time {solution.Times[^1]}");

        var fixedStep = new OdeProblem(TestModels.BlowUp(), (0, 2)).Solve(new RungeKutta4(0.1));
        Assert.Equal(SolutionStatus.NonFiniteState, fixedStep.Status);
    }

    [Fact]
    public void Max_steps_ends_with_a_status()
    {
        var solution = new OdeProblem(TestModels.Robertson(), (0, 1e5)).Solve(new Tsit5 { MaxSteps = 50 });
        Assert.Equal(SolutionStatus.MaxStepsReached, solution.Status);
        Assert.Contains("MaxSteps", solution.Message, StringComparison.Ordinal);
        Assert.Equal(50, solution.Statistics.AcceptedSteps + solution.Statistics.RejectedSteps);
    }

    [Fact]
    public void A_terminal_event_is_located_to_1e_8()
    {
        var model = TestModels.Exponential();
        var threshold = new StateEvent("reaches 10", new Symbol("V") - 10, CrossingDirection.Rising);
        var solution = new OdeProblem(model, (0, 20), saveAt: Enumerable.Range(0, 21).Select(i => (double)i), events: [threshold])
            .Solve(new Tsit5 { RelTol = 1e-10, AbsTol = 1e-12 });
        var exact = Math.Log(10) / 0.3;
        Assert.Equal(SolutionStatus.Terminated, solution.Status);
        Assert.True(solution.Succeeded);
        var occurrence = Assert.Single(solution.Events);
        Assert.True(Math.Abs(occurrence.Time - exact) < 1e-8, $"event at {occurrence.Time:R}, exact {exact:R}");
        Assert.Equal(10, occurrence.State[0], 1e-7);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => (double)i), solution.Times);
    }

    [Fact]
    public void Non_terminal_events_are_all_recorded_and_falling_crossings_respect_direction()
    {
        var model = TestModels.VanDerPol(1);
        var crossings = new StateEvent("x crosses 0", new Symbol("x"), CrossingDirection.Falling, Terminal: false);
        var solution = new OdeProblem(model, (0, 20), events: [crossings]).Solve(new Tsit5 { RelTol = 1e-10 });
        Assert.Equal(SolutionStatus.Success, solution.Status);
        // The van der Pol limit cycle for mu = 1 has period 6.6633; from x = 2 it falls through 0 three times by t = 20.
        Assert.Equal(3, solution.Events.Count);
        Assert.Equal(6.6633, solution.Events[1].Time - solution.Events[0].Time, 3);
    }

    [Fact]
    public void Non_negative_states_stay_non_negative()
    {
        var m = new ModelBuilder("decay");
        var k = m.Parameter("k", 50);
        var y = m.State("y", 1, nonNegative: true);
        m.Rate(y, -k * y);
        var solution = new OdeProblem(m.Build(), (0, 10)).Solve(new Tsit5 { RelTol = 1e-3, AbsTol = 1e-6 });
        Assert.Equal(SolutionStatus.Success, solution.Status);
        Assert.All(solution.State("y"), v => Assert.True(v >= 0));
    }

    [Fact]
    public void Bad_problems_are_rejected_with_clear_messages()
    {
        var model = TestModels.Exponential();
        Assert.Contains("time span", Assert.Throws<ArgumentException>(() => new OdeProblem(model, (5, 1))).Message, StringComparison.Ordinal);
        Assert.Contains("outside the time span", Assert.Throws<ArgumentException>(() => new OdeProblem(model, (0, 1), saveAt: [2])).Message, StringComparison.Ordinal);
        Assert.Contains("has no parameter 'b'", Assert.Throws<ArgumentException>(() => new OdeProblem(model, (0, 1), parameters: new Dictionary<string, double> { ["b"] = 1 })).Message, StringComparison.Ordinal);
        Assert.Contains("has no state 'W'", Assert.Throws<ArgumentException>(() => new OdeProblem(model, (0, 1), initialValues: new Dictionary<string, double> { ["W"] = 1 })).Message, StringComparison.Ordinal);
        var late = TestModels.OralPk(0, 12);
        Assert.Contains("before the start", Assert.Throws<ArgumentException>(() => new OdeProblem(late, (6, 20))).Message, StringComparison.Ordinal);
        Assert.Contains("not a state", Assert.Throws<ArgumentException>(() => new OdeProblem(model, (0, 1),
            doses: [new Bolus("x", new Symbol("a"), new Constant(1), DoseSchedule.At(0))])).Message, StringComparison.Ordinal);
        Assert.Contains("'zz'", Assert.Throws<ArgumentException>(() => new OdeProblem(model, (0, 1),
            events: [new StateEvent("e", new Symbol("zz"))])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Tsit5 { RelTol = -1 });
        Assert.Throws<KeyNotFoundException>(() => new OdeProblem(model, (0, 1)).Solve(new Tsit5 { StateAbsTol = new Dictionary<string, double> { ["nope"] = 1 } }));
    }

    [Fact]
    public void Cancellation_stops_a_solve()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => new OdeProblem(TestModels.Logistic(), (0, 10)).Solve(new Tsit5(), cancelled.Token));
    }
}
