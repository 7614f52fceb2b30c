#include "gpt2/unicode_classes.h"

#include <algorithm>
#include <array>
#include <iterator>

namespace gpt2 {
namespace {

struct CodePointRange {
  uint32_t first, last;
};

#include "gpt2/unicode_classes_table.inc"

bool InRanges(const CodePointRange* begin, const CodePointRange* end, uint32_t code) {
  // The first range whose last code point is not below `code`.
  const CodePointRange* it = std::lower_bound(
      begin, end, code, [](const CodePointRange& range, uint32_t c) { return range.last < c; });
  return it != end && it->first <= code;
}

CharClass ClassifyByTable(uint32_t code) {
  if (InRanges(std::begin(kLetterRanges), std::end(kLetterRanges), code)) return CharClass::kLetter;
  if (InRanges(std::begin(kNumberRanges), std::end(kNumberRanges), code)) return CharClass::kNumber;
  if (InRanges(std::begin(kWhitespaceRanges), std::end(kWhitespaceRanges), code)) {
    return CharClass::kWhitespace;
  }
  return CharClass::kOther;
}

// ASCII is most of most text: one table look-up instead of three binary searches.
const std::array<CharClass, 128> kAsciiClasses = [] {
  std::array<CharClass, 128> classes{};
  for (uint32_t c = 0; c < 128; ++c) classes[c] = ClassifyByTable(c);
  return classes;
}();

bool IsContinuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

}  // namespace

CharClass ClassifyCodePoint(uint32_t code) {
  return code < 128 ? kAsciiClasses[code] : ClassifyByTable(code);
}

Utf8Char DecodeUtf8Char(const char* text, size_t size) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text);
  const unsigned char lead = bytes[0];
  if (lead < 0x80) return {lead, 1, kAsciiClasses[lead]};
  const Utf8Char invalid = {lead, 1, CharClass::kOther};
  int length;
  uint32_t code, min_code;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, code = lead & 0x1F, min_code = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, code = lead & 0x0F, min_code = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, code = lead & 0x07, min_code = 0x10000;
  } else {
    return invalid;  // a continuation byte, or 0xF8..0xFF
  }
  if (size < static_cast<size_t>(length)) return invalid;
  for (int i = 1; i < length; ++i) {
    if (!IsContinuation(bytes[i])) return invalid;
    code = code << 6 | (bytes[i] & 0x3F);
  }
  if (code < min_code || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return invalid;
  return {code, length, ClassifyByTable(code)};
}

}  // namespace gpt2
