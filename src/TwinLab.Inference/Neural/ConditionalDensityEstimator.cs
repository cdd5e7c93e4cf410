using TwinLab.Core.Randomness;

namespace TwinLab.Inference.Neural;

/// <summary>
/// A trainable conditional density q(θ | x) over standardised θ (dimension <see cref="ParameterDimension"/>) given a
/// standardised context x (dimension <see cref="ContextDimension"/>). Rows are stored one after another.
/// </summary>
internal abstract class ConditionalDensityEstimator
{
    /// <summary>½ ln 2π, the standard normal's log normaliser per dimension.</summary>
    protected static readonly double HalfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);

    protected ConditionalDensityEstimator(int parameterDimension, int contextDimension)
    {
        if (parameterDimension < 1 || contextDimension < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(parameterDimension), "Both θ and x need at least one dimension.");
        }

        ParameterDimension = parameterDimension;
        ContextDimension = contextDimension;
    }

    public int ParameterDimension { get; }

    public int ContextDimension { get; }

    public abstract IEnumerable<(float[] Values, float[] Gradients)> Parameters();

    /// <summary>Writes ln q(θ_b | x_b) for every row b.</summary>
    public abstract void LogProb(ReadOnlySpan<float> theta, ReadOnlySpan<float> context, int batch, Span<double> logProb);

    /// <summary>The mean of −ln q(θ_b | x_b) over the batch; adds its gradient with respect to every parameter to the
    /// gradient arrays.</summary>
    public abstract double LossAndGradient(ReadOnlySpan<float> theta, ReadOnlySpan<float> context, int batch);

    /// <summary>An estimator that shares this one's parameter values but has gradient arrays and scratch buffers of its
    /// own, so that the two can work on different rows at the same time (see <see cref="ShardedTraining"/>).</summary>
    public abstract ConditionalDensityEstimator Replica();

    /// <summary>Draws <paramref name="count"/> rows θ ~ q(· | x) for one context row.</summary>
    public abstract void Sample(ReadOnlySpan<float> context, int count, ref RandomStream stream, Span<float> destination);

    /// <summary>Copies of all parameter values (for keeping the best network during early stopping).</summary>
    public float[][] Snapshot() => [.. Parameters().Select(p => (float[])p.Values.Clone())];

    /// <summary>Restores values saved by <see cref="Snapshot"/>.</summary>
    public void Restore(float[][] snapshot)
    {
        var i = 0;
        foreach (var (values, _) in Parameters())
        {
            Array.Copy(snapshot[i++], values, values.Length);
        }
    }

    /// <summary>Reverses the variable order within each of <paramref name="batch"/> rows of width <paramref name="d"/>
    /// (flows alternate the autoregressive order between transforms).</summary>
    protected static void ReverseRows(Span<float> rows, int batch, int d)
    {
        for (var b = 0; b < batch; b++)
        {
            rows.Slice(b * d, d).Reverse();
        }
    }

    /// <summary>Adds the gradient that reaches a transform's θ inputs through its network (the first
    /// <paramref name="d"/> columns of each input row of width <paramref name="width"/>) to the per-row gradient; the
    /// network's backward pass carried the 1/batch <paramref name="scale"/>, which is removed here.</summary>
    protected static void AddNetworkGradient(Span<float> gradient, ReadOnlySpan<float> inputGradient, int batch, int d, int width, float scale)
    {
        for (var b = 0; b < batch; b++)
        {
            for (var i = 0; i < d; i++)
            {
                gradient[(b * d) + i] += inputGradient[(b * width) + i] / scale;
            }
        }
    }

    /// <summary>Adds the standard normal base density of each row of <paramref name="u"/> (batch × d) to its log
    /// probability.</summary>
    protected static void AddBaseLogDensity(ReadOnlySpan<float> u, int batch, int d, Span<double> logProb)
    {
        for (var b = 0; b < batch; b++)
        {
            for (var i = 0; i < d; i++)
            {
                double value = u[(b * d) + i];
                logProb[b] += (-0.5 * value * value) - HalfLogTwoPi;
            }
        }
    }

    /// <summary>The mean of −ln q over a batch.</summary>
    protected static double MeanNegativeLogProb(ReadOnlySpan<double> logProb)
    {
        var loss = 0.0;
        foreach (var lp in logProb)
        {
            loss -= lp;
        }

        return loss / logProb.Length;
    }

    /// <summary>The start of sampling a flow: <paramref name="count"/> rows of standard normal base draws u, and the
    /// network input rows (θ columns zero, then the one context row repeated).</summary>
    protected (float[] BaseDraws, float[] Inputs) StartSampling(ReadOnlySpan<float> context, int count, ref RandomStream stream)
    {
        int d = ParameterDimension, c = ContextDimension, width = d + c;
        var u = new float[count * d];
        for (var i = 0; i < u.Length; i++)
        {
            u[i] = (float)stream.NextNormal();
        }

        var inputs = new float[count * width];
        for (var b = 0; b < count; b++)
        {
            context[..c].CopyTo(inputs.AsSpan((b * width) + d, c));
        }

        return (u, inputs);
    }
}
