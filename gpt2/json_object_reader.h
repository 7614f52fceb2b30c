// Reads the one JSON shape the tokenizer needs: a flat object of string keys and integer values,
// such as GPT-2's encoder.json ({"!": 0, "\"": 1, ...}). Strings may use every JSON escape,
// \uXXXX surrogate pairs included.
#ifndef GPT2_GPT2_JSON_OBJECT_READER_H_
#define GPT2_GPT2_JSON_OBJECT_READER_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gpt2 {

// The members in file order, keys as UTF-8. Throws gpt2::Error "NAME: malformed JSON at line L:
// ..." for anything else (another value type, a trailing comma, a duplicate key is allowed by
// JSON and left to the caller).
std::vector<std::pair<std::string, long long>> ReadStringToIntObject(std::string_view json,
                                                                     const std::string& name);

}  // namespace gpt2

#endif  // GPT2_GPT2_JSON_OBJECT_READER_H_
