// The shared body of every binary's main(): run it, and turn an error into one line on stderr
// ("PROGRAM: error: MESSAGE") and exit status 1, never an uncaught exception.
#ifndef GPT2_GPT2_MAIN_GUARD_H_
#define GPT2_GPT2_MAIN_GUARD_H_

#include <cstdio>
#include <new>

#include "kernels/error.h"

namespace gpt2 {

inline int RunGuarded(const char* program, int (*run)(int, char**), int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const Error& e) {
    std::fprintf(stderr, "%s: error: %s\n", program, e.what());
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "%s: error: out of memory\n", program);
  }
  return 1;
}

}  // namespace gpt2

#endif  // GPT2_GPT2_MAIN_GUARD_H_
