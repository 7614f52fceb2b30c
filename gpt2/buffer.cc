#include "gpt2/buffer.h"

#include <algorithm>
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

// Zeroing the gradients is a pure stream of stores (about 0.75 GB a step at d12, B=4, T=64),
// bound by memory bandwidth, and one core cannot draw all of it: each thread clears its own
// contiguous slice (one thread's triad bandwidth here is about half of two threads').
void FloatBuffer::Zero() {
  if (data_ == nullptr) return;
  constexpr size_t kSlice = 1 << 20;  // floats: big enough to amortise the fork
  const long slices = static_cast<long>((size_ + kSlice - 1) / kSlice);
#pragma omp parallel for schedule(static)
  for (long s = 0; s < slices; ++s) {
    const size_t begin = static_cast<size_t>(s) * kSlice;
    std::memset(data_ + begin, 0, std::min(kSlice, size_ - begin) * sizeof(float));
  }
}

}  // namespace gpt2
