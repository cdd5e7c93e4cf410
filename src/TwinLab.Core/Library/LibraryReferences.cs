using TwinLab.Core.Modelling;

namespace TwinLab.Core.Library;

/// <summary>Literature references shared by several built-in models.</summary>
internal static class LibraryReferences
{
    public static readonly Reference Benzekry2014 = new(
        "Benzekry S, Lamont C, Beheshti A, et al. Classical mathematical models for description and prediction of experimental tumor growth. PLoS Comput Biol 10(8):e1003800, 2014",
        "10.1371/journal.pcbi.1003800");

    public static readonly Reference Simeoni2004 = new(
        "Simeoni M, Magni P, Cammia C, De Nicolao G, Croci V, Pesenti E, Germani M, Poggesi I, Rocchetti M. Predictive pharmacokinetic-pharmacodynamic modeling of tumor growth kinetics in xenograft models after administration of anticancer agents. Cancer Res 64(3):1094-1101, 2004",
        "10.1158/0008-5472.CAN-03-2524");

    public static readonly Reference Gabrielsson2016 = new(
        "Gabrielsson J, Weiner D. Pharmacokinetic and Pharmacodynamic Data Analysis: Concepts and Applications, 5th ed. Swedish Pharmaceutical Press, 2016");

    public static readonly Reference RowlandTozer2011 = new(
        "Rowland M, Tozer TN. Clinical Pharmacokinetics and Pharmacodynamics: Concepts and Applications, 4th ed. Lippincott Williams & Wilkins, 2011");
}
