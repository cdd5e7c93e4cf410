using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using TwinLab.Core.Distributions;
using TwinLab.TestSupport;

namespace TwinLab.Core.Tests.Distributions;

/// <summary>A univariate reference case: a distribution, points for densities and CDFs, probabilities for quantiles.</summary>
/// <remarks>
/// <paramref name="Tolerance"/> is the relative tolerance for log-densities, densities, CDFs, quantiles and moments
/// (see <see cref="DistributionReferenceTests"/>).
/// </remarks>
public sealed record ReferenceCase(string Id, Distribution Distribution, double[] Points, double[] Probabilities, double Tolerance);

/// <summary>A multivariate normal reference case.</summary>
public sealed record MultivariateReferenceCase(string Id, double[] Mean, double[,] Covariance, double[][] Points);

/// <summary>SciPy's values for one univariate case.</summary>
public sealed record ReferenceValues(
    double[] LogDensity, double[] Density, double[] Cumulative, double[] Quantile, double Mean, double Variance, double ExcessKurtosis);

/// <summary>
/// Computes reference values with SciPy (scipy.stats) by running Debian's /usr/bin/python3 once per call.
/// The numbers we compare against come from an implementation we did not write.
/// </summary>
public static class ScipyReference
{
    // All numbers travel as strings (Python repr / .NET "R"), so ±inf survive and every double round-trips exactly.
    private const string Script = """
import json, math, sys
try:
    import numpy as np
    from scipy import stats
except ImportError as error:
    sys.stderr.write("SciPy is not importable from /usr/bin/python3: %s\n" % error)
    sys.exit(3)

def out(v):
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return repr(v)

def make(kind, p):
    if kind == "Normal":
        return stats.norm(loc=p["mean"], scale=p["sd"])
    if kind == "LogNormal":
        return stats.lognorm(s=p["sigma"], scale=math.exp(p["mu"]))
    if kind == "Uniform":
        return stats.uniform(loc=p["lower"], scale=p["upper"] - p["lower"])
    if kind == "LogUniform":
        return stats.loguniform(p["lower"], p["upper"])
    if kind == "TruncatedNormal":
        m, s = p["mean"], p["sd"]
        return stats.truncnorm((p["lower"] - m) / s, (p["upper"] - m) / s, loc=m, scale=s)
    if kind == "Beta":
        return stats.beta(p["alpha"], p["beta"])
    if kind == "Gamma":
        return stats.gamma(p["shape"], scale=1.0 / p["rate"])
    raise ValueError("unknown kind " + kind)

def truncated_normal_moments(p):
    # truncnorm.stats cancels digits far in a tail or on narrow intervals (2e-7 relative on [40, 41] in SciPy 1.10),
    # so the reference moments are adaptive quadrature of t = z - c, c the point of [a, b] nearest 0, with the
    # well-scaled weight exp(-c t - t^2/2).
    from scipy.integrate import quad
    m, s = p["mean"], p["sd"]
    a, b = (p["lower"] - m) / s, (p["upper"] - m) / s
    c = min(max(0.0, a), b)
    w = lambda t: math.exp(-c * t - 0.5 * t * t)
    opts = dict(epsabs=0.0, epsrel=1e-13, limit=500)
    lo, hi = a - c, b - c
    z = quad(w, lo, hi, **opts)[0]
    shift = quad(lambda t: t * w(t), lo, hi, **opts)[0] / z
    var = quad(lambda t: (t - shift) ** 2 * w(t), lo, hi, **opts)[0] / z
    return m + s * (c + shift), s * s * var

request = json.load(sys.stdin)
result = {"univariate": {}, "multivariate": {}}
with np.errstate(all="ignore"):
    for case in request["univariate"]:
        params = {k: float(v) for k, v in case["parameters"].items()}
        d = make(case["kind"], params)
        xs = np.array([float(x) for x in case["points"]])
        ps = np.array([float(p) for p in case["probabilities"]])
        mean, var, kurt = d.stats(moments="mvk")
        if case["kind"] == "TruncatedNormal":
            mean, var = truncated_normal_moments(params)
        result["univariate"][case["id"]] = {
            "logpdf": [out(v) for v in d.logpdf(xs)],
            "pdf": [out(v) for v in d.pdf(xs)],
            "cdf": [out(v) for v in d.cdf(xs)],
            "ppf": [out(v) for v in d.ppf(ps)],
            "mean": out(mean), "variance": out(var), "kurtosis": out(kurt),
        }
    for case in request["multivariate"]:
        mean = np.array([float(v) for v in case["mean"]])
        cov = np.array([[float(v) for v in row] for row in case["covariance"]])
        points = np.array([[float(v) for v in row] for row in case["points"]])
        mvn = stats.multivariate_normal(mean=mean, cov=cov)
        result["multivariate"][case["id"]] = {"logpdf": [out(mvn.logpdf(x)) for x in points]}
json.dump(result, sys.stdout)
""";

    /// <summary>Evaluates the cases with SciPy.</summary>
    /// <exception cref="InvalidOperationException">/usr/bin/python3 or SciPy is missing, or the script failed.</exception>
    public static (Dictionary<string, ReferenceValues> Univariate, Dictionary<string, double[]> Multivariate) Evaluate(
        IEnumerable<ReferenceCase> univariate, IEnumerable<MultivariateReferenceCase> multivariate)
    {
        var request = new JsonObject
        {
            ["univariate"] = new JsonArray([.. univariate.Select(c => (JsonNode)new JsonObject
            {
                ["id"] = c.Id,
                ["kind"] = c.Distribution.Kind,
                ["parameters"] = new JsonObject(c.Distribution.Parameters.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)Format(p.Value)))),
                ["points"] = Strings(c.Points),
                ["probabilities"] = Strings(c.Probabilities),
            })]),
            ["multivariate"] = new JsonArray([.. multivariate.Select(c => (JsonNode)new JsonObject
            {
                ["id"] = c.Id,
                ["mean"] = Strings(c.Mean),
                ["covariance"] = new JsonArray([.. Enumerable.Range(0, c.Mean.Length)
                    .Select(i => (JsonNode)Strings([.. Enumerable.Range(0, c.Mean.Length).Select(j => c.Covariance[i, j])]))]),
                ["points"] = new JsonArray([.. c.Points.Select(p => (JsonNode)Strings(p))]),
            })]),
        };

        var output = DebianPython.Run(Script, request.ToJsonString());

        using JsonDocument document = JsonDocument.Parse(output);
        var univariateResults = new Dictionary<string, ReferenceValues>();
        foreach (JsonProperty property in document.RootElement.GetProperty("univariate").EnumerateObject())
        {
            JsonElement values = property.Value;
            univariateResults[property.Name] = new ReferenceValues(
                Doubles(values.GetProperty("logpdf")),
                Doubles(values.GetProperty("pdf")),
                Doubles(values.GetProperty("cdf")),
                Doubles(values.GetProperty("ppf")),
                Parse(values.GetProperty("mean")),
                Parse(values.GetProperty("variance")),
                Parse(values.GetProperty("kurtosis")));
        }

        var multivariateResults = new Dictionary<string, double[]>();
        foreach (JsonProperty property in document.RootElement.GetProperty("multivariate").EnumerateObject())
        {
            multivariateResults[property.Name] = Doubles(property.Value.GetProperty("logpdf"));
        }

        return (univariateResults, multivariateResults);
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static JsonArray Strings(double[] values) => new([.. values.Select(v => (JsonNode)Format(v))]);

    private static double Parse(JsonElement element) => double.Parse(element.GetString()!, CultureInfo.InvariantCulture);

    private static double[] Doubles(JsonElement array) => [.. array.EnumerateArray().Select(Parse)];
}
