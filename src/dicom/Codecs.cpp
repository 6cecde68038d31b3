#include "Codecs.h"

#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <dcmtk/oflog/oflog.h>

namespace annulo {
namespace {
struct DecoderRegistration {
  DecoderRegistration() {
    // The core never prints: problems reach the caller as errors and warnings.
    OFLog::configure(OFLogger::OFF_LOG_LEVEL);
    // Colour JPEG comes back as RGB so the series buffer holds one colour model.
    DJDecoderRegistration::registerCodecs(EDC_photometricInterpretation, EUC_default, EPC_default);
    DJLSDecoderRegistration::registerCodecs();
    DcmRLEDecoderRegistration::registerCodecs();
  }
  ~DecoderRegistration() {
    DJDecoderRegistration::cleanup();
    DJLSDecoderRegistration::cleanup();
    DcmRLEDecoderRegistration::cleanup();
  }
};
}  // namespace

void ensureDecodersRegistered() { static const DecoderRegistration registration; }

}  // namespace annulo
