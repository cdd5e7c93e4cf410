using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TwinLab.Tissue.Fields;

/// <summary>
/// The implicit reaction factors 1/(1 + Δt(λ + u)) expanded along x: one row of n_x factors per row of sites
/// (site rows are numbered y/f + (n_y/f)·(z/f)), or a single row shared by every line when there is no uptake. The
/// x sweep multiplies a line by its row as it loads it.
/// </summary>
internal readonly struct ReactionRows
{
    private readonly int _coarsening;
    private readonly int _sitesY;

    /// <summary>Wraps a table of rows of length <paramref name="sizeX"/>.</summary>
    public ReactionRows(double[] table, int sizeX, int sizeY, int coarsening, int sitesY, bool shared)
    {
        Table = table;
        SizeX = sizeX;
        SizeY = sizeY;
        _coarsening = coarsening;
        _sitesY = sitesY;
        Shared = shared;
    }

    /// <summary>The factors, row after row.</summary>
    public double[] Table { get; }

    /// <summary>n_x, the length of a row.</summary>
    public int SizeX { get; }

    /// <summary>n_y, to split a line number into y and z.</summary>
    public int SizeY { get; }

    /// <summary>True when one row serves every line (no uptake).</summary>
    public bool Shared { get; }

    /// <summary>Where the factors of line <paramref name="line"/> (= y + n_y·z) start in <see cref="Table"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int StartOf(int line)
    {
        if (Shared)
        {
            return 0;
        }
        int y = line % SizeY, z = line / SizeY;
        return ((y / _coarsening) + (_sitesY * (z / _coarsening))) * SizeX;
    }
}

/// <summary>
/// The sweeps of the implicit LOD step when no voxel is held, so that every line along an axis has the same
/// tridiagonal matrix and shares its Thomas coefficients (modified super-diagonal c′, reciprocal pivots, ghost-face
/// term). The x sweep solves along contiguous lines; the y and z sweeps solve whole contiguous rows at once.
/// <para>The x sweep has two implementations with the same arithmetic per line, hence bitwise the same results: a
/// scalar one that advances eight lines together (their recurrences overlap), and, with AVX-512, one that transposes
/// blocks of 8 lines × 8 voxels in registers so that a vector holds the same x of eight lines; the recurrences then
/// run on vectors, four such groups (32 lines) at a time so that their latencies overlap, and the results are
/// transposed back.</para>
/// </summary>
internal static class LodSweeps
{
    /// <summary>Lines per block of the vector x sweep: four groups of eight.</summary>
    internal const int BlockLines = 32;

    [ThreadStatic]
    private static Vector512<double>[]? t_blockScratch;

    /// <summary>Whether the vector x sweep can run on this machine (AVX-512 unpacks and 128-bit lane shuffles).</summary>
    internal static bool VectorXSweepSupported => Avx512F.IsSupported;

    /// <summary>
    /// The reaction and the x sweep for <paramref name="count"/> consecutive lines from <paramref name="firstLine"/>
    /// (line = y + n_y·z, starting at voxel n_x·line). Uses the vector sweep when it is supported, the lines are at
    /// least 8 long and there are at least <see cref="BlockLines"/> of them; otherwise the scalar sweep.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void SweepXLines(double[] c, int firstLine, int count, double r, double[] cp, double[] pivot,
        double[] extra, in ReactionRows reaction)
    {
        int nx = reaction.SizeX;
        if (VectorXSweepSupported && nx >= 8 && count >= BlockLines)
        {
            SweepXLinesVector(c, firstLine, count, r, cp, pivot, extra, reaction);
        }
        else
        {
            SweepXLinesScalar(c, firstLine, count, r, cp, pivot, extra, reaction);
        }
    }

    /// <summary>The scalar x sweep: eight lines at a time (see <see cref="SweepEightXLines"/>), then single lines.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void SweepXLinesScalar(double[] c, int firstLine, int count, double r, double[] cp, double[] pivot,
        double[] extra, in ReactionRows reaction)
    {
        int nx = reaction.SizeX;
        var table = reaction.Table;
        int line = firstLine;
        int end = firstLine + count;
        for (; line + 8 <= end; line += 8)
        {
            SweepEightXLines(c, line, r, cp, pivot, extra, reaction);
        }
        for (; line < end; line++)
        {
            int start = nx * line;
            int row = reaction.StartOf(line);
            double previous = 0;
            for (int x = 0; x < nx; x++)
            {
                previous = ((c[start + x] * table[row + x]) + extra[x] + (r * previous)) * pivot[x];
                c[start + x] = previous;
            }
            for (int x = nx - 2; x >= 0; x--)
            {
                c[start + x] -= cp[x] * c[start + x + 1];
            }
        }
    }

    /// <summary>
    /// The reaction and the x sweep for eight consecutive lines from <paramref name="line"/>, advanced together: each
    /// line's forward recurrence is a chain of dependent multiplies and adds, so eight chains in flight keep the
    /// arithmetic units busy. Each line's arithmetic is the same as alone.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SweepEightXLines(double[] c, int line, double r, double[] cpX, double[] pivotX, double[] extraX,
        in ReactionRows reaction)
    {
        int nx = reaction.SizeX;
        var f = reaction.Table;
        int s0 = nx * line;
        int s1 = s0 + nx, s2 = s1 + nx, s3 = s2 + nx, s4 = s3 + nx, s5 = s4 + nx, s6 = s5 + nx, s7 = s6 + nx;
        int q0 = reaction.StartOf(line), q1 = reaction.StartOf(line + 1), q2 = reaction.StartOf(line + 2), q3 = reaction.StartOf(line + 3);
        int q4 = reaction.StartOf(line + 4), q5 = reaction.StartOf(line + 5), q6 = reaction.StartOf(line + 6), q7 = reaction.StartOf(line + 7);
        double p0 = 0, p1 = 0, p2 = 0, p3 = 0, p4 = 0, p5 = 0, p6 = 0, p7 = 0;
        for (int x = 0; x < nx; x++)
        {
            double e = extraX[x], pivot = pivotX[x];
            p0 = ((c[s0 + x] * f[q0 + x]) + e + (r * p0)) * pivot;
            p1 = ((c[s1 + x] * f[q1 + x]) + e + (r * p1)) * pivot;
            p2 = ((c[s2 + x] * f[q2 + x]) + e + (r * p2)) * pivot;
            p3 = ((c[s3 + x] * f[q3 + x]) + e + (r * p3)) * pivot;
            p4 = ((c[s4 + x] * f[q4 + x]) + e + (r * p4)) * pivot;
            p5 = ((c[s5 + x] * f[q5 + x]) + e + (r * p5)) * pivot;
            p6 = ((c[s6 + x] * f[q6 + x]) + e + (r * p6)) * pivot;
            p7 = ((c[s7 + x] * f[q7 + x]) + e + (r * p7)) * pivot;
            c[s0 + x] = p0;
            c[s1 + x] = p1;
            c[s2 + x] = p2;
            c[s3 + x] = p3;
            c[s4 + x] = p4;
            c[s5 + x] = p5;
            c[s6 + x] = p6;
            c[s7 + x] = p7;
        }
        for (int x = nx - 2; x >= 0; x--)
        {
            double cp = cpX[x];
            c[s0 + x] -= cp * c[s0 + x + 1];
            c[s1 + x] -= cp * c[s1 + x + 1];
            c[s2 + x] -= cp * c[s2 + x + 1];
            c[s3 + x] -= cp * c[s3 + x + 1];
            c[s4 + x] -= cp * c[s4 + x + 1];
            c[s5 + x] -= cp * c[s5 + x + 1];
            c[s6 + x] -= cp * c[s6 + x + 1];
            c[s7 + x] -= cp * c[s7 + x + 1];
        }
    }

    /// <summary>
    /// The vector x sweep over <paramref name="count"/> ≥ <see cref="BlockLines"/> lines, in blocks of 32 lines. When
    /// the count is not a multiple of 32, the last 32 lines are solved first (from their original values) and only
    /// those beyond the last whole block are stored; the whole blocks then follow. So every line is solved once, from
    /// its values before the sweep.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SweepXLinesVector(double[] c, int firstLine, int count, double r, double[] cp, double[] pivot,
        double[] extra, in ReactionRows reaction)
    {
        int nx = reaction.SizeX;
        var scratch = t_blockScratch;
        if (scratch is null || scratch.Length < 4 * nx)
        {
            scratch = new Vector512<double>[4 * nx];
            t_blockScratch = scratch;
        }
        int end = firstLine + count;
        int wholeEnd = firstLine + (count / BlockLines * BlockLines);
        if (wholeEnd < end)
        {
            SolveBlock(c, end - BlockLines, wholeEnd - (end - BlockLines), firstLine, r, cp, pivot, extra, reaction, scratch);
        }
        for (int line = firstLine; line < wholeEnd; line += BlockLines)
        {
            int next = line + BlockLines < wholeEnd ? line + BlockLines : -1;
            SolveBlock(c, line, 0, next, r, cp, pivot, extra, reaction, scratch);
        }
    }

    /// <summary>Solves the 32 lines from <paramref name="line"/> and stores all but the first <paramref name="skip"/>;
    /// meanwhile asks for the 32 lines from <paramref name="nextLine"/> (none when negative), the block solved next.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SolveBlock(double[] c, int line, int skip, int nextLine, double r, double[] cp, double[] pivot,
        double[] extra, in ReactionRows reaction, Vector512<double>[] scratch)
    {
        int nx = reaction.SizeX;
        for (int g = 0; g < 4; g++)
        {
            LoadTransposed(c, line + (8 * g), reaction, scratch.AsSpan(g * nx, nx));
        }
        SolveFourGroups(scratch, nx, r, cp, pivot, extra, c, nextLine < 0 ? -1 : nx * nextLine);
        for (int g = 0; g < 4; g++)
        {
            int firstRow = skip - (8 * g);
            if (firstRow < 8)
            {
                StoreTransposed(c, line + (8 * g), nx, scratch.AsSpan(g * nx, nx), Math.Max(0, firstRow));
            }
        }
    }

    /// <summary>
    /// Loads the 8 lines from <paramref name="line"/>, multiplied by their reaction factors, into
    /// <paramref name="lines"/> transposed: element x holds (line₀[x], …, line₇[x]). Tiles of 8 × 8 are transposed in
    /// registers; the last tile is moved back to end at n_x (it overlaps the one before, and the same values are
    /// written twice), so n_x need not be a multiple of 8.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LoadTransposed(double[] c, int line, in ReactionRows reaction, Span<Vector512<double>> lines)
    {
        int nx = reaction.SizeX;
        ref double field = ref MemoryMarshal.GetArrayDataReference(c);
        ref double factors = ref MemoryMarshal.GetArrayDataReference(reaction.Table);
        ref var target = ref MemoryMarshal.GetReference(lines);
        nuint stride = (nuint)nx;
        nuint start = (nuint)(nx * line);
        nuint f0 = (nuint)reaction.StartOf(line), f1 = (nuint)reaction.StartOf(line + 1), f2 = (nuint)reaction.StartOf(line + 2);
        nuint f3 = (nuint)reaction.StartOf(line + 3), f4 = (nuint)reaction.StartOf(line + 4), f5 = (nuint)reaction.StartOf(line + 5);
        nuint f6 = (nuint)reaction.StartOf(line + 6), f7 = (nuint)reaction.StartOf(line + 7);
        for (int tile = 0; ; tile += 8)
        {
            tile = Math.Min(tile, nx - 8);
            nuint t = (nuint)tile;
            nuint o = start + t;
            var r0 = Vector512.LoadUnsafe(ref field, o) * Vector512.LoadUnsafe(ref factors, f0 + t);
            var r1 = Vector512.LoadUnsafe(ref field, o + stride) * Vector512.LoadUnsafe(ref factors, f1 + t);
            var r2 = Vector512.LoadUnsafe(ref field, o + (2 * stride)) * Vector512.LoadUnsafe(ref factors, f2 + t);
            var r3 = Vector512.LoadUnsafe(ref field, o + (3 * stride)) * Vector512.LoadUnsafe(ref factors, f3 + t);
            var r4 = Vector512.LoadUnsafe(ref field, o + (4 * stride)) * Vector512.LoadUnsafe(ref factors, f4 + t);
            var r5 = Vector512.LoadUnsafe(ref field, o + (5 * stride)) * Vector512.LoadUnsafe(ref factors, f5 + t);
            var r6 = Vector512.LoadUnsafe(ref field, o + (6 * stride)) * Vector512.LoadUnsafe(ref factors, f6 + t);
            var r7 = Vector512.LoadUnsafe(ref field, o + (7 * stride)) * Vector512.LoadUnsafe(ref factors, f7 + t);
            Transpose(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
            Unsafe.Add(ref target, tile) = r0;
            Unsafe.Add(ref target, tile + 1) = r1;
            Unsafe.Add(ref target, tile + 2) = r2;
            Unsafe.Add(ref target, tile + 3) = r3;
            Unsafe.Add(ref target, tile + 4) = r4;
            Unsafe.Add(ref target, tile + 5) = r5;
            Unsafe.Add(ref target, tile + 6) = r6;
            Unsafe.Add(ref target, tile + 7) = r7;
            if (tile == nx - 8)
            {
                break;
            }
        }
    }

    /// <summary>Transposes <paramref name="lines"/> back into the 8 lines from <paramref name="line"/>, storing lines
    /// <paramref name="firstRow"/> to 7 of the group only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StoreTransposed(double[] c, int line, int nx, Span<Vector512<double>> lines, int firstRow)
    {
        ref double field = ref MemoryMarshal.GetArrayDataReference(c);
        ref var source = ref MemoryMarshal.GetReference(lines);
        nuint stride = (nuint)nx;
        nuint start = (nuint)(nx * line);
        for (int tile = 0; ; tile += 8)
        {
            tile = Math.Min(tile, nx - 8);
            nuint o = start + (nuint)tile;
            var r0 = Unsafe.Add(ref source, tile);
            var r1 = Unsafe.Add(ref source, tile + 1);
            var r2 = Unsafe.Add(ref source, tile + 2);
            var r3 = Unsafe.Add(ref source, tile + 3);
            var r4 = Unsafe.Add(ref source, tile + 4);
            var r5 = Unsafe.Add(ref source, tile + 5);
            var r6 = Unsafe.Add(ref source, tile + 6);
            var r7 = Unsafe.Add(ref source, tile + 7);
            Transpose(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
            if (firstRow == 0)
            {
                r0.StoreUnsafe(ref field, o);
                r1.StoreUnsafe(ref field, o + stride);
                r2.StoreUnsafe(ref field, o + (2 * stride));
                r3.StoreUnsafe(ref field, o + (3 * stride));
                r4.StoreUnsafe(ref field, o + (4 * stride));
                r5.StoreUnsafe(ref field, o + (5 * stride));
                r6.StoreUnsafe(ref field, o + (6 * stride));
                r7.StoreUnsafe(ref field, o + (7 * stride));
            }
            else
            {
                StoreRowsFrom(ref field, o, stride, firstRow, r1, r2, r3, r4, r5, r6, r7);
            }
            if (tile == nx - 8)
            {
                break;
            }
        }
    }

    /// <summary>Stores rows <paramref name="firstRow"/> (≥ 1) to 7 of a transposed tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per tile of every plane's last block, from the first step
    private static void StoreRowsFrom(ref double field, nuint o, nuint stride, int firstRow, Vector512<double> r1,
        Vector512<double> r2, Vector512<double> r3, Vector512<double> r4, Vector512<double> r5, Vector512<double> r6,
        Vector512<double> r7)
    {
        if (firstRow <= 1)
        {
            r1.StoreUnsafe(ref field, o + stride);
        }
        if (firstRow <= 2)
        {
            r2.StoreUnsafe(ref field, o + (2 * stride));
        }
        if (firstRow <= 3)
        {
            r3.StoreUnsafe(ref field, o + (3 * stride));
        }
        if (firstRow <= 4)
        {
            r4.StoreUnsafe(ref field, o + (4 * stride));
        }
        if (firstRow <= 5)
        {
            r5.StoreUnsafe(ref field, o + (5 * stride));
        }
        if (firstRow <= 6)
        {
            r6.StoreUnsafe(ref field, o + (6 * stride));
        }
        r7.StoreUnsafe(ref field, o + (7 * stride));
    }

    /// <summary>
    /// Thomas forward and backward recurrences on four groups of eight transposed lines (group g at
    /// <c>g·n_x</c>): p_x = ((d_x + e_x) + r·p_{x−1})·pivot_x, then p_x = p_x − c′_x·p_{x+1}, the scalar sweep's
    /// operations in the same order. The forward loop also asks for the next block's 32 lines from field index
    /// <paramref name="prefetchStart"/> (none when negative), four cache lines per step, so that they arrive while
    /// this block computes (3–4 % faster on the 250³ field, one core).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void SolveFourGroups(Vector512<double>[] lines, int nx, double r, double[] cp, double[] pivot,
        double[] extra, double[] c, int prefetchStart)
    {
        ref var g0 = ref MemoryMarshal.GetArrayDataReference(lines);
        ref var g1 = ref Unsafe.Add(ref g0, nx);
        ref var g2 = ref Unsafe.Add(ref g0, 2 * nx);
        ref var g3 = ref Unsafe.Add(ref g0, 3 * nx);
        byte* ahead = null, aheadEnd = null;
        if (prefetchStart >= 0 && Sse.IsSupported && prefetchStart + (BlockLines * nx) <= c.Length)
        {
            // A hint only: a prefetch never faults, so the array may even move meanwhile.
            ahead = (byte*)Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(c), prefetchStart));
            aheadEnd = ahead + (BlockLines * nx * sizeof(double));
        }
        var vr = Vector512.Create(r);
        var p0 = Vector512<double>.Zero;
        var p1 = p0;
        var p2 = p0;
        var p3 = p0;
        for (int x = 0; x < nx; x++)
        {
            if (ahead < aheadEnd)
            {
                Sse.Prefetch0(ahead);
                Sse.Prefetch0(ahead + 64);
                Sse.Prefetch0(ahead + 128);
                Sse.Prefetch0(ahead + 192);
                ahead += 256;
            }
            var e = Vector512.Create(extra[x]);
            var p = Vector512.Create(pivot[x]);
            p0 = (Unsafe.Add(ref g0, x) + e + (vr * p0)) * p;
            p1 = (Unsafe.Add(ref g1, x) + e + (vr * p1)) * p;
            p2 = (Unsafe.Add(ref g2, x) + e + (vr * p2)) * p;
            p3 = (Unsafe.Add(ref g3, x) + e + (vr * p3)) * p;
            Unsafe.Add(ref g0, x) = p0;
            Unsafe.Add(ref g1, x) = p1;
            Unsafe.Add(ref g2, x) = p2;
            Unsafe.Add(ref g3, x) = p3;
        }
        for (int x = nx - 2; x >= 0; x--)
        {
            var q = Vector512.Create(cp[x]);
            p0 = Unsafe.Add(ref g0, x) - (q * p0);
            p1 = Unsafe.Add(ref g1, x) - (q * p1);
            p2 = Unsafe.Add(ref g2, x) - (q * p2);
            p3 = Unsafe.Add(ref g3, x) - (q * p3);
            Unsafe.Add(ref g0, x) = p0;
            Unsafe.Add(ref g1, x) = p1;
            Unsafe.Add(ref g2, x) = p2;
            Unsafe.Add(ref g3, x) = p3;
        }
    }

    /// <summary>Transposes the 8 × 8 block whose rows are <paramref name="r0"/> … <paramref name="r7"/> in place: three
    /// rounds of two-source shuffles (pairs of elements, then twice 128-bit lanes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(ref Vector512<double> r0, ref Vector512<double> r1, ref Vector512<double> r2,
        ref Vector512<double> r3, ref Vector512<double> r4, ref Vector512<double> r5, ref Vector512<double> r6,
        ref Vector512<double> r7)
    {
        var t0 = Avx512F.UnpackLow(r0, r1);
        var t1 = Avx512F.UnpackHigh(r0, r1);
        var t2 = Avx512F.UnpackLow(r2, r3);
        var t3 = Avx512F.UnpackHigh(r2, r3);
        var t4 = Avx512F.UnpackLow(r4, r5);
        var t5 = Avx512F.UnpackHigh(r4, r5);
        var t6 = Avx512F.UnpackLow(r6, r7);
        var t7 = Avx512F.UnpackHigh(r6, r7);
        // Lanes of 128 bits: control 0x88 takes lanes 0 and 2 of each source, 0xDD lanes 1 and 3. After the unpacks,
        // t0 holds (r0, r1) pairs of columns 0, 2, 4, 6; the first round gathers columns 0 and 4 (or 2 and 6) of four
        // rows, the second of all eight. (Measured 4 % faster than two-source permutes with index vectors.)
        var u0 = Avx512F.Shuffle4x128(t0, t2, 0x88);
        var u2 = Avx512F.Shuffle4x128(t0, t2, 0xDD);
        var u1 = Avx512F.Shuffle4x128(t1, t3, 0x88);
        var u3 = Avx512F.Shuffle4x128(t1, t3, 0xDD);
        var u4 = Avx512F.Shuffle4x128(t4, t6, 0x88);
        var u6 = Avx512F.Shuffle4x128(t4, t6, 0xDD);
        var u5 = Avx512F.Shuffle4x128(t5, t7, 0x88);
        var u7 = Avx512F.Shuffle4x128(t5, t7, 0xDD);
        r0 = Avx512F.Shuffle4x128(u0, u4, 0x88);
        r4 = Avx512F.Shuffle4x128(u0, u4, 0xDD);
        r1 = Avx512F.Shuffle4x128(u1, u5, 0x88);
        r5 = Avx512F.Shuffle4x128(u1, u5, 0xDD);
        r2 = Avx512F.Shuffle4x128(u2, u6, 0x88);
        r6 = Avx512F.Shuffle4x128(u2, u6, 0xDD);
        r3 = Avx512F.Shuffle4x128(u3, u7, 0x88);
        r7 = Avx512F.Shuffle4x128(u3, u7, 0xDD);
    }

    /// <summary>
    /// Thomas along an axis for whole contiguous rows at once, with coefficients shared by all lines: forward,
    /// row_j = (r·row_{j−1} + row_j + extra_j)·pivot_j in one vector pass over the row; backward,
    /// row_j = row_j − c′_j·row_{j+1}. Row j starts at <c>start + j·stride</c>. With
    /// <paramref name="prefetchRows"/> &gt; 0 the row that many rows ahead is requested from memory while row j is
    /// processed (the z sweep, whose rows lie a whole plane apart, where the hardware prefetcher would start each row
    /// with a miss).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void SweepUniformRows(double[] c, int start, int rowLength, int n, int stride, double r,
        double[] cp, double[] pivot, double[] extra, int prefetchRows)
    {
        ref double field = ref MemoryMarshal.GetArrayDataReference(c);
        int width = Vector512.IsHardwareAccelerated ? 8 : Vector256.IsHardwareAccelerated ? 4 : 1;
        int vectorEnd = width == 1 ? 0 : rowLength - (rowLength % width);
        for (int j = 0; j < n; j++)
        {
            int row = start + (j * stride), previous = row - stride;
            if (prefetchRows > 0 && j + prefetchRows < n)
            {
                Prefetch(ref field, row + (prefetchRows * stride), rowLength);
            }
            double e = extra[j], p = pivot[j];
            bool first = j == 0;
            int x = 0;
            if (width == 8)
            {
                var vr = Vector512.Create(r);
                var ve = Vector512.Create(e);
                var vp = Vector512.Create(p);
                for (; x < vectorEnd; x += 8)
                {
                    var value = Vector512.LoadUnsafe(ref field, (nuint)(row + x));
                    if (!first)
                    {
                        value = (Vector512.LoadUnsafe(ref field, (nuint)(previous + x)) * vr) + value;
                    }
                    ((value + ve) * vp).StoreUnsafe(ref field, (nuint)(row + x));
                }
            }
            else if (width == 4)
            {
                var vr = Vector256.Create(r);
                var ve = Vector256.Create(e);
                var vp = Vector256.Create(p);
                for (; x < vectorEnd; x += 4)
                {
                    var value = Vector256.LoadUnsafe(ref field, (nuint)(row + x));
                    if (!first)
                    {
                        value = (Vector256.LoadUnsafe(ref field, (nuint)(previous + x)) * vr) + value;
                    }
                    ((value + ve) * vp).StoreUnsafe(ref field, (nuint)(row + x));
                }
            }
            for (; x < rowLength; x++)
            {
                double value = c[row + x];
                if (!first)
                {
                    value = (c[previous + x] * r) + value;
                }
                c[row + x] = (value + e) * p;
            }
        }
        for (int j = n - 2; j >= 0; j--)
        {
            int row = start + (j * stride), next = row + stride;
            double minus = -cp[j];
            int x = 0;
            if (width == 8)
            {
                var vm = Vector512.Create(minus);
                for (; x < vectorEnd; x += 8)
                {
                    var value = (Vector512.LoadUnsafe(ref field, (nuint)(next + x)) * vm) + Vector512.LoadUnsafe(ref field, (nuint)(row + x));
                    value.StoreUnsafe(ref field, (nuint)(row + x));
                }
            }
            else if (width == 4)
            {
                var vm = Vector256.Create(minus);
                for (; x < vectorEnd; x += 4)
                {
                    var value = (Vector256.LoadUnsafe(ref field, (nuint)(next + x)) * vm) + Vector256.LoadUnsafe(ref field, (nuint)(row + x));
                    value.StoreUnsafe(ref field, (nuint)(row + x));
                }
            }
            for (; x < rowLength; x++)
            {
                c[row + x] = (c[next + x] * minus) + c[row + x];
            }
        }
    }

    /// <summary>Asks for the cache lines of <paramref name="length"/> doubles from <paramref name="index"/> (a hint
    /// only: nothing is read or written, and a prefetch never faults, so the array may even move meanwhile).</summary>
    private static unsafe void Prefetch(ref double field, int index, int length)
    {
        if (!Sse.IsSupported)
        {
            return;
        }
        byte* first = (byte*)Unsafe.AsPointer(ref Unsafe.Add(ref field, index));
        byte* end = first + (length * sizeof(double));
        for (byte* line = first; line < end; line += 64)
        {
            Sse.Prefetch0(line);
        }
    }
}
