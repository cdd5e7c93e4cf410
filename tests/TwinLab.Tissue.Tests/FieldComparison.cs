namespace TwinLab.Tissue.Tests;

/// <summary>Comparisons of two fields voxel by voxel.</summary>
internal static class FieldComparison
{
    /// <summary>The largest absolute difference between two fields of the same lattice.</summary>
    public static double LargestDifference(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        Assert.Equal(a.Length, b.Length);
        double worst = 0;
        for (int i = 0; i < a.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
        }
        return worst;
    }
}
