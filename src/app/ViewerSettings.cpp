#include "ViewerSettings.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "annulo/net/PrivateFiles.h"

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
  // 0700 / 0600 whatever the umask: the reader's name is personal data.
  if (Status made = makePrivateDirs(std::filesystem::path(path).parent_path()); !made) return made;
  const std::string text = nlohmann::json{{"reader", s.reader},
                                          {"session_folder", s.sessionFolder},
                                          {"left_width", s.leftWidth},
                                          {"right_width", s.rightWidth}}
                               .dump(2) +
                           "\n";
  return writePrivateFile(path, text);
}

}  // namespace annulo::app
