using System.Globalization;
using System.Text.Json;
using TwinLab.Core.Randomness;
using TwinLab.TestSupport;
using TwinLab.Tissue.Fields;
using Xunit.Abstractions;

namespace TwinLab.Tissue.Tests;

/// <summary>The multigrid solver against SOR, SciPy's sparse direct solver and its own convergence theory.</summary>
public sealed class MultigridTests(ITestOutputHelper output)
{
    /// <summary>One backward-Euler step assembled as a sparse matrix and solved directly by SciPy (SuperLU).</summary>
    private const string BackwardEulerReference = """
import sys, json
import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import spsolve
d = json.load(sys.stdin)
nx, ny, nz = d["n"]; h = d["h"]; D = d["D"]; lam = d["decay"]; dt = d["dt"]
dirichlet = d["dirichlet"]; face = d["face"]
c = np.array(d["c"], float); held = np.array(d["held"], bool); u = np.array(d["u"], float)
k = D / (h * h); N = nx * ny * nz
rows, cols, vals = [], [], []
rhs = np.zeros(N)
def idx(x, y, z): return x + nx * (y + ny * z)
for z in range(nz):
    for y in range(ny):
        for x in range(nx):
            i = idx(x, y, z)
            if held[i]:
                rows.append(i); cols.append(i); vals.append(1.0); rhs[i] = c[i]; continue
            diag = 1.0 / dt + lam + u[i]; rhs[i] = c[i] / dt
            for (a, n, dx, dy, dz) in ((x, nx, 1, 0, 0), (y, ny, 0, 1, 0), (z, nz, 0, 0, 1)):
                if n == 1: continue
                for s in (-1, 1):
                    if 0 <= a + s < n:
                        rows.append(i); cols.append(idx(x + s * dx, y + s * dy, z + s * dz)); vals.append(-k); diag += k
                    elif dirichlet:
                        diag += k; rhs[i] += k * face
            rows.append(i); cols.append(i); vals.append(diag)
A = sp.csr_matrix((vals, (rows, cols)), shape=(N, N))
print(json.dumps([repr(v) for v in spsolve(A, rhs)]))
""";

    private static (DiffusionField Field, SiteRates Uptake) RandomProblem(Lattice lattice, FaceBoundary faces, int coarsening, ulong seed, double heldFraction)
    {
        var field = new DiffusionField("s", "1", lattice, 1e3, 0.05, faces);
        var stream = RandomStream.For(seed, "test.multigrid");
        for (int i = 0; i < lattice.VoxelCount; i++)
        {
            field.Concentrations[i] = 10 * stream.NextDouble();
            if (stream.NextDouble() < heldFraction)
            {
                field.Hold(i, 5 * stream.NextDouble());
            }
        }
        var uptake = new SiteRates(lattice, coarsening);
        for (int s = 0; s < uptake.Rates.Length; s++)
        {
            uptake.Rates[s] = stream.NextDouble() < 0.6 ? 40 * stream.NextDouble() : 0;
        }
        return (field, uptake);
    }

    [Theory]
    [InlineData(21, 18, 15, 3, true, 0.05)]
    [InlineData(30, 24, 1, 2, false, 0.02)]
    [InlineData(16, 16, 16, 1, true, 0)]
    public void SteadyState_MatchesTheSorSolution(int nx, int ny, int nz, int coarsening, bool dirichlet, double heldFraction)
    {
        var lattice = new Lattice(nx, ny, nz, 4);
        var faces = dirichlet ? FaceBoundary.Dirichlet(3) : FaceBoundary.Closed;
        var (sor, uptake) = RandomProblem(lattice, faces, coarsening, 5, heldFraction);
        var (multigrid, _) = RandomProblem(lattice, faces, coarsening, 5, heldFraction);
        Assert.True(DiffusionSolver.SolveSteadyState(sor, uptake, null, 1e-13, maxThreads: 2).Converged);
        var result = DiffusionSolver.SolveSteadyStateMultigrid(multigrid, uptake, 1e-11, maxThreads: 2);
        output.WriteLine($"{lattice}: {result}");
        Assert.True(result.Converged, result.ToString());
        // Both stop near the same discrete solution. Multigrid stops once its last coarse correction is below 1e-11, which
        // leaves an error of about ρ/(1 − ρ) of that (< 1e-10 even at ρ = 0.6); SOR's error after updates below 1e-13
        // with contraction 1 − O(1/n) is ≲ 1e-11. Allow 1e-8 on values of order 1–10.
        double worst = FieldComparison.LargestDifference(sor.Concentrations, multigrid.Concentrations);
        output.WriteLine($"largest difference from SOR {worst:E2}");
        Assert.True(worst < 1e-8, $"largest difference {worst}");
    }

    [Theory]
    [InlineData(9, 6, 6, true, 3)]
    [InlineData(12, 10, 1, false, 2)]
    public void BackwardEulerStep_MatchesScipySparseDirectSolve(int nx, int ny, int nz, bool dirichlet, int coarsening)
    {
        var lattice = new Lattice(nx, ny, nz, 4);
        var faces = dirichlet ? FaceBoundary.Dirichlet(3) : FaceBoundary.Closed;
        var (field, uptake) = RandomProblem(lattice, faces, coarsening, 17, 0.1);
        var perVoxel = new double[lattice.VoxelCount];
        for (int i = 0; i < lattice.VoxelCount; i++)
        {
            var (x, y, z) = lattice.Coordinates(i);
            perVoxel[i] = uptake.Rates[(x / coarsening) + ((nx / coarsening) * ((y / coarsening) + ((ny / coarsening) * (z / coarsening))))];
        }
        var input = JsonSerializer.Serialize(new
        {
            n = new[] { nx, ny, nz },
            h = 4.0,
            D = 1e3,
            decay = 0.05,
            dt = 0.3,
            dirichlet,
            face = 3.0,
            c = field.Concentrations.ToArray(),
            held = Enumerable.Range(0, lattice.VoxelCount).Select(i => field.IsHeld(i) ? 1 : 0).ToArray(),
            u = perVoxel,
        });
        var result = DiffusionSolver.StepBackwardEuler(field, uptake, 0.3, 1e-13, maxThreads: 2);
        Assert.True(result.Converged, result.ToString());
        var reference = JsonSerializer.Deserialize<string[]>(DebianPython.Run(BackwardEulerReference, input))!
            .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        // A scaled residual of 1e-13 leaves an error of at most ‖A⁻¹D‖∞·1e-13; with the 1/Δt shift A is strongly
        // diagonally dominant (‖A⁻¹D‖∞ < 10 here), so 1e-11 on values 0–10 covers it and SuperLU's round-off.
        for (int i = 0; i < reference.Length; i++)
        {
            Assert.True(Math.Abs(reference[i] - field.Concentrations[i]) < 1e-11, $"voxel {i}: scipy {reference[i]}, TwinLab {field.Concentrations[i]}");
        }
    }

    [Fact]
    public void BackwardEulerStep_WithClosedFaces_ConservesMassUpToTheResidualLeft()
    {
        var lattice = new Lattice(24, 20, 16, 2);
        var (field, _) = RandomProblem(lattice, FaceBoundary.Closed, 1, 23, 0);
        const double dt = 0.5, decay = 0.05;
        double mass = field.Statistics().Total;
        double tolerance = 1e-10;
        for (int s = 0; s < 20; s++)
        {
            double before = field.Statistics().Total;
            var result = DiffusionSolver.StepBackwardEuler(field, null, dt, tolerance, maxThreads: 2);
            Assert.True(result.Converged);
            // Summing the rows: the Laplacian's columns sum to 0 with zero-flux faces, so (1/Δt + λ)Σcⁿ⁺¹ = Σcⁿ/Δt + Σrᵢ,
            // with |rᵢ| ≤ aᵢᵢ·tolerance and aᵢᵢ ≤ 1/Δt + λ + 6D/h².
            double diagonal = (1 / dt) + decay + (6 * 1e3 / 4);
            double bound = lattice.VoxelCount * diagonal * tolerance / ((1 / dt) + decay) * lattice.VoxelMeasure;
            double expected = before / (1 + (dt * decay));
            Assert.True(Math.Abs(field.Statistics().Total - expected) <= bound, $"step {s}: {field.Statistics().Total} vs {expected} (bound {bound})");
        }
        output.WriteLine($"mass {mass:E6} → {field.Statistics().Total:E6}");
    }

    [Fact]
    public void ConvergenceFactorPerCycle_DoesNotGrowWithTheGrid()
    {
        // Oxygen on 2 µm voxels with cells taking it up (the benchmark's setting) from a zero start: the hard case
        // for relaxation, since D/h² = 25 000/min dwarfs the uptake of 10/min.
        var factors = new List<double>();
        foreach (int n in new[] { 16, 32, 64, 96 })
        {
            var lattice = Lattice.Cube(n, 2);
            var field = new DiffusionField("oxygen", "mmHg", lattice, 1e5, 0.1, FaceBoundary.Dirichlet(38));
            var uptake = new SiteRates(lattice, 2);
            var stream = RandomStream.For(3, "test.convergence");
            for (int s = 0; s < uptake.Rates.Length; s++)
            {
                uptake.Rates[s] = stream.NextDouble() < 0.8 ? 10 : 0;
            }
            var result = DiffusionSolver.SolveSteadyStateMultigrid(field, uptake, 1e-9, maxThreads: 2);
            output.WriteLine($"{n}³: {result}");
            Assert.True(result.Converged);
            factors.Add(result.ConvergenceFactor);
        }
        // Red-black Gauss–Seidel V(2,2) cycles for the 7-point Laplacian contract by about 0.1 per cycle whatever the
        // grid (Trottenberg, Oosterlee & Schüller 2001, ch. 2); allow up to 0.2, and at most 0.05 of growth from the
        // smallest to the largest grid, where SOR's factor would rise towards 1.
        Assert.All(factors, f => Assert.InRange(f, 0, 0.2));
        Assert.True(factors[^1] - factors[0] < 0.05, string.Join(", ", factors));
    }

    /// <summary>
    /// Single held voxels scattered at random (and a few 2 × 2 × 2 clusters) are far smaller than any coarse cell, so
    /// the coarse grids drop them. Before their absorption entered the coarse shifts these problems converged at
    /// 0.34 (2-D) and 0.57 (3-D) per V-cycle with D/h² = 62.5/min, and diverged in the oxygen setting, D/h² = 25 000/min
    /// (factors 1.17–7.1), so the bound of 0.2 used for problems without obstacles fails on every case here without it.
    /// The solution must still be the SOR solution (the change touches only the coarse grids).
    /// </summary>
    [Theory]
    [InlineData(40, 40, 40, 2.0, 1e5, 0.02, false)]
    [InlineData(40, 40, 40, 2.0, 1e5, 0.05, false)]
    [InlineData(63, 63, 63, 2.0, 1e5, 0.01, false)]
    [InlineData(40, 40, 40, 2.0, 1e5, 0.005, true)]
    [InlineData(21, 18, 15, 4.0, 1e3, 0.05, false)]
    [InlineData(30, 24, 1, 4.0, 1e3, 0.02, false)]
    public void ConvergenceFactorPerCycle_StaysBounded_AroundIsolatedHeldVoxels(int nx, int ny, int nz, double h, double d, double heldFraction, bool clusters)
    {
        var lattice = new Lattice(nx, ny, nz, h);
        var field = new DiffusionField("s", "1", lattice, d, 0.1, FaceBoundary.Dirichlet(38));
        var stream = RandomStream.For(5, "test.obstacles");
        for (int i = 0; i < lattice.VoxelCount; i++)
        {
            field.Concentrations[i] = 10 * stream.NextDouble();
            if (stream.NextDouble() < heldFraction)
            {
                var (x, y, z) = lattice.Coordinates(i);
                int size = clusters ? 2 : 1;
                for (int dz = 0; dz < size && z + dz < nz; dz++)
                {
                    for (int dy = 0; dy < size && y + dy < ny; dy++)
                    {
                        for (int dx = 0; dx < size && x + dx < nx; dx++)
                        {
                            field.Hold(lattice.Index(x + dx, y + dy, z + dz), 20);
                        }
                    }
                }
            }
        }
        var uptake = new SiteRates(lattice, 1);
        for (int s = 0; s < uptake.Rates.Length; s++)
        {
            uptake.Rates[s] = stream.NextDouble() < 0.6 ? 10 : 0;
        }
        var sor = new DiffusionField("s", "1", lattice, d, 0.1, FaceBoundary.Dirichlet(38));
        for (int i = 0; i < lattice.VoxelCount; i++)
        {
            if (field.IsHeld(i))
            {
                sor.Hold(i, field.Concentrations[i]);
            }
        }
        var result = DiffusionSolver.SolveSteadyStateMultigrid(field, uptake, 1e-9, maxCycles: 60, maxThreads: 2);
        output.WriteLine($"{lattice}, {heldFraction:P1} held{(clusters ? " in 2³ clusters" : "")}: {result}");
        Assert.True(result.Converged, result.ToString());
        // Measured 0.05–0.15 (docs/methods/tissue.md); 0.2 is the bound of the obstacle-free problems below.
        Assert.InRange(result.ConvergenceFactor, 0, 0.2);
        Assert.True(DiffusionSolver.SolveSteadyState(sor, uptake, null, 1e-11, maxThreads: 2).Converged);
        // Multigrid stops with its last correction ≤ 1e-9, leaving an error of about ρ/(1 − ρ) of it (< 3e-10 at ρ = 0.2);
        // SOR's error after updates below 1e-11 is ≲ 1e-9 at these sizes. Allow 1e-7 on values 0–38.
        double worst = FieldComparison.LargestDifference(sor.Concentrations, field.Concentrations);
        output.WriteLine($"largest difference from SOR {worst:E2}");
        Assert.True(worst < 1e-7, $"largest difference {worst}");
    }

    [Theory]
    [InlineData(24, 24, 24, 1, true)]
    [InlineData(37, 37, 37, 1, true)]
    [InlineData(63, 63, 63, 1, true)]
    [InlineData(125, 125, 125, 5, true)]
    [InlineData(250, 250, 250, 5, true)]
    [InlineData(125, 50, 13, 1, true)]
    [InlineData(31, 20, 17, 1, true)]
    [InlineData(37, 24, 1, 1, false)]
    [InlineData(63, 24, 37, 1, false)]
    [InlineData(24, 24, 24, 2, false)]
    public void ConvergenceFactorPerCycle_IsBoundedOnOddAndMixedSizes(int nx, int ny, int nz, int coarsening, bool dirichlet)
    {
        // The benchmark's oxygen setting (2 µm voxels, D/h² = 25 000/min, uptake 10/min at 80 % of sites). Far-field faces
        // start from zero; closed faces from random values (their solution is 0), so every mode is present.
        var lattice = new Lattice(nx, ny, nz, 2);
        var field = new DiffusionField("oxygen", "mmHg", lattice, 1e5, 0.1, dirichlet ? FaceBoundary.Dirichlet(38) : FaceBoundary.Closed);
        var uptake = new SiteRates(lattice, coarsening);
        var stream = RandomStream.For(3, "test.convergence");
        for (int s = 0; s < uptake.Rates.Length; s++)
        {
            uptake.Rates[s] = stream.NextDouble() < 0.8 ? 10 : 0;
        }
        if (!dirichlet)
        {
            for (int i = 0; i < lattice.VoxelCount; i++)
            {
                field.Concentrations[i] = 10 * stream.NextDouble();
            }
        }
        var result = DiffusionSolver.SolveSteadyStateMultigrid(field, uptake, 1e-9, maxCycles: 40, maxThreads: 2);
        output.WriteLine($"{lattice}, {(dirichlet ? "far-field" : "closed")} faces: {result}");
        Assert.True(result.Converged, result.ToString());
        // Red-black Gauss–Seidel V(2,2)-cycles contract by about 0.1 per cycle on the Poisson equation whatever the grid
        // (Trottenberg, Oosterlee & Schüller 2001, ch. 2); measured here 0.05–0.17, the largest on odd sizes, whose coarse
        // grids have one cell of three children per axis. Before the odd sizes were handled, 125³ diverged and 37³ stalled
        // at 0.83. The bound 0.2 would fail on either.
        Assert.InRange(result.ConvergenceFactor, 0, 0.2);
        if (!dirichlet)
        {
            // The closed-face solution is 0 everywhere: the error left after the stopping test is about ρ/(1 − ρ) of the last
            // correction (≤ 1e-9), so 1e-8 covers it.
            double worst = 0;
            foreach (double c in field.Concentrations)
            {
                worst = Math.Max(worst, Math.Abs(c));
            }
            Assert.True(worst < 1e-8, $"largest value {worst}");
        }
    }

    [Fact]
    public void CoarseAxes_CoverTheDomainExactly_WithGradedCells()
    {
        for (int n = 4; n <= 300; n++)
        {
            var axis = MultigridAxis.Finest(n, true);
            while (axis.Size > 3)
            {
                var coarse = axis.Coarsen();
                Assert.Equal(axis.Size / 2, coarse.Size);
                double total = 0;
                for (int c = 0; c < coarse.Size; c++)
                {
                    Assert.InRange(coarse.ChildCount[c], 2, 3);
                    total += coarse.Width[c];
                    if (c > 0)
                    {
                        Assert.Equal(coarse.FirstChild[c - 1] + coarse.ChildCount[c - 1], coarse.FirstChild[c]);
                        // Neighbouring cells differ by less than a factor of 2, so the rediscretised operator stays consistent.
                        double ratio = coarse.Width[c] / coarse.Width[c - 1];
                        Assert.InRange(ratio, 0.5, 2);
                    }
                }
                Assert.Equal(axis.Size, coarse.FirstChild[^1] + coarse.ChildCount[^1]);
                Assert.Equal(n, total, 1e-12);
                Assert.Equal(n, coarse.Extent, 1e-12);
                axis = coarse;
            }
        }
    }

    [Fact]
    public void ProlongationWeights_ReproduceLinearFunctions()
    {
        // Between coarse centres, linear interpolation is exact for a linear function; beyond the outermost centre it is
        // exact for a linear function vanishing at the ghost centre, half a finest spacing outside the face.
        foreach (int n in new[] { 250, 125, 37, 24 })
        {
            var fine = MultigridAxis.Finest(n, true).Coarsen();
            var coarse = fine.Coarsen();
            var weights = coarse.Interpolation(dirichlet: true);
            for (int f = 0; f < fine.Size; f++)
            {
                var (c0, w0, c1, w1) = weights[f];
                double x = fine.Centre[f];
                double Interpolate(Func<double, double> g) => (w0 * g(coarse.Centre[c0])) + (w1 * g(coarse.Centre[c1]));
                double Lower(double t) => t + 0.5;                     // zero at the lower ghost centre
                double Upper(double t) => coarse.Extent + 0.5 - t;     // zero at the upper ghost centre
                bool belowFirst = x < coarse.Centre[0], aboveLast = x > coarse.Centre[^1];
                if (!aboveLast)
                {
                    Assert.Equal(Lower(x), Interpolate(Lower), 1e-12);
                }
                if (!belowFirst)
                {
                    Assert.Equal(Upper(x), Interpolate(Upper), 1e-12);
                }
            }
        }
    }

    [Theory]
    [InlineData(30, 26, 22, 2, true)]
    [InlineData(33, 21, 1, 3, false)]
    public void VectorisedPasses_GiveBitwiseTheScalarResult(int nx, int ny, int nz, int coarsening, bool dirichlet)
    {
        // Lines without held voxels relax and take residuals four voxels at a time; marking every line as holding a held
        // voxel sends them all down the scalar loops. The lane arithmetic is the scalar arithmetic in the same order, so
        // the two must agree bit for bit, for the quasi-steady solve (no right-hand side) and a backward-Euler step.
        var lattice = new Lattice(nx, ny, nz, 3);
        var faces = dirichlet ? FaceBoundary.Dirichlet(2) : FaceBoundary.Closed;
        var (vectorised, uptake) = RandomProblem(lattice, faces, coarsening, 31, 0);
        var (scalar, _) = RandomProblem(lattice, faces, coarsening, 31, 0);
        Array.Fill(MultigridHierarchy.For(scalar, uptake).Finest.LineHasHeld, true);
        var first = DiffusionSolver.SolveSteadyStateMultigrid(vectorised, uptake, 1e-9, maxThreads: 2);
        var second = DiffusionSolver.SolveSteadyStateMultigrid(scalar, uptake, 1e-9, maxThreads: 2);
        Assert.Equal(first, second);
        DiffusionSolver.StepBackwardEuler(vectorised, uptake, 0.05, 1e-9, maxThreads: 2);
        DiffusionSolver.StepBackwardEuler(scalar, uptake, 0.05, 1e-9, maxThreads: 2);
        Assert.True(vectorised.Concentrations.SequenceEqual(scalar.Concentrations));
        Assert.All(MultigridHierarchy.For(scalar, uptake).Finest.LineHasHeld, Assert.True);
    }

    [Fact]
    public void Solve_IsBitwiseIdenticalForOneAndTwoThreads()
    {
        var lattice = new Lattice(40, 36, 30, 3);
        var (one, uptake) = RandomProblem(lattice, FaceBoundary.Dirichlet(2), 2, 29, 0.03);
        var (two, _) = RandomProblem(lattice, FaceBoundary.Dirichlet(2), 2, 29, 0.03);
        DiffusionSolver.SolveSteadyStateMultigrid(one, uptake, 1e-9, maxThreads: 1);
        DiffusionSolver.SolveSteadyStateMultigrid(two, uptake, 1e-9, maxThreads: 2);
        DiffusionSolver.StepBackwardEuler(one, uptake, 0.1, 1e-9, maxThreads: 1);
        DiffusionSolver.StepBackwardEuler(two, uptake, 0.1, 1e-9, maxThreads: 2);
        Assert.True(one.Concentrations.SequenceEqual(two.Concentrations));
    }
}
