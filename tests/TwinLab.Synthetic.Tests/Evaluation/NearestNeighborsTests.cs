using TwinLab.Synthetic.Evaluation;

namespace TwinLab.Synthetic.Tests.Evaluation;

public class NearestNeighborsTests
{
    [Fact]
    public void Neighbours_match_sklearn_NearestNeighbors()
    {
        var reference = TestTables.Normals(1500, 7, 1, "reference");
        var queries = TestTables.Normals(700, 7, 2, "queries");
        var mine = new NearestNeighbors(reference).Query(queries, 3);
        var r = TestTables.Python("""
from sklearn.neighbors import NearestNeighbors
nn = NearestNeighbors(n_neighbors=3, algorithm="brute").fit(np.array(inp["ref"]))
d, i = nn.kneighbors(np.array(inp["q"]))
print(json.dumps({"d": d.ravel().tolist(), "i": i.ravel().tolist()}))
""", new { @ref = TestTables.Nested(reference), q = TestTables.Nested(queries) });
        Assert.Equal(TestTables.Ints(r.GetProperty("i")), mine.Indices);
        var d = TestTables.Doubles(r.GetProperty("d"));
        for (var k = 0; k < d.Length; k++)
        {
            // Both recompute the distance of the chosen pair in double precision; sklearn's brute force uses the
            // expansion ‖x‖² + ‖y‖² − 2x·y, whose rounding error is about 1e-15 × ‖x‖², so 1e-9 absolute is ample.
            Assert.Equal(d[k], mine.Distances[k], 9);
        }
    }

    [Fact]
    public void Ties_go_to_the_lower_index_self_matches_can_be_excluded_and_threads_do_not_change_results()
    {
        // Integer grid points have many exactly equal distances.
        var values = new double[300 * 3];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (i * 7919 % 13) % 4;
        }
        var x = FeatureMatrix.FromArray(300, 3, values);
        var index = new NearestNeighbors(x);
        var one = index.Query(x, 4, excludeSelf: true, maxDegreeOfParallelism: 1);
        var two = index.Query(x, 4, excludeSelf: true, maxDegreeOfParallelism: 2);
        Assert.Equal(one.Indices, two.Indices);
        Assert.Equal(one.Distances, two.Distances);
        for (var q = 0; q < x.Rows; q++)
        {
            // Reference answer: sort all other points by (distance, index).
            var expected = Enumerable.Range(0, x.Rows).Where(j => j != q)
                .Select(j => (j, d: Math.Sqrt(Enumerable.Range(0, 3).Sum(c => Math.Pow(values[q * 3 + c] - values[j * 3 + c], 2)))))
                .OrderBy(t => t.d).ThenBy(t => t.j).Take(4).ToArray();
            for (var k = 0; k < 4; k++)
            {
                Assert.Equal(expected[k].j, one.Index(q, k));
                Assert.Equal(expected[k].d, one.Distance(q, k));
            }
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Query(x, 300, excludeSelf: true));
    }
}
