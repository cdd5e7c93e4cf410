using System.Globalization;
using TwinLab.Core.Randomness;

namespace TwinLab.Twins.Trials;

/// <summary>Simulated operating characteristics of a trial that borrows simulated (synthetic) or external controls.</summary>
/// <param name="Trials">The number of simulated trials.</param>
/// <param name="Discount">The power-prior discount a₀ in [0, 1] (0: no borrowing, 1: synthetic controls count fully).</param>
/// <param name="BorrowedWeight">The weight w = a₀ n_s / (n_c + a₀ n_s) of the synthetic controls in the control mean.</param>
/// <param name="RejectionRate">The share of trials rejecting the null hypothesis.</param>
/// <param name="Interval">Its 95 % Clopper–Pearson interval.</param>
/// <param name="MeanEstimate">The mean effect estimate.</param>
/// <param name="PredictedTypeIError">The normal-approximation type-I error when the synthetic controls are biased by the
/// simulated amount (see <see cref="ExternalControl.TypeIError"/>).</param>
public sealed record ExternalControlResult(int Trials, double Discount, double BorrowedWeight, double RejectionRate,
    (double Lower, double Upper) Interval, double MeanEstimate, double PredictedTypeIError);

/// <summary>
/// Augmenting a concurrent control arm with simulated controls (a model's predictions for virtual patients, or an
/// external cohort) by a fixed power-prior discount a₀ (Ibrahim and Chen 2000): the control mean is
/// (n_c ȳ_c + a₀ n_s ȳ_s)/(n_c + a₀ n_s) and its variance σ²/(n_c + a₀ n_s). When the synthetic controls are biased by
/// b (a mis-specified model), the effect estimate is biased by −w b with w = a₀ n_s/(n_c + a₀ n_s), and the type-I
/// error grows; <see cref="MaximumDiscount"/> finds the largest a₀ that keeps it within a bound for a bias one is
/// prepared to assume.
/// </summary>
public static class ExternalControl
{
    /// <summary>The normal-approximation type-I error of the borrowing test when the synthetic controls are biased by b:
    /// P(|Z + w b / se| &gt; z₁₋α/₂) with se = σ sqrt(1/n_t + 1/(n_c + a₀ n_s)).</summary>
    /// <param name="control">n_c, concurrent controls.</param>
    /// <param name="treatment">n_t.</param>
    /// <param name="synthetic">n_s, synthetic controls.</param>
    /// <param name="discount">a₀.</param>
    /// <param name="bias">b, synthetic mean minus true control mean.</param>
    /// <param name="standardDeviation">σ.</param>
    /// <param name="alpha">Two-sided α.</param>
    public static double TypeIError(int control, int treatment, int synthetic, double discount, double bias, double standardDeviation, double alpha = 0.05)
    {
        Validate(control, treatment, synthetic, discount, standardDeviation);
        var effective = control + (discount * synthetic);
        var w = discount * synthetic / effective;
        var se = standardDeviation * Math.Sqrt((1.0 / treatment) + (1.0 / effective));
        var z = -MathNet.Numerics.ExcelFunctions.NormSInv(alpha / 2);
        var shift = w * bias / se;
        return Twin.StandardNormalCdf(-z - shift) + Twin.StandardNormalCdf(-z + shift);
    }

    /// <summary>The largest discount a₀ (to 1e-6) whose type-I error stays at most <paramref name="maximumTypeI"/> for a
    /// synthetic-control bias of <paramref name="bias"/> (the type-I error grows with a₀ for any fixed bias ≠ 0).</summary>
    /// <param name="control">n_c.</param>
    /// <param name="treatment">n_t.</param>
    /// <param name="synthetic">n_s.</param>
    /// <param name="bias">The bias to guard against.</param>
    /// <param name="standardDeviation">σ.</param>
    /// <param name="maximumTypeI">The largest acceptable type-I error (above α).</param>
    /// <param name="alpha">Two-sided α.</param>
    public static double MaximumDiscount(int control, int treatment, int synthetic, double bias, double standardDeviation, double maximumTypeI, double alpha = 0.05)
    {
        if (!(maximumTypeI > alpha && maximumTypeI < 1))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The acceptable type-I error ({maximumTypeI}) must lie above alpha ({alpha}) and below 1."), nameof(maximumTypeI));
        }
        if (TypeIError(control, treatment, synthetic, 1, bias, standardDeviation, alpha) <= maximumTypeI)
        {
            return 1;
        }
        double lo = 0, hi = 1;
        while (hi - lo > 1e-6)
        {
            var mid = 0.5 * (lo + hi);
            if (TypeIError(control, treatment, synthetic, mid, bias, standardDeviation, alpha) <= maximumTypeI)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    /// <summary>Simulates trials that randomise <paramref name="control"/> + <paramref name="treatment"/> subjects from
    /// the population and borrow <paramref name="synthetic"/> controls from the synthetic population (whose control
    /// outcomes come from a model, possibly mis-specified), analysed by a z-test with σ estimated from the concurrent
    /// arms. Trial t uses the streams (seed, "trial.external", t) and (seed, "trial.synthetic", t).</summary>
    /// <param name="population">The true population.</param>
    /// <param name="syntheticPopulation">The simulated controls.</param>
    /// <param name="control">n_c.</param>
    /// <param name="treatment">n_t.</param>
    /// <param name="synthetic">n_s.</param>
    /// <param name="discount">a₀.</param>
    /// <param name="trials">How many trials.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="alpha">Two-sided α.</param>
    /// <param name="assumedBias">The bias used for <see cref="ExternalControlResult.PredictedTypeIError"/> (e.g. the true one in a simulation study).</param>
    /// <param name="standardDeviation">σ used for the prediction.</param>
    public static ExternalControlResult Simulate(SubjectGenerator population, SubjectGenerator syntheticPopulation, int control, int treatment,
        int synthetic, double discount, int trials, ulong seed, double alpha = 0.05, double assumedBias = 0, double standardDeviation = 1)
    {
        ArgumentNullException.ThrowIfNull(population);
        ArgumentNullException.ThrowIfNull(syntheticPopulation);
        Validate(control, treatment, synthetic, discount, standardDeviation);
        if (trials < 1)
        {
            throw new ArgumentException("Simulate at least one trial.", nameof(trials));
        }
        var z = -MathNet.Numerics.ExcelFunctions.NormSInv(alpha / 2);
        var estimates = new double[trials];
        var rejected = new bool[trials];
        Parallel.For(0, trials, t =>
        {
            var s = RandomStream.For(seed, "trial.external", (ulong)t);
            var n = control + treatment;
            var subjects = new TrialSubject[n];
            for (var i = 0; i < n; i++)
            {
                subjects[i] = population(ref s);
            }
            var treated = new bool[n];
            for (var i = 0; i < treatment; i++)
            {
                treated[i] = true;
            }
            for (var i = n - 1; i > 0; i--)
            {
                var j = (int)s.NextUInt32((uint)(i + 1));
                (treated[i], treated[j]) = (treated[j], treated[i]);
            }
            double sumC = 0, sumT = 0, ssC = 0, ssT = 0;
            for (var i = 0; i < n; i++)
            {
                if (treated[i])
                {
                    sumT += subjects[i].TreatedOutcome;
                }
                else
                {
                    sumC += subjects[i].ControlOutcome;
                }
            }
            var meanC = sumC / control;
            var meanT = sumT / treatment;
            for (var i = 0; i < n; i++)
            {
                var d = treated[i] ? subjects[i].TreatedOutcome - meanT : subjects[i].ControlOutcome - meanC;
                if (treated[i])
                {
                    ssT += d * d;
                }
                else
                {
                    ssC += d * d;
                }
            }
            var sigma2 = (ssC + ssT) / (n - 2);
            var ss = RandomStream.For(seed, "trial.synthetic", (ulong)t);
            var sumS = 0.0;
            for (var i = 0; i < synthetic; i++)
            {
                sumS += syntheticPopulation(ref ss).ControlOutcome;
            }
            var effective = control + (discount * synthetic);
            var controlMean = synthetic == 0 ? meanC : ((sumC + (discount * sumS)) / effective);
            var estimate = meanT - controlMean;
            var se = Math.Sqrt(sigma2 * ((1.0 / treatment) + (1.0 / effective)));
            estimates[t] = estimate;
            rejected[t] = Math.Abs(estimate / se) > z;
        });
        var count = rejected.Count(r => r);
        return new ExternalControlResult(trials, discount, discount * synthetic / (control + (discount * synthetic)), (double)count / trials,
            InSilicoTrial.ClopperPearson(count, trials), estimates.Average(),
            TypeIError(control, treatment, synthetic, discount, assumedBias, standardDeviation, alpha));
    }

    private static void Validate(int control, int treatment, int synthetic, double discount, double standardDeviation)
    {
        if (control < 2 || treatment < 2 || synthetic < 0)
        {
            throw new ArgumentException($"Need at least 2 concurrent controls and 2 treated subjects, and no negative synthetic count; got {control}, {treatment}, {synthetic}.");
        }
        if (!(discount >= 0 && discount <= 1))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The discount a0 is {discount}; it must lie in [0, 1]."), nameof(discount));
        }
        if (!(standardDeviation > 0))
        {
            throw new ArgumentException("The standard deviation must be positive.", nameof(standardDeviation));
        }
    }
}
