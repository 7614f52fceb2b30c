// The GPT-2 tokenizer: pre-tokenisation against pieces the `regex` module gives for the original
// pattern, the heap-based merge loop against a plain GPT-2-style merge loop, the vocabulary
// loaders' errors, and, where ../shared/data is present, ids against scripts/bpe_reference.py's
// committed output and a byte-exact round trip over tinyshakespeare.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "gpt2/bpe_encoder.h"
#include "gpt2/bpe_vocab.h"
#include "gpt2/json_object_reader.h"
#include "gpt2/pretokenizer.h"
#include "gpt2/rng.h"
#include "gpt2/tokenizer.h"
#include "gpt2/unicode_classes.h"
#include "kernels/error.h"
#include "tests/test_util.h"
#include "tests/tiny_bpe_files.h"

namespace gpt2 {
namespace {

using test::ReadWholeFile;
using test::WriteWholeFile;

const std::string kSharedData = GPT2_SOURCE_DIR "/../shared/data/";
const std::string kFixtures = GPT2_SOURCE_DIR "/tests/fixtures/";

std::vector<std::string> Pieces(std::string_view text) {
  std::vector<std::string> pieces;
  PieceSplitter splitter(text);
  std::string_view piece;
  while (splitter.Next(&piece)) pieces.emplace_back(piece);
  return pieces;
}

// Expected pieces printed by regex.findall with GPT-2's pattern (python3-regex 2.5.123).
TEST(PretokenizerTest, MatchesTheOriginalPatternOnEveryBranch) {
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"Hello world", {"Hello", " world"}},
      {"it's IT'S they'll 'sa ''x",
       {"it", "'s", " IT", "'", "S", " they", "'ll", " '", "sa", " ''", "x"}},
      {"  two  spaces\n\nnext", {" ", " two", " ", " spaces", "\n", "\n", "next"}},
      {"tabs\t\t x", {"tabs", "\t\t", " x"}},
      {"end  ", {"end", "  "}},
      {" 42nd ٣٤٥x², Ⅻ", {" 42", "nd", " ٣٤٥", "x", "²", ",", " Ⅻ"}},
      {"café naïve", {"café", " naïve"}},
      {"नमस्ते", {"नमस", "्", "त", "े"}},
      {"a\u00a0b \u3000c", {"a", "\u00a0", "b", " ", "\u3000", "c"}},
      {"👍🏽 ok!?", {"👍🏽", " ok", "!?"}},
      {"one\r\nWindows", {"one", "\r", "\n", "Windows"}},
      {" ", {" "}},
      {"a \n b", {"a", " \n", " b"}},
      {"x  ", {"x", "  "}},
      {"", {}},
  };
  for (const auto& [text, expected] : cases) EXPECT_EQ(Pieces(text), expected) << text;
}

TEST(PretokenizerTest, InvalidUtf8BytesAreOtherCharactersAndRoundTrip) {
  // Stray continuation, overlong "/", an encoded surrogate, above U+10FFFF, a cut-short sequence.
  for (const std::string bad :
       {"\x80", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82"}) {
    const Utf8Char c = DecodeUtf8Char(bad.data(), bad.size());
    EXPECT_EQ(c.length, 1) << "first byte " << int(static_cast<unsigned char>(bad[0]));
    EXPECT_EQ(c.klass, CharClass::kOther);
  }
  const std::string text = "ab\xFF\xFE!c \xC3";
  EXPECT_EQ(Pieces(text), (std::vector<std::string>{"ab", "\xFF\xFE!", "c", " \xC3"}));
}

TEST(PretokenizerTest, CharacterClassesFollowUnicodeCategories) {
  EXPECT_EQ(ClassifyCodePoint('a'), CharClass::kLetter);
  EXPECT_EQ(ClassifyCodePoint(0x4E2D), CharClass::kLetter);      // 中
  EXPECT_EQ(ClassifyCodePoint(0x0663), CharClass::kNumber);      // Arabic-Indic 3
  EXPECT_EQ(ClassifyCodePoint(0x00B2), CharClass::kNumber);      // superscript 2 (No)
  EXPECT_EQ(ClassifyCodePoint(0x3000), CharClass::kWhitespace);  // ideographic space
  EXPECT_EQ(ClassifyCodePoint(0x0085), CharClass::kWhitespace);  // next line
  EXPECT_EQ(ClassifyCodePoint(0x001C), CharClass::kOther);       // \s in regex, not in str
  EXPECT_EQ(ClassifyCodePoint(0x0301), CharClass::kOther);       // combining acute (Mn)
  EXPECT_EQ(ClassifyCodePoint(0x1F44D), CharClass::kOther);      // 👍
}

// Cutting at SafeCutPoint and splitting the parts alone gives the pieces of the whole.
TEST(PretokenizerTest, SafeCutPointsDoNotChangeThePieces) {
  Rng rng(7);
  const std::vector<std::string> atoms = {" ", "  ", "\n", "\t",     "a",      "Z",    "7",
                                          "!", "'s", "é",  "\u3000", "\u00a0", "\xFF", "٣"};
  for (int trial = 0; trial < 300; ++trial) {
    std::string text;
    const int length = 1 + static_cast<int>(rng.NextUniform() * 40);
    for (int i = 0; i < length; ++i)
      text += atoms[static_cast<size_t>(rng.NextUniform() * atoms.size())];
    std::vector<std::string> chunked;
    for (size_t begin = 0; begin < text.size();) {
      const size_t end = SafeCutPoint(text, begin + 1 + static_cast<size_t>(rng.NextUniform() * 8));
      for (std::string& piece : Pieces(std::string_view(text).substr(begin, end - begin))) {
        chunked.push_back(std::move(piece));
      }
      begin = end;
    }
    ASSERT_EQ(chunked, Pieces(text)) << "text: '" << text << "'";
  }
}

TEST(JsonObjectReaderTest, ReadsEscapesAndSurrogatePairsInFileOrder) {
  const auto members =
      ReadStringToIntObject(R"( {"a": 1, "\u00e9\"\\\/\n": -2 ,"\ud83d\ude00":30} )", "test.json");
  ASSERT_EQ(members.size(), 3u);
  EXPECT_EQ(members[0], (std::pair<std::string, long long>("a", 1)));
  EXPECT_EQ(members[1], (std::pair<std::string, long long>("é\"\\/\n", -2)));
  EXPECT_EQ(members[2], (std::pair<std::string, long long>("😀", 30)));
  EXPECT_TRUE(ReadStringToIntObject("{}", "empty.json").empty());
}

TEST(JsonObjectReaderTest, MalformedJsonIsAnErrorNamingTheFileAndLine) {
  for (const std::string bad : {"", "[1]", "{\"a\": 1,}", "{\"a\": 1.5}", "{\"a\": \"x\"}",
                                "{\"a\" 1}", "{\"a\": 1} x", "{\"a", "{\"\\ud800\": 1}",
                                "{\"\\q\": 1}", "{\"a\": 99999999999999999999}", "{\n\"\t\": 1}"}) {
    try {
      ReadStringToIntObject(bad, "encoder.json");
      ADD_FAILURE() << "accepted: " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).rfind("encoder.json: malformed JSON at line ", 0), 0u)
          << e.what();
    }
  }
}

// A small vocabulary: the 256 bytes, then the given merges' results in order, then end-of-text.
class TinyVocabTest : public test::TempDirTest {
 protected:
  void Write(const std::vector<std::pair<std::string, std::string>>& merges,
             const std::string& extra_encoder_entries = "",
             const std::string& extra_merge_lines = "") {
    const test::TinyBpeFiles files = test::MakeTinyBpeFiles(merges, extra_encoder_entries);
    WriteWholeFile(Path("encoder.json"), files.encoder_json);
    WriteWholeFile(Path("vocab.bpe"), files.vocab_bpe + extra_merge_lines);
  }
  BpeVocab Load() { return BpeVocab(Path("encoder.json"), Path("vocab.bpe")); }

  std::string LoadError() {
    try {
      Load();
    } catch (const Error& e) {
      return e.what();
    }
    return "(no error)";
  }
};

// GPT-2's merge loop as written in its encoder.py, on token ids: find the best-ranked pair,
// merge it at every occurrence left to right, repeat. Quadratic, plain, and the test's oracle.
std::vector<int> PlainMerge(const BpeVocab& vocab, const std::string& piece) {
  std::vector<int> word;
  for (unsigned char b : piece) word.push_back(vocab.byte_token(b));
  while (word.size() > 1) {
    int best_rank = -1, left = -1, right = -1, merged = -1;
    for (size_t i = 0; i + 1 < word.size(); ++i) {
      const BpeVocab::Merge m = vocab.FindMerge(word[i], word[i + 1]);
      if (m.rank >= 0 && (best_rank < 0 || m.rank < best_rank)) {
        best_rank = m.rank, left = word[i], right = word[i + 1], merged = m.merged;
      }
    }
    if (best_rank < 0) break;
    std::vector<int> next;
    for (size_t i = 0; i < word.size(); ++i) {
      if (i + 1 < word.size() && word[i] == left && word[i + 1] == right) {
        next.push_back(merged);
        ++i;
      } else {
        next.push_back(word[i]);
      }
    }
    word = next;
  }
  return word;
}

TEST_F(TinyVocabTest, HeapMergeLoopMatchesThePlainLoopOnOverlappingMerges) {
  // Overlapping and chained merges. Ids: bytes 0..255, then aa=256, ba=257, aaa=258, ab=259, ...
  Write({{"a", "a"},
         {"b", "a"},
         {"aa", "a"},
         {"a", "b"},
         {"aa", "aa"},
         {"ba", "aa"},
         {"ab", "ab"},
         {"aaa", "b"}});
  const BpeVocab vocab = Load();
  BpeEncoder encoder(vocab);
  EXPECT_EQ(encoder.Encode("aaa"), (std::vector<int>{258}));        // (aa)a, not a(aa)
  EXPECT_EQ(encoder.Encode("baaa"), (std::vector<int>{'b', 258}));  // aa (rank 0) before ba
  Rng rng(3);
  for (int trial = 0; trial < 2000; ++trial) {
    std::string word;
    const int length = 1 + static_cast<int>(rng.NextUniform() * 12);
    for (int i = 0; i < length; ++i) word += rng.NextUniform() < 0.6 ? 'a' : 'b';
    EXPECT_EQ(encoder.Encode(word), PlainMerge(vocab, word)) << word;
    EXPECT_EQ(encoder.Encode(word), PlainMerge(vocab, word)) << word << " (from the cache)";
  }
}

TEST_F(TinyVocabTest, AMegabyteLongPieceEncodesAndRoundTrips) {
  Write({{"a", "a"}, {"aa", "aa"}, {"aaaa", "aaaa"}});
  const BpeVocab vocab = Load();
  const std::string text(1 << 20, 'a');  // one piece: quadratic merging would take hours
  const std::vector<int> ids = BpeEncoder(vocab).Encode(text);
  EXPECT_EQ(ids.size(), text.size() / 8);
  EXPECT_EQ(vocab.Decode(ids), text);
}

TEST_F(TinyVocabTest, RandomBytesRoundTrip) {
  Write({{"a", "b"}, {" ", "a"}});
  const BpeVocab vocab = Load();
  BpeEncoder encoder(vocab);
  Rng rng(11);
  for (int trial = 0; trial < 200; ++trial) {
    std::string bytes(static_cast<size_t>(rng.NextUniform() * 64), '\0');
    for (char& c : bytes) c = static_cast<char>(rng.NextUniform() * 256);
    ASSERT_EQ(vocab.Decode(encoder.Encode(bytes)), bytes);
  }
}

TEST_F(TinyVocabTest, TokenizerFileRoundTripsThroughTheDecoder) {
  Write({{"a", "b"}});
  const BpeVocab vocab = Load();
  SaveTokenizerFile(Path("tok.bin"), vocab.pieces(), vocab.end_of_text());
  const TokenDecoder decoder(Path("tok.bin"));
  ASSERT_EQ(decoder.vocab_size(), vocab.size());
  EXPECT_EQ(decoder.end_of_text(), vocab.end_of_text());
  for (int id = 0; id < vocab.size(); ++id) EXPECT_EQ(decoder.Decode(id), vocab.piece(id));
  EXPECT_THROW(SaveTokenizerFile(Path("long.bin"), {std::string(256, 'x')}, 0), Error);
  EXPECT_THROW(SaveTokenizerFile(Path("eot.bin"), {"a"}, 1), Error);
}

TEST_F(TinyVocabTest, BadVocabularyFilesAreErrorsNamingTheFile) {
  Write({{"a", "b"}}, "", "a c\n");
  EXPECT_NE(LoadError().find("vocab.bpe: line 3: merge of tokens missing from the encoder"),
            std::string::npos)
      << LoadError();
  Write({{"a", "b"}}, "", "a b\n");
  EXPECT_NE(LoadError().find("vocab.bpe: line 3: the same merge is listed twice"),
            std::string::npos)
      << LoadError();
  Write({{"a", "b"}}, "", "ab\n");
  EXPECT_NE(LoadError().find("vocab.bpe: line 3: expected two tokens"), std::string::npos)
      << LoadError();
  Write({{"a", "b"}}, "\"x y\": 999, ");
  EXPECT_NE(LoadError().find("encoder.json: token \"x y\" has id 999, outside 0..258"),
            std::string::npos)
      << LoadError();
  Write({{"a", "b"}}, "\"\\u0800\": 258, ");
  EXPECT_NE(LoadError().find("not spelled in GPT-2's byte alphabet"), std::string::npos)
      << LoadError();
  WriteWholeFile(Path("encoder.json"), "{\"a\": 0, \"<|endoftext|>\": 1}");
  EXPECT_NE(LoadError().find("encoder.json: byte 0 has no token of its own"), std::string::npos)
      << LoadError();
  WriteWholeFile(Path("encoder.json"), "{\"a\": 0}");
  EXPECT_NE(LoadError().find("encoder.json: no <|endoftext|> token"), std::string::npos)
      << LoadError();
  WriteWholeFile(Path("encoder.json"), "{\"a\": 0,");
  EXPECT_NE(LoadError().find("encoder.json: malformed JSON at line 1"), std::string::npos)
      << LoadError();
  std::remove(Path("encoder.json").c_str());
  EXPECT_NE(LoadError().find("encoder.json: cannot open"), std::string::npos) << LoadError();
}

// GPT-2's real files, from ../shared/data beside the repository.
class Gpt2VocabTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!std::ifstream(kSharedData + "gpt2-encoder.json") ||
        !std::ifstream(kSharedData + "gpt2-vocab.bpe")) {
      return;
    }
    vocab_ = new BpeVocab(kSharedData + "gpt2-encoder.json", kSharedData + "gpt2-vocab.bpe");
  }
  static void TearDownTestSuite() {
    delete vocab_;
    vocab_ = nullptr;
  }
  void SetUp() override {
    if (vocab_ == nullptr)
      GTEST_SKIP() << "no " << kSharedData << "gpt2-encoder.json/gpt2-vocab.bpe";
  }
  static BpeVocab* vocab_;
};
BpeVocab* Gpt2VocabTest::vocab_ = nullptr;

TEST_F(Gpt2VocabTest, KnownIds) {
  EXPECT_EQ(vocab_->size(), 50257);
  EXPECT_EQ(vocab_->end_of_text(), kGpt2EndOfText);
  EXPECT_EQ(BpeEncoder(*vocab_).Encode("Hello world"), (std::vector<int>{15496, 995}));
  EXPECT_EQ(BpeEncoder(*vocab_).Encode(" the"), (std::vector<int>{262}));
}

// tests/fixtures/bpe_sample_ids.txt was written by scripts/bpe_reference.py, an independent
// Python implementation of GPT-2's original encoder on the `regex` module.
TEST_F(Gpt2VocabTest, SampleTextMatchesTheReferenceEncoder) {
  const std::string text = ReadWholeFile(kFixtures + "bpe_sample.txt");
  ASSERT_FALSE(text.empty());
  std::istringstream in(ReadWholeFile(kFixtures + "bpe_sample_ids.txt"));
  std::vector<int> expected;
  for (int id; in >> id;) expected.push_back(id);
  ASSERT_GT(expected.size(), 500u);
  EXPECT_EQ(BpeEncoder(*vocab_).Encode(text), expected);
}

TEST_F(Gpt2VocabTest, TinyShakespeareRoundTripsByteForByte) {
  const std::string text = ReadWholeFile(kSharedData + "tinyshakespeare.txt");
  if (text.empty()) GTEST_SKIP() << "no " << kSharedData << "tinyshakespeare.txt";
  const std::vector<int> ids = BpeEncoder(*vocab_).Encode(text);
  EXPECT_GT(ids.size(), text.size() / 5);
  EXPECT_EQ(vocab_->Decode(ids), text);
}

TEST_F(Gpt2VocabTest, InvalidUtf8RoundTrips) {
  const std::string text = "caf\xC3\xA9 \xC3(\xA0\xA1 \xF0\x9F\x98 end\xFF";
  EXPECT_EQ(vocab_->Decode(BpeEncoder(*vocab_).Encode(text)), text);
}

}  // namespace
}  // namespace gpt2
