namespace Digit.Inference.Drawing.Formats;

/// <summary>
/// What an image's header claims, read without decoding. Width and height are <see cref="long"/> because a
/// hostile header can claim up to 2^32-1 pixels a side.
/// </summary>
public readonly record struct ImageHeader(ImageFormat Format, long Width, long Height);
