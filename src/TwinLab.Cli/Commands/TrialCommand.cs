using System.CommandLine;
using System.Globalization;
using TwinLab.Cli.Output;
using TwinLab.Twins.Trials;

namespace TwinLab.Cli.Commands;

/// <summary><c>twinlab trial samplesize --effect D --sd S [--power P] [--alpha A] [--procova-rho R] [--ratio K]</c>:
/// the Guenther–Schouten sample sizes of a two-arm trial, unadjusted and with prognostic covariate adjustment.</summary>
/// <param name="output">Where the sizes are written.</param>
internal sealed class TrialCommand(TextWriter output) : CliCommand(output)
{
    /// <summary>The command's name on the command line.</summary>
    public const string Name = "trial";

    /// <inheritdoc />
    public override Command Build()
    {
        var effect = new Option<double>("--effect") { Description = "The difference in means to detect (treatment − control).", Required = true };
        var sd = new Option<double>("--sd") { Description = "The outcome's standard deviation.", Required = true };
        var power = new Option<double>("--power") { Description = "The power, 1 − β (default 0.8).", DefaultValueFactory = _ => 0.8 };
        var alpha = new Option<double>("--alpha") { Description = "The two-sided significance level (default 0.05).", DefaultValueFactory = _ => 0.05 };
        var rho = new Option<double?>("--procova-rho") { Description = "The correlation between the prognostic score and the outcome (adds the PROCOVA row)." };
        var ratio = new Option<double>("--ratio") { Description = "The allocation ratio treatment/control (default 1).", DefaultValueFactory = _ => 1 };
        var sampleSize = new Command("samplesize", "Sample sizes per arm and in total for a continuous endpoint (Guenther–Schouten), unadjusted and with prognostic adjustment (PROCOVA: variance × (1 − ρ²)).")
        {
            effect, sd, power, alpha, rho, ratio,
        };
        sampleSize.SetAction(r => Execute(r.GetValue(effect), r.GetValue(sd), r.GetValue(power), r.GetValue(alpha), r.GetValue(rho), r.GetValue(ratio)));
        var command = new Command(Name, "In-silico trial design.");
        command.Subcommands.Add(sampleSize);
        return command;
    }

    /// <summary>Writes a table of the sizes.</summary>
    /// <param name="effect">Δ.</param>
    /// <param name="standardDeviation">σ.</param>
    /// <param name="power">1 − β.</param>
    /// <param name="alpha">Two-sided α.</param>
    /// <param name="rho">ρ, or null.</param>
    /// <param name="ratio">k.</param>
    /// <returns><see cref="ExitCodes.Success"/>.</returns>
    public int Execute(double effect, double standardDeviation, double power, double alpha, double? rho, double ratio)
    {
        ArmSizes plain;
        ArmSizes? adjusted = null;
        try
        {
            plain = SampleSize.TwoArmContinuous(effect, standardDeviation, power, alpha, ratio);
            if (rho is { } r)
            {
                adjusted = SampleSize.TwoArmContinuous(effect, standardDeviation, power, alpha, ratio, r);
            }
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message, e);
        }
        var table = new TextTable("ANALYSIS", "CONTROL", "TREATMENT", "TOTAL", "VARIANCE_FACTOR");
        table.AddRow("unadjusted", Text(plain.Control), Text(plain.Treatment), Text(plain.Total), "1");
        if (adjusted is not null)
        {
            table.AddRow("procova", Text(adjusted.Control), Text(adjusted.Treatment), Text(adjusted.Total),
                adjusted.VarianceFactor.ToString("G6", CultureInfo.InvariantCulture));
        }
        table.Write(Output);
        return ExitCodes.Success;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
