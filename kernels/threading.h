// One thread count for every library a kernel may use.
//
// OpenMP runs the naive and tiled kernels; OpenBLAS runs the openblas family's GEMMs. By default we
// link Debian's OpenMP build of OpenBLAS, whose threads are the same libgomp pool as ours: one set
// of threads, and BLAS called from inside an OpenMP region (one small GEMM per attention head) runs
// single-threaded by itself. With the pthread build (CMake GPT2_OPENBLAS_THREADING=pthread) BLAS
// has threads of its own; then BLAS is called outside OpenMP regions with the full count and drops
// to one thread inside them (ScopedBlasThreads), so the cores are never oversubscribed.
#ifndef GPT2_KERNELS_THREADING_H_
#define GPT2_KERNELS_THREADING_H_

#include <string>

namespace gpt2 {

// Sets OpenMP's and OpenBLAS's thread counts for the process.
void SetThreads(int threads);

// "OpenMP 2 threads; OpenBLAS 0.3.21 ... (core Haswell, pthread, 2 threads)".
std::string DescribeThreading();

// How threads are pinned: "OMP_PROC_BIND=close OMP_PLACES=cores", or a note that they are not
// (then the OS may move them between cores, and timings get noisier).
std::string DescribePinning();

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
