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
/// One grid of the multigrid hierarchy for the operator A c = (s − D∇²) c on a cell-centred lattice: per-voxel shift
/// s (decay + uptake, plus 1/Δt for a backward-Euler step), the 7-point (5-point) Laplacian, far-field ghosts or zero
/// flux at the faces, and held voxels (identity rows). The finest grid reads its shift per cell site; coarse grids per
/// voxel.
/// </summary>
internal sealed class MultigridLevel
{
    public MultigridLevel(int nx, int ny, int nz, double[] values, byte[] held)
    {
        Nx = nx;
        Ny = ny;
        Nz = nz;
        C = values;
        Held = held;
        SiteX = new int[nx];
        Shift = [];
        InvInterior = [];
    }

    public int Nx { get; }

    public int Ny { get; }

    public int Nz { get; }

    public bool ThreeD => Nz > 1;

    public int Count => Nx * Ny * Nz;

    /// <summary>This grid's spacing along x, y, z over the finest grid's: n₀/n per axis, so every grid covers exactly
    /// the domain (about 2^level; not exactly when a size along the hierarchy is odd).</summary>
    public double[] Scale { get; } = [1, 1, 1];

    /// <summary>D/h² along x, y, z on this grid.</summary>
    public double[] K { get; } = new double[3];

    /// <summary>The coefficient of a far-field ghost along x, y, z: D/(h·d) with d the distance from a face voxel's
    /// centre to the finest grid's ghost centre (h on the finest grid).</summary>
    public double[] KFace { get; } = new double[3];

    /// <summary>2(Kx + Ky + Kz) (without Kz in 2-D): the Laplacian's share of an interior voxel's diagonal.</summary>
    public double InteriorK => 2 * (K[0] + K[1] + (ThreeD ? K[2] : 0));

    /// <summary>Whether the faces have far-field ghosts (else zero flux).</summary>
    public bool Dirichlet { get; set; }

    /// <summary>The ghost value: the far-field concentration on the finest grid, 0 for the coarse error equations.</summary>
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

    /// <summary>The shift per site.</summary>
    public double[] Shift { get; set; }

    /// <summary>1/(shift + 2d·K) per site: the reciprocal diagonal of an interior voxel.</summary>
    public double[] InvInterior { get; set; }

    /// <summary>The first site of line (y, z).</summary>
    public int SiteRow(int y, int z) => SitesX * ((y / Factor) + (SitesY * (z / Factor)));

    /// <summary>The residual rᵢ = fᵢ − (A c)ᵢ and the diagonal aᵢᵢ at voxel (x, y, z) (not held).</summary>
    public double Residual(int x, int y, int z, int i, double shift, out double diagonal)
    {
        var c = C;
        int nx = Nx, plane = Nx * Ny;
        double kx = K[0], ky = K[1], kz = K[2];
        double laplacian = 0, ghostWeight = 0;
        diagonal = shift;
        if (x > 0) { laplacian += kx * c[i - 1]; diagonal += kx; } else { ghostWeight += KFace[0]; }
        if (x < nx - 1) { laplacian += kx * c[i + 1]; diagonal += kx; } else { ghostWeight += KFace[0]; }
        if (y > 0) { laplacian += ky * c[i - nx]; diagonal += ky; } else { ghostWeight += KFace[1]; }
        if (y < Ny - 1) { laplacian += ky * c[i + nx]; diagonal += ky; } else { ghostWeight += KFace[1]; }
        if (ThreeD)
        {
            if (z > 0) { laplacian += kz * c[i - plane]; diagonal += kz; } else { ghostWeight += KFace[2]; }
            if (z < Nz - 1) { laplacian += kz * c[i + plane]; diagonal += kz; } else { ghostWeight += KFace[2]; }
        }
        double rhs = (F is null ? 0 : F[i]) + laplacian;
        if (Dirichlet && ghostWeight > 0)
        {
            diagonal += ghostWeight;
            rhs += ghostWeight * GhostValue;
        }
        return rhs - (diagonal * c[i]);
    }
}

/// <summary>
/// Geometric multigrid V-cycles for (s − D∇²) c = f on a field's lattice, cell-centred: red-black Gauss–Seidel
/// smoothing, restriction by the volume average of the 2×2×2 children (cell-centred full weighting), trilinear
/// prolongation, coarse grids rediscretised (D/(2h)², shifts averaged, a coarse voxel held when at least half its
/// children are), the coarsest grid relaxed to convergence. Every pass splits lines (y, z) over threads, and a
/// red-black colour reads only the other colour, so results do not depend on the thread count.
/// </summary>
internal sealed class MultigridHierarchy
{
    private const int PreSmoothing = 2;
    private const int PostSmoothing = 2;
    private readonly List<MultigridLevel> _levels = [];
    private readonly double[][] _lineBuffers;
    private readonly double[] _chunkMaxima;
    private readonly Dictionary<(int, int, bool, double, double), (int, double, int, double)[]> _axes = [];
    private readonly int _heldVersion;
    private readonly int _factor;

    private MultigridHierarchy(DiffusionField field, int factor)
    {
        _heldVersion = field.HeldVersion;
        _factor = factor;
        var lattice = field.Lattice;
        var fine = new MultigridLevel(lattice.SizeX, lattice.SizeY, lattice.SizeZ, field.Values, field.HeldMask);
        _levels.Add(fine);
        var current = fine;
        while (CanCoarsen(current))
        {
            int nx = (current.Nx + 1) / 2, ny = (current.Ny + 1) / 2, nz = current.ThreeD ? (current.Nz + 1) / 2 : 1;
            var coarse = new MultigridLevel(nx, ny, nz, new double[nx * ny * nz], new byte[nx * ny * nz])
            {
                F = new double[nx * ny * nz],
                Shift = new double[nx * ny * nz],
                InvInterior = new double[nx * ny * nz],
                SitesX = nx,
                SitesY = ny,
            };
            for (int x = 0; x < nx; x++)
            {
                coarse.SiteX[x] = x;
            }
            MarkCoarseHeld(current, coarse);
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
            int sites = fine.SitesX * fine.SitesY * (lattice.Dimensions == 3 ? lattice.SizeZ / factor : 1);
            fine.Shift = new double[sites];
            fine.InvInterior = new double[sites];
        }
        else
        {
            fine.Shift = new double[1];
            fine.InvInterior = new double[1];
        }
    }

    public int LevelCount => _levels.Count;

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
        double d = field.DiffusionCoefficient;
        fine.F = rhs;
        fine.Dirichlet = field.Faces.IsDirichlet;
        fine.GhostValue = field.Faces.IsDirichlet ? field.Faces.Value : 0;
        double baseShift = field.DecayRate + extraShift;
        for (int l = 0; l < _levels.Count; l++)
        {
            var level = _levels[l];
            level.Scale[0] = (double)fine.Nx / level.Nx;
            level.Scale[1] = (double)fine.Ny / level.Ny;
            level.Scale[2] = (double)fine.Nz / level.Nz;
            for (int a = 0; a < 3; a++)
            {
                double spacing = h * level.Scale[a];
                level.K[a] = d / (spacing * spacing);
                level.KFace[a] = d / (spacing * ((spacing + h) / 2));
            }
            if (l > 0)
            {
                level.Dirichlet = fine.Dirichlet;
                level.GhostValue = 0;
            }
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
            fine.InvInterior[s] = 1 / (fine.Shift[s] + fine.InteriorK);
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
                CoarseCorrection(1, options);
                correction = Prolongate(_levels[1], fine, options);
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

    /// <summary>The error equation on level <paramref name="l"/> (its F already restricted): C = 0, then a V-cycle.</summary>
    private void CoarseCorrection(int l, ParallelOptions options)
    {
        var level = _levels[l];
        Array.Clear(level.C);
        if (l == _levels.Count - 1)
        {
            Smooth(level, CoarsestSweeps(level), options);
            return;
        }
        Smooth(level, PreSmoothing, options);
        RestrictResidual(level, _levels[l + 1], options);
        CoarseCorrection(l + 1, options);
        _ = Prolongate(_levels[l + 1], level, options);
        Smooth(level, PostSmoothing, options);
    }

    private static void MarkCoarseHeld(MultigridLevel fine, MultigridLevel coarse)
    {
        for (int z = 0; z < coarse.Nz; z++)
        {
            for (int y = 0; y < coarse.Ny; y++)
            {
                for (int x = 0; x < coarse.Nx; x++)
                {
                    int children = 0, held = 0;
                    ForChildren(fine, x, y, z, (i) =>
                    {
                        children++;
                        held += fine.Held[i] != 0 ? 1 : 0;
                    });
                    coarse.Held[x + (coarse.Nx * (y + (coarse.Ny * z)))] = (byte)(2 * held >= children ? 1 : 0);
                }
            }
        }
    }

    private static void ForChildren(MultigridLevel fine, int x, int y, int z, Action<int> visit)
    {
        int z1 = fine.ThreeD ? Math.Min((2 * z) + 1, fine.Nz - 1) : 0;
        for (int fz = fine.ThreeD ? 2 * z : 0; fz <= z1; fz++)
        {
            for (int fy = 2 * y; fy <= Math.Min((2 * y) + 1, fine.Ny - 1); fy++)
            {
                for (int fx = 2 * x; fx <= Math.Min((2 * x) + 1, fine.Nx - 1); fx++)
                {
                    visit(fx + (fine.Nx * (fy + (fine.Ny * fz))));
                }
            }
        }
    }

    /// <summary>Coarse shifts: the mean shift of the children that are not held.</summary>
    private static void RestrictShift(MultigridLevel fine, MultigridLevel coarse, ParallelOptions options)
    {
        int lines = coarse.Ny * coarse.Nz;
        Parallel.For(0, lines, options, line =>
        {
            int y = line % coarse.Ny, z = line / coarse.Ny;
            int fzEnd = fine.ThreeD ? Math.Min((2 * z) + 1, fine.Nz - 1) : 0;
            int fyEnd = Math.Min((2 * y) + 1, fine.Ny - 1);
            for (int x = 0; x < coarse.Nx; x++)
            {
                double sum = 0;
                int count = 0;
                int fxEnd = Math.Min((2 * x) + 1, fine.Nx - 1);
                for (int fz = fine.ThreeD ? 2 * z : 0; fz <= fzEnd; fz++)
                {
                    for (int fy = 2 * y; fy <= fyEnd; fy++)
                    {
                        int row = fine.SiteRow(fy, fz);
                        int start = fine.Nx * (fy + (fine.Ny * fz));
                        for (int fx = 2 * x; fx <= fxEnd; fx++)
                        {
                            if (fine.Held[start + fx] == 0)
                            {
                                sum += fine.Shift[row + fine.SiteX[fx]];
                                count++;
                            }
                        }
                    }
                }
                int i = x + (coarse.Nx * line);
                double shift = count == 0 ? 0 : sum / count;
                coarse.Shift[i] = shift;
                coarse.InvInterior[i] = 1 / (shift + coarse.InteriorK);
            }
        });
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
        int nx = level.Nx, ny = level.Ny, nz = level.Nz;
        int y = line % ny, z = line / ny;
        int start = nx * line;
        int plane = nx * ny;
        var c = level.C;
        var held = level.Held;
        var f = level.F;
        var siteX = level.SiteX;
        var shift = level.Shift;
        var invInterior = level.InvInterior;
        double kx = level.K[0], ky = level.K[1], kz = level.K[2];
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
            for (; x < nx - 1; x += 2)
            {
                int i = start + x;
                if (held[i] != 0)
                {
                    continue;
                }
                double sum = (kx * (c[i - 1] + c[i + 1])) + (ky * (c[i - nx] + c[i + nx]));
                if (threeD)
                {
                    sum += kz * (c[i - plane] + c[i + plane]);
                }
                double rhs = f is null ? sum : f[i] + sum;
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

    /// <summary>Computes the fine residual and restricts it (mean of the children; held children count as 0) into the
    /// coarse right-hand side; returns the fine scaled residual max |rᵢ|/aᵢᵢ.</summary>
    private static double RestrictResidual(MultigridLevel fine, MultigridLevel coarse, ParallelOptions options)
    {
        double worst = 0;
        var gate = new object();
        var coarseF = coarse.F!;
        int nx = fine.Nx, plane = fine.Nx * fine.Ny;
        bool threeD = fine.ThreeD;
        double kx = fine.K[0], ky = fine.K[1], kz = fine.K[2];
        double neighbourK = fine.InteriorK;
        Parallel.For(0, coarse.Ny * coarse.Nz, options, () => 0.0, (line, _, local) =>
        {
            int y = line % coarse.Ny, z = line / coarse.Ny;
            int fzEnd = fine.ThreeD ? Math.Min((2 * z) + 1, fine.Nz - 1) : 0;
            int fyEnd = Math.Min((2 * y) + 1, fine.Ny - 1);
            int coarseStart = coarse.Nx * line;
            Array.Clear(coarseF, coarseStart, coarse.Nx);
            var counts = 0;
            for (int fz = fine.ThreeD ? 2 * z : 0; fz <= fzEnd; fz++)
            {
                for (int fy = 2 * y; fy <= fyEnd; fy++)
                {
                    counts++;
                    int row = fine.SiteRow(fy, fz);
                    int start = fine.Nx * (fy + (fine.Ny * fz));
                    bool interiorLine = fy > 0 && fy < fine.Ny - 1 && (!fine.ThreeD || (fz > 0 && fz < fine.Nz - 1));
                    for (int fx = 0; fx < fine.Nx; fx++)
                    {
                        int i = start + fx;
                        if (fine.Held[i] != 0)
                        {
                            continue;
                        }
                        double r;
                        if (interiorLine && fx > 0 && fx < fine.Nx - 1)
                        {
                            // Interior voxel: aᵢᵢ = 1/InvInterior; the same sum as the generic residual.
                            var c = fine.C;
                            double sum = (kx * (c[i - 1] + c[i + 1])) + (ky * (c[i - nx] + c[i + nx]));
                            if (threeD)
                            {
                                sum += kz * (c[i - plane] + c[i + plane]);
                            }
                            int site = row + fine.SiteX[fx];
                            double diagonal = fine.Shift[site] + neighbourK;
                            r = (fine.F is null ? 0 : fine.F[i]) + sum - (diagonal * c[i]);
                            local = Math.Max(local, Math.Abs(r) * fine.InvInterior[site]);
                        }
                        else
                        {
                            r = fine.Residual(fx, fy, fz, i, fine.Shift[row + fine.SiteX[fx]], out double diagonal);
                            local = Math.Max(local, Math.Abs(r) / diagonal);
                        }
                        coarseF[coarseStart + (fx >> 1)] += r;
                    }
                }
            }
            for (int x = 0; x < coarse.Nx; x++)
            {
                int i = coarseStart + x;
                int columns = Math.Min((2 * x) + 1, fine.Nx - 1) - (2 * x) + 1;
                coarseF[i] = coarse.Held[i] != 0 ? 0 : coarseF[i] / (counts * columns);
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

    /// <summary>Adds the trilinear interpolation of the coarse correction to the fine values (held voxels unchanged);
    /// returns the largest change made.</summary>
    private double Prolongate(MultigridLevel coarse, MultigridLevel fine, ParallelOptions options)
    {
        int lines = fine.Ny * fine.Nz;
        int chunks = Math.Min(_lineBuffers.Length, Math.Max(1, lines / 4));
        var ax = InterpolationAxis(fine.Nx, coarse.Nx, fine.Dirichlet, fine.Scale[0], coarse.Scale[0]);
        var ay = InterpolationAxis(fine.Ny, coarse.Ny, fine.Dirichlet, fine.Scale[1], coarse.Scale[1]);
        var az = fine.ThreeD ? InterpolationAxis(fine.Nz, coarse.Nz, fine.Dirichlet, fine.Scale[2], coarse.Scale[2]) : null;
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

    /// <summary>
    /// Linear interpolation weights along one axis from coarse to fine cell centres: 3/4 and 1/4 from the nearest two
    /// coarse centres inside the domain; at a face, the coarse correction is interpolated towards the boundary
    /// condition — zero at the finest grid's ghost centre for far-field faces, zero slope for closed faces.
    /// </summary>
    private (int C0, double W0, int C1, double W1)[] InterpolationAxis(int fineSize, int coarseSize, bool dirichlet, double fineScale, double coarseScale)
    {
        var key = (fineSize, coarseSize, dirichlet, fineScale, coarseScale);
        if (_axes.TryGetValue(key, out var cached))
        {
            return cached;
        }
        // The finest ghost centre lies h₀/2 outside the face, the fine face voxel's centre h_f/2 inside and the coarse one
        // h_c/2 inside: interpolating linearly from 0 at the ghost gives (h_f + h₀)/(h_c + h₀) of the coarse value.
        double boundaryWeight = (fineScale + 1) / (coarseScale + 1);
        var axis = new (int, double, int, double)[fineSize];
        for (int x = 0; x < fineSize; x++)
        {
            int c0 = x >> 1;
            int c1 = (x & 1) == 0 ? c0 - 1 : c0 + 1;
            if (c1 < 0 || c1 >= coarseSize)
            {
                axis[x] = dirichlet ? (c0, boundaryWeight, c0, 0.0) : (c0, 1.0, c0, 0.0);
            }
            else
            {
                axis[x] = (c0, 0.75, c1, 0.25);
            }
        }
        _axes[key] = axis;
        return axis;
    }
}
