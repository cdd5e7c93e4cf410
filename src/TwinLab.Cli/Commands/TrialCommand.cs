using System.CommandLine;
using System.Globalization;
using TwinLab.Cli.Output;
using TwinLab.Twins.Trials;

namespace TwinLab.Cli.Commands;

/// <summary><c>twinlab trial samplesize --effect D --sd S [--power P] [--alpha A] [--procova-rho R] [--ratio K]</c>:
/// the Guenther–Schouten sample sizes of a two-arm trial, unadjusted and with prognostic covariate adjustment;
/// <c>twinlab trial events --hazard-ratio HR [--event-probability Q | --hazard L --follow-up F [--accrual A]
/// [--dropout-hazard M]]</c>: Schoenfeld's events (and subjects) for the log-rank test; <c>twinlab trial proportions --control PC --treated PT</c>: sizes for a responder endpoint.</summary>
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
        var hazardRatio = new Option<double>("--hazard-ratio") { Description = "The hazard ratio treatment/control to detect.", Required = true };
        var eventProbability = new Option<double?>("--event-probability") { Description = "The probability that a subject has an event during follow-up (adds the subjects needed)." };
        var hazard = new Option<double?>("--hazard") { Description = "The control arm's exponential event hazard per time unit; with --follow-up, computes the event probability (treated hazard = hazard × hazard ratio)." };
        var followUp = new Option<double?>("--follow-up") { Description = "The follow-up after the last subject enters (with --hazard)." };
        var accrual = new Option<double>("--accrual") { Description = "The accrual period over which subjects enter uniformly (with --hazard; default 0: everyone followed for --follow-up).", DefaultValueFactory = _ => 0 };
        var dropoutHazard = new Option<double>("--dropout-hazard") { Description = "The exponential dropout hazard per time unit (with --hazard; default 0).", DefaultValueFactory = _ => 0 };
        var events = new Command("events", "Events needed by a two-sided log-rank test (Schoenfeld), and the subjects for a given event probability, or for one computed from exponential hazards, uniform accrual and follow-up.")
        {
            hazardRatio, eventProbability, hazard, followUp, accrual, dropoutHazard, power, alpha, ratio,
        };
        events.SetAction(r => r.GetValue(hazard) is not null || r.GetValue(followUp) is not null
            ? ExecuteEventsWithAccrual(r.GetValue(hazardRatio), r.GetValue(eventProbability), r.GetValue(hazard), r.GetValue(followUp), r.GetValue(accrual),
                r.GetValue(dropoutHazard), r.GetValue(power), r.GetValue(alpha), r.GetValue(ratio))
            : ExecuteEvents(r.GetValue(hazardRatio), r.GetValue(eventProbability), r.GetValue(power), r.GetValue(alpha), r.GetValue(ratio)));
        var controlProportion = new Option<double>("--control") { Description = "The response proportion under control.", Required = true };
        var treatedProportion = new Option<double>("--treated") { Description = "The response proportion under treatment.", Required = true };
        var proportions = new Command("proportions", "Sample sizes per arm and in total for a responder endpoint (two-proportion chi-square test without continuity correction).")
        {
            controlProportion, treatedProportion, power, alpha, ratio,
        };
        proportions.SetAction(r => ExecuteProportions(r.GetValue(controlProportion), r.GetValue(treatedProportion), r.GetValue(power), r.GetValue(alpha), r.GetValue(ratio)));
        var command = new Command(Name, "In-silico trial design.");
        command.Subcommands.Add(sampleSize);
        command.Subcommands.Add(events);
        command.Subcommands.Add(proportions);
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

    /// <summary>Writes Schoenfeld's events, and the subjects when an event probability is given.</summary>
    /// <param name="hazardRatio">The hazard ratio to detect.</param>
    /// <param name="eventProbability">The probability of an event during follow-up, or null.</param>
    /// <param name="power">1 − β.</param>
    /// <param name="alpha">Two-sided α.</param>
    /// <param name="ratio">k = treatment/control.</param>
    /// <returns><see cref="ExitCodes.Success"/>.</returns>
    public int ExecuteEvents(double hazardRatio, double? eventProbability, double power, double alpha, double ratio)
    {
        double exact;
        try
        {
            exact = SampleSize.LogRankEvents(hazardRatio, power, alpha, ratio);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message, e);
        }
        var needed = (int)Math.Ceiling(exact - 1e-9);
        if (eventProbability is not { } q)
        {
            var only = new TextTable("EVENTS", "EXACT_EVENTS");
            only.AddRow(Text(needed), exact.ToString("F2", CultureInfo.InvariantCulture));
            only.Write(Output);
            return ExitCodes.Success;
        }
        ArmSizes sizes;
        try
        {
            sizes = SampleSize.LogRankSubjects(hazardRatio, q, power, alpha, ratio);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message, e);
        }
        var table = new TextTable("EVENTS", "EXACT_EVENTS", "CONTROL", "TREATMENT", "TOTAL");
        table.AddRow(Text(needed), exact.ToString("F2", CultureInfo.InvariantCulture), Text(sizes.Control), Text(sizes.Treatment), Text(sizes.Total));
        table.Write(Output);
        return ExitCodes.Success;
    }

    /// <summary>Writes Schoenfeld's events and the subjects for the event probability of exponential hazards (control
    /// λ, treated λ × HR, dropout μ) when subjects enter uniformly over the accrual period A and are analysed at A + F:
    /// each arm's probability is (λ/h)[1 − (e^{−hF} − e^{−h(A+F)})/(hA)], h = λ + μ, averaged over the arms by the
    /// allocation ratio.</summary>
    /// <param name="hazardRatio">The hazard ratio to detect.</param>
    /// <param name="eventProbability">Must be null: the probability is computed.</param>
    /// <param name="hazard">λ, the control hazard.</param>
    /// <param name="followUp">F.</param>
    /// <param name="accrual">A.</param>
    /// <param name="dropoutHazard">μ.</param>
    /// <param name="power">1 − β.</param>
    /// <param name="alpha">Two-sided α.</param>
    /// <param name="ratio">k = treatment/control.</param>
    /// <returns><see cref="ExitCodes.Success"/>.</returns>
    public int ExecuteEventsWithAccrual(double hazardRatio, double? eventProbability, double? hazard, double? followUp, double accrual,
        double dropoutHazard, double power, double alpha, double ratio)
    {
        if (eventProbability is not null)
        {
            throw new UsageException("Give either --event-probability or --hazard with --follow-up (which compute it), not both.");
        }
        if (hazard is not { } lambda || followUp is not { } f)
        {
            throw new UsageException("--hazard and --follow-up go together: give the control hazard and the follow-up after the last entry.");
        }
        double exact, probability;
        ArmSizes sizes;
        try
        {
            exact = SampleSize.LogRankEvents(hazardRatio, power, alpha, ratio);
            probability = (SampleSize.EventProbability(lambda, f, accrual, dropoutHazard)
                + (ratio * SampleSize.EventProbability(lambda * hazardRatio, f, accrual, dropoutHazard))) / (1 + ratio);
            sizes = SampleSize.LogRankSubjects(hazardRatio, probability, power, alpha, ratio);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message, e);
        }
        var needed = (int)Math.Ceiling(exact - 1e-9);
        var table = new TextTable("EVENTS", "EXACT_EVENTS", "EVENT_PROBABILITY", "CONTROL", "TREATMENT", "TOTAL");
        table.AddRow(Text(needed), exact.ToString("F2", CultureInfo.InvariantCulture), probability.ToString("F4", CultureInfo.InvariantCulture),
            Text(sizes.Control), Text(sizes.Treatment), Text(sizes.Total));
        table.Write(Output);
        return ExitCodes.Success;
    }

    /// <summary>Writes the sizes for comparing two proportions.</summary>
    /// <param name="controlProportion">p_c.</param>
    /// <param name="treatedProportion">p_t.</param>
    /// <param name="power">1 − β.</param>
    /// <param name="alpha">Two-sided α.</param>
    /// <param name="ratio">k = treatment/control.</param>
    /// <returns><see cref="ExitCodes.Success"/>.</returns>
    public int ExecuteProportions(double controlProportion, double treatedProportion, double power, double alpha, double ratio)
    {
        ArmSizes sizes;
        try
        {
            sizes = SampleSize.TwoProportions(controlProportion, treatedProportion, power, alpha, ratio);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message, e);
        }
        var table = new TextTable("CONTROL", "TREATMENT", "TOTAL", "EXACT_CONTROL");
        table.AddRow(Text(sizes.Control), Text(sizes.Treatment), Text(sizes.Total), sizes.ExactControl.ToString("F2", CultureInfo.InvariantCulture));
        table.Write(Output);
        return ExitCodes.Success;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
