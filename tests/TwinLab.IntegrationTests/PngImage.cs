using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace TwinLab.IntegrationTests;

/// <summary>
/// A decoded PNG image (8-bit greyscale, RGB or RGBA, not interlaced: what Chromium writes), read with the format's
/// own rules (chunks, zlib-compressed IDAT data, per-row filters) so that screenshots can be checked pixel by pixel.
/// </summary>
internal sealed class PngImage
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    private readonly byte[] _rgb;

    private PngImage(int width, int height, byte[] rgb)
    {
        Width = width;
        Height = height;
        _rgb = rgb;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The red, green and blue values of a pixel (alpha, if any, is ignored).</summary>
    public (byte R, byte G, byte B) this[int x, int y]
    {
        get
        {
            var i = ((y * Width) + x) * 3;
            return (_rgb[i], _rgb[i + 1], _rgb[i + 2]);
        }
    }

    /// <summary>The number of pixels for which <paramref name="predicate"/> holds.</summary>
    public int Count(Func<(byte R, byte G, byte B), bool> predicate)
    {
        var count = 0;
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                if (predicate(this[x, y]))
                {
                    count++;
                }
            }
        }
        return count;
    }

    public static PngImage Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 8 || !bytes.AsSpan(0, 8).SequenceEqual(Signature))
        {
            throw new InvalidDataException($"{path} is not a PNG file.");
        }
        int width = 0, height = 0, colorType = -1;
        using var compressed = new MemoryStream();
        var offset = 8;
        while (offset + 8 <= bytes.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(offset));
            var type = Encoding.ASCII.GetString(bytes, offset + 4, 4);
            var data = bytes.AsSpan(offset + 8, length);
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    var bitDepth = data[8];
                    colorType = data[9];
                    if (bitDepth != 8 || colorType is not (0 or 2 or 6) || data[12] != 0)
                    {
                        throw new InvalidDataException($"Only 8-bit, non-interlaced greyscale, RGB and RGBA images are read (bit depth {bitDepth}, colour type {colorType}, interlace {data[12]}).");
                    }
                    break;
                case "IDAT":
                    compressed.Write(data);
                    break;
                case "IEND":
                    offset = bytes.Length;
                    continue;
                default:
                    break;
            }
            offset += 12 + length;
        }
        var channels = colorType switch { 0 => 1, 2 => 3, _ => 4 };
        var stride = width * channels;
        var raw = new byte[(stride + 1) * height];
        compressed.Position = 0;
        using (var zlib = new ZLibStream(compressed, CompressionMode.Decompress))
        {
            zlib.ReadExactly(raw);
        }
        var pixels = new byte[stride * height];
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            var source = raw.AsSpan((y * (stride + 1)) + 1, stride);
            var row = pixels.AsSpan(y * stride, stride);
            var previous = y == 0 ? new byte[stride] : pixels.AsSpan((y - 1) * stride, stride);
            for (var i = 0; i < stride; i++)
            {
                int left = i >= channels ? row[i - channels] : 0;
                int up = previous[i];
                int upLeft = i >= channels ? previous[i - channels] : 0;
                row[i] = (byte)(source[i] + filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    4 => Paeth(left, up, upLeft),
                    _ => throw new InvalidDataException($"Unknown PNG filter {filter} in row {y}."),
                });
            }
        }
        var rgb = new byte[width * height * 3];
        for (var p = 0; p < width * height; p++)
        {
            for (var c = 0; c < 3; c++)
            {
                rgb[(p * 3) + c] = pixels[(p * channels) + (channels == 1 ? 0 : c)];
            }
        }
        return new PngImage(width, height, rgb);
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        var pa = Math.Abs(p - a);
        var pb = Math.Abs(p - b);
        var pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
