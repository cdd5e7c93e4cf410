using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using TwinLab.Core.Distributions;
using TwinLab.Core.Modelling;
using TwinLab.Core.Symbolic;

namespace TwinLab.Governance.Sbml;

/// <summary>The error raised when an SBML document uses constructs TwinLab cannot represent: lists every one, by
/// element and id.</summary>
public sealed class SbmlImportException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="source">The document's name.</param>
    /// <param name="problems">Every problem found, each naming its element and id.</param>
    public SbmlImportException(string source, IReadOnlyList<string> problems)
        : base($"{source}: {problems.Count} SBML construct(s) cannot be imported:\n  - " + string.Join("\n  - ", problems)) =>
        Problems = problems;

    /// <summary>Creates the exception.</summary>
    public SbmlImportException() : this("SBML", ["the document could not be read"]) { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public SbmlImportException(string message) : base(message) => Problems = [message];

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SbmlImportException(string message, Exception innerException) : base(message, innerException) => Problems = [message];

    /// <summary>Every problem, each naming its element and id.</summary>
    public IReadOnlyList<string> Problems { get; }
}

/// <summary>
/// Reads SBML Level 3 (Version 1 or 2) into a TwinLab model. Supported: parameters (constant ones become parameters;
/// non-constant ones with a rate rule become states, with an assignment rule observables), compartments (constant
/// sizes, as parameters), species (states whose rates come from rate rules or from the reactions' kinetic laws and
/// stoichiometries, divided by the compartment size for concentrations), reactions with kinetic laws and local
/// parameters (renamed <c>reaction_parameter</c>), initial assignments of states, function definitions (inlined), and
/// events triggered at a fixed time (<c>t ≥ c</c> or <c>t &gt; c</c>) whose assignments add an amount to a state
/// (imported as bolus doses). Anything else (algebraic rules, constraints, delays, state-triggered events, variable
/// stoichiometry, non-constant compartments...) is reported by element and id in an <see cref="SbmlImportException"/>;
/// nothing is silently dropped. Documents written by <see cref="SbmlExporter"/> carry TwinLab annotations from which
/// the model is rebuilt exactly (same digest).
/// </summary>
public static class SbmlImporter
{
    private static readonly XNamespace T = SbmlExporter.TwinLab;
    private static readonly string[] SymbolLists = ["listOfCompartments", "listOfSpecies", "listOfParameters"];

    /// <summary>Reads an SBML file.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="SbmlImportException">The document uses unsupported constructs (all are listed).</exception>
    /// <exception cref="FormatException">The file is not SBML Level 3.</exception>
    public static Model Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Import(File.ReadAllText(path), Path.GetFileName(path));
    }

    /// <summary>Reads an SBML document from text.</summary>
    /// <param name="xml">The SBML text.</param>
    /// <param name="source">A name for the document in error messages.</param>
    /// <exception cref="SbmlImportException">The document uses unsupported constructs (all are listed).</exception>
    /// <exception cref="FormatException">The text is not SBML Level 3.</exception>
    public static Model Import(string xml, string source = "model.xml")
    {
        ArgumentNullException.ThrowIfNull(xml);
        XDocument document;
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            document = XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            throw new FormatException($"{source}: not well-formed XML (line {e.LineNumber}, position {e.LinePosition}): {e.Message}", e);
        }
        var root = document.Root!;
        if (root.Name.LocalName != "sbml" || (string?)root.Attribute("level") != "3")
        {
            throw new FormatException($"{source}: the root element is <{root.Name.LocalName}> level {(string?)root.Attribute("level") ?? "?"}; TwinLab imports SBML Level 3 documents (convert older levels with libSBML first).");
        }
        var model = root.Element(root.Name.Namespace + "model")
            ?? throw new FormatException($"{source}: the document has no <model> element.");
        return new Importer(source, root.Name.Namespace).Read(model);
    }

    private sealed class Importer(string source, XNamespace s)
    {
        private readonly List<string> _problems = [];
        private readonly Dictionary<string, FunctionDefinition> _functions = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _renames = new(StringComparer.Ordinal);

        private string Name(string id) => _renames.TryGetValue(id, out var n) ? n : id;

        private static string Id(XElement e) => (string?)e.Attribute("id") ?? (string?)e.Attribute("variable") ?? (string?)e.Attribute("symbol") ?? "(no id)";

        private void Problem(XElement e, string what) => _problems.Add($"<{e.Name.LocalName}> '{Id(e)}': {what}");

        private Expr? Math(XElement owner, string where, IReadOnlyDictionary<string, string>? renames = null)
        {
            var math = owner.Element(MathML.Namespace + "math");
            if (math is null)
            {
                Problem(owner, "has no <math>");
                return null;
            }
            try
            {
                return MathML.ReadExpression(math, _functions, where, renames ?? _renames);
            }
            catch (SbmlUnsupportedException e)
            {
                _problems.Add(e.Message);
                return null;
            }
        }

        private IEnumerable<XElement> List(XElement model, string list, string item) =>
            model.Element(s + list)?.Elements(s + item) ?? [];

        private static double? Number(XElement e, string attribute)
        {
            var text = (string?)e.Attribute(attribute);
            return text switch
            {
                null => null,
                "INF" => double.PositiveInfinity,
                "-INF" => double.NegativeInfinity,
                _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
        }

        private static bool Flag(XElement e, string attribute) => (string?)e.Attribute(attribute) == "true";

        public Model Read(XElement model)
        {
            var known = new HashSet<string>(StringComparer.Ordinal)
            {
                "notes", "annotation", "listOfFunctionDefinitions", "listOfUnitDefinitions", "listOfCompartments", "listOfSpecies",
                "listOfParameters", "listOfInitialAssignments", "listOfRules", "listOfReactions", "listOfEvents",
            };
            foreach (var child in model.Elements().Where(c => c.Name.Namespace != s || !known.Contains(c.Name.LocalName)))
            {
                _problems.Add($"<{child.Name.LocalName}> in model '{Id(model)}': this element (for example constraints or package elements) is not supported");
            }
            foreach (var f in List(model, "listOfFunctionDefinitions", "functionDefinition"))
            {
                var lambda = f.Element(MathML.Namespace + "math")?.Element(MathML.Namespace + "lambda");
                if (lambda is null)
                {
                    Problem(f, "has no <lambda>");
                    continue;
                }
                var args = lambda.Elements(MathML.Namespace + "bvar").Select(b => b.Element(MathML.Namespace + "ci")!.Value.Trim()).ToList();
                var body = lambda.Elements().LastOrDefault(e => e.Name != MathML.Namespace + "bvar");
                if (body is null)
                {
                    Problem(f, "has a <lambda> without a body");
                    continue;
                }
                _functions[Id(f)] = new FunctionDefinition(Id(f), args, body);
            }

            // SBML ids that are not valid TwinLab names ('t' would be read as time; 'exp' is a function) are renamed.
            var ids = SymbolLists
                .SelectMany(l => model.Element(s + l)?.Elements() ?? []).Select(Id).ToHashSet(StringComparer.Ordinal);
            foreach (var id in ids.Where(i => i == Sym.TimeName || !Symbol.IsValidName(i)).Order(StringComparer.Ordinal))
            {
                var stem = "sbml_" + new string([.. id.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')]);
                var name = stem;
                for (var k = 2; ids.Contains(name) || _renames.ContainsValue(name); k++)
                {
                    name = stem + "_" + k.ToString(CultureInfo.InvariantCulture);
                }
                _renames[id] = name;
            }

            var twin = model.Element(s + "annotation")?.Element(T + "model");
            var builder = new ModelBuilder((string?)twin?.Attribute("name") ?? (string?)model.Attribute("id") ?? Path.GetFileNameWithoutExtension(source), (string?)twin?.Attribute("version") ?? "1.0")
            {
                Description = (twin?.Element(T + "description")?.Value ?? NotesText(model))
                    + (_renames.Count == 0 ? "" : (twin is null && NotesText(model).Length == 0 ? "" : " ")
                        + "SBML ids renamed for TwinLab: " + string.Join(", ", _renames.Select(kv => $"{kv.Key} → {kv.Value}")) + "."),
            };
            foreach (var r in twin?.Elements(T + "reference") ?? [])
            {
                builder.Cite((string)r.Attribute("citation")!, (string?)r.Attribute("doi"));
            }

            var unitNames = List(model, "listOfUnitDefinitions", "unitDefinition")
                .ToDictionary(Id, u => (string?)u.Attribute("name") ?? Id(u), StringComparer.Ordinal);
            string UnitOf(XElement e)
            {
                var units = (string?)e.Attribute("units") ?? (string?)e.Attribute("substanceUnits");
                return units is null or "dimensionless" ? "1" : unitNames.TryGetValue(units, out var n) ? n : units;
            }

            var rateRules = new Dictionary<string, XElement>(StringComparer.Ordinal);
            var assignmentRules = new Dictionary<string, XElement>(StringComparer.Ordinal);
            foreach (var rule in model.Element(s + "listOfRules")?.Elements() ?? [])
            {
                switch (rule.Name.LocalName)
                {
                    case "rateRule":
                        rateRules[(string)rule.Attribute("variable")!] = rule;
                        break;
                    case "assignmentRule":
                        assignmentRules[(string)rule.Attribute("variable")!] = rule;
                        break;
                    default:
                        Problem(rule, "algebraic rules are not supported (TwinLab models are ODEs, not DAEs)");
                        break;
                }
            }
            var initialAssignments = List(model, "listOfInitialAssignments", "initialAssignment").ToDictionary(e => (string)e.Attribute("symbol")!, StringComparer.Ordinal);

            var infusionInputs = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var t in twin?.Elements(T + "treatment") ?? [])
            {
                if ((string?)t.Attribute("input") is { } input)
                {
                    infusionInputs[input] = (string)t.Attribute("target")!;
                }
            }

            var states = new List<(Symbol Symbol, XElement Element, bool IsSpecies)>();
            var observables = new List<(string Name, string Unit, string Description, XElement Rule)>();
            var compartmentOf = new Dictionary<string, (string Compartment, bool Concentration)>(StringComparer.Ordinal);

            void Declare(XElement e, bool constant, string unit, bool isSpecies)
            {
                var id = Id(e);
                var name = Name(id);
                var note = e.Element(s + "annotation")?.Elements().FirstOrDefault(a => a.Name.Namespace == T);
                var description = note?.Element(T + "description")?.Value ?? NotesText(e);
                unit = (string?)note?.Attribute("unit") ?? unit;
                if (assignmentRules.TryGetValue(id, out var rule))
                {
                    observables.Add((name, unit, description, rule));
                    if (initialAssignments.TryGetValue(id, out var both))
                    {
                        Problem(both, "an initial assignment to a variable that also has an assignment rule");
                    }
                    return;
                }
                if (constant && !rateRules.ContainsKey(id))
                {
                    var value = isSpecies ? Number(e, "initialConcentration") ?? Number(e, "initialAmount") : Number(e, e.Name.LocalName == "compartment" ? "size" : "value");
                    if (initialAssignments.TryGetValue(id, out var ia))
                    {
                        Problem(ia, "an initial assignment to a constant: TwinLab parameters take a number (give the value instead)");
                        return;
                    }
                    if (value is null)
                    {
                        Problem(e, "a constant without a value");
                        return;
                    }
                    Distribution? prior = null;
                    if (note?.Element(T + "prior") is { } p)
                    {
                        prior = Distribution.Create((string)p.Attribute("kind")!, p.Elements(T + "argument")
                            .ToDictionary(a => (string)a.Attribute("name")!, a => double.Parse((string)a.Attribute("value")!, CultureInfo.InvariantCulture), StringComparer.Ordinal));
                    }
                    var reference = note?.Element(T + "reference") is { } r ? new Reference((string)r.Attribute("citation")!, (string?)r.Attribute("doi")) : null;
                    var lower = note is null ? null : Number(note, "lower");
                    var upper = note is null ? null : Number(note, "upper");
                    builder.Parameter(name, value.Value, unit, prior, (lower ?? double.NegativeInfinity, upper ?? double.PositiveInfinity), description, reference);
                    return;
                }
                if (constant && rateRules.TryGetValue(id, out var constantRule))
                {
                    Problem(constantRule, "a rate rule for a constant");
                    return;
                }
                Expr initial;
                if (initialAssignments.TryGetValue(id, out var assignment))
                {
                    var math = Math(assignment, $"initialAssignment for '{id}'");
                    if (math is null)
                    {
                        return;
                    }
                    initial = math;
                }
                else if (isSpecies)
                {
                    var compartment = (string)e.Attribute("compartment")!;
                    var onlySubstance = Flag(e, "hasOnlySubstanceUnits");
                    if (Number(e, "initialConcentration") is { } c0)
                    {
                        initial = onlySubstance ? new Binary(BinaryOperator.Multiply, new Constant(c0), new Symbol(Name(compartment))) : new Constant(c0);
                    }
                    else if (Number(e, "initialAmount") is { } a0)
                    {
                        initial = onlySubstance ? new Constant(a0) : new Binary(BinaryOperator.Divide, new Constant(a0), new Symbol(Name(compartment)));
                    }
                    else
                    {
                        Problem(e, "a species without an initial amount, concentration or initial assignment");
                        return;
                    }
                }
                else if (Number(e, e.Name.LocalName == "compartment" ? "size" : "value") is { } v)
                {
                    initial = new Constant(v);
                }
                else
                {
                    Problem(e, "a variable without a value or initial assignment");
                    return;
                }
                var nonNegative = (string?)note?.Attribute("nonNegative") == "true";
                states.Add((builder.State(name, initial, unit, description, nonNegative), e, isSpecies));
            }

            foreach (var c in List(model, "listOfCompartments", "compartment"))
            {
                if (!Flag(c, "constant"))
                {
                    Problem(c, "a compartment whose size changes");
                    continue;
                }
                Declare(c, true, UnitOf(c), false);
            }
            foreach (var sp in List(model, "listOfSpecies", "species"))
            {
                if (sp.Attribute("conversionFactor") is not null)
                {
                    Problem(sp, "conversion factors");
                    continue;
                }
                compartmentOf[Id(sp)] = ((string)sp.Attribute("compartment")!, !Flag(sp, "hasOnlySubstanceUnits"));
                Declare(sp, Flag(sp, "constant"), UnitOf(sp), true);
            }
            foreach (var p in List(model, "listOfParameters", "parameter"))
            {
                if (infusionInputs.ContainsKey(Id(p)))
                {
                    continue; // rebuilt from the treatment it was written for (below)
                }
                if (model.Element(s + "listOfParameters") is not null && p.Element(s + "annotation")?.Element(T + "infusionInput") is not null)
                {
                    Problem(p, "an infusion input without its treatment in the model annotation");
                    continue;
                }
                Declare(p, Flag(p, "constant"), UnitOf(p), false);
            }
            foreach (var (name, unit, description, rule) in observables)
            {
                if (Math(rule, $"assignmentRule for '{name}'") is { } expression)
                {
                    builder.Observable(name, expression, unit, description);
                }
            }

            // Reactions: each species' rate is the sum of stoichiometry × kinetic law over the reactions it takes part in.
            var reactionTerms = new Dictionary<string, List<Expr>>(StringComparer.Ordinal);
            foreach (var reaction in List(model, "listOfReactions", "reaction"))
            {
                var rid = Id(reaction);
                var law = reaction.Element(s + "kineticLaw");
                if (law is null)
                {
                    Problem(reaction, "a reaction without a kinetic law");
                    continue;
                }
                var locals = new Dictionary<string, string>(_renames, StringComparer.Ordinal);
                foreach (var lp in List(law, "listOfLocalParameters", "localParameter"))
                {
                    var global = $"{rid}_{Id(lp)}";
                    if (Number(lp, "value") is not { } value)
                    {
                        Problem(lp, $"a local parameter of reaction '{rid}' without a value");
                        continue;
                    }
                    builder.Parameter(global, value, UnitOf(lp), description: $"local parameter '{Id(lp)}' of reaction '{rid}'");
                    locals[Id(lp)] = global;
                }
                if (Math(law, $"kineticLaw of reaction '{rid}'", locals) is not { } rate)
                {
                    continue;
                }
                void Add(XElement reference, bool product)
                {
                    var species = (string)reference.Attribute("species")!;
                    if (reference.Attribute("id") is not null && (rateRules.ContainsKey(Id(reference)) || assignmentRules.ContainsKey(Id(reference))))
                    {
                        Problem(reference, $"variable stoichiometry in reaction '{rid}'");
                        return;
                    }
                    if (Number(reference, "stoichiometry") is not { } n)
                    {
                        Problem(reference, $"a species reference to '{species}' in reaction '{rid}' without a stoichiometry");
                        return;
                    }
                    Expr term = n == 1 ? rate : new Binary(BinaryOperator.Multiply, new Constant(n), rate);
                    if (!reactionTerms.TryGetValue(species, out var list))
                    {
                        reactionTerms[species] = list = [];
                    }
                    list.Add(product ? term : new Unary(UnaryOperator.Negate, term));
                }
                foreach (var r in List(reaction, "listOfReactants", "speciesReference"))
                {
                    Add(r, false);
                }
                foreach (var p in List(reaction, "listOfProducts", "speciesReference"))
                {
                    Add(p, true);
                }
            }

            foreach (var (symbol, element, isSpecies) in states)
            {
                var id = Id(element);
                if (rateRules.TryGetValue(id, out var rule))
                {
                    if (reactionTerms.ContainsKey(id) && !Flag(element, "boundaryCondition"))
                    {
                        Problem(rule, "a rate rule for a species that reactions also change");
                        continue;
                    }
                    if (Math(rule, $"rateRule for '{id}'") is not { } rate)
                    {
                        continue;
                    }
                    var inputs = infusionInputs.Where(kv => kv.Value == id).Select(kv => kv.Key).ToList();
                    for (var k = inputs.Count - 1; k >= 0; k--)
                    {
                        if (rate is Binary { Operator: BinaryOperator.Add, Right: Symbol last } sum && last.Name == inputs[k])
                        {
                            rate = sum.Left;
                        }
                        else
                        {
                            Problem(rule, $"the rate rule does not end with the infusion input '{inputs[k]}' its annotation announces");
                        }
                    }
                    builder.Rate(symbol, rate);
                }
                else if (isSpecies && !Flag(element, "boundaryCondition") && reactionTerms.TryGetValue(id, out var terms))
                {
                    var total = terms[0];
                    for (var k = 1; k < terms.Count; k++)
                    {
                        total = new Binary(BinaryOperator.Add, total, terms[k]);
                    }
                    var (compartment, concentration) = compartmentOf[id];
                    builder.Rate(symbol, concentration ? new Binary(BinaryOperator.Divide, total, new Symbol(Name(compartment))) : total);
                }
                else
                {
                    builder.Rate(symbol, new Constant(0)); // changed only by events, or a boundary species
                }
            }

            if (twin is not null)
            {
                ReadTreatments(twin, builder);
            }
            foreach (var ev in List(model, "listOfEvents", "event"))
            {
                if (twin is not null && ev.Element(s + "annotation")?.Element(T + "treatmentDose") is not null)
                {
                    continue; // one dose of a treatment rebuilt from the model annotation
                }
                ReadEvent(ev, builder, states.Select(x => Id(x.Element)).ToHashSet(StringComparer.Ordinal));
            }

            if (_problems.Count > 0)
            {
                throw new SbmlImportException(source, _problems);
            }
            return builder.Build();
        }

        private void ReadTreatments(XElement twin, ModelBuilder builder)
        {
            foreach (var t in twin.Elements(T + "treatment"))
            {
                var schedule = t.Element(T + "schedule")!;
                var times = schedule.Elements(T + "time").Select(x => double.Parse(x.Value, CultureInfo.InvariantCulture)).ToArray();
                var dose = times.Length > 0
                    ? DoseSchedule.At(times)
                    : DoseSchedule.Every(Number(schedule, "every")!.Value, int.Parse((string)schedule.Attribute("count")!, CultureInfo.InvariantCulture), Number(schedule, "start")!.Value);
                var name = (string)t.Attribute("name")!;
                var target = new Symbol((string)t.Attribute("target")!);
                if ((string?)t.Attribute("kind") == "bolus")
                {
                    if (Math(t.Element(T + "amount")!, $"amount of treatment '{name}'") is { } amount)
                    {
                        builder.Bolus(name, target, amount, dose);
                    }
                }
                else if (Math(t.Element(T + "rate")!, $"rate of treatment '{name}'") is { } rate)
                {
                    builder.Infusion(name, target, rate, Number(t, "duration")!.Value, dose);
                }
            }
        }

        private void ReadEvent(XElement ev, ModelBuilder builder, HashSet<string> states)
        {
            var id = Id(ev);
            if (ev.Element(s + "delay") is not null)
            {
                Problem(ev, "event delays");
                return;
            }
            if (ev.Element(s + "priority") is not null)
            {
                Problem(ev, "event priorities");
                return;
            }
            var trigger = ev.Element(s + "trigger");
            var math = trigger?.Element(MathML.Namespace + "math");
            if (trigger is null || math is null)
            {
                Problem(ev, "an event without a trigger");
                return;
            }
            Condition condition;
            try
            {
                condition = MathML.ReadCondition(math, _functions, $"trigger of event '{id}'", _renames);
            }
            catch (SbmlUnsupportedException e)
            {
                _problems.Add(e.Message);
                return;
            }
            if (condition is not Comparison { Operator: ComparisonOperator.GreaterOrEqual or ComparisonOperator.Greater, Left: Symbol time, Right: Constant at }
                || time.Name != Sym.TimeName)
            {
                Problem(ev, $"the trigger '{condition}' (only time-triggered events, t >= c with a number c, are supported)");
                return;
            }
            if (Flag(trigger, "initialValue") && at.Value <= 0)
            {
                Problem(ev, "a trigger true at the start with initialValue=\"true\", which never fires; remove the event or set initialValue=\"false\"");
                return;
            }
            foreach (var assignment in List(ev, "listOfEventAssignments", "eventAssignment"))
            {
                var variable = (string)assignment.Attribute("variable")!;
                if (!states.Contains(variable))
                {
                    Problem(assignment, $"event '{id}' assigns '{variable}', which is not a state (only doses into states are supported)");
                    continue;
                }
                if (Math(assignment, $"eventAssignment of '{variable}' in event '{id}'") is not { } value)
                {
                    continue;
                }
                var target = new Symbol(Name(variable));
                Expr? amount = value switch
                {
                    Binary { Operator: BinaryOperator.Add } b when b.Left.Equals(target) => b.Right,
                    Binary { Operator: BinaryOperator.Add } b when b.Right.Equals(target) => b.Left,
                    _ => null,
                };
                if (amount is null || states.Any(x => amount.DependsOn(new Symbol(Name(x)))))
                {
                    Problem(assignment, $"event '{id}' sets '{variable}' to '{value}' (only doses '{variable} + amount' with an amount free of states are supported)");
                    continue;
                }
                builder.Bolus(List(ev, "listOfEventAssignments", "eventAssignment").Count() == 1 ? id : $"{id}_{variable}", target, amount, DoseSchedule.At(at.Value));
            }
        }

        private string NotesText(XElement e) => e.Element(s + "notes") is { } notes ? string.Join(" ", notes.Value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)) : "";
    }
}
