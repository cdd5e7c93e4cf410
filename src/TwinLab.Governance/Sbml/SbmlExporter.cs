using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using TwinLab.Core.Modelling;
using TwinLab.Core.Symbolic;

namespace TwinLab.Governance.Sbml;

/// <summary>Who created an SBML encoding and when (the SBML model history).</summary>
/// <param name="FamilyName">The creator's family name (or the name of the software or group).</param>
/// <param name="GivenName">The creator's given name (not empty: SBML's model history needs both parts).</param>
/// <param name="Organisation">The organisation, or null.</param>
/// <param name="Created">When the encoding was created; pass a fixed time for reproducible files.</param>
public sealed record SbmlProvenance(string FamilyName, string GivenName, string? Organisation, DateTimeOffset Created);

/// <summary>An SBML document written from a TwinLab model, with what could not be expressed in SBML.</summary>
/// <param name="Xml">The SBML Level 3 Version 2 document.</param>
/// <param name="UnsupportedUnits">Elements exported without units because their unit string has no SBML form
/// (element id, unit string and why), in document order.</param>
public sealed record SbmlExport(string Xml, IReadOnlyList<string> UnsupportedUnits);

/// <summary>
/// Writes a TwinLab model as SBML Level 3 Version 2 core. States become non-constant parameters with rate rules
/// (initial values as <c>value</c>, or initial assignments when they are expressions of parameters); parameters are
/// constant parameters with units; observables are assignment rules; each bolus dose is an event triggered at its time
/// (<c>t ≥ tₖ</c>, adding the amount to its target); each infusion is an input parameter defined by an assignment rule
/// (the rate inside each infusion window, 0 outside) added to its target's rate rule. Descriptions are XHTML notes, the
/// creator, creation date and literature references are MIRIAM RDF, and everything TwinLab needs to rebuild the model
/// exactly (bounds, priors, unit strings, treatments) is in a TwinLab annotation, so that <see cref="SbmlImporter"/>
/// gives back a model with the same digest.
/// </summary>
public static class SbmlExporter
{
    /// <summary>The SBML Level 3 Version 2 core namespace.</summary>
    public static readonly XNamespace Sbml = "http://www.sbml.org/sbml/level3/version2/core";

    /// <summary>The namespace of TwinLab's annotations.</summary>
    public static readonly XNamespace TwinLab = "urn:twinlab:sbml:1";

    internal static readonly XNamespace Xhtml = "http://www.w3.org/1999/xhtml";
    internal static readonly XNamespace Rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    internal static readonly XNamespace DcTerms = "http://purl.org/dc/terms/";
    internal static readonly XNamespace VCard4 = "http://www.w3.org/2006/vcard/ns#";
    internal static readonly XNamespace BqModel = "http://biomodels.net/model-qualifiers/";

    /// <summary>Writes the model as SBML.</summary>
    /// <param name="model">The model.</param>
    /// <param name="provenance">The creator and creation time recorded in the model history.</param>
    public static SbmlExport Export(Model model, SbmlProvenance provenance)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(provenance);
        if (string.IsNullOrWhiteSpace(provenance.FamilyName) || string.IsNullOrWhiteSpace(provenance.GivenName))
        {
            // libSBML rejects a model history whose vCard name lacks a part (warning 99404, history not read).
            throw new ArgumentException($"The creator needs a given name and a family name; got given '{provenance.GivenName}' and family '{provenance.FamilyName}'.", nameof(provenance));
        }
        var unsupported = new List<string>();
        var unitIds = new Dictionary<string, string>(StringComparer.Ordinal);
        var unitDefinitions = new List<XElement>();
        string? UnitsFor(string unit, string elementId)
        {
            if (unit == "1")
            {
                return "dimensionless";
            }
            if (unitIds.TryGetValue(unit, out var known))
            {
                return known.Length == 0 ? Unsupported() : known;
            }
            if (!SbmlUnits.TryTranslate(unit, out var factors, out var problem))
            {
                unitIds[unit] = "";
                return Unsupported();
            }
            var id = SbmlUnits.IdFor(unit);
            while (unitIds.ContainsValue(id))
            {
                id += "_";
            }
            unitIds[unit] = id;
            unitDefinitions.Add(new XElement(Sbml + "unitDefinition", new XAttribute("id", id), new XAttribute("name", unit),
                new XElement(Sbml + "listOfUnits", factors.Count == 0
                    ? [Unit(new SbmlUnit("dimensionless", 1, 0, 1))]
                    : factors.Select(Unit))));
            return id;

            string? Unsupported()
            {
                SbmlUnits.TryTranslate(unit, out _, out var why);
                unsupported.Add($"'{elementId}': unit '{unit}' exported without SBML units ({why})");
                return null;
            }
        }

        var taken = new HashSet<string>(model.States.Select(s => s.Name).Concat(model.Parameters.Select(p => p.Name))
            .Concat(model.Observables.Select(o => o.Name)), StringComparer.Ordinal);
        string Fresh(string stem)
        {
            var id = stem;
            for (var k = 2; !taken.Add(id); k++)
            {
                id = stem + "_" + k.ToString(CultureInfo.InvariantCulture);
            }
            return id;
        }

        var parameters = new List<XElement>();
        var initialAssignments = new List<XElement>();
        var rules = new List<XElement>();
        var events = new List<XElement>();
        var treatmentNotes = new List<XElement>();
        var infusionInputs = new Dictionary<string, List<Symbol>>(StringComparer.Ordinal);

        foreach (var t in model.Treatments)
        {
            var schedule = t.Schedule.Interval is { } every
                ? new XElement(TwinLab + "schedule", new XAttribute("every", Num(every)), new XAttribute("count", t.Schedule.Count!.Value), new XAttribute("start", Num(t.Schedule.Start!.Value)))
                : new XElement(TwinLab + "schedule", t.Schedule.Times.Select(x => new XElement(TwinLab + "time", Num(x))));
            switch (t)
            {
                case Bolus b:
                    for (var k = 0; k < t.Schedule.Times.Count; k++)
                    {
                        var time = t.Schedule.Times[k];
                        events.Add(new XElement(Sbml + "event",
                            new XAttribute("id", Fresh($"{t.Name}_dose_{k + 1}")),
                            new XAttribute("name", $"{t.Name}: dose {k + 1} of {t.Schedule.Times.Count} at t = {Num(time)}"),
                            new XAttribute("useValuesFromTriggerTime", "true"),
                            new XElement(Sbml + "annotation", new XElement(TwinLab + "treatmentDose", new XAttribute("treatment", t.Name))),
                            new XElement(Sbml + "trigger", new XAttribute("initialValue", "false"), new XAttribute("persistent", "true"),
                                MathML.Math(new Comparison(ComparisonOperator.GreaterOrEqual, Sym.Time, new Constant(time)))),
                            new XElement(Sbml + "listOfEventAssignments",
                                new XElement(Sbml + "eventAssignment", new XAttribute("variable", b.Target.Name),
                                    MathML.Math(new Binary(BinaryOperator.Add, b.Target, b.Amount))))));
                    }
                    treatmentNotes.Add(new XElement(TwinLab + "treatment", new XAttribute("kind", "bolus"), new XAttribute("name", t.Name),
                        new XAttribute("target", t.Target.Name), new XElement(TwinLab + "amount", MathML.Math(b.Amount)), schedule));
                    break;
                case Infusion i:
                    var input = Fresh($"{t.Name}_input");
                    Expr? windows = null;
                    foreach (var start in t.Schedule.Times)
                    {
                        var inWindow = new Logical(LogicalOperator.And,
                            new Comparison(ComparisonOperator.GreaterOrEqual, Sym.Time, new Constant(start)),
                            new Comparison(ComparisonOperator.Less, Sym.Time, new Constant(start + i.Duration)));
                        Expr piece = new Conditional(inWindow, i.Rate, new Constant(0));
                        windows = windows is null ? piece : new Binary(BinaryOperator.Add, windows, piece);
                    }
                    parameters.Add(new XElement(Sbml + "parameter", new XAttribute("id", input),
                        new XAttribute("name", $"input of infusion {t.Name} into {t.Target.Name}"), new XAttribute("constant", "false"),
                        new XElement(Sbml + "annotation", new XElement(TwinLab + "infusionInput", new XAttribute("treatment", t.Name)))));
                    rules.Add(new XElement(Sbml + "assignmentRule", new XAttribute("variable", input), MathML.Math(windows!)));
                    if (!infusionInputs.TryGetValue(t.Target.Name, out var list))
                    {
                        infusionInputs[t.Target.Name] = list = [];
                    }
                    list.Add(new Symbol(input));
                    treatmentNotes.Add(new XElement(TwinLab + "treatment", new XAttribute("kind", "infusion"), new XAttribute("name", t.Name),
                        new XAttribute("target", t.Target.Name), new XAttribute("duration", Num(i.Duration)), new XAttribute("input", input),
                        new XElement(TwinLab + "rate", MathML.Math(i.Rate)), schedule));
                    break;
                default:
                    throw new ArgumentException($"Treatment '{t.Name}' of model '{model.Name}' is a {t.GetType().Name}, which has no SBML form.", nameof(model));
            }
        }

        var stateElements = new List<XElement>();
        for (var s = 0; s < model.States.Count; s++)
        {
            var state = model.States[s];
            var element = new XElement(Sbml + "parameter", new XAttribute("id", state.Name), new XAttribute("constant", "false"));
            if (state.Initial is Constant c)
            {
                element.Add(new XAttribute("value", Num(c.Value)));
            }
            else
            {
                initialAssignments.Add(new XElement(Sbml + "initialAssignment", new XAttribute("symbol", state.Name), MathML.Math(state.Initial)));
            }
            AddUnits(element, UnitsFor(state.Unit, state.Name));
            Describe(element, state.Description, new XElement(TwinLab + "state", new XAttribute("unit", state.Unit),
                new XAttribute("nonNegative", state.NonNegative ? "true" : "false"), new XElement(TwinLab + "description", state.Description)));
            stateElements.Add(element);
            var rate = model.Rates[s];
            if (infusionInputs.TryGetValue(state.Name, out var inputs))
            {
                foreach (var input in inputs)
                {
                    rate = new Binary(BinaryOperator.Add, rate, input);
                }
            }
            rules.Insert(s, new XElement(Sbml + "rateRule", new XAttribute("variable", state.Name), MathML.Math(rate)));
        }

        var parameterElements = model.Parameters.Select(p =>
        {
            var element = new XElement(Sbml + "parameter", new XAttribute("id", p.Name), new XAttribute("value", Num(p.Value)), new XAttribute("constant", "true"));
            AddUnits(element, UnitsFor(p.Unit, p.Name));
            var note = new XElement(TwinLab + "parameter", new XAttribute("unit", p.Unit), new XElement(TwinLab + "description", p.Description));
            if (!double.IsInfinity(p.Lower))
            {
                note.Add(new XAttribute("lower", Num(p.Lower)));
            }
            if (!double.IsInfinity(p.Upper))
            {
                note.Add(new XAttribute("upper", Num(p.Upper)));
            }
            if (p.Prior is { } prior)
            {
                note.Add(new XElement(TwinLab + "prior", new XAttribute("kind", prior.Kind),
                    prior.Parameters.Select(kv => new XElement(TwinLab + "argument", new XAttribute("name", kv.Key), new XAttribute("value", Num(kv.Value))))));
            }
            if (p.Reference is { } r)
            {
                note.Add(ReferenceElement(r));
            }
            Describe(element, p.Description, note);
            return element;
        }).ToList();

        var observableElements = model.Observables.Select(o =>
        {
            var element = new XElement(Sbml + "parameter", new XAttribute("id", o.Name), new XAttribute("constant", "false"));
            AddUnits(element, UnitsFor(o.Unit, o.Name));
            Describe(element, o.Description, new XElement(TwinLab + "observable", new XAttribute("unit", o.Unit), new XElement(TwinLab + "description", o.Description)));
            return element;
        }).ToList();
        rules.InsertRange(model.States.Count, model.Observables.Select(o =>
            new XElement(Sbml + "assignmentRule", new XAttribute("variable", o.Name), MathML.Math(o.Expression))));

        var modelId = ModelId(model.Name);
        var modelElement = new XElement(Sbml + "model", new XAttribute("metaid", "meta_" + modelId), new XAttribute("id", modelId), new XAttribute("name", model.Name));
        if (model.Description.Length > 0)
        {
            modelElement.Add(Notes(model.Description));
        }
        modelElement.Add(new XElement(Sbml + "annotation",
            History(model, provenance, "meta_" + modelId),
            new XElement(TwinLab + "model", new XAttribute("name", model.Name), new XAttribute("version", model.Version),
                new XAttribute("digest", model.Digest),
                new XElement(TwinLab + "description", model.Description),
                model.References.Select(ReferenceElement),
                treatmentNotes)));
        var allParameters = stateElements.Concat(parameterElements).Concat(observableElements).Concat(parameters).ToList();
        if (unitDefinitions.Count > 0)
        {
            modelElement.Add(new XElement(Sbml + "listOfUnitDefinitions", unitDefinitions));
        }
        modelElement.Add(new XElement(Sbml + "listOfParameters", allParameters));
        if (initialAssignments.Count > 0)
        {
            modelElement.Add(new XElement(Sbml + "listOfInitialAssignments", initialAssignments));
        }
        modelElement.Add(new XElement(Sbml + "listOfRules", rules));
        if (events.Count > 0)
        {
            modelElement.Add(new XElement(Sbml + "listOfEvents", events));
        }
        var document = new XDocument(new XDeclaration("1.0", "UTF-8", null),
            new XElement(Sbml + "sbml", new XAttribute("level", "3"), new XAttribute("version", "2"), modelElement));
        return new SbmlExport(ToText(document), unsupported);
    }

    /// <summary>An SBML id for a model name (letters, digits and underscores, starting with a letter or underscore).</summary>
    /// <param name="name">The model's name.</param>
    public static string ModelId(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var sb = new StringBuilder();
        foreach (var c in name)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }
        var id = sb.ToString();
        return id.Length == 0 || char.IsAsciiDigit(id[0]) ? "m_" + id : id;
    }

    /// <summary>An XML document as UTF-8 text without a byte-order mark, indented.</summary>
    internal static string ToText(XDocument document)
    {
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false), OmitXmlDeclaration = false };
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, settings))
        {
            document.Save(writer);
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void AddUnits(XElement element, string? units)
    {
        if (units is not null)
        {
            element.Add(new XAttribute("units", units));
        }
    }

    private static void Describe(XElement element, string description, XElement twinLabNote)
    {
        if (description.Length > 0)
        {
            element.Add(Notes(description));
        }
        element.Add(new XElement(Sbml + "annotation", twinLabNote));
    }

    private static XElement Notes(string text) =>
        new(Sbml + "notes", new XElement(Xhtml + "body", new XElement(Xhtml + "p", text)));

    private static XElement ReferenceElement(Reference r)
    {
        var element = new XElement(TwinLab + "reference", new XAttribute("citation", r.Citation));
        if (r.Doi is not null)
        {
            element.Add(new XAttribute("doi", r.Doi));
        }
        return element;
    }

    private static XElement History(Model model, SbmlProvenance provenance, string metaId)
    {
        var creator = new XElement(Rdf + "li", new XAttribute(Rdf + "parseType", "Resource"),
            new XElement(VCard4 + "hasName", new XAttribute(Rdf + "parseType", "Resource"),
                new XElement(VCard4 + "family-name", provenance.FamilyName),
                new XElement(VCard4 + "given-name", provenance.GivenName)));
        if (provenance.Organisation is not null)
        {
            creator.Add(new XElement(VCard4 + "organization-name", provenance.Organisation));
        }
        var when = provenance.Created.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var description = new XElement(Rdf + "Description", new XAttribute(Rdf + "about", "#" + metaId),
            new XElement(DcTerms + "creator", new XElement(Rdf + "Bag", creator)),
            new XElement(DcTerms + "created", new XAttribute(Rdf + "parseType", "Resource"), new XElement(DcTerms + "W3CDTF", when)),
            new XElement(DcTerms + "modified", new XAttribute(Rdf + "parseType", "Resource"), new XElement(DcTerms + "W3CDTF", when)));
        var dois = model.References.Where(r => r.Doi is not null).ToList();
        if (dois.Count > 0)
        {
            description.Add(new XElement(BqModel + "isDescribedBy", new XElement(Rdf + "Bag",
                dois.Select(r => new XElement(Rdf + "li", new XAttribute(Rdf + "resource", "https://identifiers.org/doi:" + r.Doi))))));
        }
        return new XElement(Rdf + "RDF",
            new XAttribute(XNamespace.Xmlns + "rdf", Rdf.NamespaceName),
            new XAttribute(XNamespace.Xmlns + "dcterms", DcTerms.NamespaceName),
            new XAttribute(XNamespace.Xmlns + "vCard4", VCard4.NamespaceName),
            new XAttribute(XNamespace.Xmlns + "bqmodel", BqModel.NamespaceName),
            description);
    }

    private static XElement Unit(SbmlUnit u) => new(Sbml + "unit", new XAttribute("kind", u.Kind), new XAttribute("exponent", Num(u.Exponent)),
        new XAttribute("scale", u.Scale), new XAttribute("multiplier", Num(u.Multiplier)));

    internal static string Num(double value) =>
        double.IsPositiveInfinity(value) ? "INF" : double.IsNegativeInfinity(value) ? "-INF" : double.IsNaN(value) ? "NaN" : value.ToString("R", CultureInfo.InvariantCulture);
}
