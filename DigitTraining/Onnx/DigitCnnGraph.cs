using Digit.Training.Data;
using Digit.Training.Model;
using Digit.Training.Onnx.Proto;
using TorchSharp;
using TorchSharp.Modules;
using static Digit.Training.Onnx.OnnxProtos;

namespace Digit.Training.Onnx;

/// <summary>
/// Translates a <see cref="DigitCnn"/> layer by layer into an ONNX graph for inference: Dropout is left out, each
/// batch normalisation is folded into the convolution before it (its running statistics and affine parameters
/// become that convolution's weights and bias), and a Softmax is added after the last layer, so the graph outputs
/// probabilities rather than logits. Each layer's settings are read from the module; a layer or setting ONNX
/// cannot express here fails the export.
/// </summary>
internal sealed class DigitCnnGraph
{
    private readonly GraphProto _graph = new() { Name = nameof(DigitCnn) };
    private string _current = OnnxExporter.InputName;

    private DigitCnnGraph()
    {
    }

    public static GraphProto Build(DigitCnn model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var builder = new DigitCnnGraph();
        return builder.Add(model);
    }

    private GraphProto Add(DigitCnn model)
    {
        _graph.Input.Add(FloatTensor(OnnxExporter.InputName,
            Dim(OnnxExporter.BatchDimension), Dim(1), Dim(MnistSet.ImageSide), Dim(MnistSet.ImageSide)));

        var layers = model.Layers;
        long classes = 0;
        for (var i = 0; i < layers.Count; i++)
        {
            var (name, layer) = layers[i];
            switch (layer)
            {
                case Conv2d conv when i + 1 < layers.Count && layers[i + 1].Layer is BatchNorm2d norm:
                    Conv(name, conv, norm);
                    i++;
                    break;
                case Conv2d conv:
                    Conv(name, conv, norm: null);
                    break;
                case ReLU:
                    Relu(name);
                    break;
                case MaxPool2d pool:
                    MaxPool(name, pool);
                    break;
                case Flatten flatten:
                    Flatten(name, flatten);
                    break;
                case Linear linear:
                    Gemm(name, linear);
                    classes = linear.out_features;
                    break;
                case Dropout:
                    // The identity at inference time.
                    break;
                default:
                    throw Unsupported(name, $"{layer.GetType().Name} has no ONNX translation here");
            }
        }
        Append(Node("Softmax", OnnxExporter.OutputName, [_current], Int("axis", 1)));

        _graph.Output.Add(FloatTensor(OnnxExporter.OutputName, Dim(OnnxExporter.BatchDimension), Dim(classes)));
        return _graph;
    }

    private void Conv(string name, Conv2d conv, BatchNorm2d? norm)
    {
        if (conv.padding_mode != PaddingModes.Zeros || conv.padding is null)
        {
            throw Unsupported(name, $"padding mode {conv.padding_mode} / padding type {conv.padding_type}; only explicit zero padding is exported");
        }
        var inputs = new List<string> { _current };
        if (norm is null)
        {
            inputs.Add(Initializer($"{name}.weight", conv.weight!));
            if (conv.bias is not null)
            {
                inputs.Add(Initializer($"{name}.bias", conv.bias));
            }
        }
        else
        {
            using var folded = BatchNormFolding.Fold(conv, norm);
            inputs.Add(Initializer($"{name}.weight", folded.Weight));
            inputs.Add(Initializer($"{name}.bias", folded.Bias));
        }
        Append(Node("Conv", name, inputs,
            Ints("kernel_shape", conv.kernel_size),
            Ints("strides", conv.stride),
            // ONNX wants all begins, then all ends; torch pads both sides of each axis by the same amount.
            Ints("pads", [.. conv.padding, .. conv.padding]),
            Ints("dilations", conv.dilation),
            Int("group", conv.groups)));
    }

    private void MaxPool(string name, MaxPool2d pool)
    {
        Append(Node("MaxPool", name, [_current],
            Ints("kernel_shape", pool.kernel_size),
            Ints("strides", pool.stride ?? pool.kernel_size),
            Ints("pads", [.. pool.padding ?? [0, 0], .. pool.padding ?? [0, 0]]),
            Ints("dilations", pool.dilation ?? [1, 1]),
            Int("ceil_mode", pool.ceil_mode ? 1 : 0)));
    }

    private void Flatten(string name, Flatten flatten)
    {
        // ONNX Flatten always produces a matrix; torch's does the same only when it runs to the last dimension.
        if (flatten.end_dim != -1)
        {
            throw Unsupported(name, $"end_dim {flatten.end_dim}; only flattening to the last dimension is exported");
        }
        Append(Node("Flatten", name, [_current], Int("axis", flatten.start_dim)));
    }

    private void Gemm(string name, Linear linear)
    {
        var inputs = new List<string> { _current, Initializer($"{name}.weight", linear.weight) };
        if (linear.bias is not null)
        {
            inputs.Add(Initializer($"{name}.bias", linear.bias));
        }
        // torch keeps a Linear weight as [out, in]: y = x·Wᵀ + b, hence transB.
        Append(Node("Gemm", name, inputs, Int("transB", 1)));
    }

    private void Relu(string name) => Append(Node("Relu", name, [_current]));

    private string Initializer(string name, torch.Tensor parameter)
    {
        _graph.Initializer.Add(OnnxInitializers.FromParameter(name, parameter));
        return name;
    }

    private void Append(NodeProto node)
    {
        _graph.Node.Add(node);
        _current = node.Output[0];
    }

    private static NotSupportedException Unsupported(string layer, string what) =>
        new($"Cannot export layer {layer} to ONNX: {what}.");
}
