namespace Digit.Training.Evaluation;

/// <summary>How a user drew one digit on the canvas.</summary>
/// <param name="InkHeight">Height of the digit's ink on the canvas, in pixels.</param>
/// <param name="Threshold">Source intensity (0..1) where the pen's edge lies: lower draws thicker strokes.</param>
/// <param name="Bold">Whether the strokes are widened by one MNIST pixel first (a fat marker).</param>
/// <param name="Left">Left edge of the ink, in canvas pixels.</param>
/// <param name="Top">Top edge of the ink, in canvas pixels.</param>
/// <param name="Transparent">Black ink on a transparent canvas instead of on white.</param>
public sealed record CanvasStyle(double InkHeight, double Threshold, bool Bold, double Left, double Top, bool Transparent);
