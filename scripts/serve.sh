#!/usr/bin/env bash
# Starts the local server (http://localhost:7071) with its embedded defaults: the shipped model, a model
# store in data/models, training state in memory (set REDIS_URL to share it), and the MNIST files that
# retraining needs (fetched and verified first).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/fetch-mnist.sh
exec dotnet run --project Digit.LocalServer -c Release -- "$@"
