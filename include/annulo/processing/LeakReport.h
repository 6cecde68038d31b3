#pragma once
// The leak segmentation as files: the label map as NRRD (unsigned 8-bit, columns x
// rows x frames, values 0/1/2, spacing from the series) and the measurements as JSON.

#include <nlohmann/json.hpp>
#include <string>

#include "annulo/base/Result.h"
#include "annulo/dicom/Series.h"
#include "annulo/processing/LeakSegmenter.h"

namespace annulo {

// Keys: leak_onset_frame (1-based or null), leak_onset_ms, final_leak_area_mm2,
// accumulated_leak_area_mm2, leak_paths [{exit_point, direction_deg, clock, ...}],
// disc_outline_estimated, disc_outline, calibration {...}, per_frame [{frame, time_ms,
// intradiscal_area_mm2, leak_area_mm2, ...}], and how it was done. Areas are null
// (and *_px given) when the series has no pixel spacing.
nlohmann::json leakReportJson(const LeakSegmentation& result, const Series& series);

Status writeLabelNrrd(const LeakSegmentation& result, const Series& series, const std::string& path);

}  // namespace annulo
