# Sourced by check-arm64.sh and arm64-numerics.sh: an arm64 user space on this machine, and a line's device.json.
# arm64_user_space sets `emulator` (an array: qemu-aarch64-static on x86-64, empty on aarch64) or calls
# `skip <reason>` (defined by the caller) when it cannot be had.
# libc6/libstdc++6/libgcc-s1: the runtime and ONNX Runtime; libssl3: sha256 of the bundle (.NET's crypto
# on Linux is OpenSSL); zlib1g: System.IO.Compression. No ICU: the device runs with invariant globalization.
arm64_libs="libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64 libssl3:arm64 zlib1g:arm64"

arm64_user_space() {
  machine=$(uname -m)
  emulator=()
  if [ "$machine" = aarch64 ]; then
    echo "── native aarch64 machine: no emulation needed"
  elif [ "$machine" = x86_64 ]; then
    local missing=0 lib
    command -v qemu-aarch64-static >/dev/null 2>&1 || missing=1
    for lib in $arm64_libs; do dpkg -s "$lib" >/dev/null 2>&1 || missing=1; done
    if [ "$missing" = 1 ]; then
      if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
        skip "qemu-aarch64-static or the arm64 libraries ($arm64_libs) are missing, and apt-get as root is not available to install them"
      fi
      echo "── installing qemu-user-static and $arm64_libs"
      dpkg --add-architecture arm64
      if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-user-static $arm64_libs >/dev/null; }; then
        skip "apt-get could not install qemu-user-static and $arm64_libs"
      fi
    fi
    # ONNX Runtime's CPU detection (pytorch/cpuinfo) reads /proc/cpuinfo; qemu 7.2 passes the x86-64 host's
    # through, and the arm64 parser then dereferences NULL (SIGSEGV as the first session opens; qemu ≥ 8.1
    # emulates the file). So the emulated program sees a Raspberry Pi 5's Cortex-A76 in a private mount
    # namespace, and QEMU_CPU=cortex-a76 gives it that core's features (dot product, no i8mm): ORT then picks
    # the int8 kernels a Pi 5 runs, not those of qemu's default "max" CPU.
    if ! unshare --mount true 2>/dev/null; then
      skip "unshare --mount is not permitted here (needed to show the emulated program an arm64 /proc/cpuinfo)"
    fi
    export QEMU_CPU=cortex-a76
    emulator=(unshare --mount sh -c 'mount --bind "$1" /proc/cpuinfo && shift && exec qemu-aarch64-static "$@"' sh "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/cortex-a76.cpuinfo")
  else
    skip "this machine is $machine; the check runs on x86_64 (under qemu) or aarch64"
  fi
  # qemu's user-mode emulation and .NET's W^X double mapping do not mix (the JIT's second mapping faults).
  export DOTNET_EnableWriteXorExecute=0
}

# A device.json for the checks: no camera, GPIO or broker; the parts come from <source JSON>.
line_config() {  # <file> <bundle dir> <store dir> <source JSON>
  cat > "$1" <<JSON
{
  "device": { "id": "arm64-check", "fleet": "ci" },
  "bundle": { "path": "$2" },
  "executionProvider": { "kind": "cpu", "intraOpThreads": 2, "allowSpinning": false },
  "source": $4,
  "trigger": { "kind": "free-running" },
  "reject": { "kind": "none" },
  "inspection": { "goodClass": "good" },
  "training": { "epochs": 60, "learningRate": 0.01, "validationFraction": 0.25 },
  "store": { "path": "$3" }
}
JSON
}
