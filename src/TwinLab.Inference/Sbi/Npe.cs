using System.Diagnostics;
using TwinLab.Core.Randomness;
using TwinLab.Inference.Neural;

namespace TwinLab.Inference.Sbi;

/// <summary>The conditional density estimator that <see cref="Npe"/> trains.</summary>
public enum DensityEstimator
{
    /// <summary>A masked autoregressive flow: five affine MADE transforms.</summary>
    MaskedAutoregressiveFlow,

    /// <summary>A mixture density network with full-covariance Gaussian components.</summary>
    MixtureDensityNetwork,

    /// <summary>A neural spline flow (the default, as in <c>sbi</c>'s NPE): five rational-quadratic autoregressive
    /// transforms (ten bins on [−3, 3], linear tails).</summary>
    NeuralSplineFlow,
}

/// <summary>Settings of <see cref="Npe"/>; the defaults follow the <c>sbi</c> library's NPE.</summary>
public sealed record NpeOptions
{
    /// <summary>The density estimator.</summary>
    public DensityEstimator Estimator { get; init; } = DensityEstimator.NeuralSplineFlow;

    /// <summary>Hidden units per layer (two hidden layers per network).</summary>
    public int HiddenUnits { get; init; } = 50;

    /// <summary>Autoregressive transforms of the flow.</summary>
    public int Transforms { get; init; } = 5;

    /// <summary>Bins of each rational-quadratic spline of the neural spline flow.</summary>
    public int SplineBins { get; init; } = 10;

    /// <summary>The neural spline flow's splines act on [−B, B] of the standardised θ and are the identity outside.</summary>
    public double SplineBound { get; init; } = 3.0;

    /// <summary>Mixture components of the mixture density network.</summary>
    public int Components { get; init; } = 10;

    /// <summary>Training mini-batch size.</summary>
    public int BatchSize { get; init; } = 50;

    /// <summary>Adam's learning rate.</summary>
    public double LearningRate { get; init; } = 5e-4;

    /// <summary>The fraction of simulations held out to decide when to stop.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Stop after this many epochs without a better validation loss (the best network is kept).</summary>
    public int StopAfterEpochs { get; init; } = 20;

    /// <summary>The most epochs to train.</summary>
    public int MaxEpochs { get; init; } = 1000;

    /// <summary>Gradients are rescaled when their global norm exceeds this.</summary>
    public double ClipNorm { get; init; } = 5.0;

    internal void Validate()
    {
        if (HiddenUnits < 1 || Transforms < 1 || Components < 1 || BatchSize < 1 || StopAfterEpochs < 1 || MaxEpochs < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(NpeOptions), "NpeOptions: hidden units, transforms, components, batch size, patience and maximum epochs must all be at least 1.");
        }

        if (!(LearningRate > 0) || !(ValidationFraction > 0 && ValidationFraction < 1) || !(ClipNorm > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(NpeOptions), "NpeOptions: the learning rate and clip norm must be positive and the validation fraction in (0, 1).");
        }

        if (SplineBins < 2 || !(SplineBound > 0) || !double.IsFinite(SplineBound))
        {
            throw new ArgumentOutOfRangeException(nameof(NpeOptions), "NpeOptions: a spline needs at least 2 bins and a finite, positive bound B.");
        }

        if (!Enum.IsDefined(Estimator))
        {
            throw new ArgumentOutOfRangeException(nameof(NpeOptions), $"NpeOptions: unknown estimator {Estimator}.");
        }
    }
}

/// <summary>What happened during training.</summary>
/// <param name="Simulations">Simulations run (or given).</param>
/// <param name="ExcludedNonFinite">Simulations dropped for a NaN or infinite x (or θ).</param>
/// <param name="TrainingCount">Pairs used to fit.</param>
/// <param name="ValidationCount">Pairs held out.</param>
/// <param name="Epochs">Epochs run.</param>
/// <param name="BestEpoch">The epoch whose network was kept (1-based).</param>
/// <param name="TrainingLoss">Mean −ln q per epoch on the training pairs (standardised θ).</param>
/// <param name="ValidationLoss">Mean −ln q per epoch on the held-out pairs (standardised θ).</param>
/// <param name="Elapsed">Wall-clock training time (simulation excluded).</param>
public sealed record NpeTrainingReport(int Simulations, int ExcludedNonFinite, int TrainingCount, int ValidationCount, int Epochs, int BestEpoch,
    IReadOnlyList<double> TrainingLoss, IReadOnlyList<double> ValidationLoss, TimeSpan Elapsed);

/// <summary>
/// Neural posterior estimation (Papamakarios and Murray 2016; Greenberg et al. 2019, single round): draws θ from the
/// prior, simulates x, and fits a conditional density q(θ | x) by maximum likelihood — the amortised posterior.
/// <code>var posterior = new Npe(prior, simulator).Train(10_000, seed: 1);
/// var samples = posterior.Sample(xObserved, 10_000, seed: 2);</code>
/// θ and x are z-scored (each column by its training mean and standard deviation), 10 % of the pairs are held out,
/// training stops 20 epochs after the last improvement of the held-out loss and keeps the best network; NaN or
/// infinite simulations are excluded and counted. Training is single-threaded, so it is bitwise reproducible.
/// </summary>
public sealed class Npe
{
    private readonly ParameterPrior _prior;
    private readonly Simulator? _simulator;
    private readonly NpeOptions _options;

    /// <summary>Creates the method for a prior and a simulator.</summary>
    /// <param name="prior">The prior.</param>
    /// <param name="simulator">The simulator.</param>
    /// <param name="options">Settings (null: the defaults).</param>
    public Npe(ParameterPrior prior, Simulator simulator, NpeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(simulator);
        _prior = prior;
        _simulator = simulator;
        _options = options ?? new NpeOptions();
        _options.Validate();
    }

    /// <summary>Creates the method for a prior only; train it with <see cref="Train(SimulationSet, ulong)"/>.</summary>
    /// <param name="prior">The prior.</param>
    /// <param name="options">Settings (null: the defaults).</param>
    public Npe(ParameterPrior prior, NpeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(prior);
        _prior = prior;
        _options = options ?? new NpeOptions();
        _options.Validate();
    }

    /// <summary>Simulates <paramref name="budget"/> pairs and trains on them.</summary>
    /// <param name="budget">The number of simulations.</param>
    /// <param name="seed">The seed (simulations and training).</param>
    /// <returns>The posterior estimate.</returns>
    /// <exception cref="InvalidOperationException">The method was created without a simulator.</exception>
    public NpePosterior Train(int budget, ulong seed)
    {
        if (_simulator is null)
        {
            throw new InvalidOperationException("This Npe has no simulator: create it with new Npe(prior, simulator), or call Train(simulationSet, seed).");
        }

        return Train(SimulationSet.Simulate(_prior, _simulator, budget, seed), seed);
    }

    /// <summary>Trains on given simulations.</summary>
    /// <param name="simulations">The pairs.</param>
    /// <param name="seed">The seed (initialisation, split, batches).</param>
    /// <returns>The posterior estimate.</returns>
    /// <exception cref="ArgumentException">Fewer than 10 usable pairs, or the columns do not match the prior.</exception>
    public NpePosterior Train(SimulationSet simulations, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(simulations);
        if (simulations.ParameterNames.Count != _prior.Dimension)
        {
            throw new ArgumentException($"The simulations have {simulations.ParameterNames.Count} parameter columns but the prior has {_prior.Dimension}.", nameof(simulations));
        }

        var n = simulations.Count;
        if (n < 10)
        {
            throw new ArgumentException($"Only {n} usable simulations ({simulations.ExcludedNonFinite} excluded as non-finite); NPE needs at least 10 — raise the budget.", nameof(simulations));
        }

        var watch = Stopwatch.StartNew();
        int d = _prior.Dimension, m = simulations.DataNames.Count;
        var thetaScaler = Standardizer.Fit(simulations.Parameters, d);
        var dataScaler = Standardizer.Fit(simulations.Data, m);
        var theta = thetaScaler.TransformToSingle(simulations.Parameters);
        var data = dataScaler.TransformToSingle(simulations.Data);

        var stream = RandomStream.For(seed, "npe.train");
        var order = Permutation(n, ref stream);
        var validationCount = Math.Max(1, (int)Math.Round(n * _options.ValidationFraction));
        var trainCount = n - validationCount;
        var trainIndex = order[..trainCount];
        var validationIndex = order[trainCount..];
        var validationTheta = Gather(theta, validationIndex, d);
        var validationData = Gather(data, validationIndex, m);

        var initStream = RandomStream.For(seed, "npe.initialise");
        ConditionalDensityEstimator estimator = _options.Estimator switch
        {
            DensityEstimator.MaskedAutoregressiveFlow => new MaskedAutoregressiveFlow(d, m, _options.Transforms, _options.HiddenUnits, ref initStream),
            DensityEstimator.NeuralSplineFlow => new NeuralSplineFlow(d, m, _options.Transforms, _options.HiddenUnits, _options.SplineBins, _options.SplineBound, ref initStream),
            _ => new MixtureDensityNetwork(d, m, _options.Components, _options.HiddenUnits, ref initStream),
        };
        var adam = new Adam(estimator.Parameters(), _options.LearningRate) { ClipNorm = _options.ClipNorm };
        var sharded = new ShardedTraining(estimator);

        var batchSize = Math.Min(_options.BatchSize, trainCount);
        var batchTheta = new float[batchSize * d];
        var batchData = new float[batchSize * m];
        var trainingLoss = new List<double>();
        var validationLoss = new List<double>();
        var best = double.PositiveInfinity;
        var bestEpoch = 0;
        var bestSnapshot = estimator.Snapshot();
        var validationLogProb = new double[validationCount];
        for (var epoch = 1; epoch <= _options.MaxEpochs; epoch++)
        {
            Shuffle(trainIndex, ref stream);
            var sum = 0.0;
            for (var start = 0; start < trainCount; start += batchSize)
            {
                var size = Math.Min(batchSize, trainCount - start);
                for (var b = 0; b < size; b++)
                {
                    var row = trainIndex[start + b];
                    theta.AsSpan(row * d, d).CopyTo(batchTheta.AsSpan(b * d, d));
                    data.AsSpan(row * m, m).CopyTo(batchData.AsSpan(b * m, m));
                }

                adam.ZeroGradients();
                var loss = sharded.LossAndGradient(batchTheta, batchData, size);
                if (!double.IsFinite(loss))
                {
                    throw new InvalidOperationException($"NPE training diverged in epoch {epoch} (loss {loss}); lower the learning rate or check the simulations for extreme values.");
                }

                sum += loss * size;
                adam.Step();
            }

            trainingLoss.Add(sum / trainCount);
            sharded.LogProb(validationTheta, validationData, validationCount, validationLogProb);
            var validation = -validationLogProb.Average();
            validationLoss.Add(validation);
            if (validation < best)
            {
                best = validation;
                bestEpoch = epoch;
                bestSnapshot = estimator.Snapshot();
            }
            else if (epoch - bestEpoch >= _options.StopAfterEpochs)
            {
                break;
            }
        }

        estimator.Restore(bestSnapshot);
        watch.Stop();
        var report = new NpeTrainingReport(n + simulations.ExcludedNonFinite, simulations.ExcludedNonFinite, trainCount, validationCount,
            trainingLoss.Count, bestEpoch, trainingLoss, validationLoss, watch.Elapsed);
        return new NpePosterior(_prior, simulations.DataNames, estimator, thetaScaler, dataScaler, report);
    }

    internal static int[] Permutation(int n, ref RandomStream stream)
    {
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }

        Shuffle(order, ref stream);
        return order;
    }

    internal static void Shuffle(Span<int> values, ref RandomStream stream)
    {
        for (var i = values.Length - 1; i > 0; i--)
        {
            var j = (int)stream.NextUInt32((uint)(i + 1));
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    private static float[] Gather(float[] rows, int[] index, int width)
    {
        var result = new float[index.Length * width];
        for (var i = 0; i < index.Length; i++)
        {
            rows.AsSpan(index[i] * width, width).CopyTo(result.AsSpan(i * width, width));
        }

        return result;
    }
}
