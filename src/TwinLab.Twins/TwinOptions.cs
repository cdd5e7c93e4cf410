using System.Globalization;
using TwinLab.Core.Distributions;
using TwinLab.Core.Modelling;
using TwinLab.Simulation;

namespace TwinLab.Twins;

/// <summary>How a twin assimilates an observation.</summary>
public enum AssimilationMethod
{
    /// <summary>Stochastic ensemble Kalman filter with perturbed observations (Evensen 1994; Burgers, van Leeuwen and
    /// Evensen 1998) on the vector of states and parameters (positive ones on the log scale).</summary>
    EnsembleKalmanFilter,

    /// <summary>Bootstrap particle filter (Gordon, Salmond and Smith 1993) with systematic resampling when the
    /// effective sample size falls below a threshold, then rejuvenation by the Liu–West kernel (Liu and West 2001) or by
    /// Metropolis–Hastings moves on the current posterior (see <see cref="TwinOptions.Rejuvenation"/>).</summary>
    ParticleFilter,
}

/// <summary>How the particle filter restores diversity after resampling (duplicated particles).</summary>
public enum RejuvenationMove
{
    /// <summary>The Liu–West kernel (Liu and West 2001): shrink towards the mean and add Gaussian noise, keeping the
    /// mean and covariance of the cloud; cheap, but it approximates the posterior and moves states as well.</summary>
    LiuWest,

    /// <summary>Resample-move (Gilks and Berzuini 2001): Metropolis–Hastings steps that target the current posterior
    /// p(θ | y₁…yₖ) ∝ prior(θ) Πⱼ p(yⱼ | θ) exactly. Each proposal re-solves the model from the start time through
    /// every observation so far, so the model is treated as deterministic given its parameters; the prior density
    /// must be known (<see cref="TwinOptions.Prior"/>).</summary>
    MetropolisHastings,
}

/// <summary>Settings of a <see cref="Twin"/>.</summary>
public sealed record TwinOptions
{
    /// <summary>The filter.</summary>
    public AssimilationMethod Method { get; init; } = AssimilationMethod.EnsembleKalmanFilter;

    /// <summary>The measurement-error model of each measured state or observable, by name. Every observation
    /// assimilated must name one of these.</summary>
    public IReadOnlyDictionary<string, GaussianNoise> Noise { get; init; } = new Dictionary<string, GaussianNoise>();

    /// <summary>The treatments the patient receives (bolus doses); null: the model's own treatments.</summary>
    public IReadOnlyList<Treatment>? Treatments { get; init; }

    /// <summary>Values of non-estimated parameters (e.g. design parameters such as a dose) that replace the nominal ones.</summary>
    public IReadOnlyDictionary<string, double> FixedParameters { get; init; } = new Dictionary<string, double>();

    /// <summary>The time of the twin's initial state (the model's initial values evaluated with each particle's parameters).</summary>
    public double StartTime { get; init; }

    /// <summary>The seed of every random stream the twin uses (observation perturbations, resampling, rejuvenation).</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>The particle filter resamples when the effective sample size falls below this fraction of the
    /// particles (0.5 by default; 1 resamples after every observation, 0 never).</summary>
    public double ResampleThreshold { get; init; } = 0.5;

    /// <summary>The Liu–West discount factor δ in (0, 1]: the kernel shrinks particles towards the mean by
    /// a = (3δ − 1)/(2δ) and adds noise of variance (1 − a²) times the ensemble covariance, which keeps the mean
    /// and covariance. 1 turns rejuvenation off. Default 0.98.</summary>
    public double LiuWestDiscount { get; init; } = 0.98;

    /// <summary>The rejuvenation after resampling (particle filter): <see cref="RejuvenationMove.LiuWest"/> (default)
    /// or <see cref="RejuvenationMove.MetropolisHastings"/>.</summary>
    public RejuvenationMove Rejuvenation { get; init; } = RejuvenationMove.LiuWest;

    /// <summary>Metropolis–Hastings steps per resampling (default 2). Each proposes θ' = θ + s L ξ on the filter's
    /// scale (logarithm for positive parameters), L L^T the particles' covariance, s = 2.38/√d (Roberts, Gelman and
    /// Gilks 1997), and accepts with the prior, likelihood and Jacobian ratio.</summary>
    public int MetropolisSteps { get; init; } = 2;

    /// <summary>The prior density of the estimated parameters, needed by <see cref="RejuvenationMove.MetropolisHastings"/>;
    /// <see cref="Twin.FromPrior"/> fills it in when it is null. For a twin started from samples it must be the density
    /// those samples represent (the moves target it times the likelihood of the observations this twin assimilates).</summary>
    public JointPrior? Prior { get; init; }

    /// <summary>The central probability of forecast intervals used by the coverage trigger (default 0.95).</summary>
    public double IntervalLevel { get; init; } = 0.95;

    /// <summary>A parameter is flagged low-confidence when more than this share of its posterior weight lies outside
    /// the model's plausible bounds (default 0.05).</summary>
    public double OutOfRangeTolerance { get; init; } = 0.05;

    /// <summary>The ODE algorithm for the particle ensembles (default: Tsit5, relative tolerance 1e-8, absolute 1e-10).</summary>
    public OdeAlgorithm Algorithm { get; init; } = new Tsit5 { RelTol = 1e-8, AbsTol = 1e-10 };

    /// <summary>Worker threads for the particle ensembles; results are bitwise identical for any count.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    internal void Validate()
    {
        if (!(ResampleThreshold >= 0 && ResampleThreshold <= 1))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"ResampleThreshold is {ResampleThreshold}; give a fraction in [0, 1]."));
        }
        if (!(LiuWestDiscount > 0 && LiuWestDiscount <= 1))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"LiuWestDiscount is {LiuWestDiscount}; give δ in (0, 1] (0.95–0.99 is usual, 1 turns rejuvenation off)."));
        }
        if (!(IntervalLevel > 0 && IntervalLevel < 1))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"IntervalLevel is {IntervalLevel}; give a probability in (0, 1)."));
        }
        if (!(OutOfRangeTolerance >= 0 && OutOfRangeTolerance < 1))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"OutOfRangeTolerance is {OutOfRangeTolerance}; give a share in [0, 1)."));
        }
        if (MetropolisSteps < 1)
        {
            throw new ArgumentException($"MetropolisSteps is {MetropolisSteps}; give at least 1.");
        }
        if (Threads < 1)
        {
            throw new ArgumentException($"Threads is {Threads}; give at least 1.");
        }
        if (!double.IsFinite(StartTime))
        {
            throw new ArgumentException("StartTime must be finite.");
        }
    }
}
