// One thread count for every library a kernel may use.
//
// OpenMP runs the naive and tiled kernels; OpenBLAS (Debian's default pthread build) runs its own
// threads. They never run at the same time: BLAS is called from outside OpenMP regions with the
// full thread count, and where a kernel calls BLAS from inside an OpenMP region (many small
// GEMMs, one per attention head) it drops BLAS to one thread for that region (ScopedBlasThreads),
// so the cores are never oversubscribed.
#ifndef GPT2_KERNELS_THREADING_H_
#define GPT2_KERNELS_THREADING_H_

#include <string>

namespace gpt2 {

// Sets OpenMP's and OpenBLAS's thread counts for the process.
void SetThreads(int threads);

// "OpenMP 2 threads; OpenBLAS 0.3.21 ... (core Haswell, pthread, 2 threads)".
std::string DescribeThreading();

// Runs BLAS on `threads` threads for the lifetime of this object, then restores the count.
class ScopedBlasThreads {
 public:
  explicit ScopedBlasThreads(int threads);
  ~ScopedBlasThreads();
  ScopedBlasThreads(const ScopedBlasThreads&) = delete;
  ScopedBlasThreads& operator=(const ScopedBlasThreads&) = delete;

 private:
  int saved_;
};

}  // namespace gpt2

#endif  // GPT2_KERNELS_THREADING_H_
