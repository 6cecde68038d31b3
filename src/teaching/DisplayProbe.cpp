#include "teaching/DisplayProbe.h"

#include <X11/Xlib.h>

namespace annulo::teaching_detail {

bool canConnectToDisplay(const char* display) {
  Display* x = XOpenDisplay(display);
  if (!x) return false;
  XCloseDisplay(x);
  return true;
}

}  // namespace annulo::teaching_detail
