#!/usr/bin/env bash
# A small real ImageFolder for developing and measuring head recipes (`edgetransfer bench heads`): product
# photographs of Fashion-MNIST (Zalando, MIT licence; 10 classes, 28x28 grey) from Debian's package
# `dataset-fashion-mnist`, which ships the four original IDX files under /usr/share/datasets/fashion-mnist.
# Nothing is downloaded but the Debian package; no image is checked in.
#   tools/scripts/fashion-mnist-imagefolder.sh <out dir> [train per class (200)] [test per class (100)]
# Lays out <out>/train/<class>/*.png (the first N of each class of the training file) and
# <out>/test/<class>/*.png (the first M of each class of the test file), written to <out>.tmp and renamed.
set -euo pipefail
out="${1:?usage: fashion-mnist-imagefolder.sh <out dir> [train per class] [test per class]}"
train="${2:-200}"
test="${3:-100}"
src=/usr/share/datasets/fashion-mnist
if [ ! -f "$src/train-images-idx3-ubyte.gz" ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y dataset-fashion-mnist >/dev/null
  else
    echo "Debian's dataset-fashion-mnist is not installed: apt-get install dataset-fashion-mnist" >&2
    exit 1
  fi
fi
if [ -e "$out" ]; then
  echo "$out exists; remove it or choose another folder" >&2
  exit 1
fi

rm -rf "$out.tmp"
python3 - "$src" "$out.tmp" "$train" "$test" <<'PY'
import gzip, os, struct, sys, zlib

src, out, per_train, per_test = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
classes = ["tshirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle-boot"]

def idx(name):
    with gzip.open(os.path.join(src, name)) as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return shape, data[4 + 4 * dims:]

def png(path, w, h, pixels):
    # 8-bit greyscale PNG, filter 0 per row (PNG specification, chunks IHDR/IDAT/IEND).
    raw = b"".join(b"\x00" + pixels[y * w:(y + 1) * w] for y in range(h))
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))

for split, prefix, per in (("train", "train", per_train), ("test", "t10k", per_test)):
    (n, h, w), images = idx(prefix + "-images-idx3-ubyte.gz")
    _, labels = idx(prefix + "-labels-idx1-ubyte.gz")
    taken = [0] * len(classes)
    for c in classes:
        os.makedirs(os.path.join(out, split, c), exist_ok=True)
    for i in range(n):
        c = labels[i]
        if taken[c] >= per:
            continue
        png(os.path.join(out, split, classes[c], f"{prefix}-{i:05d}.png"), w, h, images[i * w * h:(i + 1) * w * h])
        taken[c] += 1
        if min(taken) >= per:
            break
    print(f"{split}: {sum(taken)} images, {per} per class")
PY
mv "$out.tmp" "$out"
echo "Fashion-MNIST ImageFolder in $out (classes: tshirt trouser pullover dress coat sandal shirt sneaker bag ankle-boot)"
