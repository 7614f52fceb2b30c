#!/usr/bin/python3
"""gpt2_prepare end to end, as a user runs it: its shards hold exactly the ids that
scripts/bpe_reference.py (an independent Python GPT-2 encoder) gives, with <|endoftext|> before
each document and the stated train/val split and shard sizes; its tokenizer file decodes every id
to the bytes encoder.json spells; bad input ends with one line naming the flag or file and exit 1.
The tests on GPT-2's real vocabulary need ../shared/data and skip, saying so, without it.

    prepare_test.py PATH/TO/gpt2_prepare
"""
import os
import struct
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SHARED = os.path.join(ROOT, "..", "shared", "data")
ENCODER = os.path.join(SHARED, "gpt2-encoder.json")
VOCAB = os.path.join(SHARED, "gpt2-vocab.bpe")
SHAKESPEARE = os.path.join(SHARED, "tinyshakespeare.txt")
SAMPLE = os.path.join(ROOT, "tests", "fixtures", "bpe_sample.txt")
REFERENCE = os.path.join(ROOT, "scripts", "bpe_reference.py")
HAVE_SHARED = all(os.path.exists(p) for p in (ENCODER, VOCAB, SHAKESPEARE))
EOT = 50256
PREPARE = None  # set from argv


def run(*args):
    return subprocess.run([PREPARE, *args], capture_output=True, text=True)


def read_shard(path):
    with open(path, "rb") as f:
        data = f.read()
    magic, version, count = struct.unpack("<3i", data[:12])
    assert (magic, version) == (20240520, 1), path
    assert len(data) == 1024 + 2 * count, f"{path}: header says {count} tokens"
    return list(struct.unpack(f"<{count}H", data[1024:]))


def reference_ids(path):
    out = subprocess.run(["/usr/bin/python3", REFERENCE, "--encoder", ENCODER, "--vocab", VOCAB,
                          path], capture_output=True, text=True, check=True).stdout
    return [int(x) for x in out.split()]


def gpt2_byte_alphabet():
    """{byte: character} as GPT-2's files spell bytes: printable Latin-1 as itself, the other
    bytes as U+0100 onwards in byte order."""
    printable = [b for b in range(256) if 33 <= b <= 126 or 161 <= b <= 172 or b >= 174]
    extra = iter(range(256, 512))
    return {b: chr(b) if b in printable else chr(next(extra)) for b in range(256)}


def write_tiny_vocab(folder):
    """The 256 single bytes and <|endoftext|>, no merges: enough to run gpt2_prepare."""
    spell = gpt2_byte_alphabet()
    entries = [f'"{spell[b]}": {b}' if spell[b] not in '"\\' else f'"\\{spell[b]}": {b}'
               for b in range(256)] + ['"<|endoftext|>": 256']
    with open(os.path.join(folder, "encoder.json"), "w", encoding="utf-8") as f:
        f.write("{" + ", ".join(entries) + "}")
    with open(os.path.join(folder, "vocab.bpe"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
    return os.path.join(folder, "encoder.json"), os.path.join(folder, "vocab.bpe")


class BadInputTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.out = self.dir.name
        self.encoder, self.vocab = write_tiny_vocab(self.out)
        self.text = os.path.join(self.out, "text.txt")
        with open(self.text, "w") as f:
            f.write("hello world\n" * 10)

    def tearDown(self):
        self.dir.cleanup()

    def assert_one_line_error(self, result, *words):
        self.assertEqual(result.returncode, 1, result.stderr)
        lines = result.stderr.splitlines()
        self.assertEqual(len(lines), 1, result.stderr)
        self.assertTrue(lines[0].startswith("gpt2_prepare: error: "), lines[0])
        for word in words:
            self.assertIn(word, lines[0])

    def base(self, *extra):
        return ["--input", self.text, "--encoder", self.encoder, "--vocab", self.vocab,
                "--out-dir", self.out, "--val-tokens", "10", *extra]

    def test_help(self):
        result = run("--help")
        self.assertEqual(result.returncode, 0)
        self.assertIn("usage: gpt2_prepare", result.stdout)
        self.assertIn("--shard-tokens", result.stdout)

    def test_runs_on_the_tiny_vocabulary(self):
        result = run(*self.base())
        self.assertEqual(result.returncode, 0, result.stderr)
        val = read_shard(os.path.join(self.out, "text_val_000000.bin"))
        train = read_shard(os.path.join(self.out, "text_train_000000.bin"))
        self.assertEqual(val + train, [256] + list(b"hello world\n" * 10))
        self.assertEqual(len(val), 10)

    def test_errors(self):
        missing = os.path.join(self.out, "missing.txt")
        self.assert_one_line_error(run("--encoder", self.encoder, "--vocab", self.vocab),
                                   "--input")
        self.assert_one_line_error(run(*self.base("--input", missing)), "missing.txt")
        self.assert_one_line_error(run("--input", self.text, "--vocab", self.vocab), "--encoder")
        self.assert_one_line_error(run(*self.base("--documents", "lines")), "--documents")
        self.assert_one_line_error(run(*self.base("--shard-tokens", "x")), "--shard-tokens")
        self.assert_one_line_error(run(*self.base("--frobnicate")), "--frobnicate")
        self.assert_one_line_error(run(*self.base("--out-dir", missing)), "--out-dir")
        self.assert_one_line_error(run(*self.base("--val-tokens", "1000")), "--val-tokens")
        with open(self.encoder, "a") as f:
            f.write(",")
        self.assert_one_line_error(run(*self.base()), "encoder.json", "malformed JSON")

    def test_existing_shards_need_overwrite(self):
        self.assertEqual(run(*self.base()).returncode, 0)
        self.assert_one_line_error(run(*self.base()), "text_", "--overwrite")
        stale = os.path.join(self.out, "text_train_000007.bin")
        open(stale, "wb").close()
        self.assertEqual(run(*self.base("--overwrite")).returncode, 0)
        self.assertFalse(os.path.exists(stale), "a stale shard would be read by a glob")

    def test_empty_input_is_an_error_not_an_empty_shard(self):
        open(self.text, "w").close()
        self.assert_one_line_error(run(*self.base("--val-tokens", "0")), "no text")


@unittest.skipUnless(HAVE_SHARED, f"needs GPT-2's vocabulary and tinyshakespeare in {SHARED}")
class ReferenceTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.shakespeare_ids = reference_ids(SHAKESPEARE)
        cls.sample_ids = reference_ids(SAMPLE)

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.out = self.dir.name

    def tearDown(self):
        self.dir.cleanup()

    def prepare(self, *args):
        result = run("--encoder", ENCODER, "--vocab", VOCAB, "--out-dir", self.out, *args)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("summary:", result.stdout)
        return result

    def shards(self, name, split):
        files = sorted(f for f in os.listdir(self.out) if f.startswith(f"{name}_{split}_"))
        return [read_shard(os.path.join(self.out, f)) for f in files]

    def test_shakespeare_matches_the_reference_encoder(self):
        self.prepare("--input", SHAKESPEARE, "--val-tokens", "0")
        (train,) = self.shards("tinyshakespeare", "train")
        self.assertEqual(train, [EOT] + self.shakespeare_ids)

    def test_documents_split_and_shard_sizes(self):
        self.prepare("--input", SAMPLE, "--input", SHAKESPEARE, "--name", "both",
                     "--val-tokens", "1000", "--shard-tokens", "100000")
        (val,) = self.shards("both", "val")
        train = self.shards("both", "train")
        self.assertEqual(len(val), 1000)
        self.assertEqual([len(s) for s in train[:-1]], [100000] * (len(train) - 1))
        stream = [EOT] + self.sample_ids + [EOT] + self.shakespeare_ids
        self.assertEqual(val + sum(train, []), stream)

    def test_paragraph_documents_each_start_with_end_of_text(self):
        self.prepare("--input", SHAKESPEARE, "--documents", "paragraph", "--val-tokens", "0")
        (train,) = self.shards("tinyshakespeare", "train")
        with open(SHAKESPEARE, "rb") as f:
            text = f.read()
        paragraphs = text.count(b"\n\n") + (0 if text.endswith(b"\n\n") else 1)
        self.assertEqual(train.count(EOT), paragraphs)
        self.assertEqual(train[0], EOT)

    def test_tokenizer_file_decodes_every_id_as_the_encoder_spells_it(self):
        import json
        self.prepare("--input", SAMPLE, "--val-tokens", "0")
        with open(os.path.join(self.out, "gpt2_tokenizer.bin"), "rb") as f:
            data = f.read()
        magic, version, size, eot = struct.unpack("<4I", data[:16])
        self.assertEqual((magic, version, size, eot), (20240328, 2, 50257, EOT))
        byte_of = {char: b for b, char in gpt2_byte_alphabet().items()}
        with open(ENCODER, encoding="utf-8") as f:
            encoder = json.load(f)
        expected = [b""] * size
        for spelled, token_id in encoder.items():
            expected[token_id] = (spelled.encode() if spelled == "<|endoftext|>"
                                  else bytes(byte_of[c] for c in spelled))
        pos, pieces = 1024, []
        for _ in range(size):
            length = data[pos]
            pieces.append(data[pos + 1:pos + 1 + length])
            pos += 1 + length
        self.assertEqual(pos, len(data))
        self.assertEqual(pieces, expected)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: prepare_test.py PATH/TO/gpt2_prepare")
    PREPARE = sys.argv.pop(1)
    if not HAVE_SHARED:
        print(f"note: skipping the GPT-2 vocabulary tests: no {SHARED}", file=sys.stderr)
    unittest.main(verbosity=2)
