namespace TwinLab.Tissue;

/// <summary>The state of a cell; the numeric values are also the labels of virtual-histology masks (0 = no cell).</summary>
public enum Phenotype : byte
{
    /// <summary>No cell (an empty site); used in slices and masks only.</summary>
    None = 0,

    /// <summary>Cycling: the cycle clock advances at a speed set by oxygen.</summary>
    Proliferating = 1,

    /// <summary>Contact-inhibited: its cycle is complete but no free site lies within push reach; it retries at a rate.</summary>
    Quiescent = 2,

    /// <summary>Oxygen below the hypoxia threshold: the cycle clock is paused until oxygen recovers.</summary>
    Hypoxic = 3,

    /// <summary>Dead by oxygen starvation: keeps its site, takes up nothing, never recovers.</summary>
    Necrotic = 4,

    /// <summary>Dying by apoptosis (background, drug or radiation): takes up nothing and is cleared after the apoptosis duration.</summary>
    Apoptotic = 5,
}
