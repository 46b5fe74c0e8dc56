using TorchSharp;

namespace Digit.Training.Training;

/// <summary>Process-wide libtorch settings, applied where training and evaluation start.</summary>
public static class TorchRuntime
{
    /// <summary>
    /// Loads libtorch now. Loading it maps about a gigabyte of native libraries and holds the dynamic
    /// loader's lock for a while, which stalls other threads; a long-running server does it once at start
    /// instead of in the middle of its first training run.
    /// </summary>
    public static void Load()
    {
        NativeAllocator.Configure();
        using var warm = torch.zeros(1);
    }

    /// <summary>
    /// Sets the intra-op thread count libtorch uses for the next operations, and keeps large native
    /// allocations in the heap (see <see cref="NativeAllocator"/>).
    /// </summary>
    public static void UseThreads(int threads)
    {
        NativeAllocator.Configure();
        if (torch.get_num_threads() != threads)
        {
            torch.set_num_threads(threads);
        }
    }
}
