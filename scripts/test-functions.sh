#!/usr/bin/env bash
# Runs tests/DigitFunctions.Tests where the Azure Functions and Durable Task packages restore. Where they do
# not (a NuGet mirror without them, no network), prints one line saying the project was skipped and why, and
# exits 0 so that the rest of the test run counts. Extra arguments go to `dotnet test`.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
project="$root/tests/DigitFunctions.Tests"
seconds="${RESTORE_TIMEOUT_SECONDS:-300}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

timeout "$seconds" dotnet restore "$project" >"$log" 2>&1
status=$?
if [ "$status" -ne 0 ]; then
  if [ "$status" -eq 124 ]; then
    reason="dotnet restore did not finish within ${seconds} s"
  else
    # The first NuGet error names the package that could not be had, e.g. "error NU1101: Unable to find package ...".
    reason="$(grep -m1 -oE 'error NU[0-9]+: [^[]*' "$log" | sed 's/ *$//')"
    reason="${reason:-dotnet restore failed with exit code $status}"
  fi
  echo "SKIPPED DigitFunctions.Tests: its NuGet packages (Azure Functions worker, Durable Task) do not restore here: $reason"
  exit 0
fi
exec dotnet test "$project" --no-restore "$@"
