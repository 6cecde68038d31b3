#pragma once
// The window destroyed under us (`xdotool windowclose`, a window manager or session that
// kills the window without WM_DELETE_WINDOW): Xlib's default error handler would print
// "BadWindow"/"BadDrawable" and exit(1) in the middle of a frame. Instead the error is
// noted and the viewer leaves its loop cleanly (every edit is already saved). Xlib in
// its own file: its macros (Status, None, Bool) clash with our names.

namespace annulo::app {

// Installs the handler (again: GLFW 3.3 resets Xlib's handler to the default after its
// own guarded calls, so call it once per frame; it costs nothing).
void watchForLostWindow();
// True once an X request failed because our window or drawable no longer exists.
bool windowWasLost();

}  // namespace annulo::app
