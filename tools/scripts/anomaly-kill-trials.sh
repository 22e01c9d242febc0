#!/usr/bin/env bash
# kill -9 during anomaly fits and promotions, 20 trials (issue 10): a child process fits and promotes anomaly models
# in a loop and is killed with SIGKILL at random moments; after each kill the model in service must be intact.
# The default test run does 4 trials; this runs the same test with more (about 25 s for 20 on 2 cores).
#   tools/scripts/anomaly-kill-trials.sh [trials]      (default 20; builds first)
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build tests/EdgeTransfer.Runtime.Anomaly.Tests -c Release -v q >/dev/null
EDGETRANSFER_KILL_TRIALS="${1:-20}" dotnet test tests/EdgeTransfer.Runtime.Anomaly.Tests -c Release --no-build \
  --filter "FullyQualifiedName~KillDuringFitTests" --logger "console;verbosity=detailed" | grep -E "round|kills|Passed|Failed"
