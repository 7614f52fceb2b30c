#include "gpt2/config.h"

#include <cerrno>
#include <climits>
#include <cstdlib>

#include "kernels/error.h"

namespace gpt2 {
namespace {

constexpr int kGpt2Vocab = 50257;
constexpr int kGpt2MaxT = 1024;
constexpr int kVocabPadding = 128;

GPT2Config Gpt2Size(int layers, int heads, int channels) {
  return {kGpt2MaxT, kGpt2Vocab, 0, layers, heads, channels};
}

int RoundUp(int value, int multiple) { return (value + multiple - 1) / multiple * multiple; }

}  // namespace

GPT2Config ParseModelSpec(const std::string& spec, const char* flag) {
  GPT2Config config;
  if (spec == "d12") {
    config = Gpt2Size(12, 12, 768);
  } else if (spec == "d24") {
    config = Gpt2Size(24, 16, 1024);
  } else if (spec == "d36") {
    config = Gpt2Size(36, 20, 1280);
  } else if (spec == "d48") {
    config = Gpt2Size(48, 25, 1600);
  } else {
    const std::string usage = std::string("bad value '") + spec + "' for " + flag +
                              ": expected d12, d24, d36, d48 or L=..,C=..,NH=..,V=..,maxT=..";
    size_t start = 0;
    while (start < spec.size()) {
      size_t end = spec.find(',', start);
      if (end == std::string::npos) end = spec.size();
      const std::string item = spec.substr(start, end - start);
      const size_t eq = item.find('=');
      if (eq == std::string::npos) throw Error(usage);
      const std::string key = item.substr(0, eq), text = item.substr(eq + 1);
      char* rest = nullptr;
      errno = 0;
      const long value = std::strtol(text.c_str(), &rest, 10);
      if (text.empty() || *rest != '\0' || errno != 0 || value <= 0 || value > INT_MAX) {
        throw Error(usage);
      }
      const int v = static_cast<int>(value);
      if (key == "L")
        config.num_layers = v;
      else if (key == "C")
        config.channels = v;
      else if (key == "NH")
        config.num_heads = v;
      else if (key == "V")
        config.vocab_size = v;
      else if (key == "Vp")
        config.padded_vocab_size = v;
      else if (key == "maxT")
        config.max_seq_len = v;
      else
        throw Error(usage);
      start = end + 1;
    }
  }
  if (config.padded_vocab_size == 0) {
    config.padded_vocab_size = RoundUp(config.vocab_size, kVocabPadding);
  }
  ValidateConfig(config, std::string("bad value '") + spec + "' for " + flag);
  return config;
}

void ValidateConfig(const GPT2Config& c, const std::string& source) {
  if (c.max_seq_len <= 0 || c.vocab_size <= 0 || c.num_layers <= 0 || c.num_heads <= 0 ||
      c.channels <= 0) {
    throw Error(source + ": every size must be positive (" + DescribeConfig(c) + ")");
  }
  if (c.padded_vocab_size < c.vocab_size) {
    throw Error(source + ": padded vocab Vp is smaller than V (" + DescribeConfig(c) + ")");
  }
  if (c.channels % c.num_heads != 0) {
    throw Error(source + ": channels C must be a multiple of heads NH (" + DescribeConfig(c) + ")");
  }
  // Token ids are stored as uint16 in shards and tensor sizes are computed in size_t, but each
  // kernel takes an int element count: keep one layer's largest tensor (4C x C) inside int. Each
  // size is bounded on its own first, so no product below can overflow (a header from the fuzzer
  // with C = 1677721604 once did).
  if (c.vocab_size > 65536 || c.padded_vocab_size > (1 << 20) || c.channels > 23170 ||
      c.num_layers > (1 << 16) || c.max_seq_len > (1 << 20) ||
      4LL * c.channels * c.channels > INT_MAX) {
    throw Error(source + ": sizes too large (" + DescribeConfig(c) + ")");
  }
}

std::string DescribeConfig(const GPT2Config& c) {
  return "L=" + std::to_string(c.num_layers) + " NH=" + std::to_string(c.num_heads) +
         " C=" + std::to_string(c.channels) + " V=" + std::to_string(c.vocab_size) +
         " Vp=" + std::to_string(c.padded_vocab_size) + " maxT=" + std::to_string(c.max_seq_len);
}

}  // namespace gpt2
