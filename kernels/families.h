// One registration function per kernel family; registry.cc calls each one compiled in.
#ifndef GPT2_KERNELS_FAMILIES_H_
#define GPT2_KERNELS_FAMILIES_H_

#include "kernels/ops.h"

namespace gpt2 {

void RegisterNaiveFamily(KernelTable& naive);

}  // namespace gpt2

#endif  // GPT2_KERNELS_FAMILIES_H_
