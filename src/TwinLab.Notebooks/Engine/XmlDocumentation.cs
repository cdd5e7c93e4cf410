using System.Globalization;
using System.Xml;
using Microsoft.CodeAnalysis;

namespace TwinLab.Notebooks.Engine;

/// <summary>Reads an assembly's XML documentation file (lazily, once) for Roslyn's symbols.</summary>
internal sealed class XmlDocumentation(string path) : DocumentationProvider
{
    private readonly Lazy<Dictionary<string, string>> _members = new(() => Load(path));

    protected override string? GetDocumentationForSymbol(string documentationMemberID, CultureInfo preferredCulture, CancellationToken cancellationToken = default) =>
        _members.Value.TryGetValue(documentationMemberID, out var xml) ? xml : null;

    public override bool Equals(object? obj) => obj is XmlDocumentation other && other.Path == Path;

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Path);

    private string Path { get; } = path;

    private static Dictionary<string, string> Load(string path)
    {
        var members = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null });
            reader.MoveToContent();
            while (!reader.EOF)
            {
                if (reader.NodeType == XmlNodeType.Element && reader.Name == "member")
                {
                    // ReadOuterXml leaves the reader on the next node, which may be the next member.
                    var name = reader.GetAttribute("name");
                    var xml = reader.ReadOuterXml();
                    if (name is not null)
                    {
                        members[name] = xml;
                    }
                }
                else
                {
                    reader.Read();
                }
            }
        }
        catch (XmlException)
        {
            // An unreadable documentation file only means no documentation.
        }
        catch (IOException)
        {
        }
        return members;
    }
}
