using System.Globalization;

namespace TwinLab.Tissue;

/// <summary>
/// A regular 2-D or 3-D lattice of cubic voxels: <see cref="SizeX"/> × <see cref="SizeY"/> × <see cref="SizeZ"/>
/// voxels of edge <see cref="Spacing"/> micrometres. A 2-D lattice has <see cref="SizeZ"/> = 1. Voxels are numbered
/// x fastest, then y, then z: <c>index = x + SizeX·(y + SizeY·z)</c>, so every array over the lattice is one flat array.
/// </summary>
public sealed record Lattice
{
    /// <summary>Creates a lattice after checking its sizes.</summary>
    /// <param name="sizeX">Voxels along x (at least 1).</param>
    /// <param name="sizeY">Voxels along y (at least 1).</param>
    /// <param name="sizeZ">Voxels along z (1 for a 2-D lattice).</param>
    /// <param name="spacing">The voxel edge in micrometres (positive, finite).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1, the voxel count passes 2<sup>31</sup> − 1, or the spacing is not positive and finite.</exception>
    public Lattice(int sizeX, int sizeY, int sizeZ, double spacing)
    {
        CheckSize(sizeX, nameof(sizeX));
        CheckSize(sizeY, nameof(sizeY));
        CheckSize(sizeZ, nameof(sizeZ));
        if (!(spacing > 0) || !double.IsFinite(spacing))
        {
            throw new ArgumentOutOfRangeException(nameof(spacing), spacing, "The voxel spacing must be a positive, finite number of micrometres.");
        }
        long count = (long)sizeX * sizeY * sizeZ;
        if (count > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(sizeX), count, string.Create(CultureInfo.InvariantCulture,
                $"A lattice of {sizeX}×{sizeY}×{sizeZ} has {count} voxels, more than the {int.MaxValue} a flat array can index: use fewer voxels."));
        }
        SizeX = sizeX;
        SizeY = sizeY;
        SizeZ = sizeZ;
        Spacing = spacing;
    }

    /// <summary>A square 2-D lattice of <paramref name="size"/>² voxels.</summary>
    /// <param name="size">Voxels per side.</param>
    /// <param name="spacing">The voxel edge in micrometres.</param>
    /// <returns>The lattice.</returns>
    public static Lattice Square(int size, double spacing) => new(size, size, 1, spacing);

    /// <summary>A cubic 3-D lattice of <paramref name="size"/>³ voxels.</summary>
    /// <param name="size">Voxels per side.</param>
    /// <param name="spacing">The voxel edge in micrometres.</param>
    /// <returns>The lattice.</returns>
    public static Lattice Cube(int size, double spacing) => new(size, size, size, spacing);

    /// <summary>Voxels along x.</summary>
    public int SizeX { get; }

    /// <summary>Voxels along y.</summary>
    public int SizeY { get; }

    /// <summary>Voxels along z (1 for a 2-D lattice).</summary>
    public int SizeZ { get; }

    /// <summary>The voxel edge in micrometres.</summary>
    public double Spacing { get; }

    /// <summary>2 for a lattice with one layer along z, else 3.</summary>
    public int Dimensions => SizeZ == 1 ? 2 : 3;

    /// <summary>The number of voxels.</summary>
    public int VoxelCount => SizeX * SizeY * SizeZ;

    /// <summary>The volume of one voxel: µm³ in 3-D, µm² (an area) in 2-D.</summary>
    public double VoxelMeasure => Dimensions == 3 ? Spacing * Spacing * Spacing : Spacing * Spacing;

    /// <summary>The flat index of voxel (x, y, z).</summary>
    /// <param name="x">The x index.</param>
    /// <param name="y">The y index.</param>
    /// <param name="z">The z index (0 in 2-D).</param>
    /// <returns>x + SizeX·(y + SizeY·z).</returns>
    public int Index(int x, int y, int z) => x + (SizeX * (y + (SizeY * z)));

    /// <summary>The coordinates of the voxel with flat index <paramref name="index"/>.</summary>
    /// <param name="index">The flat index.</param>
    /// <returns>(x, y, z).</returns>
    public (int X, int Y, int Z) Coordinates(int index)
    {
        int x = index % SizeX;
        int rest = index / SizeX;
        return (x, rest % SizeY, rest / SizeY);
    }

    /// <summary>Whether (x, y, z) lies inside the lattice.</summary>
    /// <param name="x">The x index.</param>
    /// <param name="y">The y index.</param>
    /// <param name="z">The z index.</param>
    /// <returns>True inside.</returns>
    public bool Contains(int x, int y, int z) =>
        (uint)x < (uint)SizeX && (uint)y < (uint)SizeY && (uint)z < (uint)SizeZ;

    /// <summary>The lattice refined by an integer factor per axis (z stays 1 in 2-D): the field lattice under a cell lattice.</summary>
    /// <param name="factor">Voxels per cell site along each axis (at least 1).</param>
    /// <returns>The refined lattice with spacing divided by the factor.</returns>
    public Lattice Refine(int factor)
    {
        if (factor < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "The refinement factor must be at least 1.");
        }
        return new Lattice(SizeX * factor, SizeY * factor, SizeZ == 1 ? 1 : SizeZ * factor, Spacing / factor);
    }

    /// <inheritdoc />
    public override string ToString() => Dimensions == 3
        ? string.Create(CultureInfo.InvariantCulture, $"{SizeX}×{SizeY}×{SizeZ} voxels of {Spacing} µm")
        : string.Create(CultureInfo.InvariantCulture, $"{SizeX}×{SizeY} voxels of {Spacing} µm");

    private static void CheckSize(int size, string name)
    {
        if (size < 1)
        {
            throw new ArgumentOutOfRangeException(name, size, "A lattice needs at least one voxel along each axis.");
        }
    }
}
