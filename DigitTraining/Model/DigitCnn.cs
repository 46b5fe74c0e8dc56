using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Digit.Training.Model;

/// <summary>
/// The digit classifier: conv 5x5x32, pool, conv 5x5x64, pool, dense 128, dropout 0.5, dense 10.
/// Input is [N, 1, 28, 28] scaled to 0..1; output is [N, 10] logits.
/// </summary>
public sealed class DigitCnn : Module<Tensor, Tensor>
{
    public const int FlattenedFeatures = 64 * 4 * 4;

    // Layers in the order they run; the ONNX exporter reads the same fields.
    internal readonly Conv2d Conv1 = Conv2d(1, 32, kernel_size: 5);
    internal readonly ReLU Relu1 = ReLU();
    internal readonly MaxPool2d Pool1 = MaxPool2d(kernel_size: 2);
    internal readonly Conv2d Conv2 = Conv2d(32, 64, kernel_size: 5);
    internal readonly ReLU Relu2 = ReLU();
    internal readonly MaxPool2d Pool2 = MaxPool2d(kernel_size: 2);
    internal readonly Flatten Flatten = Flatten();
    internal readonly Linear Dense1 = Linear(FlattenedFeatures, 128);
    internal readonly ReLU Relu3 = ReLU();
    internal readonly Dropout Dropout = Dropout(0.5);
    internal readonly Linear Dense2 = Linear(128, 10);

    public DigitCnn() : base(nameof(DigitCnn))
    {
        InitialiseLikeKeras();
        RegisterComponents();
    }

    // Keras (which the old service trained with) starts Conv2D and Dense layers from Glorot-uniform weights and
    // zero biases; torch's default, kaiming_uniform(a=sqrt 5) with small random biases, trains slower here.
    private void InitialiseLikeKeras()
    {
        using var noGrad = no_grad();
        foreach (var (weight, bias) in new[] { (Conv1.weight, Conv1.bias), (Conv2.weight, Conv2.bias), (Dense1.weight, Dense1.bias), (Dense2.weight, Dense2.bias) })
        {
            init.glorot_uniform_(weight!);
            init.zeros_(bias!);
        }
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = Pool1.call(Relu1.call(Conv1.call(input)));
        x = Pool2.call(Relu2.call(Conv2.call(x)));
        x = Flatten.call(x);
        x = Dropout.call(Relu3.call(Dense1.call(x)));
        return Dense2.call(x).MoveToOuterDisposeScope();
    }
}
