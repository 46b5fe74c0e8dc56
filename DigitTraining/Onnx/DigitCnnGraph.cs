using Digit.Training.Data;
using Digit.Training.Model;
using Digit.Training.Onnx.Proto;
using TorchSharp;
using TorchSharp.Modules;
using static Digit.Training.Onnx.OnnxProtos;

namespace Digit.Training.Onnx;

/// <summary>
/// Translates a <see cref="DigitCnn"/> layer by layer into an ONNX graph for inference: Dropout is left
/// out and a Softmax is added after the last layer, so the graph outputs probabilities rather than logits.
/// Each layer's settings are read from the module; a setting ONNX cannot express fails the export.
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

        Conv("conv1", model.Conv1);
        Relu("relu1");
        MaxPool("pool1", model.Pool1);
        Conv("conv2", model.Conv2);
        Relu("relu2");
        MaxPool("pool2", model.Pool2);
        Flatten("flatten", model.Flatten);
        Gemm("dense1", model.Dense1);
        Relu("relu3");
        // model.Dropout is the identity at inference time.
        Gemm("dense2", model.Dense2);
        Append(Node("Softmax", OnnxExporter.OutputName, [_current], Int("axis", 1)));

        _graph.Output.Add(FloatTensor(OnnxExporter.OutputName, Dim(OnnxExporter.BatchDimension), Dim(model.Dense2.out_features)));
        return _graph;
    }

    private void Conv(string name, Conv2d conv)
    {
        if (conv.padding_mode != PaddingModes.Zeros || conv.padding is null)
        {
            throw Unsupported(name, $"padding mode {conv.padding_mode} / padding type {conv.padding_type}; only explicit zero padding is exported");
        }
        var inputs = new List<string> { _current, Initializer($"{name}.weight", conv.weight) };
        if (conv.bias is not null)
        {
            inputs.Add(Initializer($"{name}.bias", conv.bias));
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
