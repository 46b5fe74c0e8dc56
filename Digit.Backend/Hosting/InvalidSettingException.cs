namespace Digit.Backend.Hosting;

/// <summary>
/// A setting (environment variable or app setting) that the service cannot work with. The message names the
/// setting, its value and what to do, so that start-up can end with that one line instead of a stack trace.
/// </summary>
public sealed class InvalidSettingException(string message, Exception? innerException = null)
    : Exception(message, innerException);
