using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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

    private DenseLayer(DenseLayer shared)
    {
        Inputs = shared.Inputs;
        Outputs = shared.Outputs;
        Weights = shared.Weights;
        Bias = shared.Bias;
        Mask = shared.Mask;
        WeightGradients = new float[Weights.Length];
        BiasGradients = new float[Bias.Length];
    }

    /// <summary>A layer that shares this one's weights, biases and mask but accumulates into gradients of its own.</summary>
    public DenseLayer Replica() => new(this);

    public int Inputs { get; }

    public int Outputs { get; }

    /// <summary>Weights, row o holding the weights into output o: W[o, i] = Weights[o · Inputs + i].</summary>
    public float[] Weights { get; }

    public float[] Bias { get; }

    public float[] WeightGradients { get; }

    public float[] BiasGradients { get; }

    /// <summary>1 where a connection exists, 0 where it is masked out; null for a full layer.</summary>
    public float[]? Mask { get; }

    private float[]? _transposed;

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
        // The weights transposed (input-major), so that the product runs along contiguous rows of outputs.
        var transposed = _transposed ??= new float[Weights.Length];
        for (var o = 0; o < Outputs; o++)
        {
            for (var i = 0; i < Inputs; i++)
            {
                transposed[(i * Outputs) + o] = Weights[(o * Inputs) + i];
            }
        }

        for (var b = 0; b < batch; b++)
        {
            Bias.CopyTo(output.Slice(b * Outputs, Outputs));
        }

        AccumulateProduct(input, Inputs, 1, batch, Inputs, transposed, Outputs, output);
    }

    /// <summary>Accumulates ∂L/∂W and ∂L/∂b from ∂L/∂output; writes ∂L/∂input when <paramref name="inputGradient"/> is not empty.</summary>
    public void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int batch)
    {
        for (var b = 0; b < batch; b++)
        {
            TensorPrimitives.Add(BiasGradients, outputGradient.Slice(b * Outputs, Outputs), BiasGradients);
        }

        // ∂L/∂W[o, i] += Σ_b g[b, o] x[b, i]: the product of gᵀ (rows o, read with stride Outputs) and x.
        AccumulateProduct(outputGradient, 1, Outputs, Outputs, batch, input, Inputs, WeightGradients);
        if (Mask is not null)
        {
            TensorPrimitives.Multiply(WeightGradients, Mask, WeightGradients);
        }

        if (!inputGradient.IsEmpty)
        {
            // ∂L/∂x[b, i] = Σ_o g[b, o] W[o, i].
            var gx = inputGradient[..(batch * Inputs)];
            gx.Clear();
            AccumulateProduct(outputGradient, Outputs, 1, batch, Outputs, Weights, Inputs, gx);
        }
    }

    /// <summary>
    /// c[r, j] += Σₖ A(r, k) · B[k, j] for r &lt; rows, k &lt; depth, j &lt; columns, where A(r, k) = a[r · rowStride + k ·
    /// depthStride] and B and c are stored row by row. Register-blocked over four rows and sixteen columns (eight
    /// accumulators; about four times the speed of a dot product per element); a width that is not a multiple of sixteen
    /// goes through zero-padded copies. Every element is summed over k in order with fused multiply-adds and then added
    /// to c, whichever block it falls in, so the result does not depend on the shapes around it.
    /// </summary>
    internal static void AccumulateProduct(ReadOnlySpan<float> a, int rowStride, int depthStride, int rows, int depth,
        ReadOnlySpan<float> b, int columns, Span<float> c)
    {
        if (rows == 0 || depth == 0 || columns == 0)
        {
            return;
        }

        // The unchecked reads below stay inside these bounds.
        if (a.Length <= ((rows - 1) * rowStride) + ((depth - 1) * depthStride) || b.Length < depth * columns || c.Length < rows * columns)
        {
            throw new ArgumentException("The operands are smaller than the product's shape.", nameof(a));
        }

        var padded = (columns + BlockWidth - 1) / BlockWidth * BlockWidth;
        if (padded == columns)
        {
            Blocked(a, rowStride, depthStride, rows, depth, b, columns, c);
            return;
        }

        var paddedB = ArrayPool<float>.Shared.Rent(depth * padded);
        var paddedC = ArrayPool<float>.Shared.Rent(rows * padded);
        try
        {
            Array.Clear(paddedB, 0, depth * padded);
            Array.Clear(paddedC, 0, rows * padded);
            for (var k = 0; k < depth; k++)
            {
                b.Slice(k * columns, columns).CopyTo(paddedB.AsSpan(k * padded, columns));
            }

            Blocked(a, rowStride, depthStride, rows, depth, paddedB, padded, paddedC);
            for (var r = 0; r < rows; r++)
            {
                var target = c.Slice(r * columns, columns);
                TensorPrimitives.Add(target, paddedC.AsSpan(r * padded, columns), target);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(paddedB);
            ArrayPool<float>.Shared.Return(paddedC);
        }
    }

    /// <summary>Columns per block: two vectors of eight.</summary>
    private const int BlockWidth = 16;

    /// <summary><see cref="AccumulateProduct"/> for a width that is a multiple of <see cref="BlockWidth"/>.</summary>
    private static void Blocked(ReadOnlySpan<float> a, int rowStride, int depthStride, int rows, int depth, ReadOnlySpan<float> b, int columns, Span<float> c)
    {
        const int Width = BlockWidth / 2;
        ref var a0 = ref MemoryMarshal.GetReference(a);
        ref var b0 = ref MemoryMarshal.GetReference(b);
        ref var c0 = ref MemoryMarshal.GetReference(c);
        var r = 0;
        for (; r + 4 <= rows; r += 4)
        {
            ref var ar = ref Unsafe.Add(ref a0, r * rowStride);
            for (var j = 0; j < columns; j += BlockWidth)
            {
                Vector256<float> s0 = Vector256<float>.Zero, s1 = s0, s2 = s0, s3 = s0, t0 = s0, t1 = s0, t2 = s0, t3 = s0;
                for (var k = 0; k < depth; k++)
                {
                    ref var bk = ref Unsafe.Add(ref b0, (k * columns) + j);
                    var low = Vector256.LoadUnsafe(ref bk);
                    var high = Vector256.LoadUnsafe(ref bk, Width);
                    ref var ak = ref Unsafe.Add(ref ar, k * depthStride);
                    var x0 = Vector256.Create(ak);
                    var x1 = Vector256.Create(Unsafe.Add(ref ak, rowStride));
                    var x2 = Vector256.Create(Unsafe.Add(ref ak, 2 * rowStride));
                    var x3 = Vector256.Create(Unsafe.Add(ref ak, 3 * rowStride));
                    s0 = Vector256.FusedMultiplyAdd(x0, low, s0);
                    t0 = Vector256.FusedMultiplyAdd(x0, high, t0);
                    s1 = Vector256.FusedMultiplyAdd(x1, low, s1);
                    t1 = Vector256.FusedMultiplyAdd(x1, high, t1);
                    s2 = Vector256.FusedMultiplyAdd(x2, low, s2);
                    t2 = Vector256.FusedMultiplyAdd(x2, high, t2);
                    s3 = Vector256.FusedMultiplyAdd(x3, low, s3);
                    t3 = Vector256.FusedMultiplyAdd(x3, high, t3);
                }

                ref var cr = ref Unsafe.Add(ref c0, (r * columns) + j);
                AddTo(ref cr, s0, t0);
                AddTo(ref Unsafe.Add(ref cr, columns), s1, t1);
                AddTo(ref Unsafe.Add(ref cr, 2 * columns), s2, t2);
                AddTo(ref Unsafe.Add(ref cr, 3 * columns), s3, t3);
            }
        }

        for (; r < rows; r++)
        {
            ref var ar = ref Unsafe.Add(ref a0, r * rowStride);
            for (var j = 0; j < columns; j += BlockWidth)
            {
                Vector256<float> s0 = Vector256<float>.Zero, t0 = s0;
                for (var k = 0; k < depth; k++)
                {
                    ref var bk = ref Unsafe.Add(ref b0, (k * columns) + j);
                    var x0 = Vector256.Create(Unsafe.Add(ref ar, k * depthStride));
                    s0 = Vector256.FusedMultiplyAdd(x0, Vector256.LoadUnsafe(ref bk), s0);
                    t0 = Vector256.FusedMultiplyAdd(x0, Vector256.LoadUnsafe(ref bk, Width), t0);
                }

                AddTo(ref Unsafe.Add(ref c0, (r * columns) + j), s0, t0);
            }
        }
    }

    private static void AddTo(ref float target, Vector256<float> low, Vector256<float> high)
    {
        (Vector256.LoadUnsafe(ref target) + low).StoreUnsafe(ref target);
        (Vector256.LoadUnsafe(ref target, (nuint)Vector256<float>.Count) + high).StoreUnsafe(ref target, (nuint)Vector256<float>.Count);
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
