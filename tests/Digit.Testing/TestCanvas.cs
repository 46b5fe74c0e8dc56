namespace Digit.Testing;

/// <summary>An RGBA picture to draw test digits on and hand to the image writers.</summary>
public sealed class TestCanvas
{
    public TestCanvas(int width, int height, byte grey = 0, byte alpha = 255)
    {
        Width = width;
        Height = height;
        Rgba = new byte[width * height * 4];
        FillRect(0, 0, width, height, grey, alpha);
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>R, G, B, A for each pixel, rows top to bottom.</summary>
    public byte[] Rgba { get; }

    public TestCanvas Set(int x, int y, byte red, byte green, byte blue, byte alpha = 255)
    {
        var i = (y * Width + x) * 4;
        Rgba[i] = red;
        Rgba[i + 1] = green;
        Rgba[i + 2] = blue;
        Rgba[i + 3] = alpha;
        return this;
    }

    public TestCanvas FillRect(int x, int y, int width, int height, byte grey, byte alpha = 255)
    {
        for (var row = y; row < y + height; row++)
        {
            for (var column = x; column < x + width; column++)
            {
                Set(column, row, grey, grey, grey, alpha);
            }
        }
        return this;
    }

    /// <summary>A digit "7"-like stroke pair inside the given box: a bar across the top and a bar down the right.</summary>
    public TestCanvas DrawSeven(int x, int y, int width, int height, int stroke, byte grey, byte alpha = 255)
    {
        FillRect(x, y, width, stroke, grey, alpha);
        return FillRect(x + width - stroke, y, stroke, height, grey, alpha);
    }

    /// <summary>A digit "0"-like rectangular ring inside the given box.</summary>
    public TestCanvas DrawRing(int x, int y, int width, int height, int stroke, byte grey)
    {
        FillRect(x, y, width, stroke, grey);
        FillRect(x, y + height - stroke, width, stroke, grey);
        FillRect(x, y, stroke, height, grey);
        return FillRect(x + width - stroke, y, stroke, height, grey);
    }

    /// <summary>The same picture with grey levels inverted (alpha kept).</summary>
    public TestCanvas Inverted()
    {
        var copy = new TestCanvas(Width, Height);
        for (var i = 0; i < Rgba.Length; i += 4)
        {
            copy.Rgba[i] = (byte)(255 - Rgba[i]);
            copy.Rgba[i + 1] = (byte)(255 - Rgba[i + 1]);
            copy.Rgba[i + 2] = (byte)(255 - Rgba[i + 2]);
            copy.Rgba[i + 3] = Rgba[i + 3];
        }
        return copy;
    }

    /// <summary>The grey level (red channel) of one pixel.</summary>
    public byte GreyAt(int x, int y) => Rgba[(y * Width + x) * 4];
}
