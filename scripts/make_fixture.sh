#!/usr/bin/env bash
# Makes a PyTorch reference fixture: our trainer writes a randomly initialised checkpoint, and
# scripts/make_reference.py (PyTorch, float64) reads that file, makes tokens and writes the
# expected logits, loss, gradients and AdamW losses.
#
#   scripts/make_fixture.sh tiny   the committed fixture in tests/fixtures/ (L=2, C=64, B=2, T=16)
#   scripts/make_fixture.sh d12    GPT-2 124M at B=4, T=64, into build/fixtures/ (not committed;
#                                  checked by: ctest -L full-reference, see README)
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-tiny}
train=build/gpt2_train
[ -x "$train" ] || { echo "make_fixture.sh: $train not found; build first (cmake -S . -B build && cmake --build build -j2)" >&2; exit 1; }

case "$size" in
  tiny) out=tests/fixtures; model="L=2,C=64,NH=4,V=1000,maxT=32"; B=2; T=16; lr=1e-3 ;;
  # llm.c's learning rate: at 1e-3 this 124M model overshoots (the loss jumps from 9 to 12 at
  # step 4) and fp32 and fp64 trajectories drift apart by 2e-4 within 10 steps.
  d12)  out=build/fixtures; model=d12; B=4; T=64; lr=1e-4 ;;
  *) echo "make_fixture.sh: unknown size '$size' (tiny or d12)" >&2; exit 1 ;;
esac
mkdir -p "$out"
"$train" --model "$model" --seed 42 -B "$B" -T "$T" --steps 0 --threads 1 \
  --save "$out/${size}_model.bin" > /dev/null
/usr/bin/python3 scripts/make_reference.py --checkpoint "$out/${size}_model.bin" \
  --B "$B" --T "$T" --steps 10 --lr "$lr" --weight-decay 0.1 --seed 7 \
  --out-tokens "$out/${size}_tokens.bin" --out "$out/${size}_reference.bin"
