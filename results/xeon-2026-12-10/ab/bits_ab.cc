// Three fused training steps of d12 (env MODEL, B, T; THREADS threads), one model in
// gpt2_ab_mode 0 and one in mode 1, from the same initialisation and batches; prints both losses
// and whether the parameters, AdamW moments and gradients are the same bits afterwards.
// Build: g++ -O2 -fopenmp -std=c++17 -I. <this file> build/gpt2/libgpt2_model.a
//        build/gpt2/libgpt2_io.a build/kernels/libgpt2_kernels.a -lhwy -lopenblas
#include <omp.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include "gpt2/config.h"
#include "gpt2/dataloader.h"
#include "gpt2/init.h"
#include "gpt2/model.h"
#include "gpt2/synthetic_data.h"
#include "kernels/kernel_set.h"
using namespace gpt2;
extern "C" int gpt2_ab_mode;
int main() {
  omp_set_num_threads(atoi(getenv("THREADS") ? getenv("THREADS") : "1"));
  const int B = getenv("B") ? atoi(getenv("B")) : 4, T = getenv("T") ? atoi(getenv("T")) : 64;
  GPT2Config config = ParseModelSpec(getenv("MODEL") ? getenv("MODEL") : "d12", "--model");
  KernelSet k = KernelSet::Resolve({"highway", {}});
  GPT2 a(config, B, T), b(config, B, T);
  InitRandom(a, 1337);
  InitRandom(b, 1337);
  DataLoader da(SyntheticTokens(7, 0, config.vocab_size, size_t(B) * T * 8 + 1), "s", B, T);
  DataLoader db(SyntheticTokens(7, 0, config.vocab_size, size_t(B) * T * 8 + 1), "s", B, T);
  for (int s = 0; s < 3; ++s) {
    da.NextBatch();
    db.NextBatch();
    gpt2_ab_mode = 0;
    a.Forward(k, da.inputs(), da.targets());
    a.ZeroGrad();
    a.BackwardAndUpdate(k, AdamwConfig{}, s + 1, true);
    gpt2_ab_mode = 1;
    b.Forward(k, db.inputs(), db.targets());
    b.ZeroGrad();
    b.BackwardAndUpdate(k, AdamwConfig{}, s + 1, true);
    std::printf("step %d loss %.6f %.6f\n", s, a.mean_loss(), b.mean_loss());
  }
  const size_t n = a.num_parameters() * sizeof(float);
  std::printf("params %s, m %s, v %s, grads %s\n",
              std::memcmp(a.params_memory(), b.params_memory(), n) ? "DIFFER" : "same",
              std::memcmp(a.adamw_m(), b.adamw_m(), n) ? "DIFFER" : "same",
              std::memcmp(a.adamw_v(), b.adamw_v(), n) ? "DIFFER" : "same",
              std::memcmp(a.grads_memory(), b.grads_memory(), n) ? "DIFFER" : "same");
}
