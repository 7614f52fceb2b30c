// The two pieces every JSON file we write needs: numbers (null for inf and NaN, which JSON lacks)
// and quoted strings. Our files are small and flat, so they are built as text.
#ifndef GPT2_GPT2_JSON_TEXT_H_
#define GPT2_GPT2_JSON_TEXT_H_

#include <cmath>
#include <cstdio>
#include <string>

namespace gpt2 {

inline std::string JsonNumber(double value) {
  if (!std::isfinite(value)) return "null";
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", value);
  return text;
}

inline std::string JsonString(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace gpt2

#endif  // GPT2_GPT2_JSON_TEXT_H_
