using System.Numerics.Tensors;
using TwinLab.Core.Randomness;

namespace TwinLab.Inference.Neural;

/// <summary>
/// A fully connected layer y = W x + b over a mini-batch stored row by row (single precision, like the reference
/// deep-learning libraries), with an optional connectivity mask (MADE). Backward passes accumulate gradients.
/// </summary>
internal sealed class DenseLayer
{
    public DenseLayer(int inputs, int outputs, float[]? mask = null)
    {
        if (inputs < 1 || outputs < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(inputs), $"A dense layer needs at least one input and one output (got {inputs} → {outputs}).");
        }

        Inputs = inputs;
        Outputs = outputs;
        Weights = new float[inputs * outputs];
        Bias = new float[outputs];
        WeightGradients = new float[inputs * outputs];
        BiasGradients = new float[outputs];
        if (mask is not null && mask.Length != Weights.Length)
        {
            throw new ArgumentException("The mask must have one entry per weight (outputs × inputs).", nameof(mask));
        }

        Mask = mask;
    }

    public int Inputs { get; }

    public int Outputs { get; }

    /// <summary>Weights, row o holding the weights into output o: W[o, i] = Weights[o · Inputs + i].</summary>
    public float[] Weights { get; }

    public float[] Bias { get; }

    public float[] WeightGradients { get; }

    public float[] BiasGradients { get; }

    /// <summary>1 where a connection exists, 0 where it is masked out; null for a full layer.</summary>
    public float[]? Mask { get; }

    /// <summary>Uniform initialisation U(−a, a) of weights and biases, then the mask applied (masked weights stay 0:
    /// their gradients are masked too, so Adam never moves them).</summary>
    public void Initialise(ref RandomStream stream, double weightBound, double biasBound)
    {
        for (var i = 0; i < Weights.Length; i++)
        {
            Weights[i] = (float)((2.0 * stream.NextDouble() - 1.0) * weightBound);
        }

        for (var i = 0; i < Bias.Length; i++)
        {
            Bias[i] = (float)((2.0 * stream.NextDouble() - 1.0) * biasBound);
        }

        if (Mask is not null)
        {
            TensorPrimitives.Multiply(Weights, Mask, Weights);
        }
    }

    /// <summary>PyTorch's default initialisation of a linear layer: U(±1/√fan_in) for weights and biases.</summary>
    public void InitialiseDefault(ref RandomStream stream)
    {
        var bound = 1.0 / Math.Sqrt(Inputs);
        Initialise(ref stream, bound, bound);
    }

    /// <summary>output[b, o] = Σᵢ W[o, i] input[b, i] + bias[o] for every row b.</summary>
    public void Forward(ReadOnlySpan<float> input, Span<float> output, int batch)
    {
        var w = Weights.AsSpan();
        for (var b = 0; b < batch; b++)
        {
            var x = input.Slice(b * Inputs, Inputs);
            var y = output.Slice(b * Outputs, Outputs);
            for (var o = 0; o < Outputs; o++)
            {
                y[o] = TensorPrimitives.Dot(x, w.Slice(o * Inputs, Inputs)) + Bias[o];
            }
        }
    }

    /// <summary>Accumulates ∂L/∂W and ∂L/∂b from ∂L/∂output; writes ∂L/∂input when <paramref name="inputGradient"/> is not empty.</summary>
    public void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int batch)
    {
        var w = Weights.AsSpan();
        var gw = WeightGradients.AsSpan();
        var wantInput = !inputGradient.IsEmpty;
        if (wantInput)
        {
            inputGradient[..(batch * Inputs)].Clear();
        }

        for (var b = 0; b < batch; b++)
        {
            var x = input.Slice(b * Inputs, Inputs);
            var g = outputGradient.Slice(b * Outputs, Outputs);
            var gx = wantInput ? inputGradient.Slice(b * Inputs, Inputs) : default;
            for (var o = 0; o < Outputs; o++)
            {
                var d = g[o];
                if (d == 0f)
                {
                    continue;
                }

                BiasGradients[o] += d;
                var gwRow = gw.Slice(o * Inputs, Inputs);
                TensorPrimitives.MultiplyAdd(x, d, gwRow, gwRow);
                if (wantInput)
                {
                    TensorPrimitives.MultiplyAdd(w.Slice(o * Inputs, Inputs), d, gx, gx);
                }
            }
        }

        if (Mask is not null)
        {
            TensorPrimitives.Multiply(WeightGradients, Mask, WeightGradients);
        }
    }

    public void ZeroGradients()
    {
        Array.Clear(WeightGradients);
        Array.Clear(BiasGradients);
    }

    public IEnumerable<(float[] Values, float[] Gradients)> Parameters()
    {
        yield return (Weights, WeightGradients);
        yield return (Bias, BiasGradients);
    }
}
