// A small command-line parser shared by every binary: typed flags with help text, "--flag value"
// and "--flag=value", and a one-line gpt2::Error naming the flag for anything it cannot use.
#ifndef GPT2_GPT2_FLAGS_H_
#define GPT2_GPT2_FLAGS_H_

#include <string>
#include <vector>

namespace gpt2 {

class Flags {
 public:
  Flags(std::string program, std::string summary);

  // Each binds a flag to a variable holding its default. `name` is "-B" or "--steps".
  void Int(const std::string& name, int* value, const std::string& help, int min_value = 1);
  void Float(const std::string& name, float* value, const std::string& help);
  void String(const std::string& name, std::string* value, const std::string& help);
  // Repeatable: every occurrence appends.
  void Strings(const std::string& name, std::vector<std::string>* values, const std::string& help);
  // A switch without a value.
  void Bool(const std::string& name, bool* value, const std::string& help);

  // Returns false when --help was asked for (the help is printed); throws gpt2::Error on an
  // unknown flag, a missing value or a value of the wrong type.
  bool Parse(int argc, char** argv);
  std::string Help() const;
  // True if the user gave this flag (rather than leaving its default).
  bool Given(const std::string& name) const;

 private:
  enum class Kind { kInt, kFloat, kString, kStrings, kBool };
  struct Flag {
    std::string name;
    Kind kind;
    void* value;
    std::string help;
    std::string default_text;
    int min_value;
    bool given;
  };
  Flag* Find(const std::string& name);
  void Set(Flag& flag, const std::string& text);

  std::string program_, summary_;
  std::vector<Flag> flags_;
};

}  // namespace gpt2

#endif  // GPT2_GPT2_FLAGS_H_
