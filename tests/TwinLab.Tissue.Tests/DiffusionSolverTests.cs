using System.Globalization;
using System.Text.Json;
using TwinLab.Core.Randomness;
using TwinLab.TestSupport;
using TwinLab.Tissue.Fields;

namespace TwinLab.Tissue.Tests;

public sealed class DiffusionSolverTests
{
    /// <summary>The same LOD scheme written independently with NumPy and SciPy's banded solver, line by line.</summary>
    private const string LodReference = """
import sys, json
import numpy as np
from scipy.linalg import solve_banded
d = json.load(sys.stdin)
nx, ny, nz = d["n"]; h = d["h"]; D = d["D"]; lam = d["decay"]; dt = d["dt"]
dirichlet = d["dirichlet"]; face = d["face"]
c = np.array(d["c"], float).reshape(nz, ny, nx)
held = np.array(d["held"], bool).reshape(nz, ny, nx)
u = np.array(d["u"], float).reshape(nz, ny, nx)
r = D * dt / (h * h)
def solve(line, hl):
    n = len(line); ab = np.zeros((3, n)); rhs = line.copy()
    for i in range(n):
        if hl[i]:
            ab[1, i] = 1.0; continue
        b = 1.0
        if i > 0: ab[2, i - 1] = -r; b += r
        elif dirichlet: b += r; rhs[i] += r * face
        if i < n - 1: ab[0, i + 1] = -r; b += r
        elif dirichlet: b += r; rhs[i] += r * face
        ab[1, i] = b
    return solve_banded((1, 1), ab, rhs)
for _ in range(d["steps"]):
    c = np.where(held, c, c / (1.0 + dt * (lam + u)))
    for z in range(nz):
        for y in range(ny):
            c[z, y, :] = solve(c[z, y, :], held[z, y, :])
    for z in range(nz):
        for x in range(nx):
            c[z, :, x] = solve(c[z, :, x], held[z, :, x])
    if nz > 1:
        for y in range(ny):
            for x in range(nx):
                c[:, y, x] = solve(c[:, y, x], held[:, y, x])
print(json.dumps([repr(v) for v in c.ravel()]))
""";

    private static DiffusionField RandomField(Lattice lattice, FaceBoundary faces, double decay, ulong seed, bool withHeld)
    {
        var field = new DiffusionField("s", "1", lattice, 1e3, decay, faces);
        var stream = RandomStream.For(seed, "test.field");
        for (int i = 0; i < lattice.VoxelCount; i++)
        {
            field.Concentrations[i] = 10 * stream.NextDouble();
            if (withHeld && stream.NextDouble() < 0.1)
            {
                field.Hold(i, 5 * stream.NextDouble());
            }
        }
        return field;
    }

    /// <summary>With held voxels the general path runs; without, the path with shared Thomas coefficients and SIMD rows
    /// (x lines eight and one at a time: 13 lines per plane take both; 19 rows of 2-D lines in one block). With 32 or
    /// more lines per plane (or per 2-D block of 64) and AVX-512, the vector x sweep: 40 lines per plane take a last
    /// block that overlaps the one before, 70 2-D lines a block of 64 and 6 scalar lines; uptake per site of 2 × 2 × 2
    /// voxels takes the reaction rows expanded along x; 260 columns take three parallel strips of the 2-D y sweep.</summary>
    [Theory]
    [InlineData(10, 13, 4, true, false)]
    [InlineData(7, 19, 1, false, false)]
    [InlineData(9, 7, 5, true, true)]
    [InlineData(11, 6, 1, false, true)]
    [InlineData(9, 7, 5, true, false)]
    [InlineData(11, 6, 1, false, false)]
    [InlineData(37, 5, 6, true, false)]
    [InlineData(12, 40, 3, true, false)]
    [InlineData(21, 70, 1, false, false)]
    [InlineData(260, 40, 1, true, false, 2)]
    [InlineData(10, 64, 4, true, false, 2)]
    [InlineData(8, 34, 2, false, false, 2)]
    public void ImplicitStep_MatchesAnIndependentScipyImplementationOfTheSameScheme(int nx, int ny, int nz, bool dirichlet, bool withHeld, int coarsening = 1)
    {
        var lattice = new Lattice(nx, ny, nz, 4);
        var faces = dirichlet ? FaceBoundary.Dirichlet(3) : FaceBoundary.Closed;
        var field = RandomField(lattice, faces, 0.05, 7, withHeld);
        var uptake = new SiteRates(lattice, coarsening);
        var stream = RandomStream.For(8, "test.uptake");
        for (int i = 0; i < uptake.Sites.VoxelCount; i++)
        {
            uptake.Rates[i] = stream.NextDouble() < 0.5 ? 2 * stream.NextDouble() : 0;
        }
        var voxelUptake = new double[lattice.VoxelCount];
        for (int i = 0; i < lattice.VoxelCount; i++)
        {
            var (x, y, z) = lattice.Coordinates(i);
            voxelUptake[i] = uptake.Rates[uptake.Sites.Index(x / coarsening, y / coarsening, nz == 1 ? 0 : z / coarsening)];
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
            u = voxelUptake,
            steps = 3,
        });
        for (int s = 0; s < 3; s++)
        {
            DiffusionSolver.StepImplicit(field, uptake, 0.3, maxThreads: 2);
        }
        var reference = JsonSerializer.Deserialize<string[]>(DebianPython.Run(LodReference, input))!
            .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        // Same arithmetic in a different order (banded LU against Thomas): agreement to round-off, 1e-12 of the range 0–10.
        for (int i = 0; i < reference.Length; i++)
        {
            Assert.True(Math.Abs(reference[i] - field.Concentrations[i]) < 1e-11, $"voxel {i}: scipy {reference[i]}, TwinLab {field.Concentrations[i]}");
        }
    }

    [Theory]
    [InlineData(20, 16, 12)]
    [InlineData(40, 30, 1)]
    public void ImplicitStep_WithClosedFaces_ConservesMassToRoundOff(int nx, int ny, int nz)
    {
        var field = RandomField(new Lattice(nx, ny, nz, 2), FaceBoundary.Closed, 0, 11, withHeld: false);
        double initial = field.Statistics().Total;
        for (int s = 0; s < 50; s++)
        {
            DiffusionSolver.StepImplicit(field, null, 1.0, maxThreads: 2); // r = DΔt/h² = 250: far past explicit stability
        }
        // Each 1-D backward-Euler matrix with zero-flux ends has unit column sums, so the sum is invariant in exact
        // arithmetic; 50 steps × 3 sweeps of round-off on ~10⁴ values of order 10 stay far below 1e-12 relative.
        Assert.True(Math.Abs(field.Statistics().Total - initial) < 1e-12 * initial, $"{field.Statistics().Total} vs {initial}");
    }

    [Fact]
    public void ImplicitStep_WithDecay_LosesMassAsTheSchemeAndCloseToExponentialDecay()
    {
        const double k = 0.02, dt = 0.5;
        const int steps = 100;
        var field = RandomField(new Lattice(16, 12, 10, 2), FaceBoundary.Closed, k, 12, withHeld: false);
        double initial = field.Statistics().Total;
        for (int s = 0; s < steps; s++)
        {
            DiffusionSolver.StepImplicit(field, null, dt, maxThreads: 2);
        }
        double total = field.Statistics().Total;
        // Diffusion keeps the sum; the implicit reaction multiplies it by 1/(1 + kΔt) per step: exact to round-off.
        Assert.True(Math.Abs(total - (initial * Math.Pow(1 + (k * dt), -steps))) < 1e-12 * initial);
        // Against exp(−kt): backward Euler's local error is (kΔt)²/2 per step, so the relative gap is about n(kΔt)²/2
        // (here 5e-3) and positive (1/(1+x) > e^(−x)); allow up to twice that.
        double exact = initial * Math.Exp(-k * dt * steps);
        double gap = (total - exact) / exact;
        Assert.InRange(gap, 0, steps * k * dt * k * dt);
    }

    /// <summary>The general path (held voxels) and the shared-coefficient path with the vector x sweep (45 lines per
    /// plane, uptake per site of 3³ voxels), and in 2-D with blocks of 64 lines and three strips of the y sweep.</summary>
    [Theory]
    [InlineData(17, 13, 11, true)]
    [InlineData(18, 45, 12, false)]
    [InlineData(261, 69, 1, false)]
    public void ImplicitStep_IsBitwiseIdenticalForOneAndTwoThreads(int nx, int ny, int nz, bool withHeld)
    {
        var lattice = new Lattice(nx, ny, nz, 3);
        var one = RandomField(lattice, FaceBoundary.Dirichlet(2), 0.1, 13, withHeld);
        var two = RandomField(lattice, FaceBoundary.Dirichlet(2), 0.1, 13, withHeld);
        SiteRates? uptake = null;
        if (!withHeld)
        {
            uptake = new SiteRates(lattice, 3);
            var stream = RandomStream.For(14, "test.uptake");
            for (int i = 0; i < uptake.Rates.Length; i++)
            {
                uptake.Rates[i] = stream.NextDouble() < 0.8 ? 0.5 : 0;
            }
        }
        for (int s = 0; s < 5; s++)
        {
            DiffusionSolver.StepImplicit(one, uptake, 0.7, maxThreads: 1);
            DiffusionSolver.StepImplicit(two, uptake, 0.7, maxThreads: 2);
        }
        Assert.True(one.Concentrations.SequenceEqual(two.Concentrations));
    }

    /// <summary>
    /// The x sweep's implementations (the vector one where AVX-512 is present, which transposes 8 × 8 tiles and solves
    /// 32 lines at a time, and the scalar one, eight lines at a time) against a plain single-line loop written here:
    /// the same operations in the same order, so bit for bit the same — for line lengths that are and are not multiples
    /// of 8, line counts that are and are not multiples of 32, an offset first line, per-site reaction rows and a
    /// shared row.
    /// </summary>
    [Theory]
    [InlineData(8, 32, 0, 1)]
    [InlineData(9, 33, 5, 1)]
    [InlineData(15, 45, 3, 3)]
    [InlineData(250, 100, 250, 5)]
    [InlineData(24, 64, 0, 0)]
    [InlineData(7, 40, 0, 1)]
    public void XSweep_VectorAndScalarPaths_EqualASingleLineLoopBitForBit(int nx, int count, int firstLine, int coarsening)
    {
        int ny = 5 * Math.Max(1, coarsening) * 3;
        int lines = firstLine + count + 3;
        int nz = (lines + ny - 1) / ny;
        var stream = RandomStream.For(21, "test.xsweep");
        var values = new double[nx * ny * nz];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = 10 * stream.NextDouble();
        }
        double r = 37.5;
        var (cp, pivot, extra) = DiffusionSolver.AxisCoefficients(nx, r, FaceBoundary.Dirichlet(3));
        ReactionRows reaction;
        if (coarsening == 0)
        {
            var shared = new double[nx];
            Array.Fill(shared, 1 / 1.07);
            reaction = new ReactionRows(shared, nx, ny, 1, 1, shared: true);
        }
        else
        {
            int siteRows = ny / coarsening * ((nz + coarsening - 1) / coarsening);
            var table = new double[siteRows * nx];
            for (int i = 0; i < table.Length; i++)
            {
                table[i] = 1 / (1 + (0.1 * stream.NextDouble()));
            }
            reaction = new ReactionRows(table, nx, ny, coarsening, ny / coarsening, shared: false);
        }
        var expected = (double[])values.Clone();
        for (int line = firstLine; line < firstLine + count; line++)
        {
            int start = nx * line, row = reaction.StartOf(line);
            double previous = 0;
            for (int x = 0; x < nx; x++)
            {
                previous = ((expected[start + x] * reaction.Table[row + x]) + extra[x] + (r * previous)) * pivot[x];
                expected[start + x] = previous;
            }
            for (int x = nx - 2; x >= 0; x--)
            {
                expected[start + x] -= cp[x] * expected[start + x + 1];
            }
        }
        var fast = (double[])values.Clone();
        LodSweeps.SweepXLines(fast, firstLine, count, r, cp, pivot, extra, reaction);
        var scalar = (double[])values.Clone();
        LodSweeps.SweepXLinesScalar(scalar, firstLine, count, r, cp, pivot, extra, reaction);
        Assert.Equal(expected, fast);
        Assert.Equal(expected, scalar);
    }

    [Fact]
    public void ExplicitPeer_AndImplicitStep_ConvergeToTheSameSolutionAsTheStepShrinks()
    {
        var lattice = new Lattice(24, 24, 24, 2);
        DiffusionField Bump()
        {
            var f = new DiffusionField("s", "1", lattice, 1e3, 0.1, FaceBoundary.Dirichlet(1));
            for (int i = 0; i < lattice.VoxelCount; i++)
            {
                var (x, y, z) = lattice.Coordinates(i);
                double r2 = ((x - 11.5) * (x - 11.5)) + ((y - 11.5) * (y - 11.5)) + ((z - 11.5) * (z - 11.5));
                f.Concentrations[i] = 1 + (5 * Math.Exp(-r2 / 20));
            }
            return f;
        }
        const double horizon = 0.04; // min: 120 explicit steps at half the stability limit h²/(6D) ≈ 6.7e-4 min
        double limit = DiffusionSolver.ExplicitStabilityLimit(Bump());
        int explicitSteps = (int)Math.Ceiling(horizon / (0.5 * limit));
        var reference = Bump();
        for (int s = 0; s < explicitSteps; s++)
        {
            DiffusionSolver.StepExplicit(reference, null, horizon / explicitSteps, maxThreads: 2);
        }
        double Gap(int steps)
        {
            var f = Bump();
            for (int s = 0; s < steps; s++)
            {
                DiffusionSolver.StepImplicit(f, null, horizon / steps, maxThreads: 2);
            }
            return FieldComparison.LargestDifference(f.Concentrations, reference.Concentrations);
        }
        double coarse = Gap(4), fine = Gap(16);
        // Both are first-order in time and consistent with the same semi-discrete system: the gap shrinks roughly in
        // proportion to the implicit step (4× smaller step → at least 2.5× smaller gap, allowing for the explicit
        // reference's own O(Δt) error).
        Assert.True(fine < coarse / 2.5, $"gaps {coarse}, {fine}");
        Assert.Throws<ArgumentOutOfRangeException>(() => DiffusionSolver.StepExplicit(Bump(), null, 2 * limit));
    }
}
