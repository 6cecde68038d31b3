#pragma once
// What the viewer remembers per user: the reader's name (it signs every tear and the
// SR) and the panel widths. $XDG_CONFIG_HOME/annulo/viewer.json (else
// ~/.config/annulo/viewer.json), written 0600: a name is personal data.

#include <string>

#include "annulo/base/Result.h"

namespace annulo::app {

struct ViewerSettings {
  std::string reader;                       // DICOM PN order: Family^Given
  float leftWidth = 300, rightWidth = 410;  // 410: the six task tabs fit unshortened
  // Where sessions live; empty: $ANNULO_SESSION_DIR, else the private default
  // (StudyFolders.h). A department's shared drive lets readers work on one study.
  std::string sessionFolder;
};

std::string viewerSettingsPath();
ViewerSettings loadViewerSettings();  // defaults when there is no file or it is unreadable
Status saveViewerSettings(const ViewerSettings& settings);

}  // namespace annulo::app
