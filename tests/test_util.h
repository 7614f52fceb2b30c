// Shared test helpers: seeded random fills and an element-wise closeness check that says, on
// failure, how many elements are out, where the worst one is and by how much.
#ifndef GPT2_TESTS_TEST_UTIL_H_
#define GPT2_TESTS_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <stdlib.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "gpt2/rng.h"

namespace gpt2::test {

// Uniform values in [lo, hi), reproducible from the seed.
template <typename Real>
std::vector<Real> RandomVector(size_t n, uint64_t seed, double lo = -1.0, double hi = 1.0) {
  Rng rng(seed);
  std::vector<Real> v(n);
  for (Real& x : v) x = static_cast<Real>(lo + (hi - lo) * rng.NextUniform());
  return v;
}

template <typename Real>
double MaxAbs(const Real* values, size_t n) {
  double m = 0;
  for (size_t i = 0; i < n; ++i) m = std::max(m, std::fabs(static_cast<double>(values[i])));
  return m;
}

// Passes when every element has |actual − expected| ≤ atol + rtol·|expected|.
template <typename A, typename E>
::testing::AssertionResult AllClose(const std::string& what, const A* actual, const E* expected,
                                    size_t n, double atol, double rtol) {
  size_t outside = 0, worst = 0;
  double worst_excess = -1;
  for (size_t i = 0; i < n; ++i) {
    const double a = actual[i], e = expected[i];
    const double bound = atol + rtol * std::fabs(e);
    const double excess = std::isnan(a) || std::isnan(e) ? INFINITY : std::fabs(a - e) - bound;
    if (excess > 0) ++outside;
    if (excess > worst_excess) {
      worst_excess = excess;
      worst = i;
    }
  }
  if (outside == 0) return ::testing::AssertionSuccess();
  std::ostringstream message;
  message.precision(9);
  message << what << ": " << outside << " of " << n << " elements outside |a-e| <= " << atol
          << " + " << rtol << "*|e|; worst at index " << worst << ": actual "
          << static_cast<double>(actual[worst]) << ", expected "
          << static_cast<double>(expected[worst]);
  return ::testing::AssertionFailure() << message.str();
}

// ‖actual − expected‖₂ / ‖expected‖₂, the whole-tensor relative error.
template <typename A, typename E>
double RelativeError(const A* actual, const E* expected, size_t n) {
  double diff = 0, norm = 0;
  for (size_t i = 0; i < n; ++i) {
    const double d = static_cast<double>(actual[i]) - static_cast<double>(expected[i]);
    diff += d * d;
    norm += static_cast<double>(expected[i]) * static_cast<double>(expected[i]);
  }
  return norm > 0 ? std::sqrt(diff / norm) : std::sqrt(diff);
}

// A file's bytes (empty if it cannot be read).
inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void WriteWholeFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << "cannot write " << path;
}

// A fresh directory under /tmp for each test, removed afterwards.
class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/gpt2_test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr) << std::strerror(errno);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  std::string dir_;
};

}  // namespace gpt2::test

#endif  // GPT2_TESTS_TEST_UTIL_H_
