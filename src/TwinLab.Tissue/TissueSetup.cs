using System.Globalization;

namespace TwinLab.Tissue;

/// <summary>
/// The time steps of a tissue simulation, stated explicitly (the PhysiCell convention): the fields advance in steps
/// of <see cref="Diffusion"/>, the cells in steps of <see cref="Cell"/> (a whole multiple of it), and an observation is
/// recorded every <see cref="ObserveEvery"/> cell steps.
/// </summary>
/// <param name="Diffusion">Δt of the diffusion solver (min).</param>
/// <param name="Cell">Δt of the cell rules (min); a whole multiple of <paramref name="Diffusion"/>.</param>
/// <param name="ObserveEvery">Cell steps between observations (at least 1).</param>
public sealed record TissueTimeSteps(double Diffusion = 0.1, double Cell = 6, int ObserveEvery = 10)
{
    /// <summary>Diffusion steps per cell step.</summary>
    public int DiffusionStepsPerCellStep => (int)Math.Round(Cell / Diffusion);

    internal void Validate()
    {
        if (!(Diffusion > 0) || !double.IsFinite(Diffusion) || !(Cell > 0) || !double.IsFinite(Cell))
        {
            throw new ArgumentException("The diffusion and cell time steps must be positive, finite numbers of minutes.");
        }
        double ratio = Cell / Diffusion;
        if (Math.Abs(ratio - Math.Round(ratio)) > 1e-9 * ratio || Math.Round(ratio) < 1)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The cell step ({Cell} min) must be a whole multiple of the diffusion step ({Diffusion} min)."));
        }
        if (ObserveEvery < 1)
        {
            throw new ArgumentException($"ObserveEvery must be at least 1 cell step; it was {ObserveEvery}.");
        }
    }
}

/// <summary>A treatment applied during a tissue simulation.</summary>
public abstract record TissueTreatment;

/// <summary>A radiation fraction: every living cell survives with the linear-quadratic probability at its oxygen level.</summary>
/// <param name="Time">When (min since the start).</param>
/// <param name="Dose">The dose (Gy, not negative).</param>
public sealed record RadiationFraction(double Time, double Dose) : TissueTreatment;

/// <summary>A drug exposure: the drug's far-field (face and vessel) concentration is raised by
/// <paramref name="Concentration"/> from <paramref name="Start"/> until <paramref name="End"/>.</summary>
/// <param name="Start">Start (min).</param>
/// <param name="End">End (min, after the start).</param>
/// <param name="Concentration">The boundary concentration (µM, positive).</param>
public sealed record DrugExposure(double Start, double End, double Concentration) : TissueTreatment;

/// <summary>How the quasi-steady oxygen problem is solved each cell step.</summary>
public enum SteadyStateSolver
{
    /// <summary>Red-black successive over-relaxation until no voxel changes by more than the tolerance (hundreds of
    /// sweeps per step on fine lattices; kept as the simple reference).</summary>
    SuccessiveOverRelaxation,

    /// <summary>Geometric multigrid V-cycles until the scaled residual and the last coarse correction are ≤ the
    /// tolerance (the default: a few cycles per cell step from the previous solution, on any lattice size).</summary>
    Multigrid,
}

/// <summary>How a tissue simulation is set up. The cells live on <see cref="Sites"/>; the fields on that lattice
/// refined <see cref="FieldRefinement"/> times per axis (so a 10 µm cell site can cover 5³ field voxels of 2 µm).</summary>
public sealed record TissueSetup
{
    /// <summary>The cell-site lattice (one cell per site); 2-D when it has one layer along z.</summary>
    public required Lattice Sites { get; init; }

    /// <summary>Field voxels per site along each axis (1: fields on the site lattice).</summary>
    public int FieldRefinement { get; init; } = 1;

    /// <summary>The rule parameters.</summary>
    public TissueRules Rules { get; init; } = new();

    /// <summary>The time steps.</summary>
    public TissueTimeSteps Steps { get; init; } = new();

    /// <summary>The seed of every random draw.</summary>
    public ulong Seed { get; init; }

    /// <summary>The most threads; 0 for all cores (results do not depend on it).</summary>
    public int MaxThreads { get; init; }

    /// <summary>
    /// True (the default): oxygen is solved as quasi-steady each cell step (by <see cref="OxygenSolver"/> from the
    /// previous solution to <see cref="OxygenTolerance"/>), because it relaxes within about 1/(uptake) ≈ 0.1 min, far faster than cells
    /// change. False: oxygen is time-stepped by implicit LOD like the drug; the LOD splitting is accurate only while
    /// Δt_diffusion·(uptake + decay) ≪ 1, and a step with Δt_diffusion·(uptake + decay) &gt; 0.5 is refused.
    /// </summary>
    public bool OxygenQuasiSteady { get; init; } = true;

    /// <summary>The quasi-steady oxygen solve stops when the scaled residual max |rᵢ|/aᵢᵢ and the last coarse-grid
    /// correction (multigrid), or the largest
    /// change of a voxel in a sweep (SOR) is at most this (mmHg).</summary>
    public double OxygenTolerance { get; init; } = 1e-4;

    /// <summary>The quasi-steady oxygen solver (multigrid by default; SOR stays selectable).</summary>
    public SteadyStateSolver OxygenSolver { get; init; } = SteadyStateSolver.Multigrid;

    /// <summary>Treatments, applied at their times.</summary>
    public IReadOnlyList<TissueTreatment> Treatments { get; init; } = [];
}
