namespace Digit.Inference.Prediction;

/// <summary>No model has been loaded yet, so nothing can be predicted (HTTP 503).</summary>
public sealed class NoModelException()
    : Exception("No model is loaded yet. Train one (POST /api/retrain_model/) or put an ONNX model in the model store.");

/// <summary>
/// Holds the model being served and swaps in a new one atomically. Requests in flight finish on the model
/// they started with; it is disposed when the last of them leaves.
/// </summary>
public sealed class ModelProvider : IDisposable
{
    private ServedModel? _current;

    /// <summary>
    /// The model served now, or null until one is loaded. Reading it does not keep the model alive: use its
    /// <see cref="ServedModel.Version"/>, and predict through <see cref="Use"/>.
    /// </summary>
    public ServedModel? Current => Volatile.Read(ref _current);

    /// <summary>Runs <paramref name="use"/> on the current model, keeping it alive meanwhile.</summary>
    public T Use<T>(Func<ServedModel, T> use)
    {
        while (true)
        {
            var model = Volatile.Read(ref _current) ?? throw new NoModelException();
            if (!model.TryEnter())
            {
                continue; // replaced and released between the read and the enter: take the new one
            }
            try
            {
                return use(model);
            }
            finally
            {
                model.Leave();
            }
        }
    }

    /// <summary>Serves <paramref name="model"/> from now on; the previous one is released.</summary>
    public void Swap(ServedModel model)
    {
        Interlocked.Exchange(ref _current, model)?.Leave();
    }

    /// <summary>Stops serving: the current model is released, and disposed when the last request on it leaves.</summary>
    public void Dispose()
    {
        Interlocked.Exchange(ref _current, null)?.Leave();
    }
}
