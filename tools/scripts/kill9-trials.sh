#!/usr/bin/env bash
# kill -9 at random instants of on-device training, promotion, sample collection, anomaly fit and MQTT deployment,
# against real edgetransfer-device processes (Release build, synthetic line, embedded broker). After every kill the
# state directory is opened again (edgetransfer-device status, or a restarted `run` over MQTT) and checked:
#   heads    every head promoted before the kill is still listed, loads, and its file's sha256 is unchanged; the head
#            in service is the one before the kill or the one the killed run promoted (never an older one)
#   samples  the sample count never falls below what was committed before the kill
#   bundles  the bundle in service verifies (sha256 of every file), and the interrupted deployment, run again after
#            the restart, completes
# It prints a tally per phase and exits 1 if anything was lost (2 for a setup failure).
#   tools/scripts/kill9-trials.sh [--trials N] [--seed S] [--short] [--only PHASE] [--no-build] [--keep]
# --only: every trial in one phase (train, promotion, collect, fit, deployment). --short: 10 trials with smaller runs (a minute or two of setup plus about 20 s per trial on 2 cores).
set -uo pipefail
cd "$(dirname "$0")/../.."

trials=100 seed=$RANDOM short=0 build=1 keep=0 trials_given=0 only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --trials) trials="$2"; trials_given=1; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --short) short=1; shift ;;
    --no-build) build=0; shift ;;
    --keep) keep=1; shift ;;
    --only) only="$2"; shift 2 ;;
    -h|--help) sed -n 2,14p "$0"; exit 0 ;;
    *) echo "error: unknown argument '$1' (expected --trials N, --seed S, --short, --only PHASE, --no-build, --keep)" >&2; exit 2 ;;
  esac
done
case "$trials$seed" in *[!0-9]*|'') echo "error: --trials and --seed take whole numbers" >&2; exit 2 ;; esac
case "$only" in ''|train|promotion|collect|fit|deployment) ;; *) echo "error: --only: expected train, promotion, collect, fit or deployment, got '$only'" >&2; exit 2 ;; esac
[ "$short" = 1 ] && [ "$trials_given" = 0 ] && trials=10
# Enough epochs (small batches) and samples per collection that most of a run is the work, not the program's start.
epochs=40; samples=120; collect_count=20; fit_images=12
[ "$short" = 1 ] && { epochs=15; samples=80; collect_count=10; fit_images=8; }

fail() { echo "error: $*" >&2; exit 2; }
if [ "$build" = 1 ]; then
  dotnet build tools/EdgeTransfer.Cli -c Release -v q >/dev/null || fail "the CLI does not build"
  dotnet build src/EdgeTransfer.Device -c Release -v q >/dev/null || fail "edgetransfer-device does not build"
fi
E="dotnet tools/EdgeTransfer.Cli/bin/Release/net10.0/edgetransfer.dll"
D="dotnet src/EdgeTransfer.Device/bin/Release/net10.0/edgetransfer-device.dll"
work=$(mktemp -d); port=$((20000 + RANDOM % 20000))
RANDOM=$seed
device_pid="" broker_pid=""
cleanup() {
  for p in $device_pid $broker_pid; do kill -9 "$p" 2>/dev/null; done
  wait 2>/dev/null
  if [ "$keep" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }
rand_ms() { echo $(((RANDOM * 32768 + RANDOM) % ($1 + 1))); }
sleep_ms() { sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"; }

# ── setup: bundles, images, two device configurations ────────────────────────────────────────────────────────────
echo "kill -9 trials: $trials, seed $seed$([ "$short" = 1 ] && echo ', short'); work in $work"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
$E prepare --classes good,scratch,dent,stain --quantize int8 --no-float --out "$work/bundle-a" >/dev/null || fail "prepare failed"
cp -r "$work/bundle-a" "$work/bundle-b"
# The manifest is not hashed: a second bundle id over the same files, so each deployment replaces the bundle in service.
jq '.bundleId += "-b"' "$work/bundle-a/manifest.json" > "$work/bundle-b/manifest.json"
for x in a b; do $E bundle pack "$work/bundle-$x" "$work/bundle-$x.tar.gz" >/dev/null || fail "pack $x failed"; done
id_a=$(jq -r .bundleId "$work/bundle-a/manifest.json"); id_b=$(jq -r .bundleId "$work/bundle-b/manifest.json")
$E synth --out "$work/images" --classes good --per-class "$fit_images" --size 224 >/dev/null || fail "synth failed"

config() { # config <file> <device id> <state> [mqtt]
  local mqtt=""
  [ "${4:-}" = mqtt ] && mqtt=", \"mqtt\": { \"host\": \"127.0.0.1\", \"port\": $port, \"telemetryIntervalSeconds\": 5 }"
  cat > "$1" <<JSON
{
  "device": { "id": "$2", "fleet": "k9" },
  "bundle": { "path": "bundle-a" },
  "executionProvider": { "kind": "cpu", "intraOpThreads": 1 },
  "source": { "kind": "synthetic", "synthetic": { "seed": 7, "rate": 20 } },
  "trigger": { "kind": "free-running", "freeRunning": { "fps": 20 } },
  "training": { "epochs": $epochs, "batchSize": 8, "learningRate": 0.01, "earlyStoppingPatience": 0, "keepHeads": 1000,
                "minValidationSamples": 4, "minValidationSamplesPerClass": 1 },
  "store": { "path": "$3" }$mqtt
}
JSON
}
config "$work/learn.json" k9-learn state-learn
config "$work/deploy.json" k9-deploy state-deploy mqtt
sed -i 's/"rate": 20 }/"rate": 4 }/; s/"fps": 20 }/"fps": 4 }/' "$work/deploy.json"

# ── inspection of the learning state: what `status` (a fresh open of the state directory) reports ───────────────
inspect() { # sets CUR HEADS SAMPLES ANOMALY REPAIRS; returns 1 when the device cannot open its state
  local out
  out=$($D status --config "$work/learn.json" 2>&1) || { echo "$out" > "$work/status-failed.txt"; return 1; }
  CUR=$(awk '$1 == "head" {print $2}' <<<"$out")
  HEADS=$(awk '$1 == "heads" {$1 = ""; gsub(",", ""); print}' <<<"$out")
  SAMPLES=$(awk '$1 == "samples" {print $2}' <<<"$out")
  ANOMALY=$(awk '$1 == "anomaly" {print $2}' <<<"$out")
  REPAIRS=$(grep -c '^repaired' <<<"$out" || true)
  return 0
}
snapshot() { # the committed state before a kill: head files' sha256, the head in service, samples, anomaly model
  B_CUR=$CUR B_HEADS=$HEADS B_SAMPLES=$SAMPLES B_ANOMALY=$ANOMALY
  # Every head (keepHeads 1000: none is pruned) and the anomaly model in service; older anomaly models may go by
  # the registry's retention (it keeps 5), which is not a loss.
  (cd "$work/state-learn" && sha256sum heads/*.etck "anomaly/$B_ANOMALY.etam" 2>/dev/null) > "$work/committed.sha256"
}
# Lost heads: a committed head missing or changed, or an older head than the committed one in service.
lost_heads() {
  local lost=0 h
  for h in $B_HEADS; do [[ " $HEADS " == *" $h "* ]] || lost=$((lost + 1)); done
  (cd "$work/state-learn" && sha256sum --quiet -c "$work/committed.sha256" >/dev/null 2>&1) || lost=$((lost + 1))
  if [ "$CUR" != "$B_CUR" ] && [[ " $B_HEADS " == *" $CUR "* ]]; then lost=$((lost + 1)); fi
  if [[ "$B_ANOMALY" == a[0-9]* ]] && { [[ "$ANOMALY" != a[0-9]* ]] || [ "${ANOMALY#a}" -lt "${B_ANOMALY#a}" ]; }; then lost=$((lost + 1)); fi
  echo $lost
}

# ── calibration: one whole run of each learning phase, timed (their kill windows) ───────────────────────────────
run_timed() { # run_timed <log> <args…>: runs to the end, echoes milliseconds
  local t0; t0=$(now_ms)
  $D "${@:2}" > "$1" 2>&1 || { cat "$1" >&2; fail "calibration run '${*:2}' failed"; }
  echo $(($(now_ms) - t0))
}
t_collect0=$(run_timed "$work/cal-collect.log" collect --config "$work/learn.json" --label auto --count "$samples" --timeout 600)
t_collect=$(run_timed "$work/cal-collect.log" collect --config "$work/learn.json" --label auto --count "$collect_count" --timeout 600)
last_epoch_or_exit() { while kill -0 "$1" 2>/dev/null && ! grep -qE "epoch +$epochs/$epochs" "$2" 2>/dev/null; do sleep 0.02; done; }
t0=$(now_ms)
$D train --config "$work/learn.json" > "$work/cal-train.log" 2>&1 &
pid=$!
last_epoch_or_exit $pid "$work/cal-train.log"
t_last=$(now_ms)
wait $pid || { cat "$work/cal-train.log" >&2; fail "calibration training failed"; }
t_train=$(($(now_ms) - t0)) t_gate=$(($(now_ms) - t_last))
t_fit=$(run_timed "$work/cal-fit.log" fit --config "$work/learn.json" --data "$work/images/good")
grep -q "^result" "$work/cal-train.log" || fail "calibration training printed no result"
inspect || fail "status failed after calibration: $(cat "$work/status-failed.txt")"
echo "calibration: collect $samples in ${t_collect0} ms, collect $collect_count in ${t_collect} ms, train ${t_train} ms (${t_gate} ms after its last epoch), fit ${t_fit} ms; head $CUR, $SAMPLES samples, anomaly $ANOMALY"

# ── the deployment device: embedded broker, `run` over MQTT ─────────────────────────────────────────────────────
fleet() { $E fleet "$@" --broker "127.0.0.1:$port" --fleet k9; }
start_device() {
  $D run --config "$work/deploy.json" --print-every 1000000 >> "$work/device.log" 2>&1 &
  device_pid=$!
  local i
  for i in $(seq 1 90); do
    fleet cmd k9-deploy status --timeout 2 > "$work/status.json" 2>/dev/null && return 0
    kill -0 "$device_pid" 2>/dev/null || return 1
    sleep 1
  done
  return 1
}
stop_device() { kill -9 "$device_pid" 2>/dev/null; { wait "$device_pid"; } 2>/dev/null; device_pid=""; }
serving_bundle() { # the bundle the device reports in its status reply (asked again while the machine is too busy to answer)
  local i b
  for i in 1 2 3 4 5; do
    b=$(fleet cmd k9-deploy status --timeout 10 --json 2>/dev/null | jq -r '.devices[0].reply.result.versions.bundle // empty')
    [ -n "$b" ] && { echo "$b"; return; }
    sleep 1
  done
}
# Why the bundle in service does not verify, or nothing. The device serves the active slot of active.json if it verifies,
# else the previous one, else the bundle of device.json; the same rule here, with `bundle verify` (sha256 of every file).
service_problem() {
  local root="$work/state-deploy/bundles" dir="" slot reported expected
  for slot in $(jq -r '.active // empty, .previous // empty' "$root/active.json" 2>/dev/null); do
    if $E bundle verify "$root/$slot/bundle" >/dev/null 2>&1; then dir="$root/$slot/bundle"; break; fi
    echo "  note: slot $slot named in active.json does not verify" >&2
  done
  if [ -z "$dir" ]; then
    dir="$work/bundle-a"
    $E bundle verify "$dir" >/dev/null 2>&1 || { echo "no bundle verifies"; return; }
  fi
  reported=$(serving_bundle) expected=$(jq -r .bundleId "$dir/manifest.json")
  [ "$reported" = "$expected" ] || echo "the device reports bundle '$reported', the bundle in service by its files is '$expected' (${dir#"$work/"})"
}
$E broker --port "$port" >/dev/null 2>&1 &
broker_pid=$!
sleep 2
start_device || fail "the deployment device did not come online: $(tail -5 "$work/device.log")"
t0=$(now_ms)
fleet deploy "$work/bundle-b.tar.gz" --to k9-deploy --timeout 60 > "$work/cal-deploy.log" 2>&1 || fail "calibration deployment failed: $(cat "$work/cal-deploy.log")"
t_deploy=$(($(now_ms) - t0))
serving=b
echo "calibration: deployment ${t_deploy} ms (bundle $id_b in service)"

# ── trials ──────────────────────────────────────────────────────────────────────────────────────────────────────
phases=(train promotion collect fit deployment)
declare -A n landed lh ls lb rec rep
for p in "${phases[@]}"; do n[$p]=0 landed[$p]=0 lh[$p]=0 ls[$p]=0 lb[$p]=0 rec[$p]=0 rep[$p]=0; done

learning_trial() { # learning_trial <phase>
  local phase=$1 log="$work/trial.log" pid delay rc
  snapshot
  case $phase in
    train|promotion) $D train --config "$work/learn.json" > "$log" 2>&1 & ;;
    collect) $D collect --config "$work/learn.json" --label auto --count "$collect_count" --timeout 600 > "$log" 2>&1 & ;;
    fit) $D fit --config "$work/learn.json" --data "$work/images/good" > "$log" 2>&1 & ;;
  esac
  pid=$!
  if [ "$phase" = promotion ]; then
    # After the last epoch: the quality gate, the checkpoint write and the pointer swap (and the end of the program).
    last_epoch_or_exit "$pid" "$log"
    delay=$(rand_ms "$t_gate")
  else
    local t; case $phase in train) t=$t_train ;; collect) t=$t_collect ;; fit) t=$t_fit ;; esac
    delay=$(rand_ms "$t")
  fi
  sleep_ms "$delay"
  kill -9 "$pid" 2>/dev/null
  { wait "$pid"; } 2>/dev/null; rc=$?
  [ "$rc" = 137 ] && landed[$phase]=$((landed[$phase] + 1))
  note="kill after $delay ms$([ "$rc" = 137 ] || echo ", after the program ended (exit $rc)")"
  if ! inspect; then
    lh[$phase]=$((lh[$phase] + 1)); echo "  trial: the state does not open: $(head -3 "$work/status-failed.txt")" >&2
    return
  fi
  rec[$phase]=$((rec[$phase] + 1))
  rep[$phase]=$((rep[$phase] + REPAIRS))
  local heads; heads=$(lost_heads)
  lh[$phase]=$((lh[$phase] + heads))
  if [ "$SAMPLES" -lt "$B_SAMPLES" ]; then ls[$phase]=$((ls[$phase] + B_SAMPLES - SAMPLES)); fi
  [ "$heads" -gt 0 ] || [ "$SAMPLES" -lt "$B_SAMPLES" ] &&
    echo "  LOSS in $phase (kill after $delay ms): head $B_CUR→$CUR, heads [$B_HEADS]→[$HEADS], samples $B_SAMPLES→$SAMPLES, anomaly $B_ANOMALY→$ANOMALY" >&2
}

deployment_trial() {
  local phase=deployment target id deploy_pid delay
  if [ "$serving" = a ]; then target=b id=$id_b; else target=a id=$id_a; fi
  # Not through fleet(): $! must be the fleet tool itself, not a subshell around it.
  $E fleet deploy "$work/bundle-$target.tar.gz" --to k9-deploy --timeout 30 --attempts 1 --broker "127.0.0.1:$port" --fleet k9 > "$work/killed-deploy.log" 2>&1 &
  deploy_pid=$!
  delay=$(rand_ms $((t_deploy * 9 / 10)))
  sleep_ms "$delay"
  note="kill after $delay ms, after the deployment ended"
  kill -0 "$deploy_pid" 2>/dev/null && landed[$phase]=$((landed[$phase] + 1)) note="kill after $delay ms"
  stop_device
  # The fleet side goes away too (it would resume by itself and race the deployment run again below).
  kill -9 "$deploy_pid" 2>/dev/null; { wait "$deploy_pid"; } 2>/dev/null
  # Restart: the device must come up on a bundle that verifies, and the same deployment, run again, must finish.
  local problem
  if ! start_device; then
    problem="the device did not come back online: $(tail -2 "$work/device.log")"
  else
    problem=$(service_problem)
  fi
  if [ -n "$problem" ]; then
    lb[$phase]=$((lb[$phase] + 1)); echo "  LOSS in deployment (kill after $delay ms): $problem" >&2
    stop_device; start_device || fail "the deployment device does not start any more"
    return
  fi
  if fleet deploy "$work/bundle-$target.tar.gz" --to k9-deploy --timeout 60 > "$work/trial-deploy.log" 2>&1; then
    problem=$(service_problem)
    [ -z "$problem" ] && [ "$(serving_bundle)" != "$id" ] && problem="the deployment reported success, the device serves $(serving_bundle)"
  else
    problem="the deployment did not complete after the restart: $(tail -2 "$work/trial-deploy.log")"
  fi
  if [ -z "$problem" ]; then
    rec[$phase]=$((rec[$phase] + 1)); serving=$target
  else
    lb[$phase]=$((lb[$phase] + 1)); echo "  LOSS in deployment (kill after $delay ms): $problem" >&2
  fi
  grep -q "resumed" "$work/trial-deploy.log" && rep[$phase]=$((rep[$phase] + 1))
}

started=$(now_ms) note=""
for i in $(seq 1 "$trials"); do
  r=$((RANDOM % 100))
  if [ $r -lt 30 ]; then phase=train; elif [ $r -lt 55 ]; then phase=promotion; elif [ $r -lt 68 ]; then phase=collect
  elif [ $r -lt 78 ]; then phase=fit; else phase=deployment; fi
  [ -n "$only" ] && phase=$only
  n[$phase]=$((n[$phase] + 1))
  if [ $phase = deployment ]; then deployment_trial; else learning_trial $phase; fi
  printf '  trial %3d/%d %-10s %s (%d s)\n' "$i" "$trials" "$phase" "$note" $((($(now_ms) - started) / 1000)) >&2
done

# ── tally ───────────────────────────────────────────────────────────────────────────────────────────────────────
inspect >/dev/null 2>&1 || true
printf '\n%-11s %6s %7s %11s %13s %13s %10s %8s\n' phase trials landed "lost heads" "lost samples" "lost bundles" recovered repairs
total_lost=0
for p in "${phases[@]}" total; do
  if [ "$p" = total ]; then
    T=0 L=0 H=0 S=0 B=0 R=0 P=0
    for q in "${phases[@]}"; do
      T=$((T + n[$q])) L=$((L + landed[$q])) H=$((H + lh[$q])) S=$((S + ls[$q])) B=$((B + lb[$q])) R=$((R + rec[$q])) P=$((P + rep[$q]))
    done
    total_lost=$((H + S + B))
    printf '%-11s %6d %7d %11d %13d %13d %10d %8d\n' total $T $L $H $S $B $R $P
  else
    printf '%-11s %6d %7d %11d %13d %13d %10d %8d\n' "$p" "${n[$p]}" "${landed[$p]}" "${lh[$p]}" "${ls[$p]}" "${lb[$p]}" "${rec[$p]}" "${rep[$p]}"
  fi
done
echo "landed: the process was still working when killed; recovered: the state opened (learning) or the deployment completed after the restart (deployment); repairs: 'repaired' notes from status, resumed deployments"
echo "end state: head $CUR of [$HEADS], $SAMPLES samples, anomaly $ANOMALY; bundle in service $(serving_bundle); $(($(now_ms) / 1000 - started / 1000)) s of trials"
[ "$total_lost" = 0 ] || { echo "LOST: $total_lost (see the LOSS lines above)"; exit 1; }
echo "nothing lost."
