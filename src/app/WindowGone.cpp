#include "WindowGone.h"

#include <X11/Xlib.h>

#include <atomic>

namespace annulo::app {
namespace {

std::atomic<bool> lost{false};

int onXError(Display*, XErrorEvent* e) {
  // BadWindow (3) / BadDrawable (9) after the window went; other errors are ignored
  // rather than fatal (Xlib's default would exit the process).
  if (e->error_code == BadWindow || e->error_code == BadDrawable) lost = true;
  return 0;
}

}  // namespace

void watchForLostWindow() { XSetErrorHandler(onXError); }
bool windowWasLost() { return lost; }

}  // namespace annulo::app
