using System.Text.Json;
using TwinLab.TestSupport;
using TwinLab.Tissue.Histology;
using Xunit.Abstractions;

namespace TwinLab.Tissue.Tests;

public sealed class HistologyTests(ITestOutputHelper output)
{
    /// <summary>Decodes a PNG with only the standard library: checks the signature and every chunk's CRC with zlib.crc32,
    /// inflates IDAT, undoes filter 0, and prints width, height, colour type and the samples.</summary>
    private const string Decoder = """
import sys, struct, zlib, json
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "bad signature"
pos = 8; idat = b""; header = None; types = []
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    crc, = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
    assert zlib.crc32(kind + body) & 0xFFFFFFFF == crc, "bad CRC in " + kind.decode()
    types.append(kind.decode())
    if kind == b"IHDR": header = struct.unpack(">IIBBBBB", body)
    if kind == b"IDAT": idat += body
    pos += 12 + length
width, height, depth, colour, _, _, interlace = header
channels = {0: 1, 2: 3}[colour]
raw = zlib.decompress(idat)
stride = width * channels
rows = []
for y in range(height):
    line = raw[y * (stride + 1):(y + 1) * (stride + 1)]
    assert line[0] == 0, "unexpected filter"
    rows.append(line[1:])
print(json.dumps({"width": width, "height": height, "depth": depth, "colour": colour, "chunks": types, "samples": list(b"".join(rows))}))
""";

    private static TissueSimulation TissueWithEveryPhenotype()
    {
        var simulation = new TissueSimulation(new TissueSetup
        {
            Sites = Lattice.Square(40, 10),
            Rules = new TissueRules(new Dictionary<string, double> { ["oxygen_uptake"] = 200, ["necrosis_rate"] = 0.05 }),
            Steps = new TissueTimeSteps(Diffusion: 6, Cell: 6),
            Seed = 3,
        });
        simulation.SeedSpheroid(15);
        simulation.Run(120);
        simulation.Irradiate(4);
        return simulation;
    }

    [Fact]
    public void Tile_DecodesAsPng_AndItsMaskMatchesThePhenotypes()
    {
        var tissue = TissueWithEveryPhenotype();
        var counts = tissue.Observe().Counts;
        output.WriteLine(counts.ToString());
        Assert.True(counts.Proliferating > 0 && counts.Necrotic > 0 && counts.Apoptotic > 0 && counts.Hypoxic + counts.Quiescent > 0, counts.ToString());
        var tile = VirtualHistology.Render(tissue, 0, 17);
        Assert.Equal(320, tile.Width);
        string folder = Directory.CreateTempSubdirectory("twinlab-histology").FullName;
        try
        {
            string image = Path.Combine(folder, "tile.png"), mask = Path.Combine(folder, "mask.png");
            tile.Save(image, mask);
            using var decodedImage = JsonDocument.Parse(DebianPython.Run(Decoder, "", image));
            using var decodedMask = JsonDocument.Parse(DebianPython.Run(Decoder, "", mask));
            var im = decodedImage.RootElement;
            Assert.Equal(320, im.GetProperty("width").GetInt32());
            Assert.Equal(320, im.GetProperty("height").GetInt32());
            Assert.Equal(2, im.GetProperty("colour").GetInt32());
            Assert.Equal(["IHDR", "IDAT", "IEND"], im.GetProperty("chunks").EnumerateArray().Select(e => e.GetString()!));
            var rgb = im.GetProperty("samples").EnumerateArray().Select(e => (byte)e.GetInt32()).ToArray();
            Assert.Equal(tile.Rgb.ToArray(), rgb);
            var labels = decodedMask.RootElement.GetProperty("samples").EnumerateArray().Select(e => (byte)e.GetInt32()).ToArray();
            Assert.Equal(0, decodedMask.RootElement.GetProperty("colour").GetInt32());
            var slice = tissue.PhenotypeSlice(0);
            for (int y = 0; y < tile.Height; y++)
            {
                for (int x = 0; x < tile.Width; x++)
                {
                    Assert.Equal((byte)slice[y / 8, x / 8], labels[(y * tile.Width) + x]);
                }
            }
            // The stains differ as intended: background brightest, necrotic debris paler than living tissue (no
            // nuclei), apoptotic cytoplasm the most eosinophilic (lowest green among cells).
            double Brightness(Phenotype p) => Mean(rgb, labels, p, c => c.R + c.G + c.B);
            double Green(Phenotype p) => Mean(rgb, labels, p, c => c.G);
            output.WriteLine($"brightness: none {Brightness(Phenotype.None):F0}, necrotic {Brightness(Phenotype.Necrotic):F0}, proliferating {Brightness(Phenotype.Proliferating):F0}, apoptotic {Brightness(Phenotype.Apoptotic):F0}");
            Assert.True(Brightness(Phenotype.None) > Brightness(Phenotype.Necrotic));
            Assert.True(Brightness(Phenotype.Necrotic) > Brightness(Phenotype.Proliferating));
            Assert.True(Green(Phenotype.Apoptotic) < Green(Phenotype.Proliferating));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Render_IsReproducibleForASeed()
    {
        var tissue = TissueWithEveryPhenotype();
        Assert.Equal(VirtualHistology.Render(tissue, 0, 5).Rgb.ToArray(), VirtualHistology.Render(tissue, 0, 5).Rgb.ToArray());
        Assert.NotEqual(VirtualHistology.Render(tissue, 0, 5).Rgb.ToArray(), VirtualHistology.Render(tissue, 0, 6).Rgb.ToArray());
    }

    [Fact]
    public void Crc32_MatchesTheStandardCheckValue()
    {
        // The CRC-32/ISO-HDLC check value of "123456789" is 0xCBF43926 (the catalogue of parametrised CRCs).
        Assert.Equal(0xCBF43926u, PngEncoder.Crc32("123456789"u8));
    }

    private static double Mean(byte[] rgb, byte[] labels, Phenotype p, Func<(int R, int G, int B), int> f)
    {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] == (byte)p)
            {
                sum += f((rgb[3 * i], rgb[(3 * i) + 1], rgb[(3 * i) + 2]));
                n++;
            }
        }
        return sum / n;
    }
}
