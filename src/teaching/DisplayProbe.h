#pragma once
// Whether an X server answers: Xlib's own translation unit, since Xlib.h defines
// macros (Status, None, Bool) that clash with our types and VTK's headers.

namespace annulo::teaching_detail {

bool canConnectToDisplay(const char* display);

}  // namespace annulo::teaching_detail
