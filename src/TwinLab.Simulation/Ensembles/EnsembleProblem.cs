using System.Diagnostics;
using System.Runtime.Intrinsics;
using TwinLab.Core.Modelling;
using TwinLab.Core.Symbolic;

namespace TwinLab.Simulation.Ensembles;

/// <summary>
/// Many virtual patients through one problem: the problem's model, span, save times, treatments and overrides, with
/// each patient's own parameters, initial values and doses from a <see cref="PatientTable"/>. Create it with
/// <see cref="OdeProblem.Ensemble"/>.
/// </summary>
public sealed class EnsembleProblem
{
    internal EnsembleProblem(OdeProblem template, PatientTable patients)
    {
        Template = template;
        Patients = patients;
        _ = new PatientSource(template, patients, allowInfusions: true); // validates the table against the model now

    }

    /// <summary>The problem every patient shares.</summary>
    public OdeProblem Template { get; }

    /// <summary>The patients.</summary>
    public PatientTable Patients { get; }

    /// <summary>
    /// Solves every trajectory. <see cref="Tsit5"/> (adaptive or fixed-step) runs on SIMD lanes on every core;
    /// <see cref="AutoAlgorithm"/> does too and re-solves lanes that turn out stiff with the scalar automatic solver;
    /// other algorithms, and models with infusions, use the scalar solver on every core. A trajectory that fails keeps
    /// its status; the others are unaffected.
    /// </summary>
    /// <param name="algorithm">The algorithm (default: <see cref="AutoAlgorithm"/>).</param>
    /// <param name="options">Threads, block size, backend, precision, storage and reducers.</param>
    /// <param name="cancellationToken">Stops the ensemble cooperatively.</param>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public EnsembleSolution Solve(OdeAlgorithm? algorithm = null, EnsembleOptions? options = null, CancellationToken cancellationToken = default)
    {
        algorithm ??= new AutoAlgorithm();
        options ??= new EnsembleOptions();
        options.Validate();
        var model = Template.Model;
        var saveAt = Template.SaveAtArray ?? [Template.End];
        var sink = new TrajectorySink(model, Patients.Count, saveAt.Length, options);
        var clock = Stopwatch.StartNew();

        var eventReducers = options.Reducers.Select((r, i) => (r, i)).Where(x => x.r.Kind == EnsembleReducer.Kinds.TimeToEvent).ToArray();
        var laneCapable = algorithm is Tsit5 or AutoAlgorithm && !Template.Treatments.OfType<Infusion>().Any();
        string engine;
        if (laneCapable)
        {
            var context = new EnsembleContext
            {
                Model = model,
                Start = Template.Start,
                End = Template.End,
                SaveAt = saveAt,
                FixedStep = algorithm is Tsit5 { Step: { } step } ? step : null,
                RelTol = algorithm.RelTol,
                AbsoluteTolerances = [.. model.States.Select(s => algorithm.StateAbsTol is { } given && given.TryGetValue(s.Name, out var a) ? a : algorithm.AbsTol)],
                // Stiff lanes under the automatic algorithm give up early and are re-solved by the stiff solver.
                MaxSteps = algorithm is AutoAlgorithm ? Math.Min(algorithm.MaxSteps, 20_000) : algorithm.MaxSteps,
                NonNegativeStates = [.. model.States.Select((s, i) => (s, i)).Where(x => x.s.NonNegative).Select(x => x.i)],
                Patients = new PatientSource(Template, Patients),
                Events = eventReducers.Length == 0 ? null : OdeSystem.Compile(model, [.. eventReducers.Select(x => model.Expand(x.r.Condition!))]),
                EventDirections = [.. eventReducers.Select(x => x.r.Direction)],
                EventReducers = [.. eventReducers.Select(x => x.i)],
                Cancellation = cancellationToken,
                InnerLoops = options.InnerLoops,
            };
            engine = RunLanes(context, sink, options, cancellationToken);
            if (algorithm is AutoAlgorithm)
            {
                var stiff = Enumerable.Range(0, Patients.Count).Where(i => sink.Statuses[i] == SolutionStatus.MaxStepsReached).ToArray();
                if (stiff.Length > 0)
                {
                    RunScalar(stiff, algorithm, sink, options, saveAt, eventReducers, cancellationToken);
                    engine += $"; {stiff.Length} stiff trajectories re-solved by {algorithm}";
                }
            }
        }
        else
        {
            RunScalar([.. Enumerable.Range(0, Patients.Count)], algorithm, sink, options, saveAt, eventReducers, cancellationToken);
            engine = $"scalar {algorithm.Name} on {options.Threads} threads";
        }
        clock.Stop();
        return new EnsembleSolution(this, algorithm.ToString(), engine, saveAt, sink, clock.Elapsed);
    }

    private string RunLanes(EnsembleContext context, TrajectorySink sink, EnsembleOptions options, CancellationToken cancellation)
    {
        var single = options.Precision == EnsemblePrecision.SinglePrecision;
        if (options.Backend == EnsembleBackend.Scalar)
        {
            return single
                ? Run<Lanes1<float>, float>(context, sink, options, "scalar lanes (float32)", cancellation)
                : Run<Lanes1<double>, double>(context, sink, options, "scalar lanes (float64)", cancellation);
        }
        if (Vector512.IsHardwareAccelerated && !single && context.FixedStep is null)
        {
            // An adaptive step is one long chain of dependent operations (stages, error norm, step-size controller):
            // two registers per value keep two such chains in flight (docs/benchmarks.md).
            return Run<Lanes512x2<double>, double>(context, sink, options, "AVX-512, 16 float64 lanes in two registers", cancellation);
        }
        if (Vector512.IsHardwareAccelerated)
        {
            return single
                ? Run<Lanes512<float>, float>(context, sink, options, "AVX-512, 16 float32 lanes", cancellation)
                : Run<Lanes512<double>, double>(context, sink, options, "AVX-512, 8 float64 lanes", cancellation);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            return single
                ? Run<Lanes256<float>, float>(context, sink, options, "AVX2, 8 float32 lanes", cancellation)
                : Run<Lanes256<double>, double>(context, sink, options, "AVX2, 4 float64 lanes", cancellation);
        }
        return single
            ? Run<Lanes1<float>, float>(context, sink, options, "scalar lanes (float32; no SIMD on this machine)", cancellation)
            : Run<Lanes1<double>, double>(context, sink, options, "scalar lanes (float64; no SIMD on this machine)", cancellation);
    }

    private string Run<TL, T>(EnsembleContext context, TrajectorySink sink, EnsembleOptions options, string description, CancellationToken cancellation)
        where TL : struct, ILanes<TL, T>
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var kernels = LaneKernels<TL, T>.For(context.Model);
        var lanes = TL.Count;
        var blockSize = options.BlockSize;
        var blocks = (Patients.Count + blockSize - 1) / blockSize;
        var completed = 0;
        var nextBlock = -1;
        // One worker per thread takes the next block as it finishes the last, so a thread left with cheap blocks
        // never waits on one holding a long run of costly ones (adaptive step counts differ from block to block).
        Parallel.For(0, Math.Min(options.Threads, blocks),
            new ParallelOptions { MaxDegreeOfParallelism = options.Threads, CancellationToken = cancellation },
            _ =>
            {
                var integrator = new LaneIntegrator<TL, T>(context, kernels);
                int block;
                while ((block = Interlocked.Increment(ref nextBlock)) < blocks)
                {
                    cancellation.ThrowIfCancellationRequested();
                    var first = block * blockSize;
                    var last = Math.Min(Patients.Count, first + blockSize);
                    for (var i = first; i < last; i += lanes)
                    {
                        integrator.Run(i, Math.Min(lanes, last - i), sink);
                    }
                    var done = Interlocked.Add(ref completed, last - first);
                    options.Progress?.Report(new EnsembleProgress(done, Patients.Count));
                }
            });
        return $"Tsit5 on {description}, {options.Threads} threads, blocks of {blockSize}";
    }

    private void RunScalar(int[] trajectories, OdeAlgorithm algorithm, TrajectorySink sink, EnsembleOptions options, double[] saveAt,
        (EnsembleReducer Reducer, int Index)[] eventReducers, CancellationToken cancellation)
    {
        var model = Template.Model;
        var completed = 0;
        var doseSource = new PatientSource(Template, Patients, allowInfusions: true);
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, trajectories.Length, Math.Max(1, options.BlockSize / 16)),
            new ParallelOptions { MaxDegreeOfParallelism = options.Threads, CancellationToken = cancellation },
            range =>
            {
                var parameters = new double[model.Parameters.Count];
                var initial = new double[model.States.Count];
                for (var r = range.Item1; r < range.Item2; r++)
                {
                    var i = trajectories[r];
                    doseSource.Parameters(i, parameters);
                    doseSource.Initial(i, parameters, initial);
                    var doses = Patients.Doses is { } extra
                        ? extra(i).Select((d, k) => (Treatment)new Bolus($"patient_dose_{k + 1}", new Symbol(d.State), new Constant(d.Amount), DoseSchedule.At(d.Time))).ToList()
                        : [];
                    // The template's treatments (its model's and its extra doses) with this patient's parameters.
                    var problem = new OdeProblem(model, (Template.Start, Template.End), saveAt,
                        model.Parameters.Select((p, k) => (p.Name, parameters[k])).ToDictionary(x => x.Name, x => x.Item2),
                        model.States.Select((s, k) => (s.Name, initial[k])).ToDictionary(x => x.Name, x => x.Item2),
                        doses: [.. Template.Treatments, .. doses],
                        events: [.. eventReducers.Select(e => new StateEvent(e.Reducer.Name, e.Reducer.Condition!, e.Reducer.Direction, Terminal: false))],
                        includeModelTreatments: false);
                    var solution = problem.Solve(algorithm, cancellation);
                    for (var s = 0; s < solution.Count; s++)
                    {
                        sink.Save(i, s, solution.Times[s], solution.StateAt(s));
                    }
                    foreach (var (reducer, index) in eventReducers)
                    {
                        var first = solution.Events.FirstOrDefault(e => e.Name == reducer.Name);
                        if (first is not null)
                        {
                            sink.Event(i, index, first.Time);
                        }
                    }
                    sink.Finish(i, solution.Status, solution.Statistics.AcceptedSteps, solution.Statistics.RejectedSteps);
                }
                var done = Interlocked.Add(ref completed, range.Item2 - range.Item1);
                options.Progress?.Report(new EnsembleProgress(done, trajectories.Length));
            });
    }

}
