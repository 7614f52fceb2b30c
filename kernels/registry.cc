#include "kernels/registry.h"

#include "kernels/families.h"

namespace gpt2 {

const Registry& Registry::Get() {
  static const Registry registry = [] {
    Registry r;
    RegisterNaiveFamily(r.AddFamily("naive", "plain loops with the semantics of llm.c"));

    KernelTable& tiled = r.AddFamily("tiled", "cache- and register-blocked plain C++ loops");
    RegisterMatmulTiled(tiled);
    RegisterAttentionTiled(tiled);

#if GPT2_HAVE_HIGHWAY
    KernelTable& highway = r.AddFamily("highway", "Google Highway SIMD, dispatched per CPU");
    RegisterAdamwHighway(highway);
    RegisterAttentionHighway(highway);
    RegisterCrossentropyHighway(highway);
    RegisterEncoderHighway(highway);
    RegisterGeluHighway(highway);
    RegisterLayernormHighway(highway);
    RegisterMatmulHighway(highway);
    RegisterResidualHighway(highway);
#endif

#if GPT2_HAVE_OPENBLAS
    KernelTable& openblas = r.AddFamily("openblas", "cblas_sgemm from OpenBLAS");
    RegisterMatmulOpenblas(openblas);
    RegisterAttentionOpenblas(openblas);
#endif
    return r;
  }();
  return registry;
}

KernelTable& Registry::AddFamily(const std::string& name, const std::string& description) {
  families_.push_back({name, description, KernelTable{}});
  return families_.back().kernels;
}

const KernelFamily* Registry::Find(const std::string& name) const {
  for (const KernelFamily& family : families_) {
    if (family.name == name) return &family;
  }
  return nullptr;
}

std::string Registry::FamilyNames() const {
  std::string names;
  for (const KernelFamily& family : families_) {
    names += (names.empty() ? "" : ", ") + family.name;
  }
  return names;
}

int FindKernel(const std::string& name) {
  for (int id = 0; id < kNumKernels; ++id) {
    if (name == kKernelInfo[id].name) return id;
  }
  return -1;
}

std::string KernelNames() {
  std::string names;
  for (int id = 0; id < kNumKernels; ++id) {
    names += std::string(id ? ", " : "") + kKernelInfo[id].name;
  }
  return names;
}

}  // namespace gpt2
