#!/usr/bin/env bash
# Start-up time of edgetransfer-device to its first verdict (issue 14's target: ≤ 2 s on 2 cores, x64): from
# the moment the process is started to the first `frame …` line of `run` on the synthetic line (bundle verified
# with sha256, ONNX Runtime sessions made, first frame inspected). Five starts; prints each and the median.
#   tools/scripts/device-first-verdict.sh <unpacked linux-x64 package> [runs]
set -euo pipefail
pkg=$(cd "${1:?give the folder of an unpacked linux-x64 package}" && pwd); runs=${2:-5}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cat > "$work/device.json" <<JSON
{
  "device": { "id": "start-01", "fleet": "lab" },
  "bundle": { "path": "$pkg/bundle" },
  "executionProvider": { "kind": "cpu", "intraOpThreads": 2 },
  "source": { "kind": "synthetic", "synthetic": { "seed": 3, "rate": 100 } },
  "trigger": { "kind": "free-running" },
  "reject": { "kind": "none" },
  "store": { "path": "state" }
}
JSON
times=()
for i in $(seq "$runs"); do
  start=$(date +%s%N)
  first=""
  while IFS= read -r line; do
    if [[ $line == frame* ]]; then first=$(date +%s%N); break; fi
  done < <("$pkg/edgetransfer-device" run --config "$work/device.json" --seconds 6 --print-every 1 --no-mqtt 2>&1)
  [ -n "$first" ] || { echo "run $i: no verdict within 6 s" >&2; exit 1; }
  ms=$(( (first - start) / 1000000 )); times+=("$ms"); echo "start $i: first verdict after $ms ms"
  wait || true
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
echo "median start to first verdict: $median ms over $runs starts (load $(cut -d' ' -f1 /proc/loadavg))"
