#!/usr/bin/env bash
# The SDK as a user gets it: packs the libraries and the edgetransfer tool into the local feed (artifacts/nuget),
# installs the tool from it, builds samples/EmbeddedInspection from the packages (not the projects) and runs it on
# the bundle of check-package.sh (made here when missing): one output line per image; a bundle that fails
# verification ends the sample with exit code 1 and one clear message, no stack trace.
#   tools/scripts/check-sample.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
# A version of its own: the NuGet cache never hands out an older pack under the same number.
suffix="check.$(date +%s)"
dotnet tool restore >/dev/null
dotnet cake --target=pack --version-suffix="$suffix"
version=$(ls artifacts/nuget/EdgeTransfer.Hosting.*.nupkg | grep -v snupkg | sed -E 's#.*/EdgeTransfer\.Hosting\.(.*)\.nupkg#\1#')
echo "packed $version:"; ls artifacts/nuget

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail() { echo "check-sample: $*" >&2; exit 1; }

# The tool, installed from the feed into a folder of its own.
dotnet tool install --tool-path "$work/tool" --add-source artifacts/nuget EdgeTransfer.Cli --version "$version"
"$work/tool/edgetransfer" --help | grep -q "prepare" || fail "the installed edgetransfer tool does not list prepare"
echo "tool: edgetransfer installed from the feed and runs"

# A bundle (check-package.sh's, or a new one) and twelve images of its four classes.
[ -f artifacts/bundle/manifest.json ] || dotnet cake --target=bundle
"$work/tool/edgetransfer" synth --out "$work/images" --classes good,scratch,dent,stain --per-class 3 >/dev/null

dotnet build samples/EmbeddedInspection -c Release -p:EdgeTransferVersion="$version" --nologo -v q
# Run from the work folder: the sample keeps its state in ./state.
sample() { (cd "$work" && timeout 300 dotnet "$repo/samples/EmbeddedInspection/bin/Release/net10.0/EmbeddedInspection.dll" "$@"); }

# 1. The bundle inspects the folder: one "frame;reject;class" line per image.
sample "$repo/artifacts/bundle" "$work/images" "$work/plc.txt" >"$work/good.log" 2>&1 || { cat "$work/good.log"; fail "the sample failed on a good bundle"; }
lines=$(wc -l <"$work/plc.txt")
[ "$lines" -eq 12 ] || { cat "$work/good.log"; fail "expected 12 output lines, got $lines"; }
grep -Evq '^[0-9]+;[01];(good|scratch|dent|stain)$' "$work/plc.txt" && fail "unexpected output line: $(grep -Ev '^[0-9]+;[01];' "$work/plc.txt" | head -1)"
echo "sample: $lines verdicts written, e.g. $(head -1 "$work/plc.txt")"

# 2. A bundle with one byte changed: exit code 1, one line naming the file and the check, no stack trace.
cp -r artifacts/bundle "$work/tampered"
backbone=$(find "$work/tampered" -name '*.onnx' -printf '%s %p\n' | sort -rn | head -1 | cut -d' ' -f2-)
offset=$(( $(stat -c %s "$backbone") / 2 ))
byte=$(od -An -tu1 -j "$offset" -N1 "$backbone" | tr -d ' ')
printf "\\x$(printf %02x $(( byte ^ 255 )))" | dd of="$backbone" bs=1 seek="$offset" conv=notrunc status=none
set +e
sample "$work/tampered" "$work/images" "$work/plc-bad.txt" >"$work/bad.log" 2>&1
code=$?
set -e
[ "$code" -eq 1 ] || { cat "$work/bad.log"; fail "expected exit code 1 for a tampered bundle, got $code"; }
grep -q "cannot start" "$work/bad.log" || { cat "$work/bad.log"; fail "no 'cannot start' message for a tampered bundle"; }
grep -q "sha256" "$work/bad.log" || { cat "$work/bad.log"; fail "the message does not name the failed check"; }
grep -Eq '^\s+at ' "$work/bad.log" && { cat "$work/bad.log"; fail "a stack trace reached the user"; }
echo "sample: tampered bundle refused: $(grep -A1 'cannot start' "$work/bad.log" | tr -s ' ' | tr '\n' ' ' | cut -c1-200)"
echo "check-sample: passed"
