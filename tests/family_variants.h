// The kernel variants the family tests run: every family but naive, and the highway family once
// per Highway target that is compiled in and that this CPU supports ("highway_AVX2"), as
// Highway's own tests loop over targets.
#ifndef GPT2_TESTS_FAMILY_VARIANTS_H_
#define GPT2_TESTS_FAMILY_VARIANTS_H_

#include <string>
#include <vector>

#include "kernels/highway_targets.h"
#include "kernels/registry.h"
#include "kernels/threading.h"

namespace gpt2::test {

// `implements` picks the families a test applies to (by default, all).
inline std::vector<std::string> VariantsUnderTest(
    bool (*implements)(const KernelTable&) = nullptr) {
  std::vector<std::string> variants;
  for (const KernelFamily& family : Registry::Get().families()) {
    if (family.name == "naive" || (implements && !implements(family.kernels))) continue;
    if (family.name == "highway") {
      for (const std::string& target : HighwayTargetNames())
        variants.push_back("highway_" + target);
    } else {
      variants.push_back(family.name);
    }
  }
  return variants;
}

// Selects a variant's family, Highway target and thread count for one test, and restores the
// defaults afterwards.
class FamilyVariant {
 public:
  void Enter(const std::string& variant, int threads) {
    const size_t underscore = variant.find('_');
    family_ = Registry::Get().Find(variant.substr(0, underscore));
    if (underscore != std::string::npos) {
      SelectHighwayTarget(variant.substr(underscore + 1), "test variant");
    }
    SetThreads(threads);
  }
  ~FamilyVariant() {
    ResetHighwayTarget();
    SetThreads(1);
  }
  const KernelTable& table() const { return family_->kernels; }

 private:
  const KernelFamily* family_ = nullptr;
};

}  // namespace gpt2::test

#endif  // GPT2_TESTS_FAMILY_VARIANTS_H_
