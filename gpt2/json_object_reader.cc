#include "gpt2/json_object_reader.h"

#include <cstdint>

#include "kernels/error.h"

namespace gpt2 {
namespace {

class Reader {
 public:
  Reader(std::string_view json, const std::string& name) : json_(json), name_(name) {}

  std::vector<std::pair<std::string, long long>> Object() {
    std::vector<std::pair<std::string, long long>> members;
    Expect('{');
    SkipSpace();
    if (Peek() == '}') {
      ++pos_;
    } else {
      while (true) {
        std::string key = String();
        Expect(':');
        members.emplace_back(std::move(key), Integer());
        SkipSpace();
        if (Peek() == ',') {
          ++pos_;
          continue;
        }
        Expect('}');
        break;
      }
    }
    SkipSpace();
    if (pos_ != json_.size()) Fail("unexpected text after the object");
    return members;
  }

 private:
  [[noreturn]] void Fail(const std::string& what) const {
    int line = 1;
    for (size_t i = 0; i < pos_ && i < json_.size(); ++i) line += json_[i] == '\n';
    throw Error(name_ + ": malformed JSON at line " + std::to_string(line) + ": " + what);
  }

  char Peek() const { return pos_ < json_.size() ? json_[pos_] : '\0'; }

  void SkipSpace() {
    while (pos_ < json_.size() && (json_[pos_] == ' ' || json_[pos_] == '\t' ||
                                   json_[pos_] == '\n' || json_[pos_] == '\r')) {
      ++pos_;
    }
  }

  void Expect(char c) {
    SkipSpace();
    if (pos_ >= json_.size()) Fail(std::string("expected '") + c + "', found the end of the file");
    if (json_[pos_] != c) Fail(std::string("expected '") + c + "'");
    ++pos_;
  }

  long long Integer() {
    SkipSpace();
    const size_t start = pos_;
    if (Peek() == '-') ++pos_;
    long long value = 0;
    size_t digits = 0;
    while (Peek() >= '0' && Peek() <= '9') {
      if (value > (INT64_MAX - 9) / 10) Fail("integer too large");
      value = value * 10 + (json_[pos_++] - '0');
      ++digits;
    }
    if (digits == 0) Fail("expected an integer value");
    if (Peek() == '.' || Peek() == 'e' || Peek() == 'E')
      Fail("expected an integer, not a fraction");
    return json_[start] == '-' ? -value : value;
  }

  uint32_t Hex4() {
    if (json_.size() - pos_ < 4) Fail("truncated \\u escape");
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = json_[pos_++];
      value <<= 4;
      if (c >= '0' && c <= '9') {
        value |= c - '0';
      } else if (c >= 'a' && c <= 'f') {
        value |= c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        value |= c - 'A' + 10;
      } else {
        Fail("bad hex digit in a \\u escape");
      }
    }
    return value;
  }

  static void AppendUtf8(uint32_t code, std::string* out) {
    if (code < 0x80) {
      *out += static_cast<char>(code);
    } else if (code < 0x800) {
      *out += static_cast<char>(0xC0 | code >> 6);
      *out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      *out += static_cast<char>(0xE0 | code >> 12);
      *out += static_cast<char>(0x80 | (code >> 6 & 0x3F));
      *out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      *out += static_cast<char>(0xF0 | code >> 18);
      *out += static_cast<char>(0x80 | (code >> 12 & 0x3F));
      *out += static_cast<char>(0x80 | (code >> 6 & 0x3F));
      *out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  uint32_t Escape() {
    const char c = Peek();
    if (pos_ >= json_.size()) Fail("unterminated string");
    ++pos_;
    switch (c) {
      case '"':
        return '"';
      case '\\':
        return '\\';
      case '/':
        return '/';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'u':
        break;
      default:
        Fail(std::string("bad escape '\\") + c + "'");
    }
    const uint32_t unit = Hex4();
    if (unit >= 0xDC00 && unit <= 0xDFFF) Fail("lone low surrogate in a \\u escape");
    if (unit < 0xD800 || unit > 0xDBFF) return unit;
    if (json_.substr(pos_, 2) != "\\u") Fail("high surrogate without its low half");
    pos_ += 2;
    const uint32_t low = Hex4();
    if (low < 0xDC00 || low > 0xDFFF) Fail("high surrogate without its low half");
    return 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
  }

  std::string String() {
    Expect('"');
    std::string out;
    while (true) {
      if (pos_ >= json_.size()) Fail("unterminated string");
      const char c = json_[pos_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) Fail("control character inside a string");
      if (c == '\\') {
        AppendUtf8(Escape(), &out);
      } else {
        out += c;
      }
    }
  }

  std::string_view json_;
  const std::string& name_;
  size_t pos_ = 0;
};

}  // namespace

std::vector<std::pair<std::string, long long>> ReadStringToIntObject(std::string_view json,
                                                                     const std::string& name) {
  return Reader(json, name).Object();
}

}  // namespace gpt2
