// Which Highway target the highway family runs, and how to choose it.
//
// Every highway kernel is compiled for each target Highway supports on the build machine and
// dispatched at run time (HWY_DYNAMIC_DISPATCH on every call) to the best one the CPU has.
// Restricting dispatch to one compiled target lets the same binary compare ISAs on one CPU.
#ifndef GPT2_KERNELS_HIGHWAY_TARGETS_H_
#define GPT2_KERNELS_HIGHWAY_TARGETS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace gpt2 {

// The targets compiled into this binary that this CPU supports, best first (e.g. AVX3, AVX2,
// SSE4, SSSE3, SCALAR), as Highway names them.
std::vector<std::string> HighwayTargetNames();

// Restricts dispatch to the target called `name` (case-insensitive). Throws gpt2::Error naming
// `flag` if no such target was compiled, or if this CPU lacks it. An empty name changes nothing.
void SelectHighwayTarget(const std::string& name, const std::string& flag);

// Back to the best target the CPU supports.
void ResetHighwayTarget();

// "Highway AVX3 (compiled and supported: AVX3 AVX2 SSE4 SSSE3 SCALAR)", or a note that the
// highway family is not built.
std::string DescribeHighway();

}  // namespace gpt2

#endif  // GPT2_KERNELS_HIGHWAY_TARGETS_H_
