using System.Globalization;
using System.Xml.Linq;
using TwinLab.Core.Modelling;
using TwinLab.Governance.Sbml;

namespace TwinLab.Governance.Archives;

/// <summary>A uniform time course to describe in SED-ML: the span, the number of output steps, and the integration
/// algorithm with its tolerances.</summary>
/// <param name="End">The end time (the course starts at 0, TwinLab's dose times being counted from 0).</param>
/// <param name="Steps">The number of output intervals (<c>Steps + 1</c> output times).</param>
/// <param name="Algorithm">TwinLab's algorithm name: <c>DormandPrince5</c>, <c>Tsit5</c>, <c>Rosenbrock23</c> or <c>RK4</c>.</param>
/// <param name="RelTol">The relative tolerance.</param>
/// <param name="AbsTol">The absolute tolerance.</param>
public sealed record TimeCourse(double End, int Steps, string Algorithm = "DormandPrince5", double RelTol = 1e-6, double AbsTol = 1e-8)
{
    /// <summary>The KiSAO term of the algorithm: Dormand–Prince 5(4) is KISAO:0000087, Tsitouras 5(4) is a Runge–Kutta
    /// method of the same family (KISAO:0000064, adaptive Runge–Kutta), Rosenbrock23 is a Rosenbrock method
    /// (KISAO:0000033), RK4 the explicit fourth-order Runge–Kutta method (KISAO:0000032).</summary>
    /// <exception cref="ArgumentException">An algorithm TwinLab does not have.</exception>
    public string KisaoId => Algorithm switch
    {
        "DormandPrince5" => "KISAO:0000087",
        "Tsit5" => "KISAO:0000064",
        "Rosenbrock23" => "KISAO:0000033",
        "RK4" => "KISAO:0000032",
        _ => throw new ArgumentException($"The algorithm '{Algorithm}' has no KiSAO term here: use DormandPrince5, Tsit5, Rosenbrock23 or RK4.", nameof(Algorithm)),
    };
}

/// <summary>Writes SED-ML Level 1 Version 4 for a uniform time course of a model: the model (by its SBML file), the
/// simulation with its KiSAO algorithm and tolerances, one task, a data generator for time and for every state and
/// observable, a report of all of them and a plot of the states against time.</summary>
public static class SedmlWriter
{
    /// <summary>The SED-ML Level 1 Version 4 namespace.</summary>
    public static readonly XNamespace Namespace = "http://sed-ml.org/sed-ml/level1/version4";

    /// <summary>The SED-ML document for a time course of the model.</summary>
    /// <param name="model">The model.</param>
    /// <param name="sbmlLocation">The SBML file's location relative to the SED-ML file (e.g. <c>model.xml</c>).</param>
    /// <param name="course">The time course.</param>
    /// <exception cref="ArgumentException">A non-positive end time or step count.</exception>
    public static string Write(Model model, string sbmlLocation, TimeCourse course)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sbmlLocation);
        ArgumentNullException.ThrowIfNull(course);
        if (!(course.End > 0) || !double.IsFinite(course.End) || course.Steps < 1)
        {
            throw new ArgumentException($"A time course needs a finite end time after 0 and at least one step; got end {course.End}, steps {course.Steps}.", nameof(course));
        }
        XNamespace s = Namespace;
        XNamespace sbml = SbmlExporter.Sbml;
        var inv = CultureInfo.InvariantCulture;
        var variables = model.States.Select(x => x.Name).Concat(model.Observables.Select(o => o.Name)).ToList();
        XElement Generator(string id, string name, XElement variable) => new(s + "dataGenerator", new XAttribute("id", id), new XAttribute("name", name),
            new XElement(s + "listOfVariables", variable),
            new XElement(MathML.Namespace + "math", new XElement(MathML.Namespace + "ci", (string)variable.Attribute("id")!)));
        var generators = new List<XElement>
        {
            Generator("dg_time", "time", new XElement(s + "variable", new XAttribute("id", "var_time"), new XAttribute("symbol", "urn:sedml:symbol:time"), new XAttribute("taskReference", "task"))),
        };
        generators.AddRange(variables.Select(v => Generator("dg_" + v, v, new XElement(s + "variable", new XAttribute("id", "var_" + v),
            new XAttribute("target", $"/sbml:sbml/sbml:model/sbml:listOfParameters/sbml:parameter[@id='{v}']"), new XAttribute("taskReference", "task")))));
        var document = new XDocument(new XDeclaration("1.0", "UTF-8", null),
            new XElement(s + "sedML", new XAttribute("level", "1"), new XAttribute("version", "4"),
                new XAttribute(XNamespace.Xmlns + "sbml", sbml.NamespaceName),
                new XElement(s + "listOfSimulations",
                    new XElement(s + "uniformTimeCourse", new XAttribute("id", "simulation"), new XAttribute("name", $"time course of {model.Name}"),
                        new XAttribute("initialTime", "0"), new XAttribute("outputStartTime", "0"), new XAttribute("outputEndTime", course.End.ToString("R", inv)),
                        new XAttribute("numberOfSteps", course.Steps.ToString(inv)),
                        new XElement(s + "algorithm", new XAttribute("name", course.Algorithm), new XAttribute("kisaoID", course.KisaoId),
                            new XElement(s + "listOfAlgorithmParameters",
                                new XElement(s + "algorithmParameter", new XAttribute("name", "relative tolerance"), new XAttribute("kisaoID", "KISAO:0000209"), new XAttribute("value", course.RelTol.ToString("R", inv))),
                                new XElement(s + "algorithmParameter", new XAttribute("name", "absolute tolerance"), new XAttribute("kisaoID", "KISAO:0000211"), new XAttribute("value", course.AbsTol.ToString("R", inv))))))),
                new XElement(s + "listOfModels",
                    new XElement(s + "model", new XAttribute("id", "model"), new XAttribute("name", model.Name),
                        new XAttribute("language", "urn:sedml:language:sbml.level-3.version-2"), new XAttribute("source", sbmlLocation))),
                new XElement(s + "listOfTasks",
                    new XElement(s + "task", new XAttribute("id", "task"), new XAttribute("modelReference", "model"), new XAttribute("simulationReference", "simulation"))),
                new XElement(s + "listOfDataGenerators", generators),
                new XElement(s + "listOfOutputs",
                    new XElement(s + "report", new XAttribute("id", "report"), new XAttribute("name", "time course"),
                        new XElement(s + "listOfDataSets", variables.Prepend("time").Select(v =>
                            new XElement(s + "dataSet", new XAttribute("id", "ds_" + v), new XAttribute("label", v), new XAttribute("dataReference", "dg_" + v))))),
                    new XElement(s + "plot2D", new XAttribute("id", "plot"), new XAttribute("name", "states against time"),
                        new XElement(s + "listOfCurves", model.States.Select(x =>
                            new XElement(s + "curve", new XAttribute("id", "curve_" + x.Name), new XAttribute("name", x.Name), new XAttribute("type", "points"),
                                new XAttribute("xDataReference", "dg_time"), new XAttribute("yDataReference", "dg_" + x.Name))))))));
        return SbmlExporter.ToText(document);
    }
}
