using Digit.Training.Evaluation;

namespace Digit.Bench.Support;

/// <summary>The canvas drawings as the benchmarks send or feed them: the raw canvas PNG, and the old service's plain resize.</summary>
internal static class CanvasPictures
{
    /// <summary>The canvas as a PNG: black ink on white, or black ink on transparent.</summary>
    public static byte[] CanvasPng(float[] coverage, bool transparent)
    {
        var greyAlpha = new byte[coverage.Length * 2];
        for (var i = 0; i < coverage.Length; i++)
        {
            var ink = CanvasDrawings.ToByte(coverage[i]);
            greyAlpha[i * 2] = transparent ? (byte)0 : (byte)(255 - ink);
            greyAlpha[i * 2 + 1] = transparent ? ink : (byte)255;
        }
        return Png.GreyAlpha(greyAlpha, CanvasDrawings.CanvasSide, CanvasDrawings.CanvasSide);
    }

    /// <summary>
    /// What the old service fed the model: the picture converted to grey (alpha dropped), resized to 28×28,
    /// divided by 255. The frontend's picture is already 28×28.
    /// </summary>
    public static float[] PlainResize(byte[] greyAlpha28)
    {
        var input = new float[CanvasDrawings.Side * CanvasDrawings.Side];
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = greyAlpha28[i * 2] / 255f;
        }
        return input;
    }
}
