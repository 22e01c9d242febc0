#!/usr/bin/env bash
# Peak RSS of edgetransfer-device while it inspects AND trains with the INT8 ResNet18 (issues 4 and 14), measured
# with /usr/bin/time -v as issue 4 asks, and where those megabytes go. Loopback only; everything in a temp folder.
#   tools/scripts/device-peak-rss.sh [--anomaly] [package dir]   (builds first; about 60 s)
# --anomaly: the device runs with inspection.mode "anomaly" instead (issue 10): a CLI `fit` from 100 good synthetic
# parts first (its own peak is printed), then `run` inspects with that model while the fleet side asks for a second
# fit over MQTT, so the peak covers inspection and a fit in one process.
# Without an argument it runs the framework-dependent build (dotnet edgetransfer-device.dll); with the folder
# of an unpacked linux-x64 package it runs that package's self-contained (and trimmed) edgetransfer-device.
# Environment: extra DOTNET_* variables (e.g. DOTNET_GCgen0size) reach the device, to compare runtime settings.
#
# Besides time's peak it samples /proc/<pid>/status every 0.2 s and keeps /proc/<pid>/smaps at the highest
# RSS seen, then prints that moment split into anonymous memory (the GC heap, malloc: ONNX Runtime's arenas
# and weights, thread stacks) and file-backed mappings (libonnxruntime, coreclr, the assemblies), and the GC's
# own view at the end of the run (the `memory` lines of `run`).
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=classify
if [ "${1:-}" = "--anomaly" ]; then mode=anomaly; shift; fi
dotnet build tools/EdgeTransfer.Cli -c Release -v q >/dev/null
E="dotnet tools/EdgeTransfer.Cli/bin/Release/net10.0/edgetransfer.dll"
if [ -n "${1:-}" ]; then
  D=("$(cd "$1" && pwd)/edgetransfer-device")
else
  dotnet build src/EdgeTransfer.Device -c Release -v q >/dev/null
  D=(dotnet "src/EdgeTransfer.Device/bin/Release/net10.0/edgetransfer-device.dll")
fi
work=$(mktemp -d); port=$((20000 + RANDOM % 20000))
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

$E prepare --classes good,scratch,dent,stain --quantize int8 --no-float --out "$work/bundle" >/dev/null
inspection=""
if [ "$mode" = anomaly ]; then
  $E synth --layout mvtec --train-good 100 --test-good 1 --test-per-defect 1 --out "$work/parts" >/dev/null
  inspection='"inspection": { "mode": "anomaly", "anomaly": { "goodImages": "parts/part" } },'
fi
cat > "$work/device.json" <<JSON
{
  "device": { "id": "rss-01", "fleet": "lab" },
  "bundle": { "path": "bundle" },
  "executionProvider": { "kind": "cpu", "intraOpThreads": 2 },
  "source": { "kind": "synthetic", "synthetic": { "seed": 3, "rate": 100 } },
  "trigger": { "kind": "free-running", "freeRunning": { "fps": 100 } },
  "training": { "epochs": 60, "learningRate": 0.01 },
  $inspection
  "store": { "path": "state" },
  "mqtt": { "host": "127.0.0.1", "port": $port, "telemetryIntervalSeconds": 2 }
}
JSON
if [ "$mode" = anomaly ]; then
  /usr/bin/time -v "${D[@]}" fit --data "$work/parts/part" --config "$work/device.json" > "$work/fit.log" 2>&1
  echo "fit (CLI, 100 good parts): $(grep -m1 -E "^(promoted|kept|result)" "$work/fit.log" || grep -m1 -i "fit" "$work/fit.log")"
  echo "fit (CLI) $(grep "Maximum resident" "$work/fit.log" | sed -E "s/^[[:space:]]*//")"
fi
$E broker --port "$port" >/dev/null 2>&1 &
sleep 2
/usr/bin/time -v "${D[@]}" run --config "$work/device.json" --seconds 60 --print-every 100000 > "$work/device.log" 2>&1 &
timer=$!

# The device process is time's child (dotnet, or the package launcher that execs edgetransfer-device.bin).
pid=""
for _ in $(seq 50); do
  pid=$(cat /proc/$timer/task/*/children 2>/dev/null | tr ' ' '\n' | grep -m1 . || true)
  [ -n "$pid" ] && break
  sleep 0.1
done
sample() {
  local peak=0 rss
  while kill -0 "$pid" 2>/dev/null; do
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
    if [ "${rss:-0}" -gt "$peak" ] && cp "/proc/$pid/smaps" "$work/peak.smaps.tmp" 2>/dev/null; then
      peak=$rss; mv "$work/peak.smaps.tmp" "$work/peak.smaps"; echo "$peak" > "$work/peak.kb"
      grep -E "^(VmRSS|RssAnon|RssFile|RssShmem|Threads):" "/proc/$pid/status" > "$work/peak.status" 2>/dev/null || true
    fi
    sleep 0.2
  done
}
sample &

# Commands go out once the agent is connected (a fixed wait missed it on a loaded machine), then 15 s of collecting.
for _ in $(seq 120); do grep -q "Connected to MQTT broker" "$work/device.log" && break; sleep 0.5; done
if [ "$mode" = anomaly ]; then
  sleep 10
  echo "run, inspecting only (anomaly mode, before the MQTT fit): highest sampled RSS $(cat "$work/peak.kb" 2>/dev/null || echo "?") kB"
  $E fleet cmd rss-01 fit --broker "127.0.0.1:$port" --fleet lab | tail -1
else
  $E fleet cmd rss-01 collect --broker "127.0.0.1:$port" --fleet lab --arg action=start --arg label=auto --arg maxSamples=400 | tail -1
  sleep 15
  $E fleet cmd rss-01 train --broker "127.0.0.1:$port" --fleet lab --arg epochs=60 | tail -1
fi
wait $timer || true
grep -E "stopped|^memory|latency    backbone|Maximum resident|Training run|Anomaly fit" "$work/device.log" | sed -E "s/^.*(Training run [^:]*: [A-Za-z]*).*/\1/"
[ -f "$work/peak.smaps" ] || { echo "no smaps sample of the device process" >&2; exit 1; }

echo "at the highest sampled RSS ($(awk '/^VmRSS:/ { print $2 }' "$work/peak.status") kB, $(awk '/^Threads:/ { print $2 }' "$work/peak.status") threads):"
# smaps: a mapping header line ("start-end perms offset dev inode [path]") is followed by its "Key: value kB" lines.
awk '
  /^[0-9a-f]+-[0-9a-f]+ / {
    name = $6
    # Anonymous mappings cannot be told apart from outside: the GC heap (see the memory line), glibc malloc
    # arenas (ONNX Runtime: weights, prepacked kernels, arenas), JIT code and thread stacks all land here.
    if (name == "") name = "anon: mappings without a name (GC heap, malloc arenas, JIT code, stacks)"
    else if (name ~ /^\[/) name = "anon: " name
    else { n = split(name, p, "/"); name = "file: " p[n] }
    next
  }
  /^Rss:/ { rss[name] += $2; total += $2 }
  /^Anonymous:/ { anon += $2 }
  END {
    printf "  %-72s %9d kB\n", "total RSS", total
    printf "  %-72s %9d kB\n", "of which anonymous (smaps Anonymous)", anon
    printf "  %-72s %9d kB\n", "of which file-backed", total - anon
    n = 0
    for (k in rss) if (rss[k] >= 1024) { keys[++n] = k }
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (rss[keys[j]] > rss[keys[i]]) { t = keys[i]; keys[i] = keys[j]; keys[j] = t }
    for (i = 1; i <= n; i++) printf "    %-70s %9d kB\n", keys[i], rss[keys[i]]
  }' "$work/peak.smaps"
