// Package loadgen is govchat's load generator (govchat loadgen): it measures what
// "Speed by design" promises — delivery latency, fan-out throughput and server
// memory per idle connection — against a running server, through the same REST and
// WebSocket protocol the clients use.
//
// A run has five phases:
//
//  1. Setup over REST. The administrator creates Channels×MembersPerChannel users
//     (lg<run>-0001, …) with an explicit random password that passes the policy, so
//     no account has to change it; each user that will hold a connection, and each
//     group's creator, logs in once; every group is created by its member 0 with the
//     others listed. Connections share their user's session: connection i belongs to
//     user (i mod M)·K + (i/M mod K), so connections spread evenly over the channels
//     and beyond K·M connections a user has several devices, as people do.
//
//     What it costs: one password hash (argon2id, ~50–100 ms of server CPU,
//     ~48 MiB of transient memory) per user created and again per login, and
//     1 + users + logins + channels REST requests. At 2 cores that is about
//     200 users in 10–20 s and 2,000 users in a few minutes; the connections
//     themselves are cheap. The server allows 10 logins at once and then one per 6 s
//     from one client address; against a loopback IPv4 target the logins are spread
//     over the source addresses 127.0.0.2, 127.0.0.3, … (all of 127.0.0.0/8 is the
//     loopback interface on Linux), ten per address, so the limit costs nothing.
//     Elsewhere they wait out Retry-After: ~6 s per login past the tenth.
//
//  2. Connect. Open every WebSocket (Authorization: Bearer, Origin of the server),
//     send hello, wait for welcome. The server's /metrics is read before and after,
//     each time after two garbage collections and once the runtime has returned the
//     freed heap to the OS (see metricsAfterGC: setup leaves ~48 MiB of argon2
//     garbage per concurrent hash), with the connections idle for Settle; the
//     growth divided by the connections is the memory per idle connection, as RSS
//     and as Go heap plus stacks.
//
//  3. Load. Senders write send frames on an open-loop schedule totalling Rate per
//     second over Duration; each text carries its scheduled send time. Every
//     connection reads its frames (several per WebSocket message, NDJSON), counts
//     acks and deliveries, checks each channel's sequence for gaps, and records ack
//     and delivery latency into log-bucketed histograms. The drain waits up to
//     Drain for what is still outstanding. Gaps are then looked up in the channel
//     history, to tell a message lost in fan-out (stored) from one never stored.
//
//  4. Report: a table, or JSON, with the CPU the server and the generator used
//     while loading (they share the machine on a loopback run).
//
//  5. Cleanup: the test users are disabled (which ends their sessions), or with
//     KeepUsers only logged out, and the administrator logs out.
//
// Every phase is bounded: setup by SetupTimeout, each connection's handshake and
// each write by a timeout, sending by Duration and the drain by Drain. Only
// loopback targets are accepted unless AllowRemote.
package loadgen
