// A zeroed, 64-byte-aligned float array that owns its memory. Zeroing at allocation touches
// every page once, up front, so no training step pays first-touch page faults.
#ifndef GPT2_GPT2_BUFFER_H_
#define GPT2_GPT2_BUFFER_H_

#include <cstddef>

namespace gpt2 {

// `bytes` of zeroed memory, 64-byte aligned; blocks of 2 MiB or more are 2 MiB-aligned and
// backed by transparent huge pages where the kernel allows. Free with std::free. Throws
// gpt2::Error naming `what` if the memory cannot be had.
void* AllocateZeroed(size_t bytes, const char* what);

class FloatBuffer {
 public:
  FloatBuffer() = default;
  // Throws gpt2::Error naming `what` if the memory cannot be had.
  FloatBuffer(size_t count, const char* what);
  ~FloatBuffer();
  FloatBuffer(FloatBuffer&& other) noexcept;
  FloatBuffer& operator=(FloatBuffer&& other) noexcept;
  FloatBuffer(const FloatBuffer&) = delete;
  FloatBuffer& operator=(const FloatBuffer&) = delete;

  float* data() const { return data_; }
  size_t size() const { return size_; }
  size_t bytes() const { return size_ * sizeof(float); }
  void Zero() { ZeroRange(0, size_); }
  // Zeroes floats [begin, end), on every thread.
  void ZeroRange(size_t begin, size_t end);

 private:
  float* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace gpt2

#endif  // GPT2_GPT2_BUFFER_H_
