using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Digit.Training.Data;
using Digit.Training.Evaluation;

namespace Digit.Testing;

/// <summary>Drawings and request bodies for POST /api/drawing/, built the way clients build them.</summary>
public static class Drawings
{
    // A browser's JSON.stringify leaves '+' of the base64 as it is; the serializer's default would write \u002B.
    private static readonly JsonSerializerOptions AsBrowsersWrite = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>What the frontend in use sends: the 28x28 PNG, white ink on black, as a data URL.</summary>
    public static string FrontendDataUrl(MnistSet set, int index)
    {
        var canvas = new TestCanvas(MnistSet.ImageSide, MnistSet.ImageSide);
        var image = set.Image(index);
        for (var y = 0; y < MnistSet.ImageSide; y++)
        {
            for (var x = 0; x < MnistSet.ImageSide; x++)
            {
                var grey = image[y * MnistSet.ImageSide + x];
                canvas.Set(x, y, grey, grey, grey);
            }
        }
        return DataUrl(PngWriter.Write(canvas));
    }

    /// <summary>A raw 280×280 canvas of MNIST test digit <paramref name="index"/>: ten times larger with a wide pen, black ink on white.</summary>
    public static string CanvasDataUrl(MnistSet set, int index)
    {
        ArgumentNullException.ThrowIfNull(set);
        var digit = set.Image(index);
        return DataUrl(CanvasPng(CanvasDrawings.Render(digit, CanvasDrawings.CentredLarge(digit)), transparent: false));
    }

    /// <summary>The canvas's pen coverage as a grey+alpha PNG: black ink on white, or black ink on transparent.</summary>
    public static byte[] CanvasPng(float[] coverage, bool transparent)
    {
        ArgumentNullException.ThrowIfNull(coverage);
        var greyAlpha = new byte[coverage.Length * 2];
        for (var i = 0; i < coverage.Length; i++)
        {
            var ink = CanvasDrawings.ToByte(coverage[i]);
            greyAlpha[i * 2] = transparent ? (byte)0 : (byte)(255 - ink);
            greyAlpha[i * 2 + 1] = transparent ? ink : (byte)255;
        }
        return PngWriter.WriteGreyAlpha(greyAlpha, CanvasDrawings.CanvasSide, CanvasDrawings.CanvasSide);
    }

    public static string DataUrl(byte[] png) => "data:image/png;base64," + Convert.ToBase64String(png);

    /// <summary>The JSON body of POST /api/drawing/ as the frontend writes it.</summary>
    public static byte[] RequestBody(string drawing) => JsonSerializer.SerializeToUtf8Bytes(new { drawing }, AsBrowsersWrite);

    /// <summary><see cref="RequestBody"/> as request content.</summary>
    public static ByteArrayContent Body(string drawing) =>
        new(RequestBody(drawing)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
}
