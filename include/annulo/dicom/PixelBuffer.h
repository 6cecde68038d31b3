#pragma once
// The one contiguous pixel buffer of a series. Move-only: it owns an anonymous
// mapping. Large buffers ask for transparent huge pages, because first touch of
// fresh 4 KiB pages dominates load time on our machines (docs/guide/LOADING.md).

#include <cstddef>
#include <cstdint>

namespace annulo {

class PixelBuffer {
 public:
  PixelBuffer() = default;
  // Throws std::bad_alloc when the memory cannot be had.
  explicit PixelBuffer(std::size_t bytes);
  ~PixelBuffer();
  PixelBuffer(PixelBuffer&& other) noexcept;
  PixelBuffer& operator=(PixelBuffer&& other) noexcept;
  PixelBuffer(const PixelBuffer&) = delete;
  PixelBuffer& operator=(const PixelBuffer&) = delete;

  std::uint8_t* data() { return data_; }
  const std::uint8_t* data() const { return data_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  void release();
  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t mapped_ = 0;
};

}  // namespace annulo
