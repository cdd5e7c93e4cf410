using System.Diagnostics;
using System.Globalization;
using System.Text;
using TwinLab.Core.Distributions;
using TwinLab.Core.Randomness;
using TwinLab.Inference.Diagnostics;
using TwinLab.TestSupport;

namespace TwinLab.Benchmarks;

/// <summary>
/// C2ST as sbibm computes it, timed against sbibm's own code (scikit-learn's MLPClassifier and 5-fold
/// cross_val_score, Debian python3-sklearn, limited to the same number of threads) on the same data in the same run:
/// N(0, I) against N(shift·e₁, I), N rows each, in D dimensions. Both stop on the same rule, so their epoch counts,
/// and hence times, are comparable; their scores agree to within their Monte Carlo error, not bit for bit (different
/// random initialisation, folds and batches). Usage: c2st-vs-sklearn [N=5000] [D=5] [SHIFT=0.2] [THREADS=2]
/// (at sbibm's 10 000 rows in 10 dimensions scikit-learn needs more than the ten minutes the peer is allowed).
/// </summary>
internal static class C2stVersusSklearn
{
    private const string Script = """
import sys, time
import numpy as np
from threadpoolctl import threadpool_limits
from sklearn.neural_network import MLPClassifier
from sklearn.model_selection import KFold, cross_val_score
d, n, threads = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
rows = np.loadtxt(sys.stdin, delimiter=',').reshape(-1, d)
X, Y = rows[:n], rows[n:]
m, s = X.mean(axis=0), X.std(axis=0, ddof=1)
X = (X - m) / s; Y = (Y - m) / s
data = np.concatenate((X, Y)); target = np.concatenate((np.zeros(len(X)), np.ones(len(Y))))
clf = MLPClassifier(activation='relu', hidden_layer_sizes=(10 * d, 10 * d), max_iter=10000, solver='adam', random_state=1)
with threadpool_limits(limits=threads):
    start = time.perf_counter()
    score = np.mean(cross_val_score(clf, data, target, cv=KFold(n_splits=5, shuffle=True, random_state=1), scoring='accuracy', n_jobs=threads))
print(time.perf_counter() - start, score)
""";

    public static int Run(TextWriter output, string[] args)
    {
        var n = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5000;
        var d = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5;
        var shift = args.Length > 3 ? double.Parse(args[3], CultureInfo.InvariantCulture) : 0.2;
        var threads = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 2;
        var stream = RandomStream.For(1, "c2st-benchmark");
        var reference = new double[n * d];
        var samples = new double[n * d];
        for (var i = 0; i < n * d; i++)
        {
            reference[i] = stream.NextNormal();
            samples[i] = stream.NextNormal() + (i % d == 0 ? shift : 0);
        }

        // Warm-up on a small problem so that the timed run executes optimised code.
        _ = C2st.Score(reference.AsSpan(0, 500 * d), samples.AsSpan(0, 500 * d), d, 2);
        var clock = Stopwatch.StartNew();
        var score = C2st.Score(reference, samples, d, 1);
        var seconds = clock.Elapsed.TotalSeconds;

        var input = new StringBuilder();
        foreach (var row in reference.Chunk(d).Concat(samples.Chunk(d)))
        {
            input.AppendLine(string.Join(',', row.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        }

        var peer = DebianPython.Run(Script, input.ToString(), d.ToString(CultureInfo.InvariantCulture), n.ToString(CultureInfo.InvariantCulture),
            threads.ToString(CultureInfo.InvariantCulture)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var peerSeconds = double.Parse(peer[0], CultureInfo.InvariantCulture);
        var peerScore = double.Parse(peer[1], CultureInfo.InvariantCulture);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"c2st-vs-sklearn: {n} + {n} rows, d = {d}, shift {shift}, {threads} threads (Bayes accuracy {Bayes(shift):F3})"));
        output.WriteLine("| Implementation | seconds | C2ST |");
        output.WriteLine("|---|---:|---:|");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| TwinLab C2st.Score | {seconds:F1} | {score:F3} |"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| sbibm's code (scikit-learn) | {peerSeconds:F1} | {peerScore:F3} |"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"TwinLab is {peerSeconds / seconds:F1}× faster."));
        return 0;
    }

    /// <summary>The best possible accuracy, Φ(shift / 2).</summary>
    private static double Bayes(double shift) => new Normal(0, 1).CumulativeDistribution(shift / 2);
}
