// The finite checks name the first bad value's tensor and index, whatever the block it falls in.
#include "gpt2/finite_check.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "gpt2/config.h"
#include "gpt2/model.h"
#include "gpt2/tensors.h"

namespace gpt2 {
namespace {

TEST(FiniteCheckTest, FirstNonFiniteFindsTheFirstInfOrNanInAnyBlock) {
  std::vector<float> values((1 << 17) + 5, 1.0f);
  EXPECT_EQ(FirstNonFinite(values.data(), values.size()), values.size());
  EXPECT_EQ(FirstNonFinite(values.data(), 0), 0u);
  for (const size_t at : {size_t{0}, size_t{65535}, size_t{65536}, values.size() - 1}) {
    std::vector<float> bad = values;
    bad[at] = std::numeric_limits<float>::quiet_NaN();
    bad.back() = std::numeric_limits<float>::infinity();  // a later one must not win
    EXPECT_EQ(FirstNonFinite(bad.data(), bad.size()), at);
  }
  values[7] = -std::numeric_limits<float>::infinity();
  EXPECT_EQ(FirstNonFinite(values.data(), values.size()), 7u);
  values[7] = std::numeric_limits<float>::max();  // large is not infinite
  EXPECT_EQ(FirstNonFinite(values.data(), values.size()), values.size());
}

TEST(FiniteCheckTest, NamesTheGradientTensorAndIndex) {
  const GPT2Config config = ParseModelSpec("L=2,C=8,NH=2,V=10,maxT=4", "--model");
  GPT2 model(config, 1, 2);
  EXPECT_FALSE(FindNonFiniteGradients(model).found);
  EXPECT_FALSE(FindNonFiniteParameters(model).found);
  model.grads().fcw[5] = std::numeric_limits<float>::quiet_NaN();
  model.grads().lnfb[0] = std::numeric_limits<float>::infinity();
  const NonFinite found = FindNonFiniteGradients(model);
  ASSERT_TRUE(found.found);
  EXPECT_EQ(found.Describe(), "gradient of fcw[5] is nan");
  model.params_memory()[0] = -std::numeric_limits<float>::infinity();
  EXPECT_EQ(FindNonFiniteParameters(model).Describe(), "parameter wte[0] is -inf");
}

}  // namespace
}  // namespace gpt2
