#!/usr/bin/env bash
# Runs every test: sets up what the tests need (scripts/setup.sh), builds the solution and runs every test project
# in Digit.sln: first everything but the timing tests, projects side by side, then the timing tests alone.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# Under CI the real-host tests fail without a Functions host; say so before minutes of setup and build. The same
# order and line as the real-host fixture's (tests/DigitFunctions.Tests/RealHost/FunctionsHostSelection.cs).
ci=${CI:-}
if [ "${ci,,}" = true ] || [ "$ci" = 1 ]; then
  if [ -z "${FUNCTIONS_HOST_DIR:-}" ] && [ ! -f "$root/../shared/functions-host/run.sh" ] && ! command -v func >/dev/null; then
    echo 'No Azure Functions host for the real-host tests: install Azure Functions Core Tools 4 so that `func` is on PATH (npm install -g azure-functions-core-tools@4), or set FUNCTIONS_HOST_DIR to a folder with run.sh or a Functions host build.' >&2
    exit 1
  fi
fi

scripts/setup.sh || exit 1
export MNIST_PATH="${MNIST_PATH:-$root/data/mnist}"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
dotnet build Digit.sln -c Debug -nologo -clp:ErrorsOnly || exit 1
# Two passes. Tests that keep a timing promise (an event every second, a stop within 2 s, an answer within a
# second during an outage) carry the trait Category=Timing and run alone, one project at a time, so that no other
# test's training takes their cores; every other test runs with the test projects side by side.
dotnet test Digit.sln -c Debug --no-build -nologo --filter "Category!=Timing" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
dotnet test Digit.sln -c Debug --no-build -nologo -m:1 --filter "Category=Timing" 2>&1 | tee -a "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

# One plain closing line over every test project.
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
echo "$passed passed, $failed failed, $skipped skipped"
[ "$passed" -gt 0 ] || status=1
exit "$status"
