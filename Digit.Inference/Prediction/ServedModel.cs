using Digit.Inference.Models;

namespace Digit.Inference.Prediction;

/// <summary>
/// A loaded model and the version it came from, counted while requests use it, so that a swap never
/// disposes a session a request is still running on: the last user to leave disposes it.
/// </summary>
public sealed class ServedModel(ModelVersion version, DigitPredictor predictor)
{
    // Starts at one: the reference the model provider holds until the model is replaced.
    private int _users = 1;

    /// <summary>The version in the model store that the model was loaded from.</summary>
    public ModelVersion Version { get; } = version;

    internal DigitPredictor Predictor { get; } = predictor;

    internal bool TryEnter()
    {
        while (true)
        {
            var users = Volatile.Read(ref _users);
            if (users == 0)
            {
                return false;
            }
            if (Interlocked.CompareExchange(ref _users, users + 1, users) == users)
            {
                return true;
            }
        }
    }

    internal void Leave()
    {
        if (Interlocked.Decrement(ref _users) == 0)
        {
            Predictor.Dispose();
        }
    }
}
