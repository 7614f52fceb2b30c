// The median of a set of timings, the figure every benchmark and the auto tuner report.
#ifndef GPT2_GPT2_MEDIAN_H_
#define GPT2_GPT2_MEDIAN_H_

#include <algorithm>
#include <vector>

namespace gpt2 {

// The middle value, or the mean of the two middle ones; `values` must not be empty.
inline double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace gpt2

#endif  // GPT2_GPT2_MEDIAN_H_
