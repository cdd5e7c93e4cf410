using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using TwinLab.Core.Distributions;
using TwinLab.Core.Modelling;
using TwinLab.Core.Randomness;
using TwinLab.Simulation;
using TwinLab.Simulation.Ensembles;
using TwinLab.Twins.Monitoring;

namespace TwinLab.Twins;

/// <summary>
/// A digital twin anchored to one patient: a model, a particle ensemble of its uncertain parameters (a prior, or the
/// posterior of a calibration passed in as samples) with each particle's current state, and the observations so far.
/// <see cref="Assimilate(Observation)"/> re-anchors it on a new measurement with an ensemble Kalman filter or a particle
/// filter and returns a new twin (twins are immutable), so the history of a patient is a chain of twins.
/// <see cref="Forecast"/> and <see cref="Counterfactual"/> run the particles forward as an ensemble of virtual patients.
/// </summary>
public sealed partial class Twin
{
    private readonly double[,] _parameters;   // particle × model parameter (full vectors)
    private readonly double[,] _states;       // particle × state, at Time
    private readonly double[] _weights;
    private readonly bool[] _logScale;         // per estimated parameter

    private Twin(Model model, TwinOptions options, string[] estimated, bool[] logScale, double time, double[,] parameters,
        double[,] states, double[] weights, IReadOnlyList<Observation> observations, IReadOnlyList<AssimilationRecord> records,
        IReadOnlyList<RecalibrationTrigger> triggers, double logMarginalLikelihood, IReadOnlyList<string> invalidContexts)
    {
        Model = model;
        Options = options;
        Estimated = estimated;
        _logScale = logScale;
        Time = time;
        _parameters = parameters;
        _states = states;
        _weights = weights;
        Observations = observations;
        Records = records;
        Triggers = triggers;
        LogMarginalLikelihood = logMarginalLikelihood;
        InvalidContexts = invalidContexts;
    }

    /// <summary>A twin whose uncertain parameters are drawn from a prior (<paramref name="particles"/> draws, seeded by
    /// <see cref="TwinOptions.Seed"/>).</summary>
    /// <param name="model">The model.</param>
    /// <param name="prior">The prior of the parameters to estimate (names of model parameters).</param>
    /// <param name="particles">The ensemble size.</param>
    /// <param name="options">Settings.</param>
    public static Twin FromPrior(Model model, JointPrior prior, int particles, TwinOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(prior);
        return FromParticles(model, ParticleEnsemble.FromPrior(prior, particles, options.Seed), options.Prior is null ? options with { Prior = prior } : options);
    }

    /// <summary>A twin from weighted parameter samples, e.g. the posterior of a calibration on earlier data or a
    /// population posterior.</summary>
    /// <param name="model">The model.</param>
    /// <param name="particles">The samples (names of model parameters).</param>
    /// <param name="options">Settings.</param>
    /// <exception cref="ArgumentException">A name that is not a parameter of the model, a fixed parameter that is also
    /// estimated, infusions among the treatments, or invalid options.</exception>
    public static Twin FromParticles(Model model, ParticleEnsemble particles, TwinOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(particles);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        foreach (var t in options.Treatments ?? model.Treatments)
        {
            if (t is not Bolus)
            {
                throw new ArgumentException($"The treatment '{t.Name}' is an infusion; twins re-start the model at every observation and support bolus doses only. Give the infusion as a series of boluses.", nameof(options));
            }
        }
        foreach (var (name, _) in options.Noise)
        {
            if (!model.States.Any(s => s.Name == name) && !model.Observables.Any(o => o.Name == name))
            {
                throw new ArgumentException($"The noise model '{name}' names no state or observable of model '{model.Name}'.", nameof(options));
            }
        }
        if (options.Method == AssimilationMethod.ParticleFilter && options.Rejuvenation == RejuvenationMove.MetropolisHastings)
        {
            var prior = options.Prior ?? throw new ArgumentException(
                "Metropolis–Hastings rejuvenation needs the prior density: create the twin with Twin.FromPrior or set TwinOptions.Prior.", nameof(options));
            if (prior.Dimension != particles.Names.Count || particles.Names.Any(name => prior.IndexOf(name) < 0))
            {
                throw new ArgumentException($"TwinOptions.Prior covers {string.Join(", ", prior.Names)}; it must cover exactly the estimated parameters {string.Join(", ", particles.Names)}.", nameof(options));
            }
        }
        var n = particles.Count;
        var estimatedIndex = new int[particles.Names.Count];
        for (var j = 0; j < estimatedIndex.Length; j++)
        {
            try
            {
                estimatedIndex[j] = model.ParameterIndex(particles.Names[j]);
            }
            catch (KeyNotFoundException e)
            {
                throw new ArgumentException(e.Message, nameof(particles), e);
            }
            if (options.FixedParameters.ContainsKey(particles.Names[j]))
            {
                throw new ArgumentException($"'{particles.Names[j]}' is both estimated and fixed; remove it from FixedParameters.", nameof(options));
            }
        }
        double[] nominal;
        try
        {
            nominal = model.ParameterValues(options.FixedParameters);
        }
        catch (KeyNotFoundException e)
        {
            throw new ArgumentException(e.Message, nameof(options), e);
        }
        var parameters = new double[n, nominal.Length];
        var states = new double[n, model.States.Count];
        var row = new double[nominal.Length];
        for (var i = 0; i < n; i++)
        {
            nominal.CopyTo(row, 0);
            for (var j = 0; j < estimatedIndex.Length; j++)
            {
                row[estimatedIndex[j]] = particles[i, j];
            }
            var initial = model.Compiled.Initial(row);
            for (var p = 0; p < row.Length; p++)
            {
                parameters[i, p] = row[p];
            }
            for (var s = 0; s < initial.Length; s++)
            {
                states[i, s] = initial[s];
            }
        }
        return new Twin(model, options, [.. particles.Names], [.. particles.LogScale], options.StartTime, parameters, states,
            [.. particles.Weights], [], [], [], 0.0, []);
    }

    /// <summary>The model.</summary>
    public Model Model { get; }

    /// <summary>The settings.</summary>
    public TwinOptions Options { get; }

    /// <summary>The names of the estimated parameters.</summary>
    public IReadOnlyList<string> Estimated { get; }

    /// <summary>The time the twin's states refer to (the last observation's, or the start).</summary>
    public double Time { get; }

    /// <summary>The number of particles.</summary>
    public int Count => _weights.Length;

    /// <summary>The observations assimilated so far, in order.</summary>
    public IReadOnlyList<Observation> Observations { get; }

    /// <summary>What each assimilation did.</summary>
    public IReadOnlyList<AssimilationRecord> Records { get; }

    /// <summary>Every recalibration trigger that fired, with its evidence.</summary>
    public IReadOnlyList<RecalibrationTrigger> Triggers { get; }

    /// <summary>The contexts of use for which the twin is invalid (a recalibration overran their decision window).</summary>
    public IReadOnlyList<string> InvalidContexts { get; }

    /// <summary>log p(y₁…yₖ): the sum of the assimilation records' increments.</summary>
    public double LogMarginalLikelihood { get; }

    /// <summary>The current posterior of the estimated parameters as a weighted particle ensemble (what a later twin or
    /// calibration can start from).</summary>
    public ParticleEnsemble Posterior
    {
        get
        {
            var values = new double[Count, Estimated.Count];
            for (var j = 0; j < Estimated.Count; j++)
            {
                var p = Model.ParameterIndex(Estimated[j]);
                for (var i = 0; i < Count; i++)
                {
                    values[i, j] = _parameters[i, p];
                }
            }
            return new ParticleEnsemble(Estimated, values, _weights, _logScale);
        }
    }

    /// <summary>The effective sample size of the current weights.</summary>
    public double EffectiveSampleSize => 1.0 / _weights.Sum(w => w * w);

    /// <summary>The particles' current values of a state (at <see cref="Time"/>).</summary>
    /// <param name="name">The state.</param>
    public double[] StateValues(string name)
    {
        var s = Model.StateIndex(name);
        var result = new double[Count];
        for (var i = 0; i < Count; i++)
        {
            result[i] = _states[i, s];
        }
        return result;
    }

    /// <summary>The particles' current weights.</summary>
    public IReadOnlyList<double> Weights => _weights;

    /// <summary>The weighted mean of a state or estimated parameter at <see cref="Time"/>.</summary>
    /// <param name="name">A state or an estimated parameter.</param>
    public double Mean(string name) => WeightedStatistics.Mean(Values(name), _weights);

    /// <summary>The weighted variance of a state or estimated parameter at <see cref="Time"/>.</summary>
    /// <param name="name">A state or an estimated parameter.</param>
    public double Variance(string name) => WeightedStatistics.Variance(Values(name), _weights);

    private double[] Values(string name)
    {
        if (Model.States.Any(s => s.Name == name))
        {
            return StateValues(name);
        }
        var p = Model.ParameterIndex(name);
        var result = new double[Count];
        for (var i = 0; i < Count; i++)
        {
            result[i] = _parameters[i, p];
        }
        return result;
    }

    /// <summary>Assimilates several observations in time order (observations at the same time one after the other,
    /// which is exact for independent measurement errors).</summary>
    /// <param name="observations">The observations.</param>
    public Twin Assimilate(IEnumerable<Observation> observations)
    {
        ArgumentNullException.ThrowIfNull(observations);
        var twin = this;
        foreach (var o in observations)
        {
            twin = twin.Assimilate(o);
        }
        return twin;
    }

    /// <summary>Moves the particles to the observation's time and updates them with the filter of
    /// <see cref="TwinOptions.Method"/>; fires a coverage trigger when the measurement lies outside the forecast's
    /// central interval and a low-confidence trigger when a parameter leaves its plausible bounds.</summary>
    /// <param name="observation">The measurement.</param>
    /// <returns>The updated twin (this one is unchanged).</returns>
    /// <exception cref="ArgumentException">The observation is before <see cref="Time"/>, not finite, or of a quantity
    /// with no noise model.</exception>
    public Twin Assimilate(Observation observation)
    {
        ArgumentNullException.ThrowIfNull(observation);
        if (!double.IsFinite(observation.Time) || observation.Time < Time)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The observation at t={observation.Time} is before the twin's time {Time}; assimilate observations in time order."), nameof(observation));
        }
        if (!double.IsFinite(observation.Value))
        {
            throw new ArgumentException($"The observation {observation} is not finite.", nameof(observation));
        }
        if (!Options.Noise.TryGetValue(observation.Name, out var noise))
        {
            throw new ArgumentException($"No noise model is given for '{observation.Name}'; add one to TwinOptions.Noise (known: {string.Join(", ", Options.Noise.Keys)}).", nameof(observation));
        }
        if (noise.Scale == NoiseScale.Logarithmic && !(observation.Value > 0))
        {
            throw new ArgumentException($"The observation {observation} is not positive, but its error model is on the log scale.", nameof(observation));
        }
        var step = Observations.Count;
        var n = Count;
        var parameters = (double[,])_parameters.Clone();
        var weights = (double[])_weights.Clone();
        double[,] states;
        var failed = 0;
        if (observation.Time > Time)
        {
            var run = Propagator.Run(this, Time, observation.Time, [observation.Time], Options.Treatments ?? Model.Treatments, null);
            states = new double[n, Model.States.Count];
            for (var i = 0; i < n; i++)
            {
                if (!run.Succeeded[i])
                {
                    failed++;
                    weights[i] = 0;
                }
                for (var s = 0; s < Model.States.Count; s++)
                {
                    states[i, s] = run.Succeeded[i] ? run.States[i][0, s] : _states[i, s];
                }
            }
            if (failed == n)
            {
                throw new InvalidOperationException($"Every particle's trajectory failed between t={Time} and t={observation.Time}; check the model and the parameter ranges.");
            }
            Normalise(weights);
        }
        else
        {
            states = (double[,])_states.Clone();
        }

        // The one-step-ahead predictive distribution of the measurement: a mixture of N(h_i, σ²) on the noise scale.
        var h = new double[n];
        var measured = MeasuredValues(observation.Name, observation.Time, states, parameters);
        for (var i = 0; i < n; i++)
        {
            h[i] = weights[i] > 0 ? noise.Transform(measured[i]) : 0.0;
            if (weights[i] > 0 && !double.IsFinite(h[i]))
            {
                throw new InvalidOperationException($"Particle {i} predicts {measured[i]} for '{observation.Name}', which its log-scale noise model cannot take; use natural-scale noise.");
            }
        }
        var y = noise.Transform(observation.Value);
        var sigma = noise.StandardDeviation;
        var pit = 0.0;
        var predictiveMean = 0.0;
        for (var i = 0; i < n; i++)
        {
            pit += weights[i] * StandardNormalCdf((y - h[i]) / sigma);
            predictiveMean += weights[i] * h[i];
        }
        var alpha = 1 - Options.IntervalLevel;
        var (lower, upper) = MixtureInterval(h, weights, sigma, alpha);

        var record = Options.Method == AssimilationMethod.EnsembleKalmanFilter
            ? EnsembleKalmanUpdate(step, observation, noise, y, h, parameters, states, ref weights)
            : ParticleUpdate(step, observation, noise, parameters, states, ref weights, measured);
        record = record with
        {
            PredictiveMean = noise.InverseTransform(predictiveMean),
            PredictiveLower = noise.InverseTransform(lower),
            PredictiveUpper = noise.InverseTransform(upper),
            ProbabilityIntegralTransform = pit,
            FailedTrajectories = failed,
        };

        var triggers = new List<RecalibrationTrigger>(Triggers);
        if (pit < alpha / 2 || pit > 1 - (alpha / 2))
        {
            triggers.Add(new RecalibrationTrigger(TriggerKind.ObservationOutsideForecast, observation.Time,
                string.Create(CultureInfo.InvariantCulture,
                    $"{observation} lies outside the {Options.IntervalLevel:P0} forecast interval [{record.PredictiveLower:G4}, {record.PredictiveUpper:G4}] (PIT {pit:G3}); recalibrate or review the model."),
                new Dictionary<string, double>
                {
                    ["value"] = observation.Value, ["lower"] = record.PredictiveLower, ["upper"] = record.PredictiveUpper, ["pit"] = pit,
                }));
        }
        var next = new Twin(Model, Options, [.. Estimated], _logScale, observation.Time, parameters, states, weights,
            [.. Observations, observation], [.. Records, record], triggers, LogMarginalLikelihood + record.LogLikelihoodIncrement, InvalidContexts);
        var outOfRange = next.CheckPlausibleRanges();
        return outOfRange.Count == 0
            ? next
            : new Twin(Model, Options, [.. Estimated], _logScale, observation.Time, parameters, states, weights,
                next.Observations, next.Records, [.. triggers, .. outOfRange], next.LogMarginalLikelihood, InvalidContexts);
    }

    /// <summary>Records the wall time of a recalibration against the decision window of a context of use; when it
    /// overran, a timeliness trigger fires and the twin is marked invalid for that context.</summary>
    /// <param name="contextOfUse">The decision the twin supports (e.g. "dose adjustment at the next visit").</param>
    /// <param name="recalibrationTime">How long the recalibration took.</param>
    /// <param name="decisionWindow">How long the decision can wait.</param>
    public Twin RecordRecalibration(string contextOfUse, TimeSpan recalibrationTime, TimeSpan decisionWindow)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contextOfUse);
        if (recalibrationTime < TimeSpan.Zero || decisionWindow <= TimeSpan.Zero)
        {
            throw new ArgumentException("The recalibration time must be non-negative and the decision window positive.");
        }
        if (recalibrationTime <= decisionWindow)
        {
            return this;
        }
        var trigger = new RecalibrationTrigger(TriggerKind.Timeliness, Time,
            string.Create(CultureInfo.InvariantCulture,
                $"Recalibration took {recalibrationTime.TotalSeconds:G4} s, longer than the {decisionWindow.TotalSeconds:G4} s decision window of '{contextOfUse}': the twin is invalid for that context of use."),
            new Dictionary<string, double> { ["recalibrationSeconds"] = recalibrationTime.TotalSeconds, ["windowSeconds"] = decisionWindow.TotalSeconds });
        return new Twin(Model, Options, [.. Estimated], _logScale, Time, _parameters, _states, _weights, Observations, Records,
            [.. Triggers, trigger], LogMarginalLikelihood, [.. InvalidContexts, contextOfUse]);
    }

    private List<RecalibrationTrigger> CheckPlausibleRanges()
    {
        var result = new List<RecalibrationTrigger>();
        foreach (var name in Estimated)
        {
            var p = Model.Parameters[Model.ParameterIndex(name)];
            var outside = 0.0;
            var values = Values(name);
            for (var i = 0; i < Count; i++)
            {
                if (values[i] < p.Lower || values[i] > p.Upper)
                {
                    outside += _weights[i];
                }
            }
            if (outside > Options.OutOfRangeTolerance)
            {
                result.Add(new RecalibrationTrigger(TriggerKind.ParameterOutOfRange, Time,
                    string.Create(CultureInfo.InvariantCulture,
                        $"{outside:P1} of the posterior of '{name}' lies outside its plausible range [{p.Lower:G4}, {p.Upper:G4}] (posterior mean {Mean(name):G4}): the twin is low-confidence; nothing is forced back into range."),
                    new Dictionary<string, double> { ["shareOutside"] = outside, ["lower"] = p.Lower, ["upper"] = p.Upper, ["mean"] = Mean(name) }));
            }
        }
        return result;
    }

    private AssimilationRecord EnsembleKalmanUpdate(int step, Observation observation, GaussianNoise noise, double y, double[] h,
        double[,] parameters, double[,] states, ref double[] weights)
    {
        var n = Count;
        var resampled = false;
        var first = weights[0];
        if (weights.Any(w => w != first))
        {
            // The EnKF treats members as equally likely: resample weighted particles first.
            var u = RandomStream.For(Options.Seed, $"twin.enkf.resample.{step}", 0).NextDouble();
            var index = WeightedStatistics.Systematic(weights, u);
            Reorder(parameters, states, index);
            h = [.. index.Select(i => h[i])];
            weights = Enumerable.Repeat(1.0 / n, n).ToArray();
            resampled = true;
        }
        var layout = Augmented.Create(this, states);
        var z = layout.Pack(parameters, states);
        var d = layout.Dimension;
        var hMean = h.Average();
        var hVar = 0.0;
        for (var i = 0; i < n; i++)
        {
            hVar += (h[i] - hMean) * (h[i] - hMean);
        }
        hVar /= n - 1;
        var cov = new double[d];
        var zMean = new double[d];
        for (var j = 0; j < d; j++)
        {
            for (var i = 0; i < n; i++)
            {
                zMean[j] += z[i, j];
            }
            zMean[j] /= n;
            for (var i = 0; i < n; i++)
            {
                cov[j] += (z[i, j] - zMean[j]) * (h[i] - hMean);
            }
            cov[j] /= n - 1;
        }
        var r = noise.StandardDeviation * noise.StandardDeviation;
        var innovationVariance = hVar + r;
        for (var i = 0; i < n; i++)
        {
            var stream = RandomStream.For(Options.Seed, $"twin.enkf.{step}", (ulong)i);
            var innovation = y + (noise.StandardDeviation * stream.NextNormal()) - h[i];
            for (var j = 0; j < d; j++)
            {
                z[i, j] += cov[j] / innovationVariance * innovation;
            }
        }
        var zeroed = layout.Unpack(z, parameters, states);
        var logLikelihood = (-0.5 * (y - hMean) * (y - hMean) / innovationVariance) - (0.5 * Math.Log(2 * Math.PI * innovationVariance));
        return new AssimilationRecord(step, observation, AssimilationMethod.EnsembleKalmanFilter, 0, 0, 0, 0, logLikelihood, n, resampled, 0, zeroed);
    }

    private AssimilationRecord ParticleUpdate(int step, Observation observation, GaussianNoise noise, double[,] parameters,
        double[,] states, ref double[] weights, double[] measured)
    {
        var n = Count;
        var logw = new double[n];
        var max = double.NegativeInfinity;
        for (var i = 0; i < n; i++)
        {
            logw[i] = weights[i] > 0 ? Math.Log(weights[i]) + noise.LogLikelihood(observation.Value, measured[i]) : double.NegativeInfinity;
            max = Math.Max(max, logw[i]);
        }
        if (double.IsNegativeInfinity(max))
        {
            throw new InvalidOperationException($"No particle can produce {observation}: every likelihood is zero. Widen the prior or the noise model.");
        }
        var sum = 0.0;
        for (var i = 0; i < n; i++)
        {
            weights[i] = Math.Exp(logw[i] - max);
            sum += weights[i];
        }
        var logLikelihood = max + Math.Log(sum);
        Normalise(weights);
        var ess = 1.0 / weights.Sum(w => w * w);
        var resampled = false;
        var zeroed = 0;
        if (ess < Options.ResampleThreshold * n)
        {
            var layout = Augmented.Create(this, states);
            var z = layout.Pack(parameters, states);
            var d = layout.Dimension;
            // Weighted mean and covariance before resampling: the Liu–West kernel keeps them.
            var mean = new double[d];
            for (var j = 0; j < d; j++)
            {
                for (var i = 0; i < n; i++)
                {
                    mean[j] += weights[i] * z[i, j];
                }
            }
            var covariance = Matrix<double>.Build.Dense(d, d);
            for (var a = 0; a < d; a++)
            {
                for (var b = 0; b <= a; b++)
                {
                    var c = 0.0;
                    for (var i = 0; i < n; i++)
                    {
                        c += weights[i] * (z[i, a] - mean[a]) * (z[i, b] - mean[b]);
                    }
                    covariance[a, b] = c;
                    covariance[b, a] = c;
                }
            }
            var u = RandomStream.For(Options.Seed, $"twin.resample.{step}", 0).NextDouble();
            var index = WeightedStatistics.Systematic(weights, u);
            Reorder(parameters, states, index);
            var zr = new double[n, d];
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < d; j++)
                {
                    zr[i, j] = z[index[i], j];
                }
            }
            if (Options.Rejuvenation == RejuvenationMove.MetropolisHastings)
            {
                Array.Fill(weights, 1.0 / n);
                var (acceptance, moveFailures) = MetropolisMove(step, [.. Observations, observation], parameters, states);
                return new AssimilationRecord(step, observation, AssimilationMethod.ParticleFilter, 0, 0, 0, 0, logLikelihood, ess, true, 0, 0)
                {
                    MoveAcceptance = acceptance,
                    MoveFailedTrajectories = moveFailures,
                };
            }
            if (Options.LiuWestDiscount < 1)
            {
                var delta = Options.LiuWestDiscount;
                var shrink = ((3 * delta) - 1) / (2 * delta);
                var spread = Math.Sqrt(1 - (shrink * shrink));
                // A square root of the (possibly singular) covariance from its eigen-decomposition.
                var evd = covariance.Evd(Symmetricity.Symmetric);
                var root = Matrix<double>.Build.Dense(d, d);
                for (var k = 0; k < d; k++)
                {
                    var lambda = Math.Max(evd.EigenValues[k].Real, 0);
                    for (var a = 0; a < d; a++)
                    {
                        root[a, k] = evd.EigenVectors[a, k] * Math.Sqrt(lambda);
                    }
                }
                var xi = new double[d];
                for (var i = 0; i < n; i++)
                {
                    var stream = RandomStream.For(Options.Seed, $"twin.rejuvenate.{step}", (ulong)i);
                    stream.FillNormal(xi);
                    for (var a = 0; a < d; a++)
                    {
                        var noiseTerm = 0.0;
                        for (var k = 0; k < d; k++)
                        {
                            noiseTerm += root[a, k] * xi[k];
                        }
                        zr[i, a] = (shrink * zr[i, a]) + ((1 - shrink) * mean[a]) + (spread * noiseTerm);
                    }
                }
            }
            zeroed = layout.Unpack(zr, parameters, states);
            Array.Fill(weights, 1.0 / n);
            resampled = true;
        }
        return new AssimilationRecord(step, observation, AssimilationMethod.ParticleFilter, 0, 0, 0, 0, logLikelihood, ess, resampled, 0, zeroed);
    }

    /// <summary>Resample-move rejuvenation: <see cref="TwinOptions.MetropolisSteps"/> random-walk Metropolis–Hastings
    /// steps per particle targeting prior(θ) Πⱼ p(yⱼ | θ), each proposal solved from the start time through every
    /// observation so far. Proposal i of move m at step k uses the stream (seed, "twin.move.k.m", i).</summary>
    private (double Acceptance, int Failed) MetropolisMove(int step, IReadOnlyList<Observation> observations, double[,] parameters, double[,] states)
    {
        var prior = Options.Prior!;
        var n = Count;
        var d = Estimated.Count;
        var index = Estimated.Select(Model.ParameterIndex).ToArray();
        var priorIndex = Estimated.Select(prior.IndexOf).ToArray();
        // The particles on the filter's scale, and their covariance (equal weights after resampling).
        var u = new double[n, d];
        var mean = new double[d];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < d; j++)
            {
                u[i, j] = _logScale[j] ? Math.Log(parameters[i, index[j]]) : parameters[i, index[j]];
                mean[j] += u[i, j] / n;
            }
        }
        var covariance = Matrix<double>.Build.Dense(d, d);
        for (var a = 0; a < d; a++)
        {
            for (var b = 0; b <= a; b++)
            {
                var c = 0.0;
                for (var i = 0; i < n; i++)
                {
                    c += (u[i, a] - mean[a]) * (u[i, b] - mean[b]);
                }
                covariance[a, b] = covariance[b, a] = c / (n - 1);
            }
        }
        var scale = 2.38 / Math.Sqrt(d);
        var evd = covariance.Evd(Symmetricity.Symmetric);
        var root = Matrix<double>.Build.Dense(d, d);
        for (var k = 0; k < d; k++)
        {
            var lambda = Math.Max(evd.EigenValues[k].Real, 0);
            for (var a = 0; a < d; a++)
            {
                root[a, k] = scale * evd.EigenVectors[a, k] * Math.Sqrt(lambda);
            }
        }
        var (current, _, _) = LogTarget(prior, index, priorIndex, observations, parameters);
        var accepted = 0;
        var failed = 0;
        var xi = new double[d];
        var theta = new double[d];
        for (var m = 0; m < Options.MetropolisSteps; m++)
        {
            var proposal = (double[,])parameters.Clone();
            var uniforms = new double[n];
            for (var i = 0; i < n; i++)
            {
                var stream = RandomStream.For(Options.Seed, $"twin.move.{step}.{m}", (ulong)i);
                stream.FillNormal(xi);
                uniforms[i] = stream.NextDouble();
                for (var a = 0; a < d; a++)
                {
                    var v = 0.0;
                    for (var k = 0; k < d; k++)
                    {
                        v += root[a, k] * xi[k];
                    }
                    v += u[i, a];
                    proposal[i, index[a]] = _logScale[a] ? Math.Exp(v) : v;
                    theta[a] = v;
                }
            }
            var (target, endStates, failedNow) = LogTarget(prior, index, priorIndex, observations, proposal);
            failed += failedNow;
            for (var i = 0; i < n; i++)
            {
                if (double.IsNegativeInfinity(target[i]) || !(Math.Log(uniforms[i]) < target[i] - current[i]))
                {
                    continue;
                }
                accepted++;
                current[i] = target[i];
                for (var a = 0; a < d; a++)
                {
                    parameters[i, index[a]] = proposal[i, index[a]];
                    u[i, a] = _logScale[a] ? Math.Log(proposal[i, index[a]]) : proposal[i, index[a]];
                }
                for (var s = 0; s < Model.States.Count; s++)
                {
                    states[i, s] = endStates[i, s];
                }
            }
        }
        return ((double)accepted / (n * Options.MetropolisSteps), failed);
    }

    /// <summary>log prior + log likelihood of every observation + the log Jacobian of the log scale, for each row of
    /// <paramref name="parameters"/>, by solving from the start time observation after observation exactly as the
    /// filter does (doses in [tₖ, tₖ₊₁)); also the states at the last observation and the failed trajectories.</summary>
    private (double[] LogTarget, double[,] States, int Failed) LogTarget(JointPrior prior, int[] index, int[] priorIndex,
        IReadOnlyList<Observation> observations, double[,] parameters)
    {
        var n = Count;
        var d = index.Length;
        var target = new double[n];
        var values = new double[d];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < d; j++)
            {
                values[priorIndex[j]] = parameters[i, index[j]];
            }
            target[i] = prior.LogDensity(values);
            for (var j = 0; j < d; j++)
            {
                target[i] += _logScale[j] ? Math.Log(parameters[i, index[j]]) : 0;
            }
        }
        var states = new double[n, Model.States.Count];
        var row = new double[parameters.GetLength(1)];
        for (var i = 0; i < n; i++)
        {
            for (var p = 0; p < row.Length; p++)
            {
                row[p] = parameters[i, p];
            }
            var initial = Model.Compiled.Initial(row);
            for (var s = 0; s < initial.Length; s++)
            {
                states[i, s] = initial[s];
            }
        }
        var time = Options.StartTime;
        var treatments = Options.Treatments ?? Model.Treatments;
        var failed = new bool[n];
        foreach (var o in observations)
        {
            if (o.Time > time)
            {
                var run = Propagator.Run(this, time, o.Time, [o.Time], treatments, null, parameters, states);
                for (var i = 0; i < n; i++)
                {
                    failed[i] |= !run.Succeeded[i];
                    for (var s = 0; s < Model.States.Count; s++)
                    {
                        states[i, s] = run.Succeeded[i] ? run.States[i][0, s] : states[i, s];
                    }
                }
                time = o.Time;
            }
            var noise = Options.Noise[o.Name];
            var measured = MeasuredValues(o.Name, o.Time, states, parameters);
            for (var i = 0; i < n; i++)
            {
                target[i] += noise.LogLikelihood(o.Value, measured[i]);
            }
        }
        var count = 0;
        for (var i = 0; i < n; i++)
        {
            if (failed[i] || double.IsNaN(target[i]))
            {
                target[i] = double.NegativeInfinity;
                count++;
            }
        }
        return (target, states, count);
    }

    internal double[] MeasuredValues(string name, double time, double[,] states, double[,] parameters)
    {
        var n = states.GetLength(0);
        var result = new double[n];
        var stateIndex = Model.States.Select((s, k) => (s, k)).FirstOrDefault(x => x.s.Name == name);
        if (stateIndex.s is not null)
        {
            for (var i = 0; i < n; i++)
            {
                result[i] = states[i, stateIndex.k];
            }
            return result;
        }
        var o = Model.Observables.Select((x, k) => (x, k)).FirstOrDefault(x => x.x.Name == name);
        if (o.x is null)
        {
            throw new ArgumentException($"'{name}' is neither a state nor an observable of model '{Model.Name}'.", nameof(name));
        }
        var x = new double[Model.States.Count];
        var p = new double[Model.Parameters.Count];
        var output = new double[Model.Observables.Count];
        for (var i = 0; i < n; i++)
        {
            for (var s = 0; s < x.Length; s++)
            {
                x[s] = states[i, s];
            }
            for (var k = 0; k < p.Length; k++)
            {
                p[k] = parameters[i, k];
            }
            Model.Compiled.Observables(time, x, p, output);
            result[i] = output[o.k];
        }
        return result;
    }

    internal double[,] ParameterMatrix => _parameters;

    internal double[,] StateMatrix => _states;

    internal double[] WeightArray => _weights;

    internal bool[] LogScaleFlags => _logScale;

    private static void Reorder(double[,] parameters, double[,] states, int[] index)
    {
        var p0 = (double[,])parameters.Clone();
        var s0 = (double[,])states.Clone();
        for (var i = 0; i < index.Length; i++)
        {
            for (var k = 0; k < p0.GetLength(1); k++)
            {
                parameters[i, k] = p0[index[i], k];
            }
            for (var k = 0; k < s0.GetLength(1); k++)
            {
                states[i, k] = s0[index[i], k];
            }
        }
    }

    private static void Normalise(double[] weights)
    {
        var s = weights.Sum();
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] /= s;
        }
    }

    internal static double StandardNormalCdf(double z) => 0.5 * MathNet.Numerics.SpecialFunctions.Erfc(-z / Math.Sqrt(2));

    private static (double Lower, double Upper) MixtureInterval(double[] h, double[] w, double sigma, double alpha)
    {
        double Cdf(double x)
        {
            var c = 0.0;
            for (var i = 0; i < h.Length; i++)
            {
                if (w[i] > 0)
                {
                    c += w[i] * StandardNormalCdf((x - h[i]) / sigma);
                }
            }
            return c;
        }
        double Solve(double p)
        {
            var lo = double.PositiveInfinity;
            var hi = double.NegativeInfinity;
            for (var i = 0; i < h.Length; i++)
            {
                if (w[i] > 0)
                {
                    lo = Math.Min(lo, h[i]);
                    hi = Math.Max(hi, h[i]);
                }
            }
            lo -= 10 * sigma;
            hi += 10 * sigma;
            for (var k = 0; k < 100 && hi - lo > 1e-12 * Math.Max(1, Math.Abs(lo) + Math.Abs(hi)); k++)
            {
                var mid = 0.5 * (lo + hi);
                if (Cdf(mid) < p)
                {
                    lo = mid;
                }
                else
                {
                    hi = mid;
                }
            }
            return 0.5 * (lo + hi);
        }
        return (Solve(alpha / 2), Solve(1 - (alpha / 2)));
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"Twin of {Model.Name} at t={Time:G6}: {Count} particles, {Observations.Count} observations, {Triggers.Count} triggers");

    /// <summary>The augmented vector of the filters: states (non-negative ones that are positive in every particle on
    /// the log scale) followed by the estimated parameters (on the log scale where flagged).</summary>
    private sealed class Augmented
    {
        private readonly int[] _stateIndex;
        private readonly bool[] _stateLog;
        private readonly bool[] _stateNonNegative;
        private readonly int[] _parameterIndex;
        private readonly bool[] _parameterLog;

        private Augmented(int[] stateIndex, bool[] stateLog, bool[] stateNonNegative, int[] parameterIndex, bool[] parameterLog)
        {
            _stateIndex = stateIndex;
            _stateLog = stateLog;
            _stateNonNegative = stateNonNegative;
            _parameterIndex = parameterIndex;
            _parameterLog = parameterLog;
        }

        public int Dimension => _stateIndex.Length + _parameterIndex.Length;

        public static Augmented Create(Twin twin, double[,] states)
        {
            var model = twin.Model;
            var n = states.GetLength(0);
            var stateLog = new bool[model.States.Count];
            var nonNegative = new bool[model.States.Count];
            for (var s = 0; s < stateLog.Length; s++)
            {
                nonNegative[s] = model.States[s].NonNegative;
                var positive = nonNegative[s];
                for (var i = 0; i < n && positive; i++)
                {
                    positive = states[i, s] > 0;
                }
                stateLog[s] = positive;
            }
            return new Augmented([.. Enumerable.Range(0, model.States.Count)], stateLog, nonNegative,
                [.. twin.Estimated.Select(model.ParameterIndex)], (bool[])twin._logScale.Clone());
        }

        public double[,] Pack(double[,] parameters, double[,] states)
        {
            var n = states.GetLength(0);
            var z = new double[n, Dimension];
            for (var i = 0; i < n; i++)
            {
                for (var k = 0; k < _stateIndex.Length; k++)
                {
                    var v = states[i, _stateIndex[k]];
                    z[i, k] = _stateLog[k] ? Math.Log(v) : v;
                }
                for (var k = 0; k < _parameterIndex.Length; k++)
                {
                    var v = parameters[i, _parameterIndex[k]];
                    z[i, _stateIndex.Length + k] = _parameterLog[k] ? Math.Log(v) : v;
                }
            }
            return z;
        }

        /// <summary>Writes z back; returns how many non-negative state values were below zero and set to zero.</summary>
        public int Unpack(double[,] z, double[,] parameters, double[,] states)
        {
            var n = states.GetLength(0);
            var zeroed = 0;
            for (var i = 0; i < n; i++)
            {
                for (var k = 0; k < _stateIndex.Length; k++)
                {
                    var v = _stateLog[k] ? Math.Exp(z[i, k]) : z[i, k];
                    if (_stateNonNegative[k] && v < 0)
                    {
                        v = 0;
                        zeroed++;
                    }
                    states[i, _stateIndex[k]] = v;
                }
                for (var k = 0; k < _parameterIndex.Length; k++)
                {
                    var v = z[i, _stateIndex.Length + k];
                    parameters[i, _parameterIndex[k]] = _parameterLog[k] ? Math.Exp(v) : v;
                }
            }
            return zeroed;
        }
    }
}
