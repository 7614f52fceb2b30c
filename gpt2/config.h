// GPT-2 hyperparameters, as stored in an llm.c checkpoint header.
#ifndef GPT2_GPT2_CONFIG_H_
#define GPT2_GPT2_CONFIG_H_

#include <string>

namespace gpt2 {

struct GPT2Config {
  int max_seq_len = 0;        // maxT: rows of the position table
  int vocab_size = 0;         // V: real tokens
  int padded_vocab_size = 0;  // Vp: V rounded up so the LM head's rows stay aligned
  int num_layers = 0;         // L
  int num_heads = 0;          // NH
  int channels = 0;           // C
};

// "d12", "d24", "d36", "d48" (GPT-2 124M, 350M, 774M, 1558M), or a custom spec such as
// "L=2,C=64,NH=4,V=1000,maxT=32" (Vp rounds V up to a multiple of 128 unless Vp= is given).
// Throws gpt2::Error naming `flag`.
GPT2Config ParseModelSpec(const std::string& spec, const char* flag);

// Throws gpt2::Error, naming `source`, if the sizes are not a usable GPT-2.
void ValidateConfig(const GPT2Config& config, const std::string& source);

// "L=12 NH=12 C=768 V=50257 Vp=50304 maxT=1024".
std::string DescribeConfig(const GPT2Config& config);

}  // namespace gpt2

#endif  // GPT2_GPT2_CONFIG_H_
