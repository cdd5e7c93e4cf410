using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TwinLab.Tissue.Fields;

/// <summary>The outcome of a steady-state solve.</summary>
/// <param name="Iterations">Red-black sweeps performed.</param>
/// <param name="LastChange">The largest change of a voxel in the last sweep.</param>
/// <param name="Converged">Whether <paramref name="LastChange"/> fell below the tolerance within the sweep limit.</param>
public sealed record SteadyStateResult(int Iterations, double LastChange, bool Converged);

/// <summary>
/// Solvers for the diffusion–reaction equation ∂c/∂t = D∇²c − (λ + u(x))c on a <see cref="DiffusionField"/>
/// (u: first-order uptake by cells, λ: decay), with zero-flux or far-field faces and held (Dirichlet) voxels.
/// <list type="bullet">
/// <item><description><see cref="StepImplicit"/>: one time step by locally one-dimensional (LOD) splitting — the
/// reaction implicitly per voxel, then backward-Euler diffusion along x, y and (in 3-D) z, each a set of tridiagonal
/// systems solved by the Thomas algorithm. Unconditionally stable, first order in time, conserves mass exactly with
/// closed faces.</description></item>
/// <item><description><see cref="StepExplicit"/>: the plain forward-Euler 7-point (5-point in 2-D) stencil, the
/// peer the implicit step is compared with; stable only for Δt ≤ h²/(2dD).</description></item>
/// <item><description><see cref="SolveSteadyState"/>: the quasi-steady problem D∇²c − (λ+u)c − q = 0 by red-black
/// successive over-relaxation, projected onto c ≥ 0 when there is zero-order consumption q (so a necrotic core where
/// c = 0 forms as a free boundary).</description></item>
/// <item><description><see cref="SolveSteadyStateMultigrid"/>: the same quasi-steady problem without zero-order
/// consumption by geometric multigrid V-cycles from the current field, to a stated scaled-residual tolerance; a few
/// cycles replace hundreds of SOR sweeps.</description></item>
/// <item><description><see cref="StepBackwardEuler"/>: one unsplit backward-Euler step (1 + Δt(λ + u) − Δt D∇²) cⁿ⁺¹ = cⁿ
/// solved by the same multigrid: no splitting error.</description></item>
/// </list>
/// Work is split over lines or planes that do not interact, so results are bitwise identical for any thread count.
/// </summary>
public static class DiffusionSolver
{
    /// <summary>
    /// Solves the quasi-steady problem D∇²c − (λ + u)c = 0 in place by geometric multigrid V(2,2)-cycles (red-black
    /// Gauss–Seidel smoothing, restriction by volume averages, linear prolongation, coarse grids that follow odd sizes,
    /// the coarsest grid solved by conjugate gradients), starting from the
    /// field's current values; held voxels and far-field faces are the boundary. Stops when the scaled residual
    /// max |rᵢ|/aᵢᵢ — the largest change one Jacobi update would make, in concentration units — and the largest change
    /// made by the last cycle's coarse-grid correction are both at most <paramref name="tolerance"/> (at least one
    /// cycle runs). Zero-order consumption (a complementarity problem) stays with
    /// <see cref="SolveSteadyState"/>.
    /// </summary>
    /// <param name="field">The field (changed in place).</param>
    /// <param name="uptake">First-order uptake (1/min) per site, or null.</param>
    /// <param name="tolerance">The scaled-residual tolerance (positive, concentration units).</param>
    /// <param name="maxCycles">The most V-cycles.</param>
    /// <param name="maxThreads">The most threads; 0 for all cores (the result does not depend on it).</param>
    /// <returns>Cycles, residuals, the mean convergence factor per cycle and whether it converged (not converging is
    /// reported, not thrown).</returns>
    public static MultigridResult SolveSteadyStateMultigrid(DiffusionField field, SiteRates? uptake, double tolerance,
        int maxCycles = 100, int maxThreads = 0)
    {
        Check(field, uptake, 1);
        CheckMultigrid(tolerance, maxCycles);
        var hierarchy = MultigridHierarchy.For(field, uptake);
        return hierarchy.Solve(field, uptake, 0, null, tolerance, maxCycles, Options(maxThreads));
    }

    /// <summary>
    /// Advances <paramref name="field"/> by one unsplit backward-Euler step, (1 + Δt(λ + u) − Δt D∇²) cⁿ⁺¹ = cⁿ with the
    /// faces and held voxels as boundary, solved by multigrid from cⁿ to a scaled residual and a last coarse correction ≤ <paramref name="tolerance"/>
    /// (in concentration units, as for <see cref="SolveSteadyStateMultigrid"/>). Unconditionally stable, first order in
    /// time, without the LOD splitting error; with closed faces the total mass changes only by the residual left.
    /// </summary>
    /// <param name="field">The field (changed in place).</param>
    /// <param name="uptake">First-order uptake (1/min) per site, or null.</param>
    /// <param name="timeStep">Δt in minutes (positive, finite).</param>
    /// <param name="tolerance">The scaled-residual tolerance (positive).</param>
    /// <param name="maxCycles">The most V-cycles.</param>
    /// <param name="maxThreads">The most threads; 0 for all cores (the result does not depend on it).</param>
    /// <returns>The solver's report.</returns>
    public static MultigridResult StepBackwardEuler(DiffusionField field, SiteRates? uptake, double timeStep, double tolerance,
        int maxCycles = 100, int maxThreads = 0)
    {
        Check(field, uptake, timeStep);
        CheckMultigrid(tolerance, maxCycles);
        var options = Options(maxThreads);
        var rhs = field.Scratch;
        var c = field.Values;
        double inverse = 1 / timeStep;
        Parallel.For(0, field.Lattice.SizeZ, options, z =>
        {
            int plane = field.Lattice.SizeX * field.Lattice.SizeY;
            TensorPrimitives.Multiply(c.AsSpan(z * plane, plane), inverse, rhs.AsSpan(z * plane, plane));
        });
        var hierarchy = MultigridHierarchy.For(field, uptake);
        return hierarchy.Solve(field, uptake, inverse, rhs, tolerance, maxCycles, options);
    }

    private static void CheckMultigrid(double tolerance, int maxCycles)
    {
        if (!(tolerance > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "The residual tolerance must be positive (concentration units).");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(maxCycles);
    }

    /// <summary>Advances <paramref name="field"/> by one implicit LOD step of <paramref name="timeStep"/> minutes.</summary>
    /// <param name="field">The field (changed in place).</param>
    /// <param name="uptake">First-order uptake rates (1/min) per site, or null for none.</param>
    /// <param name="timeStep">Δt in minutes (positive, finite).</param>
    /// <param name="maxThreads">The most threads to use; 0 for all cores.</param>
    public static void StepImplicit(DiffusionField field, SiteRates? uptake, double timeStep, int maxThreads = 0)
    {
        Check(field, uptake, timeStep);
        var lattice = field.Lattice;
        double r = field.DiffusionCoefficient * timeStep / (lattice.Spacing * lattice.Spacing);
        var options = Options(maxThreads);
        int nx = lattice.SizeX, ny = lattice.SizeY, nz = lattice.SizeZ;
        var c = field.Values;
        var held = field.HeldMask;
        var faces = field.Faces;
        int factor = uptake?.Coarsening ?? 1;
        int[] siteX = SiteIndices(nx, factor);
        var rates = uptake?.Values;
        int sitesX = nx / factor, sitesY = ny / factor;
        double decay = field.DecayRate;

        if (field.HeldCount == 0)
        {
            StepImplicitWithoutHeldVoxels(field, uptake, timeStep, r, options);
            return;
        }

        // Reaction (implicit per voxel) fused with the x sweep: lines along x are contiguous.
        Parallel.For(0, ny * nz, options, () => new double[nx], (line, _, cp) =>
        {
            int y = line % ny, z = line / ny;
            int start = nx * line;
            int siteRow = rates is null ? 0 : sitesX * ((y / factor) + (sitesY * (z / factor)));
            SweepLineWithReaction(c, held, start, nx, r, faces, timeStep, decay, rates, siteRow, siteX, cp);
            return cp;
        }, _ => { });

        // y sweep: per plane z, rows of nx contiguous voxels, stride nx.
        Parallel.For(0, nz, options, () => new double[nx * ny], (z, _, cp) =>
        {
            SweepRows(c, held, nx * ny * z, nx, ny, nx, r, faces, cp);
            return cp;
        }, _ => { });

        if (lattice.Dimensions == 3)
        {
            // z sweep: per slab y, rows of nx contiguous voxels, stride nx·ny.
            Parallel.For(0, ny, options, () => new double[nx * nz], (y, _, cp) =>
            {
                SweepRows(c, held, nx * y, nx, nz, nx * ny, r, faces, cp);
                return cp;
            }, _ => { });
        }
    }

    /// <summary>
    /// The same LOD step when no voxel is held: every line along an axis then has the same tridiagonal matrix, so the
    /// Thomas coefficients (modified super-diagonal and reciprocal pivots) are computed once per axis, the sweeps need
    /// no division, and the sweeps run on vectors (see <see cref="LodSweeps"/>).
    /// </summary>
    private static void StepImplicitWithoutHeldVoxels(DiffusionField field, SiteRates? uptake, double timeStep, double r, ParallelOptions options)
    {
        var lattice = field.Lattice;
        int nx = lattice.SizeX, ny = lattice.SizeY, nz = lattice.SizeZ;
        var c = field.Values;
        var faces = field.Faces;
        var (cpX, pivotX, extraX) = AxisCoefficients(nx, r, faces);
        var (cpY, pivotY, extraY) = AxisCoefficients(ny, r, faces);
        var (cpZ, pivotZ, extraZ) = AxisCoefficients(nz, r, faces);
        var reaction = ReactionFactors(field, uptake, timeStep, options);

        if (lattice.Dimensions == 3)
        {
            // Per plane z: the x lines (reaction fused), then the y sweep while the plane is still in cache; then the z
            // sweep per slab y, fetching rows ahead. Two passes over memory instead of three.
            Parallel.For(0, nz, options, z =>
            {
                LodSweeps.SweepXLines(c, z * ny, ny, r, cpX, pivotX, extraX, reaction);
                LodSweeps.SweepUniformRows(c, nx * ny * z, nx, ny, nx, r, cpY, pivotY, extraY, 0);
            });
            Parallel.For(0, ny, options, y => LodSweeps.SweepUniformRows(c, nx * y, nx, nz, nx * ny, r, cpZ, pivotZ, extraZ, ZPrefetchRows));
        }
        else
        {
            int blocks = (ny + TwoDimensionalBlock - 1) / TwoDimensionalBlock;
            Parallel.For(0, blocks, options, b =>
            {
                int first = b * TwoDimensionalBlock;
                LodSweeps.SweepXLines(c, first, Math.Min(TwoDimensionalBlock, ny - first), r, cpX, pivotX, extraX, reaction);
            });
            // y sweep in column strips: each strip's lines are independent of the others'.
            int strips = (nx + TwoDimensionalStrip - 1) / TwoDimensionalStrip;
            Parallel.For(0, strips, options, b =>
            {
                int first = b * TwoDimensionalStrip;
                LodSweeps.SweepUniformRows(c, first, Math.Min(TwoDimensionalStrip, nx - first), ny, nx, r, cpY, pivotY, extraY, 0);
            });
        }
    }

    /// <summary>Columns per parallel strip of the 2-D y sweep (1 KB of each row).</summary>
    private const int TwoDimensionalStrip = 128;

    /// <summary>Lines per parallel block of the 2-D x sweep (two blocks of the vector sweep).</summary>
    private const int TwoDimensionalBlock = 2 * LodSweeps.BlockLines;

    /// <summary>How many rows ahead the z sweep asks for its rows (measured on the 250³ field: 3–4 rows ahead cut
    /// the z sweep from 12 ms to 9 ms under load; see docs/benchmarks.md).</summary>
    private const int ZPrefetchRows = 4;

    /// <summary>
    /// The implicit reaction factors 1/(1 + Δt(λ + u)) once per site, expanded along x once per row of sites (a site
    /// row serves f lines in y and f planes in z), or a single shared row without uptake.
    /// </summary>
    private static ReactionRows ReactionFactors(DiffusionField field, SiteRates? uptake, double timeStep, ParallelOptions options)
    {
        var lattice = field.Lattice;
        int nx = lattice.SizeX, ny = lattice.SizeY;
        if (uptake is null)
        {
            var shared = field.ReactionScratch(nx);
            Array.Fill(shared, 1 / (1 + (timeStep * field.DecayRate)));
            return new ReactionRows(shared, nx, ny, 1, 1, shared: true);
        }
        int factor = uptake.Coarsening;
        int sitesX = nx / factor, sitesY = ny / factor;
        var rates = uptake.Values;
        var siteFactor = field.SiteScratch(rates.Length);
        int siteRows = rates.Length / sitesX;
        var table = factor == 1 ? siteFactor : field.ReactionScratch(siteRows * nx);
        double decay = field.DecayRate;
        Parallel.For(0, siteRows, options, row => ReactionRow(rates, siteFactor, table, row, sitesX, nx, factor, decay, timeStep));
        return new ReactionRows(table, nx, ny, factor, sitesY, shared: false);
    }

    /// <summary>1/(1 + Δt(λ + u)) per site of one row of sites, then each repeated over the site's f voxels along x (with
    /// one site per voxel the site factors are the rows). Compiled fully optimised from the first call: through the
    /// runtime's first compilation tier, the first steps of a run took 3–5 ms here instead of 0.2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ReactionRow(double[] rates, double[] siteFactor, double[] table, int row, int sitesX, int nx, int factor, double decay, double timeStep)
    {
        int from = row * sitesX, to = row * nx;
        var factors = siteFactor.AsSpan(from, sitesX);
        var siteRates = rates.AsSpan(from, sitesX);
        for (int sx = 0; sx < sitesX; sx++)
        {
            factors[sx] = 1.0 / (((siteRates[sx] + decay) * timeStep) + 1.0);
        }
        if (factor > 1)
        {
            for (int sx = 0; sx < sitesX; sx++)
            {
                table.AsSpan(to + (sx * factor), factor).Fill(factors[sx]);
            }
        }
    }

    /// <summary>Thomas coefficients of the 1-D matrix tridiag(−r, 1 + r·k, −r) of length n with zero-flux or ghost
    /// ends: the modified super-diagonal c′, the reciprocal pivots and the right-hand-side term of ghost faces.</summary>
    internal static (double[] Cp, double[] Pivot, double[] Extra) AxisCoefficients(int n, double r, FaceBoundary faces)
    {
        var cp = new double[n];
        var pivot = new double[n];
        var extra = new double[n];
        double previousCp = 0;
        for (int j = 0; j < n; j++)
        {
            bool hasLower = j > 0, hasUpper = j < n - 1;
            int neighbours = (hasLower ? 1 : 0) + (hasUpper ? 1 : 0);
            int ghosts = faces.IsDirichlet ? 2 - neighbours : 0;
            double b = 1 + (r * (neighbours + ghosts));
            double a = hasLower ? -r : 0;
            double denominator = b - (a * previousCp);
            pivot[j] = 1 / denominator;
            cp[j] = (hasUpper ? -r : 0) * pivot[j];
            extra[j] = r * faces.Value * ghosts;
            previousCp = cp[j];
        }
        return (cp, pivot, extra);
    }

    /// <summary>The largest stable explicit step h²/(2dD + h²·(λ + max u)) in minutes.</summary>
    /// <param name="field">The field.</param>
    /// <param name="maxUptake">The largest first-order uptake rate (1/min).</param>
    /// <returns>The limit in minutes.</returns>
    public static double ExplicitStabilityLimit(DiffusionField field, double maxUptake = 0)
    {
        ArgumentNullException.ThrowIfNull(field);
        double h2 = field.Lattice.Spacing * field.Lattice.Spacing;
        return h2 / ((2 * field.Lattice.Dimensions * field.DiffusionCoefficient) + (h2 * (field.DecayRate + maxUptake)));
    }

    /// <summary>Advances <paramref name="field"/> by one forward-Euler step (the explicit peer).</summary>
    /// <param name="field">The field (changed in place).</param>
    /// <param name="uptake">First-order uptake rates (1/min) per site, or null.</param>
    /// <param name="timeStep">Δt in minutes; must not pass <see cref="ExplicitStabilityLimit"/>.</param>
    /// <param name="maxThreads">The most threads; 0 for all cores.</param>
    public static void StepExplicit(DiffusionField field, SiteRates? uptake, double timeStep, int maxThreads = 0)
    {
        Check(field, uptake, timeStep);
        var lattice = field.Lattice;
        double maxU = 0;
        if (uptake is not null)
        {
            foreach (double u in uptake.Values)
            {
                maxU = Math.Max(maxU, u);
            }
        }
        double limit = ExplicitStabilityLimit(field, maxU);
        if (timeStep > limit)
        {
            throw new ArgumentOutOfRangeException(nameof(timeStep), timeStep, string.Create(CultureInfo.InvariantCulture,
                $"The explicit step of {timeStep} min passes the stability limit of {limit:G4} min for {field.Name} on {lattice}: use a smaller step or StepImplicit."));
        }
        int nx = lattice.SizeX, ny = lattice.SizeY, nz = lattice.SizeZ;
        double k = field.DiffusionCoefficient / (lattice.Spacing * lattice.Spacing);
        var c = field.Values;
        var next = field.Scratch;
        var held = field.HeldMask;
        var faces = field.Faces;
        int factor = uptake?.Coarsening ?? 1;
        int[] siteX = SiteIndices(nx, factor);
        var rates = uptake?.Values;
        int sitesX = nx / factor, sitesY = ny / factor;
        double decay = field.DecayRate;
        bool threeD = lattice.Dimensions == 3;
        int plane = nx * ny;
        Parallel.For(0, ny * nz, Options(maxThreads), line =>
        {
            int y = line % ny, z = line / ny;
            int start = nx * line;
            int siteRow = rates is null ? 0 : sitesX * ((y / factor) + (sitesY * (z / factor)));
            for (int x = 0; x < nx; x++)
            {
                int i = start + x;
                if (held[i] != 0)
                {
                    next[i] = c[i];
                    continue;
                }
                double ci = c[i];
                double sum = 0;
                sum += x > 0 ? c[i - 1] - ci : Ghost(faces, ci);
                sum += x < nx - 1 ? c[i + 1] - ci : Ghost(faces, ci);
                sum += y > 0 ? c[i - nx] - ci : Ghost(faces, ci);
                sum += y < ny - 1 ? c[i + nx] - ci : Ghost(faces, ci);
                if (threeD)
                {
                    sum += z > 0 ? c[i - plane] - ci : Ghost(faces, ci);
                    sum += z < nz - 1 ? c[i + plane] - ci : Ghost(faces, ci);
                }
                double u = decay + (rates is null ? 0 : rates[siteRow + siteX[x]]);
                next[i] = ci + (timeStep * ((k * sum) - (u * ci)));
            }
        });
        Array.Copy(next, c, c.Length);
    }

    /// <summary>
    /// Solves the quasi-steady problem D∇²c − (λ + u)c − q = 0 in place by red-black successive over-relaxation,
    /// starting from the field's current values; held voxels and far-field faces are the boundary. With zero-order
    /// consumption the iteration is projected onto c ≥ 0 (Cryer's projected SOR for the complementarity problem), so
    /// consumption stops where the substance is exhausted.
    /// </summary>
    /// <param name="field">The field (changed in place).</param>
    /// <param name="uptake">First-order uptake (1/min) per site, or null.</param>
    /// <param name="consumption">Zero-order consumption (concentration/min) per site, or null.</param>
    /// <param name="tolerance">Stop when no voxel changes by more than this in a sweep (positive).</param>
    /// <param name="maxSweeps">The most red-black sweeps.</param>
    /// <param name="maxThreads">The most threads; 0 for all cores.</param>
    /// <returns>Iterations, last change and whether it converged (not converging is reported, not thrown).</returns>
    public static SteadyStateResult SolveSteadyState(DiffusionField field, SiteRates? uptake, SiteRates? consumption,
        double tolerance, int maxSweeps = 100_000, int maxThreads = 0)
    {
        Check(field, uptake, 1);
        if (consumption is not null && !ReferenceEquals(consumption.FieldLattice, field.Lattice) && consumption.FieldLattice != field.Lattice)
        {
            throw new ArgumentException($"The consumption rates are for {consumption.FieldLattice}, not the field's {field.Lattice}.", nameof(consumption));
        }
        if (!(tolerance > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "The tolerance must be positive.");
        }
        var lattice = field.Lattice;
        int nx = lattice.SizeX, ny = lattice.SizeY, nz = lattice.SizeZ;
        bool threeD = lattice.Dimensions == 3;
        double k = field.DiffusionCoefficient / (lattice.Spacing * lattice.Spacing);
        int largest = Math.Max(nx, Math.Max(ny, threeD ? nz : 1));
        double omega = 2.0 / (1.0 + Math.Sin(Math.PI / largest));
        var c = field.Values;
        var held = field.HeldMask;
        var faces = field.Faces;
        double decay = field.DecayRate;
        var uRates = uptake?.Values;
        int uFactor = uptake?.Coarsening ?? 1;
        int[] uSiteX = SiteIndices(nx, uFactor);
        var qRates = consumption?.Values;
        int qFactor = consumption?.Coarsening ?? 1;
        int[] qSiteX = SiteIndices(nx, qFactor);
        bool project = consumption is not null;
        int plane = nx * ny;
        var options = Options(maxThreads);
        int interiorNeighbours = threeD ? 6 : 4;
        double uniformPivot = 1 / ((k * interiorNeighbours) + decay);
        double[]? interiorPivot = null;
        if (uRates is not null)
        {
            interiorPivot = field.SiteScratch(uRates.Length);
            for (int s = 0; s < uRates.Length; s++)
            {
                interiorPivot[s] = 1 / ((k * interiorNeighbours) + decay + uRates[s]);
            }
        }
        var gate = new object();
        double change = double.PositiveInfinity;
        int sweep = 0;
        while (sweep < maxSweeps && change > tolerance)
        {
            change = 0;
            for (int colour = 0; colour < 2; colour++)
            {
                Parallel.For(0, ny * nz, options, () => 0.0, (line, _, localMax) =>
                {
                    int y = line % ny, z = line / ny;
                    int start = nx * line;
                    int uRow = uRates is null ? 0 : (nx / uFactor) * ((y / uFactor) + ((ny / uFactor) * (z / uFactor)));
                    int qRow = qRates is null ? 0 : (nx / qFactor) * ((y / qFactor) + ((ny / qFactor) * (z / qFactor)));
                    bool interiorLine = y > 0 && y < ny - 1 && (!threeD || (z > 0 && z < nz - 1));
                    for (int x = (y + z + colour) & 1; x < nx; x += 2)
                    {
                        int i = start + x;
                        if (held[i] != 0)
                        {
                            continue;
                        }
                        if (interiorLine && x > 0 && x < nx - 1)
                        {
                            // Interior voxel: all 2d neighbours exist; the pivot 1/(2dk + λ + u) is precomputed per site.
                            double neighbours = c[i - 1] + c[i + 1] + c[i - nx] + c[i + nx];
                            if (threeD)
                            {
                                neighbours += c[i - plane] + c[i + plane];
                            }
                            double pivot = interiorPivot is null ? uniformPivot : interiorPivot[uRow + uSiteX[x]];
                            double sink = qRates is null ? 0 : qRates[qRow + qSiteX[x]];
                            double next = c[i] + (omega * ((((k * neighbours) - sink) * pivot) - c[i]));
                            if (project && next < 0)
                            {
                                next = 0;
                            }
                            localMax = Math.Max(localMax, Math.Abs(next - c[i]));
                            c[i] = next;
                            continue;
                        }
                        double sum = 0;
                        int count = 0;
                        Neighbour(x > 0, c, i - 1, faces, ref sum, ref count);
                        Neighbour(x < nx - 1, c, i + 1, faces, ref sum, ref count);
                        Neighbour(y > 0, c, i - nx, faces, ref sum, ref count);
                        Neighbour(y < ny - 1, c, i + nx, faces, ref sum, ref count);
                        if (threeD)
                        {
                            Neighbour(z > 0, c, i - plane, faces, ref sum, ref count);
                            Neighbour(z < nz - 1, c, i + plane, faces, ref sum, ref count);
                        }
                        double u = decay + (uRates is null ? 0 : uRates[uRow + uSiteX[x]]);
                        double q = qRates is null ? 0 : qRates[qRow + qSiteX[x]];
                        double gaussSeidel = ((k * sum) - q) / ((k * count) + u);
                        double updated = c[i] + (omega * (gaussSeidel - c[i]));
                        if (project && updated < 0)
                        {
                            updated = 0;
                        }
                        localMax = Math.Max(localMax, Math.Abs(updated - c[i]));
                        c[i] = updated;
                    }
                    return localMax;
                }, localMax =>
                {
                    lock (gate)
                    {
                        change = Math.Max(change, localMax);
                    }
                });
            }
            sweep++;
        }
        return new SteadyStateResult(sweep, change, change <= tolerance);
    }

    private static void Neighbour(bool inside, double[] c, int j, FaceBoundary faces, ref double sum, ref int count)
    {
        if (inside)
        {
            sum += c[j];
            count++;
        }
        else if (faces.IsDirichlet)
        {
            sum += faces.Value;
            count++;
        }
    }

    private static double Ghost(FaceBoundary faces, double ci) => faces.IsDirichlet ? faces.Value - ci : 0;

    /// <summary>Thomas algorithm along one contiguous x line, with the implicit reaction factor applied to the right-hand side.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SweepLineWithReaction(double[] c, byte[] held, int start, int n, double r, FaceBoundary faces,
        double dt, double decay, double[]? rates, int siteRow, int[] siteX, double[] cp)
    {
        double faceValue = faces.IsDirichlet ? faces.Value : 0;
        double previousCp = 0, previousD = 0;
        for (int x = 0; x < n; x++)
        {
            int i = start + x;
            double a, b, upper, d;
            if (held[i] != 0)
            {
                a = 0;
                b = 1;
                upper = 0;
                d = c[i];
            }
            else
            {
                double u = decay + (rates is null ? 0 : rates[siteRow + siteX[x]]);
                d = c[i] / (1 + (dt * u));
                b = 1;
                a = 0;
                upper = 0;
                if (x > 0)
                {
                    a = -r;
                    b += r;
                }
                else if (faces.IsDirichlet)
                {
                    b += r;
                    d += r * faceValue;
                }
                if (x < n - 1)
                {
                    upper = -r;
                    b += r;
                }
                else if (faces.IsDirichlet)
                {
                    b += r;
                    d += r * faceValue;
                }
            }
            double denominator = b - (a * previousCp);
            previousCp = upper / denominator;
            previousD = (d - (a * previousD)) / denominator;
            cp[x] = previousCp;
            c[i] = previousD;
        }
        for (int x = n - 2; x >= 0; x--)
        {
            c[start + x] -= cp[x] * c[start + x + 1];
        }
    }

    /// <summary>
    /// Thomas algorithm along an axis for <paramref name="rowLength"/> independent lines at once: line j of the axis is
    /// the contiguous row starting at <c>start + j·stride</c>, so the inner loops run over contiguous memory.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SweepRows(double[] c, byte[] held, int start, int rowLength, int n, int stride, double r,
        FaceBoundary faces, double[] cp)
    {
        double faceValue = faces.IsDirichlet ? faces.Value : 0;
        bool dirichlet = faces.IsDirichlet;
        for (int j = 0; j < n; j++)
        {
            int row = start + (j * stride);
            int cpRow = j * rowLength;
            bool hasLower = j > 0, hasUpper = j < n - 1;
            double a = hasLower ? -r : 0;
            double upper = hasUpper ? -r : 0;
            int neighbours = (hasLower ? 1 : 0) + (hasUpper ? 1 : 0);
            int ghosts = dirichlet ? 2 - neighbours : 0;
            double b = 1 + (r * (neighbours + ghosts));
            double extra = r * faceValue * ghosts;
            for (int x = 0; x < rowLength; x++)
            {
                int i = row + x;
                double previousCp = hasLower ? cp[cpRow - rowLength + x] : 0;
                double previousD = hasLower ? c[i - stride] : 0;
                if (held[i] != 0)
                {
                    cp[cpRow + x] = 0;
                    continue; // identity row: c[i] stays
                }
                double denominator = b - (a * previousCp);
                cp[cpRow + x] = upper / denominator;
                c[i] = (c[i] + extra - (a * previousD)) / denominator;
            }
        }
        for (int j = n - 2; j >= 0; j--)
        {
            int row = start + (j * stride);
            int cpRow = j * rowLength;
            for (int x = 0; x < rowLength; x++)
            {
                c[row + x] -= cp[cpRow + x] * c[row + x + stride];
            }
        }
    }

    private static int[] SiteIndices(int n, int factor)
    {
        var indices = new int[n];
        for (int x = 0; x < n; x++)
        {
            indices[x] = x / factor;
        }
        return indices;
    }

    private static ParallelOptions Options(int maxThreads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxThreads);
        return new ParallelOptions { MaxDegreeOfParallelism = maxThreads == 0 ? Environment.ProcessorCount : maxThreads };
    }

    private static void Check(DiffusionField field, SiteRates? uptake, double timeStep)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (uptake is not null && uptake.FieldLattice != field.Lattice)
        {
            throw new ArgumentException($"The uptake rates are for {uptake.FieldLattice}, not the field's {field.Lattice}.", nameof(uptake));
        }
        if (!(timeStep > 0) || !double.IsFinite(timeStep))
        {
            throw new ArgumentOutOfRangeException(nameof(timeStep), timeStep, "The time step must be a positive, finite number of minutes.");
        }
    }
}
