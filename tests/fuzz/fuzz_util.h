// Shared by the fuzz targets: the loaders under test read files, so each input is written to a
// scratch file of this process first. gpt2::Error is the expected way to reject bad input; any
// other exception, a crash or a sanitizer report is a finding.
#ifndef GPT2_TESTS_FUZZ_FUZZ_UTIL_H_
#define GPT2_TESTS_FUZZ_FUZZ_UTIL_H_

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace gpt2::fuzz {

// A path of this process's own under /tmp, holding exactly `size` bytes of `data`.
inline std::string WriteScratchFile(const char* name, const uint8_t* data, size_t size) {
  const std::string path = "/tmp/gpt2_fuzz_" + std::to_string(getpid()) + "_" + std::string(name);
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr || (size > 0 && std::fwrite(data, 1, size, file) != size)) {
    std::perror(path.c_str());
    std::abort();  // the harness, not the code under test, failed
  }
  std::fclose(file);
  return path;
}

}  // namespace gpt2::fuzz

#endif  // GPT2_TESTS_FUZZ_FUZZ_UTIL_H_
