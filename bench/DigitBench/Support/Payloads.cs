using System.Text.Json;
using Digit.Training.Data;
using Digit.Training.Evaluation;

namespace Digit.Bench.Support;

/// <summary>The drawings the benchmarks send, built from MNIST test digits.</summary>
internal static class Payloads
{
    /// <summary>(a) What the frontend in use sends: the 28×28 picture, white ink on black, as an RGBA PNG data URL.</summary>
    public static string Frontend(MnistSet set, int index) => Png.DataUrl(Png.OpaqueRgba(set.Image(index), MnistSet.ImageSide, MnistSet.ImageSide));

    /// <summary>(b) A raw 280×280 canvas: the same digit ten times larger with a wide pen, black ink on white.</summary>
    public static string Canvas(MnistSet set, int index)
    {
        var digit = set.Image(index);
        var coverage = CanvasDrawings.Render(digit, CanvasDrawings.CentredLarge(digit));
        return Png.DataUrl(CanvasPictures.CanvasPng(coverage, transparent: false));
    }

    /// <summary>The JSON body of POST /api/drawing/.</summary>
    public static byte[] RequestBody(string drawing) => JsonSerializer.SerializeToUtf8Bytes(new { drawing });
}
