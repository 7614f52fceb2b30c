// The registration functions of every family; registry.cc calls each one compiled in, and a
// kernel a family does not register falls back to naive.
#ifndef GPT2_KERNELS_FAMILIES_H_
#define GPT2_KERNELS_FAMILIES_H_

#include "kernels/ops.h"

namespace gpt2 {

void RegisterNaiveFamily(KernelTable& naive);

// tiled: cache- and register-blocked plain C++ (kernels/tiled_gemm.cc).
void RegisterMatmulTiled(KernelTable& tiled);
void RegisterAttentionTiled(KernelTable& tiled);

#if GPT2_HAVE_HIGHWAY
// highway: every kernel in Google Highway SIMD, dispatched at run time to the best target.
void RegisterAdamwHighway(KernelTable& highway);
void RegisterAttentionHighway(KernelTable& highway);
void RegisterCrossentropyHighway(KernelTable& highway);
void RegisterEncoderHighway(KernelTable& highway);
void RegisterGeluHighway(KernelTable& highway);
void RegisterLayernormHighway(KernelTable& highway);
void RegisterMatmulHighway(KernelTable& highway);
void RegisterResidualHighway(KernelTable& highway);
#endif

#if GPT2_HAVE_OPENBLAS
// openblas: the GEMM-shaped kernels as cblas_sgemm calls.
void RegisterMatmulOpenblas(KernelTable& openblas);
void RegisterAttentionOpenblas(KernelTable& openblas);
#endif

}  // namespace gpt2

#endif  // GPT2_KERNELS_FAMILIES_H_
