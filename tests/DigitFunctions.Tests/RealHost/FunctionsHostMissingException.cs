namespace Digit.Functions.Tests.RealHost;

/// <summary>
/// No Functions host is found outside CI: a test that meets it is reported skipped (see <see cref="RealHostTestFramework"/>),
/// with the message, which says what to install.
/// </summary>
public sealed class FunctionsHostMissingException(string message) : Exception(message);
