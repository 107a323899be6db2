// Package xdg finds the tool's directories as the XDG Base Directory specification places them:
// $XDG_CONFIG_HOME, $XDG_STATE_HOME and $XDG_CACHE_HOME when set to an absolute path, else their
// defaults under $HOME.
package xdg

import "path/filepath"

// Base is one of the base directories, named by the variable that sets it.
type Base string

// The base directories the tool uses.
const (
	Config Base = "XDG_CONFIG_HOME"
	State  Base = "XDG_STATE_HOME"
	Cache  Base = "XDG_CACHE_HOME"
)

// home is the base directory's default under $HOME.
func (b Base) home() string {
	switch b {
	case Config:
		return ".config"
	case State:
		return filepath.Join(".local", "state")
	}
	return ".cache"
}

// Path is elem under the base directory base, from the environment getenv reads; "" when
// neither the variable (absolute, as the specification requires) nor HOME gives one.
func Path(getenv func(string) string, base Base, elem ...string) string {
	dir := getenv(string(base))
	if !filepath.IsAbs(dir) {
		home := getenv("HOME")
		if home == "" {
			return ""
		}
		dir = filepath.Join(home, base.home())
	}
	return filepath.Join(append([]string{dir}, elem...)...)
}
