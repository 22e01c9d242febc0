#!/usr/bin/env bash
# Issue 12's before/after: the same device run on two source trees (for example a worktree of an older commit and
# main), one after the other, with the same steps on both: an INT8 bundle without patch outputs (older trees had none),
# `run --seconds 45`, a fixed 12 s wait (older devices logged nothing to wait for), an MQTT `collect` of 400 samples,
# 15 s later a `train` of 60 epochs. Prints each run's peak RSS (/usr/bin/time -v), backbone latency and, where the
# tree's device prints them, its memory lines; plus RSS once a second and the resident memory by mapping at t = 25 s
# (before the training command) and t = 40 s (after it), so a difference can be told apart into steady and training.
#   git worktree add /tmp/before <commit>
#   tools/scripts/device-peak-rss-before-after.sh /tmp/before .      (builds both; about 90 s per tree)
# An argument may also be an unpacked linux-x64 package (a folder holding edgetransfer-device.bin): its program runs
# through its launcher, as shipped (Native AOT or JIT'd), with this tree's CLI preparing the bundle and sending the
# commands — so the shipped program can be set beside an older tree's in one session:
#   tools/scripts/device-peak-rss-before-after.sh /tmp/before <unpacked package>
# Environment: DOTNET_* and MALLOC_* settings (e.g. DOTNET_TieredPGO=0 DOTNET_GCgen0size=0x400000) reach both devices
# alike; the package launcher sets DOTNET_GCgen0size=0x400000, MALLOC_ARENA_MAX=2, MALLOC_MMAP_THRESHOLD_=131072 and
# MALLOC_TRIM_THRESHOLD_=131072, so export those to measure a device as it is shipped (this script runs the
# framework-dependent build, not the launcher).
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 <tree> [<tree> ...]" >&2; exit 2; }

here=$(cd "$(dirname "$0")/../.." && pwd)

run_tree() {
  local tree E D work port extra pid program
  tree=$(cd "$1" && pwd)
  if [ -f "$tree/edgetransfer-device.bin" ]; then
    echo "== package $tree ($([ -n "$(compgen -G "$tree/*.dll")" ] && echo "JIT'd" || echo "Native AOT") program, through its launcher)"
    dotnet build "$here/tools/EdgeTransfer.Cli" -c Release -v q >/dev/null
    E="dotnet $here/tools/EdgeTransfer.Cli/bin/Release/net10.0/edgetransfer.dll"
    D=("$tree/edgetransfer-device")
    program="^$tree/edgetransfer-device.bin run"
  else
    echo "== $tree ($(git -C "$tree" log --oneline -1 2>/dev/null || echo "not a git tree"))"
    dotnet build "$tree/tools/EdgeTransfer.Cli" -c Release -v q >/dev/null
    dotnet build "$tree/src/EdgeTransfer.Device" -c Release -v q >/dev/null
    E="dotnet $tree/tools/EdgeTransfer.Cli/bin/Release/net10.0/edgetransfer.dll"
    D=(dotnet "$tree/src/EdgeTransfer.Device/bin/Release/net10.0/edgetransfer-device.dll")
    program="^dotnet ${D[1]} run"
  fi
  work=$(mktemp -d); port=$((20000 + RANDOM % 20000))
  extra=""; $E prepare --help 2>&1 | grep -q -- "--patch-layers" && extra="--patch-layers none"
  $E prepare --classes good,scratch,dent,stain --quantize int8 --no-float $extra --out "$work/bundle" >/dev/null
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
  local broker=$!
  sleep 2
  (cd "$work" && /usr/bin/time -v "${D[@]}" run --config device.json --seconds 45 --print-every 100000 > device.log 2>&1) &
  local device=$!
  sleep 1
  pid=$(pgrep -f "$program" | head -1)
  # Resident memory once a second, and by mapping (anonymous, [heap], the JIT's double mapping, each library) at 25 s and 40 s.
  (
    local t=1
    while kill -0 "$pid" 2>/dev/null; do
      printf 't=%s %s kB  ' "$t" "$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status" 2>/dev/null)"
      if [ "$t" = 25 ] || [ "$t" = 40 ]; then
        echo; echo "by mapping at t=$t (kB): $(awk '/^[0-9a-f]+-[0-9a-f]+ / { n = $6; if (n == "") n = "anon"; else if (n !~ /^\[/) { k = split(n, a, "/"); n = a[k] } }
          /^Rss:/ { r[n] += $2 } END { for (k in r) if (r[k] >= 1500) printf "%s=%d ", k, r[k] }' "/proc/$pid/smaps" 2>/dev/null)"
      fi
      sleep 1; t=$((t + 1))
    done
  ) > "$work/trace" &
  sleep 11
  $E fleet cmd rss-01 collect --broker "127.0.0.1:$port" --fleet lab --arg action=start --arg label=auto --arg maxSamples=400 | tail -1
  sleep 15
  $E fleet cmd rss-01 train --broker "127.0.0.1:$port" --fleet lab --arg epochs=60 | tail -1
  wait "$device" || true
  kill "$broker" 2>/dev/null || true
  echo "load $(cut -d' ' -f1 /proc/loadavg)"
  cat "$work/trace"; echo
  grep -E "stopped|^memory|latency    backbone|Maximum resident" "$work/device.log" || true
  rm -rf "$work"
}

for tree in "$@"; do run_tree "$tree"; done
