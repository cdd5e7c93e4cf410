using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace TwinLab.Tissue.Histology;

/// <summary>
/// A minimal PNG writer (ISO/IEC 15948): 8-bit greyscale or RGB, no interlacing, filter type 0 on every row, one
/// zlib-compressed IDAT chunk, CRC-32 per chunk.
/// </summary>
public static class PngEncoder
{
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>Encodes an image.</summary>
    /// <param name="width">Width in pixels (at least 1).</param>
    /// <param name="height">Height in pixels (at least 1).</param>
    /// <param name="pixels">Row-major samples: <paramref name="channels"/> bytes per pixel.</param>
    /// <param name="channels">1 (greyscale) or 3 (RGB).</param>
    /// <returns>The PNG file's bytes.</returns>
    public static byte[] Encode(int width, int height, ReadOnlySpan<byte> pixels, int channels)
    {
        if (width < 1 || height < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"A PNG needs at least 1×1 pixels; {width}×{height} was given.");
        }
        if (channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "Only greyscale (1 channel) and RGB (3 channels) are written.");
        }
        int stride = width * channels;
        if (pixels.Length != (long)stride * height)
        {
            throw new ArgumentException($"{width}×{height} pixels of {channels} channel(s) need {(long)stride * height} bytes; {pixels.Length} were given.", nameof(pixels));
        }
        using var file = new MemoryStream();
        file.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8; // bit depth
        header[9] = (byte)(channels == 1 ? 0 : 2); // colour type: greyscale or truecolour
        header[10] = 0; // deflate
        header[11] = 0; // adaptive filtering (filter 0 used on each row)
        header[12] = 0; // no interlace
        WriteChunk(file, "IHDR", header);
        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            {
                for (int y = 0; y < height; y++)
                {
                    zlib.WriteByte(0);
                    zlib.Write(pixels.Slice(y * stride, stride));
                }
            }
            WriteChunk(file, "IDAT", compressed.ToArray());
        }
        WriteChunk(file, "IEND", []);
        return file.ToArray();
    }

    /// <summary>The CRC-32 (ISO-HDLC, as in PNG and zlib) of <paramref name="data"/>.</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The checksum.</returns>
    public static uint Crc32(ReadOnlySpan<byte> data) => ~Update(0xFFFFFFFFu, data);

    private static void WriteChunk(Stream file, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        file.Write(word);
        Span<byte> typeBytes = stackalloc byte[4];
        Encoding.ASCII.GetBytes(type, typeBytes);
        file.Write(typeBytes);
        file.Write(data);
        uint crc = ~Update(Update(0xFFFFFFFFu, typeBytes), data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        file.Write(word);
    }

    private static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }
        return crc;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
            table[n] = c;
        }
        return table;
    }
}
