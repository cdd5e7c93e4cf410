using TwinLab.Core.Randomness;

namespace TwinLab.Inference.Neural;

/// <summary>
/// A conditional neural spline flow (Durkan, Bekasov, Murray and Papamakarios 2019, arXiv:1906.04087): a stack of
/// rational-quadratic autoregressive transforms u_i = g(z_i; φ_i(z_&lt;i, x)), each spline
/// (<see cref="RationalQuadraticSpline"/>, K bins on [−B, B], identity tails) parameterised by a MADE network whose
/// context inputs x reach every hidden unit; the order of the variables is reversed between transforms; the base density
/// is N(0, I). As in nflows (which <c>sbi</c> uses), the unconstrained bin widths and heights are divided by √(hidden
/// units), so a freshly initialised transform is close to a uniform spline.
/// </summary>
internal sealed class NeuralSplineFlow : ConditionalDensityEstimator
{
    private readonly Mlp[] _made;
    private readonly int _bins;
    private readonly double _bound;
    private readonly int _splineParameters;
    private readonly float _rawScale;
    private float[][] _inputs = [];
    private float[][] _outputs = [];
    private float[] _outputGradient = [];
    private float[] _inputGradient = [];
    private float[] _gradient = [];
    private double[] _logProb = [];
    private double[][] _shares = [];
    private int _capacity;
    private int _sharesCapacity;

    public NeuralSplineFlow(int parameterDimension, int contextDimension, int transforms, int hidden, int bins, double bound, ref RandomStream stream)
        : base(parameterDimension, contextDimension)
    {
        if (transforms < 1 || hidden < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(transforms), "A flow needs at least one transform and one hidden unit per layer.");
        }

        if (bins < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(bins), $"A spline needs at least 2 bins (got {bins}).");
        }

        if (!(bound > 0) || !double.IsFinite(bound))
        {
            throw new ArgumentOutOfRangeException(nameof(bound), $"The spline interval [−B, B] needs a finite B > 0 (got {bound}).");
        }

        _bins = bins;
        _bound = bound;
        _splineParameters = RationalQuadraticSpline.ParameterCount(bins);
        _rawScale = 1f / MathF.Sqrt(hidden);
        _made = new Mlp[transforms];
        for (var k = 0; k < transforms; k++)
        {
            _made[k] = MaskedAutoregressiveFlow.CreateMade(parameterDimension, contextDimension, hidden, _splineParameters, ref stream);
        }
    }

    private NeuralSplineFlow(NeuralSplineFlow shared)
        : base(shared.ParameterDimension, shared.ContextDimension)
    {
        _bins = shared._bins;
        _bound = shared._bound;
        _splineParameters = shared._splineParameters;
        _rawScale = shared._rawScale;
        _made = [.. shared._made.Select(m => m.Replica())];
    }

    public int Transforms => _made.Length;

    public override ConditionalDensityEstimator Replica() => new NeuralSplineFlow(this);

    public int Bins => _bins;

    public double Bound => _bound;

    public override IEnumerable<(float[] Values, float[] Gradients)> Parameters() => _made.SelectMany(m => m.Parameters());

    public override void LogProb(ReadOnlySpan<float> theta, ReadOnlySpan<float> context, int batch, Span<double> logProb)
    {
        Forward(theta, context, batch, keepShares: false);
        _logProb.AsSpan(0, batch).CopyTo(logProb);
    }

    public override double LossAndGradient(ReadOnlySpan<float> theta, ReadOnlySpan<float> context, int batch)
    {
        Forward(theta, context, batch, keepShares: true);
        int d = ParameterDimension, width = d + ContextDimension;
        var scale = 1f / batch;

        // Per-row gradients (not yet divided by the batch size) of −ln q: the base density gives ∂/∂u = u (held in
        // _gradient by Forward); every ln g′ enters with −1.
        for (var k = _made.Length - 1; k >= 0; k--)
        {
            if (k < _made.Length - 1)
            {
                ReverseRows(_gradient.AsSpan(0, batch * d), batch, d);
            }

            SplineBackward(k, batch, scale);
            var inGrad = _inputGradient.AsSpan(0, batch * width);
            _made[k].Backward(_inputs[k].AsSpan(0, batch * width), _outputGradient.AsSpan(0, batch * d * _splineParameters), inGrad, batch);
            // The direct path is per row; the network path carries the 1/batch scale.
            AddNetworkGradient(_gradient.AsSpan(0, batch * d), inGrad, batch, d, width, scale);
        }

        return MeanNegativeLogProb(_logProb.AsSpan(0, batch));
    }

    /// <summary>Back-propagates the rows through transform k's splines: ∂L/∂(network outputs), scaled by 1/batch,
    /// into _outputGradient, and the direct path ∂L/∂z into _gradient.</summary>
    private void SplineBackward(int k, int batch, float scale)
    {
        int d = ParameterDimension, width = d + ContextDimension, p = _splineParameters, q = RationalQuadraticSpline.SharesLength(_bins);
        Span<float> raw = stackalloc float[p];
        Span<double> rawGradient = stackalloc double[p];
        var input = _inputs[k];
        var output = _outputs[k];
        var shares = _shares[k];
        for (var b = 0; b < batch; b++)
        {
            for (var i = 0; i < d; i++)
            {
                var offset = (b * d * p) + (i * p);
                ScaleRaw(output.AsSpan(offset, p), raw);
                var gz = RationalQuadraticSpline.Backward(input[(b * width) + i], raw, _bins, _bound, _gradient[(b * d) + i], -1.0, rawGradient,
                    shares.AsSpan(((b * d) + i) * q, q));
                for (var j = 0; j < p; j++)
                {
                    var chain = j < 2 * _bins ? _rawScale : 1f;
                    _outputGradient[offset + j] = (float)rawGradient[j] * chain * scale;
                }

                _gradient[(b * d) + i] = (float)gz;
            }
        }
    }

    /// <summary>Runs every transform: leaves each transform's input rows in _inputs, its network outputs in _outputs,
    /// ln q in _logProb and the final u in _gradient; with <paramref name="keepShares"/>, also the splines' softmaxes in
    /// _shares for the backward pass.</summary>
    private void Forward(ReadOnlySpan<float> theta, ReadOnlySpan<float> context, int batch, bool keepShares)
    {
        Ensure(batch, keepShares);
        int d = ParameterDimension, c = ContextDimension, width = d + c;
        _logProb.AsSpan(0, batch).Clear();
        for (var b = 0; b < batch; b++)
        {
            theta.Slice(b * d, d).CopyTo(_inputs[0].AsSpan(b * width, d));
        }

        for (var k = 0; k < _made.Length; k++)
        {
            var input = _inputs[k];
            for (var b = 0; b < batch; b++)
            {
                context.Slice(b * c, c).CopyTo(input.AsSpan((b * width) + d, c));
            }

            _made[k].Forward(input.AsSpan(0, batch * width), batch).CopyTo(_outputs[k]); // kept for the backward pass
            SplineForward(k, batch, keepShares);
        }

        AddBaseLogDensity(_gradient, batch, d, _logProb);
    }

    /// <summary>The rows through transform k's splines: adds ln g′ to _logProb and writes u, reversed, into the
    /// next transform's inputs (into _gradient after the last).</summary>
    private void SplineForward(int k, int batch, bool keepShares)
    {
        int d = ParameterDimension, width = d + ContextDimension, p = _splineParameters, q = RationalQuadraticSpline.SharesLength(_bins);
        Span<float> raw = stackalloc float[p];
        Span<double> scratch = stackalloc double[q];
        var input = _inputs[k];
        var output = _outputs[k];
        var next = k + 1 < _made.Length ? _inputs[k + 1] : null;
        for (var b = 0; b < batch; b++)
        {
            for (var i = 0; i < d; i++)
            {
                ScaleRaw(output.AsSpan((b * d * p) + (i * p), p), raw);
                var shares = keepShares ? _shares[k].AsSpan(((b * d) + i) * q, q) : scratch;
                var u = (float)RationalQuadraticSpline.Forward(input[(b * width) + i], raw, _bins, _bound, shares, out var logDerivative);
                _logProb[b] += logDerivative;
                if (next is not null)
                {
                    next[(b * width) + (d - 1 - i)] = u; // reverse the order for the next transform
                }
                else
                {
                    _gradient[(b * d) + i] = u;
                }
            }
        }
    }

    public override void Sample(ReadOnlySpan<float> context, int count, ref RandomStream stream, Span<float> destination)
    {
        int d = ParameterDimension, width = d + ContextDimension, p = _splineParameters;
        Span<float> raw = stackalloc float[p];
        var (u, input) = StartSampling(context, count, ref stream);

        for (var k = _made.Length - 1; k >= 0; k--)
        {
            for (var b = 0; b < count; b++)
            {
                input.AsSpan(b * width, d).Clear();
            }

            // Variable i's spline depends on z_<i only, so inverting in order i = 0, 1, … needs d network passes.
            for (var i = 0; i < d; i++)
            {
                var output = _made[k].Forward(input, count);
                for (var b = 0; b < count; b++)
                {
                    ScaleRaw(output.Slice((b * d * p) + (i * p), p), raw);
                    input[(b * width) + i] = (float)RationalQuadraticSpline.Inverse(u[(b * d) + i], raw, _bins, _bound, out _);
                }
            }

            for (var b = 0; b < count; b++)
            {
                for (var i = 0; i < d; i++)
                {
                    // Undo the reversal that fed this transform (the first transform's input is θ itself).
                    var target = k > 0 ? d - 1 - i : i;
                    u[(b * d) + target] = input[(b * width) + i];
                }
            }
        }

        u.AsSpan().CopyTo(destination);
    }

    /// <summary>Copies one variable's network outputs, dividing the widths and heights by √hidden.</summary>
    private void ScaleRaw(ReadOnlySpan<float> output, Span<float> raw)
    {
        for (var j = 0; j < output.Length; j++)
        {
            raw[j] = j < 2 * _bins ? output[j] * _rawScale : output[j];
        }
    }

    private void Ensure(int batch, bool keepShares)
    {
        int d = ParameterDimension, width = d + ContextDimension;
        if (keepShares && batch > _sharesCapacity)
        {
            _sharesCapacity = batch;
            _shares = [.. Enumerable.Range(0, _made.Length).Select(_ => new double[batch * d * RationalQuadraticSpline.SharesLength(_bins)])];
        }

        if (batch <= _capacity)
        {
            return;
        }

        _capacity = batch;
        _inputs = [.. Enumerable.Range(0, _made.Length).Select(_ => new float[batch * width])];
        _outputs = [.. Enumerable.Range(0, _made.Length).Select(_ => new float[batch * d * _splineParameters])];
        _outputGradient = new float[batch * d * _splineParameters];
        _inputGradient = new float[batch * width];
        _gradient = new float[batch * d];
        _logProb = new double[batch];
    }
}
