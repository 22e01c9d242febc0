#!/usr/bin/env bash
# INT8 numerics on ARM64 (docs/benchmarks.md): the linux-arm64 package's edgetransfer-device computes INT8
# features under qemu-aarch64 (ONNX Runtime's arm64 int8 kernels, not the x64 VNNI path), for the U8S8 and
# the S8S8 flavour of the same backbone; `edgetransfer bench numerics` compares them with the host's float
# and INT8 features of the same images (cosine mean/min, linear-head accuracy on the test split).
#   tools/scripts/arm64-numerics.sh [train per class] [test per class] [package archive]   (default 30 / 20)
# Needs artifacts/packages/edgetransfer-raspberry-pi-5.tar.gz (tools/scripts/check-arm64.sh builds it).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
train=${1:-30} test=${2:-20}
skip() { echo "arm64-numerics: SKIPPED — $*"; exit 0; }
. tools/scripts/lib/arm64-user-space.sh
arm64_user_space

E=(dotnet "$repo/tools/EdgeTransfer.Cli/bin/Release/net10.0/edgetransfer.dll")
archive=${3:-"$repo/artifacts/packages/edgetransfer-raspberry-pi-5.tar.gz"}
[ -f "$archive" ] || { echo "arm64-numerics: $archive is missing; run tools/scripts/check-arm64.sh first" >&2; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -p "$work/pkg" && tar -xzf "$archive" -C "$work/pkg"
"${E[@]}" synth --out "$work/images" --classes good,scratch,dent,stain --per-class "$train" --test-per-class "$test" >/dev/null

for flavour in uint8 int8; do
  # Both backbones in the bundle: the device runs the INT8 one, the host also needs the float reference.
  "${E[@]}" prepare --classes good,scratch,dent,stain --quantize int8 --activations "$flavour" --out "$work/bundle-$flavour" >/dev/null
  for split in train test; do
    n=$(find "$work/images/$split" -name '*.png' | wc -l)
    line_config "$work/$flavour-$split.json" "$work/bundle-$flavour" "$work/stores-$flavour/$split" \
      "{ \"kind\": \"folder\", \"folder\": { \"path\": \"$work/images/$split\", \"loop\": false } }"
    started=$SECONDS
    "${emulator[@]}" "$work/pkg/edgetransfer-device.bin" collect --label auto --count "$n" --timeout 3600 --config "$work/$flavour-$split.json" | tail -n 1
    echo "arm64 $flavour $split: $n images in $((SECONDS - started)) s" >&2
  done
  "${E[@]}" bench numerics --bundle "$work/bundle-$flavour" --data "$work/images" --store "arm64 int8 (linux-arm64 package, qemu)=$work/stores-$flavour"
done
