using BenchmarkDotNet.Attributes;
using TwinLab.Tissue;
using TwinLab.Tissue.Fields;

namespace TwinLab.Benchmarks;

/// <summary>
/// One oxygen diffusion step on the tissue lattice: the implicit LOD step (reaction + Thomas sweeps per axis) against
/// the plain explicit 7-point stencil as the peer, one multigrid V-cycle and one SOR sweep of the quasi-steady solve,
/// one cell step's quasi-steady oxygen solve by multigrid and by SOR from the same warm start, an unsplit
/// backward-Euler step by multigrid, and the cell rules per cell step. The full size is the issue's
/// 0.5 mm cube at 2 µm (250³ voxels) under 50³ sites of 10 µm with 10⁵ cells; 60³ under 12³ sites with 10³ cells is
/// the smoke size. Run with
///   dotnet run -c Release --project tests/TwinLab.Benchmarks -- --filter '*TissueDiffusion*'
/// </summary>
[MemoryDiagnoser]
public class TissueDiffusionBenchmark
{
    private TissueSimulation _tissue = null!;
    private SiteRates _uptake = null!;
    private double _explicitStep;
    private double[] _previousOxygen = [];
    private SiteRates _uptakeAfterStep = null!;
    private TissueSimulation _stepped = null!;

    /// <summary>Cell sites per side (fields are 5× finer).</summary>
    [Params(12, 50)]
    public int Sites { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _tissue = new TissueSimulation(new TissueSetup { Sites = Lattice.Cube(Sites, 10), FieldRefinement = 5, Seed = 2026 });
        _tissue.SeedRandomly(Sites == 50 ? 100_000 : 1000);
        _uptake = new SiteRates(_tissue.Oxygen.Lattice, 5);
        for (int s = 0; s < _tissue.Sites.VoxelCount; s++)
        {
            var (x, y, z) = _tissue.Sites.Coordinates(s);
            _uptake.Rates[s] = _tissue.PhenotypeAt(x, y, z) == Phenotype.None ? 0 : _tissue.Setup.Rules.OxygenUptake;
        }
        _explicitStep = 0.5 * DiffusionSolver.ExplicitStabilityLimit(_tissue.Oxygen, _tissue.Setup.Rules.OxygenUptake);
        // One cell step's quasi-steady oxygen solve: from the solution for the cells before the step to the cells after.
        var stepped = new TissueSimulation(new TissueSetup { Sites = Lattice.Cube(Sites, 10), FieldRefinement = 5, Seed = 2026 });
        stepped.SeedRandomly(Sites == 50 ? 100_000 : 1000);
        stepped.EquilibrateOxygen();
        stepped.AdvanceOneStep();
        _previousOxygen = stepped.Oxygen.Concentrations.ToArray();
        _uptakeAfterStep = new SiteRates(stepped.Oxygen.Lattice, 5);
        for (int s = 0; s < stepped.Sites.VoxelCount; s++)
        {
            var (x, y, z) = stepped.Sites.Coordinates(s);
            bool living = stepped.PhenotypeAt(x, y, z) is Phenotype.Proliferating or Phenotype.Quiescent or Phenotype.Hypoxic;
            _uptakeAfterStep.Rates[s] = living ? stepped.Setup.Rules.OxygenUptake : 0;
        }
        _stepped = stepped;
    }

    [Benchmark(Baseline = true, Description = "explicit 7-point stencil step (peer)")]
    public void ExplicitStep() => DiffusionSolver.StepExplicit(_tissue.Oxygen, _uptake, _explicitStep);

    [Benchmark(Description = "implicit LOD step")]
    public void ImplicitStep() => DiffusionSolver.StepImplicit(_tissue.Oxygen, _uptake, 0.01);

    [Benchmark(Description = "quasi-steady oxygen: one red-black SOR sweep")]
    public void SorSweep() => DiffusionSolver.SolveSteadyState(_tissue.Oxygen, _uptake, null, 1e-300, maxSweeps: 1);

    [Benchmark(Description = "quasi-steady oxygen: multigrid, one V-cycle after pre-smoothing")]
    public void MultigridCycle() => DiffusionSolver.SolveSteadyStateMultigrid(_tissue.Oxygen, _uptake, 1e-300, maxCycles: 1);

    [Benchmark(Description = "quasi-steady oxygen of one cell step by multigrid (the default), warm start, 1e-4 mmHg")]
    public MultigridResult OxygenCellStepByMultigrid()
    {
        _previousOxygen.CopyTo(_stepped.Oxygen.Concentrations);
        return DiffusionSolver.SolveSteadyStateMultigrid(_stepped.Oxygen, _uptakeAfterStep, 1e-4, maxCycles: 200);
    }

    [Benchmark(Description = "the same solve by red-black SOR (the peer)")]
    public SteadyStateResult OxygenCellStepBySor()
    {
        _previousOxygen.CopyTo(_stepped.Oxygen.Concentrations);
        return DiffusionSolver.SolveSteadyState(_stepped.Oxygen, _uptakeAfterStep, null, 1e-4, maxSweeps: 10_000);
    }

    [Benchmark(Description = "backward-Euler step by multigrid (Δt = 0.01 min, scaled residual 1e-4)")]
    public void BackwardEulerStep() => DiffusionSolver.StepBackwardEuler(_tissue.Oxygen, _uptake, 0.01, 1e-4);

    [Benchmark(Description = "cell rules, one cell step")]
    public void CellStep() => _tissue.UpdateCells();
}
