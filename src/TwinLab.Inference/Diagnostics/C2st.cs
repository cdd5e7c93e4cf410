using System.Numerics.Tensors;
using TwinLab.Core.Randomness;
using TwinLab.Inference.Neural;

namespace TwinLab.Inference.Diagnostics;

/// <summary>Settings of <see cref="C2st"/>; the defaults are sbibm's (and scikit-learn's <c>MLPClassifier</c> defaults).</summary>
public sealed record C2stOptions
{
    /// <summary>Cross-validation folds.</summary>
    public int Folds { get; init; } = 5;

    /// <summary>Hidden units per layer as a multiple of the dimension (two hidden layers).</summary>
    public int HiddenPerDimension { get; init; } = 10;

    /// <summary>Adam's learning rate (scikit-learn's <c>learning_rate_init</c>).</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>The L2 penalty (scikit-learn's <c>alpha</c>).</summary>
    public double L2Penalty { get; init; } = 1e-4;

    /// <summary>The mini-batch size cap (scikit-learn: min(200, n)).</summary>
    public int BatchSize { get; init; } = 200;

    /// <summary>The most epochs (scikit-learn's <c>max_iter</c>, which sbibm sets to 10 000).</summary>
    public int MaxEpochs { get; init; } = 10_000;

    /// <summary>The improvement of the training loss that counts (scikit-learn's <c>tol</c>).</summary>
    public double Tolerance { get; init; } = 1e-4;

    /// <summary>Epochs without improvement before stopping (scikit-learn's <c>n_iter_no_change</c>).</summary>
    public int EpochsWithoutImprovement { get; init; } = 10;
}

/// <summary>
/// The classifier two-sample test as sbibm computes it (Lopez-Paz and Oquab 2017; Lueckmann et al. 2021): both sample
/// sets are z-scored with the reference set's column means and standard deviations (n − 1), a multilayer perceptron
/// (two hidden layers of 10·d ReLU units, logistic output, Adam, L2 penalty 10⁻⁴, mini-batches of 200, stopping when
/// the training loss has not improved by 10⁻⁴ for 10 epochs — scikit-learn's <c>MLPClassifier</c> defaults) learns to
/// tell them apart, and the score is the mean held-out accuracy over 5 shuffled folds. 0.5: indistinguishable; 1.0:
/// perfectly separable.
/// </summary>
public static class C2st
{
    /// <summary>The C2ST accuracy between a reference set and a sample set (rows stored one after another).</summary>
    /// <param name="reference">Reference draws (n₁ × d).</param>
    /// <param name="samples">Draws to assess (n₂ × d).</param>
    /// <param name="dimension">d.</param>
    /// <param name="seed">The seed (folds, initialisation, batches).</param>
    /// <param name="options">Settings (null: sbibm's).</param>
    /// <returns>The mean held-out accuracy in [0, 1].</returns>
    /// <exception cref="ArgumentException">Shapes are wrong, a value is not finite, or there are too few rows for the folds.</exception>
    public static double Score(ReadOnlySpan<double> reference, ReadOnlySpan<double> samples, int dimension, ulong seed, C2stOptions? options = null)
    {
        options ??= new C2stOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if (reference.Length % dimension != 0 || samples.Length % dimension != 0)
        {
            throw new ArgumentException($"Both sets must hold whole rows of {dimension} values.", nameof(reference));
        }

        int n1 = reference.Length / dimension, n2 = samples.Length / dimension, n = n1 + n2, d = dimension;
        if (n1 < 2 || n2 < 1 || n < 2 * options.Folds)
        {
            throw new ArgumentException($"C2ST needs at least two reference rows and {2 * options.Folds} rows in all (got {n1} and {n2}).", nameof(reference));
        }

        if (!Sbi.SimulationSet.AllFinite(reference) || !Sbi.SimulationSet.AllFinite(samples))
        {
            throw new ArgumentException("C2ST: a sample has a NaN or infinite value; remove or fix it first.", nameof(samples));
        }

        var scaler = Sbi.Standardizer.Fit(reference, d);
        var data = new float[n * d];
        var labels = new float[n];
        scaler.TransformToSingle(reference).CopyTo(data, 0);
        scaler.TransformToSingle(samples).CopyTo(data, n1 * d);
        for (var i = n1; i < n; i++)
        {
            labels[i] = 1f;
        }

        // KFold(shuffle=True): one permutation, folds of n/k rows, the first n mod k folds one row larger.
        var foldStream = RandomStream.For(seed, "c2st.folds");
        var order = Sbi.Npe.Permutation(n, ref foldStream);
        var k = options.Folds;
        var bounds = new int[k + 1];
        for (var f = 0; f < k; f++)
        {
            bounds[f + 1] = bounds[f] + (n / k) + (f < n % k ? 1 : 0);
        }

        var accuracy = new double[k];
        Parallel.For(0, k, f =>
        {
            var test = order[bounds[f]..bounds[f + 1]];
            var train = order[..bounds[f]].Concat(order[bounds[f + 1]..]).ToArray();
            var classifier = new MlpClassifier(d, options.HiddenPerDimension * d, options, seed, (ulong)f);
            classifier.Fit(data, labels, train);
            accuracy[f] = classifier.Accuracy(data, labels, test);
        });
        return accuracy.Average();
    }

    /// <summary>The binary classifier: d → h → h → 1 (logistic), ReLU, Glorot-uniform initialisation (scikit-learn's).</summary>
    internal sealed class MlpClassifier
    {
        private readonly Mlp _network;
        private readonly C2stOptions _options;
        private readonly int _dimension;
        private readonly ulong _seed;
        private readonly ulong _fold;

        public MlpClassifier(int dimension, int hidden, C2stOptions options, ulong seed, ulong fold)
        {
            _dimension = dimension;
            _options = options;
            _seed = seed;
            _fold = fold;
            _network = Mlp.Create(dimension, [hidden, hidden], 1, Activation.Relu);
            var stream = RandomStream.For(seed, "c2st.initialise", fold);
            foreach (var layer in _network.Layers)
            {
                var bound = Math.Sqrt(6.0 / (layer.Inputs + layer.Outputs));
                layer.Initialise(ref stream, bound, bound);
            }
        }

        public int Epochs { get; private set; }

        public void Fit(float[] data, float[] labels, int[] rows)
        {
            int d = _dimension, n = rows.Length;
            var batchSize = Math.Min(_options.BatchSize, n);
            var adam = new Adam(_network.Parameters(), _options.LearningRate);
            var stream = RandomStream.For(_seed, "c2st.batches", _fold);
            var order = (int[])rows.Clone();
            var input = new float[batchSize * d];
            var target = new float[batchSize];
            var gradient = new float[batchSize];
            var bestLoss = double.PositiveInfinity;
            var noImprovement = 0;
            for (var epoch = 0; epoch < _options.MaxEpochs; epoch++)
            {
                Sbi.Npe.Shuffle(order, ref stream);
                var accumulated = 0.0;
                for (var start = 0; start < n; start += batchSize)
                {
                    var size = Math.Min(batchSize, n - start);
                    for (var b = 0; b < size; b++)
                    {
                        var row = order[start + b];
                        data.AsSpan(row * d, d).CopyTo(input.AsSpan(b * d, d));
                        target[b] = labels[row];
                    }

                    var output = _network.Forward(input.AsSpan(0, size * d), size);
                    var loss = 0.0;
                    for (var b = 0; b < size; b++)
                    {
                        double z = output[b], y = target[b];

                        // Log loss of the logistic output, written to stay finite for large |z|.
                        loss += Math.Max(z, 0) - (z * y) + Math.Log(1 + Math.Exp(-Math.Abs(z)));
                        gradient[b] = (float)((1.0 / (1.0 + Math.Exp(-z)) - y) / size);
                    }

                    loss /= size;
                    adam.ZeroGradients();
                    _network.Backward(input.AsSpan(0, size * d), gradient.AsSpan(0, size), [], size);
                    var penalty = 0.0;
                    foreach (var layer in _network.Layers)
                    {
                        penalty += TensorPrimitives.Dot(layer.Weights, layer.Weights);
                        TensorPrimitives.MultiplyAdd(layer.Weights, (float)(_options.L2Penalty / size), layer.WeightGradients, layer.WeightGradients);
                    }

                    loss += 0.5 * _options.L2Penalty * penalty / size;
                    accumulated += loss * size;
                    adam.Step();
                }

                Epochs = epoch + 1;
                var epochLoss = accumulated / n;
                noImprovement = epochLoss > bestLoss - _options.Tolerance ? noImprovement + 1 : 0;
                bestLoss = Math.Min(bestLoss, epochLoss);
                if (noImprovement > _options.EpochsWithoutImprovement)
                {
                    break;
                }
            }
        }

        public double Accuracy(float[] data, float[] labels, int[] rows)
        {
            var d = _dimension;
            var input = new float[rows.Length * d];
            for (var i = 0; i < rows.Length; i++)
            {
                data.AsSpan(rows[i] * d, d).CopyTo(input.AsSpan(i * d, d));
            }

            var output = _network.Forward(input, rows.Length);
            var correct = 0;
            for (var i = 0; i < rows.Length; i++)
            {
                var predicted = output[i] > 0f ? 1f : 0f;
                if (predicted == labels[rows[i]])
                {
                    correct++;
                }
            }

            return (double)correct / rows.Length;
        }
    }
}
