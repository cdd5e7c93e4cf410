using System.Diagnostics;
using System.Globalization;
using TwinLab.Tissue;
using TwinLab.Tissue.Fields;

namespace TwinLab.Cli.Bench;

/// <summary>
/// The virtual-tissue benchmark: a 0.5 mm cube at 2 µm (250³ field voxels) under 50³ cell sites of 10 µm holding
/// 10⁵ cells, with one field (oxygen). Figures: the implicit LOD diffusion step against a plain explicit 7-point
/// stencil (the peer, in the same run, with the time step its stability allows), a red-black SOR sweep and a multigrid
/// V-cycle of the quasi-steady solve, one cell step's quasi-steady oxygen solve by multigrid (the default) against SOR
/// from the same warm start, the cell update per cell, and the wall time of one simulated hour with the default steps.
/// </summary>
internal static class TissueBenchmark
{
    public static IReadOnlyList<EnsembleBenchmark.Figure> Run(TextWriter log, bool quick)
    {
        int sites = quick ? 12 : 50;
        int cells = quick ? 1000 : 100_000;
        const int refinement = 5;
        int repeats = quick ? 3 : 5;
        var setup = new TissueSetup { Sites = Lattice.Cube(sites, 10), FieldRefinement = refinement, Seed = 2026 };
        var tissue = new TissueSimulation(setup);
        tissue.SeedRandomly(cells);
        var lattice = tissue.Oxygen.Lattice;
        log.WriteLine($"tissue: {lattice} field, {tissue.Sites} sites, {cells} cells, {Environment.ProcessorCount} cores");

        var uptake = UptakeOf(tissue);
        var field = tissue.Oxygen;
        const double implicitStep = 0.01; // min: uptake·Δt = 0.1, the LOD splitting's accuracy condition
        // The single steps are cheap, so they get more warm-up: a run takes thousands of them, and its first ones share the
        // cores with the runtime's background compilation.
        double implicitMs = MedianMilliseconds(repeats, () => DiffusionSolver.StepImplicit(field, uptake, implicitStep), warmUps: StepWarmUps);
        double explicitStep = 0.5 * DiffusionSolver.ExplicitStabilityLimit(field, setup.Rules.OxygenUptake);
        double explicitMs = MedianMilliseconds(repeats, () => DiffusionSolver.StepExplicit(field, uptake, explicitStep), warmUps: StepWarmUps);
        double sweepMs = MedianMilliseconds(repeats, () => DiffusionSolver.SolveSteadyState(field, uptake, null, 1e-300, maxSweeps: 1));
        // Two solves capped at 1 and 2 cycles: their difference is one V-cycle (the fixed pre-smoothing and residual
        // check cancel).
        double oneCycleMs = MedianMilliseconds(repeats, () => DiffusionSolver.SolveSteadyStateMultigrid(field, uptake, 1e-300, maxCycles: 1));
        double twoCyclesMs = MedianMilliseconds(repeats, () => DiffusionSolver.SolveSteadyStateMultigrid(field, uptake, 1e-300, maxCycles: 2));
        double cycleMs = twoCyclesMs - oneCycleMs;
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"implicit LOD step {implicitMs:F1} ms, explicit step {explicitMs:F1} ms (Δt {explicitStep:E2} min), red-black sweep {sweepMs:F1} ms, multigrid V-cycle {cycleMs:F1} ms"));

        // The quasi-steady oxygen solve of one cell step, from the solution for the cells before the step (the warm start
        // the simulation uses) to the cells after it, by multigrid (the default) and by SOR, to the same 1e-4 mmHg.
        tissue.EquilibrateOxygen();
        tissue.AdvanceOneStep();
        var warmStart = field.Concentrations.ToArray();
        var after = UptakeOf(tissue);
        MultigridResult cycles = null!;
        double multigridSolveMs = MedianMilliseconds(repeats, () =>
        {
            warmStart.CopyTo(field.Concentrations);
            cycles = DiffusionSolver.SolveSteadyStateMultigrid(field, after, setup.OxygenTolerance, maxCycles: 200);
        });
        warmStart.CopyTo(field.Concentrations);
        var sorClock = Stopwatch.StartNew();
        var sweeps = DiffusionSolver.SolveSteadyState(field, after, null, setup.OxygenTolerance, maxSweeps: 10_000);
        double sorSolveMs = sorClock.Elapsed.TotalMilliseconds;
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"oxygen solve per cell step: multigrid {multigridSolveMs:F0} ms ({cycles.Cycles} cycles), SOR {sorSolveMs:F0} ms ({sweeps.Iterations} sweeps)"));

        tissue.EquilibrateOxygen();
        int cellCount = tissue.CellCount;
        double cellMs = MedianMilliseconds(repeats, tissue.UpdateCells);
        double cellNs = cellMs * 1e6 / cellCount;
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cell update {cellNs:F1} ns per cell ({cellCount} cells)"));

        long iterationsBefore = tissue.OxygenIterations;
        var clock = Stopwatch.StartNew();
        tissue.Run(60);
        clock.Stop();
        double cellSteps = 60 / setup.Steps.Cell;
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"one simulated hour: {clock.Elapsed.TotalSeconds:F2} s ({(tissue.OxygenIterations - iterationsBefore) / cellSteps:F1} multigrid cycles per cell step)"));

        string size = string.Create(CultureInfo.InvariantCulture, $"{lattice.SizeX}³ voxels, {cellCount} cells");
        return
        [
            new("diffusion_ms_per_step", implicitMs, "ms", $"Implicit LOD step (reaction + x, y, z Thomas sweeps), {size}"),
            new("explicit_peer_ms_per_step", explicitMs, "ms", "Plain explicit 7-point stencil step, same field (the peer)"),
            new("explicit_peer_step_min", explicitStep, "min", "Explicit step used: half the stability limit h²/(6D + h²(λ+u))"),
            new("implicit_speedup_per_simulated_minute", explicitMs / explicitStep / (implicitMs / implicitStep), "×", "Explicit ms per simulated minute / implicit (Δt = 0.01 min) ms per simulated minute"),
            new("steady_sweep_ms", sweepMs, "ms", "One red-black SOR sweep of the quasi-steady oxygen solve"),
            new("multigrid_cycle_ms", cycleMs, "ms", "One multigrid V(2,2)-cycle of the quasi-steady oxygen solve"),
            new("oxygen_multigrid_ms_per_cell_step", multigridSolveMs, "ms", "Quasi-steady oxygen solve of one cell step by multigrid (the default), warm start, to 1e-4 mmHg"),
            new("oxygen_multigrid_cycles_per_cell_step", cycles.Cycles, "cycles", "V-cycles of that solve"),
            new("oxygen_sor_ms_per_cell_step", sorSolveMs, "ms", "The same solve by red-black SOR (the peer), same start and tolerance"),
            new("oxygen_sor_sweeps_per_cell_step", sweeps.Iterations, "sweeps", "Red-black sweeps of that solve"),
            new("cell_update_ns", cellNs, "ns", "Cell rules per cell per cell step (phenotypes, clocks, deaths, divisions, moves)"),
            new("simulated_hour_s", clock.Elapsed.TotalSeconds, "s", "Wall time of one simulated hour: cell step 6 min, quasi-steady oxygen by multigrid (the default)"),
            new("oxygen_cycles_per_cell_step", (tissue.OxygenIterations - iterationsBefore) / cellSteps, "cycles", "Multigrid V-cycles per cell step during that hour"),
        ];
    }

    /// <summary>Oxygen uptake per site as the simulation sets it: living cells take up, necrotic and apoptotic do not.</summary>
    private static SiteRates UptakeOf(TissueSimulation tissue)
    {
        var uptake = new SiteRates(tissue.Oxygen.Lattice, tissue.Setup.FieldRefinement);
        for (int s = 0; s < tissue.Sites.VoxelCount; s++)
        {
            var (x, y, z) = tissue.Sites.Coordinates(s);
            var phenotype = tissue.PhenotypeAt(x, y, z);
            bool living = phenotype is Phenotype.Proliferating or Phenotype.Quiescent or Phenotype.Hypoxic;
            uptake.Rates[s] = living ? tissue.Setup.Rules.OxygenUptake : 0;
        }
        return uptake;
    }

    /// <summary>Warm-up calls before timing a single diffusion step.</summary>
    private const int StepWarmUps = 10;

    private static double MedianMilliseconds(int repeats, Action action, int warmUps = 1)
    {
        for (int w = 0; w < warmUps; w++)
        {
            action(); // warm-up: JIT and tiering
        }
        var times = new double[repeats];
        for (int r = 0; r < repeats; r++)
        {
            var clock = Stopwatch.StartNew();
            action();
            times[r] = clock.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return times[repeats / 2];
    }
}
