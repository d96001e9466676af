package main

import "flag"

// dashboardName is the command that runs when none is given.
const dashboardName = "dashboard"

// commands is the command table, in the order help lists it.
func commands() []*command {
	return []*command{
		{
			name: dashboardName, summary: "open the dashboard (the default: just run ohdash)",
			long: `Opens the terminal dashboard over every configured backend. Press ? inside for the
keys; every key can be remapped in the [keys] table of the configuration file.`,
			settings: []string{"theme", "mouse", "low_bandwidth", "image"}, tui: true, setup: setupDashboard,
		},
		{
			name: "ls", summary: "list sandboxes", setup: setupLs, aliases: map[string]string{"q": "quiet"},
			long: `Lists the sandboxes of every backend (or of --backend). With --json, prints a JSON array
whose objects use OpenHands' field names (see the README's JSON reference); session keys
and URL tokens are masked unless --show-secrets is given. Exit code 4 when a backend
could not be reached (the sandboxes of the others are still printed). --stats adds
resource use (as 'ohdash top --no-stream' shows it; JSON fields as in 'top --json').`,
		},
		{
			name: "top", summary: "show the resource use of running sandboxes, refreshed like docker stats", setup: setupTop,
			long: `Shows CPU (percent of one core, and of the sandbox's limit when it has one), memory
used / limit, network and block I/O rates and processes of every running sandbox, every
--interval (default 2s), redrawn in place on a terminal and one block per sample
otherwise, until interrupted. --no-stream prints one sample: two readings a second
apart, so CPU is known. --json prints one JSON array per sample per line (NDJSON); with
--no-stream, one array. Paused sandboxes show "-", never zeros; backends that expose no
figures (the runtime API, the app-server) show "n/a" and say so once on stderr.`,
		},
		{
			name: "logs", args: "SANDBOX", minArgs: 1, maxArgs: 1, complete: []string{"sandbox"}, setup: setupLogs,
			aliases: map[string]string{"f": "follow", "n": "tail", "t": "timestamps"},
			summary: "print a sandbox's logs (sanitised), -f to follow",
			long: `Prints the sandbox's container log, sanitised: terminal escape sequences other than
colours are removed, colours too unless stdout is a terminal. The container's stdout goes
to stdout and its stderr to stderr. With -f, follows until interrupted, across restarts.`,
		},
		{
			name: "convs", args: "[SANDBOX]", maxArgs: 1, complete: []string{"sandbox"}, setup: setupConvs,
			aliases: map[string]string{"q": "quiet"},
			summary: "list conversations (of one sandbox, or of every running one)",
			long: `Lists the conversations of the named sandbox, or of every running sandbox. With --json,
prints a JSON array with the agent-server's field names (see the README's JSON reference).`,
		},
		{
			name: "events", args: "CONVERSATION", minArgs: 1, maxArgs: 1, complete: []string{"conversation"}, setup: setupEvents,
			aliases: map[string]string{"f": "follow"},
			summary: "print a conversation's events, -f to follow live",
			long: `Prints a conversation's events, oldest first, one per line. With --json each line is the
event as the server sent it (NDJSON), credentials masked. With -f, keeps following over the websocket
the dashboard uses: history first, then live events, reconnecting without gaps or repeats.
CONVERSATION is an id (dashed or 32 hex digits) or a unique prefix of one.`,
		},
		{
			name: "send", args: "CONVERSATION TEXT", minArgs: 2, maxArgs: 2, complete: []string{"conversation"}, setup: setupSend,
			summary: "send a message to a conversation's agent (TEXT - reads stdin)",
		},
		{
			name: "new", args: "TEXT", minArgs: 1, maxArgs: 1, setup: setupNew, aliases: map[string]string{"f": "follow"},
			summary: "start a conversation on an OpenHands app-server (TEXT - reads stdin)",
			long: `Starts an app conversation on the [[openhands]] backend named by --backend (needed when
several are configured), with TEXT as its first message, and follows its start task on
stderr (WORKING, WAITING_FOR_SANDBOX, PREPARING_REPOSITORY, ... READY). Prints the new
conversation's id (--json: an object with id, sandbox_id, backend, start_task_id, status);
with -f, then follows its events like 'ohdash events -f'. A start task that ends in ERROR
exits 1 with the app-server's reason. Interrupted, it says what the app-server may still
create: the start task keeps running there.`,
		},
		{
			name: "conv", summary: "act on a conversation",
			subs: []*command{
				convSubMany("pause", "pause the agent after its current step", setupConvAction(rulePause, convPause, "")),
				convSubMany("run", "start or resume the agent", setupConvAction(ruleRun, convRun, "")),
				convSubMany("interrupt", "stop the agent at once", setupConvAction(ruleInterrupt, convInterrupt, "")),
				convSubMany("approve", "approve the actions waiting for confirmation", setupConvAction(ruleApprove, convApprove, "")),
				convSub("reject", "reject the actions waiting for confirmation", setupConvReject),
				withAlias(convSubMany("rm", "delete the conversation (asks first unless --yes)", setupConvAction(ruleDelete, convDelete, "delete")), "y", "yes"),
			},
		},
		{
			name: "start", summary: "start a new sandbox", settings: []string{"image"}, setup: setupStart,
			long: `Starts a sandbox on the backend named by --backend (needed when several are configured)
and prints its id.`,
		},
		{
			name: "pause", args: "[SANDBOX...]", maxArgs: -1, complete: []string{"sandbox"},
			summary: "pause sandboxes", setup: setupLifecycle(actionPause),
		},
		{
			name: "resume", args: "[SANDBOX...]", maxArgs: -1, complete: []string{"sandbox"},
			summary: "resume sandboxes", setup: setupLifecycle(actionResume),
		},
		{
			name: "rm", args: "[SANDBOX...]", maxArgs: -1, complete: []string{"sandbox"},
			summary: "delete sandboxes (asks first unless --yes)", setup: setupLifecycle(actionDelete),
			aliases: map[string]string{"y": "yes"},
			long: `Deletes sandboxes and everything inside them. Asks for each one on the terminal; without
a terminal it refuses unless --yes is given. --filter/--status select sandboxes (asked once
for all); --dry-run prints what would be deleted. Exit 5 when some failed.`,
		},
		{
			name: "prune", summary: "delete or pause sandboxes by policy (status, age, idleness)", setup: setupPrune,
			long: `Deletes (or with --action pause, pauses) the sandboxes that match every rule given:
--status, --older-than (age from the creation time), --idle (no log line and no conversation
activity for that long: the time of the last log line, read as a one-line tail with
timestamps, and the newest update of the conversations of a running sandbox; a sandbox whose
idleness cannot be measured is kept, with the reason). At least one rule is needed. Only
sandboxes with a known name prefix (oh-agent-server-, openhands-runtime-, ...) are touched.
Without --yes it asks on a terminal, showing the list; without a terminal (or with --dry-run)
it only prints what it would do. --json prints one object per sandbox: id, name, backend,
status, age and idle (seconds, null when unknown), action, result, reason. Read-only mode
refuses each action (audited). Exit 5 when some actions failed.`,
		},
		{
			name: "exec", args: "SANDBOX [-- CMD...]", minArgs: 1, maxArgs: -1, complete: []string{"sandbox"},
			summary: "run a shell or a command inside a sandbox (-i, -t like docker exec)", settings: []string{"shell"},
			setup: setupExec, aliases: map[string]string{"i": "interactive", "t": "tty"}, long: execHelp,
		},
		{
			name: "config", summary: "print the effective configuration (secrets masked)", setup: setupConfig,
			long: configHelp,
		},
		{name: "keys", summary: "list the dashboard's key bindings in effect", setup: setupKeys},
		{
			name: "spend", summary: "what the agents cost: totals, by model, sandbox and backend, rate, per day", setup: setupSpend,
			long: `Reads the conversation lists of every running sandbox (of every backend, or of --backend):
the cost and tokens the agent-servers report, never estimated. Prints the totals, by model,
by sandbox and by backend, the spend over the last hour and per UTC day since --since (from
the spend history), and the costliest conversations. Each run also records a snapshot in the
history (spend.db beside state_file), so running it from cron builds the history. A crossed
[budget] is said on stderr. Exit code 5 when a backend or sandbox could not be read (named on
stderr): the figures printed are real but not complete.`,
		},
		{
			name: "watch", summary: "print conversation and sandbox state changes as they happen (--json: NDJSON)", setup: setupWatch,
			long: `Prints one line per state change the dashboard alerts on, across every backend, until
interrupted (exit 130): a conversation entering waiting_for_confirmation, error, stuck or
finished; a sandbox that stopped, died or became unhealthy. With --json each line is an
object with the fields time, kind, backend, sandbox, conversation, from, to, title. The
first listing is the baseline (nothing printed); reconnects neither repeat nor skip a
change. Conversations are read at the dashboard's pace: one list per running sandbox
every 5s (slower past 200 running sandboxes).`,
		},
		{
			name: "demo", summary: "open the dashboard on a simulated OpenHands deployment (no Docker needed)",
			settings: []string{"theme", "mouse", "low_bandwidth"}, tui: true, setup: setupDemo,
			long: `Starts OpenHands' runtime API simulator in-process, with a handful of sandboxes running
scripted agent conversations, and an OpenHands app-server simulator beside it (backend
cloud-demo: its sandboxes and app conversations, and C on the conversations tab starts a
new one), and opens the dashboard on it. Nothing outside the process
is touched: no Docker, no network beyond loopback, no state files, no audit log (unless
--audit-log is given).`,
		},
		{
			name: "sim", summary: "start or remove simulated sandboxes on your Docker engine (no OpenHands needed)",
			long: `Builds the agent-server emulator (cmd/agentsim) with the Go toolchain, imports it into the
engine as a local image (no registry), and starts sandboxes from it that the dashboard shows
like real ones, with SPEC "` + simSpecID + `". No agent or LLM runs in them. Use it to try
ohdash on a real engine before OpenHands is set up; 'ohdash demo' needs no engine at all.`,
			subs: []*command{
				{name: "up", summary: "build the emulator image and start simulated sandboxes, print their ids", setup: setupSimUp},
				{name: "down", summary: "remove every simulated sandbox (and nothing else), print their ids", setup: setupSimDown},
			},
		},
		{name: "version", summary: "print the version", standalone: true, setup: setupVersion},
		{
			name: "completion", args: "bash|zsh|fish", minArgs: 1, maxArgs: 1, complete: []string{"bash", "zsh", "fish"},
			summary: "print a shell completion script", standalone: true, setup: setupCompletion,
			long: `Prints a completion script. Install it with, for example:
  bash: ohdash completion bash > ~/.local/share/bash-completion/completions/ohdash
  zsh:  ohdash completion zsh > "${fpath[1]}/_ohdash"
  fish: ohdash completion fish > ~/.config/fish/completions/ohdash.fish`,
		},
		{name: "help", args: "[COMMAND]", maxArgs: -1, summary: "show help for ohdash or a command", standalone: true, setup: setupHelp},
		{name: "__complete", args: "KIND", minArgs: 1, maxArgs: 1, hidden: true, setup: setupComplete},
	}
}

// convSub is one `ohdash conv` subcommand.
func convSub(name, summary string, setup func(*flag.FlagSet) runner) *command {
	return &command{
		name: name, args: "CONVERSATION", minArgs: 1, maxArgs: 1, complete: []string{"conversation"},
		summary: summary, setup: setup,
	}
}

// convSubMany is a conversation subcommand that takes several
// conversations, named or selected with --filter and --status.
func convSubMany(name, summary string, setup func(*flag.FlagSet) runner) *command {
	c := convSub(name, summary, setup)
	c.args, c.minArgs, c.maxArgs = "[CONVERSATION...]", 0, -1
	return c
}

func withAlias(c *command, short, long string) *command {
	c.aliases = map[string]string{short: long}
	return c
}
