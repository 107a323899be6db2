// Package xdg finds the tool's directories as the XDG Base Directory specification places them:
// $XDG_CONFIG_HOME, $XDG_STATE_HOME and $XDG_CACHE_HOME when set to an absolute path, else their
// defaults under $HOME.
package xdg

import "path/filepath"

// The base directories: the variable that names it and its default under $HOME.
var (
	Config = Base{"XDG_CONFIG_HOME", ".config"}
	State  = Base{"XDG_STATE_HOME", filepath.Join(".local", "state")}
	Cache  = Base{"XDG_CACHE_HOME", ".cache"}
)

// Base is one of the base directories.
type Base struct {
	Var, Default string
}

// Path is elem under the base directory base, from the environment getenv reads; "" when
// neither the variable (absolute, as the specification requires) nor HOME gives one.
func Path(getenv func(string) string, base Base, elem ...string) string {
	dir := getenv(base.Var)
	if !filepath.IsAbs(dir) {
		home := getenv("HOME")
		if home == "" {
			return ""
		}
		dir = filepath.Join(home, base.Default)
	}
	return filepath.Join(append([]string{dir}, elem...)...)
}
