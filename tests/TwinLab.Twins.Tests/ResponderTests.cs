using System.Globalization;
using System.Text.Json;
using TwinLab.Core.Randomness;
using TwinLab.TestSupport;
using TwinLab.Twins.Trials;
using TwinLab.Twins.Validation;
using Xunit.Abstractions;

namespace TwinLab.Twins.Tests;

public sealed class ResponderTests(ITestOutputHelper output)
{
    private static readonly double[] _visits = [6, 12];

    /// <summary>A marker m ~ N(0, 1) and age ~ N(60, 10) ("old" above 65, with a marker lower by 0.8 on average). Each
    /// subject's expected change under treatment is μ = −20 − 10 m + 12 u (u ~ N(0, 1) unexplained by the covariates);
    /// the early visits see a quarter and a half of it with noise 3, and the final change μ with noise 6. Under control
    /// the early changes are a third of the treated ones and the final change 0.6 times the treated one (plus noise 1).
    /// Response: a final change below −30.</summary>
    private static SubjectGenerator Population(bool runIn = false) => (ref RandomStream s) =>
    {
        var age = 60 + (10 * s.NextNormal());
        var old = age > 65;
        var marker = (old ? -0.8 : 0) + s.NextNormal();
        var mu = -20 - (10 * marker) + (12 * s.NextNormal());
        double[] treated = [(0.25 * mu) + (3 * s.NextNormal()), (0.5 * mu) + (3 * s.NextNormal())];
        double[] control = runIn ? treated : [(treated[0] / 3) + s.NextNormal(), (treated[1] / 3) + s.NextNormal()];
        var final = mu + (6 * s.NextNormal());
        return new TrialSubject([age, marker], (0.6 * final) + s.NextNormal(), final, old ? "old" : "young")
        {
            Early = new EarlyMeasurements(_visits, control, treated),
        };
    };

    private static readonly ResponderEndpoint _response = new(-30);

    [Fact]
    public void Responder_model_matches_scikit_learn_logistic_regression_with_the_same_penalty()
    {
        var training = InSilicoTrial.Draw(Population(), 400, seed: 3, "test.responder.training");
        var heldOut = InSilicoTrial.Draw(Population(), 300, seed: 3, "test.responder.heldout");
        const double c = 0.05; // strong enough that the penalty visibly shrinks the coefficients
        var model = EarlyResponderModel.Fit(training, _response, new EarlyResponderOptions { InverseRegularization = c });
        Assert.Equal(["covariate 1", "covariate 2", "visit at 6", "visit at 12"], model.FeatureNames);
        double[][] Raw(IReadOnlyList<TrialSubject> subjects) =>
            [.. subjects.Select(s => new[] { s.Covariates[0], s.Covariates[1], s.Early!.Treated[0], s.Early.Treated[1] })];
        const string script = """
import json, sys, numpy as np
from sklearn.linear_model import LogisticRegression
d = json.load(sys.stdin)
x = np.array(d["x"]); y = np.array(d["y"]); h = np.array(d["h"])
m = x.mean(axis=0); s = x.std(axis=0)          # population sd (divisor n), as the model standardises
fit = LogisticRegression(C=d["c"], solver="newton-cg", tol=1e-12, max_iter=10000).fit((x - m) / s, y)
print(json.dumps({"coef": fit.coef_[0].tolist(), "intercept": float(fit.intercept_[0]),
                  "p": fit.predict_proba((h - m) / s)[:, 1].tolist(),
                  "plain": LogisticRegression(C=1e6, solver="newton-cg", tol=1e-12, max_iter=10000).fit((x - m) / s, y).coef_[0].tolist()}))
""";
        var input = JsonSerializer.Serialize(new { x = Raw(training), y = training.Select(s => model.Responds(s) ? 1 : 0), h = Raw(heldOut), c });
        var expected = JsonSerializer.Deserialize<JsonElement>(DebianPython.Run(script, input));
        var coefficients = expected.GetProperty("coef").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"TwinLab {string.Join(", ", model.Coefficients.Select(v => v.ToString("F8", CultureInfo.InvariantCulture)))} | {model.Intercept:F8}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sklearn {string.Join(", ", coefficients.Select(v => v.ToString("F8", CultureInfo.InvariantCulture)))} | {expected.GetProperty("intercept").GetDouble():F8}"));
        // Both minimise the same strictly convex objective to a gradient of 1e-10 (TwinLab) and 1e-12 (newton-cg): the
        // minimisers agree to far better than 1e-6.
        for (var j = 0; j < 4; j++)
        {
            Assert.Equal(coefficients[j], model.Coefficients[j], 1e-6);
        }
        Assert.Equal(expected.GetProperty("intercept").GetDouble(), model.Intercept, 1e-6);
        var p = expected.GetProperty("p").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (var i = 0; i < heldOut.Count; i++)
        {
            Assert.Equal(p[i], model.Predict(heldOut[i]), 1e-6);
        }
        // The penalty matters at this C: the almost unpenalised coefficients of the later visit are much larger.
        var plain = expected.GetProperty("plain").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.True(Math.Abs(plain[3]) > 1.5 * Math.Abs(model.Coefficients[3]));
        // The later visit carries more of the final response than the first (a half against a quarter of μ).
        Assert.True(model.Coefficients[3] < model.Coefficients[2] && model.Coefficients[3] < 0);
    }

    [Fact]
    public void Discrimination_and_calibration_scores_match_scikit_learn()
    {
        var training = InSilicoTrial.Draw(Population(), 1500, seed: 5, "test.responder.training");
        var heldOut = InSilicoTrial.Draw(Population(), 2000, seed: 5, "test.responder.heldout");
        var model = EarlyResponderModel.Fit(training, _response);
        var report = model.Evaluate(heldOut);
        var (probabilities, responded) = model.Predictions(heldOut);
        const string script = """
import json, sys, numpy as np
from scipy.optimize import brentq
from sklearn.calibration import calibration_curve
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
d = json.load(sys.stdin); p = np.array(d["p"]); y = np.array(d["y"])
true, pred = calibration_curve(y, p, n_bins=10, strategy="uniform")
counts = np.histogram(p, bins=np.linspace(0, 1, 11))[0]
nonempty = counts[counts > 0]
logit = np.log(p / (1 - p))
slope = LogisticRegression(penalty=None, solver="newton-cg", tol=1e-12, max_iter=10000).fit(logit[:, None], y).coef_[0][0]
intercept = brentq(lambda a: np.sum(y - 1 / (1 + np.exp(-(a + logit)))), -20, 20, xtol=1e-14)
print(json.dumps({"auc": roc_auc_score(y, p), "brier": brier_score_loss(y, p), "true": true.tolist(), "pred": pred.tolist(),
                  "counts": nonempty.tolist(), "ece": float(np.sum(nonempty * np.abs(true - pred)) / len(p)),
                  "slope": float(slope), "intercept": float(intercept)}))
""";
        var input = JsonSerializer.Serialize(new { p = probabilities, y = responded.Select(r => r ? 1 : 0) });
        var expected = JsonSerializer.Deserialize<JsonElement>(DebianPython.Run(script, input));
        double[] Array(string name) => [.. expected.GetProperty(name).EnumerateArray().Select(e => e.GetDouble())];
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"AUC {report.Auc:F6} (sklearn {expected.GetProperty("auc").GetDouble():F6}), Brier {report.BrierScore:F6} ({expected.GetProperty("brier").GetDouble():F6}), " +
            $"ECE {report.ExpectedCalibrationError:F6} ({expected.GetProperty("ece").GetDouble():F6}), intercept {report.Calibration.Intercept:F6} ({expected.GetProperty("intercept").GetDouble():F6}), " +
            $"slope {report.Calibration.Slope:F6} ({expected.GetProperty("slope").GetDouble():F6}), responders {report.Events}/{report.Count}"));
        // Same sums in another order: 1e-12.
        Assert.Equal(expected.GetProperty("auc").GetDouble(), report.Auc, 1e-12);
        Assert.Equal(expected.GetProperty("brier").GetDouble(), report.BrierScore, 1e-12);
        var bins = report.Bins.Where(b => b.Count > 0).ToArray();
        Assert.Equal(Array("counts"), bins.Select(b => (double)b.Count));
        Assert.Equal(Array("true"), bins.Select(b => b.ObservedFrequency), (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Equal(Array("pred"), bins.Select(b => b.MeanProbability), (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Equal(expected.GetProperty("ece").GetDouble(), report.ExpectedCalibrationError, 1e-12);
        // Newton to a gradient of 1e-10 n against newton-cg (tol 1e-12) and Brent (1e-14): the maximisers agree to 1e-6.
        Assert.Equal(expected.GetProperty("slope").GetDouble(), report.Calibration.Slope, 1e-6);
        Assert.Equal(expected.GetProperty("intercept").GetDouble(), report.Calibration.Intercept, 1e-6);
        Assert.Equal(0, report.Calibration.Excluded);
        // A model fitted on 1500 subjects of the same population is close to calibrated on new ones: intercept within
        // ±0.25 and slope within 0.8–1.2 (the spread of these estimates at 2000 subjects is about 0.06 and 0.06), ECE
        // under 0.05; and the early visits discriminate well (AUC above 0.85; the population's signal-to-noise sets ~0.9).
        Assert.InRange(report.Calibration.Intercept, -0.25, 0.25);
        Assert.InRange(report.Calibration.Slope, 0.8, 1.2);
        Assert.True(report.ExpectedCalibrationError < 0.05);
        Assert.True(report.Auc > 0.85);
        Assert.True(report.BrierScore < report.BrierOfPrevalence);
        // Baseline covariates alone discriminate less than covariates with the early visits.
        var baselineOnly = EarlyResponderModel.Fit(training, _response, new EarlyResponderOptions { Visits = 0 }).Evaluate(heldOut);
        Assert.True(baselineOnly.Auc < report.Auc - 0.05);
    }

    [Fact]
    public void Calibration_line_and_expected_calibration_error_by_hand()
    {
        // Four forecasts of 0.2 with one event and four of 0.8 with three: the line through both groups' observed
        // log-odds has logit(0.25) = a + b logit(0.2) and logit(0.75) = a + b logit(0.8), so a = 0 and
        // b = ln 3 / ln 4 = 0.792481; the intercept with slope 1 is 0 by symmetry; ECE = (4·0.05 + 4·0.05)/8 = 0.05.
        // A forecast of exactly 0 and one of 1 have no logit: left out of the line and counted.
        double[] p = [0.2, 0.2, 0.2, 0.2, 0.8, 0.8, 0.8, 0.8, 0, 1];
        bool[] y = [true, false, false, false, true, true, true, false, false, true];
        var line = ForecastSkill.CalibrationLine(p, y);
        Assert.Equal(Math.Log(3) / Math.Log(4), line.Slope, 1e-9);
        Assert.Equal(0, line.Intercept, 1e-9);
        Assert.Equal((8, 2), (line.Used, line.Excluded));
        Assert.Equal(0.05, ForecastSkill.ExpectedCalibrationError(ForecastSkill.Reliability(p[..8], y[..8])), 1e-12);
        // All forecasts 0.5 with three events of four: the intercept is logit(3/4) = ln 3; the slope is undefined.
        var flat = ForecastSkill.CalibrationLine([0.5, 0.5, 0.5, 0.5], [true, true, true, false]);
        Assert.Equal(Math.Log(3), flat.Intercept, 1e-9);
        Assert.True(double.IsNaN(flat.Slope));
        // The report needs both outcomes.
        Assert.Throws<ArgumentException>(() => ForecastSkill.EvaluateProbabilities([0.2, 0.4], [false, false]));
    }

    [Fact]
    public void Enrichment_by_predicted_response_trades_power_against_representation()
    {
        // A criterion screens before randomisation, so its model uses baseline covariates only.
        var training = InSilicoTrial.Draw(Population(), 2000, seed: 7, "test.responder.training");
        var model = EarlyResponderModel.Fit(training, _response, new EarlyResponderOptions { Visits = 0 });
        const double threshold = 0.3; // fixed before any trial is simulated
        var criterion = model.Criterion(threshold);
        Assert.Equal("predicted response ≥ 0.3", criterion.Name);
        var design = new TrialDesign(20, 20);
        var points = DesignExploration.Eligibility(Population(), design, [new EligibilityCriterion("all comers", null), criterion],
            _response, 300, seed: 8);
        var (all, enriched) = (points[0], points[1]);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"power {all.Power:F3} -> {enriched.Power:F3}, screened {all.ScreenedPerTrial:F1} -> {enriched.ScreenedPerTrial:F1}, " +
            $"old excluded {enriched.ExcludedShare["old"]:F3}, young excluded {enriched.ExcludedShare["young"]:F3}"));
        // Enrolling likely responders raises the treated response rate far more than the control rate: more power.
        Assert.True(enriched.Power > all.Power + 0.1);
        // Who is excluded: a large independent sample gives each subgroup's share predicted below the threshold; the
        // simulated exclusion shares agree within 4 binomial standard errors of the screened counts.
        var reference = InSilicoTrial.Draw(Population(), 20000, seed: 9, "test.responder.reference");
        foreach (var group in new[] { "old", "young" })
        {
            var members = reference.Where(s => s.Subgroup == group).ToArray();
            var share = members.Count(s => model.Predict(s) < threshold) / (double)members.Length;
            var screened = enriched.PopulationShare[group] * enriched.ScreenedPerTrial * 300;
            var se = Math.Sqrt((share * (1 - share) / screened) + (share * (1 - share) / members.Length));
            Assert.InRange(enriched.ExcludedShare[group], share - (4 * se), share + (4 * se));
        }
        // Older subjects carry less of the marker, respond less and are excluded more: under-represented after enrichment.
        Assert.True(enriched.ExcludedShare["old"] > enriched.ExcludedShare["young"]);
        Assert.True(enriched.EnrolledShare["old"] < enriched.PopulationShare["old"] - 0.05);

        // A model that uses on-treatment early visits cannot screen subjects before randomisation...
        var early = EarlyResponderModel.Fit(training, _response);
        var error = Assert.Throws<InvalidOperationException>(() => DesignExploration.Eligibility(Population(), design, [early.Criterion(threshold)], _response, 2, seed: 8));
        Assert.Contains("not known when a subject is screened", error.Message, StringComparison.Ordinal);
        // ...but can with run-in measurements, the same under both arms.
        var runIn = EarlyResponderModel.Fit(InSilicoTrial.Draw(Population(runIn: true), 500, seed: 7, "test.responder.training"), _response);
        Assert.Single(DesignExploration.Eligibility(Population(runIn: true), design, [runIn.Criterion(threshold)], _response, 2, seed: 8));
    }

    [Fact]
    public void The_control_arm_model_uses_control_outcomes_and_control_visits()
    {
        var training = InSilicoTrial.Draw(Population(), 1000, seed: 2, "test.responder.training");
        var model = EarlyResponderModel.Fit(training, _response, new EarlyResponderOptions { TreatedArm = false, UseCovariates = false });
        Assert.Equal(["visit at 6", "visit at 12"], model.FeatureNames);
        Assert.Equal(training.Count(s => s.ControlOutcome < -30), model.TrainingResponders);
        Assert.Equal(1000, model.TrainingCount);
        // The standardisation uses the control visits: their training means and population standard deviations (the
        // same sums in another order: 1e-9).
        var visit = training.Select(s => s.Early!.Control[1]).ToArray();
        var mean = visit.Average();
        Assert.Equal(mean, model.FeatureMeans[1], 1e-9);
        Assert.Equal(Math.Sqrt(visit.Sum(v => (v - mean) * (v - mean)) / visit.Length), model.FeatureScales[1], 1e-9);
        // Changing a subject's treated visits leaves its control-arm prediction unchanged.
        var subject = training[0];
        var altered = subject with { Early = subject.Early! with { Treated = [100, 100] } };
        Assert.Equal(model.Predict(subject), model.Predict(altered));
    }

    [Fact]
    public void Bad_training_data_is_refused_with_the_reason()
    {
        var training = InSilicoTrial.Draw(Population(), 100, seed: 1, "test.responder.training");
        Assert.Contains("non-responders", Assert.Throws<ArgumentException>(() => EarlyResponderModel.Fit(training, new ResponderEndpoint(-1e6))).Message, StringComparison.Ordinal);
        var constant = training.Select(s => s with { Covariates = [1.0, s.Covariates[1]] }).ToArray();
        Assert.Contains("covariate 1", Assert.Throws<ArgumentException>(() => EarlyResponderModel.Fit(constant, _response)).Message, StringComparison.Ordinal);
        var noEarly = training.Select(s => s with { Early = null }).ToArray();
        Assert.Contains("no early measurements", Assert.Throws<ArgumentException>(() => EarlyResponderModel.Fit(noEarly, _response)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => EarlyResponderModel.Fit(training, _response, new EarlyResponderOptions { Visits = 3 }));
        Assert.Throws<ArgumentException>(() => EarlyResponderModel.Fit(training, _response, new EarlyResponderOptions { InverseRegularization = 0 }));
        var model = EarlyResponderModel.Fit(training, _response);
        Assert.Throws<ArgumentException>(() => model.Predict(training[0] with { Early = new EarlyMeasurements([6, 13], [0, 0], [0, 0]) }));
        Assert.Throws<ArgumentException>(() => model.Criterion(1));
    }
}
