#include "tests/tensor_archive.h"

#include "gpt2/file_io.h"
#include "kernels/error.h"

namespace gpt2::test {

constexpr int32_t kArchiveMagic = 20241125;

size_t ArchiveTensor::size() const {
  size_t n = 1;
  for (int64_t d : dims) n *= static_cast<size_t>(d);
  return n;
}

TensorArchive::TensorArchive(const std::string& path) : path_(path) {
  InputFile file(path);
  int32_t header[3];
  file.Read(header, sizeof header, "the archive header");
  if (header[0] != kArchiveMagic || header[1] != 1) {
    throw Error(path + ": not a version-1 tensor archive");
  }
  for (int32_t i = 0; i < header[2]; ++i) {
    int32_t name_length = 0;
    file.Read(&name_length, sizeof name_length, "a tensor name length");
    if (name_length <= 0 || name_length > 256) throw Error(path + ": bad tensor name length");
    std::string name(static_cast<size_t>(name_length), '\0');
    file.Read(name.data(), name.size(), "a tensor name");
    int32_t dtype_and_ndim[2];
    file.Read(dtype_and_ndim, sizeof dtype_and_ndim, "a tensor's dtype");
    if (dtype_and_ndim[0] != 0 && dtype_and_ndim[0] != 1) {
      throw Error(path + ": tensor " + name + " has unknown dtype");
    }
    if (dtype_and_ndim[1] < 0 || dtype_and_ndim[1] > 8) {
      throw Error(path + ": tensor " + name + " has bad rank");
    }
    ArchiveTensor tensor;
    tensor.dims.resize(static_cast<size_t>(dtype_and_ndim[1]));
    file.Read(tensor.dims.data(), tensor.dims.size() * sizeof(int64_t), "a tensor's dims");
    for (int64_t d : tensor.dims) {
      if (d < 0 || d > (int64_t{1} << 32)) throw Error(path + ": tensor " + name + " bad dims");
    }
    if (dtype_and_ndim[0] == 0) {
      tensor.floats.resize(tensor.size());
      file.Read(tensor.floats.data(), tensor.size() * sizeof(float), "tensor data");
    } else {
      tensor.ints.resize(tensor.size());
      file.Read(tensor.ints.data(), tensor.size() * sizeof(int32_t), "tensor data");
    }
    tensors_[name] = std::move(tensor);
  }
}

const ArchiveTensor& TensorArchive::Get(const std::string& name) const {
  auto it = tensors_.find(name);
  if (it == tensors_.end()) throw Error(path_ + ": no tensor named " + name);
  return it->second;
}

}  // namespace gpt2::test
