#include "gpt2/flags.h"

#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "kernels/error.h"

namespace gpt2 {

Flags::Flags(std::string program, std::string summary)
    : program_(std::move(program)), summary_(std::move(summary)) {}

void Flags::Int(const std::string& name, int* value, const std::string& help, int min_value) {
  flags_.push_back({name, Kind::kInt, value, help, std::to_string(*value), min_value, false});
}

void Flags::Float(const std::string& name, float* value, const std::string& help) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", *value);
  flags_.push_back({name, Kind::kFloat, value, help, text, 0, false});
}

void Flags::String(const std::string& name, std::string* value, const std::string& help) {
  flags_.push_back({name, Kind::kString, value, help, *value, 0, false});
}

void Flags::Strings(const std::string& name, std::vector<std::string>* values,
                    const std::string& help) {
  flags_.push_back({name, Kind::kStrings, values, help, "", 0, false});
}

void Flags::Bool(const std::string& name, bool* value, const std::string& help) {
  flags_.push_back({name, Kind::kBool, value, help, "", 0, false});
}

Flags::Flag* Flags::Find(const std::string& name) {
  for (Flag& flag : flags_) {
    if (flag.name == name) return &flag;
  }
  return nullptr;
}

bool Flags::Given(const std::string& name) const {
  for (const Flag& flag : flags_) {
    if (flag.name == name) return flag.given;
  }
  return false;
}

void Flags::Set(Flag& flag, const std::string& text) {
  const std::string bad = "bad value '" + text + "' for " + flag.name;
  char* rest = nullptr;
  errno = 0;
  switch (flag.kind) {
    case Kind::kInt: {
      const long value = std::strtol(text.c_str(), &rest, 10);
      if (text.empty() || *rest != '\0' || errno != 0 || value > INT_MAX) {
        throw Error(bad + ": expected an integer");
      }
      if (value < flag.min_value) {
        throw Error(bad + ": must be at least " + std::to_string(flag.min_value));
      }
      *static_cast<int*>(flag.value) = static_cast<int>(value);
      break;
    }
    case Kind::kFloat: {
      const float value = std::strtof(text.c_str(), &rest);
      if (text.empty() || *rest != '\0' || errno != 0 || !std::isfinite(value)) {
        throw Error(bad + ": expected a finite number");
      }
      *static_cast<float*>(flag.value) = value;
      break;
    }
    case Kind::kString:
      if (text.empty()) throw Error(bad + ": expected a non-empty value");
      *static_cast<std::string*>(flag.value) = text;
      break;
    case Kind::kStrings:
      if (text.empty()) throw Error(bad + ": expected a non-empty value");
      static_cast<std::vector<std::string>*>(flag.value)->push_back(text);
      break;
    case Kind::kBool:
      *static_cast<bool*>(flag.value) = true;
      break;
  }
  flag.given = true;
}

bool Flags::Parse(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(Help().c_str(), stdout);
      return false;
    }
    std::string value;
    bool has_inline_value = false;
    const size_t eq = arg.find('=');
    if (arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_inline_value = true;
    }
    Flag* flag = Find(arg);
    if (flag == nullptr) {
      throw Error("unknown flag '" + arg + "' (see " + program_ + " --help)");
    }
    if (flag->kind == Kind::kBool) {
      if (has_inline_value) throw Error(flag->name + " takes no value");
      Set(*flag, "");
      continue;
    }
    if (!has_inline_value) {
      if (i + 1 >= argc) throw Error("missing value for " + flag->name);
      value = argv[++i];
    }
    Set(*flag, value);
  }
  return true;
}

std::string Flags::Help() const {
  std::string out = "usage: " + program_ + " [flags]\n" + summary_ + "\n\nflags:\n";
  for (const Flag& flag : flags_) {
    std::string left = "  " + flag.name;
    if (flag.kind != Kind::kBool) left += flag.kind == Kind::kInt ? " N" : " VALUE";
    if (left.size() < 24) left.resize(24, ' ');
    out += left + " " + flag.help;
    if (!flag.default_text.empty()) out += " (default: " + flag.default_text + ")";
    out += "\n";
  }
  out += "  -h, --help             print this help\n";
  return out;
}

}  // namespace gpt2
