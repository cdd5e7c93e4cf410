using System.Collections.Concurrent;

namespace TwinLab.Simulation.Ensembles;

/// <summary>
/// A mergeable quantile sketch with relative accuracy α (DDSketch: Masson, Rim and Lee, VLDB 2019,
/// doi:10.14778/3352063.3352135): each value x ≠ 0 is counted in the logarithmic bucket ⌈log_γ |x|⌉ with
/// γ = (1 + α)/(1 − α), so every quantile is returned within a relative error α of a value of the sample. Counts are
/// integers added atomically, so the sketch is the same whatever the order in which threads add values; memory grows
/// with the logarithm of the values' range, not with their number.
/// </summary>
internal sealed class QuantileSketch(double relativeAccuracy)
{
    private readonly double _logGamma = Math.Log((1 + relativeAccuracy) / (1 - relativeAccuracy));
    private readonly ConcurrentDictionary<int, long> _positive = new();
    private readonly ConcurrentDictionary<int, long> _negative = new();
    private long _zeros;
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public void Add(double value)
    {
        if (double.IsNaN(value))
        {
            return; // failed trajectories are excluded by the caller; NaN has no rank
        }
        Interlocked.Increment(ref _count);
        if (value == 0)
        {
            Interlocked.Increment(ref _zeros);
            return;
        }
        var bucket = (int)Math.Ceiling(Math.Log(Math.Abs(value)) / _logGamma);
        (value > 0 ? _positive : _negative).AddOrUpdate(bucket, 1, (_, c) => c + 1);
    }

    /// <summary>The p-quantile (lower, as the rank ⌊p (n − 1)⌋ of the sorted values); NaN when empty.</summary>
    public double Quantile(double p)
    {
        var count = Count;
        if (count == 0)
        {
            return double.NaN;
        }
        var rank = (long)Math.Floor(p * (count - 1));
        long seen = 0;
        // Most negative first: negative buckets from the largest magnitude down, then zeros, then positive buckets up.
        foreach (var (bucket, c) in _negative.OrderByDescending(kv => kv.Key))
        {
            seen += c;
            if (seen > rank)
            {
                return -Representative(bucket);
            }
        }
        seen += Interlocked.Read(ref _zeros);
        if (seen > rank)
        {
            return 0;
        }
        foreach (var (bucket, c) in _positive.OrderBy(kv => kv.Key))
        {
            seen += c;
            if (seen > rank)
            {
                return Representative(bucket);
            }
        }
        return Representative(_positive.Keys.Max());
    }

    /// <summary>The value whose relative distance to every value of the bucket (γ^(i−1), γ^i] is at most α.</summary>
    private double Representative(int bucket) => 2 * Math.Exp(bucket * _logGamma) / (1 + Math.Exp(_logGamma));
}
