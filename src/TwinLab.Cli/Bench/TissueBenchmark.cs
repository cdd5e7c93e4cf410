using System.Diagnostics;
using System.Globalization;
using TwinLab.Tissue;
using TwinLab.Tissue.Fields;

namespace TwinLab.Cli.Bench;

/// <summary>
/// The virtual-tissue benchmark: a 0.5 mm cube at 2 µm (250³ field voxels) under 50³ cell sites of 10 µm holding
/// 10⁵ cells, with one field (oxygen). Figures: the implicit LOD diffusion step against a plain explicit 7-point
/// stencil (the peer, in the same run, with the time step its stability allows), a red-black SOR sweep and a multigrid
/// V-cycle of the quasi-steady solve, the cell update per cell, and the wall time of one simulated hour with the default steps.
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

        var uptake = new SiteRates(lattice, refinement);
        for (int s = 0; s < tissue.Sites.VoxelCount; s++)
        {
            var (x, y, z) = tissue.Sites.Coordinates(s);
            uptake.Rates[s] = tissue.PhenotypeAt(x, y, z) == Phenotype.None ? 0 : setup.Rules.OxygenUptake;
        }
        var field = tissue.Oxygen;
        const double implicitStep = 0.01; // min: uptake·Δt = 0.1, the LOD splitting's accuracy condition
        double implicitMs = MedianMilliseconds(repeats, () => DiffusionSolver.StepImplicit(field, uptake, implicitStep));
        double explicitStep = 0.5 * DiffusionSolver.ExplicitStabilityLimit(field, setup.Rules.OxygenUptake);
        double explicitMs = MedianMilliseconds(repeats, () => DiffusionSolver.StepExplicit(field, uptake, explicitStep));
        double sweepMs = MedianMilliseconds(repeats, () => DiffusionSolver.SolveSteadyState(field, uptake, null, 1e-300, maxSweeps: 1));
        // Two solves capped at 1 and 2 cycles: their difference is one V-cycle (the fixed pre-smoothing and residual
        // check cancel).
        double oneCycleMs = MedianMilliseconds(repeats, () => DiffusionSolver.SolveSteadyStateMultigrid(field, uptake, 1e-300, maxCycles: 1));
        double twoCyclesMs = MedianMilliseconds(repeats, () => DiffusionSolver.SolveSteadyStateMultigrid(field, uptake, 1e-300, maxCycles: 2));
        double cycleMs = twoCyclesMs - oneCycleMs;
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"implicit LOD step {implicitMs:F1} ms, explicit step {explicitMs:F1} ms (Δt {explicitStep:E2} min), red-black sweep {sweepMs:F1} ms, multigrid V-cycle {cycleMs:F1} ms"));

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
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"one simulated hour: {clock.Elapsed.TotalSeconds:F2} s ({(tissue.OxygenIterations - iterationsBefore) / cellSteps:F1} oxygen iterations per cell step)"));

        string size = string.Create(CultureInfo.InvariantCulture, $"{lattice.SizeX}³ voxels, {cellCount} cells");
        return
        [
            new("diffusion_ms_per_step", implicitMs, "ms", $"Implicit LOD step (reaction + x, y, z Thomas sweeps), {size}"),
            new("explicit_peer_ms_per_step", explicitMs, "ms", "Plain explicit 7-point stencil step, same field (the peer)"),
            new("explicit_peer_step_min", explicitStep, "min", "Explicit step used: half the stability limit h²/(6D + h²(λ+u))"),
            new("implicit_speedup_per_simulated_minute", explicitMs / explicitStep / (implicitMs / implicitStep), "×", "Explicit ms per simulated minute / implicit (Δt = 0.01 min) ms per simulated minute"),
            new("steady_sweep_ms", sweepMs, "ms", "One red-black SOR sweep of the quasi-steady oxygen solve (the former solver)"),
            new("multigrid_cycle_ms", cycleMs, "ms", "One multigrid V(2,2)-cycle of the quasi-steady oxygen solve"),
            new("cell_update_ns", cellNs, "ns", "Cell rules per cell per cell step (phenotypes, clocks, deaths, divisions, moves)"),
            new("simulated_hour_s", clock.Elapsed.TotalSeconds, "s", "Wall time of one simulated hour: cell step 6 min, quasi-steady oxygen"),
            new("oxygen_iterations_per_cell_step", (tissue.OxygenIterations - iterationsBefore) / cellSteps, "iterations", "Iterations of the default quasi-steady oxygen solver per cell step (SOR sweeps)"),
        ];
    }

    private static double MedianMilliseconds(int repeats, Action action)
    {
        action(); // warm-up: JIT and tiering
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
