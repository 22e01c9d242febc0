#!/usr/bin/env bash
# Issue 7's packaging check: `dotnet cake --target=package` leaves device packages whose checksums verify,
# and the unpacked linux-x64 package's `edgetransfer-device status` runs and reports its bundle.
#   tools/scripts/check-package.sh [profiles]     (default: linux-x64; "" for every profile)
set -euo pipefail
cd "$(dirname "$0")/../.."
profiles="${1-linux-x64}"
dotnet tool restore >/dev/null
dotnet cake --target=package ${profiles:+--profiles=$profiles}

cd artifacts/packages
for sum in *.sha256; do sha256sum -c "$sum"; done

unpacked=$(mktemp -d); trap 'rm -rf "$unpacked"' EXIT
tar -xzf edgetransfer-linux-x64.tar.gz -C "$unpacked"
(cd "$unpacked" && sha256sum -c SHA256SUMS --quiet && echo "SHA256SUMS: every file verifies")
# The profile's store lives in /var/lib/edgetransfer; point it at the unpacked folder for the check.
sed -i 's#"path": "/var/lib/edgetransfer"#"path": "state"#' "$unpacked/device.json"
"$unpacked/edgetransfer-device" status --config "$unpacked/device.json"
