// FloatBuffer::ZeroRange, which clears the activation gradients every step with non-temporal
// stores (gpt2/buffer.cc): its element-wise head and tail around the 16-byte-aligned streamed
// middle, the parallel slices, and that nothing outside the range is touched.
#include <gtest/gtest.h>
#include <omp.h>

#include <cstddef>
#include <tuple>
#include <vector>

#include "gpt2/buffer.h"

namespace gpt2::test {
namespace {

// Fills the buffer with a nonzero pattern, zeroes [begin, end) and checks every element.
void ExpectZeroRangeClearsExactly(size_t size, size_t begin, size_t end) {
  FloatBuffer buffer(size, "test buffer");
  for (size_t i = 0; i < size; ++i) buffer.data()[i] = 1.0f + static_cast<float>(i % 7);
  buffer.ZeroRange(begin, end);
  size_t wrong = 0, first_wrong = size;
  for (size_t i = 0; i < size; ++i) {
    const float expected = i >= begin && i < end ? 0.0f : 1.0f + static_cast<float>(i % 7);
    if (buffer.data()[i] != expected) {
      if (wrong++ == 0) first_wrong = i;
    }
  }
  EXPECT_EQ(wrong, 0u) << "first wrong element at " << first_wrong;
}

// Ranges whose ends fall on and off the 4-float (16-byte) boundaries the streamed stores need,
// shorter than one vector, and empty.
TEST(BufferTest, ZeroRangeClearsExactlyTheRange) {
  for (const auto& [begin, end] : std::vector<std::tuple<size_t, size_t>>{
           {0, 1000}, {1, 1000}, {3, 997}, {5, 6}, {2, 3}, {7, 7}, {0, 1024}, {13, 1021}}) {
    SCOPED_TRACE(testing::Message() << "[" << begin << ", " << end << ")");
    ExpectZeroRangeClearsExactly(1024, begin, end);
  }
}

// More than one slice of 2^20 floats, so each thread clears its own, with a ragged last slice.
TEST(BufferTest, ZeroRangeClearsEverySliceAtAnyThreadCount) {
  const int threads = omp_get_max_threads();
  for (int t : {1, 2, 3}) {
    SCOPED_TRACE(testing::Message() << t << " threads");
    omp_set_num_threads(t);
    ExpectZeroRangeClearsExactly((size_t{5} << 20) + 123, 3, (size_t{5} << 20) + 101);
  }
  omp_set_num_threads(threads);
}

TEST(BufferTest, ZeroClearsTheWholeBuffer) {
  FloatBuffer buffer(4099, "test buffer");
  for (size_t i = 0; i < buffer.size(); ++i) buffer.data()[i] = -2.0f;
  buffer.Zero();
  for (size_t i = 0; i < buffer.size(); ++i) ASSERT_EQ(buffer.data()[i], 0.0f) << "at " << i;
}

}  // namespace
}  // namespace gpt2::test
