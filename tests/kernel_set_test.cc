// The registry and the resolution of a kernel table from --kernels / --kernel.
#include <gtest/gtest.h>

#include <string>

#include "kernels/error.h"
#include "kernels/kernel_set.h"
#include "kernels/registry.h"

namespace gpt2 {
namespace {

// Runs `body`, expecting a gpt2::Error whose message contains every one of `parts`.
template <typename Body>
void ExpectErrorMentioning(Body body, std::initializer_list<const char*> parts) {
  try {
    body();
    ADD_FAILURE() << "expected gpt2::Error";
  } catch (const Error& e) {
    for (const char* part : parts)
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos)
          << "message '" << e.what() << "' lacks '" << part << "'";
  }
}

// A dummy kernel, so a test family can hold an entry that is not naive's.
void FakeGeluForward(float*, const float*, int) {}

// The real naive family plus a "partial" family that implements only gelu_forward.
Registry TestRegistry() {
  Registry registry;
  registry.AddFamily("naive", "plain loops") = Registry::Get().Find("naive")->kernels;
  registry.AddFamily("partial", "only gelu").gelu_forward = FakeGeluForward;
  return registry;
}

TEST(Registry, NaiveImplementsEveryKernel) {
  const KernelFamily* naive = Registry::Get().Find("naive");
  ASSERT_NE(naive, nullptr);
  for (int id = 0; id < kNumKernels; ++id) {
    EXPECT_TRUE(HasKernel(naive->kernels, id)) << kKernelInfo[id].name;
  }
}

TEST(Registry, KernelNamesRoundTrip) {
  for (int id = 0; id < kNumKernels; ++id) EXPECT_EQ(FindKernel(kKernelInfo[id].name), id);
  EXPECT_EQ(FindKernel("matmul"), -1);
  // llm.c's 16, and four fusions: residual + layernorm, matmul + GELU, softmax + cross-entropy,
  // matmul backward + AdamW
  EXPECT_EQ(kNumKernels, 20);
}

// HasKernel and CopyKernel must address the same entry for every id.
TEST(Registry, TableAccessByIdTouchesOnlyThatEntry) {
  const KernelTable& naive = Registry::Get().Find("naive")->kernels;
  for (int id = 0; id < kNumKernels; ++id) {
    KernelTable table;
    CopyKernel(table, naive, id);
    for (int other = 0; other < kNumKernels; ++other) {
      EXPECT_EQ(HasKernel(table, other), other == id) << kKernelInfo[id].name;
    }
  }
}

TEST(KernelSet, ResolvesAWholeFamily) {
  const KernelSet set = KernelSet::Resolve({"naive", {}});
  for (int id = 0; id < kNumKernels; ++id) {
    EXPECT_TRUE(HasKernel(set.fn, id));
    EXPECT_EQ(set.family[id], "naive");
    EXPECT_FALSE(set.fallback[id]);
  }
  EXPECT_NE(set.Describe().find("matmul_forward"), std::string::npos);
}

TEST(KernelSet, MissingKernelsFallBackToNaiveVisibly) {
  const Registry registry = TestRegistry();
  const KernelSet set = KernelSet::Resolve({"partial", {}}, registry);
  const int gelu = FindKernel("gelu_forward"), matmul = FindKernel("matmul_forward");
  EXPECT_EQ(set.fn.gelu_forward, FakeGeluForward);
  EXPECT_FALSE(set.fallback[gelu]);
  EXPECT_TRUE(set.fallback[matmul]);
  EXPECT_EQ(set.fn.matmul_forward, registry.Find("naive")->kernels.matmul_forward);
  EXPECT_NE(set.Describe().find("fallback: partial lacks it"), std::string::npos);
  EXPECT_NE(set.Summary().find("matmul_forward=naive"), std::string::npos);
  EXPECT_NE(set.Summary().find("gelu_forward=partial"), std::string::npos);
}

TEST(KernelSet, OverridesApplyPerKernelInOrder) {
  const Registry registry = TestRegistry();
  const KernelSet set = KernelSet::Resolve(
      {"naive", {"gelu_forward=partial", "matmul_forward=partial", "matmul_forward=naive"}},
      registry);
  EXPECT_EQ(set.fn.gelu_forward, FakeGeluForward);
  EXPECT_EQ(set.family[FindKernel("matmul_forward")], "naive");
  EXPECT_FALSE(set.fallback[FindKernel("matmul_forward")]);
  EXPECT_EQ(set.family[FindKernel("adamw_update")], "naive");
}

TEST(KernelSet, UnknownNamesAreOneLineErrorsListingTheChoices) {
  ExpectErrorMentioning(
      [] {
        KernelSet::Resolve({"nosuch", {}});
      },
      {"nosuch", "--kernels", "naive"});
  ExpectErrorMentioning(
      [] {
        KernelSet::Resolve({"naive", {"nosuch=naive"}});
      },
      {"nosuch", "--kernel", "matmul_forward", "adamw_update"});
  ExpectErrorMentioning(
      [] {
        KernelSet::Resolve({"naive", {"matmul_forward=nosuch"}});
      },
      {"nosuch", "--kernel", "naive"});
  ExpectErrorMentioning(
      [] {
        KernelSet::Resolve({"naive", {"matmul_forward"}});
      },
      {"matmul_forward", "NAME=FAMILY"});
}

TEST(KernelSet, CompiledInDefaultResolves) {
  const KernelSpec spec = BuildDefaultSpec();
  EXPECT_FALSE(spec.family.empty());
  EXPECT_NO_THROW(KernelSet::Resolve(spec));
}

TEST(KernelSet, ListNamesEveryKernelAndFamily) {
  const std::string list = ListKernels(TestRegistry());
  for (int id = 0; id < kNumKernels; ++id) {
    EXPECT_NE(list.find(kKernelInfo[id].name), std::string::npos) << kKernelInfo[id].name;
  }
  EXPECT_NE(list.find("partial"), std::string::npos);
}

}  // namespace
}  // namespace gpt2
