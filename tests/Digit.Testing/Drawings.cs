using System.Net.Http.Json;
using Digit.Training.Data;

namespace Digit.Testing;

/// <summary>Request bodies for POST /api/drawing/, built the way clients build them.</summary>
public static class Drawings
{
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

    public static string DataUrl(byte[] png) => "data:image/png;base64," + Convert.ToBase64String(png);

    public static JsonContent Body(string drawing) => JsonContent.Create(new { drawing });
}
