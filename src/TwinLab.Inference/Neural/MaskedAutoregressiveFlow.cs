using TwinLab.Core.Randomness;

namespace TwinLab.Inference.Neural;

/// <summary>
/// A conditional masked autoregressive flow (Papamakarios, Pavlakou and Murray 2017, arXiv:1705.07057): a stack of
/// affine autoregressive transforms u_i = z_i s_i(z_&lt;i, x) + m_i(z_&lt;i, x), each parameterised by a MADE network
/// (Germain et al. 2015, arXiv:1502.03509) whose context inputs x reach every hidden unit; the order of the variables
/// is reversed between transforms; the base density is N(0, I). The scale is s = softplus(a) + 10⁻³ (the
/// parameterisation of the nflows library that <c>sbi</c> uses), so it stays positive.
/// </summary>
internal sealed class MaskedAutoregressiveFlow : ConditionalDensityEstimator
{
    private const float MinimumScale = 1e-3f;
    private readonly Mlp[] _made;
    private float[][] _inputs = [];
    private float[][] _sigmoid = [];
    private float[][] _scale = [];
    private float[] _outputGradient = [];
    private float[] _inputGradient = [];
    private float[] _gradient = [];
    private int _capacity;

    public MaskedAutoregressiveFlow(int parameterDimension, int contextDimension, int transforms, int hidden, ref RandomStream stream)
        : base(parameterDimension, contextDimension)
    {
        if (transforms < 1 || hidden < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(transforms), "A flow needs at least one transform and one hidden unit per layer.");
        }

        _made = new Mlp[transforms];
        for (var k = 0; k < transforms; k++)
        {
            _made[k] = CreateMade(parameterDimension, contextDimension, hidden, ref stream);
        }
    }

    private MaskedAutoregressiveFlow(MaskedAutoregressiveFlow shared)
        : base(shared.ParameterDimension, shared.ContextDimension) =>
        _made = [.. shared._made.Select(m => m.Replica())];

    public int Transforms => _made.Length;

    public override ConditionalDensityEstimator Replica() => new MaskedAutoregressiveFlow(this);

    /// <summary>The MADE of an affine transform: outputs m_0 … m_{d−1} then a_0 … a_{d−1}.</summary>
    internal static Mlp CreateMade(int d, int c, int hidden, ref RandomStream stream)
    {
        var outputDegrees = new int[2 * d];
        for (var i = 0; i < d; i++)
        {
            outputDegrees[i] = i + 1;
            outputDegrees[d + i] = i + 1;
        }

        return CreateMade(d, c, hidden, outputDegrees, ref stream);
    }

    /// <summary>A MADE with <paramref name="outputsPerVariable"/> outputs per variable, grouped by variable: outputs
    /// i·P … i·P + P − 1 belong to θ_i.</summary>
    internal static Mlp CreateMade(int d, int c, int hidden, int outputsPerVariable, ref RandomStream stream)
    {
        var outputDegrees = new int[d * outputsPerVariable];
        for (var i = 0; i < d; i++)
        {
            outputDegrees.AsSpan(i * outputsPerVariable, outputsPerVariable).Fill(i + 1);
        }

        return CreateMade(d, c, hidden, outputDegrees, ref stream);
    }

    /// <summary>The MADE masks: inputs θ_i have degree i + 1, context inputs degree 0; hidden unit k has degree
    /// (k mod max(1, d − 1)) + min(1, d − 1); a hidden connection needs degree(out) ≥ degree(in), an output of
    /// θ_i (degree i + 1) needs degree(out) &gt; degree(in).</summary>
    private static Mlp CreateMade(int d, int c, int hidden, int[] outputDegrees, ref RandomStream stream)
    {
        var inputDegrees = new int[d + c];
        for (var i = 0; i < d; i++)
        {
            inputDegrees[i] = i + 1;
        }

        var max = Math.Max(1, d - 1);
        var min = Math.Min(1, d - 1);
        var hiddenDegrees = new int[hidden];
        for (var k = 0; k < hidden; k++)
        {
            hiddenDegrees[k] = (k % max) + min;
        }

        var first = new DenseLayer(d + c, hidden, Mask(inputDegrees, hiddenDegrees, strict: false));
        var second = new DenseLayer(hidden, hidden, Mask(hiddenDegrees, hiddenDegrees, strict: false));
        var last = new DenseLayer(hidden, outputDegrees.Length, Mask(hiddenDegrees, outputDegrees, strict: true));
        first.InitialiseDefault(ref stream);
        second.InitialiseDefault(ref stream);
        last.InitialiseDefault(ref stream);
        return new Mlp([first, second, last], Activation.Tanh);
    }

    private static float[] Mask(int[] inDegrees, int[] outDegrees, bool strict)
    {
        var mask = new float[inDegrees.Length * outDegrees.Length];
        for (var o = 0; o < outDegrees.Length; o++)
        {
            for (var i = 0; i < inDegrees.Length; i++)
            {
                var connected = strict ? outDegrees[o] > inDegrees[i] : outDegrees[o] >= inDegrees[i];
                mask[(o * inDegrees.Length) + i] = connected ? 1f : 0f;
            }
        }

        return mask;
    }

    public override IEnumerable<(float[] Values, float[] Gradients)> Parameters() => _made.SelectMany(m => m.Parameters());

    public override void LogProb(ReadOnlySpan<float> theta, ReadOnlySpan<float> context, int batch, Span<double> logProb) =>
        Forward(theta, context, batch, logProb);

    public override double LossAndGradient(ReadOnlySpan<float> theta, ReadOnlySpan<float> context, int batch)
    {
        var logProb = new double[batch];
        Forward(theta, context, batch, logProb);
        int d = ParameterDimension, c = ContextDimension, width = d + c;
        var scale = 1f / batch;

        // ∂(−ln q)/∂u of the base density is u itself; the final u is held in _gradient by Forward.
        var g = _gradient.AsSpan(0, batch * d);
        for (var k = _made.Length - 1; k >= 0; k--)
        {
            if (k < _made.Length - 1)
            {
                ReverseRows(g, batch, d);
            }

            var input = _inputs[k];
            var sigmoid = _sigmoid[k];
            var scales = _scale[k];
            var outGrad = _outputGradient.AsSpan(0, batch * 2 * d);
            for (var b = 0; b < batch; b++)
            {
                for (var i = 0; i < d; i++)
                {
                    var z = input[(b * width) + i];
                    var sg = sigmoid[(b * d) + i];
                    var s = scales[(b * d) + i];
                    var gu = g[(b * d) + i];
                    outGrad[(b * 2 * d) + i] = gu * scale;
                    outGrad[(b * 2 * d) + d + i] = ((gu * z) - (1f / s)) * sg * scale; // ds/da = sigmoid(a)
                    g[(b * d) + i] = gu * s;
                }
            }

            var inGrad = _inputGradient.AsSpan(0, batch * width);
            _made[k].Backward(input.AsSpan(0, batch * width), outGrad, inGrad, batch);
            // The direct path was multiplied by s above (unscaled); the network path carries the 1/batch scale.
            AddNetworkGradient(g, inGrad, batch, d, width, scale);
        }

        return MeanNegativeLogProb(logProb);
    }

    /// <summary>Runs every transform; leaves each transform's input rows in _inputs, its sigmoids in _sigmoid and the
    /// final u in _gradient.</summary>
    private void Forward(ReadOnlySpan<float> theta, ReadOnlySpan<float> context, int batch, Span<double> logProb)
    {
        Ensure(batch);
        int d = ParameterDimension, c = ContextDimension, width = d + c;
        logProb[..batch].Clear();
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

            var output = _made[k].Forward(input.AsSpan(0, batch * width), batch);
            var sigmoid = _sigmoid[k];
            var scales = _scale[k];
            var next = k + 1 < _made.Length ? _inputs[k + 1] : null;
            for (var b = 0; b < batch; b++)
            {
                for (var i = 0; i < d; i++)
                {
                    var m = output[(b * 2 * d) + i];
                    var a = output[(b * 2 * d) + d + i];
                    var sg = 1f / (1f + MathF.Exp(-a));
                    var s = Softplus(a) + MinimumScale;
                    sigmoid[(b * d) + i] = sg;
                    scales[(b * d) + i] = s;
                    var u = (input[(b * width) + i] * s) + m;
                    logProb[b] += Math.Log(s);
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

        AddBaseLogDensity(_gradient, batch, d, logProb);
    }

    public override void Sample(ReadOnlySpan<float> context, int count, ref RandomStream stream, Span<float> destination)
    {
        int d = ParameterDimension, width = d + ContextDimension;
        var (u, input) = StartSampling(context, count, ref stream);

        for (var k = _made.Length - 1; k >= 0; k--)
        {
            for (var b = 0; b < count; b++)
            {
                input.AsSpan(b * width, d).Clear();
            }

            for (var i = 0; i < d; i++)
            {
                var output = _made[k].Forward(input, count);
                for (var b = 0; b < count; b++)
                {
                    var m = output[(b * 2 * d) + i];
                    var a = output[(b * 2 * d) + d + i];
                    var s = Softplus(a) + MinimumScale;
                    input[(b * width) + i] = (u[(b * d) + i] - m) / s;
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

    /// <summary>ln(1 + eᵃ), computed without overflow.</summary>
    private static float Softplus(float a) => a > 0 ? a + MathF.Log(1f + MathF.Exp(-a)) : MathF.Log(1f + MathF.Exp(a));

    private void Ensure(int batch)
    {
        if (batch <= _capacity)
        {
            return;
        }

        _capacity = batch;
        int d = ParameterDimension, width = d + ContextDimension;
        _inputs = [.. Enumerable.Range(0, _made.Length).Select(_ => new float[batch * width])];
        _sigmoid = [.. Enumerable.Range(0, _made.Length).Select(_ => new float[batch * d])];
        _scale = [.. Enumerable.Range(0, _made.Length).Select(_ => new float[batch * d])];
        _outputGradient = new float[batch * 2 * d];
        _inputGradient = new float[batch * width];
        _gradient = new float[batch * d];
    }
}
