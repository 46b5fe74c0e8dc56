#!/usr/bin/env bash
# Prints the size of the published Functions app and what a prediction-only cold start loads: the assemblies and
# native libraries mapped by the worker under the real Functions host after one prediction (no TorchSharp, no
# libtorch). It runs the test that measures them (tests/DigitFunctions.Tests, ColdStart) and shows its report.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/setup.sh >/dev/null
export MNIST_PATH="${MNIST_PATH:-$root/data/mnist}"
rm -f artifacts/functions-coldstart.txt
dotnet test tests/DigitFunctions.Tests -nologo -v q --filter "FullyQualifiedName~ColdStart_ThatOnlyPredicts" >/dev/null
# Without a Functions host the test is skipped and writes nothing.
[ -f artifacts/functions-coldstart.txt ] || { echo "coldstart: no report: the real-host test was skipped, as no Functions host was found (README: Running the tests on your own machine)" >&2; exit 1; }
cat artifacts/functions-coldstart.txt
