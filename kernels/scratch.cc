#include "kernels/scratch.h"

#include <cstdlib>
#include <memory>
#include <new>

namespace gpt2 {

float* AlignedThreadScratch(size_t floats, int slot) {
  struct Free {
    void operator()(float* p) const { std::free(p); }
  };
  struct Buffer {
    std::unique_ptr<float, Free> data;
    size_t capacity = 0;
  };
  thread_local Buffer buffers[2];
  Buffer& buffer = buffers[slot];
  if (buffer.capacity < floats) {
    const size_t bytes = (floats * sizeof(float) + 63) / 64 * 64;
    buffer.data.reset(static_cast<float*>(std::aligned_alloc(64, bytes)));
    if (!buffer.data) throw std::bad_alloc();
    buffer.capacity = floats;
  }
  return buffer.data.get();
}

}  // namespace gpt2
