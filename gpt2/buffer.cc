#include "gpt2/buffer.h"

#include <sys/mman.h>
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "kernels/error.h"

namespace gpt2 {

constexpr size_t kAlignment = 64;              // a cache line, and one AVX-512 vector
constexpr size_t kHugePage = size_t{2} << 20;  // x86-64's transparent huge page

void* AllocateZeroed(size_t bytes, const char* what) {
  // A large block starts on a huge-page boundary and asks for huge pages: one TLB entry then
  // covers 2 MiB instead of 4 KiB. The step streams 2.4 GB (AdamW alone reads and writes every
  // parameter, gradient and moment), and the GEMMs walk the 201 KB-strided rows of the logits;
  // with 4 KiB pages that is a page walk every 4 KiB. Where the kernel does not grant them
  // (transparent_hugepage=never) the advice is ignored and the block is only more aligned.
  const bool huge = bytes >= kHugePage;
  const size_t alignment = huge ? kHugePage : kAlignment;
  bytes = std::max(alignment, (bytes + alignment - 1) / alignment * alignment);
  void* data = std::aligned_alloc(alignment, bytes);
  if (data == nullptr) {
    throw Error("out of memory allocating " + std::to_string(bytes >> 20) + " MiB for " + what);
  }
  if (huge) madvise(data, bytes, MADV_HUGEPAGE);  // advice only: failure changes nothing else
  std::memset(data, 0, bytes);                    // first touch, up front, with the advice in place
  return data;
}

FloatBuffer::FloatBuffer(size_t count, const char* what)
    : data_(static_cast<float*>(AllocateZeroed(count * sizeof(float), what))), size_(count) {}

FloatBuffer::~FloatBuffer() { std::free(data_); }

FloatBuffer::FloatBuffer(FloatBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

FloatBuffer& FloatBuffer::operator=(FloatBuffer&& other) noexcept {
  std::swap(data_, other.data_);
  std::swap(size_, other.size_);
  return *this;
}

namespace {

// Zeroes data[0, count) with non-temporal stores where the CPU has them: whole lines go
// straight to memory, without first being read into the cache and without evicting what the
// next kernels need. The zeroed buffers are far larger than the caches, so the lines would
// be written back anyway. On a 2-vCPU Intel Xeon, d12 B=4 T=64 (highway, alternated step by
// step in one process), ZeroGrad took 10.7-12.1 ms instead of memset's 25.6-26.7 at 1 thread
// and 5.4-6.2 instead of 14.1-14.5 at 2, and the whole step 1.1-2.3% less.
void StoreZeros(float* data, size_t count) {
#if defined(__SSE2__)
  size_t i = 0;
  for (; i < count && reinterpret_cast<uintptr_t>(data + i) % 16 != 0; ++i) data[i] = 0.0f;
  const __m128 zeros = _mm_setzero_ps();
  for (; i + 4 <= count; i += 4) _mm_stream_ps(data + i, zeros);
  for (; i < count; ++i) data[i] = 0.0f;
  _mm_sfence();  // streamed stores are weakly ordered: finish them before another thread reads
#else
  std::memset(data, 0, count * sizeof(float));
#endif
}

}  // namespace

// Zeroing the activation gradients is a pure stream of stores (about 0.17 GB a step at d12,
// B=4, T=64, and 0.7 GB at B=1, T=1024, attention's T×T scratch left out), bound by memory
// bandwidth, and one core cannot draw all of it: each thread clears its own contiguous slice
// (one thread's triad bandwidth here is about half of two threads').
void FloatBuffer::ZeroRange(size_t begin, size_t end) {
  if (data_ == nullptr || begin >= end) return;
  constexpr size_t kSlice = 1 << 20;  // floats: big enough to amortise the fork
  const long slices = static_cast<long>((end - begin + kSlice - 1) / kSlice);
#pragma omp parallel for schedule(static)
  for (long s = 0; s < slices; ++s) {
    const size_t first = begin + static_cast<size_t>(s) * kSlice;
    StoreZeros(data_ + first, std::min(kSlice, end - first));
  }
}

}  // namespace gpt2
