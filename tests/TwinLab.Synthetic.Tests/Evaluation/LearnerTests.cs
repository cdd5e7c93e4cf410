using TwinLab.Core.Randomness;
using TwinLab.Synthetic.Evaluation;

namespace TwinLab.Synthetic.Tests.Evaluation;

public class LearnerTests
{
    private static (FeatureMatrix X, bool[] Label, double[] Y) Problem(int n, int p, ulong seed)
    {
        var x = TestTables.Normals(n, p, seed, "learner-x", float32: true);
        var s = RandomStream.For(seed, "learner-y");
        var label = new bool[n];
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            var row = x.Row(i);
            var z = 0.3 + row[0] - 0.7 * row[1] + 0.2 * row[p - 1];
            label[i] = s.NextDouble() < 1 / (1 + Math.Exp(-z));
            y[i] = Math.Round(z + Math.Sin(2 * row[0]) + 0.3 * s.NextNormal(), 5);
        }
        return (x, label, y);
    }

    [Fact]
    public void Logistic_and_ridge_regression_match_scikit_learn()
    {
        var (x, label, y) = Problem(400, 5, 1);
        var logistic = LogisticRegression.Fit(x, label, c: 0.5);
        var ridge = RidgeRegression.Fit(x, y, alpha: 2.0);
        var r = TestTables.Python("""
from sklearn.linear_model import LogisticRegression, Ridge
X, lab, y = np.array(inp["x"]), np.array(inp["label"]), np.array(inp["y"])
lr = LogisticRegression(C=0.5, solver="newton-cholesky", tol=1e-14, max_iter=1000).fit(X, lab)
rg = Ridge(alpha=2.0).fit(X, y)
print(json.dumps({"lw": lr.coef_[0].tolist(), "lb": float(lr.intercept_[0]), "rw": rg.coef_.tolist(), "rb": float(rg.intercept_)}))
""", new { x = TestTables.Nested(x), label, y });
        // Both minimise the same strictly convex objective with Newton's method to a gradient near 1e-10; the
        // coefficients then agree to about 1e-9.
        var lw = TestTables.Doubles(r.GetProperty("lw"));
        for (var j = 0; j < lw.Length; j++)
        {
            Assert.Equal(lw[j], logistic.Coefficients[j], 8);
        }
        Assert.Equal(r.GetProperty("lb").GetDouble(), logistic.Intercept, 8);
        // Ridge is a closed form on both sides: agreement to rounding (1e-10).
        var rw = TestTables.Doubles(r.GetProperty("rw"));
        for (var j = 0; j < rw.Length; j++)
        {
            Assert.Equal(rw[j], ridge.Coefficients[j], 10);
        }
        Assert.Equal(r.GetProperty("rb").GetDouble(), ridge.Intercept, 10);
    }

    [Fact]
    public void Gradient_boosted_trees_match_scikit_learn_predictions()
    {
        var (x, label, y) = Problem(300, 4, 2);
        var options = new BoostingOptions(Trees: 40, LearningRate: 0.1, MaxDepth: 3);
        var regressor = GradientBoostedTrees.FitRegression(x, y, options);
        // Classification residuals take few distinct values, so candidate splits on different features can tie
        // exactly, and scikit-learn breaks such ties by a random feature order; with one feature no such tie exists.
        var x1 = FeatureMatrix.FromArray(x.Rows, 1, Enumerable.Range(0, x.Rows).Select(i => x.Row(i)[0]).ToArray());
        var classifier = GradientBoostedTrees.FitClassification(x1, label, options);
        var r = TestTables.Python("""
from sklearn.ensemble import GradientBoostingRegressor, GradientBoostingClassifier
X, lab, y = np.array(inp["x"]), np.array(inp["label"]), np.array(inp["y"])
reg = GradientBoostingRegressor(n_estimators=40, learning_rate=0.1, max_depth=3, random_state=0).fit(X, y)
cls = GradientBoostingClassifier(n_estimators=40, learning_rate=0.1, max_depth=3, random_state=0).fit(X[:, :1], lab)
print(json.dumps({"reg": reg.predict(X).tolist(), "cls": cls.predict_proba(X[:, :1])[:, 1].tolist()}))
""", new { x = TestTables.Nested(x), label, y });
        var reg = TestTables.Doubles(r.GetProperty("reg"));
        var cls = TestTables.Doubles(r.GetProperty("cls"));
        for (var i = 0; i < x.Rows; i++)
        {
            // Features are exactly representable in float32 (scikit-learn's tree dtype), so both grow the same
            // trees, and predictions agree to rounding (1e-9); one different split among the 40 trees moves
            // predictions by about 1e-4.
            Assert.Equal(reg[i], regressor.Predict(x.Row(i)), 9);
            Assert.Equal(cls[i], classifier.Predict(x1.Row(i)), 9);
        }
    }

    [Fact]
    public void AUC_accuracy_R2_and_RMSE_match_scikit_learn()
    {
        var s = RandomStream.For(4, "scores");
        var truth = Enumerable.Range(0, 200).Select(_ => s.NextDouble() < 0.4).ToArray();
        var score = truth.Select(t => Math.Round((t ? 0.6 : 0.4) + 0.3 * s.NextNormal(), 1)).ToArray(); // ties
        var y = Enumerable.Range(0, 200).Select(_ => s.NextNormal()).ToArray();
        var yhat = y.Select(v => v + 0.5 * s.NextNormal()).ToArray();
        var r = TestTables.Python("""
from sklearn.metrics import roc_auc_score, r2_score, accuracy_score, mean_squared_error
t, sc, y, yh = (np.array(inp[k]) for k in ("truth", "score", "y", "yhat"))
print(json.dumps({"auc": roc_auc_score(t, sc), "acc": accuracy_score(t, sc >= 0.5), "r2": r2_score(y, yh), "rmse": float(np.sqrt(mean_squared_error(y, yh)))}))
""", new { truth, score, y, yhat });
        // Ratios of counts and sums of 200 terms: rounding only.
        Assert.Equal(r.GetProperty("auc").GetDouble(), ClassificationScores.Auc(score, truth), 12);
        Assert.Equal(r.GetProperty("acc").GetDouble(), ClassificationScores.Accuracy(score, truth), 12);
        Assert.Equal(r.GetProperty("r2").GetDouble(), RegressionScores.RSquared(yhat, y), 12);
        Assert.Equal(r.GetProperty("rmse").GetDouble(), RegressionScores.RootMeanSquaredError(yhat, y), 12);
    }
}
