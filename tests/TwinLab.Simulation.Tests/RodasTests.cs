using TwinLab.Core.Modelling;
using TwinLab.Core.Symbolic;

namespace TwinLab.Simulation.Tests;

/// <summary>Rodas5P: order of convergence, stiff reference problems, its cost against Rosenbrock23, dense output,
/// sensitivities and its use inside <see cref="AutoAlgorithm"/>. Closed forms (exponential, logistic, Gompertz,
/// repeated oral doses) are in <see cref="AccuracyTests"/>.</summary>
public class RodasTests
{
    private static readonly double[] RobertsonAt40 = [0.7158270687193135, 9.185534764529569e-6, 0.2841637457275328];

    /// <summary>y' = −k (y − sin t) + cos t, y(0) = 1: y = sin t + e^(−kt). Non-autonomous, so the ∂f/∂t terms of the
    /// method are exercised; k = 2 keeps it non-stiff for the convergence study.</summary>
    private static Model ForcedDecay(double k)
    {
        var m = new ModelBuilder("forced-decay");
        var rate = m.Parameter("k", k);
        var y = m.State("y", 1);
        m.Rate(y, (-rate * (y - Sym.Sin(Sym.Time))) + Sym.Cos(Sym.Time));
        return m.Build();
    }

    private static double ForcedDecayExact(double k, double t) => Math.Sin(t) + Math.Exp(-k * t);

    /// <summary>Global error of a fixed-step method of order p scales as hᵖ. Rodas5P has order 5: measured on the
    /// logistic model over [0, 5] and on the forced decay over [0, 2] with h = 0.1 and 0.05 (errors 1e-7 to 1e-10, far
    /// above rounding), the observed order lies within ±0.3 of 5.</summary>
    [Fact]
    public void Fixed_steps_converge_at_order_five()
    {
        var logistic = TestModels.Logistic();
        var exact = 100 * 2 * Math.Exp(0.8 * 5) / (100 + (2 * (Math.Exp(0.8 * 5) - 1)));
        double LogisticError(double h) =>
            Math.Abs(new OdeProblem(logistic, (0, 5), saveAt: [5]).Solve(new Rodas5P { Step = h }).State("V")[0] - exact);
        var observed = Math.Log2(LogisticError(0.1) / LogisticError(0.05));
        Assert.InRange(observed, 4.7, 5.3);

        var forced = ForcedDecay(2);
        double ForcedError(double h) =>
            Math.Abs(new OdeProblem(forced, (0, 2), saveAt: [2]).Solve(new Rodas5P { Step = h }).State("y")[0] - ForcedDecayExact(2, 2));
        var observedForced = Math.Log2(ForcedError(0.1) / ForcedError(0.05));
        Assert.InRange(observedForced, 4.7, 5.3);
    }

    /// <summary>The dense output has order 4: its local error is O(h⁵), so values saved between the steps of a fixed-step
    /// solve converge like the steps themselves (observed order within ±0.3 of 5).</summary>
    [Fact]
    public void Dense_output_between_fixed_steps_converges()
    {
        var model = TestModels.Logistic();
        double[] times = [.. Enumerable.Range(0, 10).Select(i => 0.37 + (i * 0.4))]; // never on a step boundary
        double MaxError(double h)
        {
            var solution = new OdeProblem(model, (0, 4), saveAt: times).Solve(new Rodas5P { Step = h });
            return times.Select((t, i) =>
            {
                var e = Math.Exp(0.8 * t);
                return Math.Abs(solution.State("V")[i] - (100 * 2 * e / (100 + (2 * (e - 1)))));
            }).Max();
        }
        var observed = Math.Log2(MaxError(0.1) / MaxError(0.05));
        Assert.InRange(observed, 4.7, 5.3);
    }

    /// <summary>Reference values at t = 40 from the test set for IVP solvers (Hairer and Wanner; Mazzia and Magherini).
    /// At RelTol 1e-10 Rodas5P agrees to 1e-8 relative in every component, the tiny y2 included — a hundred times
    /// tighter than what Rosenbrock23 is held to at RelTol 1e-8.</summary>
    [Fact]
    public void Robertson_matches_the_published_reference_to_1e_8()
    {
        var solution = new OdeProblem(TestModels.Robertson(), (0, 40), saveAt: [40]).Solve(new Rodas5P { RelTol = 1e-10, AbsTol = 1e-16 });
        Assert.Equal(SolutionStatus.Success, solution.Status);
        for (var i = 0; i < 3; i++)
        {
            var relative = Math.Abs(solution[0, i] - RobertsonAt40[i]) / RobertsonAt40[i];
            Assert.True(relative < 1e-8, $"y{i + 1}: {solution[0, i]:R} against {RobertsonAt40[i]:R} (relative {relative:E2})");
        }
    }

    /// <summary>On Robertson at RelTol 1e-8 Rosenbrock23 needs thousands of steps (its error estimate is third order);
    /// Rodas5P needs under 200, more than ten times fewer steps and five times fewer evaluations of f, for the same
    /// accuracy.</summary>
    [Fact]
    public void Far_fewer_steps_than_Rosenbrock23_on_Robertson()
    {
        var problem = new OdeProblem(TestModels.Robertson(), (0, 40), saveAt: [40]);
        var rodas = problem.Solve(new Rodas5P { RelTol = 1e-8, AbsTol = 1e-14 });
        var rosenbrock = problem.Solve(new Rosenbrock23 { RelTol = 1e-8, AbsTol = 1e-14 });
        Assert.True(rodas.Succeeded && rosenbrock.Succeeded);
        Assert.True(rodas.Statistics.AcceptedSteps * 10 < rosenbrock.Statistics.AcceptedSteps,
            $"Rodas5P {rodas.Statistics.AcceptedSteps} steps, Rosenbrock23 {rosenbrock.Statistics.AcceptedSteps}");
        Assert.True(rodas.Statistics.FunctionEvaluations * 5 < rosenbrock.Statistics.FunctionEvaluations,
            $"Rodas5P {rodas.Statistics.FunctionEvaluations} evaluations, Rosenbrock23 {rosenbrock.Statistics.FunctionEvaluations}");
        for (var i = 0; i < 3; i++)
        {
            Assert.True(Math.Abs(rodas[0, i] - RobertsonAt40[i]) < 1e-6 * RobertsonAt40[i], $"y{i + 1} = {rodas[0, i]:R}");
        }
        // One Jacobian per accepted step (plus the first), one factorisation per attempted step size.
        Assert.InRange(rodas.Statistics.JacobianEvaluations, rodas.Statistics.AcceptedSteps, rodas.Statistics.AcceptedSteps + 1);
        Assert.InRange(rodas.Statistics.Factorizations, rodas.Statistics.JacobianEvaluations, rodas.Statistics.AcceptedSteps + rodas.Statistics.RejectedSteps);
    }

    /// <summary>Van der Pol with μ = 1000 over about two periods, with its fast jumps: Rodas5P at RelTol 1e-6 agrees with a
    /// RelTol 1e-11 solve by itself to 1e-5 and with a RelTol 1e-8 solve by Rosenbrock23 (an independent method) to 1e-4,
    /// in under 1500 steps where Rosenbrock23 at RelTol 1e-6 needs over 5000 and is less accurate.</summary>
    [Fact]
    public void Van_der_Pol_with_mu_1000()
    {
        var problem = new OdeProblem(TestModels.VanDerPol(1000), (0, 3000), saveAt: [1000, 2000, 3000]);
        var rodas = problem.Solve(new Rodas5P { RelTol = 1e-6, AbsTol = 1e-8 });
        var reference = problem.Solve(new Rodas5P { RelTol = 1e-11, AbsTol = 1e-11 });
        var independent = problem.Solve(new Rosenbrock23 { RelTol = 1e-8, AbsTol = 1e-10 });
        var rosenbrock = problem.Solve(new Rosenbrock23 { RelTol = 1e-6, AbsTol = 1e-8 });
        Assert.True(rodas.Succeeded && reference.Succeeded && independent.Succeeded, rodas.ToString());
        Assert.True(rodas.Statistics.AcceptedSteps < 1500, rodas.ToString());
        Assert.True(rosenbrock.Statistics.AcceptedSteps > 5000, rosenbrock.ToString());
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(reference.State("x")[i], rodas.State("x")[i], 1e-5);
            Assert.Equal(independent.State("x")[i], reference.State("x")[i], 1e-4);
            Assert.True(Math.Abs(rodas.State("x")[i] - reference.State("x")[i]) < Math.Abs(rosenbrock.State("x")[i] - reference.State("x")[i]),
                $"at {problem.SaveAt![i]}: Rodas5P {rodas.State("x")[i]:R}, Rosenbrock23 {rosenbrock.State("x")[i]:R}, reference {reference.State("x")[i]:R}");
        }
    }

    /// <summary>A stiff non-autonomous problem (Prothero–Robinson, k = 1e6) is solved in few steps and to the tolerance:
    /// L-stability damps the transient and the ∂f/∂t terms keep the smooth solution accurate at every step. Between
    /// steps the dense output is only third order on such a stiff component (its local error behaves like h⁴ as
    /// hk → ∞, as for the algebraic part of a DAE), so values interpolated inside the long steps (about 1) are held only to 1e-4, and to 1e-7 once MaxStep
    /// bounds the steps to 0.1.</summary>
    [Fact]
    public void Stiff_forced_decay_is_solved_accurately_in_few_steps()
    {
        var problem = new OdeProblem(ForcedDecay(1e6), (0, 10));
        var solution = problem.Solve(new Rodas5P { RelTol = 1e-8, AbsTol = 1e-10 });
        Assert.Equal(SolutionStatus.Success, solution.Status);
        Assert.True(solution.Statistics.AcceptedSteps < 400, solution.ToString());
        for (var i = 0; i < solution.Count; i++)
        {
            var t = solution.Times[i];
            Assert.True(Math.Abs(solution.State("y")[i] - ForcedDecayExact(1e6, t)) < 1e-8,
                $"at {t}: {solution.State("y")[i]:R} against {ForcedDecayExact(1e6, t):R}");
        }

        double[] times = [.. Enumerable.Range(1, 20).Select(i => i * 0.5)];
        double WorstInterpolated(double? maxStep)
        {
            var saved = new OdeProblem(ForcedDecay(1e6), (0, 10), saveAt: times).Solve(new Rodas5P { RelTol = 1e-8, AbsTol = 1e-10, MaxStep = maxStep });
            return times.Select((t, i) => Math.Abs(saved.State("y")[i] - ForcedDecayExact(1e6, t))).Max();
        }
        var free = WorstInterpolated(null);
        var bounded = WorstInterpolated(0.1);
        Assert.True(free < 1e-4, $"interpolated error {free:E2} with free steps");
        Assert.True(bounded < 1e-7, $"interpolated error {bounded:E2} with steps of at most 0.1");
    }

    /// <summary>The dense output fills requested times without forcing steps, to the accuracy of the steps, across doses.</summary>
    [Fact]
    public void Saved_times_come_from_the_dense_output_without_extra_steps()
    {
        double[] doses = [0, 12, 24, 36, 48.5];
        var model = TestModels.OralPk(doses);
        var algorithm = new Rodas5P { RelTol = 1e-8, AbsTol = 1e-10 };
        double[] times = [.. Enumerable.Range(0, 601).Select(i => i * 0.1)];
        var dense = new OdeProblem(model, (0, 60), saveAt: times).Solve(algorithm);
        var sparse = new OdeProblem(model, (0, 60), saveAt: [60]).Solve(algorithm);
        Assert.Equal(sparse.Statistics.AcceptedSteps, dense.Statistics.AcceptedSteps);
        for (var i = 0; i < times.Length; i++)
        {
            var t = times[i];
            var exact = doses.Where(d => t >= d).Sum(d => 70 * 1.2 / (1.2 - 0.15) * (Math.Exp(-0.15 * (t - d)) - Math.Exp(-1.2 * (t - d))));
            Assert.True(Math.Abs(dense.State("A_c")[i] - exact) < 1e-6 * 70, $"A_c at {t}: {dense.State("A_c")[i]:R} against {exact:R}");
        }
    }

    [Fact]
    public void A_terminal_event_is_located_on_the_dense_output()
    {
        var threshold = new StateEvent("reaches 10", new Symbol("V") - 10, CrossingDirection.Rising);
        var solution = new OdeProblem(TestModels.Exponential(), (0, 20), events: [threshold]).Solve(new Rodas5P { RelTol = 1e-10, AbsTol = 1e-12 });
        Assert.Equal(SolutionStatus.Terminated, solution.Status);
        var occurrence = Assert.Single(solution.Events);
        Assert.True(Math.Abs(occurrence.Time - (Math.Log(10) / 0.3)) < 1e-8, $"event at {occurrence.Time:R}");
    }

    /// <summary>Forward sensitivities through Rodas5P (the augmented system's Jacobian by forward differences): against the
    /// analytic derivatives of the exponential, and against Tsit5's sensitivities for repeated oral doses whose amount
    /// depends on F.</summary>
    [Fact]
    public void Sensitivities_work_with_Rodas5P()
    {
        var times = new[] { 1.0, 5, 10 };
        var exp = new OdeProblem(TestModels.Exponential(0.3, 2), (0, 10), saveAt: times, sensitivities: ["a", "V0"])
            .Solve(new Rodas5P { RelTol = 1e-10, AbsTol = 1e-12 });
        Assert.Equal(SolutionStatus.Success, exp.Status);
        for (var i = 0; i < times.Length; i++)
        {
            var t = times[i];
            Assert.Equal(t * 2 * Math.Exp(0.3 * t), exp.Sensitivity("V", "a")[i], 1e-6 * t * 2 * Math.Exp(0.3 * t));
            Assert.Equal(Math.Exp(0.3 * t), exp.Sensitivity("V", "V0")[i], 1e-6 * Math.Exp(0.3 * t));
        }

        var oral = new OdeProblem(TestModels.OralPk(0, 12), (0, 24), saveAt: [1.0, 6, 12, 13, 20], sensitivities: ["ka", "ke", "F"]);
        var rodas = oral.Solve(new Rodas5P { RelTol = 1e-10, AbsTol = 1e-12 });
        var tsit = oral.Solve(new Tsit5 { RelTol = 1e-11, AbsTol = 1e-12 });
        foreach (var parameter in new[] { "ka", "ke", "F" })
        {
            var expected = tsit.Sensitivity("A_c", parameter);
            var actual = rodas.Sensitivity("A_c", parameter);
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6 * Math.Max(1, Math.Abs(expected[i])),
                    $"∂A_c/∂{parameter} at {oral.SaveAt![i]}: Rodas5P {actual[i]:R}, Tsit5 {expected[i]:R}");
            }
        }
    }

    /// <summary>Auto switches to Rodas5P by default (and to Rosenbrock23 when asked); at RelTol 1e-6 on Robertson the
    /// default takes far fewer steps after the switch and is as accurate.</summary>
    [Fact]
    public void Auto_switches_to_the_configured_stiff_method()
    {
        var problem = new OdeProblem(TestModels.Robertson(), (0, 40), saveAt: [40]);
        var byDefault = new AutoAlgorithm { RelTol = 1e-6, AbsTol = 1e-12 };
        var second = new AutoAlgorithm { RelTol = 1e-6, AbsTol = 1e-12, Stiff = StiffMethod.Rosenbrock23 };
        Assert.Equal(StiffMethod.Rodas5P, byDefault.Stiff);
        Assert.Equal("Auto(Tsit5/Rodas5P, RelTol=1E-06, AbsTol=1E-12)", byDefault.ToString());
        Assert.Equal("Auto(Tsit5/Rosenbrock23, RelTol=1E-06, AbsTol=1E-12)", second.ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => new AutoAlgorithm { Stiff = (StiffMethod)7 });

        var fifth = problem.Solve(byDefault);
        var low = problem.Solve(second);
        Assert.NotNull(fifth.Statistics.StiffSwitchTime);
        Assert.NotNull(low.Statistics.StiffSwitchTime);
        Assert.Equal(byDefault.ToString(), fifth.Algorithm);
        Assert.True(fifth.Statistics.AcceptedSteps * 5 < low.Statistics.AcceptedSteps, $"{fifth} / {low}");
        for (var i = 0; i < 3; i++)
        {
            Assert.True(Math.Abs(fifth[0, i] - RobertsonAt40[i]) < 1e-5 * RobertsonAt40[i], $"y{i + 1} = {fifth[0, i]:R}");
        }
    }

    /// <summary>Steps allocate nothing: a solve twice as long (about twice the steps) allocates no more than a few hundred
    /// bytes more.</summary>
    [Fact]
    public void Steps_do_not_allocate()
    {
        var model = TestModels.VanDerPol(1000);
        var algorithm = new Rodas5P { RelTol = 1e-6, AbsTol = 1e-8 };
        long Allocated(double end, out int steps)
        {
            var problem = new OdeProblem(model, (0, end), saveAt: [end]);
            var before = GC.GetAllocatedBytesForCurrentThread();
            var solution = problem.Solve(algorithm);
            var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            steps = solution.Statistics.AcceptedSteps;
            return bytes;
        }
        Allocated(3000, out _); // warm up
        var shortSolve = Allocated(1500, out var shortSteps);
        var longSolve = Allocated(3000, out var longSteps);
        Assert.True(longSteps > shortSteps + 200, $"{shortSteps} and {longSteps} steps");
        Assert.True(longSolve - shortSolve < 1024, $"{shortSolve} bytes for {shortSteps} steps, {longSolve} for {longSteps}");
    }

    [Fact]
    public void Settings_are_validated_and_described()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Rodas5P { Step = 0 });
        Assert.Equal("Rodas5P", new Rodas5P().Name);
        Assert.Equal("Rodas5P(fixed step 0.1)", new Rodas5P { Step = 0.1 }.ToString());
        Assert.Equal("Rodas5P(RelTol=1E-08, AbsTol=1E-10)", new Rodas5P { RelTol = 1e-8, AbsTol = 1e-10 }.ToString());
    }
}
