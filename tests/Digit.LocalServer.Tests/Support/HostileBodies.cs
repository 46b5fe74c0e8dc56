using System.Text;
using Digit.Testing;

namespace Digit.LocalServer.Tests.Support;

/// <summary>
/// Seeded request bodies for POST /api/drawing/, damaged at one or more of four layers: the image (blind and
/// structure-aware mutations of PNG, GIF, JPEG and BMP, and bombs: inflating PNGs, runaway GIFs, JPEGs of too many
/// scans, headers claiming huge sizes), its base64, the data URL around it, and the JSON around that (invalid
/// UTF-8, lone surrogate escapes in values and names, wrong types, duplicates, depth, truncation, other encodings).
/// The same seed gives the same bodies.
/// </summary>
internal static class HostileBodies
{
    /// <summary>One body, with the damage done to it for failure messages.</summary>
    public sealed record Body(string Damage, byte[] Bytes);

    private static readonly (string Name, byte[] Image)[] Seeds =
    [
        ("png-28-rgba", PngWriter.Write(new TestCanvas(28, 28).FillRect(12, 4, 4, 20, 255))),
        ("png-280-grey", PngWriter.Write(new TestCanvas(280, 280, grey: 255).DrawSeven(60, 40, 150, 200, 20, 0), PngColorType.Grey)),
        ("png-16-adam7", PngWriter.WriteZeros(32, 24, 16, PngColorType.Grey, 1_581, interlace: 1)),
        ("gif", GifWriter.Write(new TestCanvas(32, 24, grey: 255).DrawSeven(8, 4, 14, 16, 3, 0))),
        ("jpeg", JpegWriter.Write(new TestCanvas(32, 24, grey: 255).DrawSeven(8, 4, 14, 16, 3, 0))),
        ("jpeg-progressive", JpegWriter.WriteProgressive(new TestCanvas(32, 24, grey: 255).DrawSeven(8, 4, 14, 16, 3, 0), refinementScans: 3)),
        ("bmp", BmpWriter.Write(new TestCanvas(28, 28).FillRect(8, 8, 12, 12, 255))),
        ("bomb-png-8MiB", PngWriter.WriteZeros(1, 1, 8, PngColorType.Rgba, 8 << 20)),
        ("bomb-gif-runaway", GifWriter.WriteRunaway(1, 1, cycles: 2)),
        ("bomb-jpeg-40-scans", JpegWriter.WriteProgressive(new TestCanvas(64, 64), refinementScans: 38)),
        ("huge-png-100000", PngWriter.Write(100_000, 100_000, PngColorType.Rgba, [])),
        ("huge-png-1449", PngWriter.Write(1449, 1449, PngColorType.Grey, [])),
        ("huge-gif-65535", WithGifScreen(GifWriter.Write(new TestCanvas(2, 2)), 65_535)),
        ("huge-bmp-60000", BmpWriter.BmpHeader(60_000, -60_000, 24, 54)),
    ];

    private static readonly string[] DataUrlPrefixes =
    [
        "", "data:image/jpeg;base64,", "DATA:IMAGE/PNG;BASE64,", "data:image/png,", "data:;base64,", "data:image/png;base64",
        "data:image/png;charset=utf-8;base64,", " data:image/png;base64, ", "data:image/png;base64,,", "data:text/plain;base64,",
    ];

    public static IReadOnlyList<Body> Generate(int seed, int count)
    {
        var random = new Random(seed);
        var bodies = new List<Body>(count);
        for (var i = 0; i < count; i++)
        {
            var damage = new List<string>();
            var (name, image) = Seeds[random.Next(Seeds.Length)];
            damage.Add(name);
            if (random.Next(10) < 6)
            {
                image = ImageMutations.Mutate(image, random);
                damage.Add("image");
            }
            var base64 = Convert.ToBase64String(image);
            if (random.Next(100) < 15)
            {
                base64 = DamageBase64(base64, random, damage);
            }
            var prefix = "data:image/png;base64,";
            if (random.Next(100) < 15)
            {
                prefix = DataUrlPrefixes[random.Next(DataUrlPrefixes.Length)];
                damage.Add($"prefix '{prefix}'");
            }
            var json = random.Next(100) < 35
                ? DamageJson(prefix + base64, random, damage)
                : Encoding.UTF8.GetBytes($"{{\"drawing\":\"{prefix}{base64}\"}}");
            bodies.Add(new Body(string.Join(", ", damage), json));
        }
        return bodies;
    }

    private static string DamageBase64(string base64, Random random, List<string> damage)
    {
        var kind = random.Next(8);
        damage.Add($"base64 {kind}");
        return kind switch
        {
            0 => base64.TrimEnd('='),
            1 => string.Concat(base64.Chunk(76).Select(line => new string(line) + "\r\n")),
            2 => base64.Insert(random.Next(base64.Length + 1), ((char)random.Next(33, 127)).ToString()),
            3 => base64.Replace('+', '-').Replace('/', '_'),
            4 => base64[..random.Next(base64.Length + 1)],
            5 => base64.Insert(random.Next(base64.Length + 1), " \t "),
            6 => "",
            _ => base64 + "====",
        };
    }

    private static byte[] DamageJson(string drawing, Random random, List<string> damage)
    {
        var kind = random.Next(20);
        damage.Add($"json {kind}");
        var valid = $"{{\"drawing\":\"{drawing}\"}}";
        var at = random.Next(drawing.Length + 1);
        return kind switch
        {
            0 => Utf8($"{{\"drawing\":\"{drawing.Insert(at, "\\ud800")}\"}}"),
            1 => Utf8($"{{\"drawing\":\"{drawing.Insert(at, "\\udc00\\ud800")}\"}}"),
            2 => Utf8($"{{\"{new string('k', random.Next(0, 12))}\\ud800\":1,\"drawing\":\"{drawing}\"}}"),
            3 => Utf8($"{{\"drawing\":\"{drawing}\",\"\\udfff\\udfff\\udfff\":\"x\"}}"),
            4 => Utf8($"{{\"draw\\ud800ing\":\"{drawing}\"}}"),
            5 => InsertBytes(Utf8(valid), random.Next(valid.Length + 1), RandomHighBytes(random)),
            6 => [.. "{\"drawing\":\""u8, .. RandomHighBytes(random), .. "\"}"u8],
            7 => [.. "{\""u8, .. RandomHighBytes(random), .. "\":2,"u8, .. Utf8(valid[1..])],
            8 => Utf8(valid)[..random.Next(valid.Length)],
            9 => Utf8(valid.Insert(random.Next(valid.Length + 1), ((char)random.Next(32, 127)).ToString())),
            10 => Utf8(random.Next(5) switch
            {
                0 => "{\"drawing\":42}",
                1 => $"{{\"drawing\":[\"{drawing}\"]}}",
                2 => "{\"drawing\":null}",
                3 => $"{{\"drawing\":{{\"data\":\"{drawing}\"}}}}",
                _ => "{\"drawing\":true}",
            }),
            11 => Utf8($"{{\"drawing\":\"nothing\",\"drawing\":\"{drawing}\"}}"),
            12 => Utf8($"{{\"Drawing\":\"{drawing}\"}}"),
            13 => Utf8($"{{\"drawing\":\"{drawing}\",\"deep\":{new string('[', 70)}{new string(']', 70)}}}"),
            14 => Utf8(random.Next(3) switch
            {
                0 => $"[\"{drawing}\"]",
                1 => $"\"{drawing}\"",
                _ => "12345678901234567890123456789012345678901234567890e99999",
            }),
            15 => Utf8($"{{\"drawing\":\"{drawing.Replace("/", "\\/").Replace("+", "\\u002B")}\"}}"),
            16 => [0xEF, 0xBB, 0xBF, .. Utf8(valid)],
            17 => Encoding.Unicode.GetBytes(valid),
            18 => Utf8($"{{\"drawing\":\"{drawing}\",}}"),
            _ => Utf8($"{{\"drawing\":\"{drawing}\",\"pad\":\"{new string('x', random.Next(2) == 0 ? 1 << 20 : 1000)}\"}}"),
        };
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] RandomHighBytes(Random random)
    {
        var bytes = new byte[random.Next(1, 6)];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)random.Next(0x80, 0x100);
        }
        return bytes;
    }

    private static byte[] InsertBytes(byte[] text, int at, byte[] bytes) => [.. text[..at], .. bytes, .. text[at..]];

    private static byte[] WithGifScreen(byte[] gif, ushort side)
    {
        BitConverter.TryWriteBytes(gif.AsSpan(6), side);
        BitConverter.TryWriteBytes(gif.AsSpan(8), side);
        return gif;
    }
}
