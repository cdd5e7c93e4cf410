namespace TwinLab.Inference.Neural;

/// <summary>
/// A multilayer perceptron: dense layers with an activation after every layer but the last. Keeps the activations of
/// the last forward pass for the backward pass.
/// </summary>
internal sealed class Mlp
{
    private readonly float[][] _activations;
    private readonly float[][] _gradients;
    private int _capacity;

    public Mlp(IReadOnlyList<DenseLayer> layers, Activation activation)
    {
        if (layers.Count == 0)
        {
            throw new ArgumentException("A network needs at least one layer.", nameof(layers));
        }

        for (var i = 1; i < layers.Count; i++)
        {
            if (layers[i].Inputs != layers[i - 1].Outputs)
            {
                throw new ArgumentException($"Layer {i} takes {layers[i].Inputs} inputs but layer {i - 1} gives {layers[i - 1].Outputs}.", nameof(layers));
            }
        }

        Layers = [.. layers];
        Activation = activation;
        _activations = new float[layers.Count][];
        _gradients = new float[layers.Count][];
    }

    public static Mlp Create(int inputs, IReadOnlyList<int> hidden, int outputs, Activation activation)
    {
        var sizes = new List<int> { inputs };
        sizes.AddRange(hidden);
        sizes.Add(outputs);
        var layers = new DenseLayer[sizes.Count - 1];
        for (var i = 0; i < layers.Length; i++)
        {
            layers[i] = new DenseLayer(sizes[i], sizes[i + 1]);
        }

        return new Mlp(layers, activation);
    }

    public IReadOnlyList<DenseLayer> Layers { get; }

    /// <summary>A network that shares this one's parameters but has gradients and activations of its own.</summary>
    public Mlp Replica() => new([.. Layers.Select(l => l.Replica())], Activation);

    public Activation Activation { get; }

    public int Inputs => Layers[0].Inputs;

    public int Outputs => Layers[^1].Outputs;

    public IEnumerable<(float[] Values, float[] Gradients)> Parameters() => Layers.SelectMany(l => l.Parameters());

    /// <summary>Runs the network on <paramref name="batch"/> rows; returns the output rows (valid until the next call).</summary>
    public ReadOnlySpan<float> Forward(ReadOnlySpan<float> input, int batch)
    {
        Ensure(batch);
        var current = input;
        for (var l = 0; l < Layers.Count; l++)
        {
            var layer = Layers[l];
            var output = _activations[l].AsSpan(0, batch * layer.Outputs);
            layer.Forward(current, output, batch);
            if (l < Layers.Count - 1)
            {
                ActivationFunctions.Forward(Activation, output);
            }

            current = output;
        }

        return current;
    }

    /// <summary>Back-propagates ∂L/∂output of the last <see cref="Forward"/>; accumulates parameter gradients and
    /// writes ∂L/∂input when <paramref name="inputGradient"/> is not empty.</summary>
    public void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int batch)
    {
        var gradient = outputGradient;
        for (var l = Layers.Count - 1; l >= 0; l--)
        {
            var layer = Layers[l];
            var below = l == 0 ? input : _activations[l - 1].AsSpan(0, batch * layer.Inputs);
            Span<float> belowGradient = l == 0 ? inputGradient : _gradients[l - 1].AsSpan(0, batch * layer.Inputs);
            layer.Backward(below, gradient, belowGradient, batch);
            if (l > 0)
            {
                ActivationFunctions.Backward(Activation, below, belowGradient);
            }

            gradient = belowGradient;
        }
    }

    private void Ensure(int batch)
    {
        if (batch <= _capacity)
        {
            return;
        }

        _capacity = batch;
        for (var l = 0; l < Layers.Count; l++)
        {
            _activations[l] = new float[batch * Layers[l].Outputs];
            _gradients[l] = new float[batch * Layers[l].Outputs];
        }
    }
}
