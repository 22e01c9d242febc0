#!/usr/bin/env bash
# The Native AOT device program (what `dotnet cake --target=package` builds wherever clang is present; build/aot.cake)
# checked end to end: the linux-x64 package compiled ahead of time (built with --aot=true unless the one in
# artifacts/packages already is), the unpacked package verifies and holds no managed assembly, and through its launcher:
#   status, infer                 the bundle verifies; verdicts on synthetic part images (PNG)
#   collect + train               labelled images stored, a head trained and promoted, status and infer show it
#   fit, fit --defects --json     anomaly models fitted from good images (and scored on defects), promoted
#   rollback --anomaly            the previous anomaly model back in service
#   run                           inspection mode "both" on the synthetic line: frames inspected, no errors
#   run under systemd's protocol  with an MQTT broker (the CLI's embedded one) and NOTIFY_SOCKET/WATCHDOG_USEC as
#                                 systemd sets them: READY=1 and WATCHDOG=1 arrive, `collect` and `train` sent over
#                                 MQTT are answered, the head is trained and promoted, the log names the native program
#   tools/scripts/check-aot.sh [--no-build]      (≈ 5 min with the build; --no-build: artifacts/packages as they are)
# Skips with the reason and exit code 0 on a machine that is not x86-64 or has no clang.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=1
[ "${1:-}" = --no-build ] && build=0

fail() { echo "check-aot: FAILED — $*" >&2; exit 1; }
step() { echo "── $*"; }
. tools/scripts/lib/expect.sh
. tools/scripts/lib/arm64-user-space.sh   # line_config

[ "$(uname -m)" = x86_64 ] || { echo "check-aot: SKIPPED — it builds the linux-x64 package, and this machine is $(uname -m)"; exit 0; }
archive=artifacts/packages/edgetransfer-linux-x64.tar.gz
# The listing is read whole first: with pipefail, grep -q closing the pipe early would make tar's SIGPIPE the answer.
native_archive() {
  local listing
  [ -f "$archive" ] && listing=$(tar -tzf "$archive") || return 1
  grep -Eq '^(\./)?edgetransfer-device\.bin$' <<<"$listing" && ! grep -q '\.dll$' <<<"$listing"
}
# Reused only when it is native and built from this very tree (its --version carries the commit; no local changes).
built_from_here() {
  local dir version
  dir=$(mktemp -d)
  tar -xzf "$archive" -C "$dir" --wildcards '*edgetransfer-device.bin' 2>/dev/null || { rm -rf "$dir"; return 1; }
  version=$("$dir"/edgetransfer-device.bin --version 2>/dev/null || true)
  rm -rf "$dir"
  [[ "$version" == *"+$(git rev-parse HEAD 2>/dev/null)"* ]] && git diff --quiet HEAD 2>/dev/null
}
if [ "$build" = 1 ] && native_archive && built_from_here; then
  echo "── $archive is already the Native AOT program of this commit (the default package): not rebuilt"
  build=0
fi
if [ "$build" = 1 ]; then
  has_clang() { command -v clang >/dev/null && return 0; local c; for c in $(compgen -c clang-); do [[ $c =~ ^clang-[0-9]+$ ]] && return 0; done; return 1; }
  has_clang || { echo "check-aot: SKIPPED — no clang to link the native program (apt-get install clang)"; exit 0; }
  dotnet tool restore >/dev/null
  dotnet cake --target=package --profiles=linux-x64 --aot=true
fi
cli=tools/EdgeTransfer.Cli/bin/Release/net10.0/edgetransfer.dll
[ -f "$archive" ] && [ -f "$cli" ] || fail "$archive or $cli is missing; build with: dotnet cake --target=package --profiles=linux-x64 --aot=true"

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
pkg="$work/pkg"; mkdir -p "$pkg"
tar -xzf "$archive" -C "$pkg"
(cd "$pkg" && sha256sum -c --quiet SHA256SUMS) || fail "the unpacked package does not match its SHA256SUMS"
if compgen -G "$pkg/*.dll" >/dev/null; then fail "the package holds managed assemblies: it is the JIT'd program (build it with --aot=true)"; fi
[ -f "$pkg/cpu-flags" ] || fail "the native linux-x64 package has no cpu-flags file (the launcher's check of the instruction set it is compiled for)"
step "package: $(du -h "$archive" | cut -f1) compressed, native program $(du -h "$pkg/edgetransfer-device.bin" | cut -f1), for CPUs with: $(cat "$pkg/cpu-flags")"
device() { "$pkg/edgetransfer-device" "$@"; }

step "images: edgetransfer synth, 12 train and 3 test images per class"
dotnet "$cli" synth --out "$work/images" --classes good,scratch,dent,stain --per-class 12 --test-per-class 3 >/dev/null
line_config "$work/replay.json" "$pkg/bundle" "$work/state" "{ \"kind\": \"folder\", \"folder\": { \"path\": \"$work/images/train\", \"loop\": false } }"
line_config "$work/synthetic.json" "$pkg/bundle" "$work/state" '{ "kind": "synthetic", "synthetic": { "seed": 7, "rate": 50 } }'
sed -i 's#"goodClass": "good"#"goodClass": "good", "mode": "both"#' "$work/synthetic.json"
test_image=$(ls "$work"/images/test/good/*.png | head -1)

step "status, infer"
expect status "bundle .* verified" -- device status --config "$work/replay.json"
expect infer "^verdict +(good|defect|uncertain): [a-z]+ \([0-9.]+ %\), head v0001" -- device infer "$test_image" --config "$work/replay.json"

step "collect + train + promotion"
expect "collect 48 labelled images" "collected +48 samples" -- device collect --label auto --count 48 --timeout 600 --config "$work/replay.json"
expect train "^result +Promoted" -- device train --config "$work/replay.json"
promoted=$(grep -Eo "^head +v[0-9]+" <<<"$last_output" | awk '{print $2}')
expect "status shows $promoted in service" "^head +$promoted \(trained" -- device status --config "$work/replay.json"
expect "infer with $promoted" "^verdict .*head $promoted" -- device infer "$test_image" --config "$work/replay.json"

step "anomaly fit, fit with defects, rollback"
expect fit "^result +Promoted: a0001 in service" -- device fit --data "$work/images/train/good" --config "$work/replay.json"
expect "fit --defects --json" '"result":"(promoted|kept)".*"imageAuroc":[0-9.]+' -- device fit --data "$work/images/train/good" --defects "$work/images/train/scratch" --json --config "$work/replay.json"
expect "rollback --anomaly" "^rollback +a0002 → a0003" -- device rollback --anomaly --config "$work/replay.json"

step "run in inspection mode both on the synthetic line (20 s)"
expect run "^stopped +[1-9][0-9]* frames, [0-9]+ rejects, 0 errors" -- device run --config "$work/synthetic.json" --seconds 20 --print-every 100000
grep -E "^memory +peak RSS" <<<"$last_output" || true

step "run as a systemd service would (NOTIFY_SOCKET, WATCHDOG_USEC) with MQTT collect + train from the fleet side"
command -v python3 >/dev/null || fail "python3 is needed to stand in for systemd's notify socket"
port=$((20000 + RANDOM % 20000))
sed "s#\"store\": { \"path\": \"$work/state\" }#\"store\": { \"path\": \"$work/state\" }, \"mqtt\": { \"host\": \"127.0.0.1\", \"port\": $port }#" "$work/synthetic.json" > "$work/mqtt.json"
grep -q '"mqtt"' "$work/mqtt.json" || fail "could not add the mqtt section to the device.json of the check"
python3 - "$work/notify.sock" "$work/notify.log" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as log:
    while True:
        log.write(s.recv(4096).decode() + "\n")
PY
listener=$!
dotnet "$cli" broker --port "$port" >"$work/broker.log" 2>&1 &
broker=$!
trap 'kill $listener $broker 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 50); do [ -S "$work/notify.sock" ] && break; sleep 0.1; done
# Microsoft.Extensions.Hosting.Systemd talks to systemd only when the parent process is named systemd (or it is PID 1),
# so a script of that name starts the program (and waits: not exec) the way systemd would.
printf '#!/bin/sh\n"$@"\nexit $?\n' > "$work/systemd"; chmod +x "$work/systemd"
NOTIFY_SOCKET="$work/notify.sock" WATCHDOG_USEC=2000000 "$work/systemd" "$pkg/edgetransfer-device" run --config "$work/mqtt.json" --seconds 60 --print-every 100000 >"$work/service.log" 2>&1 &
service=$!
for _ in $(seq 120); do grep -q "Connected to MQTT broker" "$work/service.log" && break; sleep 0.5; done
grep -q "Connected to MQTT broker" "$work/service.log" || { cat "$work/service.log"; fail "the native program did not connect to the broker on port $port"; }
fleet() { dotnet "$cli" fleet cmd arm64-check "$@" --broker "127.0.0.1:$port" --fleet ci; }
expect "collect over MQTT" "ok|started|accepted" -- fleet collect --arg action=start --arg label=auto --arg maxSamples=48
sleep 8
expect "train over MQTT" "ok|Promoted|promoted|Kept|kept" -- fleet train --arg epochs=30
wait "$service" || { cat "$work/service.log"; fail "the native program's run exited with an error"; }
grep -q "^READY=1" "$work/notify.log" || fail "systemd never heard READY=1 (notify log: $(tr '\n' ' ' < "$work/notify.log"))"
grep -q "^WATCHDOG=1" "$work/notify.log" || fail "the watchdog was never fed (notify log: $(tr '\n' ' ' < "$work/notify.log"))"
grep -q "Starting edgetransfer-device .*, Native AOT, linux-x64" "$work/service.log" || fail "the log does not name the Native AOT program"
grep -Eq "Training run .*(Promoted|Kept)" "$work/service.log" || { grep -i "train" "$work/service.log" | tail -5; fail "the MQTT train command did not finish a training run"; }
echo "  │ notify     $(sort "$work/notify.log" | uniq -c | sed -E 's/^ +//' | tr '\n' ' ')"
grep -E "Training run|^stopped" "$work/service.log" | sed 's/^/  │ /' | cut -c1-160

echo "check-aot: PASSED — status, infer, collect + train + promotion, anomaly fit and rollback, run in mode both, systemd notify + watchdog and MQTT collect + train on the Native AOT linux-x64 package"
