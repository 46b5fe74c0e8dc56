using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Digit.Training.Model;

/// <summary>The layer stack of each <see cref="CnnArchitecture"/>.</summary>
internal static class CnnLayers
{
    public static IReadOnlyList<NamedLayer> Build(CnnArchitecture architecture) => architecture switch
    {
        CnnArchitecture.Classic =>
        [
            new("conv1", Conv2d(1, 32, kernel_size: 5)),
            new("relu1", ReLU()),
            new("pool1", MaxPool2d(kernel_size: 2)),
            new("conv2", Conv2d(32, 64, kernel_size: 5)),
            new("relu2", ReLU()),
            new("pool2", MaxPool2d(kernel_size: 2)),
            new("flatten", Flatten()),
            new("dense1", Linear(64 * 4 * 4, 128)),
            new("relu3", ReLU()),
            new("dropout", Dropout(0.5)),
            new("dense2", Linear(128, 10)),
        ],
        CnnArchitecture.ClassicNormalised =>
        [
            .. Block(1, 1, 32, kernel: 5, padding: 0, pool: true),
            .. Block(2, 32, 64, kernel: 5, padding: 0, pool: true),
            new("flatten", Flatten()),
            new("dense1", Linear(64 * 4 * 4, 128)),
            new("relu3", ReLU()),
            new("dense2", Linear(128, 10)),
        ],
        // 28 -> 14 -> 7 -> 3 (floor), so 64 * 3 * 3 features.
        CnnArchitecture.Compact16 => ThreeBlocks(16, 32, 64, padding: 1, lastPool: true, features: 64 * 3 * 3),
        // 28 -> 26 -> 13 -> 11 -> 5 -> 3, so 64 * 3 * 3 features.
        CnnArchitecture.Narrow16 => ThreeBlocks(16, 32, 64, padding: 0, lastPool: false, features: 64 * 3 * 3),
        CnnArchitecture.Strided16 => Strided(16, 32, 64),
        CnnArchitecture.Strided16Wide => Strided(16, 48, 96),
        _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture, "Unknown network."),
    };

    // 28 -> 14 -> 7 -> 4: each stride-2 convolution halves the side, rounding up with padding.
    private static NamedLayer[] Strided(int first, int second, int third) =>
    [
        .. Block(1, 1, first, kernel: 5, padding: 2, pool: false, stride: 2),
        .. Block(2, first, second, kernel: 3, padding: 1, pool: false, stride: 2),
        .. Block(3, second, third, kernel: 3, padding: 1, pool: false, stride: 2),
        new("flatten", Flatten()),
        new("dense1", Linear(third * 4 * 4, 10)),
    ];

    private static NamedLayer[] ThreeBlocks(int first, int second, int third, int padding, bool lastPool, int features) =>
    [
        .. Block(1, 1, first, kernel: 3, padding, pool: true),
        .. Block(2, first, second, kernel: 3, padding, pool: true),
        .. Block(3, second, third, kernel: 3, padding, pool: lastPool),
        new("flatten", Flatten()),
        new("dense1", Linear(features, 10)),
    ];

    // The convolution has no bias: the batch normalisation right after it adds its own, and the exporter folds
    // the two into one convolution.
    private static IEnumerable<NamedLayer> Block(int index, int inputs, int outputs, int kernel, int padding, bool pool, int stride = 1)
    {
        yield return new($"conv{index}", Conv2d(inputs, outputs, kernel_size: kernel, stride: stride, padding: padding, bias: false));
        yield return new($"norm{index}", BatchNorm2d(outputs));
        yield return new($"relu{index}", ReLU());
        if (pool)
        {
            yield return new($"pool{index}", MaxPool2d(kernel_size: 2));
        }
    }
}
