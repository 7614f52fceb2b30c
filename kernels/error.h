// The one error type of the project: a one-line, user-facing message that names the file or
// flag at fault. Binaries catch it in main, print it and exit non-zero.
#ifndef GPT2_KERNELS_ERROR_H_
#define GPT2_KERNELS_ERROR_H_

#include <stdexcept>
#include <string>

namespace gpt2 {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace gpt2

#endif  // GPT2_KERNELS_ERROR_H_
