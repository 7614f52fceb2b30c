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

// A file of this process's own under /tmp holding exactly `size` bytes of `data`, removed when
// the object goes, so that a fuzzing run leaves nothing behind in /tmp.
class ScratchFile {
 public:
  ScratchFile(const char* name, const uint8_t* data, size_t size)
      : path_("/tmp/gpt2_fuzz_" + std::to_string(getpid()) + "_" + std::string(name)) {
    std::FILE* file = std::fopen(path_.c_str(), "wb");
    if (file == nullptr || (size > 0 && std::fwrite(data, 1, size, file) != size)) {
      std::perror(path_.c_str());
      std::abort();  // the harness, not the code under test, failed
    }
    std::fclose(file);
  }
  ~ScratchFile() { std::remove(path_.c_str()); }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace gpt2::fuzz

#endif  // GPT2_TESTS_FUZZ_FUZZ_UTIL_H_
