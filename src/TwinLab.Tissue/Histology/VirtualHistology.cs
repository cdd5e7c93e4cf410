using TwinLab.Core.Randomness;

namespace TwinLab.Tissue.Histology;

/// <summary>How a virtual histology tile is rendered.</summary>
/// <param name="PixelsPerSite">Pixels along each side of a cell site (at least 4).</param>
/// <param name="BlurRadius">Radius in pixels of the optical blur (a separable box filter applied twice; 0 for none).</param>
/// <param name="Noise">Amplitude of the multiplicative sensor noise added after the blur (0 to 0.5).</param>
public sealed record HistologyOptions(int PixelsPerSite = 8, int BlurRadius = 1, double Noise = 0.04);

/// <summary>A synthetic stained section: an RGB image and its per-pixel label mask (the <see cref="Phenotype"/> values; 0 = no cell).</summary>
public sealed record HistologyTile
{
    internal HistologyTile(int width, int height, byte[] rgb, byte[] labels)
    {
        Width = width;
        Height = height;
        Rgb = rgb;
        Labels = labels;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Row-major RGB bytes (3 per pixel).</summary>
    public ReadOnlyMemory<byte> Rgb { get; }

    /// <summary>Row-major labels (1 per pixel): the phenotype value of the site under the pixel, 0 for none.</summary>
    public ReadOnlyMemory<byte> Labels { get; }

    /// <summary>The image as PNG bytes.</summary>
    /// <returns>The file contents.</returns>
    public byte[] ToPng() => PngEncoder.Encode(Width, Height, Rgb.Span, 3);

    /// <summary>The label mask as an 8-bit greyscale PNG whose values are the labels.</summary>
    /// <returns>The file contents.</returns>
    public byte[] MaskToPng() => PngEncoder.Encode(Width, Height, Labels.Span, 1);

    /// <summary>Writes the image and the mask as PNG files (each written to a temporary file, then renamed).</summary>
    /// <param name="imagePath">Where the image goes.</param>
    /// <param name="maskPath">Where the mask goes.</param>
    public void Save(string imagePath, string maskPath)
    {
        WriteAtomically(imagePath, ToPng());
        WriteAtomically(maskPath, MaskToPng());
    }

    private static void WriteAtomically(string path, byte[] bytes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        string temporary = full + ".tmp-" + Environment.ProcessId;
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, full, overwrite: true);
    }
}

/// <summary>
/// Renders a layer of a tissue as a haematoxylin-and-eosin-like microscopy tile: pink (eosin) cytoplasm and purple
/// (haematoxylin) nuclei whose size, position and darkness depend on the phenotype — large nuclei for cycling cells,
/// smaller paler ones for hypoxic cells, small dense (pyknotic) nuclei in hyper-eosinophilic cytoplasm for apoptotic
/// cells, pale anuclear granular debris for necrosis — with chromatin texture, cell borders, optical blur and sensor
/// noise. All randomness comes from Philox streams keyed by the seed and the site or pixel, so a tile is reproducible.
/// </summary>
public static class VirtualHistology
{
    private static readonly (double R, double G, double B) Background = (246, 242, 246);
    private static readonly uint CellPurpose = RandomStream.HashPurpose("histology.cell");
    private static readonly uint TexturePurpose = RandomStream.HashPurpose("histology.texture");
    private static readonly uint NoisePurpose = RandomStream.HashPurpose("histology.noise");

    /// <summary>Renders layer <paramref name="layer"/> of <paramref name="tissue"/>.</summary>
    /// <param name="tissue">The tissue.</param>
    /// <param name="layer">The site layer (z; 0 in 2-D).</param>
    /// <param name="seed">The seed for texture and noise.</param>
    /// <param name="options">Rendering options, or null for the defaults.</param>
    /// <returns>The tile and its mask.</returns>
    public static HistologyTile Render(TissueSimulation tissue, int layer, ulong seed, HistologyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tissue);
        options ??= new HistologyOptions();
        if (options.PixelsPerSite < 4 || options.BlurRadius < 0 || !(options.Noise >= 0 && options.Noise <= 0.5))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options, "Use at least 4 pixels per site, a blur radius ≥ 0 and noise in [0, 0.5].");
        }
        var slice = tissue.PhenotypeSlice(layer);
        int sitesY = slice.GetLength(0), sitesX = slice.GetLength(1);
        int p = options.PixelsPerSite;
        int width = sitesX * p, height = sitesY * p;
        var red = new float[width * height];
        var green = new float[width * height];
        var blue = new float[width * height];
        var labels = new byte[width * height];
        for (int sy = 0; sy < sitesY; sy++)
        {
            for (int sx = 0; sx < sitesX; sx++)
            {
                var phenotype = slice[sy, sx];
                var stream = RandomStream.For(seed, CellPurpose, (ulong)((((long)layer * sitesY) + sy) * sitesX) + (ulong)sx);
                double nucleusX = 0.5 + (0.12 * (stream.NextDouble() - 0.5));
                double nucleusY = 0.5 + (0.12 * (stream.NextDouble() - 0.5));
                double stretch = 0.85 + (0.3 * stream.NextDouble());
                var (cytoplasm, nucleus, nucleusRadius) = Stain(phenotype);
                for (int py = 0; py < p; py++)
                {
                    for (int px = 0; px < p; px++)
                    {
                        int pixel = (((sy * p) + py) * width) + (sx * p) + px;
                        labels[pixel] = (byte)phenotype;
                        double u = (px + 0.5) / p, v = (py + 0.5) / p;
                        var colour = cytoplasm;
                        var texture = RandomStream.For(seed, TexturePurpose, (ulong)pixel);
                        double grain = texture.NextDouble() - 0.5;
                        if (phenotype != Phenotype.None)
                        {
                            double du = (u - nucleusX) * stretch, dv = (v - nucleusY) / stretch;
                            if (nucleusRadius > 0 && (du * du) + (dv * dv) <= nucleusRadius * nucleusRadius)
                            {
                                colour = Scale(nucleus, 1 + (0.25 * grain)); // chromatin granularity
                            }
                            else
                            {
                                double edge = Math.Min(Math.Min(u, 1 - u), Math.Min(v, 1 - v));
                                double border = edge < 0.1 ? 0.9 : 1.0; // cell membrane
                                double granular = phenotype == Phenotype.Necrotic ? 0.2 : 0.06; // necrotic debris is granular
                                colour = Scale(cytoplasm, border * (1 + (granular * grain)));
                            }
                        }
                        red[pixel] = (float)colour.R;
                        green[pixel] = (float)colour.G;
                        blue[pixel] = (float)colour.B;
                    }
                }
            }
        }
        for (int pass = 0; pass < 2 && options.BlurRadius > 0; pass++)
        {
            BoxBlur(red, width, height, options.BlurRadius);
            BoxBlur(green, width, height, options.BlurRadius);
            BoxBlur(blue, width, height, options.BlurRadius);
        }
        var rgb = new byte[3 * width * height];
        for (int i = 0; i < width * height; i++)
        {
            var noise = RandomStream.For(seed, NoisePurpose, (ulong)i);
            double factor = 1 + (options.Noise * ((2 * noise.NextDouble()) - 1));
            rgb[3 * i] = ToByte(red[i] * factor);
            rgb[(3 * i) + 1] = ToByte(green[i] * factor);
            rgb[(3 * i) + 2] = ToByte(blue[i] * factor);
        }
        return new HistologyTile(width, height, rgb, labels);
    }

    private static ((double R, double G, double B) Cytoplasm, (double R, double G, double B) Nucleus, double NucleusRadius) Stain(Phenotype phenotype) => phenotype switch
    {
        Phenotype.Proliferating => ((234, 158, 192), (72, 42, 124), 0.32),
        Phenotype.Quiescent => ((232, 166, 198), (88, 58, 138), 0.27),
        Phenotype.Hypoxic => ((228, 182, 206), (118, 92, 156), 0.24),
        Phenotype.Necrotic => ((242, 196, 214), (0, 0, 0), 0),
        Phenotype.Apoptotic => ((226, 112, 166), (42, 20, 82), 0.15),
        _ => (Background, Background, 0),
    };

    private static (double R, double G, double B) Scale((double R, double G, double B) c, double f) => (c.R * f, c.G * f, c.B * f);

    private static byte ToByte(double v) => (byte)Math.Clamp(Math.Round(v), 0, 255);

    /// <summary>A box blur along rows then columns, clamping at the edges.</summary>
    private static void BoxBlur(float[] channel, int width, int height, int radius)
    {
        var copy = (float[])channel.Clone();
        float norm = 1f / ((2 * radius) + 1);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                float sum = 0;
                for (int k = -radius; k <= radius; k++)
                {
                    sum += copy[(y * width) + Math.Clamp(x + k, 0, width - 1)];
                }
                channel[(y * width) + x] = sum * norm;
            }
        }
        Array.Copy(channel, copy, channel.Length);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                float sum = 0;
                for (int k = -radius; k <= radius; k++)
                {
                    sum += copy[(Math.Clamp(y + k, 0, height - 1) * width) + x];
                }
                channel[(y * width) + x] = sum * norm;
            }
        }
    }
}
