using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using TwinLab.Core.Modelling;
using TwinLab.Governance.Schemas;
using TwinLab.Governance.Sbml;

namespace TwinLab.Governance.Archives;

/// <summary>Limits that protect the reader of an archive from hostile files.</summary>
/// <param name="MaxEntries">The most entries an archive may hold.</param>
/// <param name="MaxEntryBytes">The largest uncompressed size of one entry.</param>
/// <param name="MaxTotalBytes">The largest uncompressed size of all entries together.</param>
/// <param name="MaxCompressionRatio">The highest uncompressed-to-compressed ratio of an entry larger than
/// <paramref name="RatioCheckedAboveBytes"/> (a zip bomb compresses thousands of times).</param>
/// <param name="RatioCheckedAboveBytes">The size above which the compression ratio is checked (small text files may
/// compress well without harm).</param>
public sealed record ArchiveLimits(int MaxEntries = 1000, long MaxEntryBytes = 64L << 20, long MaxTotalBytes = 256L << 20,
    double MaxCompressionRatio = 100, long RatioCheckedAboveBytes = 1L << 20)
{
    /// <summary>The default limits: 1000 entries, 64 MiB per entry, 256 MiB in all, ratio 100 above 1 MiB.</summary>
    public static ArchiveLimits Default { get; } = new();
}

/// <summary>One entry of an OMEX manifest.</summary>
/// <param name="Location">The location (<c>./model.xml</c>, or <c>.</c> for the archive itself).</param>
/// <param name="Format">The format: an identifiers.org COMBINE specification URL or a MIME type.</param>
/// <param name="Master">Whether the entry is the archive's master file (the one to run first).</param>
public sealed record ManifestEntry(string Location, string Format, bool Master = false);

/// <summary>A COMBINE archive read and checked: its manifest and the bytes of every file.</summary>
/// <param name="Manifest">The manifest entries, in order.</param>
/// <param name="Files">The files by path inside the archive (without a leading <c>./</c>).</param>
public sealed record OmexContent(IReadOnlyList<ManifestEntry> Manifest, IReadOnlyDictionary<string, byte[]> Files)
{
    /// <summary>The text of a file (UTF-8).</summary>
    /// <param name="path">The path inside the archive.</param>
    /// <exception cref="KeyNotFoundException">No such file; the message lists the files.</exception>
    public string Text(string path) => Files.TryGetValue(path.StartsWith("./", StringComparison.Ordinal) ? path[2..] : path, out var bytes)
        ? Encoding.UTF8.GetString(bytes)
        : throw new KeyNotFoundException($"The archive has no file '{path}'; it has {string.Join(", ", Files.Keys)}.");
}

/// <summary>The error raised when an archive is unsafe or inconsistent: lists every problem with the entry it concerns.</summary>
public sealed class ArchiveException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="source">The archive's name.</param>
    /// <param name="problems">Every problem, each naming its entry.</param>
    public ArchiveException(string source, IReadOnlyList<string> problems)
        : base($"{source} is not a valid COMBINE archive:\n  - " + string.Join("\n  - ", problems)) => Problems = problems;

    /// <summary>Creates the exception.</summary>
    public ArchiveException() : this("The archive", ["it could not be read"]) { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public ArchiveException(string message) : base(message) => Problems = [message];

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ArchiveException(string message, Exception innerException) : base(message, innerException) => Problems = [message];

    /// <summary>Every problem, each naming its entry.</summary>
    public IReadOnlyList<string> Problems { get; }
}

/// <summary>
/// Writes and reads COMBINE archives (OMEX 1): <c>manifest.xml</c>, the model as SBML Level 3 Version 2
/// (<c>model.xml</c>), the simulation experiment as SED-ML Level 1 Version 4 (<c>simulation.sedml</c>, the master
/// file), OMEX metadata 1.2 (<c>metadata.rdf</c>), TwinLab's own model file (<c>model.json</c>, whose digest identifies
/// the model) and the nominal parameter set (<c>parameters.json</c>). Reading refuses absolute paths and paths that
/// leave the archive (zip-slip), too many or too large entries, compression ratios typical of zip bombs, and files
/// missing from, or listed in but absent from, the manifest; every problem is reported with its entry.
/// </summary>
public static class OmexArchive
{
    /// <summary>The OMEX manifest namespace.</summary>
    public static readonly XNamespace ManifestNamespace = "http://identifiers.org/combine.specifications/omex-manifest";

    private const string OmexFormat = "http://identifiers.org/combine.specifications/omex";
    private const string ManifestFormat = "http://identifiers.org/combine.specifications/omex-manifest";
    private const string SbmlFormat = "http://identifiers.org/combine.specifications/sbml.level-3.version-2";
    private const string SedmlFormat = "http://identifiers.org/combine.specifications/sed-ml.level-1.version-4";
    private const string MetadataFormat = "http://identifiers.org/combine.specifications/omex-metadata";

    /// <summary>The files of a model's archive, by path, in the order they are stored.</summary>
    /// <param name="model">The model.</param>
    /// <param name="course">The simulation experiment.</param>
    /// <param name="provenance">Creator and creation time (also the zip entries' timestamps, so equal inputs give
    /// byte-identical archives).</param>
    /// <param name="archiveName">The archive's file name, used in metadata URIs (e.g. <c>gompertz.omex</c>).</param>
    /// <returns>The files and the SBML export's report of unsupported units.</returns>
    public static (IReadOnlyList<(string Path, byte[] Bytes)> Files, SbmlExport Sbml) Contents(Model model, TimeCourse course, SbmlProvenance provenance, string archiveName)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(provenance);
        var sbml = SbmlExporter.Export(model, provenance);
        var sedml = SedmlWriter.Write(model, "model.xml", course);
        var manifest = new XDocument(new XDeclaration("1.0", "UTF-8", null), new XElement(ManifestNamespace + "omexManifest",
            Entry(".", OmexFormat), Entry("./manifest.xml", ManifestFormat), Entry("./model.xml", SbmlFormat), Entry("./simulation.sedml", SedmlFormat, master: true),
            Entry("./metadata.rdf", MetadataFormat), Entry("./model.json", "application/json"), Entry("./parameters.json", "application/json")));
        var utf8 = new UTF8Encoding(false);
        return ([
            ("manifest.xml", utf8.GetBytes(SbmlExporter.ToText(manifest))),
            ("model.xml", utf8.GetBytes(sbml.Xml)),
            ("simulation.sedml", utf8.GetBytes(sedml)),
            ("metadata.rdf", utf8.GetBytes(Metadata(model, provenance, archiveName))),
            ("model.json", utf8.GetBytes(DataSchemas.Checked(DataSchemas.Model, $"model.json of {model.Name}", ModelJson.Serialize(model)))),
            ("parameters.json", utf8.GetBytes(DataSchemas.Checked(DataSchemas.ParameterSet, $"parameters.json of {model.Name}", ParameterSet(model)))),
        ], sbml);

        static XElement Entry(string location, string format, bool master = false)
        {
            var e = new XElement(ManifestNamespace + "content", new XAttribute("location", location), new XAttribute("format", format));
            if (master)
            {
                e.Add(new XAttribute("master", "true"));
            }
            return e;
        }
    }

    /// <summary>Writes a model's archive atomically (to a temporary file, then renamed).</summary>
    /// <param name="model">The model.</param>
    /// <param name="course">The simulation experiment.</param>
    /// <param name="provenance">Creator and creation time.</param>
    /// <param name="path">The archive to write (<c>.omex</c>); an existing file is replaced.</param>
    /// <returns>The SBML export's report (unsupported units).</returns>
    public static SbmlExport Write(Model model, TimeCourse course, SbmlProvenance provenance, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(path);
        var (files, sbml) = Contents(model, course, provenance, Path.GetFileName(full));
        var temporary = full + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            using (var stream = File.Create(temporary))
            using (var zip = new ZipArchive(stream, ZipArchiveMode.Create))
            {
                foreach (var (name, bytes) in files)
                {
                    var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
                    entry.LastWriteTime = provenance.Created;
                    using var output = entry.Open();
                    output.Write(bytes);
                }
            }
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
        return sbml;
    }

    /// <summary>Reads and checks an archive.</summary>
    /// <param name="path">The archive.</param>
    /// <param name="limits">Size and count limits; <see cref="ArchiveLimits.Default"/> when null.</param>
    /// <exception cref="ArchiveException">The archive is unsafe or inconsistent (every problem is listed).</exception>
    public static OmexContent Read(string path, ArchiveLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var (content, problems) = Inspect(path, limits ?? ArchiveLimits.Default);
        return problems.Count == 0 ? content! : throw new ArchiveException(Path.GetFileName(path), problems);
    }

    /// <summary>Checks an archive without throwing: every problem, each naming its entry (empty when valid).</summary>
    /// <param name="path">The archive.</param>
    /// <param name="limits">Size and count limits; <see cref="ArchiveLimits.Default"/> when null.</param>
    public static IReadOnlyList<string> Validate(string path, ArchiveLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Inspect(path, limits ?? ArchiveLimits.Default).Problems;
    }

    private static (OmexContent? Content, List<string> Problems) Inspect(string path, ArchiveLimits limits)
    {
        var problems = new List<string>();
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        try
        {
            using var zip = ZipFile.OpenRead(path);
            if (zip.Entries.Count > limits.MaxEntries)
            {
                problems.Add($"the archive has {zip.Entries.Count} entries; at most {limits.MaxEntries} are accepted");
                return (null, problems);
            }
            long total = 0;
            foreach (var entry in zip.Entries)
            {
                var name = entry.FullName;
                if (UnsafePath(name) is { } why)
                {
                    problems.Add($"entry '{name}': {why}; it is not extracted");
                    continue;
                }
                if (name.EndsWith('/'))
                {
                    continue; // a directory
                }
                if (entry.Length > limits.MaxEntryBytes)
                {
                    problems.Add($"entry '{name}': {entry.Length} bytes uncompressed, more than the limit of {limits.MaxEntryBytes}");
                    continue;
                }
                if (entry.Length > limits.RatioCheckedAboveBytes && entry.CompressedLength > 0
                    && (double)entry.Length / entry.CompressedLength > limits.MaxCompressionRatio)
                {
                    problems.Add($"entry '{name}': compression ratio {(double)entry.Length / entry.CompressedLength:F0}:1 exceeds {limits.MaxCompressionRatio:F0}:1 (a zip bomb?)");
                    continue;
                }
                // The sizes in the zip directory can lie: read at most the limit, and count what is actually inflated.
                using var stream = entry.Open();
                using var buffer = new MemoryStream();
                var chunk = new byte[81920];
                long read = 0;
                int n;
                var tooLarge = false;
                while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
                {
                    read += n;
                    if (read > limits.MaxEntryBytes || total + read > limits.MaxTotalBytes)
                    {
                        tooLarge = true;
                        break;
                    }
                    buffer.Write(chunk, 0, n);
                }
                if (tooLarge)
                {
                    problems.Add($"entry '{name}': inflates beyond the limits ({limits.MaxEntryBytes} bytes per entry, {limits.MaxTotalBytes} in all) although its header declares {entry.Length} bytes");
                    continue;
                }
                total += read;
                if (!files.TryAdd(name, buffer.ToArray()))
                {
                    problems.Add($"entry '{name}': appears twice in the archive");
                }
            }
        }
        catch (InvalidDataException e)
        {
            problems.Add($"the file is not a readable zip archive: {e.Message}");
            return (null, problems);
        }
        var manifest = new List<ManifestEntry>();
        if (!files.TryGetValue("manifest.xml", out var manifestBytes))
        {
            problems.Add("entry 'manifest.xml' is missing: every COMBINE archive lists its files in manifest.xml at its root");
            return (null, problems);
        }
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(manifestBytes), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            var root = XDocument.Load(reader).Root!;
            if (root.Name != ManifestNamespace + "omexManifest")
            {
                problems.Add($"entry 'manifest.xml': the root element is <{root.Name.LocalName}> in '{root.Name.NamespaceName}', not <omexManifest> in '{ManifestNamespace.NamespaceName}'");
            }
            foreach (var c in root.Elements(ManifestNamespace + "content"))
            {
                var location = (string?)c.Attribute("location");
                var format = (string?)c.Attribute("format");
                if (location is null || format is null)
                {
                    problems.Add($"entry 'manifest.xml': a <content> lacks its {(location is null ? "location" : "format")} attribute");
                    continue;
                }
                manifest.Add(new ManifestEntry(location, format, (string?)c.Attribute("master") == "true"));
            }
        }
        catch (XmlException e)
        {
            problems.Add($"entry 'manifest.xml': not well-formed XML at line {e.LineNumber}: {e.Message}");
            return (null, problems);
        }
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in manifest.Where(m => m.Location != "."))
        {
            var location = m.Location.StartsWith("./", StringComparison.Ordinal) ? m.Location[2..] : m.Location;
            if (UnsafePath(location) is { } why)
            {
                problems.Add($"manifest location '{m.Location}': {why}");
                continue;
            }
            listed.Add(location);
            if (!files.ContainsKey(location) && location != "manifest.xml")
            {
                problems.Add($"manifest location '{m.Location}': listed in manifest.xml but absent from the archive");
            }
        }
        foreach (var file in files.Keys.Where(f => f != "manifest.xml" && !listed.Contains(f)))
        {
            problems.Add($"entry '{file}': present in the archive but not listed in manifest.xml (add a <content location=\"./{file}\" format=\"...\"/>)");
        }
        if (manifest.Count(m => m.Master) > 1)
        {
            problems.Add($"entry 'manifest.xml': {manifest.Count(m => m.Master)} entries are marked master; at most one may be");
        }
        return (new OmexContent(manifest, files), problems);
    }

    private static string? UnsafePath(string name)
    {
        if (name.Length == 0)
        {
            return "an empty name";
        }
        if (name.StartsWith('/') || name.StartsWith('\\') || (name.Length > 1 && name[1] == ':'))
        {
            return "an absolute path";
        }
        if (name.Contains('\\', StringComparison.Ordinal))
        {
            return "a backslash in the path (zip paths use '/')";
        }
        if (name.Split('/').Any(segment => segment == ".."))
        {
            return "a '..' segment that would write outside the extraction folder (zip-slip)";
        }
        return name.Any(char.IsControl) ? "a control character in the name" : null;
    }

    private static string ParameterSet(Model model)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("format", "twinlab.parameter-set");
            json.WriteNumber("formatVersion", 1);
            json.WriteString("model", model.Name);
            json.WriteString("modelVersion", model.Version);
            json.WriteString("modelDigest", model.Digest);
            json.WriteString("name", "nominal");
            json.WriteStartArray("parameters");
            foreach (var p in model.Parameters)
            {
                json.WriteStartObject();
                json.WriteString("name", p.Name);
                json.WriteNumber("value", p.Value);
                json.WriteString("unit", p.Unit);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static string Metadata(Model model, SbmlProvenance provenance, string archiveName)
    {
        XNamespace rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
        XNamespace dc = "http://purl.org/dc/terms/";
        XNamespace foaf = "http://xmlns.com/foaf/0.1/";
        XNamespace bqmodel = "http://biomodels.net/model-qualifiers/";
        var archive = "http://omex-library.org/" + Uri.EscapeDataString(archiveName);
        var creator = archive + "/metadata.rdf#creator";
        var created = provenance.Created.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var name = (provenance.GivenName + " " + provenance.FamilyName).Trim();
        XElement Dated() => new(dc + "created", new XAttribute(rdf + "datatype", "http://purl.org/dc/terms/W3CDTF"), created);
        var document = new XDocument(new XDeclaration("1.0", "UTF-8", null),
            new XElement(rdf + "RDF",
                new XAttribute(XNamespace.Xmlns + "rdf", rdf.NamespaceName), new XAttribute(XNamespace.Xmlns + "dc", dc.NamespaceName),
                new XAttribute(XNamespace.Xmlns + "foaf", foaf.NamespaceName), new XAttribute(XNamespace.Xmlns + "bqmodel", bqmodel.NamespaceName),
                new XElement(rdf + "Description", new XAttribute(rdf + "about", archive),
                    new XElement(dc + "title", $"{model.Name} {model.Version}"),
                    new XElement(dc + "description", $"TwinLab model {model.Name} {model.Version} ({model.Digest}) as SBML, with a SED-ML time course."),
                    new XElement(dc + "creator", new XAttribute(rdf + "resource", creator)),
                    Dated()),
                new XElement(rdf + "Description", new XAttribute(rdf + "about", archive + "/model.xml"),
                    new XElement(dc + "title", model.Name),
                    new XElement(dc + "description", model.Description),
                    new XElement(dc + "creator", new XAttribute(rdf + "resource", creator)),
                    Dated(),
                    model.References.Where(r => r.Doi is not null).Select(r =>
                        new XElement(bqmodel + "isDescribedBy", new XAttribute(rdf + "resource", "https://identifiers.org/doi:" + r.Doi)))),
                new XElement(rdf + "Description", new XAttribute(rdf + "about", creator),
                    new XElement(foaf + "name", name))));
        return SbmlExporter.ToText(document);
    }
}
