#include "gpt2/buffer.h"

#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

#include "kernels/error.h"

namespace gpt2 {

constexpr size_t kAlignment = 64;  // a cache line, and one AVX-512 vector

FloatBuffer::FloatBuffer(size_t count, const char* what) : size_(count) {
  const size_t bytes = (count * sizeof(float) + kAlignment - 1) / kAlignment * kAlignment;
  data_ = static_cast<float*>(std::aligned_alloc(kAlignment, bytes > 0 ? bytes : kAlignment));
  if (data_ == nullptr) {
    throw Error("out of memory allocating " + std::to_string(bytes >> 20) + " MiB for " + what);
  }
  std::memset(data_, 0, bytes);
}

FloatBuffer::~FloatBuffer() { std::free(data_); }

FloatBuffer::FloatBuffer(FloatBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

FloatBuffer& FloatBuffer::operator=(FloatBuffer&& other) noexcept {
  std::swap(data_, other.data_);
  std::swap(size_, other.size_);
  return *this;
}

void FloatBuffer::Zero() { std::memset(data_, 0, size_ * sizeof(float)); }

}  // namespace gpt2
