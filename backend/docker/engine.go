package docker

import (
	"context"
	"regexp"
	"strings"
	"sync"

	"github.com/moby/moby/client"

	"github.com/ohdash/ohdash/backend"
)

// EngineKind names the container engine behind an endpoint.
type EngineKind string

// The engines ohdash knows. Podman serves a Docker-compatible API whose
// answers differ in places (see podman.go); both are first-class.
const (
	EngineDocker EngineKind = "Docker"
	EnginePodman EngineKind = "Podman"
)

// Engine is what an engine said about itself on /version.
type Engine struct {
	Kind EngineKind
	// Version is the engine's own version (Podman's, not the API's).
	Version string
	// APIVersion is the Docker API version it serves.
	APIVersion string
}

// String is "Podman 4.3.1" or "Docker 20.10.24", empty when unknown.
func (e Engine) String() string {
	if e.Kind == "" {
		return ""
	}
	if e.Version == "" {
		return string(e.Kind)
	}
	return string(e.Kind) + " " + e.Version
}

// podmanComponent is the component name Podman's /version lists itself
// under; Docker lists "Engine".
const podmanComponent = "Podman Engine"

// engineFromVersion tells Docker from Podman by the components /version
// lists. Text from the engine is cleaned: it reaches the terminal.
func engineFromVersion(v client.ServerVersionResult) Engine {
	e := Engine{Kind: EngineDocker, Version: v.Version, APIVersion: v.APIVersion}
	for _, c := range v.Components {
		if strings.EqualFold(c.Name, podmanComponent) {
			e.Kind, e.Version = EnginePodman, c.Version
			break
		}
	}
	e.Version = backend.CleanText(e.Version)
	e.APIVersion = backend.CleanText(e.APIVersion)
	return e
}

// engineCache remembers what the engine said it is; a reconnect may find a
// different engine behind the same socket, so it is refreshed then.
type engineCache struct {
	mu sync.Mutex
	e  Engine
}

func (c *engineCache) get() Engine {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.e
}

func (c *engineCache) set(e Engine) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.e = e
}

// Engine asks the engine which one it is (Docker or Podman, and its
// version) and remembers the answer for snapshots and details.
func (b *Backend) Engine(ctx context.Context) (Engine, error) {
	ctx, cancel := context.WithTimeout(ctx, listTimeout)
	defer cancel()
	v, err := b.cli.ServerVersion(ctx, client.ServerVersionOptions{})
	if err != nil {
		return Engine{}, engineErr("engine version", "", err)
	}
	e := engineFromVersion(v)
	b.engine.set(e)
	return e, nil
}

// KnownEngine is the engine the last successful Engine call found; zero
// before any.
func (b *Backend) KnownEngine() Engine { return b.engine.get() }

// nameFilters selects sandbox containers on the engine side. The pattern is
// a regular expression on both engines, but Docker matches it against
// names with their leading slash ("/oh-agent-server-…") and Podman without
// ("oh-agent-server-…"), so it is left unanchored: it matches on both, and
// the prefix is checked again on every answer (recordFromSummary).
func nameFilters(prefixes []Prefix) client.Filters {
	f := make(client.Filters)
	for _, p := range prefixes {
		f.Add("name", regexp.QuoteMeta(p.Prefix))
	}
	return f
}
