namespace Digit.Training.Evaluation;

/// <summary>One drawing of a <see cref="DrawingsSet"/>: the test image it redraws and how it was drawn.</summary>
/// <param name="TestIndex">Index of the MNIST test image (0-based).</param>
/// <param name="Style">Size, place, pen and canvas of the drawing.</param>
public sealed record PlannedDrawing(int TestIndex, CanvasStyle Style);
