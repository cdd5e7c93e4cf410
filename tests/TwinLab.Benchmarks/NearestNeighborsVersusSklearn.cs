using System.Diagnostics;
using System.Globalization;
using TwinLab.Core.Randomness;
using TwinLab.Synthetic.Evaluation;
using TwinLab.TestSupport;

namespace TwinLab.Benchmarks;

/// <summary>
/// Distance-based synthetic-data metrics at scale: train, synthetic and holdout tables of N records × D numeric
/// columns (standard normals). Measures, in the same run and on the same data, one exact 1-nearest-neighbour search
/// of N queries against N references with TwinLab's SIMD brute force and with scikit-learn's NearestNeighbors (brute
/// force and its automatic choice, limited to the same number of threads), then the complete PrivacyMetrics
/// (DCR, NNDR, closer-to-train share, ε-identifiability, membership inference) and AlphaPrecision evaluations.
/// Usage: nn-vs-sklearn [N=100000] [D=20] [THREADS=2]. Pin the process to THREADS cores (taskset) for a fair figure.
/// </summary>
internal static class NearestNeighborsVersusSklearn
{
    private const string Script = """
import sys, time, json
import numpy as np
from threadpoolctl import threadpool_limits
from sklearn.neighbors import NearestNeighbors
ref_path, q_path, n, d, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
R = np.fromfile(ref_path, dtype=np.float64).reshape(n, d)
Q = np.fromfile(q_path, dtype=np.float64).reshape(n, d)
out = {}
with threadpool_limits(limits=threads):
    for algorithm in ("brute", "auto"):
        start = time.perf_counter()
        dist, idx = NearestNeighbors(n_neighbors=1, algorithm=algorithm, n_jobs=threads).fit(R).kneighbors(Q)
        out[algorithm] = [time.perf_counter() - start, float(dist[:, 0].sum()), idx[:, 0].tolist()[:1000]]
print(json.dumps(out))
""";

    public static int Run(TextWriter output, string[] args)
    {
        var n = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        var d = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20;
        var threads = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 2;
        var train = Normals(n, d, "train");
        var synthetic = Normals(n, d, "synthetic");
        var holdout = Normals(n, d, "holdout");

        // Warm-up on a small problem so that the timed search runs optimised code.
        _ = new NearestNeighbors(FeatureMatrix.FromArray(2000, d, train.AsSpan(0, 2000 * d).ToArray()))
            .Query(FeatureMatrix.FromArray(2000, d, synthetic.AsSpan(0, 2000 * d).ToArray()), 1, maxDegreeOfParallelism: threads);

        var reference = FeatureMatrix.FromArray(n, d, train);
        var queries = FeatureMatrix.FromArray(n, d, synthetic);
        var clock = Stopwatch.StartNew();
        var mine = new NearestNeighbors(reference).Query(queries, 1, maxDegreeOfParallelism: threads);
        var searchSeconds = clock.Elapsed.TotalSeconds;

        var refPath = Path.GetTempFileName();
        var queryPath = Path.GetTempFileName();
        double brute, auto;
        bool agree;
        try
        {
            File.WriteAllBytes(refPath, System.Runtime.InteropServices.MemoryMarshal.AsBytes(train.AsSpan()).ToArray());
            File.WriteAllBytes(queryPath, System.Runtime.InteropServices.MemoryMarshal.AsBytes(synthetic.AsSpan()).ToArray());
            using var peer = System.Text.Json.JsonDocument.Parse(DebianPython.Run(Script, "", refPath, queryPath,
                n.ToString(CultureInfo.InvariantCulture), d.ToString(CultureInfo.InvariantCulture), threads.ToString(CultureInfo.InvariantCulture)));
            brute = peer.RootElement.GetProperty("brute")[0].GetDouble();
            auto = peer.RootElement.GetProperty("auto")[0].GetDouble();
            var peerIndices = peer.RootElement.GetProperty("brute")[2].EnumerateArray().Select(e => e.GetInt32()).ToArray();
            agree = peerIndices.Select((j, i) => mine.Index(i, 0) == j).All(x => x);
        }
        finally
        {
            File.Delete(refPath);
            File.Delete(queryPath);
        }

        var data = new EvaluationData(Table(train, n, d), Table(synthetic, n, d), Table(holdout, n, d));
        clock.Restart();
        var privacy = new PrivacyMetrics(1) { MaxDegreeOfParallelism = threads }.Evaluate(data);
        var privacySeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var alpha = new AlphaPrecision(1) { MaxDegreeOfParallelism = threads }.Evaluate(data);
        var alphaSeconds = clock.Elapsed.TotalSeconds;

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{n} queries × {n} references × {d} columns, {threads} threads; first 1000 neighbours agree with scikit-learn: {agree}"));
        output.WriteLine();
        output.WriteLine("| Computation | Seconds |");
        output.WriteLine("|---|---:|");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| TwinLab NearestNeighbors, 1-NN search | {searchSeconds:F2} |"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| scikit-learn NearestNeighbors brute, 1-NN search | {brute:F2} |"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| scikit-learn NearestNeighbors auto, 1-NN search | {auto:F2} |"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| TwinLab PrivacyMetrics (7 searches, {privacy.Count} scores) | {privacySeconds:F2} |"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| TwinLab AlphaPrecision (2 searches) | {alphaSeconds:F2} |"));
        return agree ? 0 : 1;
    }

    private static double[] Normals(int n, int d, string purpose)
    {
        var s = RandomStream.For(2024, purpose);
        var v = new double[n * d];
        s.FillNormal(v);
        return v;
    }

    private static TabularData Table(double[] values, int n, int d)
    {
        var columns = new List<TabularColumn>();
        for (var j = 0; j < d; j++)
        {
            var column = new double[n];
            for (var i = 0; i < n; i++)
            {
                column[i] = values[i * d + j];
            }
            columns.Add(TabularColumn.Numeric("c" + j.ToString(CultureInfo.InvariantCulture), column));
        }
        return new TabularData(columns);
    }
}
