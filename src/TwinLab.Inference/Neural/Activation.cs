using System.Numerics;
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

    /// <summary>Turns ∂L/∂a into ∂L/∂z in place, given the activated values a = f(z): tanh′ = 1 − a², ReLU′ = 0 where
    /// a ≤ 0 (branch-free, vector by vector).</summary>
    public static void Backward(Activation activation, ReadOnlySpan<float> activated, Span<float> gradient)
    {
        var width = Vector<float>.Count;
        var i = 0;
        for (; i + width <= gradient.Length; i += width)
        {
            var a = new Vector<float>(activated[i..]);
            var g = new Vector<float>(gradient[i..]);
            g = activation == Activation.Tanh
                ? g * (Vector<float>.One - (a * a))
                : Vector.ConditionalSelect(Vector.LessThanOrEqual(a, Vector<float>.Zero), Vector<float>.Zero, g);
            g.CopyTo(gradient[i..]);
        }

        for (; i < gradient.Length; i++)
        {
            var a = activated[i];
            gradient[i] = activation == Activation.Tanh ? gradient[i] * (1f - (a * a)) : a <= 0f ? 0f : gradient[i];
        }
    }
}
