namespace Digit.Inference.Prediction;

/// <summary>
/// Heavy drawings take turns: one at a time is parsed, decoded and predicted, however many arrive together, so they
/// keep at most one core busy and the small drawings of everyone else (the frontend sends 28x28 PNGs of a few kB)
/// never queue behind them. A drawing is heavy when its request body is over <see cref="LargeBodyBytes"/> or its
/// image over <see cref="LargeImagePixels"/>. Waiting for a turn holds no thread.
/// </summary>
public sealed class DecodeTurns
{
    /// <summary>A body over this many bytes is heavy: parsing and base64 cost about 4 ms a MiB.</summary>
    public const int LargeBodyBytes = 256 * 1024;

    /// <summary>An image over this many pixels (512x512) is heavy: decoding 2 megapixels costs up to 0.2 s. A raw 280x280 canvas is not.</summary>
    public const long LargeImagePixels = 512 * 512;

    private readonly SemaphoreSlim _turn = new(1, 1);

    /// <summary>A request's claim on a turn; it takes the turn when the request turns out heavy, and gives it back when disposed.</summary>
    public Claim NewClaim() => new(_turn);

    /// <summary>One request's claim. Not thread-safe: a request takes its turn from one flow of control.</summary>
    public sealed class Claim(SemaphoreSlim turn) : IDisposable
    {
        private bool _held;

        /// <summary>Waits for the turn, unless this claim holds it already.</summary>
        public async ValueTask TakeAsync(CancellationToken cancellationToken)
        {
            if (!_held)
            {
                await turn.WaitAsync(cancellationToken);
                _held = true;
            }
        }

        /// <summary>Gives the turn back if this claim holds it.</summary>
        public void Dispose()
        {
            if (_held)
            {
                _held = false;
                turn.Release();
            }
        }
    }
}
