using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TwinLab.Tissue.Fields;

/// <summary>The outcome of a multigrid solve.</summary>
/// <param name="Cycles">V-cycles performed.</param>
/// <param name="InitialResidual">The scaled residual max |rᵢ|/aᵢᵢ after the first pre-smoothing (concentration units).</param>
/// <param name="FinalResidual">The scaled residual of the returned field.</param>
/// <param name="ConvergenceFactor">The mean reduction of the scaled residual per cycle,
/// (final/initial)^(1/cycles); NaN when no cycle was needed.</param>
/// <param name="LastCorrection">The largest change the last cycle's coarse-grid correction made to a voxel (infinity
/// when no cycle ran).</param>
/// <param name="Converged">Whether <paramref name="FinalResidual"/> and <paramref name="LastCorrection"/> both fell to
/// the tolerance within the cycle limit.</param>
public sealed record MultigridResult(int Cycles, double InitialResidual, double FinalResidual, double ConvergenceFactor,
    double LastCorrection, bool Converged);

/// <summary>
/// One axis of a multigrid grid: the widths and centres of its cells in finest-grid spacings, the cells of the finer
/// grid each one aggregates, and the Laplacian's coefficients along it. The finest axis has cells of width 1; a coarser
/// axis pairs the finer cells, and when their number is odd the middle coarse cell takes three, so every grid covers
/// exactly the domain with cells at most twice as wide as their neighbours and the transfers follow the real geometry.
/// </summary>
internal sealed class MultigridAxis
{
    private (int C0, double W0, int C1, double W1)[]? _dirichletInterpolation, _closedInterpolation;

    private MultigridAxis(double[] width, bool active, MultigridAxis? finer, int[] firstChild, int[] childCount)
    {
        Width = width;
        Active = active;
        Finer = finer;
        FirstChild = firstChild;
        ChildCount = childCount;
        Centre = new double[width.Length];
        double left = 0;
        for (int i = 0; i < width.Length; i++)
        {
            Centre[i] = left + (width[i] / 2);
            left += width[i];
        }
        Extent = left;
        Lower = new double[width.Length];
        Upper = new double[width.Length];
        Ghost = new double[width.Length];
        Diagonal = new double[width.Length];
        int finerSize = finer?.Size ?? 0;
        Parent = new int[finerSize];
        RestrictionWeight = new double[finerSize];
        for (int c = 0; c < width.Length && finer is not null; c++)
        {
            for (int f = firstChild[c]; f < firstChild[c] + childCount[c]; f++)
            {
                Parent[f] = c;
                RestrictionWeight[f] = finer.Width[f] / width[c];
            }
        }
    }

    public int Size => Width.Length;

    /// <summary>False for the z axis of a 2-D lattice (one cell, no neighbours, no faces).</summary>
    public bool Active { get; }

    /// <summary>Cell widths in finest-grid spacings.</summary>
    public double[] Width { get; }

    /// <summary>Cell centres from the low face, in finest-grid spacings.</summary>
    public double[] Centre { get; }

    /// <summary>The domain's length in finest-grid spacings (the same on every grid).</summary>
    public double Extent { get; }

    /// <summary>The finer axis this one aggregates (null on the finest grid).</summary>
    public MultigridAxis? Finer { get; }

    /// <summary>The first finer cell of each cell.</summary>
    public int[] FirstChild { get; }

    /// <summary>The number of finer cells of each cell (2, or 3 for the middle cell of an odd finer axis).</summary>
    public int[] ChildCount { get; }

    /// <summary>Finer cell → its cell on this axis.</summary>
    public int[] Parent { get; }

    /// <summary>Finer cell → its width over its parent's: the weights of the volume average.</summary>
    public double[] RestrictionWeight { get; }

    /// <summary>The coupling of each cell to its lower neighbour, D/(h₀²·w·d) with d the centre distance (0 at the face).</summary>
    public double[] Lower { get; }

    /// <summary>The coupling of each cell to its upper neighbour (0 at the face).</summary>
    public double[] Upper { get; }

    /// <summary>The coupling of a face cell to the far-field ghost, whose centre lies half a finest spacing outside the
    /// face on every grid (0 elsewhere and with closed faces).</summary>
    public double[] Ghost { get; }

    /// <summary>Lower + Upper + Ghost: this axis's share of the diagonal.</summary>
    public double[] Diagonal { get; }

    /// <summary>The finest axis: <paramref name="size"/> cells of width 1.</summary>
    public static MultigridAxis Finest(int size, bool active)
    {
        var width = new double[size];
        Array.Fill(width, 1.0);
        return new MultigridAxis(width, active, null, [], []);
    }

    /// <summary>The next coarser axis: cells paired, the middle one a triple when the size is odd (size ≥ 2; an
    /// inactive axis stays one cell).</summary>
    public MultigridAxis Coarsen()
    {
        if (!Active)
        {
            return new MultigridAxis([Width[0]], false, this, [0], [1]);
        }
        int coarse = Size / 2;
        int triple = Size % 2 == 1 ? coarse / 2 : -1;
        var width = new double[coarse];
        var first = new int[coarse];
        var count = new int[coarse];
        int next = 0;
        for (int c = 0; c < coarse; c++)
        {
            first[c] = next;
            count[c] = c == triple ? 3 : 2;
            for (int f = next; f < next + count[c]; f++)
            {
                width[c] += Width[f];
            }
            next += count[c];
        }
        return new MultigridAxis(width, true, this, first, count);
    }

    /// <summary>Sets the couplings for diffusion <paramref name="kFinest"/> = D/h₀² and the face condition.</summary>
    public void SetCoefficients(double kFinest, bool dirichlet)
    {
        int n = Size;
        Array.Clear(Lower);
        Array.Clear(Upper);
        Array.Clear(Ghost);
        Array.Clear(Diagonal);
        if (!Active)
        {
            return;
        }
        for (int i = 0; i < n; i++)
        {
            // Finite volumes: the flux through a face over the centre distance, per unit of the cell's width.
            if (i > 0)
            {
                Lower[i] = kFinest / (Width[i] * (Centre[i] - Centre[i - 1]));
            }
            if (i < n - 1)
            {
                Upper[i] = kFinest / (Width[i] * (Centre[i + 1] - Centre[i]));
            }
            if (dirichlet && i == 0)
            {
                Ghost[i] += kFinest / (Width[i] * (Centre[i] + 0.5));
            }
            if (dirichlet && i == n - 1)
            {
                Ghost[i] += kFinest / (Width[i] * (Extent + 0.5 - Centre[i]));
            }
            Diagonal[i] = Lower[i] + Upper[i] + Ghost[i];
        }
    }

    /// <summary>
    /// Linear interpolation weights from this axis's cell centres to the finer axis's: from the two coarse centres that
    /// bracket a finer centre; beyond the outermost coarse centre, towards zero at the ghost centre (far-field faces) or
    /// constant (closed faces).
    /// </summary>
    public (int C0, double W0, int C1, double W1)[] Interpolation(bool dirichlet)
    {
        ref var cached = ref dirichlet ? ref _dirichletInterpolation : ref _closedInterpolation;
        if (cached is not null)
        {
            return cached;
        }
        var finer = Finer!;
        var weights = new (int, double, int, double)[finer.Size];
        for (int f = 0; f < finer.Size; f++)
        {
            int p = Parent[f];
            double x = finer.Centre[f];
            int q = x < Centre[p] ? p - 1 : p + 1;
            if (!Active || x == Centre[p])
            {
                weights[f] = (p, 1.0, p, 0.0);
            }
            else if (q < 0 || q >= Size)
            {
                double ghost = q < 0 ? -0.5 : Extent + 0.5;
                weights[f] = dirichlet ? (p, (x - ghost) / (Centre[p] - ghost), p, 0.0) : (p, 1.0, p, 0.0);
            }
            else
            {
                double wq = (x - Centre[p]) / (Centre[q] - Centre[p]);
                weights[f] = (p, 1 - wq, q, wq);
            }
        }
        cached = weights;
        return weights;
    }
}

/// <summary>
/// One grid of the multigrid hierarchy for the operator A c = (s − D∇²) c on a cell-centred lattice: per-voxel shift
/// s (decay + uptake, plus 1/Δt for a backward-Euler step), the finite-volume 7-point (5-point) Laplacian on the grid's
/// cells, far-field ghosts or zero flux at the faces, and held voxels (identity rows). The finest grid is uniform and
/// reads its shift per cell site; coarse grids store it per voxel.
/// </summary>
internal sealed class MultigridLevel
{
    public MultigridLevel(MultigridAxis x, MultigridAxis y, MultigridAxis z, double[] values, byte[] held)
    {
        X = x;
        Y = y;
        Z = z;
        C = values;
        Held = held;
        SiteX = new int[Nx];
        Shift = [];
        InvDiagonal = [];
    }

    public MultigridAxis X { get; }

    public MultigridAxis Y { get; }

    public MultigridAxis Z { get; }

    public int Nx => X.Size;

    public int Ny => Y.Size;

    public int Nz => Z.Size;

    public bool ThreeD => Z.Active;

    public int Count => Nx * Ny * Nz;

    /// <summary>Whether this is the finest (uniform) grid, whose interior voxels take a fast path with scalar couplings.</summary>
    public bool Finest => X.Finer is null;

    /// <summary>D/h₀²: the coupling between interior voxels of the finest grid.</summary>
    public double K { get; set; }

    /// <summary>2d·K: the Laplacian's share of an interior voxel's diagonal on the finest grid.</summary>
    public double InteriorK => 2 * K * (ThreeD ? 3 : 2);

    /// <summary>The ghost value: the far-field concentration on the finest grid, 0 for the coarse error equations
    /// (and with closed faces, whose ghost couplings are zero).</summary>
    public double GhostValue { get; set; }

    public double[] C { get; }

    /// <summary>The right-hand side, or null for zero.</summary>
    public double[]? F { get; set; }

    public byte[] Held { get; }

    /// <summary>Voxels per site along each axis (1 on coarse grids).</summary>
    public int Factor { get; set; } = 1;

    public int SitesX { get; set; }

    public int SitesY { get; set; }

    /// <summary>x → site column (x / Factor), or all 0 with a single shared shift.</summary>
    public int[] SiteX { get; }

    /// <summary>The shift per site (finest grid) or per voxel (coarse grids).</summary>
    public double[] Shift { get; set; }

    /// <summary>Finest grid: 1/(shift + 2d·K) per site, the reciprocal diagonal of an interior voxel. Coarse grids: the
    /// reciprocal diagonal per voxel.</summary>
    public double[] InvDiagonal { get; set; }

    /// <summary>The first site of line (y, z).</summary>
    public int SiteRow(int y, int z) => SitesX * ((y / Factor) + (SitesY * (z / Factor)));

    /// <summary>Finest grid: the interior reciprocal diagonal per voxel along x, one row of Nx per row of sites (a single
    /// row with a shared shift), for the vectorised passes.</summary>
    public double[] InvLines { get; set; } = [];

    /// <summary>Finest grid: the interior diagonal shift + 2d·K per voxel along x, laid out as <see cref="InvLines"/>.</summary>
    public double[] DiagonalLines { get; set; } = [];

    /// <summary>Whether any voxel of this grid is held.</summary>
    public bool HasHeld { get; set; }

    /// <summary>Finest grid: whether line (y, z) holds a held voxel (such lines take the scalar path).</summary>
    public bool[] LineHasHeld { get; set; } = [];

    /// <summary>The offset of line (y, z)'s row in <see cref="InvLines"/> and <see cref="DiagonalLines"/>.</summary>
    public int ExpandedRow(int y, int z) => SitesX == 0 ? 0 : Nx * ((y / Factor) + (SitesY * (z / Factor)));

    /// <summary>The residual rᵢ = fᵢ − (A c)ᵢ and the diagonal aᵢᵢ at voxel (x, y, z) (not held).</summary>
    public double Residual(int x, int y, int z, int i, double shift, out double diagonal)
    {
        var c = C;
        int nx = Nx, plane = Nx * Ny;
        double sum = F is null ? 0 : F[i];
        diagonal = shift + X.Diagonal[x] + Y.Diagonal[y] + Z.Diagonal[z];
        if (x > 0) { sum += X.Lower[x] * c[i - 1]; }
        if (x < nx - 1) { sum += X.Upper[x] * c[i + 1]; }
        if (y > 0) { sum += Y.Lower[y] * c[i - nx]; }
        if (y < Ny - 1) { sum += Y.Upper[y] * c[i + nx]; }
        if (ThreeD)
        {
            if (z > 0) { sum += Z.Lower[z] * c[i - plane]; }
            if (z < Nz - 1) { sum += Z.Upper[z] * c[i + plane]; }
        }
        if (GhostValue != 0)
        {
            sum += (X.Ghost[x] + Y.Ghost[y] + Z.Ghost[z]) * GhostValue;
        }
        return sum - (diagonal * c[i]);
    }
}

/// <summary>
/// Geometric multigrid V-cycles for (s − D∇²) c = f on a field's lattice, cell-centred: red-black Gauss–Seidel
/// smoothing; coarse grids that pair cells along each axis (the middle coarse cell takes three when a size is odd), so
/// every grid covers exactly the domain; the operator rediscretised by finite volumes on each grid's cells (shifts
/// volume-averaged, a coarse voxel held when half its volume is on the first coarse grid, a quarter below); restriction
/// by the volume average of the children; linear prolongation between the actual cell centres; the coarsest grid solved
/// by preconditioned conjugate gradients. Every pass splits lines (y, z) or planes over threads, and a red-black colour
/// reads only the other colour, so results do not depend on the thread count.
/// </summary>
internal sealed class MultigridHierarchy
{
    private const int PreSmoothing = 2;
    private const int PostSmoothing = 2;
    private readonly List<MultigridLevel> _levels = [];
    private readonly double[][] _lineBuffers;
    private readonly double[] _chunkMaxima;
    private readonly int _heldVersion;
    private readonly int _factor;
    private double[][] _coarsest = [];

    private MultigridHierarchy(DiffusionField field, int factor)
    {
        _heldVersion = field.HeldVersion;
        _factor = factor;
        var lattice = field.Lattice;
        bool threeD = lattice.Dimensions == 3;
        var fine = new MultigridLevel(MultigridAxis.Finest(lattice.SizeX, true), MultigridAxis.Finest(lattice.SizeY, true),
            MultigridAxis.Finest(lattice.SizeZ, threeD), field.Values, field.HeldMask);
        _levels.Add(fine);
        var current = fine;
        while (CanCoarsen(current))
        {
            var coarse = new MultigridLevel(current.X.Coarsen(), current.Y.Coarsen(), current.Z.Coarsen(), [], []);
            int count = coarse.Count;
            coarse = new MultigridLevel(coarse.X, coarse.Y, coarse.Z, new double[count], new byte[count])
            {
                F = new double[count],
                Shift = new double[count],
                InvDiagonal = new double[count],
                SitesX = coarse.Nx,
                SitesY = coarse.Ny,
            };
            for (int x = 0; x < coarse.Nx; x++)
            {
                coarse.SiteX[x] = x;
            }
            MarkCoarseHeld(current, coarse, _levels.Count);
            coarse.HasHeld = coarse.Held.AsSpan().ContainsAnyExcept((byte)0);
            _levels.Add(coarse);
            current = coarse;
        }
        int widest = 0;
        foreach (var level in _levels)
        {
            widest = Math.Max(widest, level.Nx);
        }
        _lineBuffers = new double[Environment.ProcessorCount * 4][];
        _chunkMaxima = new double[_lineBuffers.Length];
        for (int b = 0; b < _lineBuffers.Length; b++)
        {
            _lineBuffers[b] = new double[widest];
        }
        if (factor > 0)
        {
            fine.Factor = factor;
            fine.SitesX = lattice.SizeX / factor;
            fine.SitesY = lattice.SizeY / factor;
            for (int x = 0; x < lattice.SizeX; x++)
            {
                fine.SiteX[x] = x / factor;
            }
            int sites = fine.SitesX * fine.SitesY * (threeD ? lattice.SizeZ / factor : 1);
            fine.Shift = new double[sites];
            fine.InvDiagonal = new double[sites];
        }
        else
        {
            fine.Shift = new double[1];
            fine.InvDiagonal = new double[1];
        }
        int rows = fine.SitesX == 0 ? 1 : fine.SitesY * (threeD ? lattice.SizeZ / factor : 1);
        fine.InvLines = new double[rows * fine.Nx];
        fine.DiagonalLines = new double[rows * fine.Nx];
        fine.HasHeld = fine.Held.AsSpan().ContainsAnyExcept((byte)0);
        fine.LineHasHeld = new bool[fine.Ny * fine.Nz];
        for (int line = 0; line < fine.LineHasHeld.Length; line++)
        {
            fine.LineHasHeld[line] = fine.Held.AsSpan(line * fine.Nx, fine.Nx).ContainsAnyExcept((byte)0);
        }
    }

    public int LevelCount => _levels.Count;

    /// <summary>The finest grid (the field's own lattice).</summary>
    public MultigridLevel Finest => _levels[0];

    /// <summary>The hierarchy cached on the field, rebuilt when its held voxels or the uptake's site size change.</summary>
    public static MultigridHierarchy For(DiffusionField field, SiteRates? uptake)
    {
        int factor = uptake?.Coarsening ?? 0;
        var cached = field.Multigrid;
        if (cached is null || cached._heldVersion != field.HeldVersion || cached._factor != factor)
        {
            cached = new MultigridHierarchy(field, factor);
            field.Multigrid = cached;
        }
        return cached;
    }

    /// <summary>Solves in place to a scaled residual ≤ <paramref name="tolerance"/>.</summary>
    /// <param name="field">The field (its values are the initial guess and the answer).</param>
    /// <param name="uptake">Per-site uptake or null.</param>
    /// <param name="extraShift">Added to decay + uptake (1/Δt for a backward-Euler step, else 0).</param>
    /// <param name="rhs">The right-hand side per voxel, or null for zero.</param>
    /// <param name="tolerance">The scaled-residual tolerance.</param>
    /// <param name="maxCycles">The most V-cycles.</param>
    /// <param name="options">Threading.</param>
    public MultigridResult Solve(DiffusionField field, SiteRates? uptake, double extraShift, double[]? rhs,
        double tolerance, int maxCycles, ParallelOptions options)
    {
        var fine = _levels[0];
        var lattice = field.Lattice;
        double h = lattice.Spacing;
        double k = field.DiffusionCoefficient / (h * h);
        bool dirichlet = field.Faces.IsDirichlet;
        fine.F = rhs;
        fine.K = k;
        fine.GhostValue = dirichlet ? field.Faces.Value : 0;
        double baseShift = field.DecayRate + extraShift;
        foreach (var level in _levels)
        {
            level.X.SetCoefficients(k, dirichlet);
            level.Y.SetCoefficients(k, dirichlet);
            level.Z.SetCoefficients(k, dirichlet);
        }
        if (uptake is null)
        {
            fine.Shift[0] = baseShift;
        }
        else
        {
            var rates = uptake.Values;
            for (int s = 0; s < rates.Length; s++)
            {
                fine.Shift[s] = baseShift + rates[s];
            }
        }
        for (int s = 0; s < fine.Shift.Length; s++)
        {
            fine.InvDiagonal[s] = 1 / (fine.Shift[s] + fine.InteriorK);
        }
        for (int row = 0; row * fine.Nx < fine.InvLines.Length; row++)
        {
            int firstSite = row * fine.SitesX;
            for (int x = 0; x < fine.Nx; x++)
            {
                int site = firstSite + fine.SiteX[x];
                fine.InvLines[(row * fine.Nx) + x] = fine.InvDiagonal[site];
                fine.DiagonalLines[(row * fine.Nx) + x] = fine.Shift[site] + fine.InteriorK;
            }
        }
        for (int l = 1; l < _levels.Count; l++)
        {
            RestrictShift(_levels[l - 1], _levels[l], options);
        }

        double initial = double.NaN, residual = double.NaN;
        double correction = _levels.Count > 1 ? double.PositiveInfinity : 0;
        int cycles = 0;
        while (true)
        {
            Smooth(fine, PreSmoothing, options);
            residual = _levels.Count > 1 ? RestrictResidual(fine, _levels[1], options) : ResidualNorm(fine, options);
            if (double.IsNaN(initial))
            {
                initial = residual;
            }
            // A small scaled residual alone does not bound the error of smooth modes (‖A⁻¹D‖ grows like n²); the coarse
            // correction measures them directly, and once it is below the tolerance the error left is about ρ/(1 − ρ)
            // of it, with ρ the convergence factor.
            if ((residual <= tolerance && correction <= tolerance) || cycles >= maxCycles || !double.IsFinite(residual))
            {
                break;
            }
            if (_levels.Count > 1)
            {
                CoarseCorrection(1, dirichlet, options);
                correction = Prolongate(_levels[1], fine, dirichlet, options);
            }
            else
            {
                Smooth(fine, CoarsestSweeps(fine), options);
            }
            Smooth(fine, PostSmoothing, options);
            cycles++;
        }
        double factor = cycles == 0 ? double.NaN : Math.Pow(residual / initial, 1.0 / cycles);
        return new MultigridResult(cycles, initial, residual, factor, correction, residual <= tolerance && correction <= tolerance);
    }

    private static bool CanCoarsen(MultigridLevel level)
    {
        int smallest = Math.Min(level.Nx, level.Ny);
        if (level.ThreeD)
        {
            smallest = Math.Min(smallest, level.Nz);
        }
        return smallest > 3;
    }

    private static int CoarsestSweeps(MultigridLevel level) =>
        Math.Min(2000, Math.Max(30, 2 * level.Nx * level.Nx + (2 * level.Ny * level.Ny) + (2 * level.Nz * level.Nz)));

    /// <summary>
    /// Solves the coarsest error equation A e = f (e = 0 at held voxels) by conjugate gradients with a diagonal
    /// preconditioner on the volume-weighted operator V·A, which is symmetric (the flux between two cells is the same
    /// seen from either) and positive definite whenever there is a shift or a far-field face. Relaxation alone is not
    /// enough there: with closed faces and a small shift the smoothest mode decays by only about s/aᵢᵢ per sweep.
    /// Sequential (the grid has a few dozen to a few thousand voxels), so deterministic.
    /// </summary>
    private void SolveCoarsest(MultigridLevel level)
    {
        int n = level.Count;
        var e = level.C;
        var f = level.F!;
        var (residual, direction, preconditioned, product) = CoarsestBuffers(n);
        double rz = 0, initial = 0;
        for (int i = 0; i < n; i++)
        {
            var (x, y, z) = Coordinates(level, i);
            double v = level.Held[i] != 0 ? 0 : level.X.Width[x] * level.Y.Width[y] * level.Z.Width[z];
            residual[i] = v * f[i];
            double scaled = v == 0 ? 0 : residual[i] * level.InvDiagonal[i] / v;
            preconditioned[i] = scaled;
            direction[i] = scaled;
            rz += residual[i] * scaled;
            initial = Math.Max(initial, Math.Abs(scaled));
        }
        if (initial == 0)
        {
            return;
        }
        for (int iteration = 0; iteration < (4 * n) + 50; iteration++)
        {
            ApplyWeighted(level, direction, product);
            double pq = 0;
            for (int i = 0; i < n; i++)
            {
                pq += direction[i] * product[i];
            }
            if (!(pq > 0))
            {
                break;
            }
            double alpha = rz / pq;
            double worst = 0, rzNext = 0;
            for (int i = 0; i < n; i++)
            {
                e[i] += alpha * direction[i];
                residual[i] -= alpha * product[i];
                if (level.Held[i] == 0)
                {
                    var (x, y, z) = Coordinates(level, i);
                    double v = level.X.Width[x] * level.Y.Width[y] * level.Z.Width[z];
                    preconditioned[i] = residual[i] * level.InvDiagonal[i] / v;
                    worst = Math.Max(worst, Math.Abs(preconditioned[i]));
                    rzNext += residual[i] * preconditioned[i];
                }
            }
            // Far below what the V-cycle needs (its own factor is about 0.1), cheap on this grid.
            if (worst <= 1e-12 * initial)
            {
                break;
            }
            double beta = rzNext / rz;
            rz = rzNext;
            for (int i = 0; i < n; i++)
            {
                direction[i] = preconditioned[i] + (beta * direction[i]);
            }
        }
    }

    private static (int X, int Y, int Z) Coordinates(MultigridLevel level, int i)
    {
        int x = i % level.Nx, rest = i / level.Nx;
        return (x, rest % level.Ny, rest / level.Ny);
    }

    /// <summary>q = V·A p over the voxels that are not held (held voxels and their couplings count as zero).</summary>
    private static void ApplyWeighted(MultigridLevel level, double[] p, double[] q)
    {
        int nx = level.Nx, ny = level.Ny, nz = level.Nz, plane = nx * ny;
        var held = level.Held;
        for (int z = 0, i = 0; z < nz; z++)
        {
            for (int y = 0; y < ny; y++)
            {
                for (int x = 0; x < nx; x++, i++)
                {
                    if (held[i] != 0)
                    {
                        q[i] = 0;
                        continue;
                    }
                    double sum = p[i] / level.InvDiagonal[i];
                    if (x > 0 && held[i - 1] == 0) { sum -= level.X.Lower[x] * p[i - 1]; }
                    if (x < nx - 1 && held[i + 1] == 0) { sum -= level.X.Upper[x] * p[i + 1]; }
                    if (y > 0 && held[i - nx] == 0) { sum -= level.Y.Lower[y] * p[i - nx]; }
                    if (y < ny - 1 && held[i + nx] == 0) { sum -= level.Y.Upper[y] * p[i + nx]; }
                    if (level.ThreeD)
                    {
                        if (z > 0 && held[i - plane] == 0) { sum -= level.Z.Lower[z] * p[i - plane]; }
                        if (z < nz - 1 && held[i + plane] == 0) { sum -= level.Z.Upper[z] * p[i + plane]; }
                    }
                    q[i] = sum * level.X.Width[x] * level.Y.Width[y] * level.Z.Width[z];
                }
            }
        }
    }

    private (double[], double[], double[], double[]) CoarsestBuffers(int n)
    {
        if (_coarsest.Length != 4 || _coarsest[0].Length != n)
        {
            _coarsest = [new double[n], new double[n], new double[n], new double[n]];
        }
        return (_coarsest[0], _coarsest[1], _coarsest[2], _coarsest[3]);
    }

    /// <summary>The error equation on level <paramref name="l"/> (its F already restricted): C = 0, then a V-cycle.</summary>
    private void CoarseCorrection(int l, bool dirichlet, ParallelOptions options)
    {
        var level = _levels[l];
        Array.Clear(level.C);
        if (l == _levels.Count - 1)
        {
            SolveCoarsest(level);
            return;
        }
        Smooth(level, PreSmoothing, options);
        RestrictResidual(level, _levels[l + 1], options);
        CoarseCorrection(l + 1, dirichlet, options);
        _ = Prolongate(_levels[l + 1], level, dirichlet, options);
        Smooth(level, PostSmoothing, options);
    }

    /// <summary>
    /// A coarse voxel is held (zero correction) when at least half of its volume is held on the finer grid (the first
    /// coarse grid) or a quarter of it (coarser grids). Half keeps the boundary of large held regions in place; on the
    /// coarser grids it would drop obstacles smaller than a cell — a vessel of one cell site — altogether, and the coarse
    /// correction would then ignore their sink. Measured (docs/methods/tissue.md): with vessels on the tissue lattice,
    /// 4 V-cycles per cell step instead of 8–23 with half on every grid.
    /// </summary>
    private static void MarkCoarseHeld(MultigridLevel fine, MultigridLevel coarse, int levelIndex)
    {
        double threshold = levelIndex == 1 ? 0.5 : 0.25;
        for (int z = 0; z < coarse.Nz; z++)
        {
            for (int y = 0; y < coarse.Ny; y++)
            {
                for (int x = 0; x < coarse.Nx; x++)
                {
                    double held = 0;
                    for (int fz = coarse.Z.FirstChild[z]; fz < coarse.Z.FirstChild[z] + coarse.Z.ChildCount[z]; fz++)
                    {
                        for (int fy = coarse.Y.FirstChild[y]; fy < coarse.Y.FirstChild[y] + coarse.Y.ChildCount[y]; fy++)
                        {
                            double wyz = coarse.Y.RestrictionWeight[fy] * coarse.Z.RestrictionWeight[fz];
                            int start = fine.Nx * (fy + (fine.Ny * fz));
                            for (int fx = coarse.X.FirstChild[x]; fx < coarse.X.FirstChild[x] + coarse.X.ChildCount[x]; fx++)
                            {
                                held += fine.Held[start + fx] != 0 ? wyz * coarse.X.RestrictionWeight[fx] : 0;
                            }
                        }
                    }
                    coarse.Held[x + (coarse.Nx * (y + (coarse.Ny * z)))] = (byte)(held >= threshold ? 1 : 0);
                }
            }
        }
    }

    /// <summary>Coarse shifts: the volume-weighted mean shift of the children that are not held, each child's shift
    /// plus its absorption into held neighbours the coarse grid drops (see <see cref="DroppedObstacleCoupling"/>); then
    /// the coarse reciprocal diagonals.</summary>
    private static void RestrictShift(MultigridLevel fine, MultigridLevel coarse, ParallelOptions options)
    {
        int lines = coarse.Ny * coarse.Nz;
        var ax = coarse.X;
        Parallel.For(0, lines, options, () => (Sum: new double[coarse.Nx], Volume: new double[coarse.Nx]), (line, _, buffers) =>
        {
            int y = line % coarse.Ny, z = line / coarse.Ny;
            int coarseStart = coarse.Nx * line;
            var (sum, volume) = buffers;
            Array.Clear(sum);
            Array.Clear(volume);
            for (int fz = coarse.Z.FirstChild[z]; fz < coarse.Z.FirstChild[z] + coarse.Z.ChildCount[z]; fz++)
            {
                for (int fy = coarse.Y.FirstChild[y]; fy < coarse.Y.FirstChild[y] + coarse.Y.ChildCount[y]; fy++)
                {
                    double wyz = coarse.Y.RestrictionWeight[fy] * coarse.Z.RestrictionWeight[fz];
                    int row = fine.SiteRow(fy, fz);
                    int start = fine.Nx * (fy + (fine.Ny * fz));
                    for (int fx = 0; fx < fine.Nx; fx++)
                    {
                        if (fine.Held[start + fx] == 0)
                        {
                            double w = wyz * ax.RestrictionWeight[fx];
                            double shift = fine.Shift[row + fine.SiteX[fx]];
                            if (fine.HasHeld)
                            {
                                shift += DroppedObstacleCoupling(fine, coarse, fx, fy, fz, start + fx);
                            }
                            sum[ax.Parent[fx]] += w * shift;
                            volume[ax.Parent[fx]] += w;
                        }
                    }
                }
            }
            double dyz = coarse.Y.Diagonal[y] + coarse.Z.Diagonal[z];
            for (int x = 0; x < coarse.Nx; x++)
            {
                int i = coarseStart + x;
                double shift = volume[x] == 0 ? 0 : sum[x] / volume[x];
                coarse.Shift[i] = shift;
                coarse.InvDiagonal[i] = 1 / (shift + ax.Diagonal[x] + dyz);
            }
            return buffers;
        }, _ => { });
    }

    /// <summary>
    /// The share of its neighbours' couplings that an isolated held voxel absorbs from a smooth field around it: the
    /// far-field flux into one voxel held at 0 in the infinite cubic lattice is k·e∞/g(0), with g(0) = P/6 the lattice
    /// Green's function at the origin and P = 1.516386059 Watson's integral (Watson 1939), so 6k·e∞ times 1/P ≈ 0.659.
    /// </summary>
    private const double IsolatedObstacleAbsorption = 1 / 1.516386059;

    /// <summary>
    /// The coupling of fine voxel <paramref name="i"/> at (fx, fy, fz) to its held neighbours that the coarse grid
    /// cannot see — those whose coarse cell is neither held nor next to a held coarse cell — times
    /// <see cref="IsolatedObstacleAbsorption"/>. Added to the coarse shift, it gives the coarse correction the sink of
    /// small obstacles that the coarse grids drop; the boundaries of large held regions, which the coarse grids do hold,
    /// are left as they were.
    /// </summary>
    private static double DroppedObstacleCoupling(MultigridLevel fine, MultigridLevel coarse, int fx, int fy, int fz, int i)
    {
        var held = fine.Held;
        int nx = fine.Nx, plane = fine.Nx * fine.Ny;
        double sum = 0;
        if (fx > 0 && held[i - 1] != 0 && IsolatedOnCoarseGrid(coarse, fx - 1, fy, fz))
        {
            sum += fine.X.Lower[fx];
        }
        if (fx < nx - 1 && held[i + 1] != 0 && IsolatedOnCoarseGrid(coarse, fx + 1, fy, fz))
        {
            sum += fine.X.Upper[fx];
        }
        if (fy > 0 && held[i - nx] != 0 && IsolatedOnCoarseGrid(coarse, fx, fy - 1, fz))
        {
            sum += fine.Y.Lower[fy];
        }
        if (fy < fine.Ny - 1 && held[i + nx] != 0 && IsolatedOnCoarseGrid(coarse, fx, fy + 1, fz))
        {
            sum += fine.Y.Upper[fy];
        }
        if (fine.ThreeD)
        {
            if (fz > 0 && held[i - plane] != 0 && IsolatedOnCoarseGrid(coarse, fx, fy, fz - 1))
            {
                sum += fine.Z.Lower[fz];
            }
            if (fz < fine.Nz - 1 && held[i + plane] != 0 && IsolatedOnCoarseGrid(coarse, fx, fy, fz + 1))
            {
                sum += fine.Z.Upper[fz];
            }
        }
        return IsolatedObstacleAbsorption * sum;
    }

    /// <summary>Whether the coarse cell of fine voxel (fx, fy, fz) is not held and has no held neighbour.</summary>
    private static bool IsolatedOnCoarseGrid(MultigridLevel coarse, int fx, int fy, int fz)
    {
        int px = coarse.X.Parent[fx], py = coarse.Y.Parent[fy], pz = coarse.Z.Parent[fz];
        int nx = coarse.Nx, plane = coarse.Nx * coarse.Ny;
        int p = px + (nx * py) + (plane * pz);
        var held = coarse.Held;
        return held[p] == 0
            && !(px > 0 && held[p - 1] != 0) && !(px < nx - 1 && held[p + 1] != 0)
            && !(py > 0 && held[p - nx] != 0) && !(py < coarse.Ny - 1 && held[p + nx] != 0)
            && !(pz > 0 && held[p - plane] != 0) && !(pz < coarse.Nz - 1 && held[p + plane] != 0);
    }

    /// <summary>Red-black Gauss–Seidel sweeps (each sweep: all red voxels, then all black).</summary>
    internal static void Smooth(MultigridLevel level, int sweeps, ParallelOptions options)
    {
        int lines = level.Ny * level.Nz;
        bool parallel = level.Count >= 32_768;
        int threads = options.MaxDegreeOfParallelism > 0 ? options.MaxDegreeOfParallelism : Environment.ProcessorCount;
        int chunks = Math.Min(threads, level.Nz / 4);
        for (int s = 0; s < sweeps; s++)
        {
            if (parallel && level.ThreeD && chunks >= 1)
            {
                SweepByPlanes(level, chunks, options);
                continue;
            }
            for (int colour = 0; colour < 2; colour++)
            {
                if (parallel)
                {
                    int col = colour;
                    Parallel.For(0, lines, options, line => RelaxLine(level, line, col));
                }
                else
                {
                    for (int line = 0; line < lines; line++)
                    {
                        RelaxLine(level, line, colour);
                    }
                }
            }
        }
    }

    /// <summary>
    /// One red-black sweep that walks the planes once: red on plane z, then black on plane z − 1, whose red neighbours
    /// are then all updated while every red voxel read its black neighbours before they changed. The planes are split
    /// into contiguous chunks (one per thread); the black half of each chunk's first and last planes waits until every
    /// chunk's reds are done. Every voxel sees exactly the values it sees in the two-pass sweep, so the result is the
    /// same bit for bit, while the field streams through memory once instead of twice.
    /// </summary>
    private static void SweepByPlanes(MultigridLevel level, int chunks, ParallelOptions options)
    {
        int nz = level.Nz;
        Parallel.For(0, chunks, options, chunk =>
        {
            int z0 = (int)((long)nz * chunk / chunks), z1 = (int)((long)nz * (chunk + 1) / chunks);
            for (int z = z0; z < z1; z++)
            {
                RelaxPlane(level, z, 0);
                int below = z - 1;
                if (below > z0 && below < z1 - 1)
                {
                    RelaxPlane(level, below, 1);
                }
            }
        });
        Parallel.For(0, chunks, options, chunk =>
        {
            int z0 = (int)((long)nz * chunk / chunks), z1 = (int)((long)nz * (chunk + 1) / chunks);
            RelaxPlane(level, z0, 1);
            if (z1 - 1 > z0)
            {
                RelaxPlane(level, z1 - 1, 1);
            }
        });
    }

    private static void RelaxPlane(MultigridLevel level, int z, int colour)
    {
        int first = level.Ny * z;
        for (int line = first; line < first + level.Ny; line++)
        {
            RelaxLine(level, line, colour);
        }
    }

    private static void RelaxLine(MultigridLevel level, int line, int colour)
    {
        if (level.Finest)
        {
            RelaxFinestLine(level, line, colour);
        }
        else
        {
            RelaxCoarseLine(level, line, colour);
        }
    }

    /// <summary>A colour of one line of the finest grid: uniform couplings, the interior reciprocal diagonal per site.</summary>
    private static void RelaxFinestLine(MultigridLevel level, int line, int colour)
    {
        int nx = level.Nx, ny = level.Ny, nz = level.Nz;
        int y = line % ny, z = line / ny;
        int start = nx * line;
        int plane = nx * ny;
        var c = level.C;
        var held = level.Held;
        var f = level.F;
        var siteX = level.SiteX;
        var invInterior = level.InvDiagonal;
        double k = level.K;
        int row = level.SiteRow(y, z);
        bool threeD = level.ThreeD;
        bool interiorLine = y > 0 && y < ny - 1 && (!threeD || (z > 0 && z < nz - 1));
        int first = (y + z + colour) & 1;
        if (interiorLine)
        {
            // Interior voxels: all 2d neighbours exist and the reciprocal diagonal is precomputed per site.
            int x = first == 0 ? 2 : 1;
            if (first == 0)
            {
                RelaxBoundaryVoxel(level, 0, y, z, start, row);
            }
            if (Vector256.IsHardwareAccelerated && !level.LineHasHeld[line])
            {
                x = RelaxInteriorVectorised(level, start, x, level.ExpandedRow(y, z));
            }
            for (; x < nx - 1; x += 2)
            {
                int i = start + x;
                if (held[i] != 0)
                {
                    continue;
                }
                double sum = c[i - 1] + c[i + 1] + c[i - nx] + c[i + nx];
                if (threeD)
                {
                    sum += c[i - plane] + c[i + plane];
                }
                double rhs = f is null ? k * sum : f[i] + (k * sum);
                c[i] = rhs * invInterior[row + siteX[x]];
            }
            if (((nx - 1 + y + z + colour) & 1) == 0 && nx > 1)
            {
                RelaxBoundaryVoxel(level, nx - 1, y, z, start, row);
            }
            return;
        }
        for (int x = first; x < nx; x += 2)
        {
            RelaxBoundaryVoxel(level, x, y, z, start, row);
        }
    }

    /// <summary>
    /// The interior voxels of one colour of a finest-grid line without held voxels, four at a time from
    /// <paramref name="x"/> (a voxel of the colour): each vector computes the Gauss–Seidel value of all four voxels and
    /// keeps it only at lanes 0 and 2 (the colour), so the other colour, which this pass only reads, is written back
    /// unchanged. Each lane's arithmetic is that of the scalar loop, in the same order, so the results are identical.
    /// The next block is loaded before the current one is stored: its left neighbours overlap the store, and a load
    /// issued after an overlapping store would stall waiting for it. Returns the first voxel of the colour left for the
    /// scalar loop.
    /// </summary>
    private static int RelaxInteriorVectorised(MultigridLevel level, int start, int x, int expandedRow)
    {
        int nx = level.Nx;
        if (x + 3 >= nx - 1)
        {
            return x;
        }
        var colour = Vector256.Create(-1L, 0, -1L, 0).AsDouble();
        ref double c = ref MemoryMarshal.GetArrayDataReference(level.C);
        var (current, centre) = GaussSeidelBlock(level, start, x, expandedRow);
        for (; x + 7 < nx - 1; x += 4)
        {
            var (next, nextCentre) = GaussSeidelBlock(level, start, x + 4, expandedRow);
            Vector256.ConditionalSelect(colour, current, centre).StoreUnsafe(ref c, (nuint)(start + x));
            (current, centre) = (next, nextCentre);
        }
        Vector256.ConditionalSelect(colour, current, centre).StoreUnsafe(ref c, (nuint)(start + x));
        return x + 4;
    }

    /// <summary>The Gauss–Seidel values of the four interior voxels from (start + x) and their current values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<double> Updated, Vector256<double> Current) GaussSeidelBlock(MultigridLevel level, int start, int x, int expandedRow)
    {
        int nx = level.Nx, plane = level.Nx * level.Ny;
        ref double c = ref MemoryMarshal.GetArrayDataReference(level.C);
        nuint i = (nuint)(start + x);
        var sum = Vector256.LoadUnsafe(ref c, i - 1) + Vector256.LoadUnsafe(ref c, i + 1)
            + Vector256.LoadUnsafe(ref c, i - (nuint)nx) + Vector256.LoadUnsafe(ref c, i + (nuint)nx);
        if (level.ThreeD)
        {
            sum += Vector256.LoadUnsafe(ref c, i - (nuint)plane) + Vector256.LoadUnsafe(ref c, i + (nuint)plane);
        }
        var k = Vector256.Create(level.K);
        var f = level.F;
        var rhs = f is null ? k * sum : Vector256.Create(f.AsSpan(start + x, 4)) + (k * sum);
        var updated = rhs * Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(level.InvLines), (nuint)(expandedRow + x));
        return (updated, Vector256.LoadUnsafe(ref c, i));
    }

    /// <summary>A colour of one line of a coarse grid: couplings per cell along each axis, the reciprocal diagonal per
    /// voxel, ghost value 0 (the error equation).</summary>
    private static void RelaxCoarseLine(MultigridLevel level, int line, int colour)
    {
        int nx = level.Nx, ny = level.Ny, nz = level.Nz;
        int y = line % ny, z = line / ny;
        int start = nx * line;
        int plane = nx * ny;
        var c = level.C;
        var held = level.Held;
        var f = level.F!;
        var inv = level.InvDiagonal;
        var lx = level.X.Lower;
        var ux = level.X.Upper;
        double ly = level.Y.Lower[y], uy = level.Y.Upper[y], lz = level.Z.Lower[z], uz = level.Z.Upper[z];
        bool threeD = level.ThreeD;
        int x = (y + z + colour) & 1;
        if (y > 0 && y < ny - 1 && (!threeD || (z > 0 && z < nz - 1)))
        {
            // Interior line: every neighbour exists except beyond x = 0 and x = nx − 1 (zero coupling there: the ghost of
            // the error equation is 0), so only the ends need the general form.
            if (x == 0)
            {
                RelaxCoarseVoxel(level, 0, y, z, start);
                x = 2;
            }
            for (; x < nx - 1; x += 2)
            {
                int i = start + x;
                if (held[i] != 0)
                {
                    continue;
                }
                double sum = f[i] + (lx[x] * c[i - 1]) + (ux[x] * c[i + 1]) + (ly * c[i - nx]) + (uy * c[i + nx]);
                if (threeD)
                {
                    sum += (lz * c[i - plane]) + (uz * c[i + plane]);
                }
                c[i] = sum * inv[i];
            }
        }
        for (; x < nx; x += 2)
        {
            RelaxCoarseVoxel(level, x, y, z, start);
        }
    }

    /// <summary>One Gauss–Seidel update of a coarse voxel in the general form (any position; held voxels unchanged).</summary>
    private static void RelaxCoarseVoxel(MultigridLevel level, int x, int y, int z, int start)
    {
        int i = start + x;
        if (level.Held[i] != 0)
        {
            return;
        }
        int nx = level.Nx, plane = level.Nx * level.Ny;
        var c = level.C;
        double sum = level.F![i];
        if (x > 0) { sum += level.X.Lower[x] * c[i - 1]; }
        if (x < nx - 1) { sum += level.X.Upper[x] * c[i + 1]; }
        if (y > 0) { sum += level.Y.Lower[y] * c[i - nx]; }
        if (y < level.Ny - 1) { sum += level.Y.Upper[y] * c[i + nx]; }
        if (level.ThreeD)
        {
            if (z > 0) { sum += level.Z.Lower[z] * c[i - plane]; }
            if (z < level.Nz - 1) { sum += level.Z.Upper[z] * c[i + plane]; }
        }
        c[i] = sum * level.InvDiagonal[i];
    }

    private static void RelaxBoundaryVoxel(MultigridLevel level, int x, int y, int z, int start, int row)
    {
        int i = start + x;
        if (level.Held[i] != 0)
        {
            return;
        }
        double r = level.Residual(x, y, z, i, level.Shift[row + level.SiteX[x]], out double diagonal);
        level.C[i] += r / diagonal;
    }

    /// <summary>The scaled residual max |rᵢ|/aᵢᵢ over voxels that are not held.</summary>
    private static double ResidualNorm(MultigridLevel level, ParallelOptions options)
    {
        double worst = 0;
        var gate = new object();
        Parallel.For(0, level.Ny * level.Nz, options, () => 0.0, (line, _, local) =>
        {
            int y = line % level.Ny, z = line / level.Ny;
            int start = level.Nx * line;
            int row = level.SiteRow(y, z);
            for (int x = 0; x < level.Nx; x++)
            {
                if (level.Held[start + x] == 0)
                {
                    double r = level.Residual(x, y, z, start + x, level.Shift[row + level.SiteX[x]], out double diagonal);
                    local = Math.Max(local, Math.Abs(r) / diagonal);
                }
            }
            return local;
        }, local =>
        {
            lock (gate)
            {
                worst = Math.Max(worst, local);
            }
        });
        return worst;
    }

    /// <summary>Computes the fine residual and restricts it (volume average of the children; held children count as 0)
    /// into the coarse right-hand side; returns the fine scaled residual max |rᵢ|/aᵢᵢ. Each fine row's residual goes to
    /// a row buffer first, then its children are summed per coarse cell.</summary>
    private static double RestrictResidual(MultigridLevel fine, MultigridLevel coarse, ParallelOptions options)
    {
        double worst = 0;
        var gate = new object();
        var coarseF = coarse.F!;
        var ax = coarse.X;
        Parallel.For(0, coarse.Ny * coarse.Nz, options, () => (Row: new double[fine.Nx], Max: 0.0), (line, _, local) =>
        {
            int y = line % coarse.Ny, z = line / coarse.Ny;
            int coarseStart = coarse.Nx * line;
            Array.Clear(coarseF, coarseStart, coarse.Nx);
            var row = local.Row;
            for (int fz = coarse.Z.FirstChild[z]; fz < coarse.Z.FirstChild[z] + coarse.Z.ChildCount[z]; fz++)
            {
                for (int fy = coarse.Y.FirstChild[y]; fy < coarse.Y.FirstChild[y] + coarse.Y.ChildCount[y]; fy++)
                {
                    local.Max = Math.Max(local.Max, ResidualRow(fine, fy, fz, row));
                    double wyz = coarse.Y.RestrictionWeight[fy] * coarse.Z.RestrictionWeight[fz];
                    for (int x = 0; x < coarse.Nx; x++)
                    {
                        int first = ax.FirstChild[x];
                        double sum = (ax.RestrictionWeight[first] * row[first]) + (ax.RestrictionWeight[first + 1] * row[first + 1]);
                        if (ax.ChildCount[x] == 3)
                        {
                            sum += ax.RestrictionWeight[first + 2] * row[first + 2];
                        }
                        coarseF[coarseStart + x] += wyz * sum;
                    }
                }
            }
            for (int x = 0; x < coarse.Nx; x++)
            {
                int i = coarseStart + x;
                if (coarse.Held[i] != 0)
                {
                    coarseF[i] = 0;
                }
            }
            return local;
        }, local =>
        {
            lock (gate)
            {
                worst = Math.Max(worst, local.Max);
            }
        });
        return worst;
    }

    /// <summary>The residual of fine row (y, z) into <paramref name="row"/> (0 at held voxels); returns the row's largest
    /// scaled residual |rᵢ|/aᵢᵢ.</summary>
    private static double ResidualRow(MultigridLevel fine, int fy, int fz, double[] row)
    {
        int nx = fine.Nx, plane = fine.Nx * fine.Ny;
        bool threeD = fine.ThreeD;
        int siteRow = fine.SiteRow(fy, fz);
        int start = nx * (fy + (fine.Ny * fz));
        var c = fine.C;
        var held = fine.Held;
        double most = 0;
        int x = 0;
        bool interiorLine = fine.Finest && fy > 0 && fy < fine.Ny - 1 && (!threeD || (fz > 0 && fz < fine.Nz - 1));
        if (interiorLine && nx > 2)
        {
            // Interior voxels of the finest grid: aᵢᵢ = shift + 2d·K, uniform couplings.
            x = 1;
            EdgeResidual(fine, 0, fy, fz, start, siteRow, row, ref most);
            var f = fine.F;
            var siteX = fine.SiteX;
            var shift = fine.Shift;
            var inv = fine.InvDiagonal;
            double k = fine.K, interiorK = fine.InteriorK;
            if (Vector256.IsHardwareAccelerated && !fine.LineHasHeld[fy + (fine.Ny * fz)])
            {
                x = ResidualInteriorVectorised(fine, start, fine.ExpandedRow(fy, fz), row, ref most);
            }
            for (; x < nx - 1; x++)
            {
                int i = start + x;
                if (held[i] != 0)
                {
                    row[x] = 0;
                    continue;
                }
                double sum = c[i - 1] + c[i + 1] + c[i - nx] + c[i + nx];
                if (threeD)
                {
                    sum += c[i - plane] + c[i + plane];
                }
                int site = siteRow + siteX[x];
                double r = (f is null ? 0 : f[i]) + (k * sum) - ((shift[site] + interiorK) * c[i]);
                row[x] = r;
                most = Math.Max(most, Math.Abs(r) * inv[site]);
            }
        }
        else if (!fine.Finest && nx > 2 && fy > 0 && fy < fine.Ny - 1 && (!threeD || (fz > 0 && fz < fine.Nz - 1)))
        {
            // Interior voxels of a coarse grid: couplings per cell along each axis, the shift per voxel.
            x = 1;
            EdgeResidual(fine, 0, fy, fz, start, siteRow, row, ref most);
            var f = fine.F!;
            var shift = fine.Shift;
            var lx = fine.X.Lower;
            var ux = fine.X.Upper;
            var dx = fine.X.Diagonal;
            double ly = fine.Y.Lower[fy], uy = fine.Y.Upper[fy], lz = fine.Z.Lower[fz], uz = fine.Z.Upper[fz];
            double dyz = fine.Y.Diagonal[fy] + fine.Z.Diagonal[fz];
            for (; x < nx - 1; x++)
            {
                int i = start + x;
                if (held[i] != 0)
                {
                    row[x] = 0;
                    continue;
                }
                double sum = f[i] + (lx[x] * c[i - 1]) + (ux[x] * c[i + 1]) + (ly * c[i - nx]) + (uy * c[i + nx]);
                if (threeD)
                {
                    sum += (lz * c[i - plane]) + (uz * c[i + plane]);
                }
                double diagonal = shift[i] + dx[x] + dyz;
                double r = sum - (diagonal * c[i]);
                row[x] = r;
                most = Math.Max(most, Math.Abs(r) / diagonal);
            }
        }
        for (; x < nx; x++)
        {
            EdgeResidual(fine, x, fy, fz, start, siteRow, row, ref most);
        }
        return most;
    }

    /// <summary>The residual of the interior voxels of a finest-grid line without held voxels, four at a time from x = 1,
    /// with the scalar loop's arithmetic in the same order; returns the first voxel left for the scalar loop.</summary>
    private static int ResidualInteriorVectorised(MultigridLevel fine, int start, int expandedRow, double[] row, ref double most)
    {
        int nx = fine.Nx, plane = fine.Nx * fine.Ny;
        bool threeD = fine.ThreeD;
        ref double c = ref MemoryMarshal.GetArrayDataReference(fine.C);
        ref double inv = ref MemoryMarshal.GetArrayDataReference(fine.InvLines);
        ref double diagonal = ref MemoryMarshal.GetArrayDataReference(fine.DiagonalLines);
        ref double r = ref MemoryMarshal.GetArrayDataReference(row);
        var f = fine.F;
        var k = Vector256.Create(fine.K);
        var largest = Vector256<double>.Zero;
        int x = 1;
        for (; x + 3 < nx - 1; x += 4)
        {
            nuint i = (nuint)(start + x);
            var centre = Vector256.LoadUnsafe(ref c, i);
            var sum = Vector256.LoadUnsafe(ref c, i - 1) + Vector256.LoadUnsafe(ref c, i + 1)
                + Vector256.LoadUnsafe(ref c, i - (nuint)nx) + Vector256.LoadUnsafe(ref c, i + (nuint)nx);
            if (threeD)
            {
                sum += Vector256.LoadUnsafe(ref c, i - (nuint)plane) + Vector256.LoadUnsafe(ref c, i + (nuint)plane);
            }
            var source = f is null ? Vector256<double>.Zero : Vector256.Create(f.AsSpan(start + x, 4));
            var residual = source + (k * sum) - (Vector256.LoadUnsafe(ref diagonal, (nuint)(expandedRow + x)) * centre);
            residual.StoreUnsafe(ref r, (nuint)x);
            largest = Vector256.Max(largest, Vector256.Abs(residual) * Vector256.LoadUnsafe(ref inv, (nuint)(expandedRow + x)));
        }
        most = Math.Max(most, Math.Max(Math.Max(largest[0], largest[1]), Math.Max(largest[2], largest[3])));
        return x;
    }

    private static void EdgeResidual(MultigridLevel fine, int x, int y, int z, int start, int siteRow, double[] row, ref double most)
    {
        int i = start + x;
        if (fine.Held[i] != 0)
        {
            row[x] = 0;
            return;
        }
        double r = fine.Residual(x, y, z, i, fine.Shift[siteRow + fine.SiteX[x]], out double diagonal);
        row[x] = r;
        most = Math.Max(most, Math.Abs(r) / diagonal);
    }

    /// <summary>Adds the linear interpolation of the coarse correction to the fine values (held voxels unchanged);
    /// returns the largest change made.</summary>
    private double Prolongate(MultigridLevel coarse, MultigridLevel fine, bool dirichlet, ParallelOptions options)
    {
        int lines = fine.Ny * fine.Nz;
        int chunks = Math.Min(_lineBuffers.Length, Math.Max(1, lines / 4));
        var ax = coarse.X.Interpolation(dirichlet);
        var ay = coarse.Y.Interpolation(dirichlet);
        var az = fine.ThreeD ? coarse.Z.Interpolation(dirichlet) : null;
        var largest = _chunkMaxima;
        Parallel.For(0, chunks, options, chunk =>
        {
            double most = 0;
            var blend = _lineBuffers[chunk];
            int from = (int)((long)lines * chunk / chunks), to = (int)((long)lines * (chunk + 1) / chunks);
            var cc = coarse.C;
            int cnx = coarse.Nx;
            for (int line = from; line < to; line++)
            {
                int y = line % fine.Ny, z = line / fine.Ny;
                var (y0, wy0, y1, wy1) = ay[y];
                var (z0, wz0, z1, wz1) = az is null ? (0, 1.0, 0, 0.0) : az[z];
                int r00 = cnx * (y0 + (coarse.Ny * z0)), r10 = cnx * (y1 + (coarse.Ny * z0));
                int r01 = cnx * (y0 + (coarse.Ny * z1)), r11 = cnx * (y1 + (coarse.Ny * z1));
                double w00 = wy0 * wz0, w10 = wy1 * wz0, w01 = wy0 * wz1, w11 = wy1 * wz1;
                for (int x = 0; x < cnx; x++)
                {
                    blend[x] = (w00 * cc[r00 + x]) + (w10 * cc[r10 + x]) + (w01 * cc[r01 + x]) + (w11 * cc[r11 + x]);
                }
                int start = fine.Nx * line;
                for (int x = 0; x < fine.Nx; x++)
                {
                    int i = start + x;
                    if (fine.Held[i] != 0)
                    {
                        continue;
                    }
                    var (x0, wx0, x1, wx1) = ax[x];
                    double delta = (wx0 * blend[x0]) + (wx1 * blend[x1]);
                    fine.C[i] += delta;
                    most = Math.Max(most, Math.Abs(delta));
                }
            }
            largest[chunk] = most;
        });
        double result = 0;
        for (int chunk = 0; chunk < chunks; chunk++)
        {
            result = Math.Max(result, largest[chunk]);
        }
        return result;
    }
}
