#include "gpt2/pretokenizer.h"

#include <algorithm>

#include "gpt2/unicode_classes.h"

namespace gpt2 {

size_t PieceSplitter::EndOfRun(size_t pos) const {
  const CharClass klass = DecodeUtf8Char(&text_[pos], text_.size() - pos).klass;
  while (pos < text_.size()) {
    const Utf8Char c = DecodeUtf8Char(&text_[pos], text_.size() - pos);
    if (c.klass != klass) break;
    pos += c.length;
  }
  return pos;
}

// 's 't 'm 'd 're 've 'll: the pattern's first alternatives, lower case only, as in GPT-2.
size_t PieceSplitter::ContractionLength(size_t pos) const {
  const std::string_view rest = text_.substr(pos);
  if (rest.size() < 2 || rest[0] != '\'') return 0;
  const char a = rest[1];
  if (a == 's' || a == 't' || a == 'm' || a == 'd') return 2;
  if (rest.size() >= 3) {
    const char b = rest[2];
    if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return 3;
  }
  return 0;
}

// \s+(?!\S) then \s+: a whitespace run is taken whole at the end of the text; before anything
// else its last character is left to lead the next piece (" word"), unless the run is only that
// one character.
size_t PieceSplitter::WhitespaceMatchEnd(size_t pos) const {
  size_t end = pos, last_start = pos;
  while (end < text_.size()) {
    const Utf8Char c = DecodeUtf8Char(&text_[end], text_.size() - end);
    if (c.klass != CharClass::kWhitespace) break;
    last_start = end;
    end += c.length;
  }
  if (end == text_.size() || last_start == pos) return end;
  return last_start;
}

bool PieceSplitter::Next(std::string_view* piece) {
  if (pos_ >= text_.size()) return false;
  const size_t start = pos_;
  size_t end;
  const Utf8Char first = DecodeUtf8Char(&text_[start], text_.size() - start);
  if (const size_t length = ContractionLength(start)) {
    end = start + length;
  } else if (first.klass != CharClass::kWhitespace) {
    end = EndOfRun(start);  // \p{L}+, \p{N}+ or [^\s\p{L}\p{N}]+
  } else if (first.code == ' ' && start + 1 < text_.size() &&
             DecodeUtf8Char(&text_[start + 1], text_.size() - start - 1).klass !=
                 CharClass::kWhitespace) {
    end = EndOfRun(start + 1);  // the optional space of " ?\p{L}+" and its siblings
  } else {
    end = WhitespaceMatchEnd(start);
  }
  *piece = text_.substr(start, end - start);
  pos_ = end;
  return true;
}

size_t SafeCutPoint(std::string_view text, size_t from) {
  // A space before a non-space always starts a piece (" ?\p{L}+" and its siblings), and the
  // whitespace before it, if any, ends a piece there both when the text goes on (\s+(?!\S) backs
  // off by one) and when the text is cut (\s+ at the end). The byte 0x20 never occurs inside a
  // multi-byte character, so p is always a character boundary.
  for (size_t p = std::max<size_t>(from, 1); p + 1 < text.size(); ++p) {
    if (text[p] == ' ' &&
        DecodeUtf8Char(&text[p + 1], text.size() - p - 1).klass != CharClass::kWhitespace) {
      return p;
    }
  }
  return text.size();
}

}  // namespace gpt2
