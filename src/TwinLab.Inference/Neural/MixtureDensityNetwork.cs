using TwinLab.Core.Randomness;

namespace TwinLab.Inference.Neural;

/// <summary>
/// A mixture density network (Bishop 1994): a tanh network maps the context x to the weights, means and full
/// covariances of K Gaussian components, q(θ | x) = Σ_k π_k N(θ; μ_k, (U_kᵀ U_k)⁻¹), each precision given by an upper
/// triangular Cholesky factor U_k whose diagonal is exp of a network output (so it is positive).
/// </summary>
internal sealed class MixtureDensityNetwork : ConditionalDensityEstimator
{
    private readonly Mlp _network;
    private readonly int _components;
    private readonly int _triangle;
    private float[] _outputGradient = [];

    public MixtureDensityNetwork(int parameterDimension, int contextDimension, int components, int hidden, ref RandomStream stream)
        : base(parameterDimension, contextDimension)
    {
        if (components < 1 || hidden < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(components), "A mixture density network needs at least one component and one hidden unit.");
        }

        _components = components;
        var d = parameterDimension;
        _triangle = d * (d + 1) / 2;
        _network = Mlp.Create(contextDimension, [hidden, hidden], components * (1 + d + _triangle), Activation.Tanh);
        foreach (var layer in _network.Layers)
        {
            layer.InitialiseDefault(ref stream);
        }
    }

    private MixtureDensityNetwork(MixtureDensityNetwork shared)
        : base(shared.ParameterDimension, shared.ContextDimension)
    {
        _components = shared._components;
        _triangle = shared._triangle;
        _network = shared._network.Replica();
    }

    public int Components => _components;

    public override ConditionalDensityEstimator Replica() => new MixtureDensityNetwork(this);

    private int Width => _components * (1 + ParameterDimension + _triangle);

    public override IEnumerable<(float[] Values, float[] Gradients)> Parameters() => _network.Parameters();

    public override void LogProb(ReadOnlySpan<float> theta, ReadOnlySpan<float> context, int batch, Span<double> logProb)
    {
        var output = _network.Forward(context[..(batch * ContextDimension)], batch);
        var d = ParameterDimension;
        var scratch = new double[_components * 3];
        for (var b = 0; b < batch; b++)
        {
            logProb[b] = RowLogProb(theta.Slice(b * d, d), output.Slice(b * Width, Width), scratch, default);
        }
    }

    public override double LossAndGradient(ReadOnlySpan<float> theta, ReadOnlySpan<float> context, int batch)
    {
        var input = context[..(batch * ContextDimension)];
        var output = _network.Forward(input, batch);
        if (_outputGradient.Length < batch * Width)
        {
            _outputGradient = new float[batch * Width];
        }

        var d = ParameterDimension;
        var scratch = new double[_components * 3];
        var loss = 0.0;
        var gradient = _outputGradient.AsSpan(0, batch * Width);
        for (var b = 0; b < batch; b++)
        {
            loss -= RowLogProb(theta.Slice(b * d, d), output.Slice(b * Width, Width), scratch, gradient.Slice(b * Width, Width));
        }

        var scale = 1f / batch;
        for (var i = 0; i < gradient.Length; i++)
        {
            gradient[i] *= scale;
        }

        _network.Backward(input, gradient, [], batch);
        return loss / batch;
    }

    /// <summary>Output layout per row: K logits, then K means of length d, then K upper triangles (row by row, the
    /// diagonal entry of each row stored as its logarithm).</summary>
    private double RowLogProb(ReadOnlySpan<float> theta, ReadOnlySpan<float> output, double[] scratch, Span<float> gradient)
    {
        int d = ParameterDimension, k = _components;
        var logits = output[..k];
        var maxLogit = double.NegativeInfinity;
        for (var j = 0; j < k; j++)
        {
            maxLogit = Math.Max(maxLogit, logits[j]);
        }

        var sumExp = 0.0;
        for (var j = 0; j < k; j++)
        {
            sumExp += Math.Exp(logits[j] - maxLogit);
        }

        var logNormaliser = maxLogit + Math.Log(sumExp);
        Span<double> r = stackalloc double[d];
        Span<double> v = stackalloc double[d];
        var maxTerm = double.NegativeInfinity;
        for (var j = 0; j < k; j++)
        {
            var mean = output.Slice(k + (j * d), d);
            var tri = output.Slice(k + (k * d) + (j * _triangle), _triangle);
            for (var i = 0; i < d; i++)
            {
                r[i] = theta[i] - mean[i];
            }

            double logDet = 0, quad = 0;
            var t = 0;
            for (var i = 0; i < d; i++)
            {
                logDet += tri[t];
                var sum = Math.Exp(tri[t]) * r[i];
                for (var c = i + 1; c < d; c++)
                {
                    sum += tri[t + c - i] * r[c];
                }

                v[i] = sum;
                quad += sum * sum;
                t += d - i;
            }

            var term = logits[j] - logNormaliser + logDet - (0.5 * quad) - (d * HalfLogTwoPi);
            scratch[j] = term;
            maxTerm = Math.Max(maxTerm, term);
        }

        var total = 0.0;
        for (var j = 0; j < k; j++)
        {
            total += Math.Exp(scratch[j] - maxTerm);
        }

        var logProb = maxTerm + Math.Log(total);
        if (gradient.IsEmpty)
        {
            return logProb;
        }

        // L = −ln q: ∂L/∂logit_j = softmax_j − w_j (w the responsibilities); ∂L/∂μ_j = −w_j Uᵀv;
        // ∂L/∂U_ic = w_j v_i r_c (c > i); ∂L/∂(ln U_ii) = w_j (v_i r_i U_ii − 1).
        for (var j = 0; j < k; j++)
        {
            var w = Math.Exp(scratch[j] - logProb);
            var softmax = Math.Exp(logits[j] - logNormaliser);
            gradient[j] = (float)(softmax - w);
            var mean = output.Slice(k + (j * d), d);
            var tri = output.Slice(k + (k * d) + (j * _triangle), _triangle);
            var meanGradient = gradient.Slice(k + (j * d), d);
            var triGradient = gradient.Slice(k + (k * d) + (j * _triangle), _triangle);
            for (var i = 0; i < d; i++)
            {
                r[i] = theta[i] - mean[i];
            }

            var t = 0;
            for (var i = 0; i < d; i++)
            {
                var diagonal = Math.Exp(tri[t]);
                var sum = diagonal * r[i];
                for (var c = i + 1; c < d; c++)
                {
                    sum += tri[t + c - i] * r[c];
                }

                v[i] = sum;
                t += d - i;
            }

            meanGradient.Clear();
            t = 0;
            for (var i = 0; i < d; i++)
            {
                var diagonal = Math.Exp(tri[t]);
                triGradient[t] = (float)(w * ((v[i] * r[i] * diagonal) - 1.0));
                meanGradient[i] -= (float)(w * v[i] * diagonal);
                for (var c = i + 1; c < d; c++)
                {
                    triGradient[t + c - i] = (float)(w * v[i] * r[c]);
                    meanGradient[c] -= (float)(w * v[i] * tri[t + c - i]);
                }

                t += d - i;
            }
        }

        return logProb;
    }

    public override void Sample(ReadOnlySpan<float> context, int count, ref RandomStream stream, Span<float> destination)
    {
        int d = ParameterDimension, k = _components;
        var output = _network.Forward(context[..ContextDimension], 1).ToArray();
        var weights = new double[k];
        var maxLogit = output.AsSpan(0, k).ToArray().Max();
        var sum = 0.0;
        for (var j = 0; j < k; j++)
        {
            weights[j] = Math.Exp(output[j] - maxLogit);
            sum += weights[j];
        }

        Span<double> epsilon = stackalloc double[d];
        Span<double> y = stackalloc double[d];
        for (var n = 0; n < count; n++)
        {
            var pick = stream.NextDouble() * sum;
            var j = 0;
            while (j < k - 1 && pick >= weights[j])
            {
                pick -= weights[j];
                j++;
            }

            for (var i = 0; i < d; i++)
            {
                epsilon[i] = stream.NextNormal();
            }

            // θ = μ + U⁻¹ε by back substitution (U upper triangular): covariance U⁻¹U⁻ᵀ = (UᵀU)⁻¹.
            var triStart = k + (k * d) + (j * _triangle);
            for (var i = d - 1; i >= 0; i--)
            {
                var rowStart = triStart + TriangleRowStart(i, d);
                var s = epsilon[i];
                for (var c = i + 1; c < d; c++)
                {
                    s -= output[rowStart + c - i] * y[c];
                }

                y[i] = s / Math.Exp(output[rowStart]);
            }

            for (var i = 0; i < d; i++)
            {
                destination[(n * d) + i] = (float)(output[k + (j * d) + i] + y[i]);
            }
        }
    }

    private static int TriangleRowStart(int row, int d) => (row * d) - (row * (row - 1) / 2);
}
