package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// FileName is the store's file name inside the state directory.
const FileName = "remote.db"

// DefaultPath returns $XDG_STATE_HOME/ohdash/remote.db, falling back to
// ~/.local/state/ohdash/remote.db as the XDG base-directory spec says.
func DefaultPath() (string, error) {
	return defaultPath(os.Getenv, os.UserHomeDir)
}

func defaultPath(getenv func(string) string, home func() (string, error)) (string, error) {
	// The spec says a relative XDG_STATE_HOME is invalid and must be ignored.
	if dir := getenv("XDG_STATE_HOME"); dir != "" && filepath.IsAbs(dir) {
		return filepath.Join(dir, "ohdash", FileName), nil
	}
	h, err := home()
	if err != nil {
		return "", fmt.Errorf("locating the ohdash state directory: %w", err)
	}
	if h == "" {
		return "", errors.New("locating the ohdash state directory: no home directory and no XDG_STATE_HOME")
	}
	return filepath.Join(h, ".local", "state", "ohdash", FileName), nil
}
