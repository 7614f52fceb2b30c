#!/usr/bin/python3
"""Reference GPT-2 byte-level BPE encoder: the test reference for the C++ encoder.

    scripts/bpe_reference.py --encoder ENCODER_JSON --vocab VOCAB_BPE INPUT [--out OUT]

Encodes INPUT with the algorithm of OpenAI's original GPT-2 encoder (openai/gpt-2
src/encoder.py): the text is split into pieces by the original pre-tokenisation pattern, each
piece's UTF-8 bytes are mapped to printable characters (bytes_to_unicode), and within each piece
the adjacent pair with the lowest merge rank is merged, at every occurrence from left to right,
until no pair in the piece has a rank. The resulting symbols are looked up in encoder.json.
The text "<|endoftext|>" is not special: like the original encoder, it is encoded as ordinary
text. The ids are written in decimal, space-separated, 20 per line, to OUT or to stdout.

It runs on Debian's /usr/bin/python3 with the python3-regex package (the `regex` module is needed
for the \\p{L} and \\p{N} classes of the pattern); nothing else is imported beyond the standard
library.

It is independent of the C++ encoder: it shares no code with it, takes its character classes from
the `regex` module's Unicode tables rather than from tables generated for the C++ code, and
follows the Python original step by step, so a bug in the C++ pre-tokeniser, byte mapping or merge
loop shows up as a difference in the ids rather than being reproduced here.

Exit status: 0 success, 2 bad input (a missing file, encoder.json that is not a JSON object of
token -> id, a malformed merge line, a symbol missing from encoder.json) or no `regex` module.
"""
import argparse
import json
import os
import sys
import tempfile

try:
    import regex
except ImportError:
    print("bpe_reference.py: error: the 'regex' module is missing: install Debian's python3-regex "
          "(apt-get install python3-regex) and run with /usr/bin/python3", file=sys.stderr)
    sys.exit(2)

PROG = "bpe_reference.py"

# The original GPT-2 pattern, unchanged: the contractions are lowercase only and the pattern is
# case-sensitive, so "'S" or "'LL" fall through to the punctuation alternative.
PATTERN = regex.compile(
    r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")

IDS_PER_LINE = 20


class InputError(Exception):
    """A problem with an input file; the message names the file."""


def fail(message):
    print(f"{PROG}: error: {message}", file=sys.stderr)
    sys.exit(2)


def bytes_to_unicode():
    """Maps each byte 0..255 to a printable character, as GPT-2 does.

    Bytes that are already printable and not whitespace keep their own code point; the other 68
    take code points from 256 upwards, in byte order. This keeps the vocabulary free of control
    and whitespace characters that would upset the merge file's space-separated format.
    """
    printable = (list(range(ord("!"), ord("~") + 1))
                 + list(range(ord("¡"), ord("¬") + 1))
                 + list(range(ord("®"), ord("ÿ") + 1)))
    mapping = {}
    extra = 0
    for byte in range(256):
        if byte in printable:
            mapping[byte] = chr(byte)
        else:
            mapping[byte] = chr(256 + extra)
            extra += 1
    return mapping


def get_pairs(symbols):
    """The set of adjacent pairs in a sequence of symbols."""
    return {(symbols[i], symbols[i + 1]) for i in range(len(symbols) - 1)}


def read_encoder(path):
    try:
        with open(path, "rb") as f:
            data = json.loads(f.read().decode("utf-8"))
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror}")
    except (UnicodeDecodeError, ValueError) as e:
        raise InputError(f"{path} is not valid JSON: {e}")
    if not isinstance(data, dict):
        raise InputError(f"{path} is not a JSON object of token -> id")
    for token, token_id in data.items():
        # bool is a subclass of int; true/false are not ids.
        if not isinstance(token_id, int) or isinstance(token_id, bool) or token_id < 0:
            raise InputError(f"{path}: token {token!r} has id {token_id!r}, "
                             "not a non-negative integer")
    return data


def read_merges(path):
    """Returns {(left, right): rank}, the rank being the line's order among the merges."""
    try:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8")
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror}")
    except UnicodeDecodeError as e:
        raise InputError(f"{path} is not valid UTF-8: {e}")
    # Split on "\n" only, as the original does: str.splitlines() would also break on characters
    # such as U+0085 or U+2028, which a merge file could legitimately contain.
    lines = text.split("\n")
    ranks = {}
    merge_count = 0
    for number, line in enumerate(lines, start=1):
        if number == 1 and line.startswith("#version"):
            continue
        line = line.rstrip("\r")
        if line == "":
            continue
        parts = line.split(" ")
        if len(parts) != 2 or parts[0] == "" or parts[1] == "":
            raise InputError(f"{path}:{number}: malformed merge line {line!r}: "
                             "expected two tokens separated by one space")
        # Rank = order among the merge lines. A repeated pair keeps its first (lowest) rank,
        # whereas the original's dict(zip(...)) keeps the last; the GPT-2 file has no repeats.
        ranks.setdefault((parts[0], parts[1]), merge_count)
        merge_count += 1
    return ranks


class Encoder:
    def __init__(self, encoder, ranks, encoder_path):
        self.encoder = encoder
        self.encoder_path = encoder_path
        self.ranks = ranks
        self.byte_to_char = bytes_to_unicode()
        # Pieces repeat a lot in real text; caching each piece's ids makes a megabyte take
        # seconds instead of minutes.
        self.cache = {}

    def bpe(self, word):
        """Merges the symbols of one piece (a string of byte characters); returns the symbols."""
        symbols = list(word)
        if len(symbols) < 2:
            return symbols
        while True:
            pairs = get_pairs(symbols)
            best = min(pairs, key=lambda pair: self.ranks.get(pair, float("inf")))
            if best not in self.ranks:
                return symbols
            left, right = best
            # Merge every occurrence of the best pair, scanning left to right; a merged symbol is
            # not reconsidered in this pass, so "a a a" with (a, a) gives "aa a".
            merged = []
            i = 0
            while i < len(symbols):
                if i + 1 < len(symbols) and symbols[i] == left and symbols[i + 1] == right:
                    merged.append(left + right)
                    i += 2
                else:
                    merged.append(symbols[i])
                    i += 1
            symbols = merged
            if len(symbols) == 1:
                return symbols

    def encode_piece(self, piece):
        ids = self.cache.get(piece)
        if ids is not None:
            return ids
        # Invalid input bytes arrived as lone surrogates; surrogateescape turns them back into
        # the original bytes, so the byte-level BPE sees exactly the bytes of the file.
        raw = piece.encode("utf-8", "surrogateescape")
        word = "".join(self.byte_to_char[b] for b in raw)
        ids = []
        for symbol in self.bpe(word):
            token_id = self.encoder.get(symbol)
            if token_id is None:
                raise InputError(f"{self.encoder_path}: has no id for the symbol {symbol!r}")
            ids.append(token_id)
        self.cache[piece] = ids
        return ids

    def encode(self, text):
        ids = []
        for piece in PATTERN.findall(text):
            ids.extend(self.encode_piece(piece))
        return ids


def format_ids(ids):
    lines = []
    for start in range(0, len(ids), IDS_PER_LINE):
        lines.append(" ".join(str(i) for i in ids[start:start + IDS_PER_LINE]) + "\n")
    return "".join(lines)


def write_atomically(path, text):
    # Write to a temporary file beside the target and rename it, so that a reader (or an
    # interrupted run) never sees a half-written file.
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".bpe_reference.", suffix=".tmp", dir=directory)
    try:
        # mkstemp makes the file 0600; give it the mode an ordinary open() would.
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "w", encoding="ascii", newline="\n") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog=PROG, description="Encode a file with GPT-2 byte-level BPE (reference for tests).")
    parser.add_argument("--encoder", required=True, metavar="ENCODER_JSON",
                        help="GPT-2 encoder.json (token -> id)")
    parser.add_argument("--vocab", required=True, metavar="VOCAB_BPE",
                        help="GPT-2 vocab.bpe (merges, in rank order)")
    parser.add_argument("input", metavar="INPUT", help="file to encode, read as bytes")
    parser.add_argument("--out", metavar="OUT", help="output file (default: stdout)")
    args = parser.parse_args(argv)

    try:
        encoder = read_encoder(args.encoder)
        ranks = read_merges(args.vocab)
        try:
            with open(args.input, "rb") as f:
                data = f.read()
        except OSError as e:
            raise InputError(f"cannot read {args.input}: {e.strerror}")
        # surrogateescape keeps each invalid UTF-8 byte as a lone surrogate (U+DC80..U+DCFF);
        # those are neither letters, digits nor whitespace, so they fall in the pattern's
        # " ?[^\s\p{L}\p{N}]+" class (together with any adjacent punctuation).
        text = data.decode("utf-8", "surrogateescape")
        ids = Encoder(encoder, ranks, args.encoder).encode(text)
    except InputError as e:
        fail(str(e))

    output = format_ids(ids)
    if args.out:
        try:
            write_atomically(args.out, output)
        except OSError as e:
            fail(f"cannot write {args.out}: {e.strerror}")
    else:
        sys.stdout.write(output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
