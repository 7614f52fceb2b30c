#include "kernels/highway_targets.h"

#include <algorithm>
#include <cctype>

#include "kernels/error.h"

#if GPT2_HAVE_HIGHWAY
#include "hwy/highway.h"
#include "hwy/targets.h"
#endif

namespace gpt2 {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

#if GPT2_HAVE_HIGHWAY

std::vector<std::string> HighwayTargetNames() {
  std::vector<std::string> names;
  for (int64_t target : hwy::SupportedAndGeneratedTargets())
    names.push_back(hwy::TargetName(target));
  return names;
}

void SelectHighwayTarget(const std::string& name, const std::string& flag) {
  if (name.empty()) return;
  std::string compiled;
  for (int64_t targets = HWY_TARGETS; targets != 0; targets &= targets - 1) {
    const int64_t target = targets & -targets;
    compiled += std::string(compiled.empty() ? "" : ", ") + hwy::TargetName(target);
    if (Lower(hwy::TargetName(target)) != Lower(name)) continue;
    if ((hwy::SupportedTargets() & target) == 0) {
      throw Error("bad value '" + name + "' for " + flag + ": this CPU does not support " +
                  hwy::TargetName(target));
    }
    hwy::SetSupportedTargetsForTest(target);
    return;
  }
  throw Error("bad value '" + name + "' for " + flag + ": compiled Highway targets are " +
              compiled);
}

void ResetHighwayTarget() { hwy::SetSupportedTargetsForTest(0); }

std::string DescribeHighway() {
  const std::vector<std::string> names = HighwayTargetNames();
  std::string list;
  for (const std::string& n : names) list += (list.empty() ? "" : " ") + n;
  return "Highway " + (names.empty() ? std::string("none") : names.front()) +
         " (compiled and supported: " + list + ")";
}

#else

std::vector<std::string> HighwayTargetNames() { return {}; }

void SelectHighwayTarget(const std::string& name, const std::string& flag) {
  if (!name.empty())
    throw Error(flag + ": this build has no highway family (GPT2_WITH_HIGHWAY=OFF)");
}

void ResetHighwayTarget() {}

std::string DescribeHighway() { return "Highway not built"; }

#endif

}  // namespace gpt2
