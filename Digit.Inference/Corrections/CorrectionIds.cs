using System.Security.Cryptography;

namespace Digit.Inference.Corrections;

/// <summary>
/// How a correction is named and split: its id is the content hash of the image the network saw, so the same drawing
/// always gets the same id on every instance, and whether it is held out follows from that id alone. Training uses
/// the same rules, so a held-out correction is never trained on.
/// </summary>
public static class CorrectionIds
{
    /// <summary>The side of the image in pixels (MNIST's 28).</summary>
    public const int ImageSide = 28;

    /// <summary>Bytes of a correction's image: 28 x 28, row by row.</summary>
    public const int PixelCount = ImageSide * ImageSide;

    /// <summary>Hex characters of an id: the first 16 bytes of the SHA-256, plenty to tell drawings apart.</summary>
    public const int Length = 32;

    /// <summary>One correction in this many is held out (never trained on, used to measure models).</summary>
    public const int HeldOutOneIn = 5;

    /// <summary>The id of <paramref name="pixels"/>: lowercase hex of the first 16 bytes of their SHA-256.</summary>
    /// <exception cref="ArgumentException">When <paramref name="pixels"/> is not <see cref="PixelCount"/> bytes.</exception>
    public static string For(ReadOnlySpan<byte> pixels)
    {
        if (pixels.Length != PixelCount)
        {
            throw new ArgumentException($"A correction's image is {PixelCount} bytes (28x28); this one is {pixels.Length}.", nameof(pixels));
        }
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(pixels, hash);
        return Convert.ToHexStringLower(hash[..(Length / 2)]);
    }

    /// <summary>
    /// Whether the correction with <paramref name="id"/> is held out: its first byte modulo <see cref="HeldOutOneIn"/>
    /// is 0, so about one in five, the same answer everywhere and for ever.
    /// </summary>
    /// <exception cref="ArgumentException">When <paramref name="id"/> is not a valid id.</exception>
    public static bool IsHeldOut(string id)
    {
        if (!IsValid(id))
        {
            throw new ArgumentException($"'{id}' is not a correction id ({Length} lowercase hex characters).", nameof(id));
        }
        return Convert.ToByte(id[..2], 16) % HeldOutOneIn == 0;
    }

    /// <summary>Whether <paramref name="id"/> has the form of an id: exactly <see cref="Length"/> lowercase hex characters.</summary>
    public static bool IsValid(string? id) =>
        id is { Length: Length } && id.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));

    /// <summary>
    /// The bytes of a network image (784 floats 0..1, ink bright, as preprocessing makes it): round(value * 255),
    /// clamped to 0..255, so 0 is background and 255 ink as in the MNIST files.
    /// </summary>
    /// <exception cref="ArgumentException">When <paramref name="image"/> is not <see cref="PixelCount"/> values.</exception>
    public static byte[] ToPixels(ReadOnlySpan<float> image)
    {
        if (image.Length != PixelCount)
        {
            throw new ArgumentException($"A network image is {PixelCount} values (28x28); this one is {image.Length}.", nameof(image));
        }
        var pixels = new byte[PixelCount];
        for (var i = 0; i < pixels.Length; i++)
        {
            // NaN counts as background.
            var value = MathF.Round(image[i] * 255f, MidpointRounding.AwayFromZero);
            pixels[i] = value >= 255f ? (byte)255 : value > 0f ? (byte)value : (byte)0;
        }
        return pixels;
    }

    /// <summary>A correction of <paramref name="pixels"/>: its id and held-out share filled in from them.</summary>
    public static Correction Create(byte[] pixels, int label, DateTimeOffset receivedAt, string? modelVersion, int? predicted)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        var id = For(pixels);
        return new Correction(id, pixels, label, receivedAt, modelVersion, predicted, IsHeldOut(id));
    }
}
