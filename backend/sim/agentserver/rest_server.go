package agentserver

import (
	"net/http"
	"time"

	"github.com/ohdash/ohdash/backend/sim/wire"
)

func (s *Server) alive(w http.ResponseWriter, _ *http.Request) {
	wire.WriteJSON(w, http.StatusOK, wire.Obj{{K: "status", V: "ok"}})
}

// health returns {"status":"ok"} from v1.21.0, the bare string "OK" before,
// or the shape the variant forces.
func (s *Server) health(w http.ResponseWriter, _ *http.Request) {
	shape := s.variant.get().HealthShape
	if shape == "" {
		shape = HealthObject
		if !s.version.AtLeast(tagHealthObject) {
			shape = HealthString
		}
	}
	switch shape {
	case HealthString:
		wire.WriteJSON(w, http.StatusOK, "OK")
	case HealthText:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("OK"))
	default:
		wire.WriteJSON(w, http.StatusOK, wire.Obj{{K: "status", V: "ok"}})
	}
}

func (s *Server) ready(w http.ResponseWriter, _ *http.Request) {
	wire.WriteJSON(w, http.StatusOK, wire.Obj{{K: "status", V: "ready"}})
}

// serverInfo returns ServerInfo with the fields the played version had.
func (s *Server) serverInfo(w http.ResponseWriter, _ *http.Request) {
	now := time.Now()
	uptime := float64(int64(now.Sub(s.started).Seconds()))
	idle := float64(int64(now.Sub(time.Unix(0, s.lastActive.Load())).Seconds()))
	v := s.version
	info := wire.Obj{
		{K: "uptime", V: uptime},
		{K: "idle_time", V: idle},
		{K: "title", V: "OpenHands Agent Server"},
		{K: "version", V: v.String()},
	}
	if v.AtLeast(tagInfoVersions) {
		info = append(info,
			wire.KV{K: "sdk_version", V: v.String()},
			wire.KV{K: "tools_version", V: v.String()},
			wire.KV{K: "workspace_version", V: v.String()},
			wire.KV{K: "build_git_sha", V: "unknown"},
			wire.KV{K: "build_git_ref", V: "unknown"},
			wire.KV{K: "python_version", V: "3.13.7 (main, Aug 15 2025, 12:34:56) [GCC 12.2.0]"},
		)
	}
	if v.AtLeast(tagInfoTools) {
		info = append(info, wire.KV{K: "usable_tools", V: []string{"terminal", "file_editor", "task_tracker", "browser_tool_set"}})
	}
	if v.AtLeast(tagInfoTimeouts) {
		info = append(info, wire.KV{K: "runtime_idle_timeout_seconds", V: 1200.0})
	}
	if v.AtLeast(tagCapabilities) {
		info = append(info, wire.KV{K: "capabilities", V: []string{
			"credential_binding_v1", "credential_binding_readiness_probe_v1", "credential_binding_activation_guard_v1",
		}})
	}
	if v.AtLeast(tagInfoTimeouts) {
		info = append(info, wire.KV{K: "max_foreground_terminal_timeout_seconds", V: 600.0})
	}
	info = append(info, wire.KV{K: "docs", V: "/docs"}, wire.KV{K: "redoc", V: "/redoc"})
	wire.WriteJSON(w, http.StatusOK, info)
}
