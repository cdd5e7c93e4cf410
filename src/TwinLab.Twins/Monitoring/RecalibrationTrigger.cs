using System.Globalization;

namespace TwinLab.Twins.Monitoring;

/// <summary>Why a twin asks to be recalibrated (the system layer of the closed loop).</summary>
public enum TriggerKind
{
    /// <summary>A measurement fell outside the forecast's central interval (its PIT is in a tail).</summary>
    ObservationOutsideForecast,

    /// <summary>A parameter's posterior left its plausible range: the twin is low-confidence, nothing is forced back.</summary>
    ParameterOutOfRange,

    /// <summary>Incoming data drifted away from the data the twin was calibrated on (PSI, KS or Wasserstein).</summary>
    DataDrift,

    /// <summary>A recalibration took longer than the decision window: the twin is invalid for that context of use.</summary>
    Timeliness,
}

/// <summary>One fired trigger with its evidence.</summary>
/// <param name="Kind">What fired.</param>
/// <param name="Time">The model time (or the time of the check).</param>
/// <param name="Message">A sentence saying what was seen and what to do.</param>
/// <param name="Evidence">The numbers behind it (e.g. PIT, interval bounds, statistic and threshold).</param>
public sealed record RecalibrationTrigger(TriggerKind Kind, double Time, string Message, IReadOnlyDictionary<string, double> Evidence)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[{Kind} at t={Time:G6}] {Message}");
}

/// <summary>What one assimilation did.</summary>
/// <param name="Step">The observation's index (from 0).</param>
/// <param name="Observation">The observation.</param>
/// <param name="Method">The filter.</param>
/// <param name="PredictiveMean">The mean of the one-step-ahead predictive distribution of the measurement (with noise).</param>
/// <param name="PredictiveLower">The lower bound of its central interval.</param>
/// <param name="PredictiveUpper">The upper bound of its central interval.</param>
/// <param name="ProbabilityIntegralTransform">The predictive CDF at the measurement (uniform when the twin is calibrated).</param>
/// <param name="LogLikelihoodIncrement">log p(yₖ | y₁…yₖ₋₁): the particle estimate (particle filter) or the Gaussian
/// approximation from the ensemble mean and variance (ensemble Kalman filter).</param>
/// <param name="EffectiveSampleSizeBefore">The effective sample size after reweighting (equal to the particle count for the EnKF).</param>
/// <param name="Resampled">Whether the particles were resampled.</param>
/// <param name="FailedTrajectories">Particles whose trajectory failed (given weight zero; counted, never hidden).</param>
/// <param name="NegativeStatesSetToZero">Values of non-negative states that an update pushed below zero and that were set to zero.</param>
public sealed record AssimilationRecord(
    int Step,
    Observation Observation,
    AssimilationMethod Method,
    double PredictiveMean,
    double PredictiveLower,
    double PredictiveUpper,
    double ProbabilityIntegralTransform,
    double LogLikelihoodIncrement,
    double EffectiveSampleSizeBefore,
    bool Resampled,
    int FailedTrajectories,
    int NegativeStatesSetToZero)
{
    /// <summary>The share of Metropolis–Hastings proposals accepted by the rejuvenation move (NaN when none was made).</summary>
    public double MoveAcceptance { get; init; } = double.NaN;

    /// <summary>Proposals whose trajectory failed during the move (rejected; counted, never hidden).</summary>
    public int MoveFailedTrajectories { get; init; }
}
