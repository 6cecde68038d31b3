#pragma once
// Private: colour the series buffer cannot hold as stored. The series keeps one
// colour layout, 8-bit RGB (what the viewer's texture, PNG export and the
// derived objects take), so
// - RGB with 16 bits per sample (native or RLE) is scaled to 8 bits from its
//   BitsStored range, and the series says so in a warning;
// - uncompressed YBR_FULL_422 (two luma, one Cb, one Cr per pixel pair,
//   PS3.3 C.7.6.3.1.2) is expanded to full YBR before the usual YBR -> RGB.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "DicomHeader.h"
#include "annulo/base/Result.h"

namespace annulo {

// True when frames need this conversion between the file and the series buffer.
bool needsColourConversion(const FileHeader& h);

// Error when the colour layout is one we cannot convert (signed, YBR with 16
// bits, odd columns for 4:2:2, 16-bit colour in a JPEG syntax, ...).
Status checkColourLayout(const FileHeader& h);

// A sentence for the series' warnings when the values shown are not the values
// stored (16-bit colour), else nothing.
std::optional<std::string> colourConversionNote(const FileHeader& h);

// Bytes of one frame in the series buffer (8-bit, 3 samples for colour).
std::uint64_t seriesFrameBytes(const FileHeader& h);

// Reads `count` frames with readRaw (into a scratch buffer of count *
// h.frameBytes() bytes, the stored or decoded layout) and writes them to dst as
// 8-bit samples in the same sample order (planes stay planes), 4:2:2 expanded.
Status readConvertedColour(const FileHeader& h, int count, std::uint8_t* dst,
                           const std::function<Status(std::uint8_t*)>& readRaw);

}  // namespace annulo
