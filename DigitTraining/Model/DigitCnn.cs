using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Digit.Training.Model;

/// <summary>A layer of a <see cref="DigitCnn"/> and the name it has in the model state and the ONNX graph.</summary>
public sealed record NamedLayer(string Name, Module<Tensor, Tensor> Layer);

/// <summary>
/// The digit classifier: a plain stack of layers chosen by a <see cref="CnnArchitecture"/>.
/// Input is [N, 1, 28, 28] scaled to 0..1; output is [N, 10] logits.
/// </summary>
public sealed class DigitCnn : Module<Tensor, Tensor>
{
    internal DigitCnn(CnnArchitecture architecture) : base(nameof(DigitCnn))
    {
        Architecture = architecture;
        Layers = CnnLayers.Build(architecture);
        foreach (var layer in Layers)
        {
            register_module(layer.Name, layer.Layer);
        }
        if (architecture == CnnArchitecture.Classic)
        {
            InitialiseLikeKeras();
        }
    }

    internal CnnArchitecture Architecture { get; }

    /// <summary>The layers in the order they run; the ONNX exporter translates them one by one.</summary>
    public IReadOnlyList<NamedLayer> Layers { get; }

    /// <summary>Multiply-adds of one image's forward pass through the convolutions and dense layers.</summary>
    public long MultiplyAdds()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var wasTraining = training;
        eval();
        long total = 0;
        var x = zeros(1, 1, 28, 28);
        foreach (var (_, layer) in Layers)
        {
            x = layer.call(x);
            total += layer switch
            {
                Conv2d conv => x.numel() * (conv.in_channels / conv.groups) * conv.kernel_size.Aggregate(1L, (a, b) => a * b),
                Linear linear => linear.in_features * linear.out_features,
                _ => 0,
            };
        }
        train(wasTraining);
        return total;
    }

    // Keras (which the old service trained with) starts Conv2D and Dense layers from Glorot-uniform weights and
    // zero biases; torch's default, kaiming_uniform(a=sqrt 5) with small random biases, trains the classic network slower.
    private void InitialiseLikeKeras()
    {
        using var noGrad = no_grad();
        foreach (var (_, layer) in Layers)
        {
            var (weight, bias) = layer switch
            {
                Conv2d conv => (conv.weight, conv.bias),
                Linear linear => (linear.weight, linear.bias),
                _ => (null, null),
            };
            if (weight is not null)
            {
                init.glorot_uniform_(weight);
                init.zeros_(bias!);
            }
        }
    }

    /// <summary>Runs a batch [N, 1, 28, 28] scaled to 0..1 through the layers in order; returns [N, 10] logits.</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input;
        foreach (var (_, layer) in Layers)
        {
            x = layer.call(x);
        }
        return x.MoveToOuterDisposeScope();
    }
}
