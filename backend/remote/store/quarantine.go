package store

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
	"unicode"
)

// Damage is one damaged state file that was moved aside.
type Damage struct {
	// Path is the state file; MovedTo is where the damaged one now is.
	Path, MovedTo string
	// Reason says what was wrong with it.
	Reason error
	// Lost says what the empty file in its place costs (Options.Lost).
	Lost string
}

// String is the notice a user sees, once per damaged file.
func (d Damage) String() string {
	lost := d.Lost
	if lost == "" {
		lost = "remote sandboxes are listed again from their runtime APIs; ones they have forgotten are no longer shown"
	}
	return fmt.Sprintf("%s: %v; moved it aside to %s and started an empty one (%s)", d.Path, d.Reason, d.MovedTo, lost)
}

// damageError is ErrDamaged with the identity of the file judged, so that
// only that file is moved aside: another process may have replaced it
// with a good one meanwhile.
type damageError struct {
	err  error
	info os.FileInfo
}

func (e *damageError) Error() string { return e.err.Error() }
func (e *damageError) Unwrap() error { return e.err }

func damaged(info os.FileInfo, err error) error {
	if !errors.Is(err, ErrDamaged) {
		err = fmt.Errorf("%w: %w", ErrDamaged, err)
	}
	return &damageError{err: err, info: info}
}

// quarantine moves the damaged file aside under an exclusive lock, as
// path.damaged-<UTC time>, and puts an empty store in its place. When the
// file at path is no longer the one judged (another ohdash got there
// first), it does nothing: the caller simply tries again.
func (s *Store) quarantine(d *damageError) error {
	if d.info == nil {
		// Nothing identifies the file: never move aside what was not seen.
		return fmt.Errorf("store %s: %w", s.path, d.err)
	}
	f, err := os.OpenFile(s.path, os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		return createIfMissing(s.path)
	}
	if err != nil {
		return fmt.Errorf("store %s is damaged (%w) and cannot be moved aside: %w", s.path, d.err, err)
	}
	defer f.Close()
	if err := lockFile(f, true, s.lockTimeout); err != nil {
		if errors.Is(err, errLockTimeout) {
			return s.lockedError(s.lockTimeout)
		}
		return err
	}
	if fi, err := f.Stat(); err != nil || !os.SameFile(fi, d.info) {
		return nil
	}
	if fi, err := os.Stat(s.path); err != nil || !os.SameFile(fi, d.info) {
		return nil
	}
	aside, err := s.moveAside()
	if err != nil {
		return fmt.Errorf("store %s is damaged (%w) and cannot be moved aside: %w", s.path, d.err, err)
	}
	if err := createIfMissing(s.path); err != nil {
		return err
	}
	dmg := Damage{Path: s.path, MovedTo: aside, Reason: d.err, Lost: s.lost}
	s.epoch.Add(1)
	s.dmu.Lock()
	s.damages = append(s.damages, dmg)
	s.dmu.Unlock()
	if s.notify != nil {
		s.notify(dmg)
	}
	return nil
}

// moveAside renames the file to a timestamped name no other file has.
func (s *Store) moveAside() (string, error) {
	base := s.path + ".damaged-" + time.Now().UTC().Format("20060102T150405Z")
	aside := base
	for i := 2; ; i++ {
		// Link then remove instead of rename: rename would silently replace
		// an earlier damaged file moved aside in the same second.
		err := os.Link(s.path, aside)
		if err == nil {
			break
		}
		if !errors.Is(err, os.ErrExist) || i > 100 {
			return "", err
		}
		aside = fmt.Sprintf("%s-%d", base, i)
	}
	if err := os.Remove(s.path); err != nil {
		return "", err
	}
	return aside, nil
}

// Damages lists the damaged files this Store moved aside, oldest first.
func (s *Store) Damages() []Damage {
	s.dmu.Lock()
	defer s.dmu.Unlock()
	return append([]Damage(nil), s.damages...)
}

// Epoch counts the damaged files replaced so far. A reader that sees it
// change knows the records it saved are gone and must save them again.
func (s *Store) Epoch() uint64 { return s.epoch.Load() }

// printable makes a library's panic message safe to print: control,
// format (bidi) and invalid characters become '?', and it stays short.
func printable(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == unicode.ReplacementChar || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}
