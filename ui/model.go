// Package ui is ohdash's Bubble Tea program: a value-receiver root model
// that owns the sandboxes table, the layout, the focus, the dialogs and
// the backend watch, and routes everything else to the panes registered
// in panes.go, each a package of its own behind the pane.Pane interface.
package ui

import (
	"context"
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/alert"
	"github.com/ohdash/ohdash/backend/spend"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/alertpane"
	"github.com/ohdash/ohdash/ui/bulk"
	"github.com/ohdash/ohdash/ui/composer"
	"github.com/ohdash/ohdash/ui/confirm"
	"github.com/ohdash/ohdash/ui/convtab"
	"github.com/ohdash/ohdash/ui/keymap"
	"github.com/ohdash/ohdash/ui/logtab"
	"github.com/ohdash/ohdash/ui/pane"
	"github.com/ohdash/ohdash/ui/resource"
	"github.com/ohdash/ohdash/ui/sandboxes"
	"github.com/ohdash/ohdash/ui/urls"
)

// Config is what the root model needs from the command line and the
// configuration file.
type Config struct {
	// Hub holds every backend; the UI shows them in one list.
	Hub *backend.Hub
	// Theme is the starting theme. Unless FixedTheme is set, the root
	// switches between dark and light when the terminal reports its
	// background colour.
	Theme      theme.Theme
	FixedTheme bool
	// Now is the clock (tests pin it); nil means time.Now.
	Now func() time.Time
	// ReadOnly disables every action that changes a sandbox or a conversation.
	ReadOnly bool
	// ReadOnlyWhy says where read-only mode came from ("started with
	// --readonly", "readonly = true in FILE"), for the refusal message.
	ReadOnlyWhy string
	// OnRefused, when set, is told of each action refused in read-only
	// mode, so the refusal is audited like one on the command line. It
	// runs in a command, off the update loop (it may write a file).
	OnRefused func(Refusal)
	// Start is what "create sandbox" starts.
	Start backend.StartRequest
	// ActionTimeout bounds each lifecycle action (default 2 minutes).
	ActionTimeout time.Duration
	// Mouse starts with mouse capture on (off by default so text can be
	// selected with the terminal's own selection).
	Mouse bool
	// Keys are every component's bindings (DefaultKeys, possibly remapped
	// by configuration; check Clashes first). Zero means the defaults.
	Keys Keys
	// Logs configures the logs pane (tail, caps); zero values take the
	// pane's defaults.
	Logs LogConfig
	// LowBandwidth is for slow links (SSH over a phone): the clock that
	// refreshes ages and countdowns ticks every lowBandwidthTick instead of
	// every second, and components leave out animations. (The program's
	// frame rate is capped by the caller with tea.WithFPS.)
	LowBandwidth bool
	// Conversations lists, streams and acts on the conversations inside
	// sandboxes; nil hides conversations (the tab says so).
	Conversations ConversationSource
	// ConversationStarter starts conversations on OpenHands app-servers
	// (the new-conversation key); nil: the key says none is configured.
	ConversationStarter convtab.Starter
	// ConversationRefresh is how often the conversations list is re-read
	// over REST while its tab is shown (default 5 s).
	ConversationRefresh time.Duration
	// ExtraPanes are registered after the built-in panes (see panes.go).
	ExtraPanes []func(pane.Context) pane.Pane
	// Spend records spend snapshots and checks the budget for the spend
	// pane; nil shows live totals only.
	Spend *spend.Monitor
	// Alerts delivers the alerts for the alerts tab and the bell and
	// notification sequences to write; nil: none.
	Alerts *alert.Feed
	// Notifier takes the alerts panes raise (pane.Context.Alerts); nil
	// discards them.
	Notifier alert.Notifier
	// StatsInterval is how often resource use is sampled while the
	// resource columns or the resources tab show (0: DefaultStatsInterval;
	// negative: never).
	StatsInterval time.Duration
	// ResourceColumnsOff starts with the table's resource columns off (the
	// resources key turns them on).
	ResourceColumnsOff bool
	// Shell is the shell e starts in a sandbox ("": bash if present,
	// else sh).
	Shell string
	// OpenURL opens a URL in the local browser; nil when there is none
	// (over SSH, no display): o then lists the URLs to copy instead.
	OpenURL func(ctx context.Context, url string) error
}

// notifier is where panes send alerts: the configured one, or nowhere.
func (m Model) notifier() alert.Notifier {
	if m.cfg.Notifier == nil {
		return alert.Discard{}
	}
	return m.cfg.Notifier
}

// Refusal is an action the dashboard refused in read-only mode.
type Refusal = pane.Refusal

// ConversationSource is every conversation role the dashboard uses.
type ConversationSource = convtab.Source

// LogConfig sizes the logs pane.
type LogConfig = logtab.Config

// Frame rates for tea.WithFPS. Bubble Tea redraws on a ticker, and every
// tick wakes the process even when nothing changed: measured on a 2-core
// VM, a program doing nothing costs 0.64% of a core at Bubble Tea's
// default 60 fps and 0.34% at 20. The ticker also sets when the first
// frame appears (one interval after the program starts), so the rate is
// the floor of the start-up paint: 67 ms at 15 fps, 50 ms at 20. At 20
// fps the dashboard over 50 idle sandboxes costs 0.40% of a core (0.33%
// at 15, 0.43% at 24; resource columns on: 0.62%), a key press shows
// within 50 ms, and the list is on screen about 85 ms after launch.
const (
	DefaultFPS      = 20
	LowBandwidthFPS = 5
)

// MemoryLimit is the soft memory limit (runtime/debug.SetMemoryLimit) the
// dashboard runs with unless GOMEMLIMIT says otherwise: near it the
// garbage collector works harder instead of letting a busy log stream's
// garbage double the heap, which keeps the process well under 64 MiB.
const MemoryLimit = 40 << 20

type focusArea int

const (
	focusTable focusArea = iota
	focusPane
)

// Model is the root model. It is a value: Update returns a new one.
type Model struct {
	// cfg is never changed after New; shared, not copied, by every
	// Update (a Model is copied at each call).
	cfg  *Config
	ctx  context.Context
	now  func() time.Time
	th   theme.Theme
	keys keymap.Root

	width, height int

	// watch is the merged snapshot stream of every backend.
	watch   <-chan backend.Snapshot
	sources []string
	snaps   map[string]backend.Snapshot

	table sandboxes.Model
	// panes are the tabs under the table, in tab-bar order; tab is the
	// one shown.
	panes []pane.Pane
	tab   int
	// followed is the Key of the sandbox the panes last settled on (""
	// for none).
	followed string
	// settle counts selection changes, so only the last of a burst of
	// cursor moves opens a stream.
	settle int
	focus  focusArea
	zoom   bool
	reveal bool
	mouse  bool

	// bulk is the bulk action under way (nil: none).
	bulk *bulk.Progress

	confirm  *confirm.Model
	composer *composer.Model
	// urls is the open list of the selected sandbox's URLs (o).
	urls     *urls.Model
	showHelp bool
	// helpTop is the first line of the help screen shown: on a short
	// terminal the screen scrolls instead of cutting keys off.
	helpTop int
	help    help.Model

	msg notice
	// host carries the panes' requests and the actions under way.
	host *pane.Host

	// tickGen and tickEvery describe the live clock chain.
	tickGen   int
	tickEvery time.Duration

	// stats samples resource use; res is what it found.
	stats sampler
	res   resource.Store
}

// New builds the root model. It does no I/O: streams start in Init.
func New(ctx context.Context, cfg Config) Model {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	if cfg.ActionTimeout <= 0 {
		cfg.ActionTimeout = 2 * time.Minute
	}
	if cfg.Keys.Root.Quit.Keys() == nil {
		cfg.Keys = DefaultKeys()
	}
	if cfg.Theme.Styles == nil {
		// A zero Theme has no styles to draw with.
		cfg.Theme = theme.New(true)
	}
	m := Model{
		cfg: &cfg, ctx: ctx, now: now, th: cfg.Theme, keys: cfg.Keys.Root,
		snaps: map[string]backend.Snapshot{}, host: pane.NewHost(),
		mouse: cfg.Mouse, tickEvery: fastTick,
	}
	m.stats, m.res = newSampler(cfg), resource.NewStore()
	for _, b := range cfg.Hub.Backends() {
		m.sources = append(m.sources, b.Name())
		if !backend.Supports(b, backend.CapStats) {
			m.res.SetUnsupported(b.Name()) // its rows say n/a
		}
	}
	m.table = sandboxes.New(m.th, sandboxes.WithClock(now), sandboxes.WithKeyMap(cfg.Keys.Sandboxes)).Focus()
	m.table = m.table.SetResources(m.res, m.stats.cols && m.stats.enabled())
	m.panes = register(m.paneContext(), cfg)
	m.help = help.New()
	m.help.Styles = helpStyles(m.th)
	return m
}

// Init starts watching every backend, asks the terminal for its
// background colour, and starts the clock.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{startWatch(m.ctx, m.cfg.Hub), tick(0, fastTick), alertpane.Listen(m.cfg.Alerts)}
	if !m.cfg.FixedTheme {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	return tea.Batch(cmds...)
}

func helpStyles(th theme.Theme) help.Styles {
	s := help.DefaultStyles(th.Dark)
	s.ShortKey, s.FullKey = th.Styles.HelpKey, th.Styles.HelpKey
	s.ShortDesc, s.FullDesc = th.Styles.HelpDesc, th.Styles.HelpDesc
	s.ShortSeparator, s.FullSeparator = th.Styles.HelpSep, th.Styles.HelpSep
	return s
}
