namespace Digit.Training.Training;

/// <summary>
/// How far each training image is distorted, drawn uniformly per image and per epoch from the seed: the way people
/// draw differs from MNIST in slant, size, position and pen width. Angles in degrees, shifts in pixels of the
/// 28x28 image; a stroke change of +1 is one pixel of dilation all round, +2 two pixels, -1 one pixel of erosion.
/// The pen widths reach two pixels wider because people's pens (a fat marker on a small digit) do; the geometric
/// ranges stay modest because the served pipeline already centres and scales each drawing as MNIST was. With
/// <paramref name="KeepInkSize"/>, a pen change also rescales the digit so its ink keeps its size: the served pipeline
/// fits every drawing's ink into 20×20, so a fat pen reaches the network as thick strokes in the usual box, not as a
/// larger digit.
/// </summary>
/// <param name="MaxRotationDegrees">Largest rotation either way, in degrees.</param>
/// <param name="MaxShear">Largest horizontal shear either way.</param>
/// <param name="MinScale">Smallest scale.</param>
/// <param name="MaxScale">Largest scale.</param>
/// <param name="MaxShiftPixels">Largest shift either way on each axis, in pixels.</param>
/// <param name="MinStrokeChange">Thinnest pen change, in pixels all round (negative: erosion).</param>
/// <param name="MaxStrokeChange">Thickest pen change, in pixels all round.</param>
/// <param name="KeepInkSize">Whether a pen change shrinks (or grows) the digit so its ink box stays the same size.</param>
/// <param name="Share">Share of each batch distorted (the rest trains as it is): 0 to 1.</param>
public sealed record AugmentationOptions(
    double MaxRotationDegrees = 8,
    double MaxShear = 0.15,
    double MinScale = 0.9,
    double MaxScale = 1.1,
    double MaxShiftPixels = 1.5,
    double MinStrokeChange = -0.5,
    double MaxStrokeChange = 2,
    bool KeepInkSize = false,
    double Share = 1)
{
    /// <summary>Whether any geometric distortion is asked for; without one only the pen width changes.</summary>
    public bool Warps => MaxRotationDegrees > 0 || MaxShear > 0 || MinScale != 1 || MaxScale != 1 || MaxShiftPixels > 0
        || KeepInkSize && (MinStrokeChange != 0 || MaxStrokeChange != 0);

    internal void Validate()
    {
        if (Share is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(Share), Share, "Distort a share of 0 to 1 of each batch.");
        if (MaxRotationDegrees is < 0 or > 90) throw new ArgumentOutOfRangeException(nameof(MaxRotationDegrees), MaxRotationDegrees, "Rotate by 0 to 90 degrees.");
        if (MaxShear is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(MaxShear), MaxShear, "Shear by 0 to 1.");
        if (MinScale <= 0 || MaxScale < MinScale) throw new ArgumentOutOfRangeException(nameof(MinScale), "Scales are positive, the minimum no larger than the maximum.");
        if (MaxShiftPixels is < 0 or > 14) throw new ArgumentOutOfRangeException(nameof(MaxShiftPixels), MaxShiftPixels, "Shift by 0 to 14 pixels.");
        if (MinStrokeChange < -1 || MaxStrokeChange > 2 || MaxStrokeChange < MinStrokeChange)
        {
            throw new ArgumentOutOfRangeException(nameof(MinStrokeChange), "Stroke changes lie in -1..2, the minimum no larger than the maximum.");
        }
    }
}
