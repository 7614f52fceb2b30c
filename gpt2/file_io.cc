#include "gpt2/file_io.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "kernels/error.h"

namespace gpt2 {

InputFile::InputFile(const std::string& path) : path_(path) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) {
    throw Error(path + ": cannot open: " + std::strerror(errno));
  }
  if (!S_ISREG(info.st_mode)) throw Error(path + ": not a regular file");
  file_ = std::fopen(path.c_str(), "rb");
  if (file_ == nullptr) throw Error(path + ": cannot open: " + std::strerror(errno));
  size_ = static_cast<size_t>(info.st_size);
}

InputFile::~InputFile() {
  if (file_ != nullptr) std::fclose(file_);
}

void InputFile::Read(void* out, size_t bytes, const char* what) {
  if (std::fread(out, 1, bytes, file_) != bytes) {
    throw Error(path_ + ": truncated: could not read " + what);
  }
}

void InputFile::Seek(size_t offset) {
  if (std::fseek(file_, static_cast<long>(offset), SEEK_SET) != 0) {
    throw Error(path_ + ": cannot seek to byte " + std::to_string(offset));
  }
}

std::string ReadFileContents(const std::string& path) {
  InputFile file(path);
  std::string bytes(file.size(), '\0');
  file.Read(bytes.data(), bytes.size(), "the file");
  return bytes;
}

void SaveAtomically(const std::string& path, const std::function<void(std::FILE*)>& write) {
  std::string temp_path = path + ".tmp.XXXXXX";
  std::vector<char> name(temp_path.begin(), temp_path.end());
  name.push_back('\0');
  const int fd = mkstemp(name.data());
  if (fd < 0) throw Error(path + ": cannot save: " + std::strerror(errno));
  temp_path = name.data();
  // mkstemp makes the file private; give the saved file the mode a plain fopen would.
  const mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  std::FILE* file = fdopen(fd, "wb");
  if (file == nullptr) {
    close(fd);
    unlink(temp_path.c_str());
    throw Error(path + ": cannot save: " + std::strerror(errno));
  }
  try {
    write(file);
  } catch (...) {
    std::fclose(file);
    unlink(temp_path.c_str());
    throw;
  }
  const bool ok = std::fflush(file) == 0 && !std::ferror(file) && fsync(fd) == 0;
  const int saved_errno = errno;
  if (std::fclose(file) != 0 || !ok) {
    unlink(temp_path.c_str());
    throw Error(path + ": cannot save: " + std::strerror(ok ? errno : saved_errno));
  }
  if (std::rename(temp_path.c_str(), path.c_str()) != 0) {
    const int rename_errno = errno;
    unlink(temp_path.c_str());
    throw Error(path + ": cannot save: " + std::strerror(rename_errno));
  }
}

}  // namespace gpt2
