package agentserver

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is an agent-server release (a semver triple).
type Version struct{ Major, Minor, Patch int }

// DefaultVersion is the release the emulator plays unless told otherwise:
// the server the official TypeScript client is tested against.
var DefaultVersion = Version{1, 44, 0}

// LegacyVersion is the release pinned by the Nov-2025 OpenHands app-server.
var LegacyVersion = Version{1, 1, 0}

// ParseVersion reads "1.44.0", "v1.44.0" or "1.1" (missing parts are 0).
func ParseVersion(s string) (Version, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "v")
	parts := strings.Split(s, ".")
	if len(parts) == 0 || len(parts) > 3 || parts[0] == "" {
		return Version{}, fmt.Errorf("version %q: want MAJOR.MINOR.PATCH", s)
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 {
			return Version{}, fmt.Errorf("version %q: part %q is not a number", s, p)
		}
		n[i] = v
	}
	return Version{n[0], n[1], n[2]}, nil
}

// String returns "MAJOR.MINOR.PATCH".
func (v Version) String() string { return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch) }

// AtLeast reports whether v is the release o or newer.
func (v Version) AtLeast(o Version) bool {
	if v.Major != o.Major {
		return v.Major > o.Major
	}
	if v.Minor != o.Minor {
		return v.Minor > o.Minor
	}
	return v.Patch >= o.Patch
}

// First tags of behaviour changes (PROTOCOL.md §0, plus a few found the
// same way with `git log -S` on the SDK and noted where used).
var (
	tagDeleting        = Version{1, 6, 0}  // execution_status "deleting"
	tagReady           = Version{1, 11, 2} // GET /ready
	tagAutotitle       = Version{1, 12, 0} // title from the first user message
	tagWSHeaderAuth    = Version{1, 12, 0} // X-Session-API-Key on the websocket
	tagInfoVersions    = Version{1, 12, 0} // server_info sdk_version, build_git_*, …
	tagResendMode      = Version{1, 15, 0} // resend_mode + after_timestamp
	tagWSErrorEvent    = Version{1, 16, 0} // ServerErrorEvent for a bad client frame
	tagFirstMsgAuth    = Version{1, 18, 1} // {"type":"auth"} first frame
	tagStreamingDelta  = Version{1, 18, 1} // StreamingDeltaEvent
	tagInfoTools       = Version{1, 20, 0} // server_info usable_tools
	tagHealthObject    = Version{1, 21, 0} // /health → {"status":"ok"}
	tagInterrupt       = Version{1, 23, 0} // POST /interrupt, InterruptEvent
	tagInfoTimeouts    = Version{1, 23, 0} // server_info *_timeout_seconds
	tagSubscriberCap   = Version{1, 22, 1} // 50 subscribers per conversation, 1013
	tagAuthFrameIgnore = Version{1, 22, 1} // redundant auth frame ignored
	tagParentID        = Version{1, 31, 0} // event parent_id (conversation tree)
	tagIdleSnapshot    = Version{1, 31, 2} // inactive conversation → execution_status idle
	tagCapabilities    = Version{1, 37, 0} // server_info capabilities
	tagSubConvIDs      = Version{1, 37, 1} // ConversationInfo.sub_conversation_ids
	tagRejectionSource = Version{1, 11, 3} // UserRejectObservation.rejection_source
	tagLastUserMsgID   = Version{1, 11, 5} // ConversationInfo.last_user_message_id
	tagInvokedSkills   = Version{1, 18, 0} // ConversationInfo.invoked_skills
	maxSubscribers     = 50
	resendPageSize     = 100
	maxSearchLimit     = 100
	defaultSearchLimit = 100
)
