using TwinLab.Synthetic.Evaluation;

namespace TwinLab.Synthetic.Tests.Evaluation;

public class DetectionTests
{
    [Fact]
    public void Fold_AUCs_match_scikit_learn_on_the_same_folds()
    {
        var real = TestTables.Mixed(300, 1);
        var syn = TestTables.Mixed(300, 2, shift: 0.3);
        var pooled = TabularData.Concatenate(real, syn);
        var x = RecordEncoder.Fit(pooled, NumericScaling.None, 1.0).Encode(pooled);
        var label = x.SourceRows.Select(r => r >= real.RowCount).ToArray();
        var folds = LogisticDetection.StratifiedFolds(label, 3, 9);
        // Stratified: each fold holds a third of each class (to within one record).
        for (var k = 0; k < 3; k++)
        {
            Assert.InRange(Enumerable.Range(0, label.Length).Count(i => folds[i] == k && label[i]), 99, 101);
        }
        var aucs = LogisticDetection.FoldAucs(x, label, folds, 3);
        var r = TestTables.Python("""
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import RobustScaler
X, y, f = np.array(inp["x"]), np.array(inp["y"]), np.array(inp["folds"])
out = []
for k in range(3):
    m = Pipeline([("scaler", RobustScaler()), ("lr", LogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-14, max_iter=1000))]).fit(X[f != k], y[f != k])
    out.append(roc_auc_score(y[f == k], m.predict_proba(X[f == k])[:, 1]))
print(json.dumps(out))
""", new { x = TestTables.Nested(x), y = label, folds });
        var expected = TestTables.Doubles(r);
        for (var k = 0; k < 3; k++)
        {
            // Same folds, same scaling (SDMetrics' RobustScaler pipeline), same objective solved by Newton's method
            // on both sides: coefficients agree to ~1e-9, which reorders no two of the 200 test scores, so the
            // AUCs (ratios of counts) agree up to rounding.
            Assert.Equal(expected[k], aucs[k], 10);
        }
        var score = new LogisticDetection(9).Evaluate(new EvaluationData(real, syn)).Single();
        Assert.Equal(1 - expected.Select(a => Math.Max(a, 0.5) * 2 - 1).Average(), score.Value, 10);
    }

    [Fact]
    public void MMD_matches_numpy_and_separates_shifted_samples()
    {
        var a = TestTables.Normals(120, 3, 1, "mmd-a");
        var b = TestTables.Normals(100, 3, 2, "mmd-b", shift: 0.5);
        var (mmd, sigma) = MaximumMeanDiscrepancy.Compute(a, b);
        var r = TestTables.Python("""
from scipy.spatial.distance import pdist, cdist
A, B = np.array(inp["a"]), np.array(inp["b"])
s = np.median(pdist(np.vstack([A, B])))
k = lambda U, V: np.exp(-cdist(U, V, "sqeuclidean") / (2 * s * s))
m, n = len(A), len(B)
kxx, kyy = k(A, A), k(B, B)
val = (kxx.sum() - np.trace(kxx)) / (m * (m - 1)) + (kyy.sum() - np.trace(kyy)) / (n * (n - 1)) - 2 * k(A, B).mean()
print(json.dumps({"mmd": val, "sigma": s}))
""", new { a = TestTables.Nested(a), b = TestTables.Nested(b) });
        // Sums of ~50,000 kernel values of order 1: rounding below 1e-12.
        Assert.Equal(r.GetProperty("sigma").GetDouble(), sigma, 12);
        Assert.Equal(r.GetProperty("mmd").GetDouble(), mmd, 12);
        var same = MaximumMeanDiscrepancy.Compute(a, TestTables.Normals(100, 3, 3, "mmd-c")).Mmd2;
        Assert.True(mmd > 5 * Math.Abs(same), $"shifted {mmd}, same {same}");
    }
}
