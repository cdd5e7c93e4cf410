using TwinLab.Core.Library;
using TwinLab.Core.Modelling;
using TwinLab.Simulation;
using TwinLab.Synthetic.Cohorts;

namespace TwinLab.Synthetic.Tests.Cohorts;

public sealed class VirtualCohortTests
{
    private static readonly Model Gompertz = ModelLibrary.Get("gompertz");

    private static VirtualCohort Generate(PopulationModel population, int size, ulong seed = 11, Representation? representation = null) =>
        VirtualCohort.Generate(new CohortDesign(population, CovariateModel.Oncology(), size, seed, representation));

    private static double Share(IEnumerable<VirtualSubject> subjects, Func<VirtualSubject, bool> predicate) =>
        subjects.Count(predicate) / (double)subjects.Count();

    /// <summary>Kish's effective sample size of weighted estimates: (Σw)² / Σw².</summary>
    private static double EffectiveSize(VirtualCohort cohort) =>
        Math.Pow(cohort.Subjects.Sum(s => s.SamplingWeight), 2) / cohort.Subjects.Sum(s => s.SamplingWeight * s.SamplingWeight);

    // The biomarker's marginal prevalence implied by the oncology covariate model: Σ_g P(ancestry g)·P(positive | g).
    private const double BiomarkerPrevalence = (0.60 * 0.12) + (0.13 * 0.10) + (0.12 * 0.40) + (0.08 * 0.25) + (0.07 * 0.15);

    [Fact]
    public void Covariates_follow_their_marginal_and_conditional_definitions()
    {
        var cohort = Generate(new PopulationModelBuilder(Gompertz).Build(), 20_000);
        var subjects = cohort.Subjects;

        // Binomial proportions: 4 standard errors, sqrt(p(1-p)/n), so a correct generator fails with probability < 1e-4.
        var female = Share(subjects, s => s.Covariates.Level("sex") == "female");
        Assert.InRange(female, 0.5 - (4 * Math.Sqrt(0.25 / 20_000)), 0.5 + (4 * Math.Sqrt(0.25 / 20_000)));
        var positive = Share(subjects, s => s.Covariates.Level("biomarker") == "positive");
        var se = Math.Sqrt(BiomarkerPrevalence * (1 - BiomarkerPrevalence) / 20_000);
        Assert.InRange(positive, BiomarkerPrevalence - (4 * se), BiomarkerPrevalence + (4 * se));

        // Weight depends on sex: the log-mean of men is 0.17 above that of women (the range 35–200 kg cuts < 2e-4 of
        // either distribution, which moves the means by < 1e-4). Standard error of the difference: 0.18·sqrt(1/n₁ + 1/n₂).
        var logWomen = subjects.Where(s => s.Covariates.Level("sex") == "female").Select(s => Math.Log(s.Covariates.Number("weight"))).ToArray();
        var logMen = subjects.Where(s => s.Covariates.Level("sex") == "male").Select(s => Math.Log(s.Covariates.Number("weight"))).ToArray();
        var seDifference = 0.18 * Math.Sqrt((1.0 / logWomen.Length) + (1.0 / logMen.Length));
        Assert.InRange(logMen.Average() - logWomen.Average(), 0.17 - (4 * seDifference), 0.17 + (4 * seDifference));

        // Age is a normal truncated to [18, 90] by redrawing: KS test against scipy's truncnorm (a fixed seed: the
        // threshold 1e-3 is the false-alarm rate of a correct generator).
        var ages = subjects.Select(s => s.Covariates.Number("age")).ToArray();
        Assert.True(ages.All(a => a is >= 18 and <= 90));
        var p = Scipy.KsPValue(ages, "stats.truncnorm((18 - 62) / 10, (90 - 62) / 10, loc=62, scale=10)");
        Assert.True(p > 1e-3, $"KS p-value {p}");
        // The redraws are counted, never clamped: P(age > 90 or < 18) = 0.0026 of draws.
        Assert.True(cohort.Report.CovariateRejections.GetValueOrDefault("age") > 0);
        Assert.All(cohort.Subjects, s => Assert.Equal(1.0, s.SamplingWeight));
    }

    [Fact]
    public void Parameters_outside_the_bounds_are_redrawn_and_counted_per_parameter()
    {
        // K: typical 2000, bounds [100, 1e5], ω = 2, so a draw is accepted with probability a = Φ(ln 50 / 2) − Φ(ln 0.05 / 2).
        var population = new PopulationModelBuilder(Gompertz).Variability("K", 2.0).Build();
        const int N = 5000;
        var cohort = Generate(population, N);
        var accept = Scipy.Evaluate("stats.norm.cdf(np.log(50) / 2) - stats.norm.cdf(np.log(0.05) / 2)");

        // Rejections per subject are geometric: mean (1 − a)/a, variance (1 − a)/a²; 4 standard deviations of the sum.
        var expected = N * (1 - accept) / accept;
        var sd = Math.Sqrt(N * (1 - accept)) / accept;
        var rejected = cohort.Report.ParameterRejections["K"];
        Assert.InRange(rejected, expected - (4 * sd), expected + (4 * sd));
        Assert.Single(cohort.Report.ParameterRejections);

        // Nothing clamped: the accepted values follow the truncated log-normal (KS against scipy), none sits on a bound.
        var k = cohort.Subjects.Select(s => cohort.Parameter(s, "K")).ToArray();
        Assert.All(k, v => Assert.InRange(v, 100 * (1 + 1e-12), 1e5 * (1 - 1e-12)));
        var z = k.Select(v => Math.Log(v / 2000) / 2).ToArray();
        var p = Scipy.KsPValue(z, "stats.truncnorm(np.log(0.05) / 2, np.log(50) / 2)");
        Assert.True(p > 1e-3, $"KS p-value {p}");
    }

    [Fact]
    public void Impossible_bounds_stop_with_a_clear_error()
    {
        var population = new PopulationModelBuilder(Gompertz).Typical("K", 1e6).Build();
        var error = Assert.Throws<InvalidOperationException>(() => Generate(population, 3));
        Assert.Contains("'K' outside [100, 100000]", error.Message, StringComparison.Ordinal);
        Assert.Contains("1000 draws", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Covariate_effects_scale_the_typical_value_exactly()
    {
        var population = new PopulationModelBuilder(Gompertz)
            .Power("r", "weight", 0.75, 70)
            .Effect("r", "sex", "female", 0.8)
            .Build();
        var cohort = Generate(population, 200);
        foreach (var s in cohort.Subjects)
        {
            var expected = 0.1 * Math.Pow(s.Covariates.Number("weight") / 70, 0.75) * (s.Covariates.Level("sex") == "female" ? 0.8 : 1.0);
            Assert.Equal(expected, cohort.Parameter(s, "r"), 15);
            Assert.Equal(2000, cohort.Parameter(s, "K"));
        }
    }

    [Fact]
    public void Random_effects_have_the_requested_variability_and_correlation()
    {
        var population = new PopulationModelBuilder(Gompertz).Variability("r", 0.2).Variability("K", 0.3).Correlation("r", "K", 0.6).Build();
        const int N = 8000;
        var cohort = Generate(population, N);
        var x = cohort.Subjects.Select(s => Math.Log(cohort.Parameter(s, "r") / 0.1)).ToArray();
        var y = cohort.Subjects.Select(s => Math.Log(cohort.Parameter(s, "K") / 2000)).ToArray();
        double mx = x.Average(), my = y.Average();
        var sx = Math.Sqrt(x.Sum(v => (v - mx) * (v - mx)) / (N - 1));
        var sy = Math.Sqrt(y.Sum(v => (v - my) * (v - my)) / (N - 1));
        var r = x.Zip(y, (a, b) => (a - mx) * (b - my)).Sum() / ((N - 1) * sx * sy);
        // Standard errors: ω/sqrt(2n) for a normal standard deviation, (1 − ρ²)/sqrt(n) for a correlation; 4 of them.
        Assert.InRange(sx, 0.2 - (4 * 0.2 / Math.Sqrt(2 * N)), 0.2 + (4 * 0.2 / Math.Sqrt(2 * N)));
        Assert.InRange(sy, 0.3 - (4 * 0.3 / Math.Sqrt(2 * N)), 0.3 + (4 * 0.3 / Math.Sqrt(2 * N)));
        Assert.InRange(r, 0.6 - (4 * 0.64 / Math.Sqrt(N)), 0.6 + (4 * 0.64 / Math.Sqrt(N)));
    }

    [Fact]
    public void Oversampling_weights_recover_population_values()
    {
        var representation = Representation.Oversample((new Subgroup("ancestry", "east_asian"), 4));
        const int N = 20_000;
        var cohort = Generate(new PopulationModelBuilder(Gompertz).Build(), N, representation: representation);
        var eastAsian = (VirtualSubject s) => s.Covariates.Level("ancestry") == "east_asian";

        // In the cohort the subgroup's share is 0.12·4 / (0.12·4 + 0.88).
        var sampled = 0.48 / (0.48 + 0.88);
        var se = Math.Sqrt(sampled * (1 - sampled) / N);
        Assert.InRange(Share(cohort.Subjects, eastAsian), sampled - (4 * se), sampled + (4 * se));
        Assert.All(cohort.Subjects, s => Assert.Equal(eastAsian(s) ? 1.0 : 4.0, s.SamplingWeight));

        // Weighted estimates recover the population: 4 standard errors with Kish's effective sample size.
        var nEff = EffectiveSize(cohort);
        var weightedShare = cohort.WeightedMean(s => eastAsian(s) ? 1 : 0);
        Assert.InRange(weightedShare, 0.12 - (4 * Math.Sqrt(0.12 * 0.88 / nEff)), 0.12 + (4 * Math.Sqrt(0.12 * 0.88 / nEff)));
        var seBiomarker = Math.Sqrt(BiomarkerPrevalence * (1 - BiomarkerPrevalence) / nEff);
        var weightedPrevalence = cohort.WeightedMean(s => s.Covariates.Level("biomarker") == "positive" ? 1 : 0);
        Assert.InRange(weightedPrevalence, BiomarkerPrevalence - (4 * seBiomarker), BiomarkerPrevalence + (4 * seBiomarker));
        // ... whereas the unweighted prevalence is biased towards the oversampled group (expected 0.226).
        Assert.True(Share(cohort.Subjects, s => s.Covariates.Level("biomarker") == "positive") - BiomarkerPrevalence > 0.04);
        Assert.True(cohort.Report.CandidatesNotSelected > 0);
        Assert.Equal(cohort.Report.CandidatesDrawn, cohort.Report.CandidatesNotSelected + N);
    }

    [Fact]
    public void A_reference_population_matches_its_target_and_its_weights_recover_the_population()
    {
        var levels = new[] { "european", "african", "east_asian", "south_asian", "other" };
        var representation = Representation.MatchTarget("ancestry", levels.ToDictionary(l => l, _ => 0.2));
        const int N = 10_000;
        var cohort = Generate(new PopulationModelBuilder(Gompertz).Build(), N, representation: representation);
        foreach (var level in levels)
        {
            Assert.Equal(N / 5, cohort.Subjects.Count(s => s.Covariates.Level("ancestry") == level));
        }
        var nEff = EffectiveSize(cohort);
        var european = cohort.WeightedMean(s => s.Covariates.Level("ancestry") == "european" ? 1 : 0);
        Assert.InRange(european, 0.6 - (4 * Math.Sqrt(0.24 / nEff)), 0.6 + (4 * Math.Sqrt(0.24 / nEff)));
        var seBiomarker = Math.Sqrt(BiomarkerPrevalence * (1 - BiomarkerPrevalence) / nEff);
        Assert.InRange(cohort.WeightedMean(s => s.Covariates.Level("biomarker") == "positive" ? 1 : 0),
            BiomarkerPrevalence - (4 * seBiomarker), BiomarkerPrevalence + (4 * seBiomarker));
    }

    [Fact]
    public void Quotas_are_rounded_by_largest_remainder()
    {
        var target = (TargetRepresentation)Representation.MatchTarget("sex", new Dictionary<string, double> { ["female"] = 0.5, ["male"] = 0.5 });
        Assert.Equal(3, target.Quotas(5)["female"]);
        Assert.Equal(2, target.Quotas(5)["male"]);
    }

    [Fact]
    public void Subjects_regenerate_identically_from_their_index_and_do_not_depend_on_the_cohort_size_or_representation()
    {
        var population = new PopulationModelBuilder(Gompertz).Variability("r", 0.3).Variability("K", 0.3).Power("r", "weight", 0.75, 70).Build();
        var small = Generate(population, 50, seed: 5);
        var large = Generate(population, 100, seed: 5);
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(small.Subjects[i].Index, large.Subjects[i].Index);
            Assert.Equal(small.Subjects[i].Parameters, large.Subjects[i].Parameters);
            Assert.Equal(small.Subjects[i].ParameterSetId, large.Subjects[i].ParameterSetId);
            Assert.Equal(small.Subjects[i].Covariates.ToString(), large.Subjects[i].Covariates.ToString());
        }
        var oversampled = Generate(population, 50, seed: 5, Representation.Oversample((new Subgroup("sex", "female"), 3)));
        foreach (var subject in oversampled.Subjects)
        {
            var regenerated = oversampled.Regenerate(subject.Index);
            Assert.Equal(subject.Parameters, regenerated.Parameters);
            Assert.Equal(subject.ParameterSetId, regenerated.ParameterSetId);
            Assert.Equal(subject.SubjectId, regenerated.SubjectId);
            Assert.Equal(subject.Covariates.Numbers, regenerated.Covariates.Numbers);
            Assert.Equal(subject.Covariates.Levels, regenerated.Covariates.Levels);
            var natural = large.Subjects.FirstOrDefault(s => s.Index == subject.Index);
            if (natural is not null)
            {
                // The same candidate has the same covariates and parameters in a natural cohort of the same seed.
                Assert.Equal(natural.Parameters, subject.Parameters);
            }
        }
        Assert.Equal(small.Subjects.Count, small.Subjects.Select(s => s.SubjectId).Distinct().Count());
        Assert.NotEqual(small.CohortId, large.CohortId);
        Assert.Equal(small.CohortId, Generate(population, 50, seed: 5).CohortId);
        Assert.NotEqual(small.CohortId, Generate(population, 50, seed: 6).CohortId);
    }

    [Fact]
    public void Designs_with_unknown_covariates_or_levels_are_refused_with_the_choices()
    {
        var population = new PopulationModelBuilder(Gompertz).Build();
        var error = Assert.Throws<ArgumentException>(() => new CohortDesign(population, CovariateModel.Oncology(), 10, 1,
            Representation.Oversample((new Subgroup("ancestry", "martian"), 2))));
        Assert.Contains("european", error.Message, StringComparison.Ordinal);
        var power = new PopulationModelBuilder(Gompertz).Power("r", "height", 1, 170).Build();
        Assert.Throws<ArgumentException>(() => new CohortDesign(power, CovariateModel.Oncology(), 10, 1));
        Assert.Throws<ArgumentException>(() => new PopulationModelBuilder(Gompertz).Variability("nope", 0.1));
        Assert.Throws<ArgumentException>(() => new PopulationModelBuilder(Gompertz).Variability("r", 0.1).Variability("K", 0.1)
            .Correlation("r", "K", 0.5).Correlation("K", "V0", 0.5).Build());
        Assert.Throws<ArgumentException>(() => new CovariateModelBuilder().Categorical("sex", ("a", 0.5), ("b", 0.4)));
        Assert.Throws<ArgumentException>(() => new CovariateModelBuilder().Continuous("w", "kg", 70, 10, shifts: [new LevelShift("sex", "male", 1)]));
    }

    [Fact]
    public void Counterfactual_arms_simulate_the_same_subjects_under_each_schedule()
    {
        var model = ModelLibrary.Get("norton-simon");
        var population = new PopulationModelBuilder(model).Variability("r", 0.2).Variability("K", 0.2).Variability("eps", 0.2).Build();
        var cohort = VirtualCohort.Generate(new CohortDesign(population, CovariateModel.Oncology(), 40, 3));
        var arms = TreatmentArm.Parse(model, "control=none;weekly=model;half=every:7x6*0.5");
        var saveAt = Enumerable.Range(0, 61).Select(i => (double)i).ToArray();
        var algorithm = new Tsit5 { RelTol = 1e-8, AbsTol = 1e-10 };
        var simulation = CounterfactualSimulation.Run(cohort, arms, (0, 60), saveAt, algorithm);

        Assert.Equal(["control", "weekly", "half"], simulation.Runs.Select(r => r.Arm.Name));
        Assert.Equal(3, simulation.Runs.Select(r => r.RunId).Distinct().Count());
        for (var i = 0; i < cohort.Subjects.Count; i++)
        {
            var control = simulation["control"].Trajectory(i, "V");
            var weekly = simulation["weekly"].Trajectory(i, "V");
            var half = simulation["half"].Trajectory(i, "V");
            Assert.Equal(control[0], weekly[0]);
            // (1 − eps·C) slows growth below the plateau, so more drug never gives a larger tumour.
            Assert.True(weekly[^1] <= half[^1] && half[^1] <= control[^1], $"subject {i}: {weekly[^1]} {half[^1]} {control[^1]}");
            Assert.True(weekly[^1] < control[^1]);
        }

        // Each arm's ensemble trajectory equals a single solve of that subject with the arm's treatments
        // (both at relative tolerance 1e-8; 1e-6 relative allows for the error accumulated over 60 days and six doses).
        var subject = cohort.Subjects[7];
        var parameters = model.Parameters.Select((p, k) => (p.Name, Value: subject.Parameters[k])).ToDictionary(p => p.Name, p => p.Value);
        var single = new OdeProblem(model, (0, 60), saveAt, parameters, doses: arms[2].Treatments, includeModelTreatments: false).Solve(algorithm);
        var v = single.State("V");
        var ensemble = simulation["half"].Trajectory(7, "V");
        for (var j = 0; j < saveAt.Length; j++)
        {
            Assert.Equal(1.0, ensemble[j] / v[j], 6);
        }
        Assert.Equal(simulation.Runs.Select(r => r.RunId), CounterfactualSimulation.Run(cohort, arms, (0, 60), saveAt, algorithm).Runs.Select(r => r.RunId));
    }

    [Theory]
    [InlineData("weekly", "malformed")]
    [InlineData("a=every:7", "INTERVALxCOUNT")]
    [InlineData("a=every:7x0", "INTERVALxCOUNT")]
    [InlineData("a=at:1/x", "'x' is not a dose time")]
    [InlineData("a=sometimes", "unknown schedule")]
    [InlineData("a=none;a=model", "given twice")]
    [InlineData("a=model*-1", "dose scale")]
    public void Malformed_arm_specifications_say_what_is_wrong(string specification, string expected)
    {
        var error = Assert.Throws<FormatException>(() => TreatmentArm.Parse(ModelLibrary.Get("norton-simon"), specification));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rescheduled_arms_keep_the_model_treatments_with_a_new_schedule()
    {
        var model = ModelLibrary.Get("norton-simon");
        var arms = TreatmentArm.Parse(model, "q3=every:3x4+1;days=at:0/10/20");
        var bolus = Assert.IsType<Bolus>(arms[0].Treatments[0]);
        Assert.Equal([1.0, 4, 7, 10], bolus.Schedule.Times);
        Assert.Equal([0.0, 10, 20], arms[1].Treatments[0].Schedule.Times);
        Assert.Throws<FormatException>(() => TreatmentArm.Parse(ModelLibrary.Get("gompertz"), "a=every:7x2"));
        Assert.Empty(TreatmentArm.Parse(ModelLibrary.Get("gompertz"), "c=none")[0].Treatments);
    }
}
