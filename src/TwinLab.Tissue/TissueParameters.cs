using System.Collections.Frozen;
using System.Globalization;
using TwinLab.Core.Distributions;
using TwinLab.Core.Modelling;

namespace TwinLab.Tissue;

/// <summary>
/// One rule parameter of the virtual tissue: a name, nominal value, unit, plausible bounds, prior and description —
/// the same fields as a model <see cref="Parameter"/>, with TwinLab.Core's <see cref="Distribution"/> as the prior,
/// so tissue rules can be sampled, calibrated and reported like any other TwinLab parameter.
/// </summary>
/// <param name="Name">The identifier, e.g. <c>cycle_duration</c>.</param>
/// <param name="Value">The nominal value.</param>
/// <param name="Unit">The unit.</param>
/// <param name="Lower">The lower bound.</param>
/// <param name="Upper">The upper bound.</param>
/// <param name="Prior">The prior for inference.</param>
/// <param name="Description">What the parameter means.</param>
/// <param name="Reference">Where the nominal value comes from, or null.</param>
public sealed record TissueParameter(string Name, double Value, string Unit, double Lower, double Upper, Distribution Prior,
    string Description, Reference? Reference = null);

/// <summary>
/// The rule parameters of the virtual tissue with their nominal values (PhysiCell-like defaults; times in minutes,
/// lengths in µm, oxygen in mmHg, drug in µM), and the validated set of values a simulation uses.
/// </summary>
public sealed class TissueRules
{
    private static readonly Reference PhysiCell = new("Ghaffarizadeh A, Heiland R, Friedman SH, Mumenthaler SM, Macklin P (2018). PhysiCell: an open source physics-based cell simulator for 3-D multicellular systems. PLoS Comput Biol 14(2): e1005991.", "10.1371/journal.pcbi.1005991");
    private static readonly Reference BioFvm = new("Ghaffarizadeh A, Friedman SH, Macklin P (2016). BioFVM: an efficient, parallelized diffusive transport solver for 3-D biological simulations. Bioinformatics 32(8): 1256–1258.", "10.1093/bioinformatics/btv730");
    private static readonly Reference Grimes = new("Grimes DR, Kelly C, Bloch K, Partridge M (2014). A method for estimating the oxygen consumption rate in multicellular tumour spheroids. J R Soc Interface 11: 20131124.", "10.1098/rsif.2013.1124");
    private static readonly Reference LinearQuadratic = new("Fowler JF (1989). The linear-quadratic formula and progress in fractionated radiotherapy. Br J Radiol 62: 679–694.", "10.1259/0007-1285-62-740-679");

    /// <summary>Every rule parameter with its nominal value, bounds and prior.</summary>
    public static IReadOnlyList<TissueParameter> Catalogue { get; } =
    [
        new("cycle_duration", 1080, "min", 240, 5760, Prior.LogNormal(1080, 0.3), "Mean duration of the cell cycle at full oxygen (18 h).", PhysiCell),
        new("cycle_cv", 0.1, "1", 0, 1, Prior.Uniform(0, 0.5), "Coefficient of variation of the log-normal cycle duration drawn at each cycle's start."),
        new("oxygen_saturation", 38, "mmHg", 1, 160, Prior.LogNormal(38, 0.3), "Oxygen above which the cycle runs at full speed; between the hypoxia threshold and this the speed rises linearly.", PhysiCell),
        new("hypoxia_threshold", 5, "mmHg", 0, 50, Prior.LogNormal(5, 0.3), "Oxygen below which a living cell is hypoxic and stops cycling.", PhysiCell),
        new("necrosis_threshold", 2.5, "mmHg", 0, 50, Prior.LogNormal(2.5, 0.3), "Oxygen below which a living cell turns necrotic at the necrosis rate.", PhysiCell),
        new("necrosis_rate", 1.0 / 360, "1/min", 0, 1, Prior.LogNormal(1.0 / 360, 0.5), "Rate of necrotic death below the necrosis threshold (mean 6 h)."),
        new("apoptosis_rate", 5.31667e-5, "1/min", 0, 0.1, Prior.LogNormal(5.31667e-5, 0.5), "Background apoptosis rate of living cells.", PhysiCell),
        new("apoptosis_duration", 516, "min", 1, 5000, Prior.LogNormal(516, 0.3), "Time an apoptotic cell takes to be cleared, freeing its site.", PhysiCell),
        new("max_push_distance", 3, "sites", 0, 50, Prior.Uniform(0, 10), "Most cells a dividing cell may shove along the shortest path to a free site; with none free within reach it turns quiescent (rounded to a whole number)."),
        new("quiescent_recheck_rate", 1.0 / 60, "1/min", 0, 10, Prior.LogNormal(1.0 / 60, 0.5), "Rate at which a quiescent (contact-inhibited) cell tries again to divide."),
        new("migration_rate", 0, "1/min", 0, 10, Prior.Uniform(0, 0.01), "Rate at which a living cell hops to a free neighbouring site."),
        new("oxygen_diffusion", 1e5, "µm²/min", 1e3, 1e6, Prior.LogNormal(1e5, 0.3), "Diffusion coefficient of oxygen.", BioFvm),
        new("oxygen_decay", 0.1, "1/min", 0, 10, Prior.LogNormal(0.1, 0.3), "First-order decay of oxygen in the medium.", BioFvm),
        new("oxygen_uptake", 10, "1/min", 0, 1000, Prior.LogNormal(10, 0.5), "First-order oxygen uptake by a living cell's site (PhysiCell's default; see Grimes et al. for measured consumption).", Grimes),
        new("far_field_oxygen", 38, "mmHg", 0, 760, Prior.LogNormal(38, 0.2), "Oxygen at the domain faces (and vessels).", PhysiCell),
        new("drug_diffusion", 3e3, "µm²/min", 1, 1e6, Prior.LogNormal(3e3, 0.5), "Diffusion coefficient of the drug in tissue."),
        new("drug_decay", 0.01, "1/min", 0, 10, Prior.LogNormal(0.01, 0.5), "First-order decay of the drug."),
        new("drug_uptake", 0.1, "1/min", 0, 100, Prior.LogNormal(0.1, 0.5), "First-order drug uptake by a living cell's site."),
        new("drug_emax", 1.0 / 600, "1/min", 0, 1, Prior.LogNormal(1.0 / 600, 0.5), "Largest apoptosis hazard the drug adds to a cycling cell (Emax model)."),
        new("drug_ec50", 1, "µM", 1e-6, 1e6, Prior.LogNormal(1, 0.5), "Drug concentration giving half the largest kill hazard."),
        new("drug_hill", 1, "1", 0.1, 10, Prior.LogNormal(1, 0.2), "Hill coefficient of the Emax kill model."),
        new("radiation_alpha", 0.3, "1/Gy", 0, 5, Prior.LogNormal(0.3, 0.3), "Linear coefficient α of the linear-quadratic survival exp(−αD − βD²).", LinearQuadratic),
        new("radiation_beta", 0.03, "1/Gy²", 0, 1, Prior.LogNormal(0.03, 0.3), "Quadratic coefficient β of the linear-quadratic model.", LinearQuadratic),
        new("oxygen_enhancement_max", 3, "1", 1, 5, Prior.Uniform(2, 3.5), "Largest oxygen enhancement ratio m; 1 switches the oxygen effect off."),
        new("oxygen_enhancement_k", 3, "mmHg", 0.01, 100, Prior.LogNormal(3, 0.3), "Oxygen at which the enhancement is half way: OER(p) = (m·p + K)/(p + K)."),
    ];

    private static readonly FrozenDictionary<string, TissueParameter> ByName =
        Catalogue.ToFrozenDictionary(p => p.Name, StringComparer.Ordinal);

    private readonly FrozenDictionary<string, double> _values;

    /// <summary>The nominal rules.</summary>
    public TissueRules()
        : this(new Dictionary<string, double>())
    {
    }

    /// <summary>The nominal rules with some values replaced.</summary>
    /// <param name="overrides">Values by parameter name; each must be a catalogue name and lie within its bounds.</param>
    /// <exception cref="ArgumentException">An unknown name, a value outside its bounds, or thresholds out of order.</exception>
    public TissueRules(IReadOnlyDictionary<string, double> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var values = Catalogue.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
        foreach (var (name, value) in overrides)
        {
            if (!ByName.TryGetValue(name, out var parameter))
            {
                throw new ArgumentException($"'{name}' is not a tissue rule parameter; known names: {string.Join(", ", Catalogue.Select(p => p.Name))}.", nameof(overrides));
            }
            if (!double.IsFinite(value) || value < parameter.Lower || value > parameter.Upper)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"Tissue rule '{name}' = {value} {parameter.Unit} lies outside its bounds [{parameter.Lower}, {parameter.Upper}]: choose a value inside them."), nameof(overrides));
            }
            values[name] = value;
        }
        _values = values.ToFrozenDictionary(StringComparer.Ordinal);
        if (!(NecrosisThreshold <= HypoxiaThreshold && HypoxiaThreshold < OxygenSaturation))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The oxygen thresholds must satisfy necrosis_threshold ({NecrosisThreshold}) ≤ hypoxia_threshold ({HypoxiaThreshold}) < oxygen_saturation ({OxygenSaturation}) mmHg."), nameof(overrides));
        }
    }

    /// <summary>The value of a rule parameter by name.</summary>
    /// <param name="name">The catalogue name.</param>
    /// <returns>The value in the catalogue's unit.</returns>
    public double this[string name] => _values.TryGetValue(name, out var v) ? v
        : throw new KeyNotFoundException($"'{name}' is not a tissue rule parameter.");

    /// <summary>Mean cycle duration (min).</summary>
    public double CycleDuration => _values["cycle_duration"];

    /// <summary>Coefficient of variation of the cycle duration.</summary>
    public double CycleCv => _values["cycle_cv"];

    /// <summary>Oxygen for full-speed cycling (mmHg).</summary>
    public double OxygenSaturation => _values["oxygen_saturation"];

    /// <summary>Hypoxia threshold (mmHg).</summary>
    public double HypoxiaThreshold => _values["hypoxia_threshold"];

    /// <summary>Necrosis threshold (mmHg).</summary>
    public double NecrosisThreshold => _values["necrosis_threshold"];

    /// <summary>Necrosis rate below the threshold (1/min).</summary>
    public double NecrosisRate => _values["necrosis_rate"];

    /// <summary>Background apoptosis rate (1/min).</summary>
    public double ApoptosisRate => _values["apoptosis_rate"];

    /// <summary>Clearance time of an apoptotic cell (min).</summary>
    public double ApoptosisDuration => _values["apoptosis_duration"];

    /// <summary>Most cells shoved by a division (whole number).</summary>
    public int MaxPushDistance => (int)Math.Round(_values["max_push_distance"]);

    /// <summary>Rate at which quiescent cells retry division (1/min).</summary>
    public double QuiescentRecheckRate => _values["quiescent_recheck_rate"];

    /// <summary>Migration rate (1/min).</summary>
    public double MigrationRate => _values["migration_rate"];

    /// <summary>Oxygen diffusion coefficient (µm²/min).</summary>
    public double OxygenDiffusion => _values["oxygen_diffusion"];

    /// <summary>Oxygen decay (1/min).</summary>
    public double OxygenDecay => _values["oxygen_decay"];

    /// <summary>Oxygen uptake by a living cell's site (1/min).</summary>
    public double OxygenUptake => _values["oxygen_uptake"];

    /// <summary>Far-field oxygen (mmHg).</summary>
    public double FarFieldOxygen => _values["far_field_oxygen"];

    /// <summary>Drug diffusion coefficient (µm²/min).</summary>
    public double DrugDiffusion => _values["drug_diffusion"];

    /// <summary>Drug decay (1/min).</summary>
    public double DrugDecay => _values["drug_decay"];

    /// <summary>Drug uptake by a living cell's site (1/min).</summary>
    public double DrugUptake => _values["drug_uptake"];

    /// <summary>Emax of the kill hazard (1/min).</summary>
    public double DrugEmax => _values["drug_emax"];

    /// <summary>EC50 of the kill hazard (µM).</summary>
    public double DrugEc50 => _values["drug_ec50"];

    /// <summary>Hill coefficient of the kill hazard.</summary>
    public double DrugHill => _values["drug_hill"];

    /// <summary>LQ α (1/Gy).</summary>
    public double RadiationAlpha => _values["radiation_alpha"];

    /// <summary>LQ β (1/Gy²).</summary>
    public double RadiationBeta => _values["radiation_beta"];

    /// <summary>Largest oxygen enhancement ratio m.</summary>
    public double OxygenEnhancementMax => _values["oxygen_enhancement_max"];

    /// <summary>Oxygen at half enhancement K (mmHg).</summary>
    public double OxygenEnhancementK => _values["oxygen_enhancement_k"];

    /// <summary>The drug's kill hazard (1/min) at concentration <paramref name="concentration"/>: Emax·Cʰ/(EC50ʰ + Cʰ).</summary>
    /// <param name="concentration">The drug concentration (µM).</param>
    /// <returns>The hazard.</returns>
    public double DrugKillHazard(double concentration)
    {
        if (!(concentration > 0))
        {
            return 0;
        }
        double ch = Math.Pow(concentration, DrugHill);
        return DrugEmax * ch / (Math.Pow(DrugEc50, DrugHill) + ch);
    }

    /// <summary>
    /// The linear-quadratic surviving fraction exp(−αD′ − βD′²) of a dose at an oxygen level, where the effective
    /// dose D′ = D·OER(p)/m with OER(p) = (m·p + K)/(p + K) (so D′ = D in well-oxygenated tissue and D/m under anoxia).
    /// </summary>
    /// <param name="dose">The dose (Gy).</param>
    /// <param name="oxygen">The local oxygen (mmHg).</param>
    /// <returns>The survival probability.</returns>
    public double SurvivingFraction(double dose, double oxygen)
    {
        double m = OxygenEnhancementMax, k = OxygenEnhancementK;
        double p = Math.Max(oxygen, 0);
        double effective = dose * ((m * p) + k) / ((p + k) * m);
        return Math.Exp((-RadiationAlpha * effective) - (RadiationBeta * effective * effective));
    }
}
