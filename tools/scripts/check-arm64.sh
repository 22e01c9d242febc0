#!/usr/bin/env bash
# The raspberry-pi-5 package (linux-arm64) proven on ARM64: Cake builds it, and the unpacked
# edgetransfer-device runs under qemu-aarch64 user-mode emulation (or natively on an aarch64 machine):
#   status                 the profile's own device.json: the bundle verifies, the INT8 backbone opens
#   infer                  verdicts on synthetic part images (PNG, from `edgetransfer synth`)
#   collect + train        features of labelled images stored on the device, a head trained with ONNX
#                          Runtime's arm64 kernels and promoted by the quality gate, `status` shows it
#   run                    a short run on the synthetic line: frames inspected, no errors
# and the bad inputs: the arm64 package started on x86-64 and the linux-x64 package started on aarch64
# (the launcher refuses with a sentence, not a loader error), and an archive whose SHA256SUMS lists a
# file that is missing (named in the message).
#
#   tools/scripts/check-arm64.sh [--short] [--no-build] [--keep <dir>]
#     --short     CI's form: 10 labelled images per class instead of 30 (the quality gate needs 10 validation samples), one infer, a 60 s run (the first frame alone takes 2–15 s under emulation) (≈ 5 min)
#     --no-build  use artifacts/packages as they are (the Cake target check-arm64 builds first)
#     --keep DIR  leave the unpacked package, the images and the device state in DIR (docs/benchmarks.md
#                 uses the stored arm64 features for the INT8 numerics)
# Timings under emulation mean nothing (≈ 1–2 s per frame); exit codes and outputs are what is checked.
# Installs qemu-user-static and the arm64 C/C++/OpenSSL libraries with apt when it can; otherwise it skips
# with the reason and exit code 0 (the check needs them, the SDK does not).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)

short=0 build=1 keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --short) short=1 ;;
    --no-build) build=0 ;;
    --keep) keep="$2"; shift ;;
    *) echo "check-arm64: unknown option $1 (use --short, --no-build, --keep <dir>)" >&2; exit 2 ;;
  esac
  shift
done
per_class=$([ "$short" = 1 ] && echo 10 || echo 30)
run_seconds=$([ "$short" = 1 ] && echo 60 || echo 120)

skip() { echo "check-arm64: SKIPPED — $*"; exit 0; }
fail() { echo "check-arm64: FAILED — $*" >&2; exit 1; }
step() { echo "── $*"; }

# ── 1. An arm64 user space: qemu-aarch64-static plus the arm64 libraries the .NET runtime loads ─────────
. tools/scripts/lib/arm64-user-space.sh
arm64_user_space

# ── 2. The packages ──────────────────────────────────────────────────────────────────────────────────
packages="$repo/artifacts/packages"
if [ "$build" = 1 ]; then
  profiles=raspberry-pi-5
  [ -f "$packages/edgetransfer-linux-x64.tar.gz" ] || profiles="$profiles,linux-x64"
  dotnet tool restore >/dev/null
  dotnet cake --target=package --profiles="$profiles"
fi
archive="$packages/edgetransfer-raspberry-pi-5.tar.gz"
[ -f "$archive" ] || fail "$archive is missing; build it with: dotnet cake --target=package --profiles=raspberry-pi-5"
cli="$repo/tools/EdgeTransfer.Cli/bin/Release/net10.0/edgetransfer.dll"
[ -f "$cli" ] || fail "$cli is missing; the package task builds it (dotnet cake --target=package)"

if [ -n "$keep" ]; then work=$(mkdir -p "$keep" && cd "$keep" && pwd); rm -rf "${work:?}"/*; else work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; fi
pkg="$work/pkg"; mkdir -p "$pkg"

# Every file SHA256SUMS lists must be there and match; a missing one is named (sha256sum alone says
# "FAILED open or read" among the OKs).
verify_sums() {
  local dir=$1 listed absent=()
  while read -r _ listed; do [ -e "$dir/$listed" ] || absent+=("$listed"); done < "$dir/SHA256SUMS"
  if [ ${#absent[@]} -gt 0 ]; then
    echo "package $(basename "$dir"): SHA256SUMS lists ${#absent[@]} file(s) the package does not hold: ${absent[*]}; the archive is incomplete — copy it again or rebuild it" >&2
    return 1
  fi
  (cd "$dir" && sha256sum -c --quiet SHA256SUMS) || { echo "package $(basename "$dir"): a file does not match SHA256SUMS (listed above)" >&2; return 1; }
}

step "archive: $(basename "$archive") $(du -h "$archive" | cut -f1) compressed"
(cd "$packages" && sha256sum -c --quiet "$(basename "$archive").sha256") || fail "$archive does not match its .sha256"
tar -xzf "$archive" -C "$pkg"
verify_sums "$pkg" || fail "the unpacked raspberry-pi-5 package does not verify"
echo "SHA256SUMS: every file verifies ($(wc -l < "$pkg/SHA256SUMS") files, $(du -sh "$pkg" | cut -f1) unpacked)"

# ── 3. Bad inputs (seconds, no emulation) ────────────────────────────────────────────────────────────
step "bad input: a SHA256SUMS that lists a missing file"
broken="$work/broken-package"; cp -a "$pkg" "$broken"; rm "$broken/bundle/manifest.json"
if out=$(verify_sums "$broken" 2>&1); then fail "a package without bundle/manifest.json verified"; fi
grep -q "does not hold: bundle/manifest.json" <<<"$out" || fail "the missing file is not named: $out"
echo "  refused: $out"; rm -rf "$broken"

expect_refusal() {  # <what> <launcher> <expected sentence> [PATH prefix with a stub uname]
  local what=$1 launcher=$2 expected=$3 stub=${4:-} out code=0
  out=$(PATH="${stub:+$stub:}$PATH" "$launcher" status 2>&1) || code=$?
  [ "$code" = 126 ] || fail "$what: exit $code, expected 126 (refused); output: $out"
  grep -q "$expected" <<<"$out" || fail "$what: the refusal does not say '$expected': $out"
  echo "  refused (exit 126): $out"
}
if [ "$machine" = x86_64 ]; then
  step "bad input: the linux-arm64 package started on this x86-64 machine"
  expect_refusal "arm64 package on x86-64" "$pkg/edgetransfer-device" "built for linux-arm64 (aarch64), but this machine is x86_64"
fi
x64_archive="$packages/edgetransfer-linux-x64.tar.gz"
if [ -f "$x64_archive" ]; then
  step "bad input: the linux-x64 package started on an aarch64 machine (uname reports aarch64)"
  x64="$work/x64"; mkdir -p "$x64" "$work/stub"
  tar -xzf "$x64_archive" -C "$x64" edgetransfer-device edgetransfer-device.bin
  printf '#!/bin/sh\necho aarch64\n' > "$work/stub/uname"; chmod +x "$work/stub/uname"
  expect_refusal "x64 package on aarch64" "$x64/edgetransfer-device" "built for linux-x64 (x86_64), but this machine is aarch64" "$work/stub"
  rm -rf "$x64" "$work/stub"
else
  echo "  (no linux-x64 package in $packages: the reverse case is not checked)"
fi

# ── 4. The device program under emulation ────────────────────────────────────────────────────────────
device() { "${emulator[@]}" "$pkg/edgetransfer-device.bin" "$@"; }
. tools/scripts/lib/expect.sh

# The profile's device.json, with its state in the unpacked folder as check-package.sh does.
sed -i 's#"path": "/var/lib/edgetransfer"#"path": "state"#' "$pkg/device.json"
step "status (raspberry-pi-5 device.json)"
expect status "bundle .* verified, backbone backbone-int8, execution provider cpu" -- device status --config "$pkg/device.json"

step "images: edgetransfer synth, $per_class train and 5 test images per class"
dotnet "$cli" synth --out "$work/images" --classes good,scratch,dent,stain --per-class "$per_class" --test-per-class 5 >/dev/null
# Same device, a line that replays the labelled images (collect) or makes synthetic parts (run).
line_config "$work/replay.json" "$pkg/bundle" "$work/state" "{ \"kind\": \"folder\", \"folder\": { \"path\": \"$work/images/train\", \"loop\": false } }"
line_config "$work/synthetic.json" "$pkg/bundle" "$work/state" '{ "kind": "synthetic", "synthetic": { "seed": 7, "rate": 50 } }'

step "infer on images"
tests=("$work"/images/test/good/*.png)
infer_images=("${tests[0]}")
if [ "$short" = 0 ]; then scratches=("$work"/images/test/scratch/*.png); infer_images+=("${scratches[-1]}"); fi
for image in "${infer_images[@]}"; do
  expect "infer $(basename "$(dirname "$image")")/$(basename "$image")" "^verdict +(good|defect|uncertain): [a-z]+ \([0-9.]+ %\), head v0001" -- device infer "$image" --config "$work/replay.json"
done

step "collect + train + promotion"
count=$((per_class * 4))
expect "collect $count labelled images" "collected +$count samples" -- device collect --label auto --count "$count" --timeout 3600 --config "$work/replay.json"
expect train "^result +Promoted" -- device train --config "$work/replay.json"
promoted=$(grep -Eo "^head +v[0-9]+" <<<"$last_output" | awk '{print $2}')
expect "status shows $promoted in service" "^head +$promoted \(trained" -- device status --config "$work/replay.json"
expect "infer with $promoted" "^verdict .*head $promoted" -- device infer "${tests[0]}" --config "$work/replay.json"

step "run on the synthetic line (${run_seconds} s)"
expect run "^stopped +[1-9][0-9]* frames, [0-9]+ rejects, 0 errors" -- device run --config "$work/synthetic.json" --seconds "$run_seconds" --print-every 5

echo "check-arm64: PASSED — status, infer, collect + train + promotion, run on the linux-arm64 package ($([ ${#emulator[@]} -gt 0 ] && echo "under qemu-aarch64-static, cortex-a76" || echo native))"
