using System.Globalization;

namespace TwinLab.Interactive;

/// <summary>Axis ranges and tick marks at "nice" numbers (1, 2 or 5 times a power of ten), after Heckbert's
/// labelling algorithm (Graphics Gems, 1990), and decades for logarithmic axes.</summary>
public static class AxisTicks
{
    /// <summary>A nice number near <paramref name="value"/>: 1, 2, 5 or 10 times a power of ten.</summary>
    /// <param name="value">A positive, finite number.</param>
    /// <param name="round">Round to the nearest nice number; otherwise take the smallest nice number not below it.</param>
    /// <returns>The nice number.</returns>
    public static double NiceNumber(double value, bool round)
    {
        if (!(value > 0) || !double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A nice number needs a positive, finite value.");
        }
        var exponent = Math.Floor(Math.Log10(value));
        var power = Math.Pow(10, exponent);
        var fraction = value / power;
        double nice;
        if (round)
        {
            nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
        }
        else
        {
            nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
        }
        return nice * power;
    }

    /// <summary>Ticks for a linear axis covering [<paramref name="min"/>, <paramref name="max"/>]: the axis is widened
    /// to whole multiples of a nice step, giving about <paramref name="count"/> ticks.</summary>
    /// <param name="min">The smallest value to show.</param>
    /// <param name="max">The largest value to show.</param>
    /// <param name="count">The wanted number of ticks (at least 2).</param>
    /// <returns>The widened axis range, the step and the ticks, from low to high.</returns>
    public static (double Min, double Max, double Step, IReadOnlyList<double> Ticks) Linear(double min, double max, int count = 5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        if (!double.IsFinite(min) || !double.IsFinite(max))
        {
            (min, max) = (0, 1);
        }
        if (max < min)
        {
            (min, max) = (max, min);
        }
        if (max == min)
        {
            var pad = min == 0 ? 1 : Math.Abs(min) * 0.1;
            (min, max) = (min - pad, max + pad);
        }
        var range = NiceNumber(max - min, round: false);
        var step = NiceNumber(range / (count - 1), round: true);
        var low = Math.Floor(min / step) * step;
        var high = Math.Ceiling(max / step) * step;
        var ticks = new List<double>();
        var n = (int)Math.Round((high - low) / step);
        for (var i = 0; i <= n; i++)
        {
            var tick = low + (i * step);
            ticks.Add(Math.Abs(tick) < step * 1e-9 ? 0 : tick);
        }
        return (low, high, step, ticks);
    }

    /// <summary>Ticks for a logarithmic axis covering [<paramref name="min"/>, <paramref name="max"/>] (both positive):
    /// the axis is widened to whole decades; ticks are the decades, with 2 and 5 times them when the axis spans at most
    /// three decades, and every other (or third ...) decade when it spans many.</summary>
    /// <param name="min">The smallest positive value to show.</param>
    /// <param name="max">The largest value to show.</param>
    /// <returns>The widened axis range and the ticks.</returns>
    public static (double Min, double Max, IReadOnlyList<double> Ticks) Logarithmic(double min, double max)
    {
        if (!(min > 0) || !double.IsFinite(min) || !(max > 0) || !double.IsFinite(max))
        {
            (min, max) = (1, 10);
        }
        if (max < min)
        {
            (min, max) = (max, min);
        }
        var low = (int)Math.Floor(Math.Log10(min) + 1e-12);
        var high = (int)Math.Ceiling(Math.Log10(max) - 1e-12);
        if (high <= low)
        {
            high = low + 1;
        }
        var ticks = new List<double>();
        var decades = high - low;
        var every = Math.Max(1, (int)Math.Ceiling(decades / 8.0));
        for (var k = low; k <= high; k++)
        {
            if ((k - low) % every == 0)
            {
                ticks.Add(Math.Pow(10, k));
            }
            if (decades <= 3 && k < high)
            {
                ticks.Add(2 * Math.Pow(10, k));
                ticks.Add(5 * Math.Pow(10, k));
            }
        }
        return (Math.Pow(10, low), Math.Pow(10, high), ticks);
    }

    /// <summary>A tick label: as few decimals as the step needs, exponent notation for very large or small values.</summary>
    /// <param name="value">The tick.</param>
    /// <param name="step">The distance between ticks (for a logarithmic axis, the tick itself).</param>
    /// <returns>The label, in the invariant culture.</returns>
    public static string Label(double value, double step)
    {
        var invariant = CultureInfo.InvariantCulture;
        if (value == 0)
        {
            return "0";
        }
        var magnitude = Math.Abs(value);
        if (magnitude >= 1e5 || magnitude < 1e-3)
        {
            var text = value.ToString("0.##e+0", invariant);
            return text.Replace("e+", "e", StringComparison.Ordinal);
        }
        var decimals = step > 0 && double.IsFinite(step) ? Math.Clamp(-(int)Math.Floor(Math.Log10(step) + 1e-9), 0, 6) : 3;
        return value.ToString("F" + decimals.ToString(invariant), invariant);
    }
}
