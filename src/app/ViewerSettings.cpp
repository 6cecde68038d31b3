#include "ViewerSettings.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace annulo::app {

std::string viewerSettingsPath() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
    return (std::filesystem::path(xdg) / "annulo" / "viewer.json").string();
  const char* home = std::getenv("HOME");
  return (std::filesystem::path(home && *home ? home : "/tmp") / ".config" / "annulo" / "viewer.json").string();
}

ViewerSettings loadViewerSettings() {
  ViewerSettings s;
  std::ifstream in(viewerSettingsPath());
  if (!in) return s;
  std::stringstream text;
  text << in.rdbuf();
  const auto j = nlohmann::json::parse(text.str(), nullptr, false);
  if (!j.is_object()) return s;
  s.reader = j.value("reader", "");
  s.sessionFolder = j.value("session_folder", "");
  s.leftWidth = j.value("left_width", s.leftWidth);
  s.rightWidth = j.value("right_width", s.rightWidth);
  return s;
}

Status saveViewerSettings(const ViewerSettings& s) {
  const std::string path = viewerSettingsPath();
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  const std::string text = nlohmann::json{{"reader", s.reader},
                                          {"session_folder", s.sessionFolder},
                                          {"left_width", s.leftWidth},
                                          {"right_width", s.rightWidth}}
                               .dump(2) +
                           "\n";
  const std::string tmp = path + ".tmp";
  // 0600 whatever the umask: the reader's name is personal data.
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return makeError("cannot write " + tmp);
  const bool ok = ::write(fd, text.data(), text.size()) == ssize_t(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) return makeError("cannot write " + path);
  return {};
}

}  // namespace annulo::app
