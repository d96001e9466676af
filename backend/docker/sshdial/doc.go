// Package sshdial reaches a Docker engine on another machine over SSH, the
// way DOCKER_HOST=ssh://user@host promises: one SSH connection per host,
// and one channel per HTTP connection forwarded to the engine's unix socket
// on the remote side (OpenSSH's direct-streamlocal, the mechanism behind
// ssh -L local:/remote.sock). Nothing runs on the remote host but sshd: no
// docker CLI there, no ssh subprocess here, no fixed waits.
//
// It honours the parts of ~/.ssh/config that decide where and as whom to
// connect (Host patterns, HostName, User, Port, IdentityFile,
// IdentitiesOnly, UserKnownHostsFile, HostKeyAlias, ConnectTimeout,
// ServerAliveInterval, ServerAliveCountMax, ProxyJump, Include),
// authenticates with the ssh-agent and the user's keys, and verifies the
// host key against known_hosts: an unknown host or a changed key is
// refused with a message that says what to do, never accepted silently.
//
// ProxyJump reaches the host through jump hosts (bastions), as ssh -J
// does: a TCP connection to the first, then a direct-tcpip channel through
// each to the next. Every jump host is resolved through the config with
// its own settings, its host key verified and its login made exactly like
// the target's; as with ssh, the first jump host's own ProxyJump is
// followed too. One timeout bounds the whole chain, and the chain lives
// and dies as one connection. ProxyCommand is refused: the package runs
// no commands.
//
// A connection that dies (the server goes away, or stops answering
// keepalives) is dropped, and the next Dial makes a new one; callers that
// retry with backoff, like the Docker backend's Watch, recover on their own.
//
// The package does not import backend/docker: backend/docker imports it
// and plugs a Dialer in for ssh:// endpoints by default.
package sshdial
