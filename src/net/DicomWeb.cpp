// DICOMweb client (PS3.18): QIDO-RS, WADO-RS, STOW-RS over libcurl
// (net/HttpClient), multipart/related ours (net/Multipart), DICOM JSON (PS3.18
// Annex F) with nlohmann::json.

#include "annulo/net/DicomWeb.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrmb.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "annulo/dicom/FileIdentity.h"
#include "annulo/net/PrivateFiles.h"
#include "net/HttpClient.h"
#include "net/Multipart.h"

namespace annulo {

using namespace net_detail;
using json = nlohmann::json;

namespace {

constexpr const char* kDicomJson = "application/dicom+json";

// ---- DICOM JSON (PS3.18 F.2) ----------------------------------------------
std::string jsonString(const json& dataset, const char* tag) {
  auto it = dataset.find(tag);
  if (it == dataset.end() || !it->contains("Value") || (*it)["Value"].empty()) return {};
  const json& v = (*it)["Value"][0];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number()) return std::to_string(v.get<double>());
  if (v.is_object() && v.contains("Alphabetic")) return v["Alphabetic"].get<std::string>();  // PN
  return {};
}

std::vector<std::string> jsonStrings(const json& dataset, const char* tag) {
  std::vector<std::string> out;
  auto it = dataset.find(tag);
  if (it == dataset.end() || !it->contains("Value")) return out;
  for (const auto& v : (*it)["Value"])
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

int jsonInt(const json& dataset, const char* tag) {
  const std::string s = jsonString(dataset, tag);
  try {
    return s.empty() ? -1 : std::stoi(s);
  } catch (...) {
    return -1;
  }
}

// A QIDO/STOW JSON answer; an empty body (204 No Content: no match) is an empty array.
Result<json> parseJson(const HttpRequest& request, const HttpResponse& response) {
  if (response.body.empty()) return json::array();
  try {
    return json::parse(response.body);
  } catch (const std::exception& e) {
    return makeError(request.method + " " + request.url + ": " + hostOf(request.url) +
                     " sent a body that is not JSON (" + e.what() + ")");
  }
}

HttpRequest request(const DicomWebNode& node, const std::string& method, const std::string& path) {
  HttpRequest r;
  r.method = method;
  r.url = node.baseUrl + path;
  r.connectTimeoutS = node.connectTimeoutS;
  r.timeoutS = node.timeoutS;
  return r;
}

// 2xx is success (QIDO: 200 matches, 204 none; STOW: 200/202); anything else an error.
Result<HttpResponse> exchange(const HttpRequest& r) {
  auto response = send(r);
  if (!response) return response.error();
  if (response->status < 200 || response->status >= 300) return httpError(r, *response);
  return response;
}

std::string randomBoundary() {
  std::random_device rd;
  std::mt19937_64 gen(rd());
  return "annulo-" + std::to_string(gen()) + std::to_string(gen());
}

// ---- QIDO query parameters (PS3.18 8.3.4) ---------------------------------
std::string studyQueryString(const StudyQuery& q) {
  std::vector<std::pair<std::string, std::string>> p;
  if (!q.patientId.empty()) p.emplace_back("PatientID", q.patientId);
  if (!q.patientName.empty()) p.emplace_back("PatientName", q.patientName);
  if (!q.dateFrom.empty() || !q.dateTo.empty())
    p.emplace_back("StudyDate", q.dateFrom == q.dateTo ? q.dateFrom : q.dateFrom + "-" + q.dateTo);
  if (!q.modality.empty()) p.emplace_back("ModalitiesInStudy", q.modality);
  if (!q.accessionNumber.empty()) p.emplace_back("AccessionNumber", q.accessionNumber);
  if (!q.studyInstanceUid.empty()) p.emplace_back("StudyInstanceUID", q.studyInstanceUid);
  // Return keys a study list shows that are not in the default set (PS3.18 Table 10.6.3-3).
  for (const char* key :
       {"StudyDescription", "ModalitiesInStudy", "NumberOfStudyRelatedInstances", "NumberOfStudyRelatedSeries"})
    p.emplace_back("includefield", key);
  std::string out;
  for (const auto& [k, v] : p) out += (out.empty() ? "?" : "&") + k + "=" + urlEncode(v);
  return out;
}

// ---- WADO ------------------------------------------------------------------
// folder/<SOPInstanceUID>.dcm for one part; the bytes are written unchanged.
Status storePart(std::string_view bytes, const std::string& folder, RetrieveReport& report) {
  DcmInputBufferStream stream;
  stream.setBuffer(bytes.data(), offile_off_t(bytes.size()));
  stream.setEos();
  DcmFileFormat file;
  file.transferInit();
  OFCondition c = file.read(stream, EXS_Unknown, EGL_noChange, 4096 /* skip large values */);
  file.transferEnd();
  OFString uid;
  if (c.bad() || file.getDataset()->findAndGetOFString(DCM_SOPInstanceUID, uid).bad() || uid.empty())
    return makeError("a part of " + std::to_string(bytes.size()) +
                     " bytes is not a DICOM file with a SOP Instance UID" +
                     (c.bad() ? std::string(" (") + c.text() + ")" : ""));
  const std::string path = (std::filesystem::path(folder) / (std::string(uid.c_str()) + ".dcm")).string();
  // 0600 under a hidden name, renamed when whole: patient data, and never half a file.
  if (Status s = writePrivateFile(path, std::string(bytes)); !s) return s;
  report.files.push_back(path);
  report.bytes += bytes.size();
  return {};
}

}  // namespace

bool looksLikeDicomWeb(const std::string& text) {
  for (const char* scheme : {"http://", "https://", "dicomweb+http://", "dicomweb+https://"})
    if (text.rfind(scheme, 0) == 0) return true;
  return false;
}

Result<DicomWebNode> parseDicomWebNode(const std::string& text) {
  if (!looksLikeDicomWeb(text))
    return makeError("'" + text + "' is not a DICOMweb URL (http://host:port/path or dicomweb+http://...)");
  DicomWebNode node;
  node.baseUrl = text.rfind("dicomweb+", 0) == 0 ? text.substr(9) : text;
  while (!node.baseUrl.empty() && node.baseUrl.back() == '/') node.baseUrl.pop_back();
  if (hostOf(node.baseUrl).empty()) return makeError("'" + text + "' names no host");
  return node;
}

std::string describe(const DicomWebNode& node) { return node.baseUrl; }

Result<std::vector<StudyMatch>> qidoFindStudies(const DicomWebNode& node, const StudyQuery& query) {
  HttpRequest r = request(node, "GET", "/studies" + studyQueryString(query));
  r.headers.push_back(std::string("Accept: ") + kDicomJson);
  auto response = exchange(r);
  if (!response) return response.error();
  auto j = parseJson(r, *response);
  if (!j) return j.error();
  if (!j->is_array()) return makeError("QIDO-RS " + r.url + ": the answer is not a JSON array of studies");
  std::vector<StudyMatch> out;
  for (const auto& d : *j) {
    StudyMatch m;
    m.studyInstanceUid = jsonString(d, "0020000D");
    m.patientName = jsonString(d, "00100010");
    m.patientId = jsonString(d, "00100020");
    m.studyDate = jsonString(d, "00080020");
    m.studyDescription = jsonString(d, "00081030");
    m.accessionNumber = jsonString(d, "00080050");
    m.modalities = jsonStrings(d, "00080061");
    m.numberOfInstances = jsonInt(d, "00201208");
    m.numberOfSeries = jsonInt(d, "00201206");
    out.push_back(m);
  }
  return out;
}

Result<std::vector<SeriesMatch>> qidoFindSeries(const DicomWebNode& node, const std::string& studyInstanceUid) {
  HttpRequest r = request(node, "GET",
                          "/studies/" + urlEncode(studyInstanceUid) +
                              "/series?includefield=SeriesDescription&includefield=NumberOfSeriesRelatedInstances");
  r.headers.push_back(std::string("Accept: ") + kDicomJson);
  auto response = exchange(r);
  if (!response) return response.error();
  auto j = parseJson(r, *response);
  if (!j) return j.error();
  if (!j->is_array()) return makeError("QIDO-RS " + r.url + ": the answer is not a JSON array of series");
  std::vector<SeriesMatch> out;
  for (const auto& d : *j) {
    SeriesMatch m;
    m.seriesInstanceUid = jsonString(d, "0020000E");
    m.modality = jsonString(d, "00080060");
    m.seriesDescription = jsonString(d, "0008103E");
    m.seriesNumber = jsonInt(d, "00200011");
    m.numberOfInstances = jsonInt(d, "00201209");
    out.push_back(m);
  }
  return out;
}

Result<RetrieveReport> wadoRetrieveStudy(const DicomWebNode& node, const std::string& studyInstanceUid,
                                         const std::string& folder, const RetrieveOptions& options) {
  if (Status made = makePrivateDirs(folder); !made) return made.error();
  HttpRequest r = request(node, "GET", "/studies/" + urlEncode(studyInstanceUid));
  // Files as stored ("transfer-syntax=*": no transcoding asked, PS3.18 8.7.3.5.2).
  r.headers.push_back("Accept: multipart/related; type=\"application/dicom\"; transfer-syntax=*");
  auto response = exchange(r);
  if (!response) return response.error();
  const auto type = response->headers.find("content-type");
  if (type == response->headers.end() || type->second.find("multipart/related") == std::string::npos)
    return makeError("WADO-RS " + r.url + ": " + hostOf(r.url) + " answered '" +
                     (type == response->headers.end() ? std::string("no Content-Type") : type->second) +
                     "', not multipart/related");
  auto boundary = boundaryOf(type->second);
  if (!boundary) return makeError("WADO-RS " + r.url + ": " + boundary.message());
  auto parts = parseMultipart(response->body, *boundary);
  if (!parts) return makeError("WADO-RS " + r.url + ": " + parts.message());
  RetrieveReport report;
  report.seconds = response->seconds;
  for (const auto& part : *parts) {
    if (options.cancel && options.cancel->load()) {
      report.cancelled = true;
      break;
    }
    if (Status s = storePart(part.body, folder, report); !s) {
      ++report.failed;
      report.failures.push_back(s.message());
    } else {
      ++report.completed;
    }
    if (options.progress) options.progress->store(float(report.completed + report.failed) / float(parts->size()));
  }
  report.status = unsigned(response->status);
  report.statusMeaning = "HTTP " + std::to_string(response->status) + " " + response->reason;
  return report;
}

Result<StoreReport> stowFiles(const DicomWebNode& node, const std::vector<std::string>& files,
                              const StoreOptions& options) {
  if (files.empty()) return makeError("STOW-RS to " + describe(node) + ": no files given");
  StoreReport report;
  std::vector<std::string> contents;
  std::vector<std::size_t> sent;  // index into report.files of each part
  for (const auto& path : files) {
    FileStoreResult r;
    r.path = path;
    auto id = readFileIdentity(path);
    std::ifstream in(path, std::ios::binary);
    if (!id || !in) {
      r.outcome = StoreOutcome::NotDicom;
      r.message = id ? "cannot read the file" : id.message();
      report.files.push_back(r);
      continue;
    }
    r.sopClassUid = id->sopClassUid;
    r.sopInstanceUid = id->sopInstanceUid;
    r.transferSyntaxUid = id->transferSyntaxUid;
    contents.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    r.bytes = contents.back().size();
    sent.push_back(report.files.size());
    report.files.push_back(r);
  }
  const auto start = std::chrono::steady_clock::now();
  if (!contents.empty()) {
    std::string boundary = randomBoundary();
    std::vector<std::string_view> parts(contents.begin(), contents.end());
    HttpRequest r = request(node, "POST", "/studies");
    r.headers.push_back("Content-Type: multipart/related; type=\"application/dicom\"; boundary=" + boundary);
    r.headers.push_back(std::string("Accept: ") + kDicomJson);
    r.body = buildMultipart(parts, "application/dicom", boundary);
    auto response = send(r);
    if (!response) return response.error();
    // 200 all stored, 202 some failed or with warnings, 409 none stored (PS3.18 10.5.3).
    if (response->status != 200 && response->status != 202 && response->status != 409) return httpError(r, *response);
    auto j = parseJson(r, *response);
    if (!j) return j.error();
    std::map<std::string, std::pair<StoreOutcome, std::string>> outcome;
    if (j->is_object()) {
      for (const auto& item : j->value("00081199", json::object()).value("Value", json::array()))
        outcome[jsonString(item, "00081155")] = {
            jsonString(item, "00081196").empty() ? StoreOutcome::Success : StoreOutcome::Warning, "stored"};
      for (const auto& item : j->value("00081198", json::object()).value("Value", json::array()))
        outcome[jsonString(item, "00081155")] = {StoreOutcome::Failure,
                                                 "failure reason " + jsonString(item, "00081197")};
    }
    for (std::size_t i : sent) {
      FileStoreResult& f = report.files[i];
      f.status = unsigned(response->status);
      auto it = outcome.find(f.sopInstanceUid);
      if (it == outcome.end()) {
        f.outcome = StoreOutcome::Failure;
        f.message = "HTTP " + std::to_string(response->status) + " " + response->reason +
                    ": the archive did not list this instance as stored";
      } else {
        f.outcome = it->second.first;
        f.message = it->second.second;
      }
    }
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (auto& f : report.files) {
    f.ms = report.seconds * 1000.0 / double(std::max<std::size_t>(1, sent.size()));
    if (f.outcome == StoreOutcome::Success || f.outcome == StoreOutcome::Warning) {
      ++report.stored;
      report.bytesSent += f.bytes;
      if (f.outcome == StoreOutcome::Warning) ++report.warnings;
    } else {
      ++report.notStored;
    }
  }
  if (options.progress) options.progress->store(1.0f);
  return report;
}

}  // namespace annulo
