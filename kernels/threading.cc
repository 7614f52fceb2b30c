#include "kernels/threading.h"

#include <cstdlib>

#include <omp.h>

#if GPT2_HAVE_OPENBLAS
#include <cblas.h>
#endif

namespace gpt2 {

void SetThreads(int threads) {
  omp_set_num_threads(threads);
#if GPT2_HAVE_OPENBLAS
  openblas_set_num_threads(threads);
#endif
}

std::string DescribeThreading() {
  std::string out = "OpenMP " + std::to_string(omp_get_max_threads()) + " threads";
#if GPT2_HAVE_OPENBLAS
  static const char* kParallel[] = {"sequential", "pthread", "OpenMP"};
  const int parallel = openblas_get_parallel();
  out += std::string("; ") + openblas_get_config() + " (core " + openblas_get_corename() + ", " +
         (parallel >= 0 && parallel <= 2 ? kParallel[parallel] : "?") + ", " +
         std::to_string(openblas_get_num_threads()) + " threads)";
#endif
  return out;
}

std::string DescribePinning() {
  const char* bind = std::getenv("OMP_PROC_BIND");
  const char* places = std::getenv("OMP_PLACES");
  if (!bind || !*bind || std::string(bind) == "false") {
    return "none (OMP_PROC_BIND unset or false: the OS may move threads between cores)";
  }
  return std::string("OMP_PROC_BIND=") + bind +
         " OMP_PLACES=" + (places && *places ? places : "(unset: threads)");
}

#if GPT2_HAVE_OPENBLAS
// OpenBLAS's OpenMP build already runs single-threaded inside an OpenMP region, and there its
// openblas_set_num_threads would set OpenMP's count for the region about to start: leave it be.
constexpr int kOpenblasOpenmp = 2;  // openblas_get_parallel()'s value for the OpenMP build

ScopedBlasThreads::ScopedBlasThreads(int threads) : saved_(openblas_get_num_threads()) {
  if (openblas_get_parallel() != kOpenblasOpenmp) openblas_set_num_threads(threads);
}
ScopedBlasThreads::~ScopedBlasThreads() {
  if (openblas_get_parallel() != kOpenblasOpenmp) openblas_set_num_threads(saved_);
}
#else
ScopedBlasThreads::ScopedBlasThreads(int) : saved_(1) {}
ScopedBlasThreads::~ScopedBlasThreads() {}
#endif

}  // namespace gpt2
