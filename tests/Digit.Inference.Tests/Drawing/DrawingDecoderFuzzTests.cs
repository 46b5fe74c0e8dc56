using Xunit.Abstractions;
using Digit.Inference.Drawing;
using Digit.Testing;

namespace Digit.Inference.Tests.Drawing;

/// <summary>
/// Seeded random mutations of valid images: each must decode or be refused with a
/// <see cref="DrawingException"/>, never anything else.
/// </summary>
public sealed class DrawingDecoderFuzzTests(ITestOutputHelper output)
{
    private const int MutationsPerFormat = 2_000;

    [Theory]
    [InlineData("png", 1)]
    [InlineData("png-grey", 2)]
    [InlineData("jpeg", 3)]
    [InlineData("gif", 4)]
    [InlineData("bmp", 5)]
    public void DecodeImage_RandomMutations_DecodeOrRefuseWithDrawingException(string format, int randomSeed)
    {
        var seed = SeedImage(format);
        var random = new Random(randomSeed);
        var failures = new List<string>();
        var outcomes = new Dictionary<string, int>();
        for (var i = 0; i < MutationsPerFormat; i++)
        {
            var mutant = Mutate(seed, random);
            string outcome;
            try
            {
                var image = DrawingDecoder.DecodeImage(mutant);
                outcome = "decoded";
                try
                {
                    DrawingPreprocessor.Preprocess(image);
                }
                catch (DrawingException exception) when (exception.Kind == DrawingErrorKind.EmptyDrawing)
                {
                }
            }
            catch (DrawingException exception)
            {
                outcome = exception.Kind.ToString();
            }
            catch (Exception exception)
            {
                outcome = exception.GetType().Name;
                failures.Add($"#{i}: {exception.GetType().Name}: {exception.Message}: {Convert.ToBase64String(mutant)}");
            }
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }
        output.WriteLine(string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}={o.Value}")));
        Assert.True(
            failures.Count == 0,
            $"{failures.Count} mutants escaped ({string.Join(", ", outcomes.Select(o => $"{o.Key}={o.Value}"))}):\n{string.Join("\n", failures.Take(5))}");
    }

    [Theory]
    [InlineData("png", 11)]
    [InlineData("png-grey-16-adam7", 12)]
    [InlineData("png-bomb", 13)]
    [InlineData("gif", 14)]
    [InlineData("gif-runaway", 15)]
    [InlineData("jpeg", 16)]
    [InlineData("jpeg-progressive", 17)]
    [InlineData("bmp", 18)]
    public void DecodeImage_StructureAwareMutations_DecodeOrRefuseWithDrawingException(string format, int randomSeed)
    {
        // Mutations that keep chunks, blocks and segments valid (CRCs made right, sizes and LZW codes changed, scans
        // repeated), from ordinary images and from bombs.
        var seed = format switch
        {
            "png-grey-16-adam7" => PngWriter.WriteZeros(32, 24, 16, PngColorType.Grey, 1_581, interlace: 1),
            "png-bomb" => PngWriter.WriteZeros(1, 1, 8, PngColorType.Rgba, 4 << 20),
            "gif-runaway" => GifWriter.WriteRunaway(2, 2, cycles: 2),
            "jpeg-progressive" => JpegWriter.WriteProgressive(new TestCanvas(32, 24, grey: 255).DrawSeven(8, 4, 14, 16, 3, grey: 0), refinementScans: 3),
            _ => SeedImage(format),
        };
        var random = new Random(randomSeed);
        var failures = new List<string>();
        var outcomes = new Dictionary<string, int>();
        for (var i = 0; i < MutationsPerFormat; i++)
        {
            var mutant = ImageMutations.Mutate(seed, random);
            string outcome;
            try
            {
                DrawingPreprocessor.Preprocess(DrawingDecoder.DecodeImage(mutant));
                outcome = "decoded";
            }
            catch (DrawingException exception)
            {
                outcome = exception.Kind.ToString();
            }
            catch (Exception exception)
            {
                outcome = exception.GetType().Name;
                failures.Add($"#{i}: {exception.GetType().Name}: {exception.Message}: {Convert.ToBase64String(mutant[..Math.Min(mutant.Length, 2000)])}");
            }
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }
        output.WriteLine(string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}={o.Value}")));
        Assert.True(failures.Count == 0, $"{failures.Count} mutants of {format} (seed {randomSeed}) escaped:\n{string.Join("\n", failures.Take(5))}");
    }

    [Fact]
    public void DecodeImage_RandomPngHeadersAndScanlines_DecodeOrRefuseWithDrawingException()
    {
        // Well-formed chunks (right CRCs, valid zlib) around random IHDR fields and random raw data, so
        // the decoder's filter, bit-depth, palette and interlace paths see garbage.
        var random = new Random(6);
        var failures = new List<string>();
        var outcomes = new Dictionary<string, int>();
        byte[] depths = [1, 2, 4, 8, 16, 3];
        byte[] colorTypes = [0, 2, 3, 4, 6, 5];
        for (var i = 0; i < MutationsPerFormat; i++)
        {
            var width = random.Next(1, 40);
            var height = random.Next(1, 40);
            var depth = depths[random.Next(depths.Length)];
            var colorType = colorTypes[random.Next(colorTypes.Length)];
            var interlace = (byte)(random.Next(4) == 0 ? random.Next(3) : 0);
            var channels = colorType switch { 2 => 3, 4 => 2, 6 => 4, _ => 1 };
            var rowLength = 1 + (width * channels * depth + 7) / 8;
            var raw = new byte[random.Next(4) == 0 ? random.Next(0, 8000) : rowLength * height];
            random.NextBytes(raw);
            for (var row = 0; row < raw.Length; row += rowLength)
            {
                raw[row] = (byte)random.Next(5); // a valid filter type, mostly
            }
            byte[]? palette = null;
            if (random.Next(2) == 0)
            {
                palette = new byte[3 * random.Next(0, 300)];
                random.NextBytes(palette);
            }
            var png = PngWriter.Write((uint)width, (uint)height, depth, colorType, interlace, raw, palette);
            string outcome;
            try
            {
                DrawingDecoder.DecodeImage(png);
                outcome = "decoded";
            }
            catch (DrawingException exception)
            {
                outcome = exception.Kind.ToString();
            }
            catch (Exception exception)
            {
                outcome = exception.GetType().Name;
                failures.Add($"#{i}: {exception.GetType().Name}: {exception.Message}: {Convert.ToBase64String(png)}");
            }
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }
        output.WriteLine(string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}={o.Value}")));
        Assert.True(failures.Count == 0, $"{failures.Count} escaped:\n{string.Join("\n", failures.Take(5))}");
    }

    private static byte[] SeedImage(string format)
    {
        var canvas = new TestCanvas(32, 24, grey: 255).DrawSeven(8, 4, 14, 16, 3, grey: 0);
        return format switch
        {
            "png" => PngWriter.Write(canvas),
            "png-grey" => PngWriter.Write(canvas, PngColorType.Grey),
            "jpeg" => JpegWriter.Write(canvas),
            "gif" => GifWriter.Write(canvas),
            _ => BmpWriter.Write(canvas),
        };
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var data = new List<byte>(seed);
        var count = random.Next(1, 5);
        for (var m = 0; m < count && data.Count > 0; m++)
        {
            var at = random.Next(data.Count);
            switch (random.Next(6))
            {
                case 0:
                    data[at] = (byte)random.Next(256);
                    break;
                case 1:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 2:
                    data.RemoveRange(at, data.Count - at);
                    break;
                case 3:
                    data.InsertRange(at, Enumerable.Range(0, random.Next(1, 9)).Select(_ => (byte)random.Next(256)));
                    break;
                case 4:
                    data.RemoveRange(at, Math.Min(data.Count - at, random.Next(1, 9)));
                    break;
                default:
                    byte[][] interesting = [[0, 0, 0, 0], [0xFF, 0xFF, 0xFF, 0xFF], [0x7F, 0xFF, 0xFF, 0xFF], [0, 0, 0x10, 0], [0, 0, 0x10, 1], [0x80, 0, 0, 0]];
                    var value = interesting[random.Next(interesting.Length)];
                    for (var k = 0; k < value.Length && at + k < data.Count; k++)
                    {
                        data[at + k] = value[k];
                    }
                    break;
            }
        }
        return [.. data];
    }
}
