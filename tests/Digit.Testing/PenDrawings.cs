using Digit.Training.Data;
using Digit.Training.Evaluation;

namespace Digit.Testing;

/// <summary>
/// Drawings made as a person makes them on the frontend's canvas: a round black pen 25 px wide on a 280×280 white
/// canvas, one straight segment from each mouse event to the next, then the frontend's own downsizing (colours
/// inverted, halved three times, 28×28) into the PNG data URL it sends. Styles MNIST barely has (a slashed zero) and
/// ordinary ones (MNIST digits redrawn) alike.
/// </summary>
public static class PenDrawings
{
    /// <summary>The pen's width on the canvas, in pixels, as in the frontend.</summary>
    public const double PenWidth = 25;

    private const int Side = CanvasDrawings.CanvasSide;

    /// <summary>
    /// A zero with a slash through it, as many people write it to tell it from the letter O: an oval of random size,
    /// slant and place, drawn in one stroke of mouse events, then a stroke from above its right shoulder to below its
    /// left foot.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<(double X, double Y)>> SlashedZero(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var (cx, cy) = (140 + Jitter(random, 25), 140 + Jitter(random, 20));
        var (rx, ry) = (35 + 20 * random.NextDouble(), 70 + 30 * random.NextDouble());
        var slant = Jitter(random, 0.25);
        var start = random.NextDouble() * Math.Tau;
        var events = 28 + random.Next(16);
        var oval = new List<(double, double)>();
        for (var i = 0; i <= events; i++)
        {
            // A closing overlap, as a hand goes on a little past where it began.
            var angle = start - (Math.Tau + 0.3) * i / events;
            var (x, y) = (rx * Math.Cos(angle) + Jitter(random, 2), ry * Math.Sin(angle) + Jitter(random, 2));
            oval.Add((cx + x * Math.Cos(slant) - y * Math.Sin(slant), cy + x * Math.Sin(slant) + y * Math.Cos(slant)));
        }
        // The slash sticks out well past the oval, at 30-50 degrees: so drawn, the shipped model takes about a third for 8s.
        var reach = 1.3 + 0.35 * random.NextDouble();
        var tilt = 0.55 + 0.35 * random.NextDouble();
        var (dx, dy) = (rx * reach * Math.Cos(tilt), ry * reach * Math.Sin(tilt));
        var slashEvents = 8 + random.Next(6);
        var slash = Enumerable.Range(0, slashEvents + 1)
            .Select(i => (double)i / slashEvents)
            .Select(t => (cx + dx - 2 * dx * t + Jitter(random, 1.5), cy - dy + 2 * dy * t + Jitter(random, 1.5)))
            .ToList();
        return [oval, slash];
    }

    /// <summary>The pen's coverage 0..1 of every canvas pixel, rows top to bottom, anti-aliased over one pixel.</summary>
    public static float[] Coverage(IEnumerable<IReadOnlyList<(double X, double Y)>> strokes)
    {
        ArgumentNullException.ThrowIfNull(strokes);
        var coverage = new float[Side * Side];
        const double radius = PenWidth / 2;
        foreach (var stroke in strokes)
        {
            for (var i = 0; i < stroke.Count; i++)
            {
                var a = stroke[i];
                var b = stroke[Math.Min(i + 1, stroke.Count - 1)];
                var x0 = Math.Max(0, (int)Math.Floor(Math.Min(a.X, b.X) - radius - 1));
                var x1 = Math.Min(Side - 1, (int)Math.Ceiling(Math.Max(a.X, b.X) + radius + 1));
                var y0 = Math.Max(0, (int)Math.Floor(Math.Min(a.Y, b.Y) - radius - 1));
                var y1 = Math.Min(Side - 1, (int)Math.Ceiling(Math.Max(a.Y, b.Y) + radius + 1));
                for (var y = y0; y <= y1; y++)
                {
                    for (var x = x0; x <= x1; x++)
                    {
                        var ink = (float)Math.Clamp(radius + 0.5 - Distance(x + 0.5, y + 0.5, a, b), 0, 1);
                        ref var pixel = ref coverage[y * Side + x];
                        pixel = Math.Max(pixel, ink);
                    }
                }
            }
        }
        return coverage;
    }

    /// <summary>What the frontend sends for these strokes: the 28×28 PNG data URL.</summary>
    public static string DataUrl(IEnumerable<IReadOnlyList<(double X, double Y)>> strokes) =>
        FrontendDataUrl(Coverage(strokes), transparent: false);

    /// <summary>
    /// What the frontend sends for MNIST test digit <paramref name="index"/> drawn as most people draw: ten times its
    /// size in the middle of the canvas, its strokes about as wide as the frontend's pen (an MNIST stroke of two to
    /// three pixels, cut at a third of its intensity, is 20-30 px wide at that scale).
    /// </summary>
    public static string CentredDataUrl(MnistSet set, int index)
    {
        ArgumentNullException.ThrowIfNull(set);
        var style = CanvasDrawings.CentredLarge(set.Image(index)) with { Bold = false, Threshold = 0.33 };
        return FrontendDataUrl(CanvasDrawings.Render(set.Image(index), style), style.Transparent);
    }

    private static string FrontendDataUrl(float[] coverage, bool transparent) =>
        Drawings.DataUrl(PngWriter.WriteGreyAlpha(CanvasDrawings.FrontendImage(coverage, transparent), MnistSet.ImageSide, MnistSet.ImageSide));

    private static double Distance(double px, double py, (double X, double Y) a, (double X, double Y) b)
    {
        var (vx, vy) = (b.X - a.X, b.Y - a.Y);
        var length = vx * vx + vy * vy;
        var t = length == 0 ? 0 : Math.Clamp(((px - a.X) * vx + (py - a.Y) * vy) / length, 0, 1);
        var (dx, dy) = (px - a.X - t * vx, py - a.Y - t * vy);
        return Math.Sqrt(dx * dx + dy * dy);
    }

    private static double Jitter(Random random, double amount) => (random.NextDouble() * 2 - 1) * amount;
}
