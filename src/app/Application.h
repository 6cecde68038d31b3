#pragma once
// The viewer: one GLFW window, ImGui panels around the image views.

#include <memory>
#include <optional>
#include <string>

#include "AppState.h"
#include "StudyLoader.h"

struct GLFWwindow;

namespace annulo::app {

struct LaunchOptions {
  std::string path;
  std::string screenshot;  // write the whole UI to this PNG once, then exit
  std::string seriesUid;
  int frame = 0;           // 1-based, 0 = default
  Layout layout = Layout::View2D;
  int width = 1400, height = 900;
};

class Application {
 public:
  explicit Application(LaunchOptions options);
  ~Application();
  Application(const Application&) = delete;
  Application& operator=(const Application&) = delete;

  // Returns the process exit code.
  int run();

 private:
  bool initWindow(bool visible);
  void frame(double nowMs);
  void drawViews(double nowMs);
  void drawSliceView(SliceRenderer& r, int viewIndex, const char* id, float w, float h);
  void drawMpr(float w, float h);
  void handleKeys(double nowMs);
  void pollLoader();
  bool writeScreenshot(const std::string& path);

  LaunchOptions options_;
  GLFWwindow* window_ = nullptr;  // owned by GLFW; destroyed in ~Application
  AppState state_;
  StudyLoader loader_;
  std::unique_ptr<SliceRenderer> views_[3];
};

}  // namespace annulo::app
