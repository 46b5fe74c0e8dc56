namespace Digit.Training.Data;

/// <summary>An MNIST file is missing, truncated or not what it should be. The message says which and how to fix it.</summary>
public sealed class MnistDataException(string message) : Exception(message);
