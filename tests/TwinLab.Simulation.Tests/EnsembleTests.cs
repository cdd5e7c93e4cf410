using TwinLab.Core.Library;
using TwinLab.Core.Modelling;
using TwinLab.Core.Symbolic;
using TwinLab.Simulation.Ensembles;

namespace TwinLab.Simulation.Tests;

public class EnsembleTests
{
    private static readonly double[] Days = [.. Enumerable.Range(0, 51).Select(i => i * 2.0)];

    private static EnsembleProblem Kuznetsov(int count, ulong seed = 7) =>
        new OdeProblem(ModelLibrary.Get("kuznetsov"), (0, 100), saveAt: Days)
            .Ensemble(PatientTable.LogNormal(ModelLibrary.Get("kuznetsov"), count, 0.3, seed));

    /// <summary>Relative agreement, with an absolute floor of 1e-14 for values that have decayed far below every
    /// absolute tolerance used here.</summary>
    private static void AssertRelative(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - actual) <= (tolerance * Math.Abs(expected)) + 1e-14 || (double.IsNaN(expected) && double.IsNaN(actual)),
            $"{what}: expected {expected:R}, got {actual:R}");

    /// <summary>The SIMD lanes run the same algorithm, with the same fused multiply-adds and the same exp and log
    /// (<see cref="LaneMath"/>), as the one-lane reference, so the trajectories agree to 1e-12 relative (in practice
    /// bitwise).</summary>
    [Fact]
    public void Simd_lanes_equal_the_scalar_reference()
    {
        var problem = Kuznetsov(37);
        var algorithm = new Tsit5 { RelTol = 1e-8, AbsTol = 1e-6 };
        var simd = problem.Solve(algorithm, new EnsembleOptions { Backend = EnsembleBackend.Simd });
        var scalar = problem.Solve(algorithm, new EnsembleOptions { Backend = EnsembleBackend.Scalar });
        Assert.Equal(0, simd.Failed);
        Assert.Contains("lanes", simd.Engine, StringComparison.Ordinal);
        for (var i = 0; i < 37; i++)
        {
            var a = simd.State(i, "T");
            var b = scalar.State(i, "T");
            for (var j = 0; j < a.Length; j++)
            {
                AssertRelative(b[j], a[j], 1e-12, $"patient {i} T at {Days[j]}");
            }
        }
    }

    /// <summary>Adaptive float64 ensembles on AVX-512 run two registers per value, with the kernels emitted as vector
    /// intrinsics (<see cref="LaneInstructions"/>): every operation the lane compiler knows (exp, log, powers,
    /// trigonometric functions, tanh, min, max, abs, sqrt, conditionals with and, or, not) must give the scalar
    /// reference's trajectories, across the sixteen lanes of both registers.</summary>
    [Fact]
    public void Every_operation_of_the_two_register_kernels_equals_the_scalar_reference()
    {
        var m = new ModelBuilder("every-operation");
        var a = m.Parameter("a", 0.7);
        var b = m.Parameter("b", 1.3);
        var x = m.State("x", 1.2);
        var y = m.State("y", 0.4);
        var oscillating = Sym.Sin(x * b) + Sym.Cos(y) - Sym.Tanh(x - y);
        var bounded = Sym.Min(Sym.Max(Sym.Sqrt(Sym.Abs(y) + 1), Sym.Log(x * x + 1)), Sym.Exp(-y));
        var gated = Sym.If((x > y) & !(y >= 2) | Sym.Equal(x, a) | Sym.NotEqual(y, y), Sym.Pow(Sym.Abs(x) + 1, a), Sym.Pow(x, 2) / (1 + (y * y)));
        m.Rate(x, (0.1 * a * oscillating) - (0.5 * x * gated));
        m.Rate(y, (0.1 * bounded * b) - (0.5 * y) + (0.1 * Sym.Pow(Sym.Abs(x) + 0.5, -2)));
        var model = m.Build();
        var problem = new OdeProblem(model, (0, 1), saveAt: [0, 0.25, 0.5, 0.75, 1])
            .Ensemble(PatientTable.LogNormal(model, 37, 0.3, 11));
        var algorithm = new Tsit5 { RelTol = 1e-9, AbsTol = 1e-9 };
        var simd = problem.Solve(algorithm, new EnsembleOptions { Backend = EnsembleBackend.Simd });
        var scalar = problem.Solve(algorithm, new EnsembleOptions { Backend = EnsembleBackend.Scalar });
        if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
        {
            Assert.Contains("two registers", simd.Engine, StringComparison.Ordinal);
        }
        Assert.Equal(0, scalar.Failed);
        Assert.Equal(0, simd.Failed);
        for (var i = 0; i < 37; i++)
        {
            foreach (var state in new[] { "x", "y" })
            {
                var expected = scalar.State(i, state);
                var actual = simd.State(i, state);
                for (var j = 0; j < expected.Length; j++)
                {
                    AssertRelative(expected[j], actual[j], 1e-12, $"patient {i} {state} at point {j}");
                }
            }
        }
    }

    [Fact]
    public void Aligned_lanes_and_their_slices_start_on_a_cache_line()
    {
        for (var length = 1; length < 20; length++)
        {
            var lanes = new AlignedLanes<Lanes512x2<double>>(length);
            lanes[length - 1] = Lanes512x2<double>.Constant(length);
            Assert.Equal(0, lanes.Address % 64);
            Assert.Equal(length, Lanes512x2<double>.Lane(lanes[length - 1], 15));

            // A slice is aligned and shares the memory: writes through it show in the whole.
            var slice = lanes.Slice(length / 2, length - (length / 2));
            Assert.Equal(0, slice.Address % 64);
            slice[0] = Lanes512x2<double>.Constant(-1);
            Assert.Equal(-1, Lanes512x2<double>.Lane(lanes[length / 2], 0));
            Assert.Equal(length - (length / 2), slice.Span.Length);
        }
    }

    [Fact]
    public void Lanes_agree_with_single_trajectory_solves()
    {
        var model = ModelLibrary.Get("kuznetsov");
        var table = PatientTable.LogNormal(model, 12, 0.3, 11);
        var algorithm = new Tsit5 { RelTol = 1e-9, AbsTol = 1e-6 };
        var ensemble = new OdeProblem(model, (0, 100), saveAt: Days).Ensemble(table).Solve(algorithm);
        for (var i = 0; i < 12; i++)
        {
            var parameters = model.Parameters.ToDictionary(p => p.Name, p => table.Column(p.Name)[i]);
            var single = new OdeProblem(model, (0, 100), saveAt: Days, parameters: parameters).Solve(algorithm);
            var a = ensemble.State(i, "E");
            var b = single.State("E");
            for (var j = 0; j < a.Length; j++)
            {
                AssertRelative(b[j], a[j], 1e-6, $"patient {i} E at {Days[j]}");
            }
        }
    }

    [Fact]
    public void Results_are_identical_for_any_thread_count_and_block_size()
    {
        var problem = Kuznetsov(203);
        var algorithm = new Tsit5 { RelTol = 1e-6 };
        var reference = problem.Solve(algorithm, new EnsembleOptions { Threads = 1, BlockSize = 1024 });
        foreach (var (threads, block) in new[] { (2, 64), (7, 13), (3, 1), (2, 8) })
        {
            var other = problem.Solve(algorithm, new EnsembleOptions { Threads = threads, BlockSize = block });
            for (var i = 0; i < reference.Count; i++)
            {
                Assert.Equal(reference.State(i, "T"), other.State(i, "T"));
                Assert.Equal(reference.State(i, "E"), other.State(i, "E"));
            }
        }
    }

    /// <summary>Reports arrive from the worker threads as each block finishes.</summary>
    private sealed class Reports(Action<EnsembleProgress> onReport) : IProgress<EnsembleProgress>
    {
        public void Report(EnsembleProgress value) => onReport(value);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Progress_counts_every_trajectory_once_whatever_the_thread_count(int threads)
    {
        var reports = new System.Collections.Concurrent.ConcurrentBag<EnsembleProgress>();
        Kuznetsov(203).Solve(new Tsit5 { RelTol = 1e-6 },
            new EnsembleOptions { Threads = threads, BlockSize = 16, Progress = new Reports(reports.Add) });
        // 203 trajectories in blocks of 16: thirteen reports, whose counts are the partial sums in some order.
        Assert.Equal(13, reports.Count);
        Assert.Equal(203, reports.Max(r => r.Completed));
        Assert.Equal(13, reports.Select(r => r.Completed).Distinct().Count());
        Assert.All(reports, r => Assert.Equal(203, r.Total));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Cancelling_stops_the_run_between_blocks(int threads)
    {
        using var cancel = new CancellationTokenSource();
        var reports = 0;
        var options = new EnsembleOptions
        {
            Threads = threads,
            BlockSize = 16,
            Progress = new Reports(_ =>
            {
                Interlocked.Increment(ref reports);
                cancel.Cancel();
            }),
        };
        Assert.ThrowsAny<OperationCanceledException>(() => Kuznetsov(2000).Solve(new Tsit5 { RelTol = 1e-6 }, options, cancel.Token));
        // Each worker finishes at most the block it holds when the first report cancels the run.
        Assert.InRange(reports, 1, threads);
    }

    [Fact]
    public void Per_patient_doses_and_divergent_lanes_are_handled()
    {
        var model = ModelLibrary.Get("pk-oral-1cmt");
        var table = PatientTable.LogNormal(model, 19, 0.4, 3, ["ka", "CL", "V"])
            .WithDoses(i => i % 3 == 0 ? [new PatientDose("A_gut", 5 + i, 50)] : []);
        var problem = new OdeProblem(model, (0, 72), saveAt: [.. Enumerable.Range(0, 73).Select(i => (double)i)]).Ensemble(table);
        var algorithm = new Tsit5 { RelTol = 1e-8, AbsTol = 1e-8 };
        var simd = problem.Solve(algorithm);
        var scalar = problem.Solve(algorithm, new EnsembleOptions { Backend = EnsembleBackend.Scalar });
        for (var i = 0; i < 19; i++)
        {
            Assert.Equal(SolutionStatus.Success, simd.Statuses[i]);
            var a = simd.State(i, "A_gut");
            var b = scalar.State(i, "A_gut");
            for (var j = 0; j < a.Length; j++)
            {
                AssertRelative(b[j], a[j], 1e-12, $"patient {i} A_gut at {j}");
            }
            // The model's dose at 12 h (F · dose = 80 mg) is in the gut at exactly 12.
            Assert.True(a[12] >= 80);
        }
        // Patient 3 had an extra 50 mg at 8 h.
        Assert.True(simd.State(3, "A_gut")[8] >= 50);
        Assert.True(simd.State(4, "A_gut")[8] < 1);
    }

    [Fact]
    public void Failing_lanes_do_not_disturb_the_others()
    {
        var m = new ModelBuilder("blow");
        var a = m.Parameter("a", 1);
        var y = m.State("y", 1);
        m.Rate(y, a * y * y);
        var model = m.Build();
        // y = 1 / (1 − a t) blows up at t = 1/a: patients with a > 0.5 fail before t = 2.
        var rates = Enumerable.Range(0, 24).Select(i => 0.1 + (0.05 * i)).ToArray();
        var problem = new OdeProblem(model, (0, 2), saveAt: [0, 0.5, 1, 1.5, 2]).Ensemble(PatientTable.FromColumns(new Dictionary<string, double[]> { ["a"] = rates }));
        var solution = problem.Solve(new Tsit5 { RelTol = 1e-10, AbsTol = 1e-10 });
        for (var i = 0; i < rates.Length; i++)
        {
            if (rates[i] < 0.5)
            {
                Assert.Equal(SolutionStatus.Success, solution.Statuses[i]);
                AssertRelative(1 / (1 - (rates[i] * 2)), solution.State(i, "y")[4], 1e-8, $"patient {i}");
            }
            else if (rates[i] > 0.5)
            {
                Assert.NotEqual(SolutionStatus.Success, solution.Statuses[i]);
                Assert.True(double.IsNaN(solution.State(i, "y")[4]));
            }
        }
        Assert.True(solution.Failed >= 14);
    }

    [Fact]
    public void Reducers_equal_the_values_computed_from_full_outputs()
    {
        var model = ModelLibrary.Get("kuznetsov");
        var threshold = EnsembleReducer.TimeToEvent("tumour_above_5e7", new Symbol("T") - 5e7, CrossingDirection.Rising);
        var reducers = new[] { EnsembleReducer.Final("T"), EnsembleReducer.Minimum("T"), EnsembleReducer.Maximum("E"), EnsembleReducer.AreaUnderCurve("T"), threshold };
        var problem = new OdeProblem(model, (0, 100), saveAt: Days).Ensemble(PatientTable.LogNormal(model, 40, 0.3, 5));
        var algorithm = new Tsit5 { RelTol = 1e-9, AbsTol = 1e-6 };
        var full = problem.Solve(algorithm, new EnsembleOptions { Reducers = reducers });
        var reduced = problem.Solve(algorithm, new EnsembleOptions { Reducers = reducers, StoreTrajectories = false });
        Assert.Throws<InvalidOperationException>(() => reduced.State(0, "T"));
        var events = 0;
        for (var i = 0; i < 40; i++)
        {
            var t = full.State(i, "T");
            var e = full.State(i, "E");
            Assert.Equal(t[^1], reduced.Reduced("final(T)")[i]);
            Assert.Equal(t.Min(), reduced.Reduced("min(T)")[i]);
            Assert.Equal(e.Max(), reduced.Reduced("max(E)")[i]);
            var area = 0.0;
            for (var j = 1; j < t.Length; j++)
            {
                area += 0.5 * (Days[j] - Days[j - 1]) * (t[j] + t[j - 1]);
            }
            AssertRelative(area, reduced.Reduced("auc(T)")[i], 1e-12, "AUC");

            // The time to event against a single solve with a terminal event.
            var parameters = model.Parameters.ToDictionary(p => p.Name, p => problem.Patients.Column(p.Name)[i]);
            var single = new OdeProblem(model, (0, 100), parameters: parameters,
                events: [new StateEvent("x", new Symbol("T") - 5e7, CrossingDirection.Rising)]).Solve(algorithm);
            var tte = reduced.Reduced("tumour_above_5e7")[i];
            if (single.Events.Count == 0)
            {
                Assert.True(double.IsNaN(tte), $"patient {i}: no crossing expected, got {tte}");
            }
            else
            {
                events++;
                Assert.Equal(single.Events[0].Time, tte, 1e-5);
            }
        }
        Assert.InRange(events, 1, 39); // some patients progress, some do not
    }

    /// <summary>The bounded-memory quantile sketch against exact order statistics of the stored trajectories: every
    /// quantile within its relative accuracy (0.1 %) of the value of rank ⌊p (n − 1)⌋, and identical across thread counts.</summary>
    [Fact]
    public void Quantile_sketches_match_exact_order_statistics()
    {
        var problem = Kuznetsov(3000);
        var algorithm = new Tsit5 { RelTol = 1e-6 };
        var full = problem.Solve(algorithm);
        var sketched = problem.Solve(algorithm, new EnsembleOptions { StoreTrajectories = false, Reducers = [EnsembleReducer.Quantiles("T")] });
        var other = problem.Solve(algorithm, new EnsembleOptions { StoreTrajectories = false, Threads = 1, BlockSize = 7, Reducers = [EnsembleReducer.Quantiles("T")] });
        double[] probabilities = [0.025, 0.25, 0.5, 0.75, 0.975];
        var q = sketched.Quantiles("T", probabilities);
        Assert.Equal(q, other.Quantiles("T", probabilities));
        for (var j = 0; j < Days.Length; j += 5)
        {
            var column = Enumerable.Range(0, 3000).Select(i => full.State(i, "T")[j]).Order().ToArray();
            for (var k = 0; k < probabilities.Length; k++)
            {
                var exact = column[(int)Math.Floor(probabilities[k] * (column.Length - 1))];
                Assert.True(Math.Abs(q[k][j] - exact) <= 1e-3 * Math.Abs(exact) * 1.0001,
                    $"p = {probabilities[k]} at day {Days[j]}: sketch {q[k][j]}, exact {exact}");
            }
        }
        Assert.Throws<InvalidOperationException>(() => sketched.Reduced("quantiles(T)"));
        Assert.Throws<InvalidOperationException>(() => sketched.Quantiles("E", 0.5));
    }

    [Fact]
    public void Fixed_step_float64_and_float32_lanes_match_the_reference()
    {
        var lorenz = ModelLibrary.Get("lorenz");
        var rho = Enumerable.Range(0, 64).Select(i => 21.0 * i / 63).ToArray();
        var problem = new OdeProblem(lorenz, (0, 1), saveAt: [1], initialValues: new Dictionary<string, double> { ["x"] = 1, ["y"] = 0, ["z"] = 0 })
            .Ensemble(PatientTable.FromColumns(new Dictionary<string, double[]> { ["rho"] = rho }));
        var algorithm = new Tsit5 { Step = 0.001 };
        var simd = problem.Solve(algorithm, new EnsembleOptions { StoreTrajectories = true });
        var scalar = problem.Solve(algorithm, new EnsembleOptions { Backend = EnsembleBackend.Scalar });
        var single = problem.Solve(algorithm, new EnsembleOptions { Precision = EnsemblePrecision.SinglePrecision });
        Assert.Equal(64 * 1000, simd.AcceptedSteps);
        for (var i = 0; i < 64; i++)
        {
            AssertRelative(scalar.State(i, "x")[0], simd.State(i, "x")[0], 1e-12, $"x of trajectory {i}");
            // Single precision: about 1e-5 relative after 1000 steps of a mildly chaotic flow.
            Assert.True(Math.Abs(simd.State(i, "x")[0] - single.State(i, "x")[0]) <= 1e-3 * Math.Max(1, Math.Abs(simd.State(i, "x")[0])),
                $"float32 x of trajectory {i}: {single.State(i, "x")[0]} vs {simd.State(i, "x")[0]}");
        }
        var reference = new OdeProblem(lorenz, (0, 1), saveAt: [1], parameters: new Dictionary<string, double> { ["rho"] = rho[40] },
            initialValues: new Dictionary<string, double> { ["x"] = 1, ["y"] = 0, ["z"] = 0 }).Solve(algorithm);
        AssertRelative(reference.State("x")[0], simd.State(40, "x")[0], 1e-10, "against OdeProblem");
    }

    private static void AssertBitwiseEqual(EnsembleSolution expected, EnsembleSolution actual, string what)
    {
        Assert.Equal(expected.Statuses, actual.Statuses);
        Assert.Equal(expected.AcceptedSteps, actual.AcceptedSteps);
        Assert.Equal(expected.RejectedSteps, actual.RejectedSteps);
        for (var i = 0; i < expected.Count; i++)
        {
            foreach (var state in expected.Model.States)
            {
                var a = expected.State(i, state.Name);
                var b = actual.State(i, state.Name);
                for (var j = 0; j < a.Length; j++)
                {
                    Assert.True(BitConverter.DoubleToInt64Bits(a[j]) == BitConverter.DoubleToInt64Bits(b[j]),
                        $"{what}: patient {i}, {state.Name} at save {j}: {a[j]:R} against {b[j]:R}");
                }
            }
        }
    }

    /// <summary>Runs of steps without per-lane bookkeeping go through register loops (compiled for fixed steps, in
    /// locals for adaptive ones); they take exactly the steps the general path takes, so turning them off changes no
    /// bit: with per-patient doses, a saved grid, lanes that diverge, lanes that fail, in float64 and float32, on SIMD
    /// lanes and on the one-lane reference.</summary>
    [Fact]
    public void Register_loops_take_exactly_the_steps_of_the_general_path()
    {
        var pk = ModelLibrary.Get("pk-oral-1cmt");
        var table = PatientTable.LogNormal(pk, 37, 0.4, 3, ["ka", "CL", "V"])
            .WithDoses(i => i % 3 == 0 ? [new PatientDose("A_gut", 5.5 + (i * 0.37), 50)] : []);
        var pkProblem = new OdeProblem(pk, (0, 72), saveAt: [.. Enumerable.Range(0, 25).Select(i => i * 3.0)]).Ensemble(table);
        var blow = new ModelBuilder("blow");
        var a = blow.Parameter("a", 1);
        var y = blow.State("y", 1);
        blow.Rate(y, a * y * y);
        var blowProblem = new OdeProblem(blow.Build(), (0, 2), saveAt: [0, 0.5, 1, 1.5, 2])
            .Ensemble(PatientTable.FromColumns(new Dictionary<string, double[]> { ["a"] = [.. Enumerable.Range(0, 21).Select(i => 0.1 + (0.05 * i))] }));
        var cases = new (string What, EnsembleProblem Problem, OdeAlgorithm Algorithm)[]
        {
            ("pk adaptive", pkProblem, new Tsit5 { RelTol = 1e-8, AbsTol = 1e-8 }),
            ("pk fixed", pkProblem, new Tsit5 { Step = 0.01 }),
            ("kuznetsov adaptive", Kuznetsov(29), new Tsit5 { RelTol = 1e-6 }),
            ("blow-up adaptive", blowProblem, new Tsit5 { RelTol = 1e-10, AbsTol = 1e-10 }),
            ("blow-up fixed", blowProblem, new Tsit5 { Step = 1e-3 }),
        };
        foreach (var (what, problem, algorithm) in cases)
        {
            foreach (var backend in new[] { EnsembleBackend.Simd, EnsembleBackend.Scalar })
            {
                foreach (var precision in new[] { EnsemblePrecision.DoublePrecision, EnsemblePrecision.SinglePrecision })
                {
                    var loops = problem.Solve(algorithm, new EnsembleOptions { Backend = backend, Precision = precision });
                    var general = problem.Solve(algorithm, new EnsembleOptions { Backend = backend, Precision = precision, InnerLoops = false });
                    AssertBitwiseEqual(general, loops, $"{what}, {backend}, {precision}");
                }
            }
        }
    }

    [Fact]
    public void Stiff_lanes_fall_back_to_the_stiff_solver_under_auto()
    {
        var robertson = TestModels.Robertson();
        var problem = new OdeProblem(robertson, (0, 40), saveAt: [40])
            .Ensemble(PatientTable.LogNormal(robertson, 9, 0.1, 2, ["k1"]));
        var solution = problem.Solve(new AutoAlgorithm { RelTol = 1e-6, AbsTol = 1e-10 });
        Assert.Equal(0, solution.Failed);
        Assert.Contains("re-solved", solution.Engine, StringComparison.Ordinal);
        Assert.All(Enumerable.Range(0, 9), i => Assert.InRange(solution.State(i, "y1")[0], 0.6, 0.8));
    }

    [Fact]
    public void Other_algorithms_use_the_scalar_solver_on_every_core()
    {
        var problem = Kuznetsov(10);
        var solution = problem.Solve(new Rosenbrock23 { RelTol = 1e-6 });
        Assert.StartsWith("scalar Rosenbrock23", solution.Engine, StringComparison.Ordinal);
        Assert.Equal(0, solution.Failed);
        var quantiles = solution.Quantiles("T", 0.1, 0.5, 0.9);
        Assert.True(quantiles[0][^1] <= quantiles[1][^1] && quantiles[1][^1] <= quantiles[2][^1]);
    }

    /// <summary>A million patients with reduced output: live memory stays bounded by the reducers (a few numbers per
    /// patient) instead of the 1e6 × 11 × 1 values a full output would need, and every patient succeeds.</summary>
    [Fact]
    public void A_million_patients_with_reduced_output_run_in_bounded_memory()
    {
        var model = TestModels.Exponential();
        var problem = new OdeProblem(model, (0, 1), saveAt: [.. Enumerable.Range(0, 11).Select(i => i / 10.0)])
            .Ensemble(PatientTable.LogNormal(model, 1_000_000, 0.2, 4, ["a"]));
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var solution = problem.Solve(new Tsit5 { RelTol = 1e-6 }, new EnsembleOptions
        {
            StoreTrajectories = false,
            Reducers = [EnsembleReducer.Final("V")],
        });
        var after = GC.GetTotalMemory(forceFullCollection: true);
        Assert.Equal(0, solution.Failed);
        Assert.False(solution.HasTrajectories);
        // Per patient: the final value, status, step counts and reducer bookkeeping: under 64 bytes.
        Assert.True(after - before < 64L * 1_000_000, $"live memory grew by {(after - before) / 1e6:F1} MB");
        var a = problem.Patients.Column("a");
        Assert.Equal(Math.Exp(a[123_456]), solution.Reduced("final(V)")[123_456], 1e-5 * Math.Exp(a[123_456]));
    }

    [Fact]
    public void Log_normal_patients_are_reproducible_and_independent_of_the_count()
    {
        var model = ModelLibrary.Get("kuznetsov");
        var a = PatientTable.LogNormal(model, 100, 0.3, 42);
        var b = PatientTable.LogNormal(model, 10, 0.3, 42);
        var c = PatientTable.LogNormal(model, 10, 0.3, 43);
        Assert.Equal(a.Column("a").Take(10), b.Column("a"));
        Assert.NotEqual(b.Column("a"), c.Column("a"));
        // The CV of a log-normal sample of 100 000 lies within a few percent of the target.
        var big = PatientTable.LogNormal(model, 100_000, 0.3, 1, ["a"]).Column("a");
        var mean = big.Average();
        var sd = Math.Sqrt(big.Sum(x => (x - mean) * (x - mean)) / (big.Count - 1));
        Assert.InRange(sd / mean, 0.29, 0.31);
    }

    [Fact]
    public void Bad_tables_are_rejected_with_clear_messages()
    {
        var model = ModelLibrary.Get("gompertz");
        var problem = new OdeProblem(model, (0, 10));
        Assert.Contains("neither a parameter nor a state", Assert.Throws<ArgumentException>(() =>
            problem.Ensemble(PatientTable.FromColumns(new Dictionary<string, double[]> { ["zz"] = [1.0] }))).Message, StringComparison.Ordinal);
        Assert.Contains("one value per patient", Assert.Throws<ArgumentException>(() =>
            PatientTable.FromColumns(new Dictionary<string, double[]> { ["r"] = [1.0, 2], ["K"] = [1.0] })).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => PatientTable.LogNormal(model, 0, 0.3, 1));
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "r,K\n0.1,2000\n0.2,abc\n");
            Assert.Contains("line 3, column 'K'", Assert.Throws<FormatException>(() => PatientTable.FromCsv(file)).Message, StringComparison.Ordinal);
            File.WriteAllText(file, "r,K\n0.1,2000\n0.2,1500\n");
            Assert.Equal([0.1, 0.2], PatientTable.FromCsv(file).Column("r"));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
