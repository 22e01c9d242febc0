#!/usr/bin/env bash
# Rewrites the public API lists (PublicAPI.Shipped.txt, PublicAPI.Unshipped.txt) of every library that tracks its public
# surface (the packed libraries under src/; Directory.Build.targets, EdgeTransferTracksPublicApi) from the RS0016
# ("not part of the declared public API") and RS0017 ("declared but gone") diagnostics of one build:
# a new public symbol is added to PublicAPI.Unshipped.txt, a vanished one is removed from whichever list holds it.
# Safe to run on any tree and again: a second run finds nothing to do and leaves the lists byte for byte as they are.
#   tools/scripts/update-public-api.sh          update the lists, then build again to check that they match
#   tools/scripts/update-public-api.sh --ship   the same, then move every unshipped line to the shipped list (a release)
# Review the diff: every line added is a promise to the packages' users (docs/architecture.md, "Conventions").
set -euo pipefail
cd "$(dirname "$0")/../.."

ship=false
case "${1-}" in
  "") ;;
  --ship) ship=true ;;
  *) echo "usage: $0 [--ship]" >&2; exit 2 ;;
esac

header='#nullable enable'
work=$(mktemp -d)
filter="public-api-$$.slnf"
trap 'rm -rf "$work" "$filter"' EXIT

# The tracked projects, and an empty pair of lists for a library that has none yet (the analyzer needs both files).
projects=()
for project in src/*/*.csproj; do
  if [[ "$(dotnet msbuild "$project" -getProperty:EdgeTransferTracksPublicApi)" == "true" ]]; then
    projects+=("$project")
    for list in PublicAPI.Shipped.txt PublicAPI.Unshipped.txt; do
      [[ -f "$(dirname "$project")/$list" ]] || printf '%s\n' "$header" > "$(dirname "$project")/$list"
    done
  fi
done
if [[ ${#projects[@]} -eq 0 ]]; then
  echo "no project tracks its public API (EdgeTransferTracksPublicApi)" >&2
  exit 1
fi

# A solution filter builds just these libraries (and what they reference), whatever else the solution holds.
{
  printf '{ "solution": { "path": "EdgeTransfer.sln", "projects": [\n'
  for i in "${!projects[@]}"; do
    printf '  "%s"%s\n' "${projects[$i]}" "$([[ $i -lt $((${#projects[@]} - 1)) ]] && echo ,)"
  done
  printf '] } }\n'
} > "$filter"

# One full rebuild (analyzers run only when the compiler does) in which RS0016/RS0017 stay warnings; prints the
# diagnostics as "RS0016<TAB>project directory<TAB>symbol" and "RS0017<TAB>list file<TAB>symbol".
diagnostics() {
  local log="$work/build.log"
  if ! dotnet build "$filter" -c Release -t:Rebuild -p:EdgeTransferPublicApiUpdate=true -clp:NoSummary -nologo > "$log" 2>&1; then
    grep -E ': error ' "$log" | sort -u >&2 || tail -20 "$log" >&2
    echo "the build failed for another reason than the public API lists; fix that first" >&2
    exit 1
  fi
  sed -nE "s#^.*warning RS0016: Symbol '(.*)' is not part of the declared public API.*\[(.*)/[^/]*\.csproj[^]]*\]\$#RS0016\t\2\t\1#p" "$log"
  sed -nE "s#^(.*/PublicAPI\.(Shipped|Unshipped)\.txt)\([0-9]+,[0-9]+\): warning RS0017: Symbol '(.*)' is part of the declared API, but is either not public or could not be found.*\$#RS0017\t\1\t\3#p" "$log"
}

# The header first, then the symbols sorted byte-wise and once each: the same set always gives the same file.
normalize() {
  local file="$1"
  { printf '%s\n' "$header"; { grep -vxF "$header" "$file" || true; } | sed '/^[[:space:]]*$/d' | LC_ALL=C sort -u; } > "$work/sorted"
  cmp -s "$work/sorted" "$file" || cp "$work/sorted" "$file"
}

diagnostics | sort -u > "$work/found"
added=0 removed=0
while IFS=$'\t' read -r rule where symbol; do
  if [[ "$rule" == RS0016 ]]; then
    printf '%s\n' "$symbol" >> "$where/PublicAPI.Unshipped.txt"
    added=$((added + 1))
  else
    grep -vxF -- "$symbol" "$where" > "$work/kept" || true
    cp "$work/kept" "$where"
    removed=$((removed + 1))
  fi
done < "$work/found"

for project in "${projects[@]}"; do
  directory=$(dirname "$project")
  if $ship; then
    grep -vxF "$header" "$directory/PublicAPI.Unshipped.txt" >> "$directory/PublicAPI.Shipped.txt" || true
    printf '%s\n' "$header" > "$directory/PublicAPI.Unshipped.txt"
  fi
  normalize "$directory/PublicAPI.Shipped.txt"
  normalize "$directory/PublicAPI.Unshipped.txt"
done
echo "public API lists: $added symbols added, $removed removed, in ${#projects[@]} libraries"

# The check: a build of the lists just written must find nothing left to declare or remove.
if [[ $added -gt 0 || $removed -gt 0 || $ship == true ]]; then
  diagnostics > "$work/left"
  if [[ -s "$work/left" ]]; then
    echo "still out of date after the update:" >&2
    cat "$work/left" >&2
    exit 1
  fi
fi
echo "public API lists match the code"
