#!/usr/bin/env bash
# A real-image check of anomaly detection, offline: Fashion-MNIST (Debian's dataset-fashion-mnist, via
# fashion-mnist-imagefolder.sh) in the one-class protocol, written in the MVTec AD layout that
# `edgetransfer bench anomaly --data` reads. Each class in turn is the "good" category: its training images
# are train/good, its test images test/good, and test images of the nine other classes are the anomalies
# (test/<class>), each with a whole-image mask (the anomaly is the object itself, so only image AUROC means
# something; pixel AUROC is not a localisation figure here).
#   tools/scripts/fashion-mnist-mvtec.sh <out dir> [train good (60)] [test good (50)] [test per other class (10)]
set -euo pipefail
out="${1:?usage: fashion-mnist-mvtec.sh <out dir> [train good] [test good] [test per other class]}"
train="${2:-60}"
good="${3:-50}"
other="${4:-10}"
here="$(cd "$(dirname "$0")" && pwd)"
if [ -e "$out" ]; then
  echo "$out exists; remove it or choose another folder" >&2
  exit 1
fi

folder="$out.imagefolder"
rm -rf "$folder" "$out.tmp"
"$here/fashion-mnist-imagefolder.sh" "$folder" "$train" "$(( good > other ? good : other ))" >/dev/null
python3 - "$folder" "$out.tmp" "$good" "$other" <<'PY'
import os, shutil, struct, sys, zlib

src, out, per_good, per_other = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
classes = sorted(os.listdir(os.path.join(src, "train")))

def white_png(path, w, h):
    # 8-bit greyscale PNG of 255s (PNG specification: IHDR, IDAT with filter 0 per row, IEND).
    raw = b"".join(b"\x00" + b"\xff" * w for _ in range(h))
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))

def files(split, c, n):
    return sorted(os.listdir(os.path.join(src, split, c)))[:n]

for c in classes:
    root = os.path.join(out, c)
    os.makedirs(os.path.join(root, "train", "good"))
    for f in files("train", c, 10**9):
        shutil.copy(os.path.join(src, "train", c, f), os.path.join(root, "train", "good", f))
    os.makedirs(os.path.join(root, "test", "good"))
    for f in files("test", c, per_good):
        shutil.copy(os.path.join(src, "test", c, f), os.path.join(root, "test", "good", f))
    for o in classes:
        if o == c:
            continue
        os.makedirs(os.path.join(root, "test", o))
        os.makedirs(os.path.join(root, "ground_truth", o))
        for f in files("test", o, per_other):
            shutil.copy(os.path.join(src, "test", o, f), os.path.join(root, "test", o, f))
            white_png(os.path.join(root, "ground_truth", o, os.path.splitext(f)[0] + "_mask.png"), 28, 28)
print(f"{len(classes)} categories: {per_good} good and {per_other} per other class in test/")
PY
rm -rf "$folder"
mv "$out.tmp" "$out"
echo "Fashion-MNIST one-class categories in the MVTec AD layout in $out"
