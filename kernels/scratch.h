// Per-thread scratch that grows once and is then reused: packing buffers without an allocation
// per kernel call.
#ifndef GPT2_KERNELS_SCRATCH_H_
#define GPT2_KERNELS_SCRATCH_H_

#include <cstddef>

namespace gpt2 {

// At least `floats` floats, 64-byte aligned, owned by the calling thread; valid until its next
// call from the same thread.
float* AlignedThreadScratch(size_t floats);

}  // namespace gpt2

#endif  // GPT2_KERNELS_SCRATCH_H_
