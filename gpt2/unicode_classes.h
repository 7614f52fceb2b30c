// UTF-8 decoding and the three character classes of GPT-2's pre-tokenisation pattern: letters
// (\p{L}), numbers (\p{N}) and whitespace (\s), with everything else "other".
#ifndef GPT2_GPT2_UNICODE_CLASSES_H_
#define GPT2_GPT2_UNICODE_CLASSES_H_

#include <cstddef>
#include <cstdint>

namespace gpt2 {

enum class CharClass : uint8_t { kLetter, kNumber, kWhitespace, kOther };

struct Utf8Char {
  uint32_t code;    // the code point; for an invalid byte, the byte itself
  int length;       // bytes consumed, 1 to 4
  CharClass klass;  // an invalid byte is kOther
};

// Decodes the character starting at `text[0]` (`size` > 0 bytes available). Text need not be
// valid UTF-8: a byte that does not start a well-formed sequence (stray continuation bytes,
// overlong forms, surrogates, code points above U+10FFFF, a sequence cut short) is consumed on its
// own as an "other" character, so every input splits into pieces and round-trips byte for byte.
Utf8Char DecodeUtf8Char(const char* text, size_t size);

CharClass ClassifyCodePoint(uint32_t code);

}  // namespace gpt2

#endif  // GPT2_GPT2_UNICODE_CLASSES_H_
