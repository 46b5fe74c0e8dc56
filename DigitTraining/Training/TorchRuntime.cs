using TorchSharp;

namespace Digit.Training.Training;

/// <summary>Process-wide libtorch settings, applied where training and evaluation start.</summary>
public static class TorchRuntime
{
    /// <summary>Sets the intra-op thread count libtorch uses for the next operations.</summary>
    public static void UseThreads(int threads)
    {
        if (torch.get_num_threads() != threads)
        {
            torch.set_num_threads(threads);
        }
    }
}
