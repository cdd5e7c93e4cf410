using System.Numerics.Tensors;

namespace TwinLab.Inference.Neural;

/// <summary>The activation functions the networks use between dense layers.</summary>
public enum Activation
{
    /// <summary>tanh(z): smooth, used by the density estimators (as in <c>sbi</c>'s flows).</summary>
    Tanh,

    /// <summary>max(z, 0): used by the C2ST classifier (as in scikit-learn's <c>MLPClassifier</c>).</summary>
    Relu,
}

/// <summary>Forward and backward passes of <see cref="Activation"/>, in place, from the activated values.</summary>
internal static class ActivationFunctions
{
    public static void Forward(Activation activation, Span<float> values)
    {
        if (activation == Activation.Tanh)
        {
            TensorPrimitives.Tanh(values, values);
        }
        else
        {
            TensorPrimitives.Max(values, 0f, values);
        }
    }

    /// <summary>Turns ∂L/∂a into ∂L/∂z in place, given the activated values a = f(z).</summary>
    public static void Backward(Activation activation, ReadOnlySpan<float> activated, Span<float> gradient)
    {
        if (activation == Activation.Tanh)
        {
            for (var i = 0; i < gradient.Length; i++)
            {
                var a = activated[i];
                gradient[i] *= 1f - (a * a);
            }
        }
        else
        {
            for (var i = 0; i < gradient.Length; i++)
            {
                if (activated[i] <= 0f)
                {
                    gradient[i] = 0f;
                }
            }
        }
    }
}
