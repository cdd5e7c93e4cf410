using System.Numerics.Tensors;

namespace TwinLab.Inference.Neural;

/// <summary>
/// Spreads an estimator's gradient and density evaluations over the cores by splitting every batch into a fixed number
/// of shards (<see cref="Shards"/>) of consecutive rows. Each shard is evaluated by its own replica of the estimator,
/// which shares the parameter values; the shard gradients are then combined in shard order, weighted by their share of
/// the rows. The split depends only on the batch size, never on the number of threads, so a seed gives bitwise the same
/// training on any machine of the same instruction set, whatever its core count.
/// </summary>
internal sealed class ShardedTraining
{
    /// <summary>Shards per batch: enough to keep two cores busy, while a shard of a 50-row batch still fills the
    /// four-row blocks of the matrix products.</summary>
    public const int Shards = 2;

    private readonly ConditionalDensityEstimator[] _replicas;
    private readonly (float[] Values, float[] Gradients)[][] _parameters;
    private readonly double[] _losses = new double[Shards];
    private readonly ParallelOptions _parallel;

    /// <param name="estimator">The estimator that is trained: shard 0 runs on it, and its gradient arrays receive the
    /// combined gradient.</param>
    /// <param name="maxDegreeOfParallelism">The most shards evaluated at once (−1: as many as the cores allow); it
    /// changes the speed, never the result.</param>
    public ShardedTraining(ConditionalDensityEstimator estimator, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        _replicas = new ConditionalDensityEstimator[Shards];
        _replicas[0] = estimator;
        for (var s = 1; s < Shards; s++)
        {
            _replicas[s] = estimator.Replica();
        }

        _parameters = [.. _replicas.Select(r => r.Parameters().ToArray())];
    }

    /// <summary>
    /// The mean of −ln q over the <paramref name="batch"/> rows; its gradient goes into the estimator's gradient arrays,
    /// which must hold zeros on entry (as after <see cref="Adam.ZeroGradients"/>): shard 0 adds into them, and the
    /// combination then scales them by that shard's share of the rows.
    /// </summary>
    public double LossAndGradient(float[] theta, float[] context, int batch)
    {
        int d = _replicas[0].ParameterDimension, c = _replicas[0].ContextDimension;
        var shards = Math.Min(Shards, batch);
        Parallel.For(0, shards, _parallel, s =>
        {
            var (start, count) = Range(s, shards, batch);
            if (s > 0)
            {
                foreach (var (_, gradients) in _parameters[s])
                {
                    Array.Clear(gradients);
                }
            }

            _losses[s] = _replicas[s].LossAndGradient(theta.AsSpan(start * d, count * d), context.AsSpan(start * c, count * c), count);
        });

        if (shards == 1)
        {
            return _losses[0];
        }

        // Each shard's gradient is a mean over its rows: the batch mean weights them by their share of the rows.
        var loss = 0.0;
        for (var s = 0; s < shards; s++)
        {
            var (_, count) = Range(s, shards, batch);
            var weight = (float)count / batch;
            loss += _losses[s] * count / batch;
            for (var p = 0; p < _parameters[0].Length; p++)
            {
                var target = _parameters[0][p].Gradients;
                if (s == 0)
                {
                    TensorPrimitives.Multiply(target, weight, target);
                }
                else
                {
                    TensorPrimitives.MultiplyAdd(_parameters[s][p].Gradients, weight, target, target);
                }
            }
        }

        return loss;
    }

    /// <summary>Writes ln q(θ_b | x_b) for every row b, the shards in parallel (every row's value is the same whichever
    /// shard computes it).</summary>
    public void LogProb(float[] theta, float[] context, int batch, double[] logProb)
    {
        int d = _replicas[0].ParameterDimension, c = _replicas[0].ContextDimension;
        var shards = Math.Min(Shards, batch);
        Parallel.For(0, shards, _parallel, s =>
        {
            var (start, count) = Range(s, shards, batch);
            _replicas[s].LogProb(theta.AsSpan(start * d, count * d), context.AsSpan(start * c, count * c), count, logProb.AsSpan(start, count));
        });
    }

    /// <summary>Shard s of <paramref name="shards"/>: consecutive rows, the first shards one row longer where the batch
    /// does not divide evenly.</summary>
    private static (int Start, int Count) Range(int s, int shards, int batch)
    {
        int size = batch / shards, extra = batch % shards;
        return ((s * size) + Math.Min(s, extra), size + (s < extra ? 1 : 0));
    }
}
