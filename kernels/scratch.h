// Per-thread scratch that grows once and is then reused: packing buffers without an allocation
// per kernel call.
#ifndef GPT2_KERNELS_SCRATCH_H_
#define GPT2_KERNELS_SCRATCH_H_

#include <cstddef>

namespace gpt2 {

// Two independent buffers per thread: the GEMM packs its panels in slot 0, so a kernel that
// stages its own data around GEMM calls uses slot 1.
inline constexpr int kGemmScratch = 0;
inline constexpr int kCallerScratch = 1;

// At least `floats` floats, 64-byte aligned, owned by the calling thread; valid until its next
// call for the same slot from the same thread.
float* AlignedThreadScratch(size_t floats, int slot = kGemmScratch);

}  // namespace gpt2

#endif  // GPT2_KERNELS_SCRATCH_H_
