using Digit.Training.Model;
using TorchSharp;
var m = new DigitCnn();
var y = m.call(torch.rand(2, 1, 28, 28));
Console.WriteLine(string.Join(",", y.shape));
