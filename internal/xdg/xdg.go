// Package xdg finds the tool's directories as the XDG Base Directory specification places them:
// $XDG_CONFIG_HOME, $XDG_STATE_HOME and $XDG_CACHE_HOME when set to an absolute path, else their
// defaults under $HOME.
package xdg

import "path/filepath"

// Kinds of directory: the variable that names it and its default under $HOME.
var (
	Config = Kind{"XDG_CONFIG_HOME", ".config"}
	State  = Kind{"XDG_STATE_HOME", filepath.Join(".local", "state")}
	Cache  = Kind{"XDG_CACHE_HOME", ".cache"}
)

// Kind is one of the base directories.
type Kind struct {
	Var, Default string
}

// Path is elem under the base directory of kind, from the environment getenv reads; "" when
// neither the variable (absolute, as the specification requires) nor HOME gives one.
func Path(getenv func(string) string, kind Kind, elem ...string) string {
	dir := getenv(kind.Var)
	if !filepath.IsAbs(dir) {
		home := getenv("HOME")
		if home == "" {
			return ""
		}
		dir = filepath.Join(home, kind.Default)
	}
	return filepath.Join(append([]string{dir}, elem...)...)
}
