#include "Pydicom.h"

#include <stdexcept>

#include "ChildProcess.h"

namespace annulo::bench {
namespace {

// Imports happen before the clock starts, as library loading does for the C++
// loaders. Files are sorted by name; the sum does not depend on slice order.
constexpr const char* kScript = R"PY(
import json, os, resource, sys, time
import numpy as np
import pydicom

def hwm_kib():
    # VmHWM, not ru_maxrss: the latter keeps the forked parent's peak across exec.
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmHWM:'):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

folder = sys.argv[1]
base_hwm = hwm_kib()
before = resource.getrusage(resource.RUSAGE_SELF)
t0 = time.perf_counter()
paths = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith('.dcm'))
ds = pydicom.dcmread(paths[0])
frames = int(ds.get('NumberOfFrames', 1) or 1)
rows, cols = int(ds.Rows), int(ds.Columns)
kind = 'i' if int(ds.PixelRepresentation) == 1 else 'u'
dtype = np.dtype(kind + str(int(ds.BitsAllocated) // 8))
volume = np.empty((len(paths) * frames, rows, cols), dtype=dtype)
for i, path in enumerate(paths):
    if i:
        ds = pydicom.dcmread(path)
    volume[i * frames:(i + 1) * frames] = ds.pixel_array.reshape(frames, rows, cols)
    ds = None
elapsed = time.perf_counter() - t0
after = resource.getrusage(resource.RUSAGE_SELF)
peak_hwm = hwm_kib()
cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1e3
print('ANNULO-BENCH ' + json.dumps({
    'ms': elapsed * 1e3, 'cpuMs': cpu,
    'peakRssKiB': peak_hwm, 'baselineRssKiB': base_hwm, 'ruMaxRssKiB': after.ru_maxrss,
    'minorFaults': after.ru_minflt - before.ru_minflt,
    'majorFaults': after.ru_majflt - before.ru_majflt,
    'samples': int(volume.size), 'sum': float(volume.sum(dtype=np.int64)),
    'pixelType': str(volume.dtype)}))
)PY";

}  // namespace

std::optional<std::string> findPydicomPython() {
  for (const char* candidate : {"python3", "/usr/bin/python3"}) {
    const ProcessOutput p = runProcess({candidate, "-c", "import pydicom, numpy"});
    if (p.started && p.exitCode == 0) return std::string(candidate);
  }
  return std::nullopt;
}

Measurement runPydicom(const std::string& python, const DataSet& set) {
  const ProcessOutput p = runProcess({python, "-c", kScript, set.dicomDir});
  const auto m = parseResultLine(p.output);
  if (p.exitCode != 0 || !m) throw std::runtime_error("pydicom script failed (" + describeExit(p) + "):\n" + p.output);
  return *m;
}

}  // namespace annulo::bench
