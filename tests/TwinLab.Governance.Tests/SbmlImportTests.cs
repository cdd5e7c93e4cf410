using TwinLab.Governance.Sbml;
using TwinLab.Simulation;

namespace TwinLab.Governance.Tests;

public sealed class SbmlImportTests
{
    // A → B → C by mass action in a 2 L compartment, written by hand as COPASI or Tellurium would: concentration
    // species, a function definition, a global and a local rate constant, and a dose of 1 mmol of A at t = 5.
    private const string ChainModel = """
        <?xml version="1.0" encoding="UTF-8"?>
        <sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">
          <model id="chain">
            <listOfFunctionDefinitions>
              <functionDefinition id="mass_action">
                <math xmlns="http://www.w3.org/1998/Math/MathML">
                  <lambda><bvar><ci>k</ci></bvar><bvar><ci>s</ci></bvar><apply><times/><ci>k</ci><ci>s</ci></apply></lambda>
                </math>
              </functionDefinition>
            </listOfFunctionDefinitions>
            <listOfCompartments>
              <compartment id="cell" size="2" constant="true" spatialDimensions="3"/>
            </listOfCompartments>
            <listOfSpecies>
              <species id="A" compartment="cell" initialConcentration="3" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
              <species id="B" compartment="cell" initialConcentration="0" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
              <species id="C" compartment="cell" initialConcentration="0" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
            </listOfSpecies>
            <listOfParameters>
              <parameter id="k1" value="0.4" constant="true"/>
            </listOfParameters>
            <listOfReactions>
              <reaction id="r1" reversible="false">
                <listOfReactants><speciesReference species="A" stoichiometry="1" constant="true"/></listOfReactants>
                <listOfProducts><speciesReference species="B" stoichiometry="1" constant="true"/></listOfProducts>
                <kineticLaw>
                  <math xmlns="http://www.w3.org/1998/Math/MathML">
                    <apply><times/><ci>cell</ci><apply><ci>mass_action</ci><ci>k1</ci><ci>A</ci></apply></apply>
                  </math>
                </kineticLaw>
              </reaction>
              <reaction id="r2" reversible="false">
                <listOfReactants><speciesReference species="B" stoichiometry="1" constant="true"/></listOfReactants>
                <listOfProducts><speciesReference species="C" stoichiometry="1" constant="true"/></listOfProducts>
                <kineticLaw>
                  <math xmlns="http://www.w3.org/1998/Math/MathML">
                    <apply><times/><ci>cell</ci><ci>k2</ci><ci>B</ci></apply>
                  </math>
                  <listOfLocalParameters><localParameter id="k2" value="0.15"/></listOfLocalParameters>
                </kineticLaw>
              </reaction>
            </listOfReactions>
            <listOfEvents>
              <event id="dose" useValuesFromTriggerTime="true">
                <trigger initialValue="false" persistent="true">
                  <math xmlns="http://www.w3.org/1998/Math/MathML">
                    <apply><geq/><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/time">time</csymbol><cn>5</cn></apply>
                  </math>
                </trigger>
                <listOfEventAssignments>
                  <eventAssignment variable="A">
                    <math xmlns="http://www.w3.org/1998/Math/MathML"><apply><plus/><ci>A</ci><cn>0.5</cn></apply></math>
                  </eventAssignment>
                </listOfEventAssignments>
              </event>
            </listOfEvents>
          </model>
        </sbml>
        """;

    [Fact]
    public void HandWrittenReactionModelIsValidSbmlAndMatchesTheAnalyticSolution()
    {
        var path = Path.Combine(Path.GetTempPath(), $"twinlab-chain-{Environment.ProcessId}.xml");
        File.WriteAllText(path, ChainModel);
        try
        {
            var (invalid, report) = ExternalTools.ValidateSbml(path);
            Assert.True(invalid == 0, report);
        }
        finally
        {
            File.Delete(path);
        }

        var model = SbmlImporter.Import(ChainModel, "chain.xml");
        Assert.Equal(["A", "B", "C"], model.States.Select(s => s.Name));
        Assert.Equal(["cell", "k1", "r2_k2"], model.Parameters.Select(p => p.Name));
        var times = Enumerable.Range(0, 41).Select(i => i * 0.25).ToArray();
        var solution = new OdeProblem(model, (0, 10), times).Solve(new Tsit5 { RelTol = 1e-10, AbsTol = 1e-12 });
        Assert.True(solution.Succeeded, solution.Message);

        // Sequential first-order decay, superposed for the second input (0.5 at t = 5):
        // A(t) = a e^{-k1 t}, B(t) = a k1/(k2 - k1) (e^{-k1 t} - e^{-k2 t}), C = total - A - B.
        const double k1 = 0.4, k2 = 0.15;
        static (double A, double B) Decay(double a, double t, double k1, double k2) =>
            t < 0 ? (0, 0) : (a * Math.Exp(-k1 * t), a * k1 / (k2 - k1) * (Math.Exp(-k1 * t) - Math.Exp(-k2 * t)));
        var a = solution.State("A");
        var b = solution.State("B");
        var c = solution.State("C");
        for (var i = 0; i < times.Length; i++)
        {
            var t = times[i];
            var first = Decay(3, t, k1, k2);
            var second = t >= 5 ? Decay(0.5, t - 5, k1, k2) : (0.0, 0.0);
            var total = 3 + (t >= 5 ? 0.5 : 0);
            // Tolerance 1e-7: the solver runs at rtol 1e-10, atol 1e-12 over 10 time units; dense-output
            // interpolation and the restart at the dose keep the global error well below this.
            Assert.Equal(first.A + second.Item1, a[i], 1e-7);
            Assert.Equal(first.B + second.Item2, b[i], 1e-7);
            Assert.Equal(total - (first.A + second.Item1) - (first.B + second.Item2), c[i], 1e-7);
        }
    }

    [Fact]
    public void UnsupportedConstructsAreAllReportedByElementAndId()
    {
        const string xml = """
            <sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">
              <model id="bad">
                <listOfParameters>
                  <parameter id="x" value="1" constant="false"/>
                  <parameter id="y" value="1" constant="false"/>
                </listOfParameters>
                <listOfRules>
                  <rateRule variable="x"><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><tan/><ci>x</ci></apply></math></rateRule>
                  <algebraicRule><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><minus/><ci>x</ci><ci>y</ci></apply></math></algebraicRule>
                </listOfRules>
                <listOfConstraints><constraint><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><gt/><ci>x</ci><cn>0</cn></apply></math></constraint></listOfConstraints>
                <listOfEvents>
                  <event id="when_x_high" useValuesFromTriggerTime="true">
                    <trigger initialValue="false" persistent="true"><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><gt/><ci>x</ci><cn>2</cn></apply></math></trigger>
                    <listOfEventAssignments><eventAssignment variable="x"><math xmlns="http://www.w3.org/1998/Math/MathML"><cn>0</cn></math></eventAssignment></listOfEventAssignments>
                  </event>
                </listOfEvents>
              </model>
            </sbml>
            """;
        var e = Assert.Throws<SbmlImportException>(() => SbmlImporter.Import(xml, "bad.xml"));
        Assert.Equal(4, e.Problems.Count);
        Assert.Contains(e.Problems, p => p.Contains("listOfConstraints", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Contains("algebraicRule", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Contains("rateRule for 'x'", StringComparison.Ordinal) && p.Contains("<tan>", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Contains("'when_x_high'", StringComparison.Ordinal) && p.Contains("time-triggered", StringComparison.Ordinal));
    }

    private const string SpecExamples = "/usr/share/doc/libsbml5-examples/examples/sample-models/from-spec/level-3";

    [Fact]
    public void FunctionDefinitionExampleOfTheSbmlSpecificationImportsAndSolves()
    {
        // The specification's example: S1 → S2 at rate f(S1)·V/t with f(x) = 2x and a parameter named t (= 1), which
        // TwinLab would read as time and so renames. d[S1]/dt = −2 [S1]: S1 = e^{−2t}, S2 = 1 − e^{−2t}.
        var model = SbmlImporter.Load(Path.Combine(SpecExamples, "functiondef.xml"));
        Assert.Contains(model.Parameters, p => p.Name == "sbml_t" && p.Value == 1);
        Assert.Contains("t → sbml_t", model.Description, StringComparison.Ordinal);
        var times = new[] { 0.0, 0.5, 1, 2, 3 };
        var solution = new OdeProblem(model, (0, 3), times).Solve(new Tsit5 { RelTol = 1e-10, AbsTol = 1e-12 });
        for (var i = 0; i < times.Length; i++)
        {
            // Tolerance 1e-8: rtol 1e-10 over three time units on a single decaying exponential.
            Assert.Equal(Math.Exp(-2 * times[i]), solution.State("S1")[i], 1e-8);
            Assert.Equal(1 - Math.Exp(-2 * times[i]), solution.State("S2")[i], 1e-8);
        }
    }

    [Fact]
    public void StateTriggeredEventsOfTheSpecificationExampleAreReported()
    {
        var e = Assert.Throws<SbmlImportException>(() => SbmlImporter.Load(Path.Combine(SpecExamples, "events.xml")));
        Assert.All(e.Problems, p => Assert.StartsWith("<event>", p, StringComparison.Ordinal));
        Assert.Equal(2, e.Problems.Count);
        Assert.Contains("P1 > tau", e.Problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public void OlderLevelsAreRefusedWithAHint()
    {
        var e = Assert.Throws<FormatException>(() => SbmlImporter.Import("""<sbml xmlns="http://www.sbml.org/sbml/level2/version4" level="2" version="4"><model/></sbml>""", "old.xml"));
        Assert.Contains("Level 3", e.Message, StringComparison.Ordinal);
    }
}
