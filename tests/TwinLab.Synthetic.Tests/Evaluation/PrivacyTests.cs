using TwinLab.Synthetic.Evaluation;

namespace TwinLab.Synthetic.Tests.Evaluation;

public class PrivacyTests
{
    private static double Value(IReadOnlyList<MetricScore> scores, string metric) => scores.Single(s => s.Metric == metric).Value;

    [Fact]
    public void Copies_of_the_training_data_raise_every_privacy_alarm()
    {
        var train = TestTables.Mixed(1000, 1);
        var holdout = TestTables.Mixed(1000, 2);
        var copies = new PrivacyMetrics(7).Evaluate(new EvaluationData(train, train, holdout));
        var fresh = new PrivacyMetrics(7).Evaluate(new EvaluationData(train, TestTables.Mixed(1000, 3), holdout));

        Assert.Equal(0.0, Value(copies, "DCR.Median"));
        Assert.Equal(0.0, Value(copies, "DCR.BaselineRatio"));
        Assert.Equal(1.0, Value(copies, "DCR.CloserToTrainShare"));
        Assert.Equal(0.0, Value(copies, "NNDR.Mean"));
        Assert.Equal(1.0, Value(copies, "Identifiability"));
        // Members are at distance 0 from a synthetic record, non-members almost never are.
        Assert.True(Value(copies, "MembershipInference.AUC") > 0.99);

        // An independent sample of the same distribution: DCR as large as the holdout's, about half of the synthetic
        // records closer to train than to holdout (binomial sd = √(0.25/1000) ≈ 0.016, so ±0.08 is five sd) and an
        // attack AUC near 0.5 (its sd for 1000 vs 1000 is about 0.013).
        Assert.InRange(Value(fresh, "DCR.BaselineRatio"), 0.8, 1.25);
        Assert.InRange(Value(fresh, "DCR.CloserToTrainShare"), 0.42, 0.58);
        Assert.InRange(Value(fresh, "MembershipInference.AUC"), 0.44, 0.56);
        Assert.True(Value(fresh, "Identifiability") < 0.6);
        Assert.True(Value(fresh, "NNDR.Mean") > 0.5);
    }

    [Fact]
    public void Results_do_not_depend_on_the_thread_count()
    {
        var data = new EvaluationData(TestTables.Mixed(700, 1), TestTables.Mixed(500, 2), TestTables.Mixed(600, 3));
        var one = new PrivacyMetrics(5) { MaxDegreeOfParallelism = 1 }.Evaluate(data);
        var two = new PrivacyMetrics(5) { MaxDegreeOfParallelism = 2 }.Evaluate(data);
        Assert.Equal(one, two);
        Assert.Equal(new AlphaPrecision(5) { MaxDegreeOfParallelism = 1 }.Evaluate(data), new AlphaPrecision(5) { MaxDegreeOfParallelism = 3 }.Evaluate(data));
    }

    [Fact]
    public void DCR_NNDR_and_identifiability_match_sklearn_neighbour_computations()
    {
        var train = TestTables.Mixed(400, 11, numeric: 3);
        var syn = TestTables.Mixed(300, 12, numeric: 3, shift: 0.2);
        var holdout = TestTables.Mixed(400, 13, numeric: 3);
        var scores = new PrivacyMetrics(7).Evaluate(new EvaluationData(train, syn, holdout));
        var encoder = RecordEncoder.Fit(train);
        var weights = PrivacyMetrics.FeatureWeights(train, encoder, IdentifiabilityWeighting.InverseEntropy);
        // The reference computes entropies itself from the raw columns (np.round, scipy.stats.entropy) and runs sklearn.
        var raw = train.Columns.Select(c => c.Kind == ColumnKind.Numeric ? (object)c.Numbers.ToArray() : c.Labels.ToArray()).ToArray();
        var widths = train.Columns.Select(c => c.Kind == ColumnKind.Numeric ? 1 : c.Labels.ToArray().Distinct().Count() + 1).ToArray();
        var r = TestTables.Python("""
from sklearn.neighbors import NearestNeighbors
from scipy.stats import entropy
T, S, H = (np.array(inp[k]) for k in ("train", "syn", "hold"))
nn = NearestNeighbors(n_neighbors=2).fit(T)
ds, _ = nn.kneighbors(S)
dh, _ = nn.kneighbors(H)
w = []
for col, width in zip(inp["raw"], inp["widths"]):
    if isinstance(col[0], str):
        _, counts = np.unique(np.array(col), return_counts=True)
    else:
        _, counts = np.unique(np.round(np.array(col)), return_counts=True)
    w += [1.0 / max(entropy(counts), 1e-16)] * width
w = np.array(w)
Tw, Sw = T * w, S * w
d_rr, _ = NearestNeighbors(n_neighbors=2).fit(Tw).kneighbors(Tw)
d_rs, _ = NearestNeighbors(n_neighbors=1).fit(Sw).kneighbors(Tw)
ident = float(np.mean(d_rs[:, 0] - d_rr[:, 1] < 0))
from sklearn.metrics import roc_auc_score
nn_syn = NearestNeighbors(n_neighbors=1).fit(S)
member = np.r_[np.ones(len(T)), np.zeros(len(H))]
closeness = -np.r_[nn_syn.kneighbors(T)[0][:, 0], nn_syn.kneighbors(H)[0][:, 0]]
to_hold = NearestNeighbors(n_neighbors=1).fit(H).kneighbors(S)[0][:, 0]
closer = float(np.mean(np.where(ds[:, 0] < to_hold, 1.0, np.where(ds[:, 0] == to_hold, 0.5, 0.0))))
print(json.dumps({"dcr": float(np.median(ds[:, 0])), "base": float(np.median(dh[:, 0])),
  "nndr": float(np.mean(np.where(ds[:, 1] > 0, ds[:, 0] / np.where(ds[:, 1] > 0, ds[:, 1], 1), 0))),
  "ident": ident, "w": w.tolist(), "mia": roc_auc_score(member, closeness), "closer": closer}))
""", new
        {
            train = TestTables.Nested(encoder.Encode(train)),
            syn = TestTables.Nested(encoder.Encode(syn)),
            hold = TestTables.Nested(encoder.Encode(holdout)),
            raw,
            widths,
        });
        var expectedWeights = TestTables.Doubles(r.GetProperty("w"));
        Assert.Equal(expectedWeights.Length, weights.Length);
        for (var i = 0; i < weights.Length; i++)
        {
            Assert.Equal(expectedWeights[i], weights[i], 12); // entropies of the same counts: summation order only
        }
        // Medians and means of distances that agree to ~1e-15 each (see the neighbour test).
        Assert.Equal(r.GetProperty("dcr").GetDouble(), Value(scores, "DCR.Median"), 9);
        Assert.Equal(r.GetProperty("base").GetDouble(), Value(scores, "DCR.HoldoutBaseline"), 9);
        Assert.Equal(r.GetProperty("nndr").GetDouble(), Value(scores, "NNDR.Mean"), 9);
        // A share of records: identical unless a distance comparison ties within rounding, which continuous data avoid.
        Assert.Equal(r.GetProperty("ident").GetDouble(), Value(scores, "Identifiability"), 12);
        Assert.Equal(r.GetProperty("closer").GetDouble(), Value(scores, "DCR.CloserToTrainShare"), 12); // equal sizes: no subsample
        Assert.Equal(r.GetProperty("mia").GetDouble(), Value(scores, "MembershipInference.AUC"), 12);
    }

    [Fact]
    public void Alpha_precision_beta_recall_and_authenticity_match_a_numpy_transcription_of_the_synthcity_definition()
    {
        var real = TestTables.Normals(500, 4, 21, float32: true);
        var syn = TestTables.Normals(500, 4, 22, float32: true, shift: 0.3);
        var (precision, recall, authenticity) = AlphaPrecision.Compute(real, syn);
        var r = TestTables.Python("""
from sklearn.neighbors import NearestNeighbors
X, Y = np.array(inp["real"]), np.array(inp["syn"])
alphas = np.linspace(0, 1, 30)
c = X.mean(axis=0)
radii = np.quantile(np.sqrt(((X - c) ** 2).sum(axis=1)), alphas)
cs = Y.mean(axis=0)
syn_to_c = np.sqrt(((Y - c) ** 2).sum(axis=1))
rr = NearestNeighbors(n_neighbors=2).fit(X).kneighbors(X)[0][:, 1]
rs, idx = NearestNeighbors(n_neighbors=1).fit(Y).kneighbors(X)
rs, idx = rs[:, 0], idx[:, 0]
closest_d = np.sqrt(((Y[idx] - cs) ** 2).sum(axis=1))
closest_radii = np.quantile(closest_d, alphas)
P = [np.mean(syn_to_c <= radii[k]) for k in range(30)]
R = [np.mean((rs <= rr) * (closest_d <= closest_radii[k])) for k in range(30)]
auth = np.mean(rr[idx] < rs)
print(json.dumps({"p": 1 - np.sum(np.abs(alphas - P)) / np.sum(alphas), "r": 1 - np.sum(np.abs(alphas - R)) / np.sum(alphas), "a": float(auth)}))
""", new { real = TestTables.Nested(real), syn = TestTables.Nested(syn) });
        // Shares of records over the same neighbours and quantiles: equal up to rounding of the final sums.
        Assert.Equal(r.GetProperty("p").GetDouble(), precision, 12);
        Assert.Equal(r.GetProperty("r").GetDouble(), recall, 12);
        Assert.Equal(r.GetProperty("a").GetDouble(), authenticity, 12);

        // Copies: authenticity 0 (every real record has a synthetic record at distance 0).
        Assert.Equal(0.0, AlphaPrecision.Compute(real, real).Authenticity);
    }
}
