using System.Globalization;
using MathNet.Numerics;

namespace TwinLab.Twins.Trials;

/// <summary>Sample sizes of a two-arm trial with a continuous endpoint.</summary>
/// <param name="Control">Subjects in the control arm (rounded up).</param>
/// <param name="Treatment">Subjects in the treatment arm (<c>ceil(ratio × control)</c>).</param>
/// <param name="ExactControl">The control size before rounding.</param>
/// <param name="VarianceFactor">The factor applied to the outcome variance: 1 unadjusted, 1 − ρ² with a prognostic score.</param>
public sealed record ArmSizes(int Control, int Treatment, double ExactControl, double VarianceFactor)
{
    /// <summary>Both arms together.</summary>
    public int Total => Control + Treatment;

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"control {Control}, treatment {Treatment}, total {Total}");
}

/// <summary>Closed-form sample sizes for comparing two means.</summary>
public static class SampleSize
{
    /// <summary>
    /// The Guenther–Schouten sample size of a two-sided two-sample comparison of means with allocation ratio
    /// k = treatment/control and a common standard deviation σ (Guenther 1981; Schouten 1999, Stat Med 18:87–91, with
    /// τ = 1): <c>n_c = (1 + k)/k · (z₁₋α/₂ + z₁₋β)² σ²/Δ² + (1 + k³) z²₁₋α/₂ / (2k(1 + k)²)</c>, the second term
    /// correcting the normal approximation towards the t-test (z²/4 per arm when k = 1). With prognostic covariate
    /// adjustment (PROCOVA; Schuler et al. 2022, Int J Biostat 18(2):329–356) the ANCOVA's residual variance is
    /// σ²(1 − ρ²), ρ the correlation between the prognostic score and the outcome in the control population.
    /// </summary>
    /// <param name="effect">Δ, the difference in means to detect (non-zero).</param>
    /// <param name="standardDeviation">σ, the outcome's standard deviation.</param>
    /// <param name="power">1 − β, in (0, 1).</param>
    /// <param name="alpha">The two-sided type-I error, in (0, 1).</param>
    /// <param name="ratio">k = treatment/control (1: equal arms).</param>
    /// <param name="prognosticCorrelation">ρ, or null for the unadjusted analysis.</param>
    public static ArmSizes TwoArmContinuous(double effect, double standardDeviation, double power = 0.8, double alpha = 0.05,
        double ratio = 1, double? prognosticCorrelation = null)
    {
        if (!double.IsFinite(effect) || effect == 0)
        {
            throw new ArgumentException("The effect to detect must be a finite non-zero difference in means.", nameof(effect));
        }
        if (!(standardDeviation > 0) || !double.IsFinite(standardDeviation))
        {
            throw new ArgumentException("The standard deviation must be positive.", nameof(standardDeviation));
        }
        if (!(power > 0 && power < 1) || !(alpha > 0 && alpha < 1))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Power ({power}) and alpha ({alpha}) must lie in (0, 1)."));
        }
        if (!(ratio > 0) || !double.IsFinite(ratio))
        {
            throw new ArgumentException("The allocation ratio must be positive.", nameof(ratio));
        }
        var factor = 1.0;
        if (prognosticCorrelation is { } rho)
        {
            if (!(rho > -1 && rho < 1))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The prognostic correlation is {rho}; it must lie in (−1, 1)."), nameof(prognosticCorrelation));
            }
            factor = 1 - (rho * rho);
        }
        var za = -ExcelFunctions.NormSInv(alpha / 2);
        var zb = ExcelFunctions.NormSInv(power);
        var k = ratio;
        var variance = standardDeviation * standardDeviation * factor;
        var n = ((1 + k) / k * (za + zb) * (za + zb) * variance / (effect * effect))
            + ((1 + (k * k * k)) * za * za / (2 * k * (1 + k) * (1 + k)));
        var control = (int)Math.Ceiling(n - 1e-9);
        return new ArmSizes(control, (int)Math.Ceiling((k * control) - 1e-9), n, factor);
    }

    /// <summary>
    /// The sample size of a two-sided comparison of two proportions by the pooled z (chi-square) test without
    /// continuity correction (Fleiss, Levin and Paik 2003, eq. 4.14 with allocation ratio k = treatment/control):
    /// <c>n_c = [z₁₋α/₂ sqrt(p̄ q̄ (1 + 1/k)) + z₁₋β sqrt(p_c q_c + p_t q_t / k)]² / (p_t − p_c)²</c>,
    /// p̄ = (p_c + k p_t)/(1 + k), q = 1 − p.
    /// </summary>
    /// <param name="controlProportion">p_c, the response proportion under control, in (0, 1).</param>
    /// <param name="treatedProportion">p_t, under treatment, in (0, 1) and different from p_c.</param>
    /// <param name="power">1 − β.</param>
    /// <param name="alpha">Two-sided α.</param>
    /// <param name="ratio">k = treatment/control.</param>
    public static ArmSizes TwoProportions(double controlProportion, double treatedProportion, double power = 0.8, double alpha = 0.05, double ratio = 1)
    {
        if (!(controlProportion > 0 && controlProportion < 1) || !(treatedProportion > 0 && treatedProportion < 1) || controlProportion == treatedProportion)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The proportions must lie in (0, 1) and differ; got control {controlProportion}, treated {treatedProportion}."));
        }
        ValidateLevels(power, alpha, ratio);
        var za = -ExcelFunctions.NormSInv(alpha / 2);
        var zb = ExcelFunctions.NormSInv(power);
        var k = ratio;
        var pc = controlProportion;
        var pt = treatedProportion;
        var pooled = (pc + (k * pt)) / (1 + k);
        var root = (za * Math.Sqrt(pooled * (1 - pooled) * (1 + (1 / k)))) + (zb * Math.Sqrt((pc * (1 - pc)) + (pt * (1 - pt) / k)));
        var n = root * root / ((pt - pc) * (pt - pc));
        var control = (int)Math.Ceiling(n - 1e-9);
        return new ArmSizes(control, (int)Math.Ceiling((k * control) - 1e-9), n, 1);
    }

    /// <summary>
    /// Schoenfeld's (1981) number of events a two-sided log-rank test needs to detect a hazard ratio with a given
    /// power: <c>D = (z₁₋α/₂ + z₁₋β)² / (π(1 − π) log(HR)²)</c>, π = k/(1 + k) the share randomised to treatment
    /// (at 1:1, 4(z₁₋α/₂ + z₁₋β)²/log(HR)²). The subjects needed are D divided by the probability of an event during
    /// follow-up.
    /// </summary>
    /// <param name="hazardRatio">The hazard ratio treated/control to detect (positive, not 1).</param>
    /// <param name="power">1 − β.</param>
    /// <param name="alpha">Two-sided α.</param>
    /// <param name="ratio">k = treatment/control.</param>
    /// <returns>The exact (unrounded) number of events; round up to plan.</returns>
    public static double LogRankEvents(double hazardRatio, double power = 0.8, double alpha = 0.05, double ratio = 1)
    {
        ValidateHazardRatio(hazardRatio);
        ValidateLevels(power, alpha, ratio);
        var z = -ExcelFunctions.NormSInv(alpha / 2) + ExcelFunctions.NormSInv(power);
        var share = ratio / (1 + ratio);
        var log = Math.Log(hazardRatio);
        return z * z / (share * (1 - share) * log * log);
    }

    /// <summary>The power of the two-sided log-rank test after <paramref name="events"/> events by Schoenfeld's
    /// approximation: Φ(sqrt(D π(1 − π)) |log HR| − z₁₋α/₂) (the far tail, below α/2, is ignored).</summary>
    /// <param name="hazardRatio">The true hazard ratio treated/control (positive, not 1).</param>
    /// <param name="events">D, the number of events (positive).</param>
    /// <param name="alpha">Two-sided α.</param>
    /// <param name="ratio">k = treatment/control.</param>
    public static double LogRankPower(double hazardRatio, double events, double alpha = 0.05, double ratio = 1)
    {
        ValidateHazardRatio(hazardRatio);
        ValidateLevels(0.5, alpha, ratio);
        if (!(events > 0) || !double.IsFinite(events))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The number of events must be positive; got {events}."), nameof(events));
        }
        var share = ratio / (1 + ratio);
        return Twin.StandardNormalCdf((Math.Sqrt(events * share * (1 - share)) * Math.Abs(Math.Log(hazardRatio))) + ExcelFunctions.NormSInv(alpha / 2));
    }

    /// <summary>
    /// The subjects a log-rank trial needs: Schoenfeld's events (<see cref="LogRankEvents"/>) divided by the probability
    /// that a subject's event is observed — from a closed form (<see cref="EventProbability"/>, averaged over the arms)
    /// or from simulation (<see cref="EndpointSimulationResult.EventShare"/> of a pilot simulation of the design, which
    /// needs no hazard assumption). The total is rounded up, then split by the allocation ratio (control rounded up,
    /// treatment = ceil(k × control)).
    /// </summary>
    /// <param name="hazardRatio">The hazard ratio treated/control to detect (positive, not 1).</param>
    /// <param name="eventProbability">The probability that an enrolled subject's event is observed, in (0, 1].</param>
    /// <param name="power">1 − β.</param>
    /// <param name="alpha">Two-sided α.</param>
    /// <param name="ratio">k = treatment/control.</param>
    /// <returns>The arm sizes; <see cref="ArmSizes.ExactControl"/> is the unrounded control share of the subjects.</returns>
    public static ArmSizes LogRankSubjects(double hazardRatio, double eventProbability, double power = 0.8, double alpha = 0.05, double ratio = 1)
    {
        var events = LogRankEvents(hazardRatio, power, alpha, ratio);
        if (!(eventProbability > 0 && eventProbability <= 1))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The event probability is {eventProbability}; give a probability in (0, 1]."), nameof(eventProbability));
        }
        var subjects = (int)Math.Ceiling((events / eventProbability) - 1e-9);
        var control = (int)Math.Ceiling((subjects / (1 + ratio)) - 1e-9);
        return new ArmSizes(control, (int)Math.Ceiling((ratio * control) - 1e-9), events / eventProbability / (1 + ratio), 1);
    }

    /// <summary>
    /// The probability that a subject's event is observed under an exponential event hazard λ, with exponential dropout
    /// hazard μ, when subjects enter uniformly over an accrual period A and are analysed at A + F (each followed for
    /// F + U, U uniform on [0, A]): with h = λ + μ,
    /// <c>P = (λ/h) [1 − (e^{−hF} − e^{−h(A+F)}) / (hA)]</c>, and <c>(λ/h)(1 − e^{−hF})</c> when A = 0 (every subject
    /// followed for F). Divide Schoenfeld's events by it (averaged over the arms) for the subjects to enrol.
    /// </summary>
    /// <param name="hazard">λ, the event hazard (positive, per time unit).</param>
    /// <param name="followUp">F, the follow-up after the last entry (positive).</param>
    /// <param name="accrual">A, the accrual period (non-negative; 0: fixed follow-up).</param>
    /// <param name="dropoutHazard">μ, the dropout hazard (non-negative).</param>
    public static double EventProbability(double hazard, double followUp, double accrual = 0, double dropoutHazard = 0)
    {
        if (!(hazard > 0) || !double.IsFinite(hazard) || !(dropoutHazard >= 0) || !double.IsFinite(dropoutHazard))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The event hazard must be positive and the dropout hazard non-negative, both finite; got {hazard} and {dropoutHazard}."));
        }
        if (!(followUp > 0) || !double.IsFinite(followUp) || !(accrual >= 0) || !double.IsFinite(accrual))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The follow-up must be positive and the accrual period non-negative, both finite; got {followUp} and {accrual}."));
        }
        var h = hazard + dropoutHazard;
        // 1 − e^{−hF} (1 − e^{−hA})/(hA), with expm1 so that short periods keep their digits.
        var unobserved = accrual == 0
            ? Math.Exp(-h * followUp)
            : Math.Exp(-h * followUp) * -SpecialFunctions.Expm1(-h * accrual) / (h * accrual);
        return hazard / h * (1 - unobserved);
    }

    private static void ValidateHazardRatio(double hazardRatio)
    {
        if (!(hazardRatio > 0) || !double.IsFinite(hazardRatio) || hazardRatio == 1)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The hazard ratio must be positive, finite and different from 1; got {hazardRatio}."), nameof(hazardRatio));
        }
    }

    private static void ValidateLevels(double power, double alpha, double ratio)
    {
        if (!(power > 0 && power < 1) || !(alpha > 0 && alpha < 1))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Power ({power}) and alpha ({alpha}) must lie in (0, 1)."));
        }
        if (!(ratio > 0) || !double.IsFinite(ratio))
        {
            throw new ArgumentException("The allocation ratio must be positive.", nameof(ratio));
        }
    }
}
