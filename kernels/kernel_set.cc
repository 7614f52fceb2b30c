#include "kernels/kernel_set.h"

#include <cstdio>

#include "kernels/error.h"
#include "kernels/registry.h"

#ifndef GPT2_DEFAULT_FAMILY
#define GPT2_DEFAULT_FAMILY "naive"
#endif
#ifndef GPT2_KERNEL_OVERRIDES
#define GPT2_KERNEL_OVERRIDES ""
#endif

namespace gpt2 {
namespace {

std::vector<std::string> SplitList(const std::string& list) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = list.find_first_of(",;", start);
    if (end == std::string::npos) end = list.size();
    if (end > start) items.push_back(list.substr(start, end - start));
    start = end + 1;
  }
  return items;
}

const KernelFamily& FindFamily(const Registry& registry, const std::string& name,
                               const char* flag) {
  const KernelFamily* family = registry.Find(name);
  if (family == nullptr) {
    throw Error(std::string("unknown kernel family '") + name + "' in " + flag +
                "; valid: " + registry.FamilyNames());
  }
  return *family;
}

void Assign(KernelSet& set, int id, const KernelFamily& family, const KernelFamily& naive) {
  const bool has = HasKernel(family.kernels, id);
  CopyKernel(set.fn, has ? family.kernels : naive.kernels, id);
  set.family[id] = family.name;
  set.fallback[id] = !has;
}

}  // namespace

KernelSpec BuildDefaultSpec() { return {GPT2_DEFAULT_FAMILY, SplitList(GPT2_KERNEL_OVERRIDES)}; }

KernelSet KernelSet::Resolve(const KernelSpec& spec, const Registry& registry) {
  const KernelFamily& naive = FindFamily(registry, "naive", "the registry");
  KernelSet set;
  const KernelFamily& family = FindFamily(registry, spec.family, "--kernels");
  for (int id = 0; id < kNumKernels; ++id) Assign(set, id, family, naive);
  for (const std::string& item : spec.overrides) {
    size_t eq = item.find('=');
    if (eq == std::string::npos) {
      throw Error("bad value '" + item + "' for --kernel: expected NAME=FAMILY");
    }
    std::string kernel = item.substr(0, eq);
    int id = FindKernel(kernel);
    if (id < 0) {
      throw Error("unknown kernel '" + kernel + "' in --kernel; valid: " + KernelNames());
    }
    Assign(set, id, FindFamily(registry, item.substr(eq + 1), "--kernel"), naive);
  }
  return set;
}

std::string KernelSet::Describe() const {
  std::string out = "kernel table:\n";
  char line[256];
  for (int id = 0; id < kNumKernels; ++id) {
    std::snprintf(line, sizeof line, "  %-30s %s%s\n", kKernelInfo[id].name,
                  fallback[id] ? "naive" : family[id].c_str(),
                  fallback[id] ? (" (fallback: " + family[id] + " lacks it)").c_str() : "");
    out += line;
  }
  return out;
}

std::string KernelSet::Summary() const {
  std::string out;
  for (int id = 0; id < kNumKernels; ++id) {
    out += std::string(id ? "," : "") + kKernelInfo[id].name + "=" +
           (fallback[id] ? "naive" : family[id]);
  }
  return out;
}

std::string ListKernels(const Registry& registry) {
  std::string out = "families:\n";
  char line[512];
  for (const KernelFamily& family : registry.families()) {
    std::snprintf(line, sizeof line, "  %-10s %s\n", family.name.c_str(),
                  family.description.c_str());
    out += line;
  }
  out += "kernels (families that implement each):\n";
  for (int id = 0; id < kNumKernels; ++id) {
    std::string families;
    for (const KernelFamily& family : registry.families()) {
      if (HasKernel(family.kernels, id)) families += (families.empty() ? "" : " ") + family.name;
    }
    std::snprintf(line, sizeof line, "  %-30s %-40s %s\n", kKernelInfo[id].name, families.c_str(),
                  kKernelInfo[id].description);
    out += line;
  }
  return out;
}

}  // namespace gpt2
