namespace TwinLab.Inference;

/// <summary>Small dense linear algebra for the inference methods (matrices of a few dozen rows).</summary>
internal static class LinearAlgebra
{
    /// <summary>The lower Cholesky factor L of a symmetric positive-definite A = L Lᵀ, or null when A is not positive definite.</summary>
    public static double[,]? Cholesky(double[,] a)
    {
        var n = a.GetLength(0);
        var l = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var s = a[i, j];
                for (var k = 0; k < j; k++)
                {
                    s -= l[i, k] * l[j, k];
                }

                if (i == j)
                {
                    if (!(s > 0))
                    {
                        return null;
                    }

                    l[i, i] = Math.Sqrt(s);
                }
                else
                {
                    l[i, j] = s / l[j, j];
                }
            }
        }

        return l;
    }

    /// <summary>A⁻¹ of a symmetric positive-definite A, through its Cholesky factor; the result is exactly symmetric.</summary>
    public static double[,] InverseSymmetric(double[,] a)
    {
        var n = a.GetLength(0);
        var l = Cholesky(a) ?? throw new ArgumentException("The matrix is not symmetric positive definite.", nameof(a));
        var inverse = new double[n, n];
        var column = new double[n];
        for (var c = 0; c < n; c++)
        {
            Array.Clear(column);
            column[c] = 1;
            Solve(l, column);
            for (var r = 0; r < n; r++)
            {
                inverse[r, c] = column[r];
            }
        }

        for (var r = 0; r < n; r++)
        {
            for (var c = 0; c < r; c++)
            {
                var mean = 0.5 * (inverse[r, c] + inverse[c, r]);
                inverse[r, c] = mean;
                inverse[c, r] = mean;
            }
        }

        return inverse;
    }

    /// <summary>Solves L Lᵀ x = b in place.</summary>
    public static void Solve(double[,] l, Span<double> b)
    {
        var n = l.GetLength(0);
        for (var i = 0; i < n; i++)
        {
            var s = b[i];
            for (var k = 0; k < i; k++)
            {
                s -= l[i, k] * b[k];
            }

            b[i] = s / l[i, i];
        }

        for (var i = n - 1; i >= 0; i--)
        {
            var s = b[i];
            for (var k = i + 1; k < n; k++)
            {
                s -= l[k, i] * b[k];
            }

            b[i] = s / l[i, i];
        }
    }
}
