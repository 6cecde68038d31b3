#include "annulo/dicom/PixelBuffer.h"

#include <sys/mman.h>

#include <cstdlib>
#include <new>
#include <utility>

namespace annulo {
namespace {
constexpr std::size_t kHugePage = std::size_t{2} << 20;

// AddressSanitizer does not see the bounds of an anonymous mapping: under it
// (-DANNULO_SANITIZE=address, tools/fuzz.sh) the buffer comes from calloc, so a
// decoder or reader writing one byte past a series' pixels is reported.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kTrackedHeap = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kTrackedHeap = true;
#else
constexpr bool kTrackedHeap = false;
#endif
#else
constexpr bool kTrackedHeap = false;
#endif
}  // namespace

PixelBuffer::PixelBuffer(std::size_t bytes) : size_(bytes) {
  if (bytes == 0) return;
  if (kTrackedHeap) {
    data_ = static_cast<std::uint8_t*>(std::calloc(bytes, 1));  // zeroed, like a fresh mapping
    if (!data_) throw std::bad_alloc();
    return;  // mapped_ == 0 marks heap memory
  }
  // THP needs 2 MiB alignment: over-map by one huge page and trim both ends.
  const bool huge = bytes >= kHugePage;
  const std::size_t rounded = (bytes + 4095) & ~std::size_t{4095};
  const std::size_t request = huge ? rounded + kHugePage : rounded;
  void* p = mmap(nullptr, request, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  auto* base = static_cast<std::uint8_t*>(p);
  if (huge) {
    const auto addr = reinterpret_cast<std::uintptr_t>(base);
    const std::size_t lead = (kHugePage - (addr % kHugePage)) % kHugePage;
    if (lead) munmap(base, lead);
    const std::size_t tail = request - lead - rounded;
    if (tail) munmap(base + lead + rounded, tail);
    base += lead;
    madvise(base, rounded, MADV_HUGEPAGE);  // advisory: falls back to 4 KiB pages
  }
  data_ = base;
  mapped_ = rounded;
}

PixelBuffer::~PixelBuffer() { release(); }

PixelBuffer::PixelBuffer(PixelBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      mapped_(std::exchange(other.mapped_, 0)) {}

PixelBuffer& PixelBuffer::operator=(PixelBuffer&& other) noexcept {
  if (this != &other) {
    release();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    mapped_ = std::exchange(other.mapped_, 0);
  }
  return *this;
}

void PixelBuffer::release() {
  if (data_ && mapped_) munmap(data_, mapped_);
  if (data_ && !mapped_) std::free(data_);
  data_ = nullptr;
  size_ = mapped_ = 0;
}

}  // namespace annulo
