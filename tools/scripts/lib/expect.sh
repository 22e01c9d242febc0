# Shared by the package checks (check-arm64.sh, check-aot.sh); needs the caller's fail().
# expect <label> <regex> -- command...: runs it, shows its last lines, fails unless it exits 0 and its output matches;
# the output is left in $last_output.
expect() {
  local label=$1 pattern=$2 out code=0 started=$SECONDS; shift 3
  out=$("$@" 2>&1) || code=$?
  echo "$out" | sed 's/^/  │ /' | tail -n 12
  [ "$code" = 0 ] || fail "$label: exit code $code"
  grep -Eq "$pattern" <<<"$out" || fail "$label: the output does not match /$pattern/"
  echo "  ✓ $label ($((SECONDS - started)) s)"
  last_output=$out
}
