// matmul_backward_adamw on one 96 × 768 weight at B·T = 256 (no dinp), its state in cache,
// called REPS times in a row at 1 thread with gpt2_ab_mode = MODE: `adamw_hot MODE REPS` prints
// microseconds a call. With adamw_interleave_experiment.patch: 0 the tile epilogue as built, 1
// each tile's AdamW taken a vector at a time inside the next tile's K loop, 2 deferred to the next
// tile but run after its K loop. Build as adamw_epilogue_ab.cc.
#include <omp.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>
#include "kernels/registry.h"
extern "C" int gpt2_ab_mode;
int main(int argc, char** argv) {
  omp_set_num_threads(1);
  gpt2_ab_mode = atoi(argv[1]);
  const int reps = atoi(argv[2]);
  const int M = 256, C = 768, OC = 96;
  const auto& k = gpt2::Registry::Get().Find("highway")->kernels;
  std::vector<float> inp(M * C, 0.5f), dout(M * OC, 1e-3f), p(OC * C, 0.02f), g(OC * C, 0),
      m(OC * C, 1e-3f), v(OC * C, 1e-6f);
  std::vector<float> bp(OC, 0), bg(OC, 0), bm(OC, 0), bv(OC, 0);
  gpt2::AdamwTensor w{p.data(), g.data(), m.data(), v.data()},
      b{bp.data(), bg.data(), bm.data(), bv.data()};
  const gpt2::AdamwStep step{1e-4f, 0.9f, 0.999f, 1e-8f, 0.01f, 3};
  auto t0 = std::chrono::steady_clock::now();
  for (int r = 0; r < reps; ++r)
    k.matmul_backward_adamw(nullptr, w, b, dout.data(), inp.data(), 1, M, C, OC, step, nullptr);
  auto t1 = std::chrono::steady_clock::now();
  std::printf("mode %d: %.1f us/call\n", gpt2_ab_mode,
              std::chrono::duration<double, std::micro>(t1 - t0).count() / reps);
}
