using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TwinLab.Synthetic.Evaluation;

/// <summary>The k nearest reference records of each query: indices and Euclidean distances, nearest first.</summary>
/// <param name="Queries">The number of queries.</param>
/// <param name="K">Neighbours per query.</param>
/// <param name="Indices">Reference row indices, query-major (length Queries × K).</param>
/// <param name="Distances">Euclidean distances, query-major, ascending within a query.</param>
public sealed record NeighborResult(int Queries, int K, int[] Indices, double[] Distances)
{
    /// <summary>The distance from query <paramref name="query"/> to its <paramref name="rank"/>-th neighbour (0 = nearest).</summary>
    /// <param name="query">Query row.</param>
    /// <param name="rank">Neighbour rank.</param>
    public double Distance(int query, int rank) => Distances[query * K + rank];

    /// <summary>The reference row of the <paramref name="rank"/>-th neighbour of query <paramref name="query"/>.</summary>
    /// <param name="query">Query row.</param>
    /// <param name="rank">Neighbour rank.</param>
    public int Index(int query, int rank) => Indices[query * K + rank];

    /// <summary>The distances to the <paramref name="rank"/>-th neighbour, one per query.</summary>
    /// <param name="rank">Neighbour rank (0 = nearest).</param>
    public double[] DistancesAt(int rank)
    {
        var d = new double[Queries];
        for (var i = 0; i < Queries; i++)
        {
            d[i] = Distances[i * K + rank];
        }
        return d;
    }
}

/// <summary>
/// Exact k-nearest-neighbour search by SIMD brute force (Euclidean distance). Reference records are stored in blocks
/// of eight, dimension-major, in single precision; each group of four queries is compared with sixteen reference
/// records per step (fused multiply–add on 256-bit vectors), the reference set is walked in cache-sized chunks, and
/// query tiles run in parallel. Candidates are ranked in single precision; the distances returned are recomputed in
/// double precision and the k neighbours re-sorted by (distance, index). Ties go to the lower reference index, and a
/// query's result does not depend on the thread count.
/// </summary>
public sealed class NearestNeighbors
{
    private const int Lanes = 8;          // floats per Vector256
    private const int QueriesPerGroup = 4;
    private const int GroupsPerTile = 8;  // a tile holds 32 queries
    private const int TileQueries = QueriesPerGroup * GroupsPerTile;

    private readonly FeatureMatrix _reference;
    private readonly float[] _blocks;
    private readonly int _blockCount;
    private readonly int _stride; // floats per block = dims × 8

    /// <summary>Indexes the reference records.</summary>
    /// <param name="reference">The records searched (rows), already encoded and scaled.</param>
    public NearestNeighbors(FeatureMatrix reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.Rows == 0 || reference.Columns == 0)
        {
            throw new ArgumentException("The reference set is empty; nearest neighbours need at least one record with one feature.", nameof(reference));
        }
        _reference = reference;
        var dims = reference.Columns;
        _stride = dims * Lanes;
        _blockCount = (reference.Rows + Lanes - 1) / Lanes;
        if (_blockCount % 2 == 1)
        {
            _blockCount++; // blocks are visited in pairs
        }
        _blocks = new float[_blockCount * _stride];
        Array.Fill(_blocks, float.PositiveInfinity); // padding lanes are infinitely far away
        var v = reference.Values;
        for (var i = 0; i < reference.Rows; i++)
        {
            var b = i / Lanes;
            var lane = i % Lanes;
            for (var d = 0; d < dims; d++)
            {
                _blocks[b * _stride + d * Lanes + lane] = (float)v[i * dims + d];
            }
        }
    }

    /// <summary>The number of reference records.</summary>
    public int Count => _reference.Rows;

    /// <summary>Finds the <paramref name="k"/> nearest reference records of every query.</summary>
    /// <param name="queries">Query records with the reference's feature layout.</param>
    /// <param name="k">Neighbours per query.</param>
    /// <param name="excludeSelf">Skip reference row i for query row i (when the queries are the reference set itself).</param>
    /// <param name="maxDegreeOfParallelism">Threads to use (null: all cores). The result does not depend on it.</param>
    public NeighborResult Query(FeatureMatrix queries, int k, bool excludeSelf = false, int? maxDegreeOfParallelism = null)
    {
        ArgumentNullException.ThrowIfNull(queries);
        if (queries.Columns != _reference.Columns)
        {
            throw new ArgumentException($"Queries have {queries.Columns} features but the reference has {_reference.Columns}; encode both with the same RecordEncoder.", nameof(queries));
        }
        var available = _reference.Rows - (excludeSelf ? 1 : 0);
        if (k < 1 || k > available)
        {
            throw new ArgumentOutOfRangeException(nameof(k), $"k = {k}, but between 1 and {available} reference records are available.");
        }
        if (excludeSelf && queries.Rows != _reference.Rows)
        {
            throw new ArgumentException("excludeSelf needs the queries to be the reference records themselves.", nameof(excludeSelf));
        }
        var n = queries.Rows;
        var indices = new int[n * k];
        var distances = new double[n * k];
        var tiles = (n + TileQueries - 1) / TileQueries;
        var dims = _reference.Columns;
        var chunkBlocks = Math.Max(2, (128 * 1024 / (_stride * sizeof(float))) & ~1);
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism ?? Environment.ProcessorCount };
        Parallel.For(0, tiles, options, () => new TileState(dims, k), (tile, _, state) =>
        {
            var start = tile * TileQueries;
            var count = Math.Min(TileQueries, n - start);
            state.Load(queries, start, count, excludeSelf);
            for (var b0 = 0; b0 < _blockCount; b0 += chunkBlocks)
            {
                var b1 = Math.Min(_blockCount, b0 + chunkBlocks);
                for (var g = 0; g < GroupsPerTile; g++)
                {
                    if (g * QueriesPerGroup >= count)
                    {
                        break;
                    }
                    SearchGroup(state, g * QueriesPerGroup, b0, b1, k);
                }
            }
            for (var t = 0; t < count; t++)
            {
                Finish(queries.Row(start + t), state, t, k, indices.AsSpan((start + t) * k, k), distances.AsSpan((start + t) * k, k));
            }
            return state;
        }, _ => { });
        return new NeighborResult(n, k, indices, distances);
    }

    private void SearchGroup(TileState s, int first, int b0, int b1, int k)
    {
        var dims = _reference.Columns;
        // The group's four queries, interleaved by dimension: q[d * 4 + i] (see TileState.Load).
        ref var group = ref s.Queries[first * dims];
        var thr0 = s.Threshold[first];
        var thr1 = s.Threshold[first + 1];
        var thr2 = s.Threshold[first + 2];
        var thr3 = s.Threshold[first + 3];
        var second = (nint)(_stride); // offset of the next block
        for (var b = b0; b < b1; b += 2)
        {
            ref var r = ref _blocks[b * _stride];
            ref var q = ref group;
            var a00 = Vector256<float>.Zero;
            var a01 = Vector256<float>.Zero;
            var a10 = Vector256<float>.Zero;
            var a11 = Vector256<float>.Zero;
            var a20 = Vector256<float>.Zero;
            var a21 = Vector256<float>.Zero;
            var a30 = Vector256<float>.Zero;
            var a31 = Vector256<float>.Zero;
            for (var d = 0; d < dims; d++)
            {
                var r0 = Vector256.LoadUnsafe(ref r);
                var r1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref r, second));
                var q0 = Vector256.Create(q);
                var q1 = Vector256.Create(Unsafe.Add(ref q, 1));
                var q2 = Vector256.Create(Unsafe.Add(ref q, 2));
                var q3 = Vector256.Create(Unsafe.Add(ref q, 3));
                var t = q0 - r0;
                a00 = Vector256.FusedMultiplyAdd(t, t, a00);
                t = q0 - r1;
                a01 = Vector256.FusedMultiplyAdd(t, t, a01);
                t = q1 - r0;
                a10 = Vector256.FusedMultiplyAdd(t, t, a10);
                t = q1 - r1;
                a11 = Vector256.FusedMultiplyAdd(t, t, a11);
                t = q2 - r0;
                a20 = Vector256.FusedMultiplyAdd(t, t, a20);
                t = q2 - r1;
                a21 = Vector256.FusedMultiplyAdd(t, t, a21);
                t = q3 - r0;
                a30 = Vector256.FusedMultiplyAdd(t, t, a30);
                t = q3 - r1;
                a31 = Vector256.FusedMultiplyAdd(t, t, a31);
                r = ref Unsafe.Add(ref r, Lanes);
                q = ref Unsafe.Add(ref q, QueriesPerGroup);
            }
            var j0 = b * Lanes;
            thr0 = Offer(s, first, a00, a01, thr0, j0, k);
            thr1 = Offer(s, first + 1, a10, a11, thr1, j0, k);
            thr2 = Offer(s, first + 2, a20, a21, thr2, j0, k);
            thr3 = Offer(s, first + 3, a30, a31, thr3, j0, k);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Offer(TileState s, int slot, Vector256<float> lo, Vector256<float> hi, float threshold, int j0, int k)
    {
        var limit = Vector256.Create(threshold);
        var mask = Vector256.LessThan(lo, limit).ExtractMostSignificantBits() | (Vector256.LessThan(hi, limit).ExtractMostSignificantBits() << Lanes);
        if (mask == 0)
        {
            return threshold;
        }
        while (mask != 0)
        {
            var lane = System.Numerics.BitOperations.TrailingZeroCount(mask);
            mask &= mask - 1;
            var d = lane < Lanes ? lo.GetElement(lane) : hi.GetElement(lane - Lanes);
            var j = j0 + lane;
            if (d < s.Threshold[slot] && j != s.Self[slot])
            {
                s.Insert(slot, d, j, k);
            }
        }
        return s.Threshold[slot];
    }

    private void Finish(ReadOnlySpan<double> query, TileState s, int slot, int k, Span<int> indices, Span<double> distances)
    {
        var dims = _reference.Columns;
        for (var r = 0; r < k; r++)
        {
            var j = s.BestIndex[slot * k + r];
            var row = _reference.Values.AsSpan(j * dims, dims);
            var sum = 0.0;
            for (var d = 0; d < dims; d++)
            {
                var t = query[d] - row[d];
                sum += t * t;
            }
            indices[r] = j;
            distances[r] = Math.Sqrt(sum);
        }
        // Re-rank the k candidates in double precision: by distance, then by index.
        for (var a = 1; a < k; a++)
        {
            var dj = distances[a];
            var ij = indices[a];
            var b = a - 1;
            while (b >= 0 && (distances[b] > dj || (distances[b] == dj && indices[b] > ij)))
            {
                distances[b + 1] = distances[b];
                indices[b + 1] = indices[b];
                b--;
            }
            distances[b + 1] = dj;
            indices[b + 1] = ij;
        }
    }

    /// <summary>Per-tile working memory: the tile's queries in single precision and their current best k.</summary>
    private sealed class TileState
    {
        public TileState(int dims, int k)
        {
            Dims = dims;
            Queries = new float[TileQueries * dims];
            Threshold = new float[TileQueries];
            Self = new int[TileQueries];
            BestDistance = new float[TileQueries * k];
            BestIndex = new int[TileQueries * k];
        }

        public int Dims { get; }

        public float[] Queries { get; }

        public float[] Threshold { get; }

        public int[] Self { get; }

        public float[] BestDistance { get; }

        public int[] BestIndex { get; }

        public void Load(FeatureMatrix queries, int start, int count, bool excludeSelf)
        {
            for (var t = 0; t < TileQueries; t++)
            {
                var source = Math.Min(t, count - 1); // padding slots repeat the last query and are never read back
                var row = queries.Row(start + source);
                // Groups of four queries, each group interleaved by dimension: group g holds q[d * 4 + i] at
                // offset g * 4 * dims, so that the kernel broadcasts four consecutive floats per dimension.
                var group = t / QueriesPerGroup;
                var lane = t % QueriesPerGroup;
                for (var d = 0; d < Dims; d++)
                {
                    Queries[group * QueriesPerGroup * Dims + d * QueriesPerGroup + lane] = (float)row[d];
                }
                Self[t] = excludeSelf && t < count ? start + t : -1;
            }
            Array.Fill(Threshold, float.PositiveInfinity);
            Array.Fill(BestDistance, float.PositiveInfinity);
            Array.Fill(BestIndex, -1);
        }

        public void Insert(int slot, float d, int j, int k)
        {
            var o = slot * k;
            var p = k - 1;
            while (p > 0 && BestDistance[o + p - 1] > d)
            {
                BestDistance[o + p] = BestDistance[o + p - 1];
                BestIndex[o + p] = BestIndex[o + p - 1];
                p--;
            }
            BestDistance[o + p] = d;
            BestIndex[o + p] = j;
            Threshold[slot] = BestDistance[o + k - 1];
        }
    }
}
