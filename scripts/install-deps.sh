#!/usr/bin/env bash
# Installs what gpt2-kernels needs from Debian 12's packages. Idempotent: when everything is
# already installed it touches nothing (and needs no network). Runs as root, or through sudo.
#
#   scripts/install-deps.sh           build, tests and the Python scripts (numpy, matplotlib, torch)
#   scripts/install-deps.sh --build   only what building and testing need
set -euo pipefail

# libopenblas-openmp-dev: the OpenMP build of OpenBLAS, which the build links by default.
# python3 and python3-matplotlib: tests/scripts_test.py runs the results scripts and plots;
# python3-regex: tests/prepare_test.py runs scripts/bpe_reference.py, the tokenizer's reference.
# clang and libclang-rt-dev (libFuzzer and the sanitizer runtimes): scripts/fuzz.sh.
build_packages=(g++ make cmake pkg-config libhwy-dev libopenblas-dev libopenblas-openmp-dev
  libbenchmark-dev libgtest-dev python3 python3-matplotlib python3-regex clang libclang-rt-dev)
# python3-torch is used only to make reference fixtures and for the PyTorch baseline.
script_packages=(python3-numpy python3-torch)

case "${1:-}" in
  "") packages=("${build_packages[@]}" "${script_packages[@]}") ;;
  --build) packages=("${build_packages[@]}") ;;
  -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
  *) echo "install-deps.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null; then
  sudo=(sudo)
else
  echo "install-deps: need root or sudo to install: ${missing[*]}" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
