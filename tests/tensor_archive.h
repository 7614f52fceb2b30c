// Reads the "tensor archive" that scripts/make_reference.py writes: int32 magic 20241125,
// int32 version 1, int32 count; then per tensor int32 name length, the name, int32 dtype
// (0 float32, 1 int32), int32 ndim, ndim int64 dims and the row-major data, all little-endian.
#ifndef GPT2_TESTS_TENSOR_ARCHIVE_H_
#define GPT2_TESTS_TENSOR_ARCHIVE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace gpt2::test {

struct ArchiveTensor {
  std::vector<int64_t> dims;
  std::vector<float> floats;  // dtype 0
  std::vector<int32_t> ints;  // dtype 1
  size_t size() const;
};

class TensorArchive {
 public:
  // Throws gpt2::Error naming the file if it is missing or malformed.
  explicit TensorArchive(const std::string& path);
  // Throws gpt2::Error if the archive has no tensor of that name.
  const ArchiveTensor& Get(const std::string& name) const;

 private:
  std::string path_;
  std::map<std::string, ArchiveTensor> tensors_;
};

}  // namespace gpt2::test

#endif  // GPT2_TESTS_TENSOR_ARCHIVE_H_
