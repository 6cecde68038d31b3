#include "annulo/net/UserFolders.h"

#include <cstdlib>

namespace annulo {
namespace {

std::filesystem::path fromEnv(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? std::filesystem::path(v) : std::filesystem::path();
}

std::filesystem::path home() {
  auto h = fromEnv("HOME");
  return h.empty() ? std::filesystem::path(".") : h;
}

// XDG: an unset or empty variable means the default below HOME.
std::filesystem::path xdg(const char* variable, const char* fallback) {
  auto v = fromEnv(variable);
  return (v.empty() ? home() / fallback : v) / "annulo";
}

}  // namespace

std::filesystem::path annuloDataDir() { return xdg("XDG_DATA_HOME", ".local/share"); }
std::filesystem::path annuloCacheDir() { return xdg("XDG_CACHE_HOME", ".cache"); }
std::filesystem::path annuloConfigDir() { return xdg("XDG_CONFIG_HOME", ".config"); }

std::filesystem::path outboxDir() { return annuloDataDir() / "outbox"; }
std::filesystem::path retrievedDir() { return annuloCacheDir() / "retrieved"; }

std::filesystem::path sessionDir() {
  auto v = fromEnv("ANNULO_SESSION_DIR");
  return v.empty() ? annuloDataDir() / "sessions" : v;
}

std::filesystem::path nodeConfigPath() {
  auto v = fromEnv("ANNULO_NODES");
  return v.empty() ? annuloConfigDir() / "nodes.json" : v;
}

std::filesystem::path credentialsPath() {
  auto v = fromEnv("ANNULO_CREDENTIALS");
  return v.empty() ? annuloConfigDir() / "credentials.json" : v;
}

}  // namespace annulo
