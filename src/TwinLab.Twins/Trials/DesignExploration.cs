namespace TwinLab.Twins.Trials;

/// <summary>One follow-up duration of a time-to-event design: simulated power and event counts, beside Schoenfeld's
/// power at the simulated mean number of events.</summary>
/// <param name="FollowUp">The follow-up duration.</param>
/// <param name="Power">The simulated rejection rate.</param>
/// <param name="Interval">Its 95 % Clopper–Pearson interval.</param>
/// <param name="MeanEvents">Mean events per trial.</param>
/// <param name="EventShare">Mean events per enrolled subject (the event rate over the follow-up).</param>
/// <param name="SchoenfeldPower">Schoenfeld's power at <paramref name="MeanEvents"/> for the planning hazard ratio (NaN
/// when none was given or no event happened).</param>
public sealed record FollowUpPoint(double FollowUp, double Power, (double Lower, double Upper) Interval, double MeanEvents,
    double EventShare, double SchoenfeldPower)
{
    /// <summary>The accrual period over which subjects entered (0: every subject followed for <see cref="FollowUp"/>).</summary>
    public double Accrual { get; init; }
}

/// <summary>An eligibility criterion to compare: a name and who may enrol (null: everyone).</summary>
/// <param name="Name">A short name for tables and charts.</param>
/// <param name="Eligible">The predicate, or null for no restriction.</param>
public sealed record EligibilityCriterion(string Name, Func<TrialSubject, bool>? Eligible);

/// <summary>One eligibility criterion: its power and who it leaves out.</summary>
/// <param name="Criterion">The criterion's name.</param>
/// <param name="Power">The simulated rejection rate.</param>
/// <param name="Interval">Its 95 % Clopper–Pearson interval.</param>
/// <param name="ScreenedPerTrial">Subjects screened per trial to fill the arms (the recruitment cost of enrichment).</param>
/// <param name="ExcludedShare">Per subgroup, the share of its screened subjects the criterion excluded.</param>
/// <param name="PopulationShare">Per subgroup, its share of the screened population.</param>
/// <param name="EnrolledShare">Per subgroup, its share of the enrolled subjects (compare with
/// <paramref name="PopulationShare"/> to see who is under-represented).</param>
public sealed record EligibilityPoint(string Criterion, double Power, (double Lower, double Upper) Interval, double ScreenedPerTrial,
    IReadOnlyDictionary<string, double> ExcludedShare, IReadOnlyDictionary<string, double> PopulationShare,
    IReadOnlyDictionary<string, double> EnrolledShare);

/// <summary>Design exploration by simulation: how power, event counts and representation change with the follow-up
/// duration and the eligibility criteria. Every point uses the same seed, so the designs are compared on the same
/// screened subjects (common random numbers) as far as the designs allow.</summary>
public static class DesignExploration
{
    /// <summary>Power and event counts of a time-to-event design for each follow-up duration.</summary>
    /// <param name="population">The virtual population (with event times).</param>
    /// <param name="design">Arm sizes, α, eligibility.</param>
    /// <param name="followUps">The follow-up durations to compare (positive): with accrual, the follow-up after the last
    /// entry (the study lasts accrual + follow-up).</param>
    /// <param name="trials">Trials per duration.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="planningHazardRatio">The hazard ratio for Schoenfeld's power, or null.</param>
    /// <param name="threads">Worker threads (0: all cores).</param>
    /// <param name="accrual">The accrual period over which subjects enter uniformly (0: all at once; see
    /// <see cref="TimeToEventEndpoint"/>).</param>
    public static IReadOnlyList<FollowUpPoint> FollowUp(SubjectGenerator population, TrialDesign design, IReadOnlyList<double> followUps,
        int trials, ulong seed, double? planningHazardRatio = null, int threads = 0, double accrual = 0)
    {
        ArgumentNullException.ThrowIfNull(followUps);
        if (followUps.Count == 0)
        {
            throw new ArgumentException("Give at least one follow-up duration.", nameof(followUps));
        }
        ArgumentNullException.ThrowIfNull(design);
        var ratio = (double)design.Treatment / design.Control;
        var result = new FollowUpPoint[followUps.Count];
        for (var k = 0; k < followUps.Count; k++)
        {
            var r = EndpointTrial.Simulate(population, design, new TimeToEventEndpoint(followUps[k], accrual), trials, seed, threads);
            var schoenfeld = planningHazardRatio is { } hr && r.MeanEvents > 0 ? SampleSize.LogRankPower(hr, r.MeanEvents, design.Alpha, ratio) : double.NaN;
            result[k] = new FollowUpPoint(followUps[k], r.RejectionRate, r.Interval, r.MeanEvents, r.EventShare, schoenfeld) { Accrual = accrual };
        }
        return result;
    }

    /// <summary>Power, recruitment cost and representation by subgroup for each eligibility criterion (the design's own
    /// criterion is replaced).</summary>
    /// <param name="population">The virtual population.</param>
    /// <param name="design">Arm sizes and α.</param>
    /// <param name="criteria">The criteria to compare (distinct names).</param>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="trials">Trials per criterion.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="threads">Worker threads (0: all cores).</param>
    public static IReadOnlyList<EligibilityPoint> Eligibility(SubjectGenerator population, TrialDesign design, IReadOnlyList<EligibilityCriterion> criteria,
        Endpoint endpoint, int trials, ulong seed, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(criteria);
        if (criteria.Count == 0)
        {
            throw new ArgumentException("Give at least one eligibility criterion.", nameof(criteria));
        }
        var duplicate = criteria.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Criterion names must be distinct; '{duplicate.Key}' appears {duplicate.Count()} times.", nameof(criteria));
        }
        var result = new EligibilityPoint[criteria.Count];
        for (var k = 0; k < criteria.Count; k++)
        {
            var r = EndpointTrial.Simulate(population, design with { Eligibility = criteria[k].Eligible }, endpoint, trials, seed, threads);
            var screenedTotal = (double)r.ScreenedBySubgroup.Values.Sum();
            var enrolledTotal = screenedTotal - r.ExcludedBySubgroup.Values.Sum();
            var excludedShare = new SortedDictionary<string, double>(StringComparer.Ordinal);
            var populationShare = new SortedDictionary<string, double>(StringComparer.Ordinal);
            var enrolledShare = new SortedDictionary<string, double>(StringComparer.Ordinal);
            foreach (var (group, screened) in r.ScreenedBySubgroup)
            {
                var excluded = r.ExcludedBySubgroup.GetValueOrDefault(group);
                excludedShare[group] = (double)excluded / screened;
                populationShare[group] = screened / screenedTotal;
                enrolledShare[group] = (screened - excluded) / enrolledTotal;
            }
            result[k] = new EligibilityPoint(criteria[k].Name, r.RejectionRate, r.Interval, r.ScreenedPerTrial, excludedShare, populationShare, enrolledShare);
        }
        return result;
    }
}
