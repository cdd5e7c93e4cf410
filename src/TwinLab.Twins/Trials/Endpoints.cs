using System.Globalization;

namespace TwinLab.Twins.Trials;

/// <summary>What a trial measures and how it is analysed. <see cref="ChangeFromBaseline"/> compares means,
/// <see cref="ResponderEndpoint"/> compares proportions of responders, <see cref="TimeToEventEndpoint"/> compares
/// survival by the log-rank test.</summary>
public abstract record Endpoint
{
    private protected Endpoint()
    {
    }

    /// <summary>A short description for tables and charts.</summary>
    public abstract string Description { get; }

    /// <summary>Analyses one trial: the enrolled subjects and their arms.</summary>
    internal abstract EndpointAnalysis Analyse(IReadOnlyList<TrialSubject> enrolled, bool[] treated);
}

/// <summary>The analysis of one simulated trial: the effect estimate, its p-value and the number of events (time to
/// event) or responders (responder endpoint), NaN for a continuous endpoint.</summary>
internal readonly record struct EndpointAnalysis(double Estimate, double PValue, double Events);

/// <summary>The continuous endpoint (the observed potential outcome, e.g. the change from baseline at the end of
/// follow-up), analysed by the pooled two-sample t-test (<see cref="Ancova.Fit"/> with no covariate).</summary>
public sealed record ChangeFromBaseline : Endpoint
{
    /// <inheritdoc />
    public override string Description => "change from baseline (t-test)";

    internal override EndpointAnalysis Analyse(IReadOnlyList<TrialSubject> enrolled, bool[] treated)
    {
        var y = new double[enrolled.Count];
        for (var i = 0; i < y.Length; i++)
        {
            y[i] = treated[i] ? enrolled[i].TreatedOutcome : enrolled[i].ControlOutcome;
        }
        var fit = Ancova.Fit(y, treated);
        return new EndpointAnalysis(fit.Estimate, fit.PValue, double.NaN);
    }
}

/// <summary>A binary endpoint: a subject responds when the observed potential outcome (e.g. the change from baseline)
/// lies strictly below <paramref name="Threshold"/> (or strictly above it when <paramref name="Below"/> is false);
/// analysed by the two-proportion chi-square test (<see cref="Proportions.Compare"/>). The estimate is the difference
/// in response proportions, treated minus control.</summary>
/// <param name="Threshold">The response threshold.</param>
/// <param name="Below">True: response means below the threshold; false: above it.</param>
public sealed record ResponderEndpoint(double Threshold, bool Below = true) : Endpoint
{
    /// <inheritdoc />
    public override string Description => string.Create(CultureInfo.InvariantCulture, $"responder: outcome {(Below ? "<" : ">")} {Threshold:G4} (chi-square)");

    /// <summary>Whether an outcome counts as a response.</summary>
    /// <param name="outcome">The outcome.</param>
    public bool Responds(double outcome) => Below ? outcome < Threshold : outcome > Threshold;

    internal override EndpointAnalysis Analyse(IReadOnlyList<TrialSubject> enrolled, bool[] treated)
    {
        int rt = 0, nt = 0, rc = 0, nc = 0;
        for (var i = 0; i < treated.Length; i++)
        {
            var y = treated[i] ? enrolled[i].TreatedOutcome : enrolled[i].ControlOutcome;
            if (!double.IsFinite(y))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"Enrolled subject {i} has a non-finite outcome; the population must not generate such subjects (exclude them by eligibility, which counts them)."));
            }
            var r = Responds(y) ? 1 : 0;
            if (treated[i])
            {
                nt++;
                rt += r;
            }
            else
            {
                nc++;
                rc += r;
            }
        }
        var c = Proportions.Compare(rt, nt, rc, nc);
        return new EndpointAnalysis(c.Difference, c.PValue, rt + rc);
    }
}

/// <summary>A time-to-event endpoint: each subject is followed from randomisation for <paramref name="FollowUp"/>
/// (administrative censoring) unless it drops out first (censoring at <see cref="EventTimes.Dropout"/>); the event is
/// observed when its time (<see cref="EventTimes.Control"/> or <see cref="EventTimes.Treated"/>) comes no later than
/// both. Analysed by the log-rank test; the estimate is the Peto log hazard ratio, treated over control.</summary>
/// <param name="FollowUp">The follow-up duration, in the population's time unit (positive).</param>
public sealed record TimeToEventEndpoint(double FollowUp) : Endpoint
{
    /// <inheritdoc />
    public override string Description => string.Create(CultureInfo.InvariantCulture, $"time to event, follow-up {FollowUp} (log-rank)");

    /// <summary>The observed time and event flag of a subject in an arm.</summary>
    /// <param name="subject">The subject (with <see cref="TrialSubject.Events"/>).</param>
    /// <param name="treated">Its arm.</param>
    public (double Time, bool Event) Observe(TrialSubject subject, bool treated)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var e = subject.Events ?? throw new ArgumentException(
            "The subject has no event times: a time-to-event endpoint needs a population that sets TrialSubject.Events.", nameof(subject));
        var eventTime = treated ? e.Treated : e.Control;
        if (!(eventTime >= 0) || !(e.Dropout >= 0))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Event times must be non-negative (or +∞ for never): event {eventTime}, dropout {e.Dropout}."), nameof(subject));
        }
        var censor = Math.Min(FollowUp, e.Dropout);
        return eventTime <= censor ? (eventTime, true) : (censor, false);
    }

    internal void Validate()
    {
        if (!(FollowUp > 0) || !double.IsFinite(FollowUp))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The follow-up must be positive and finite; got {FollowUp}."));
        }
    }

    internal override EndpointAnalysis Analyse(IReadOnlyList<TrialSubject> enrolled, bool[] treated)
    {
        var times = new double[treated.Length];
        var events = new bool[treated.Length];
        for (var i = 0; i < treated.Length; i++)
        {
            (times[i], events[i]) = Observe(enrolled[i], treated[i]);
        }
        var r = LogRank.Test(times, events, treated);
        return new EndpointAnalysis(r.LogHazardRatio, r.PValue, r.Events);
    }
}

/// <summary>How often simulated trials of one endpoint rejected the null hypothesis.</summary>
/// <param name="Endpoint">The endpoint's description.</param>
/// <param name="Trials">The number of simulated trials.</param>
/// <param name="RejectionRate">The share of trials with p &lt; α (the power, or the type-I error under the null).</param>
/// <param name="Interval">Its 95 % Clopper–Pearson interval.</param>
/// <param name="MeanEstimate">The mean effect estimate over trials whose estimate is defined (difference in means,
/// difference in proportions, or Peto log hazard ratio).</param>
/// <param name="UndefinedEstimates">Trials whose estimate is undefined (no event at all) and not in the mean.</param>
/// <param name="MeanEvents">Mean events (time to event) or responders (responder) per trial; NaN for a continuous endpoint.</param>
/// <param name="EventShare">Mean events or responders per enrolled subject.</param>
/// <param name="ScreenedPerTrial">The mean number of subjects screened per trial.</param>
/// <param name="ExcludedBySubgroup">Subjects excluded by the eligibility criteria over all trials, by subgroup.</param>
/// <param name="ScreenedBySubgroup">Subjects screened over all trials, by subgroup.</param>
public sealed record EndpointSimulationResult(string Endpoint, int Trials, double RejectionRate, (double Lower, double Upper) Interval,
    double MeanEstimate, int UndefinedEstimates, double MeanEvents, double EventShare, double ScreenedPerTrial,
    IReadOnlyDictionary<string, long> ExcludedBySubgroup, IReadOnlyDictionary<string, long> ScreenedBySubgroup);
