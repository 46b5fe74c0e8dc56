namespace Digit.Training.Training;

/// <summary>
/// Reports on the caller's thread, in order. (Progress&lt;T&gt; posts to the thread pool instead, so reports
/// could arrive late or out of order.)
/// </summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    /// <summary>Calls the report action with <paramref name="value"/> and returns when it has.</summary>
    public void Report(T value) => report(value);
}
