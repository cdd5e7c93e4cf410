using System.Globalization;

namespace TwinLab.Twins.Trials;

/// <summary>The log-rank comparison of two arms' survival.</summary>
/// <param name="Events">Events in both arms.</param>
/// <param name="ObservedTreated">O₁, events observed in the treated arm.</param>
/// <param name="ExpectedTreated">E₁ = Σ dⱼ n₁ⱼ/nⱼ, the events expected in the treated arm if both arms had the same hazard.</param>
/// <param name="Variance">V = Σ dⱼ (n₁ⱼ/nⱼ)(1 − n₁ⱼ/nⱼ)(nⱼ − dⱼ)/(nⱼ − 1), the hypergeometric variance of O₁ − E₁.</param>
/// <param name="ChiSquare">(O₁ − E₁)²/V, chi-square with one degree of freedom under the null hypothesis (0 when V = 0).</param>
/// <param name="PValue">The two-sided p-value (1 when there is no event, so nothing can be tested).</param>
/// <param name="LogHazardRatio">The Peto estimate (O₁ − E₁)/V of the log hazard ratio treated/control (NaN when V = 0).</param>
public sealed record LogRankResult(int Events, double ObservedTreated, double ExpectedTreated, double Variance, double ChiSquare,
    double PValue, double LogHazardRatio);

/// <summary>The log-rank test (Mantel 1966; Peto and Peto 1972) of equal hazards in two arms.</summary>
public static class LogRank
{
    /// <summary>Compares the arms. At each distinct event time tⱼ, dⱼ events among nⱼ subjects at risk (n₁ⱼ of them
    /// treated); a subject censored at tⱼ is still at risk at tⱼ.</summary>
    /// <param name="times">Each subject's follow-up time (event or censoring), finite and non-negative.</param>
    /// <param name="eventObserved">Whether the time is an event (true) or a censoring (false).</param>
    /// <param name="treated">Each subject's arm.</param>
    /// <exception cref="ArgumentException">Mismatched lengths, a negative or non-finite time, or an empty arm.</exception>
    public static LogRankResult Test(IReadOnlyList<double> times, IReadOnlyList<bool> eventObserved, IReadOnlyList<bool> treated)
    {
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(eventObserved);
        ArgumentNullException.ThrowIfNull(treated);
        var n = times.Count;
        if (eventObserved.Count != n || treated.Count != n)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Give one event flag and one arm per time: {n} times, {eventObserved.Count} event flags, {treated.Count} arms."));
        }
        var keys = new double[n];
        var order = new int[n];
        var atRiskTreated = 0;
        for (var i = 0; i < n; i++)
        {
            if (!(times[i] >= 0) || !double.IsFinite(times[i]))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"Subject {i} has time {times[i]}; times must be finite and non-negative."), nameof(times));
            }
            keys[i] = times[i];
            order[i] = i;
            atRiskTreated += treated[i] ? 1 : 0;
        }
        if (atRiskTreated == 0 || atRiskTreated == n)
        {
            throw new ArgumentException("Both arms need at least one subject.", nameof(treated));
        }
        Array.Sort(keys, order);
        var atRisk = n;
        double observed = 0, expected = 0, variance = 0;
        var events = 0;
        var k = 0;
        while (k < n)
        {
            var t = keys[k];
            int d = 0, d1 = 0, leaving = 0, leavingTreated = 0;
            while (k < n && keys[k] == t)
            {
                var i = order[k];
                if (eventObserved[i])
                {
                    d++;
                    d1 += treated[i] ? 1 : 0;
                }
                leaving++;
                leavingTreated += treated[i] ? 1 : 0;
                k++;
            }
            if (d > 0)
            {
                var share = (double)atRiskTreated / atRisk;
                observed += d1;
                expected += d * share;
                if (atRisk > 1)
                {
                    variance += d * share * (1 - share) * (atRisk - d) / (atRisk - 1);
                }
                events += d;
            }
            atRisk -= leaving;
            atRiskTreated -= leavingTreated;
        }
        if (variance <= 0)
        {
            return new LogRankResult(events, observed, expected, variance, 0, 1, double.NaN);
        }
        var z = (observed - expected) / Math.Sqrt(variance);
        return new LogRankResult(events, observed, expected, variance, z * z, 2 * Twin.StandardNormalCdf(-Math.Abs(z)),
            (observed - expected) / variance);
    }
}

/// <summary>The comparison of two proportions (e.g. responders per arm).</summary>
/// <param name="TreatedProportion">Responders / subjects in the treated arm.</param>
/// <param name="ControlProportion">Responders / subjects in the control arm.</param>
/// <param name="Difference">Treated minus control proportion.</param>
/// <param name="ChiSquare">Pearson's chi-square of the 2 × 2 table without continuity correction (the square of the
/// pooled two-proportion z statistic); 0 when every subject or no subject responded.</param>
/// <param name="PValue">The two-sided p-value from chi-square with one degree of freedom (1 when every subject or no
/// subject responded: the table then carries no evidence).</param>
public sealed record ProportionComparison(double TreatedProportion, double ControlProportion, double Difference, double ChiSquare, double PValue);

/// <summary>Tests of a binary endpoint between two arms.</summary>
public static class Proportions
{
    /// <summary>The pooled two-proportion z test, z = (p₁ − p₀)/sqrt(p̄(1 − p̄)(1/n₁ + 1/n₀)), identical to Pearson's
    /// chi-square test of the 2 × 2 table without continuity correction (z² = X²).</summary>
    /// <param name="respondersTreated">Responders in the treated arm.</param>
    /// <param name="treated">Subjects in the treated arm (≥ 1).</param>
    /// <param name="respondersControl">Responders in the control arm.</param>
    /// <param name="control">Subjects in the control arm (≥ 1).</param>
    public static ProportionComparison Compare(int respondersTreated, int treated, int respondersControl, int control)
    {
        if (treated < 1 || control < 1 || respondersTreated < 0 || respondersControl < 0 || respondersTreated > treated || respondersControl > control)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Responders must lie between 0 and the arm size: treated {respondersTreated}/{treated}, control {respondersControl}/{control}."));
        }
        var p1 = (double)respondersTreated / treated;
        var p0 = (double)respondersControl / control;
        var pooled = (double)(respondersTreated + respondersControl) / (treated + control);
        var variance = pooled * (1 - pooled) * ((1.0 / treated) + (1.0 / control));
        if (variance <= 0)
        {
            return new ProportionComparison(p1, p0, p1 - p0, 0, 1);
        }
        var z = (p1 - p0) / Math.Sqrt(variance);
        return new ProportionComparison(p1, p0, p1 - p0, z * z, 2 * Twin.StandardNormalCdf(-Math.Abs(z)));
    }
}
