#!/usr/bin/env bash
# RSS of edgetransfer-device (Release, INT8 bundle, synthetic line, embedded broker) before and after a flood of
# concurrent deploy-chunk commands (issue 11 defect 6): first 40 at once of the largest legal size (1 MiB chunks of
# a real deployment plan), then 40 at once of 15 MB that the device's announced Maximum Packet Size must keep out.
# Prints VmRSS/VmHWM from /proc at each step and the replies the device sent; compare with the unit's MemoryMax=400M.
#   tools/scripts/device-flood-rss.sh [--no-build]      (needs mosquitto_pub/mosquitto_sub: apt install mosquitto-clients)
set -euo pipefail
cd "$(dirname "$0")/../.."
for tool in mosquitto_pub mosquitto_sub jq; do
  command -v $tool >/dev/null || { echo "error: $tool is missing (apt install mosquitto-clients jq); nothing was measured." >&2; exit 2; }
done
if [ "${1:-}" != --no-build ]; then
  dotnet build tools/EdgeTransfer.Cli -c Release -v q >/dev/null
  dotnet build src/EdgeTransfer.Device -c Release -v q >/dev/null
fi
E="dotnet tools/EdgeTransfer.Cli/bin/Release/net10.0/edgetransfer.dll"
D="src/EdgeTransfer.Device/bin/Release/net10.0/edgetransfer-device.dll"
work=$(mktemp -d); port=$((20000 + RANDOM % 20000)); flood=40
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null; rm -rf "$work"' EXIT
topic="edgetransfer/v1/lab/flood-01"

$E prepare --classes good,scratch,dent,stain --quantize int8 --no-float --out "$work/bundle" >/dev/null
cat > "$work/device.json" <<JSON
{
  "device": { "id": "flood-01", "fleet": "lab" },
  "bundle": { "path": "bundle" },
  "executionProvider": { "kind": "cpu", "intraOpThreads": 2 },
  "source": { "kind": "synthetic", "synthetic": { "seed": 3, "rate": 10 } },
  "trigger": { "kind": "free-running", "freeRunning": { "fps": 10 } },
  "store": { "path": "state" },
  "mqtt": { "host": "127.0.0.1", "port": $port, "telemetryIntervalSeconds": 5 }
}
JSON

# The payloads: a plan for 40 chunks of 1 MiB (the largest chunk size), each chunk's command, and one 15 MB body.
python3 - "$work" "$flood" <<'PY'
import base64, hashlib, json, os, sys
work, n = sys.argv[1], int(sys.argv[2])
size = 1 << 20
chunks = [os.urandom(size) for _ in range(n)]
archive = hashlib.sha256(b"".join(chunks)).hexdigest()
plan = {"schema": "edgetransfer/v1", "deploymentId": "flood-1", "size": size * n, "sha256": archive,
        "chunkSize": size, "chunks": [hashlib.sha256(c).hexdigest() for c in chunks], "bundleId": "flood"}
open(f"{work}/plan.json", "w").write(json.dumps(plan))
for i, c in enumerate(chunks):
    data = base64.urlsafe_b64encode(c).rstrip(b"=").decode()
    open(f"{work}/chunk-{i}.json", "w").write(json.dumps({"schema": "edgetransfer/v1", "deploymentId": "flood-1", "index": i, "data": data}))
big = "A" * (15 * 1000 * 1000)
open(f"{work}/oversize.json", "w").write(json.dumps({"schema": "edgetransfer/v1", "deploymentId": "flood-1", "index": 0, "data": big}))
PY

$E broker --port "$port" >/dev/null 2>&1 &
sleep 2
dotnet "$D" run --config "$work/device.json" --print-every 1000000 > "$work/device.log" 2>&1 &
device=$!
mosquitto_sub -i flood-sub -V 5 -p "$port" -t "$topic/reply/#" -F '%t %p' > "$work/replies.txt" 2>/dev/null &
for _ in $(seq 60); do
  $E fleet cmd flood-01 status --broker "127.0.0.1:$port" --fleet lab --timeout 2 >/dev/null 2>&1 && break
  sleep 1
done
# The device's process: dotnet runs edgetransfer-device.dll in the same process it was started as.
rss() { awk '/^VmRSS|^VmHWM/ {printf "%s %.0f MB  ", $1, $2 / 1024}' "/proc/$device/status"; }
send() { # send <command> <body file> <n>; a client id of its own each (the embedded broker refuses an empty one)
  mosquitto_pub -i "flood-$3" -V 5 -p "$port" -q 1 -t "$topic/cmd/$1" -f "$2" \
    -D publish response-topic "$topic/reply/$1" -D publish correlation-data "c$3" -D publish content-type application/json \
    2>> "$work/pub-errors.txt" || echo "publish $3 failed" >> "$work/pub-errors.txt"
}
replies() { echo "$(wc -l < "$work/replies.txt") replies:$(grep -o '"code":"[a-z_]*"\|"ok":true' "$work/replies.txt" | sort | uniq -c | tr -s ' ' | tr '\n' ','), $(grep -c failed "$work/pub-errors.txt" 2>/dev/null || true) publishes failed"; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
sleep 10
echo "idle (inspecting)                 $(rss)"
send deploy "$work/plan.json" 0
sleep 2
pids=()
for i in $(seq 0 $((flood - 1))); do send deploy-chunk "$work/chunk-$i.json" "$i" & pids+=($!); done
wait "${pids[@]}"
sleep 5
echo "after $flood concurrent 1 MiB chunks   $(rss) $(replies)"
sleep 30
echo "30 s later                        $(rss)"
: > "$work/replies.txt"
pids=()
for i in $(seq 1 "$flood"); do send deploy-chunk "$work/oversize.json" "x$i" & pids+=($!); done
wait "${pids[@]}"
sleep 10
echo "after $flood concurrent 15 MB bodies   $(rss) $(replies)"
sleep 30
echo "30 s later                        $(rss)"
kill -0 "$device" && echo "device still running; its log: $(grep -ci 'error' "$work/device.log") error lines"
