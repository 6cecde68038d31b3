#pragma once
// DICOMweb beside DIMSE (PS3.18): QIDO-RS search, WADO-RS retrieve, STOW-RS
// store, over HTTP with libcurl. Many archives and every web viewer speak only
// this. Results reuse the DIMSE types (StudyMatch, RetrieveReport, StoreReport)
// so callers treat both kinds of node alike. Errors name the URL's host, the
// HTTP status and its reason (and the archive's own message when it sends one).

#include <string>
#include <vector>

#include "annulo/base/Result.h"
#include "annulo/net/Find.h"
#include "annulo/net/Retrieve.h"
#include "annulo/net/Store.h"

namespace annulo {

struct DicomWebNode {
  std::string baseUrl;  // service root, e.g. http://host:8042/dicom-web (no trailing '/')
  int connectTimeoutS = 5;
  int timeoutS = 120;  // whole request (a study retrieve can be large)
  // The credentials file's entry (Credentials.h: HTTP Basic or Bearer) is looked up
  // by this name, else by the URL's host:port; no entry: no authentication.
  std::string credentialName;
  // https: verify the server against this CA (PEM) instead of the system's CAs
  // (--ca-file, "ca" in nodes.json); verification itself is never turned off.
  std::string caFile;
};

// "http://host:port/path" or "https://..."; also "dicomweb+http://..." (the
// form a node list uses to tell DICOMweb from DIMSE nodes).
Result<DicomWebNode> parseDicomWebNode(const std::string& text);
bool looksLikeDicomWeb(const std::string& text);
std::string describe(const DicomWebNode& node);

// SeriesMatch: the same type as the series-level C-FIND's (Find.h).

// QIDO-RS GET {base}/studies?... (PS3.18 10.6; matching as C-FIND: wildcards, date ranges).
Result<std::vector<StudyMatch>> qidoFindStudies(const DicomWebNode& node, const StudyQuery& query);
// QIDO-RS GET {base}/studies/{uid}/series.
Result<std::vector<SeriesMatch>> qidoFindSeries(const DicomWebNode& node, const std::string& studyInstanceUid);

// WADO-RS GET {base}/studies/{uid} as multipart/related; type="application/dicom"
// (PS3.18 10.4), each part written to folder/<SOPInstanceUID>.dcm unchanged.
Result<RetrieveReport> wadoRetrieveStudy(const DicomWebNode& node, const std::string& studyInstanceUid,
                                         const std::string& folder, const RetrieveOptions& options = {});

// STOW-RS POST {base}/studies, one multipart/related request with every DICOM
// file (PS3.18 10.5); per-file outcome from the response's Referenced / Failed
// SOP Sequences. Files that are not DICOM are reported and never sent.
Result<StoreReport> stowFiles(const DicomWebNode& node, const std::vector<std::string>& files,
                              const StoreOptions& options = {});

}  // namespace annulo
