// The registry: every kernel family compiled into this build, each with the kernels it implements.
//
// A family is registered by one explicit call listed in registry.cc (no self-registering statics,
// which a static library can silently drop at link time). Adding a family touches registry.cc and
// the family's own files, never the model or the training loop.
#ifndef GPT2_KERNELS_REGISTRY_H_
#define GPT2_KERNELS_REGISTRY_H_

#include <string>
#include <vector>

#include "kernels/ops.h"

namespace gpt2 {

struct KernelFamily {
  std::string name;         // run-time name: "naive", "tiled", "highway", "openblas"
  std::string description;  // one line: the technique it shows
  KernelTable kernels;      // null where the family has no implementation
};

class Registry {
 public:
  // The registry of this build, constructed on first use.
  static const Registry& Get();

  const std::vector<KernelFamily>& families() const { return families_; }
  // Null when no family has that name.
  const KernelFamily* Find(const std::string& name) const;
  // "naive, tiled, ..." for error messages.
  std::string FamilyNames() const;

  // Used by registry.cc to build the list; returns the new family's table to fill.
  KernelTable& AddFamily(const std::string& name, const std::string& description);

 private:
  std::vector<KernelFamily> families_;
};

// Looks up a kernel by its llm.c name; -1 when unknown.
int FindKernel(const std::string& name);
// "encoder_forward, encoder_backward, ..." for error messages.
std::string KernelNames();

}  // namespace gpt2

#endif  // GPT2_KERNELS_REGISTRY_H_
