using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Digit.Training.Onnx;

/// <summary>
/// A convolution followed by batch normalisation in inference mode, as one convolution:
/// scale = γ / √(running variance + ε), weight' = weight · scale per output channel,
/// bias' = (bias − running mean) · scale + β. Computed in float64 so the fold adds no rounding of its own.
/// </summary>
internal sealed class BatchNormFolding : IDisposable
{
    private BatchNormFolding(Tensor weight, Tensor bias)
    {
        Weight = weight;
        Bias = bias;
    }

    public Tensor Weight { get; }

    public Tensor Bias { get; }

    public static BatchNormFolding Fold(Conv2d conv, BatchNorm2d norm)
    {
        if (norm.running_mean is null || norm.running_var is null || norm.weight is null || norm.bias is null)
        {
            throw new NotSupportedException($"Cannot fold a batch normalisation without running statistics and affine parameters into {conv.GetName()}.");
        }
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var channels = conv.out_channels;
        var scale = norm.weight.detach().to_type(ScalarType.Float64) / (norm.running_var.to_type(ScalarType.Float64) + norm.eps).sqrt();
        var weight = conv.weight!.detach().to_type(ScalarType.Float64) * scale.view(channels, 1, 1, 1);
        var bias = conv.bias is null ? torch.zeros(channels, ScalarType.Float64) : conv.bias.detach().to_type(ScalarType.Float64);
        bias = (bias - norm.running_mean.to_type(ScalarType.Float64)) * scale + norm.bias.detach().to_type(ScalarType.Float64);
        return new BatchNormFolding(
            weight.to_type(ScalarType.Float32).MoveToOuterDisposeScope(),
            bias.to_type(ScalarType.Float32).MoveToOuterDisposeScope());
    }

    public void Dispose()
    {
        Weight.Dispose();
        Bias.Dispose();
    }
}
