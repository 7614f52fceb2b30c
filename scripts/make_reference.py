#!/usr/bin/python3
"""PyTorch reference generator for the C++ GPT-2 trainer.

Reads an llm.c-format GPT-2 checkpoint, builds deterministic token data,
runs the model in float64 (llm.c train_gpt2.c semantics), and writes the
first-step logits, loss and gradients plus the losses of a short AdamW run,
so the C++ tests can compare against them.

Usage (needs Debian's python3-torch, hence /usr/bin/python3):
    /usr/bin/python3 scripts/make_reference.py --checkpoint MODEL.bin \
        --B 2 --T 16 --steps 10 --lr 1e-3 --weight-decay 0.1 --seed 7 \
        --out-tokens TOKENS.bin --out REF.bin

Checkpoint: 256 little-endian int32 header ([0]=20240326, [1]=3 for fp32
or 5 for bf16, [2]=maxT, [3]=V, [4]=L, [5]=NH, [6]=C, [7]=Vp), then the
parameters in PARAM_NAMES order (bf16 = top 16 bits of a float32).

TOKENS.bin (llm.c token shard): 256 little-endian int32 header ([0]=20240520,
[1]=1, [2]=token count), then the tokens as little-endian uint16. The B*T+1
tokens are uniform in [0, V) from numpy.random.default_rng(seed);
inputs = tokens[:B*T], targets = tokens[1:], both viewed as (B, T).

REF.bin ("tensor archive", all little-endian):
    int32 magic 20241125, int32 version 1, int32 count
    count times: int32 name_len, name bytes (ASCII, no NUL),
                 int32 dtype (0 = float32, 1 = int32), int32 ndim,
                 ndim x int64 dims, raw row-major data.
Tensors in order: "B_T" int32 [2]; "adamw" float32 [5] (lr, beta1, beta2,
eps, weight_decay); "inputs" int32 (B,T); "targets" int32 (B,T); "logits"
float32 (B,T,V); "loss" float32 [1]; "grad.<name>" float32 for each name in
PARAM_NAMES (checkpoint shapes); "losses" float32 (steps,), the loss of each
AdamW step measured before that step's update.
"""
import argparse
import math
import os
import sys
import tempfile

try:
    import numpy as np
    import torch
except ImportError as e:
    print(f"error: {e.name} not found; run this script with /usr/bin/python3 "
          "(apt-get install python3-torch python3-numpy)", file=sys.stderr)
    sys.exit(2)

CKPT_MAGIC, SHARD_MAGIC, ARCHIVE_MAGIC = 20240326, 20240520, 20241125
HEADER_INTS = 256
PARAM_NAMES = ["wte", "wpe", "ln1w", "ln1b", "qkvw", "qkvb", "attprojw",
               "attprojb", "ln2w", "ln2b", "fcw", "fcb", "fcprojw", "fcprojb",
               "lnfw", "lnfb"]


def param_shapes(maxT, L, C, Vp):
    """Shapes of the parameter tensors, in checkpoint order."""
    shapes = [(Vp, C), (maxT, C), (L, C), (L, C), (L, 3 * C, C), (L, 3 * C),
              (L, C, C), (L, C), (L, C), (L, C), (L, 4 * C, C), (L, 4 * C),
              (L, C, 4 * C), (L, C), (C,), (C,)]
    return dict(zip(PARAM_NAMES, shapes))


# ---------------------------------------------------------------- file I/O

def read_checkpoint(path):
    """Return (config dict, {name: float32 ndarray}) from an llm.c checkpoint."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        sys.exit(f"error: cannot read checkpoint: {e}")
    if len(raw) < 4 * HEADER_INTS:
        sys.exit(f"error: {path}: too short for a checkpoint header")
    hdr = np.frombuffer(raw, "<i4", HEADER_INTS)
    if hdr[0] != CKPT_MAGIC:
        sys.exit(f"error: {path}: bad magic {hdr[0]} (want {CKPT_MAGIC})")
    if hdr[1] not in (3, 5):
        sys.exit(f"error: {path}: unsupported version {hdr[1]} (want 3 or 5)")
    cfg = dict(maxT=int(hdr[2]), V=int(hdr[3]), L=int(hdr[4]), NH=int(hdr[5]),
               C=int(hdr[6]), Vp=int(hdr[7]))
    if min(cfg.values()) < 1 or cfg["C"] % cfg["NH"] or cfg["V"] > cfg["Vp"]:
        sys.exit(f"error: {path}: inconsistent header {cfg}")
    shapes = param_shapes(cfg["maxT"], cfg["L"], cfg["C"], cfg["Vp"])
    n = sum(int(np.prod(s)) for s in shapes.values())
    width = 4 if hdr[1] == 3 else 2
    want = 4 * HEADER_INTS + n * width
    if len(raw) != want:
        sys.exit(f"error: {path}: {len(raw)} bytes, expected {want} for {cfg}")
    if hdr[1] == 3:
        flat = np.frombuffer(raw, "<f4", n, 4 * HEADER_INTS)
    else:  # bf16 is the top half of a float32: shift it back into place
        bits = np.frombuffer(raw, "<u2", n, 4 * HEADER_INTS).astype("<u4")
        flat = (bits << 16).view("<f4")
    params, off = {}, 0
    for name, shape in shapes.items():
        size = int(np.prod(shape))
        params[name] = flat[off:off + size].reshape(shape)
        off += size
    return cfg, params


def atomic_write(path, chunks):
    """Write byte chunks to a temp file beside path, then rename over it,
    so a reader never sees a half-written file."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp_")
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.fchmod(fd, 0o666 & ~umask)  # mkstemp's 0600 is needlessly private
        with os.fdopen(fd, "wb") as f:
            for chunk in chunks:
                f.write(chunk)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def write_token_shard(path, tokens):
    header = np.zeros(HEADER_INTS, "<i4")
    header[:3] = (SHARD_MAGIC, 1, len(tokens))
    atomic_write(path, [header.tobytes(), tokens.astype("<u2").tobytes()])


def archive_entry(name, array):
    """Serialise one tensor; float arrays become float32, int arrays int32."""
    array = np.asarray(array)
    is_float = np.issubdtype(array.dtype, np.floating)
    data = np.ascontiguousarray(array, "<f4" if is_float else "<i4")
    name_bytes = name.encode("ascii")
    head = np.array([len(name_bytes)], "<i4").tobytes() + name_bytes
    head += np.array([0 if is_float else 1, data.ndim], "<i4").tobytes()
    head += np.array(data.shape, "<i8").tobytes()
    return head + data.tobytes()


def write_archive(path, tensors):
    header = np.array([ARCHIVE_MAGIC, 1, len(tensors)], "<i4").tobytes()
    atomic_write(path, [header] + [archive_entry(n, a) for n, a in tensors])


# ------------------------------------------------------------------- model

def layernorm(x, w, b):
    # Biased variance and eps 1e-5, as in llm.c.
    mean = x.mean(-1, keepdim=True)
    var = ((x - mean) ** 2).mean(-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + 1e-5) * w + b


def gelu_tanh(x):
    return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) *
                                     (x + 0.044715 * x ** 3)))


def attention(qkv, NH):
    """Causal multi-head attention; qkv is (B,T,3C) laid out [q | k | v]."""
    B, T, C3 = qkv.shape
    C = C3 // 3
    hs = C // NH
    # (B,T,C) -> (B,NH,T,hs): head h owns channels h*hs:(h+1)*hs.
    q, k, v = (t.reshape(B, T, NH, hs).transpose(1, 2)
               for t in qkv.split(C, dim=-1))
    scores = q @ k.transpose(-1, -2) / math.sqrt(hs)
    future = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
    att = torch.softmax(scores.masked_fill(future, float("-inf")), dim=-1)
    return (att @ v).transpose(1, 2).reshape(B, T, C)


def forward(p, cfg, inputs, targets):
    """Return (logits (B,T,V), mean cross-entropy loss)."""
    T = inputs.shape[1]
    x = p["wte"][inputs] + p["wpe"][:T]
    for l in range(cfg["L"]):
        h = layernorm(x, p["ln1w"][l], p["ln1b"][l])
        qkv = h @ p["qkvw"][l].T + p["qkvb"][l]
        x = x + attention(qkv, cfg["NH"]) @ p["attprojw"][l].T + p["attprojb"][l]
        h = layernorm(x, p["ln2w"][l], p["ln2b"][l])
        h = gelu_tanh(h @ p["fcw"][l].T + p["fcb"][l])
        x = x + h @ p["fcprojw"][l].T + p["fcprojb"][l]
    x = layernorm(x, p["lnfw"], p["lnfb"])
    logits = (x @ p["wte"].T)[..., :cfg["V"]]  # padded vocab columns dropped
    logp = torch.log_softmax(logits, dim=-1)
    loss = -logp.gather(-1, targets.unsqueeze(-1)).mean()
    return logits, loss


def adamw_step(p, state, t, a):
    """One AdamW update of every parameter (biases and layernorms included);
    weight decay uses p before the update, eps is added to sqrt(v_hat).
    This is exactly torch.optim.AdamW's math, written out for the C++ port."""
    with torch.no_grad():
        for name, w in p.items():
            g, (m, v) = w.grad, state[name]
            m.mul_(a.beta1).add_((1 - a.beta1) * g)
            v.mul_(a.beta2).add_((1 - a.beta2) * g * g)
            m_hat = m / (1 - a.beta1 ** t)
            v_hat = v / (1 - a.beta2 ** t)
            w -= a.lr * (m_hat / (torch.sqrt(v_hat) + a.eps)
                         + a.weight_decay * w)
            w.grad = None


# -------------------------------------------------------------------- main

def parse_args():
    ap = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", required=True, help="llm.c GPT-2 .bin")
    ap.add_argument("--B", type=int, default=2, help="batch size")
    ap.add_argument("--T", type=int, default=16, help="sequence length")
    ap.add_argument("--steps", type=int, default=10, help="AdamW steps")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--beta1", type=float, default=0.9)
    ap.add_argument("--beta2", type=float, default=0.999)
    ap.add_argument("--eps", type=float, default=1e-8)
    ap.add_argument("--weight-decay", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=7, help="token data seed")
    ap.add_argument("--out-tokens", required=True, help="token shard to write")
    ap.add_argument("--out", required=True, help="reference archive to write")
    return ap.parse_args()


def main():
    a = parse_args()
    cfg, weights = read_checkpoint(a.checkpoint)
    B, T, V = a.B, a.T, cfg["V"]
    if not (1 <= T <= cfg["maxT"]) or B < 1 or a.steps < 1:
        sys.exit(f"error: need B>=1, 1<=T<={cfg['maxT']}, steps>=1")
    if V > 65536:
        sys.exit(f"error: V={V} does not fit uint16 token shards")

    tokens = np.random.default_rng(a.seed).integers(0, V, B * T + 1)
    write_token_shard(a.out_tokens, tokens)
    inputs = torch.from_numpy(tokens[:B * T].reshape(B, T).astype(np.int64))
    targets = torch.from_numpy(tokens[1:].reshape(B, T).astype(np.int64))

    params = {n: torch.tensor(w, dtype=torch.float64, requires_grad=True)
              for n, w in weights.items()}
    state = {n: (torch.zeros_like(w), torch.zeros_like(w))
             for n, w in params.items()}
    losses = []
    for t in range(1, a.steps + 1):
        logits, loss = forward(params, cfg, inputs, targets)
        loss.backward()
        if t == 1:  # the reference logits/grads come from untouched weights
            first_logits = logits.detach().numpy()
            first_grads = {n: w.grad.numpy().copy() for n, w in params.items()}
        losses.append(loss.item())
        adamw_step(params, state, t, a)

    tensors = [("B_T", np.array([B, T])),
               ("adamw", np.array([a.lr, a.beta1, a.beta2, a.eps,
                                   a.weight_decay])),
               ("inputs", inputs.numpy()), ("targets", targets.numpy()),
               ("logits", first_logits), ("loss", np.array([losses[0]]))]
    tensors += [("grad." + n, first_grads[n]) for n in PARAM_NAMES]
    tensors.append(("losses", np.array(losses)))
    write_archive(a.out, tensors)

    print(f"config: L={cfg['L']} C={cfg['C']} NH={cfg['NH']} V={V} "
          f"Vp={cfg['Vp']} maxT={cfg['maxT']}  B={B} T={T} seed={a.seed}")
    print(f"adamw: lr={a.lr} betas=({a.beta1}, {a.beta2}) eps={a.eps} "
          f"wd={a.weight_decay}")
    for t, l in enumerate(losses, 1):
        print(f"step {t:3d}: loss {l:.9f}")
    print(f"wrote {a.out_tokens} and {a.out}")


if __name__ == "__main__":
    main()
