using TwinLab.Core.Modelling;
using TwinLab.Core.Symbolic;
using static TwinLab.Core.Library.LibraryReferences;

namespace TwinLab.Core.Library;

/// <summary>Compartmental pharmacokinetic models with linear elimination: amounts in mg, volumes in L, time in hours,
/// the plasma concentration as an observable. Values are typical of an orally available small molecule (not a
/// particular drug). Equations and parameter tables are in docs/methods/model-library.md.</summary>
public static class PharmacokineticModels
{
    private const double DosingInterval = 12;
    private const int DoseCount = 6;

    private static DoseSchedule Schedule => DoseSchedule.Every(DosingInterval, DoseCount);

    private static ModelBuilder Start(string name, string description)
    {
        var m = new ModelBuilder(name, "1.0") { Description = description };
        m.Cite(Gabrielsson2016);
        m.Cite(RowlandTozer2011);
        return m;
    }

    private static Symbol Clearance(ModelBuilder m) =>
        m.Positive("CL", 5, "L/h", "clearance from the central compartment; typical value", bounds: (0.1, 100));

    private static Symbol AbsorptionRate(ModelBuilder m) =>
        m.Positive("ka", 1.0, "1/h", "first-order absorption rate constant; typical value", sigma: 0.4, bounds: (0.05, 10));

    private static Symbol Bioavailability(ModelBuilder m) =>
        m.Fraction("F", 0.8, "oral bioavailability (fraction of the dose absorbed); typical value");

    private static Symbol Dose(ModelBuilder m, string description) =>
        m.Design("dose", 100, "mg", (0, 1e4), description);

    /// <summary>One compartment, intravenous bolus doses, first-order elimination.</summary>
    public static Model OneCompartmentIntravenous()
    {
        var m = Start("pk-iv-1cmt",
            "One-compartment pharmacokinetics with intravenous bolus doses and first-order elimination, dA/dt = -(CL/V) A: "
            + "a 100 mg dose every 12 h, six doses. Typical small-molecule values.");
        var cl = Clearance(m);
        var v = m.Positive("V", 50, "L", "volume of distribution; typical value", bounds: (1, 1000));
        var dose = Dose(m, "amount per intravenous bolus");
        var central = m.State("A", 0, "mg", "amount of drug in the body", nonNegative: true);
        m.Rate(central, -(cl / v) * central);
        m.Observable("C", central / v, "mg/L", "plasma concentration");
        m.Bolus("iv_dose", central, dose, Schedule);
        return m.Build();
    }

    /// <summary>One compartment, zero-order (constant-rate) intravenous infusions, first-order elimination.</summary>
    public static Model OneCompartmentInfusion()
    {
        var m = Start("pk-infusion-1cmt",
            "One-compartment pharmacokinetics with zero-order intravenous infusions and first-order elimination: "
            + "100 mg/h for 1 h every 12 h, six infusions; during an infusion dA/dt = R - (CL/V) A. Typical small-molecule values.");
        var cl = Clearance(m);
        var v = m.Positive("V", 50, "L", "volume of distribution; typical value", bounds: (1, 1000));
        var rate = m.Design("R", 100, "mg/h", (0, 1e4), "infusion rate (each 1 h infusion delivers R x 1 h)");
        var central = m.State("A", 0, "mg", "amount of drug in the body", nonNegative: true);
        m.Rate(central, -(cl / v) * central);
        m.Observable("C", central / v, "mg/L", "plasma concentration");
        m.Infusion("infusion", central, rate, 1, Schedule);
        return m.Build();
    }

    /// <summary>One compartment with first-order oral absorption and repeated doses.</summary>
    public static Model OneCompartmentOral()
    {
        var m = Start("pk-oral-1cmt",
            "One-compartment pharmacokinetics with first-order absorption from the gut and first-order "
            + "elimination; a 100 mg oral dose every 12 h, six doses, with bioavailability F. Typical small-molecule values.");
        var ka = AbsorptionRate(m);
        var cl = Clearance(m);
        var v = m.Positive("V", 50, "L", "volume of distribution; typical value", bounds: (1, 1000));
        var f = Bioavailability(m);
        var dose = Dose(m, "amount per oral dose");
        var gut = m.State("A_gut", 0, "mg", "amount in the absorption compartment", nonNegative: true);
        var central = m.State("A_c", 0, "mg", "amount in the central compartment", nonNegative: true);
        m.Rate(gut, -ka * gut);
        m.Rate(central, (ka * gut) - (cl / v * central));
        m.Observable("C", central / v, "mg/L", "plasma concentration");
        m.Bolus("oral_dose", gut, f * dose, Schedule);
        return m.Build();
    }

    /// <summary>Two compartments (central and peripheral), intravenous bolus doses into the central one.</summary>
    public static Model TwoCompartmentIntravenous()
    {
        var m = Start("pk-iv-2cmt",
            "Two-compartment pharmacokinetics with intravenous bolus doses: elimination (CL) from the central compartment "
            + "(V1) and distribution (Q) to and from a peripheral one (V2), giving a bi-exponential decline; a 100 mg dose "
            + "every 12 h, six doses. Typical small-molecule values.");
        var (central, v1) = TwoCompartments(m);
        var dose = Dose(m, "amount per intravenous bolus");
        m.Bolus("iv_dose", central, dose, Schedule);
        m.Observable("C", central / v1, "mg/L", "plasma (central) concentration");
        return m.Build();
    }

    /// <summary>Two compartments with first-order oral absorption into the central one.</summary>
    public static Model TwoCompartmentOral()
    {
        var m = Start("pk-oral-2cmt",
            "Two-compartment pharmacokinetics with first-order absorption from the gut into the central compartment (V1), "
            + "elimination (CL) from it and distribution (Q) to and from a peripheral compartment (V2); a 100 mg oral dose "
            + "every 12 h, six doses, with bioavailability F. Typical small-molecule values.");
        var ka = AbsorptionRate(m);
        var f = Bioavailability(m);
        var gut = m.State("A_gut", 0, "mg", "amount in the absorption compartment", nonNegative: true);
        var (central, v1) = TwoCompartments(m, absorption: ka * gut);
        var dose = Dose(m, "amount per oral dose");
        m.Rate(gut, -ka * gut);
        m.Bolus("oral_dose", gut, f * dose, Schedule);
        m.Observable("C", central / v1, "mg/L", "plasma (central) concentration");
        return m.Build();
    }

    /// <summary>Declares CL, V1, Q, V2 and the central and peripheral amounts with their rates (<paramref name="absorption"/>
    /// is added to the central rate); returns the central amount and volume.</summary>
    private static (Symbol Central, Symbol CentralVolume) TwoCompartments(ModelBuilder m, Expr? absorption = null)
    {
        var cl = Clearance(m);
        var v1 = m.Positive("V1", 20, "L", "volume of the central compartment; typical value", bounds: (1, 500));
        var q = m.Positive("Q", 10, "L/h", "inter-compartmental clearance; typical value", bounds: (0.1, 200));
        var v2 = m.Positive("V2", 40, "L", "volume of the peripheral compartment; typical value", bounds: (1, 2000));
        var central = m.State("A_c", 0, "mg", "amount in the central compartment", nonNegative: true);
        var peripheral = m.State("A_p", 0, "mg", "amount in the peripheral compartment", nonNegative: true);
        var elimination = cl / v1 * central;
        var outflow = q / v1 * central;
        var inflow = q / v2 * peripheral;
        m.Rate(central, (absorption is null ? -elimination : absorption - elimination) - outflow + inflow);
        m.Rate(peripheral, outflow - inflow);
        return (central, v1);
    }
}
