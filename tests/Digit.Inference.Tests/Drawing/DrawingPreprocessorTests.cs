using Digit.Inference.Drawing;
using Digit.Testing;

namespace Digit.Inference.Tests.Drawing;

public sealed class DrawingPreprocessorTests
{
    private const int Side = DrawingPreprocessor.Side;

    // A raw-canvas client: 280x280, a "7" drawn with a 20-pixel stroke, white ink on black.
    private static TestCanvas WhiteSevenOnBlack() => new TestCanvas(280, 280, grey: 0).DrawSeven(70, 40, 140, 200, 20, grey: 255);

    [Fact]
    public void Preprocess_BlackOnWhiteAndWhiteOnBlack_GiveTheSameResult()
    {
        var whiteOnBlack = Run(WhiteSevenOnBlack());
        var blackOnWhite = Run(WhiteSevenOnBlack().Inverted());

        Assert.Equal(whiteOnBlack, blackOnWhite);
    }

    [Fact]
    public void Preprocess_BlackInkOnTransparentCanvas_MatchesOpaqueDrawing()
    {
        var alphaOnly = new TestCanvas(280, 280, grey: 0, alpha: 0).DrawSeven(70, 40, 140, 200, 20, grey: 0, alpha: 255);

        Assert.Equal(Run(WhiteSevenOnBlack()), Run(alphaOnly));
    }

    [Fact]
    public void Preprocess_WhiteInkOnTransparentCanvas_MatchesOpaqueDrawing()
    {
        var alphaOnly = new TestCanvas(280, 280, grey: 255, alpha: 0).DrawSeven(70, 40, 140, 200, 20, grey: 255, alpha: 255);

        Assert.Equal(Run(WhiteSevenOnBlack()), Run(alphaOnly));
    }

    [Fact]
    public void Preprocess_GreyPenOnGreyPaper_MatchesFullContrastDrawing()
    {
        var faint = new TestCanvas(280, 280, grey: 200).DrawSeven(70, 40, 140, 200, 20, grey: 120);

        Assert.Equal(Run(WhiteSevenOnBlack()), Run(faint));
    }

    [Fact]
    public void Preprocess_SmallDigitInCorner_IsScaledToTwentyAndCentredByMass()
    {
        var canvas = new TestCanvas(280, 280, grey: 255).DrawSeven(10, 15, 40, 60, 6, grey: 0);

        var result = Run(canvas);

        var (x, y) = CentreOfMass(result);
        Assert.InRange(x, 13.0, 15.0);
        Assert.InRange(y, 13.0, 15.0);
        Assert.Equal(20, InkBox(result).Height);
    }

    [Fact]
    public void Preprocess_TallThinStroke_KeepsAspectRatio()
    {
        var canvas = new TestCanvas(280, 280, grey: 255).FillRect(120, 30, 20, 200, grey: 0);

        var box = InkBox(Run(canvas));

        Assert.Equal(20, box.Height);
        Assert.Equal(2, box.Width);
    }

    [Fact]
    public void Preprocess_WideFlatStroke_KeepsAspectRatio()
    {
        var canvas = new TestCanvas(280, 280, grey: 0).FillRect(40, 100, 200, 50, grey: 255);

        var box = InkBox(Run(canvas));

        Assert.Equal(20, box.Width);
        Assert.Equal(5, box.Height);
    }

    [Fact]
    public void Preprocess_MnistLikeInput_PassesThroughNearlyUnchanged()
    {
        // What the frontend sends: 28x28, white on black, already 20 pixels tall and centred, with grey
        // anti-aliased edges inside the stroke.
        var canvas = new TestCanvas(Side, Side, grey: 0)
            .DrawRing(8, 4, 12, 20, 4, grey: 255)
            .DrawRing(11, 7, 6, 14, 1, grey: 128)
            .FillRect(8, 4, 1, 1, grey: 60);
        var drawing = "data:image/png;base64," + Convert.ToBase64String(PngWriter.Write(canvas, PngColorType.Rgba));

        var result = DrawingPreprocessor.Preprocess(DrawingDecoder.Decode(drawing));

        // Same pixels, at most shifted by one by the centre-of-mass placement.
        var best = float.MaxValue;
        for (var dy = -1; dy <= 1; dy++)
        {
            for (var dx = -1; dx <= 1; dx++)
            {
                var worst = 0f;
                for (var y = 0; y < Side; y++)
                {
                    for (var x = 0; x < Side; x++)
                    {
                        var (sx, sy) = (x - dx, y - dy);
                        var expected = sx is >= 0 and < Side && sy is >= 0 and < Side ? canvas.GreyAt(sx, sy) / 255f : 0f;
                        worst = Math.Max(worst, Math.Abs(result[y * Side + x] - expected));
                    }
                }
                best = Math.Min(best, worst);
            }
        }
        Assert.True(best < 0.01f, $"largest difference {best}");
    }

    [Fact]
    public void Preprocess_AnyDrawing_GivesValuesFromZeroToOne()
    {
        var result = Run(new TestCanvas(100, 80, grey: 230).DrawSeven(20, 10, 50, 60, 3, grey: 60));

        Assert.All(result, value => Assert.InRange(value, 0f, 1f));
        Assert.Equal(1f, result.Max());
        Assert.Equal(0f, result[0]);
    }

    [Fact]
    public void Preprocess_SpanOverload_WritesTheSameValues()
    {
        var image = DrawingDecoder.DecodeImage(PngWriter.Write(WhiteSevenOnBlack()));
        var destination = new float[DrawingPreprocessor.PixelCount];
        Array.Fill(destination, 0.5f);

        DrawingPreprocessor.Preprocess(image, destination);

        Assert.Equal(DrawingPreprocessor.Preprocess(image), destination);
    }

    [Fact]
    public void Preprocess_WrongDestinationLength_ThrowsArgumentException()
    {
        var image = DrawingDecoder.DecodeImage(PngWriter.Write(WhiteSevenOnBlack()));

        Assert.Throws<ArgumentException>(() => DrawingPreprocessor.Preprocess(image, new float[783]));
    }

    public static TheoryData<string, TestCanvas> BlankCanvases => new()
    {
        { "white", new TestCanvas(280, 280, grey: 255) },
        { "black", new TestCanvas(28, 28, grey: 0) },
        { "transparent", new TestCanvas(280, 280, grey: 0, alpha: 0) },
        { "faint speckles", new TestCanvas(50, 50, grey: 0).FillRect(10, 10, 2, 2, grey: 25).FillRect(30, 40, 1, 1, grey: 32) },
    };

    [Theory]
    [MemberData(nameof(BlankCanvases))]
    public void Preprocess_NoInk_ThrowsEmptyDrawing(string name, TestCanvas canvas)
    {
        var exception = Assert.Throws<DrawingException>(() => Run(canvas));

        Assert.Equal(DrawingErrorKind.EmptyDrawing, exception.Kind);
        Assert.Equal(400, exception.Error.Status);
        Assert.False(string.IsNullOrEmpty(name));
    }

    [Fact]
    public void Preprocess_SingleInkPixel_FillsTheFittedBox()
    {
        var result = Run(new TestCanvas(28, 28, grey: 0).Set(3, 25, 255, 255, 255));

        // Ties in the centre-of-mass shift go up and left: a symmetric 20-pixel box gets 4-pixel margins.
        Assert.Equal(new Box(4, 4, 20, 20), InkBox(result));
    }

    private static float[] Run(TestCanvas canvas) =>
        DrawingPreprocessor.Preprocess(DrawingDecoder.DecodeImage(PngWriter.Write(canvas)));

    private static (double X, double Y) CentreOfMass(float[] values)
    {
        double mass = 0, sumX = 0, sumY = 0;
        for (var i = 0; i < values.Length; i++)
        {
            mass += values[i];
            sumX += values[i] * (i % Side);
            sumY += values[i] * (i / Side);
        }
        return (sumX / mass, sumY / mass);
    }

    private static Box InkBox(float[] values)
    {
        int left = Side, top = Side, right = -1, bottom = -1;
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] > 0.1f)
            {
                left = Math.Min(left, i % Side);
                right = Math.Max(right, i % Side);
                top = Math.Min(top, i / Side);
                bottom = Math.Max(bottom, i / Side);
            }
        }
        return new Box(left, top, right - left + 1, bottom - top + 1);
    }

    private readonly record struct Box(int Left, int Top, int Width, int Height);
}
