#!/usr/bin/env bash
# Trains GPT-2 124M (d12) from random initialisation on tinyshakespeare with the project's own
# binaries, end to end: encode the text (gpt2_prepare), train with the fastest kernel mix measured
# here (highway, with OpenBLAS's GEMMs), log train and val loss to JSON, plot the loss curve, and
# print generated text, decoded.
#
#   scripts/train_shakespeare.sh [--text FILE] [--encoder FILE] [--vocab FILE] [--steps N]
#                                [--lr X] [--threads N] [--out DIR]
#
#   --text/--encoder/--vocab  tinyshakespeare.txt and GPT-2's encoder.json and vocab.bpe; by
#                             default ../shared/data/ beside the repository when it has them,
#                             otherwise they are downloaded (network needed) into OUT/download/
#   --steps N                 training steps at B=4, T=64 (default 300: about 6 minutes on 2 cores)
#   --lr X                    AdamW learning rate (default 1e-3: random init, no warm-up needed here)
#   --threads N               default: every core
#   --out DIR                 default build/shakespeare
#
# Data: each blank-line-separated paragraph is one document, preceded by <|endoftext|>; the first
# 32768 tokens are the val split, the rest train (llm.c's tinyshakespeare split). Writes OUT/data/
# (shards, tokenizer), OUT/train.log, OUT/log.json, OUT/loss_curves.png and OUT/generated.txt.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
shared="$root/../shared/data"

text="" encoder="" vocab="" steps=300 lr=1e-3 threads="" out="$root/build/shakespeare"
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
die() { echo "train_shakespeare.sh: error: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --text|--encoder|--vocab|--steps|--lr|--threads|--out)
      [ $# -ge 2 ] || die "missing value for $1"
      case "$1" in
        --text) text="$2" ;; --encoder) encoder="$2" ;; --vocab) vocab="$2" ;;
        --steps) steps="$2" ;; --lr) lr="$2" ;; --threads) threads="$2" ;; --out) out="$2" ;;
      esac
      shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[[ "$steps" =~ ^[1-9][0-9]*$ ]] || die "bad value '$steps' for --steps: expected a positive integer"
[[ -z "$threads" || "$threads" =~ ^[1-9][0-9]*$ ]] || die "bad value '$threads' for --threads"

# Finds FILE: the flag's value, else ../shared/data/NAME, else a download from URL.
fetch() {
  local given="$1" name="$2" url="$3" flag="$4"
  if [ -n "$given" ]; then
    [ -f "$given" ] || die "$given: no such file ($flag)"
    echo "$given"; return
  fi
  if [ -f "$shared/$name" ]; then echo "$shared/$name"; return; fi
  mkdir -p "$out/download"
  local dest="$out/download/$name"
  if [ ! -s "$dest" ]; then
    echo "downloading $url" >&2
    if command -v curl >/dev/null; then
      curl -fsSL "$url" -o "$dest.tmp" || die "cannot download $url (give $flag FILE)"
    elif command -v wget >/dev/null; then
      wget -q "$url" -O "$dest.tmp" || die "cannot download $url (give $flag FILE)"
    else
      die "no $shared/$name, and neither curl nor wget to download it (give $flag FILE)"
    fi
    mv "$dest.tmp" "$dest"
  fi
  echo "$dest"
}

mkdir -p "$out" || die "$out: cannot create the output directory (--out)"
out="$(cd "$out" && pwd)"
text=$(fetch "$text" tinyshakespeare.txt \
  https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt --text)
encoder=$(fetch "$encoder" gpt2-encoder.json \
  https://openaipublic.blob.core.windows.net/gpt-2/models/124M/encoder.json --encoder)
vocab=$(fetch "$vocab" gpt2-vocab.bpe \
  https://openaipublic.blob.core.windows.net/gpt-2/models/124M/vocab.bpe --vocab)

echo "== build"
if [ ! -f "$root/build/CMakeCache.txt" ]; then
  "$root/scripts/install-deps.sh" --build
  cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$root/build" -j2 --target gpt2_prepare gpt2_train >/dev/null

echo "== prepare $text"
mkdir -p "$out/data"
"$root/build/gpt2_prepare" --input "$text" --encoder "$encoder" --vocab "$vocab" \
  --out-dir "$out/data" --name shakespeare --documents paragraph --val-tokens 32768 --overwrite

echo "== train d12 from random init: $steps steps, B=4, T=64, lr $lr"
thread_flags=()
[ -n "$threads" ] && thread_flags=(--threads "$threads")
"$root/build/gpt2_train" --model d12 -B 4 -T 64 --steps "$steps" --lr "$lr" \
  --train "$out/data/shakespeare_train_*.bin" --val "$out/data/shakespeare_val_*.bin" \
  --val-every 50 --val-steps 20 --tokenizer "$out/data/gpt2_tokenizer.bin" \
  --sample-every "$steps" --gen-tokens 63 "${thread_flags[@]}" \
  --kernels highway --kernel matmul_forward=openblas --kernel matmul_backward=openblas \
  --kernel attention_forward=openblas --kernel attention_backward=openblas \
  --json "$out/log.json" | tee "$out/train.log"

sed -n '/^generated: /,$p' "$out/train.log" | sed '/^wrote log /d' >"$out/generated.txt"

echo "== plot"
/usr/bin/python3 "$root/scripts/plot_results.py" "$out" --out "$out" --train-log "$out/log.json" \
  | grep -v '^skipped '

/usr/bin/python3 - "$out/log.json" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
val = log["val"]
ms = sorted(s["ms"] for s in log["steps"])
print(f"== val loss {val[0]['loss']:.3f} at step {val[0]['step']} -> {val[-1]['loss']:.3f} at step "
      f"{val[-1]['step']}; median step {ms[len(ms) // 2]:.0f} ms")
PY
echo "generated text: $out/generated.txt"
