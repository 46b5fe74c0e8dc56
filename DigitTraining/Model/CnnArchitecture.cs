namespace Digit.Training.Model;

/// <summary>
/// The networks the trainer can build: the recipes' and the candidates of the training sweep
/// (DigitTraining.Cli bench --sweep); a checkpoint records which one it holds. <see cref="DigitCnn.MultiplyAdds"/>
/// gives each one's cost per image.
/// </summary>
public enum CnnArchitecture
{
    /// <summary>The old service's network: conv 5x5x32, pool, conv 5x5x64, pool, dense 128, dropout 0.5, dense 10.</summary>
    Classic = 1,

    /// <summary>Three padded 3x3 convolutions of 16, 32 and 64 channels, each with batch normalisation, ReLU and 2x2 pooling, then dense 10.</summary>
    Compact16 = 2,

    /// <summary>Three unpadded 3x3 convolutions of 16, 32 and 64 channels, each with batch normalisation, ReLU and 2x2 pooling except the last, then dense 10.</summary>
    Narrow16 = 3,

    /// <summary>The classic network with batch normalisation after each convolution and no dropout.</summary>
    ClassicNormalised = 5,

    /// <summary>
    /// No pooling: a 5x5 convolution of 16 channels and 3x3 convolutions of 32 and 64 channels, each with stride 2,
    /// batch normalisation and ReLU (28 -> 14 -> 7 -> 4), then dense 10.
    /// </summary>
    Strided16 = 6,

    /// <summary>Like <see cref="Strided16"/> with 16, 48 and 96 channels: wider only where the images are small. The fast recipe's network.</summary>
    Strided16Wide = 8,
}
