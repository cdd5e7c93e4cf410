using System.Globalization;

namespace TwinLab.Core.Distributions;

/// <summary>Constructor validation with messages that say what is wrong and how to fix it.</summary>
internal static class ParameterCheck
{
    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    internal static void Finite(double value, string distribution, string parameter, string argumentName)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException(
                $"{distribution}: parameter '{parameter}' must be a finite number, but it is {Format(value)}. Pass a finite value.",
                argumentName);
        }
    }

    internal static void Positive(double value, string distribution, string parameter, string argumentName, string hint)
    {
        if (!(value > 0.0) || double.IsPositiveInfinity(value))
        {
            throw new ArgumentException(
                $"{distribution}: parameter '{parameter}' must be a positive finite number, but it is {Format(value)}. {hint}",
                argumentName);
        }
    }

    internal static void NotNaN(double value, string distribution, string parameter, string argumentName)
    {
        if (double.IsNaN(value))
        {
            throw new ArgumentException(
                $"{distribution}: parameter '{parameter}' is NaN. Pass a number (±infinity is allowed for an open bound).",
                argumentName);
        }
    }

    internal static void Ordered(double lower, double upper, string distribution, string argumentName)
    {
        if (!(lower < upper))
        {
            throw new ArgumentException(
                $"{distribution}: 'lower' ({Format(lower)}) must be strictly less than 'upper' ({Format(upper)}). Swap the bounds or widen the interval.",
                argumentName);
        }
    }
}
