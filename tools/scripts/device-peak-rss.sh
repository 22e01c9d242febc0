#!/usr/bin/env bash
# Peak RSS of edgetransfer-device while it inspects AND trains with the INT8 ResNet18 (issue 4's memory
# target), measured with /usr/bin/time -v as the issue asks. Loopback only; everything in a temp folder.
#   tools/scripts/device-peak-rss.sh [package dir]   (builds first; about 60 s)
# Without an argument it runs the framework-dependent build (dotnet edgetransfer-device.dll); with the folder
# of an unpacked linux-x64 package it runs that package's self-contained (and trimmed) edgetransfer-device.
set -euo pipefail
cd "$(dirname "$0")/../.."
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
cat > "$work/device.json" <<JSON
{
  "device": { "id": "rss-01", "fleet": "lab" },
  "bundle": { "path": "bundle" },
  "executionProvider": { "kind": "cpu", "intraOpThreads": 2 },
  "source": { "kind": "synthetic", "synthetic": { "seed": 3, "rate": 100 } },
  "trigger": { "kind": "free-running", "freeRunning": { "fps": 100 } },
  "training": { "epochs": 60, "learningRate": 0.01 },
  "store": { "path": "state" },
  "mqtt": { "host": "127.0.0.1", "port": $port, "telemetryIntervalSeconds": 2 }
}
JSON
$E broker --port "$port" >/dev/null 2>&1 &
sleep 2
/usr/bin/time -v "${D[@]}" run --config "$work/device.json" --seconds 45 --print-every 100000 > "$work/device.log" 2>&1 &
sleep 8
$E fleet cmd rss-01 collect --broker "127.0.0.1:$port" --fleet lab --arg action=start --arg label=auto --arg maxSamples=400 | tail -1
sleep 15
$E fleet cmd rss-01 train --broker "127.0.0.1:$port" --fleet lab --arg epochs=60 | tail -1
wait %2 || true
grep -E "stopped|Maximum resident" "$work/device.log"
