using TwinLab.Core.Library;
using TwinLab.Core.Randomness;
using TwinLab.Simulation;
using TwinLab.Synthetic.Cohorts;
using TwinLab.Synthetic.Observation;
using TwinLab.Synthetic.Tests.Cohorts;

namespace TwinLab.Synthetic.Tests.Observation;

public sealed class ObservationTests
{
    private static readonly double[] Daily = [.. Enumerable.Range(0, 85).Select(i => (double)i)];

    /// <summary>Untreated Gompertz growth over 84 days for <paramref name="size"/> subjects.</summary>
    private static (VirtualCohort Cohort, ArmRun Run) Simulate(int size, double omegaR = 0.5, double omegaV0 = 0.3, ulong seed = 21)
    {
        var model = ModelLibrary.Get("gompertz");
        var population = new PopulationModelBuilder(model).Variability("r", omegaR).Variability("V0", omegaV0).Build();
        var cohort = VirtualCohort.Generate(new CohortDesign(population, CovariateModel.Oncology(), size, seed));
        var simulation = CounterfactualSimulation.Run(cohort, [TreatmentArm.Untreated()], (0, 84), Daily, new Tsit5 { RelTol = 1e-8, AbsTol = 1e-10 });
        return (cohort, simulation.Runs[0]);
    }

    private static readonly Endpoint Volume = new("tumour_volume", "V", "mm3");

    public static TheoryData<string> ErrorModels => ["additive", "proportional", "combined", "lognormal"];

    [Theory]
    [MemberData(nameof(ErrorModels))]
    public void Residual_errors_match_their_definitions(string kind)
    {
        var error = kind switch
        {
            "additive" => ResidualError.Additive(2),
            "proportional" => ResidualError.Proportional(0.1),
            "combined" => ResidualError.Combined(2, 0.1),
            _ => ResidualError.LogNormal(0.2),
        };
        const int N = 20_000;
        var stream = RandomStream.For(99, "test.residuals");
        var truth = RandomStream.For(99, "test.truth");
        var standardised = new double[N];
        for (var i = 0; i < N; i++)
        {
            var f = Math.Exp(Math.Log(10) + (truth.NextDouble() * Math.Log(100)));   // f spans 10 to 1000
            var y = error.Observe(f, ref stream);
            standardised[i] = kind switch
            {
                "additive" => (y - f) / 2,
                "proportional" => (y - f) / (0.1 * f),
                "combined" => (y - f) / Math.Sqrt(4 + (0.01 * f * f)),
                _ => Math.Log(y / f) / 0.2,
            };
            Assert.Equal(kind == "lognormal" ? 0.2 : Math.Abs(y - f) / Math.Abs(standardised[i]), error.StandardDeviation(f), 9);
        }
        // Standardised residuals are N(0, 1): the mean within 4/sqrt(n), the variance within 4·sqrt(2/n) of 1, and a KS
        // test against scipy's standard normal (fixed seed; 1e-3 is the false-alarm rate of a correct model).
        var mean = standardised.Average();
        var variance = standardised.Sum(z => (z - mean) * (z - mean)) / (N - 1);
        Assert.InRange(mean, -4 / Math.Sqrt(N), 4 / Math.Sqrt(N));
        Assert.InRange(variance, 1 - (4 * Math.Sqrt(2.0 / N)), 1 + (4 * Math.Sqrt(2.0 / N)));
        var p = Scipy.KsPValue(standardised, "stats.norm(0, 1)");
        Assert.True(p > 1e-3, $"KS p-value {p}");
    }

    [Fact]
    public void Censored_values_are_flagged_never_dropped_and_missed_visits_are_recorded()
    {
        var (cohort, run) = Simulate(500, omegaV0: 1.0);
        var visits = VisitSchedule.Every(0, 77, 7, jitter: 2, missProbability: 0.2);
        var plain = new DataSource("trial", Volume, visits, ResidualError.Additive(5));
        var limited = plain with { Lloq = 20 };
        var asMissing = limited with { Censored = CensoredValue.Missing };

        var raw = ObservationModel.Observe(cohort, run, plain);
        var censored = ObservationModel.Observe(cohort, run, limited);
        var missing = ObservationModel.Observe(cohort, run, asMissing);

        Assert.Equal(500 * 12, censored.Records.Count);
        Assert.Equal(censored.Records.Count, censored.Summary.Scheduled);
        // The limit does not change the draws: a value is censored exactly when the uncensored value is below it.
        var expectedCensored = 0;
        for (var i = 0; i < raw.Records.Count; i++)
        {
            var r = raw.Records[i];
            var c = censored.Records[i];
            var m = missing.Records[i];
            Assert.Equal(r.Status, c.Status);
            if (r.Status != ObservationStatus.Observed)
            {
                Assert.Null(c.Value);
                continue;
            }
            var below = r.Value < 20;
            expectedCensored += below ? 1 : 0;
            Assert.Equal(below, c.Censored);
            Assert.Equal(below ? 20 : r.Value, c.Value);
            Assert.Equal(below ? null : r.Value, m.Value);
            Assert.Equal(below, m.Censored);
            Assert.Equal(20, c.Lloq);
        }
        Assert.True(expectedCensored > 50, $"{expectedCensored} censored values: the test needs some");
        Assert.Equal(expectedCensored, censored.Summary.Censored);

        // Missed visits: Binomial(500·11, 0.2) after baseline; 4 standard deviations.
        var afterBaseline = 500 * 11;
        var se = Math.Sqrt(afterBaseline * 0.2 * 0.8);
        Assert.InRange(censored.Summary.Missed, (afterBaseline * 0.2) - (4 * se), (afterBaseline * 0.2) + (4 * se));
        Assert.Equal(censored.Summary.Missed, censored.Records.Count(r => r.Status == ObservationStatus.Missed));
        Assert.All(censored.Records.Where(r => r.Visit == 0), r => Assert.Equal(ObservationStatus.Observed, r.Status));

        // Jitter: within ±2 days, baseline exact; the true value is the trajectory interpolated at the actual time.
        foreach (var r in censored.Records.Where(r => r.Status == ObservationStatus.Observed))
        {
            Assert.InRange(r.Time!.Value, r.NominalTime - 2, r.NominalTime + 2);
            var subject = cohort.Subjects.ToList().FindIndex(s => s.SubjectId == r.SubjectId);
            Assert.Equal(ObservationModel.Interpolate(Daily, run.Trajectory(subject, "V"), r.Time.Value), r.TrueValue!.Value, 9);
        }
        Assert.Equal(0, censored.Records.Where(r => r.Visit == 0).Count(r => r.Time != 0));
        var jitters = censored.Records.Where(r => r.Visit > 0 && r.Time is not null).Select(r => (r.Time!.Value - r.NominalTime + 2) / 4).ToArray();
        var p = Scipy.KsPValue(jitters, "stats.uniform(0, 1)");
        Assert.True(p > 1e-3, $"jitter KS p-value {p}");
    }

    [Fact]
    public void Observation_is_reproducible_and_records_carry_their_identity()
    {
        var (cohort, run) = Simulate(30);
        var source = new DataSource("trial", Volume, VisitSchedule.Every(0, 80, 10, 2, 0.1), ResidualError.Combined(1, 0.1)) { Dropout = DropoutModel.Mcar(0.05) };
        var first = ObservationModel.Observe(cohort, run, source);
        var second = ObservationModel.Observe(cohort, run, source);
        Assert.Equal(first.Records, second.Records);
        Assert.Equal(first.Records.Count, first.Records.Select(r => r.RecordId).Distinct().Count());
        foreach (var record in first.Records)
        {
            Assert.Equal(cohort.Model.Digest, record.ModelDigest);
            Assert.Equal(21UL, record.Seed);
            Assert.Equal(run.RunId, record.RunId);
            var regenerated = cohort.Regenerate(record.SubjectIndex);
            Assert.Equal(record.SubjectId, regenerated.SubjectId);
            Assert.Equal(record.ParameterSetId, regenerated.ParameterSetId);
        }
        // Another source observes the same subjects with its own streams.
        var other = ObservationModel.Observe(cohort, run, source with { Name = "registry" });
        Assert.NotEqual(first.Records.Select(r => r.Value), other.Records.Select(r => r.Value));
    }

    [Fact]
    public void Mcar_dropout_matches_its_analytic_rate()
    {
        var (cohort, run) = Simulate(2000);
        var source = new DataSource("trial", Volume, VisitSchedule.Every(0, 77, 7), ResidualError.Proportional(0.1)) { Dropout = DropoutModel.Mcar(0.1) };
        var data = ObservationModel.Observe(cohort, run, source);
        // Hazard 0.1 before each of the 11 visits after baseline: P(drop out) = 1 − 0.9^11; 4 binomial standard errors.
        var expected = 1 - Math.Pow(0.9, 11);
        var se = Math.Sqrt(expected * (1 - expected) / 2000);
        Assert.InRange(data.Summary.SubjectsDroppedOut / 2000.0, expected - (4 * se), expected + (4 * se));
        // Every visit after a dropout is recorded as such, and none is observed.
        foreach (var subject in data.Records.GroupBy(r => r.SubjectId))
        {
            var statuses = subject.OrderBy(r => r.Visit).Select(r => r.Status).ToList();
            var firstDropout = statuses.IndexOf(ObservationStatus.DroppedOut);
            if (firstDropout >= 0)
            {
                Assert.All(statuses.Skip(firstDropout), s => Assert.Equal(ObservationStatus.DroppedOut, s));
            }
        }
        // The expected number of visits lost: Σₖ P(dropped before visit k) = Σ_{k=1}^{11} (1 − 0.9^k) per subject.
        var visitsLost = 2000 * Enumerable.Range(1, 11).Sum(k => 1 - Math.Pow(0.9, k));
        Assert.InRange(data.Summary.DroppedOut, visitsLost * 0.9, visitsLost * 1.1);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Mar_and_mnar_dropout_match_the_expected_count_given_the_values(bool notAtRandom)
    {
        var (cohort, run) = Simulate(2000);
        // MAR on exact observations (no error): logit hₖ = −4 + 0.001·y(t_{k−1}); MNAR with measurement error: the hazard
        // uses the true, unobserved volume at visit k, logit hₖ = −4 + 0.001·V(tₖ).
        var source = notAtRandom
            ? new DataSource("trial", Volume, VisitSchedule.Every(0, 77, 7), ResidualError.Additive(200)) { Dropout = DropoutModel.Mnar("V", -4, 0.001) }
            : new DataSource("trial", Volume, VisitSchedule.Every(0, 77, 7), ResidualError.None) { Dropout = DropoutModel.Mar(-4, 0.001) };
        var data = ObservationModel.Observe(cohort, run, source);
        double expected = 0, variance = 0;
        for (var i = 0; i < cohort.Subjects.Count; i++)
        {
            var v = run.Trajectory(i, "V");
            var stay = 1.0;
            for (var k = 1; k <= 11; k++)
            {
                var x = notAtRandom ? v[7 * k] : v[7 * (k - 1)];
                stay *= 1 - DropoutModel.Logistic(-4 + (0.001 * x));
            }
            expected += 1 - stay;
            variance += stay * (1 - stay);
        }
        // The count of dropouts is a sum of independent Bernoulli(pᵢ): 4 standard deviations of the sum.
        Assert.InRange(data.Summary.SubjectsDroppedOut, expected - (4 * Math.Sqrt(variance)), expected + (4 * Math.Sqrt(variance)));
        Assert.True(expected > 200, "the test needs a substantial dropout rate");
    }

    [Fact]
    public void Sources_with_different_endpoints_and_units_are_harmonised_with_a_report()
    {
        var (cohort, run) = Simulate(200, omegaV0: 1.0);
        var trial = new DataSource("trial", Volume, VisitSchedule.Every(0, 84, 7), ResidualError.Proportional(0.1)) { Lloq = 30 };
        var registry = new DataSource("registry", new Endpoint("tumour_diameter", "V", "mm", EndpointTransform.SphereDiameter),
            VisitSchedule.Every(0, 81, 27, jitter: 3), ResidualError.Additive(0.5)) { Lloq = 3 };
        var imaging = new DataSource("imaging", new Endpoint("tumour_volume", "V", "cm3", Factor: 0.001), VisitSchedule.Every(0, 84, 14), ResidualError.LogNormal(0.05));
        var records = new[] { trial, registry, imaging }.SelectMany(s => ObservationModel.Observe(cohort, run, s).Records).ToList();

        var harmoniser = new Harmoniser("tumour_volume", "mm3") { CommonLloq = true }
            .Add(ConversionRule.DiameterToVolume("tumour_diameter", "mm", "tumour_volume", "mm3"))
            .Add(ConversionRule.Unit("tumour_volume", "cm3", "mm3", 1000));
        var result = harmoniser.Harmonise(records);

        Assert.Equal(records.Count, result.Records.Count);
        Assert.All(result.Records, r => Assert.Equal(("tumour_volume", "mm3"), (r.Endpoint, r.Unit)));
        Assert.Equal(records.Count(r => r.Source == "registry"), result.Report.Count("tumour_diameter [mm] → tumour_volume [mm3]"));
        Assert.Equal(records.Count(r => r.Source == "imaging"), result.Report.Count("tumour_volume: cm3 → mm3"));
        Assert.Equal(records.Count(r => r.Source == "trial"), result.Report.Unchanged);

        // Converted true values are the model's volume again: π/6·(6V/π) = V, and 1000·0.001·V = V.
        for (var i = 0; i < records.Count; i++)
        {
            if (result.Records[i].TrueValue is { } v)
            {
                var subject = cohort.Subjects.ToList().FindIndex(s => s.SubjectId == records[i].SubjectId);
                Assert.Equal(1.0, v / ObservationModel.Interpolate(Daily, run.Trajectory(subject, "V"), records[i].Time!.Value), 12);
            }
        }

        // The common limit is the highest after conversion: max(30, π·3³/6 ≈ 14.1) = 30 mm3. Registry values between
        // 14.1 and 30 become censored; the report counts exactly those.
        var newlyCensored = records.Where(r => r.Source == "registry" && r.Status == ObservationStatus.Observed && !r.Censored)
            .Count(r => Math.PI * Math.Pow(r.Value!.Value, 3) / 6 < 30);
        Assert.True(newlyCensored > 0, "the test needs values between the two limits");
        Assert.Equal(newlyCensored, result.Report.Steps.Single(s => s.Source == "registry" && s.Rule.EndsWith("values newly censored", StringComparison.Ordinal)).Records);
        Assert.All(result.Records.Where(r => r.Censored), r => Assert.True(r.Value is null || r.Value == 30));
        Assert.All(result.Records.Where(r => r.Status == ObservationStatus.Observed && !r.Censored), r => Assert.True(r.Value >= 30));

        // A source that no rule maps is an error that names it, never a silent drop.
        var error = Assert.Throws<InvalidOperationException>(() => new Harmoniser("tumour_volume", "mm3")
            .Add(ConversionRule.DiameterToVolume("tumour_diameter", "mm", "tumour_volume", "mm3")).Harmonise(records));
        Assert.Contains($"tumour_volume [cm3] from imaging: {records.Count(r => r.Source == "imaging")} records", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Visits_outside_the_simulated_span_are_refused()
    {
        var (cohort, run) = Simulate(5);
        var source = new DataSource("late", Volume, VisitSchedule.Every(0, 100, 7), ResidualError.None);
        var error = Assert.Throws<ArgumentException>(() => ObservationModel.Observe(cohort, run, source));
        Assert.Contains("outside the saved times", error.Message, StringComparison.Ordinal);
    }
}
