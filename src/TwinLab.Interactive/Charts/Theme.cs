using System.Globalization;

namespace TwinLab.Interactive;

/// <summary>TwinLab's chart colours.</summary>
public static class ChartPalette
{
    /// <summary>The colours given in turn to traces without one.</summary>
    public static IReadOnlyList<string> Colors { get; } =
        ["#1f5f8b", "#d1495b", "#2e9e6a", "#edae49", "#6a4c93", "#00798c", "#8c564b", "#5c5c5c"];

    /// <summary>The colour of axes and text.</summary>
    public const string Ink = "#333333";

    /// <summary>The colour of grid lines.</summary>
    public const string Grid = "#e5e5e5";

    /// <summary>The colour of reference lines (null effects, diagonals, limits).</summary>
    public const string Reference = "#777777";

    /// <summary>The background of the image and of the plotting area.</summary>
    public const string Background = "#ffffff";
}

/// <summary>TwinLab's chart template, shared by the static SVG image and the plotly.js layout: fonts, colours
/// (<see cref="ChartPalette"/>) and a light grid inside a framed plotting area.</summary>
public static class ChartTheme
{
    /// <summary>The font family of every text.</summary>
    public const string FontFamily = "Helvetica, Arial, sans-serif";

    /// <summary>The font size of tick labels, legends and annotations, in pixels.</summary>
    public const double FontSize = 12;

    /// <summary>The font size of the chart's title, in pixels.</summary>
    public const double TitleFontSize = 15;

    /// <summary>The font size of panel titles, in pixels.</summary>
    public const double PanelTitleFontSize = 13;

    /// <summary>The width of the frame around each plotting area, in pixels.</summary>
    public const double FrameWidth = 1;
}

/// <summary>A continuous colour scale: colours at positions from 0 to 1, interpolated linearly in RGB between them.</summary>
public sealed class ColorScale
{
    private ColorScale(string name, IReadOnlyList<(double Position, string Color)> stops) => (Name, Stops) = (name, stops);

    /// <summary>The scale's name.</summary>
    public string Name { get; }

    /// <summary>The colours (<c>#rrggbb</c>) and their positions in [0, 1], from 0 to 1.</summary>
    public IReadOnlyList<(double Position, string Color)> Stops { get; }

    /// <summary>Viridis (dark blue to yellow; perceptually uniform, readable in grey and by most colour-blind
    /// readers): the default.</summary>
    public static ColorScale Viridis { get; } = Even("Viridis",
        "#440154", "#472d7b", "#3b528b", "#2c728e", "#21918c", "#28ae80", "#5ec962", "#addc30", "#fde725");

    /// <summary>White to dark blue, for non-negative quantities such as concentrations.</summary>
    public static ColorScale Blues { get; } = Even("Blues",
        "#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b");

    /// <summary>Blue through white to red, for signed quantities centred on zero (set the range symmetric).</summary>
    public static ColorScale BlueRed { get; } = Even("BlueRed",
        "#2166ac", "#67a9cf", "#d1e5f0", "#f7f7f7", "#fddbc7", "#ef8a62", "#b2182b");

    /// <summary>Creates a scale from colours at given positions.</summary>
    /// <param name="name">The scale's name.</param>
    /// <param name="stops">Colours <c>#rrggbb</c> at increasing positions, the first at 0 and the last at 1.</param>
    /// <returns>The scale.</returns>
    /// <exception cref="ArgumentException">The stops are fewer than two, not increasing from 0 to 1, or not
    /// <c>#rrggbb</c> colours.</exception>
    public static ColorScale Create(string name, IEnumerable<(double Position, string Color)> stops)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(stops);
        var list = stops.ToArray();
        if (list.Length < 2 || list[0].Position != 0 || list[^1].Position != 1)
        {
            throw new ArgumentException("A colour scale needs at least two stops, the first at 0 and the last at 1.", nameof(stops));
        }
        for (var k = 0; k < list.Length; k++)
        {
            if ((k > 0 && !(list[k].Position > list[k - 1].Position)) || Rgb(list[k].Color) is null)
            {
                throw new ArgumentException($"Stop {k} ({list[k].Position}, {list[k].Color}) must be an #rrggbb colour at a position above the previous one.", nameof(stops));
            }
        }
        return new ColorScale(name, list);
    }

    /// <summary>The colour at position <paramref name="t"/> (clamped to [0, 1]).</summary>
    /// <param name="t">The position.</param>
    /// <returns>The colour as <c>#rrggbb</c>.</returns>
    public string ColorAt(double t)
    {
        var (r, g, b) = RgbAt(t);
        return string.Create(CultureInfo.InvariantCulture, $"#{r:x2}{g:x2}{b:x2}");
    }

    /// <summary>The colour at position <paramref name="t"/> (clamped to [0, 1]) as red, green and blue bytes.</summary>
    internal (byte R, byte G, byte B) RgbAt(double t)
    {
        t = double.IsNaN(t) ? 0 : Math.Clamp(t, 0, 1);
        var k = 1;
        while (k < Stops.Count - 1 && Stops[k].Position < t)
        {
            k++;
        }
        var (p0, c0) = Stops[k - 1];
        var (p1, c1) = Stops[k];
        var f = (t - p0) / (p1 - p0);
        var a = Rgb(c0)!.Value;
        var b = Rgb(c1)!.Value;
        byte Mix(int u, int v) => (byte)Math.Round(u + ((v - u) * f));
        return (Mix(a.R, b.R), Mix(a.G, b.G), Mix(a.B, b.B));
    }

    private static ColorScale Even(string name, params string[] colors) =>
        new(name, [.. colors.Select((c, k) => ((double)k / (colors.Length - 1), c))]);

    private static (int R, int G, int B)? Rgb(string color)
    {
        if (color is not { Length: 7 } || color[0] != '#' ||
            !int.TryParse(color.AsSpan(1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value))
        {
            return null;
        }
        return ((value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff);
    }
}
