// Small helpers for the binary file formats: reading exact byte counts with errors that name the
// file, and saving atomically (temporary file in the same directory, flush, rename), so a file a
// user saved is never left half-written.
#ifndef GPT2_GPT2_FILE_IO_H_
#define GPT2_GPT2_FILE_IO_H_

#include <cstdio>
#include <functional>
#include <string>

namespace gpt2 {

// An open file that closes itself. Throws gpt2::Error naming `path` if it cannot be opened.
class InputFile {
 public:
  explicit InputFile(const std::string& path);
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  size_t size() const { return size_; }
  const std::string& path() const { return path_; }
  // Reads exactly `bytes` at the current position; throws "PATH: truncated ..." otherwise.
  void Read(void* out, size_t bytes, const char* what);
  void Seek(size_t offset);

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  size_t size_ = 0;
};

// The whole file as bytes. Throws gpt2::Error naming `path` if it cannot be opened or read.
std::string ReadFileContents(const std::string& path);

// Calls write(file) on PATH.tmp.XXXXXX beside `path`, then fsyncs and renames it over `path`.
// Throws gpt2::Error naming `path` (a missing directory, a full disk, ...); the old file, if any,
// is left as it was.
void SaveAtomically(const std::string& path, const std::function<void(std::FILE*)>& write);

}  // namespace gpt2

#endif  // GPT2_GPT2_FILE_IO_H_
