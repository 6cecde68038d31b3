#pragma once
// Where Annulo keeps its own data on this machine, per the XDG Base Directory
// specification: $XDG_DATA_HOME (else ~/.local/share), $XDG_CACHE_HOME (else
// ~/.cache), $XDG_CONFIG_HOME (else ~/.config), each with an "annulo" folder.
// Only the paths: PrivateFiles.h creates them.

#include <filesystem>

namespace annulo {

std::filesystem::path annuloDataDir();    // .../share/annulo
std::filesystem::path annuloCacheDir();   // .../.cache/annulo
std::filesystem::path annuloConfigDir();  // .../.config/annulo

std::filesystem::path outboxDir();        // <data>/outbox
std::filesystem::path retrievedDir();     // <cache>/retrieved (one folder per study)
std::filesystem::path sessionDir();       // $ANNULO_SESSION_DIR, else <data>/sessions
std::filesystem::path nodeConfigPath();   // $ANNULO_NODES, else <config>/nodes.json
std::filesystem::path credentialsPath();  // $ANNULO_CREDENTIALS, else <config>/credentials.json

}  // namespace annulo
