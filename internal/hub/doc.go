// Package hub is govchat's realtime edge: it accepts WebSocket connections at
// /api/v1/ws, speaks the frame protocol of protocol/ws.go, fans bus events out to
// the local connections subscribed to them and replays what a reconnecting client
// missed. What a frame means, and who may do it, is the Service's business.
//
// # Handshake
//
// The hub is mounted behind the REST middleware (httpapi), which checks the Origin and
// authenticates the session exactly as for REST, and hands the principal on in the
// request's context (auth.FromContext); its refusals are the REST ones. The hub itself
// refuses only while shutting down (503 unavailable) and a request that is not a
// WebSocket handshake (400 bad_request), with the REST error body (apperr.WriteHTTP),
// without upgrading.
//
// # Frames
//
// A client sends one frame per text message. A server message may carry several
// frames separated by "\n" (NDJSON): frames are compact JSON, so a newline never
// occurs inside one. Refusals are error frames (the REST error body) with the ref
// echoed when it could be read, and the connection goes on. Frames and their data are
// read by the one strict decoder (strictjson), error frames made by apperr.Frame:
//
//	bad_request          not one JSON object, text that is not valid UTF-8 as sent,
//	                     an unknown field, a wrong field type, trailing data, no type,
//	                     a ref over 256 bytes, a binary message
//	unsupported_version  "v" is not 1
//	unknown_type         a type clients do not send
//	hello_first          anything but ping before hello, or a second hello
//	too_large            over protocol.MaxFrameBytes (hello: up to 64 KiB, since
//	                     MaxResumeChans positions do not fit in MaxFrameBytes)
//	rate_limited         over the per-connection rate (default 20/s, burst 50);
//	                     retry_after in seconds; the frame is dropped
//	not_member           hello resumes a channel the user is not in (others go on)
//
// away is answered by the hub itself, not the Service: it sets the connection's away
// flag (the person left it idle) and tells Options.Presence when the flag changes; a
// connection starts active, and one that closes while away leaves the away count too.
// The ack echoes the data; a missing or null away is bad_request (field data.away).
//
// A message over 64 KiB is not read at all: the connection closes with 1009.
// 100 rate-limited frames in a row close it with 1008.
//
// # Hello and resume
//
// hello subscribes the connection to the user's topic and every channel of the
// user, replays each listed channel from its position (Service.Resume) or sends a
// resync, then the live events that arrived meanwhile with a higher sequence, then
// welcome. From then on a channel event whose sequence the connection already sent
// is dropped, so resume and live never duplicate; events with sequence 0 always go
// through.
//
// # Joins and leaves
//
// The user's topic says when the user joins or leaves a channel (busevent.Joined,
// Left); the connection then follows: it subscribes to the channel or leaves it. A
// leave drops the channel's events at once. A join says where in the channel the user
// joined, and what the channel got from there until the subscription took effect —
// over Redis a round trip, and always the line a group is created with — never came
// live: so the channel's events are held back from the moment the join is noted, the
// connection subscribes, the store is read from where the user joined
// (Service.Resume, a resync when that is too much) and the held events follow, as in
// hello's resume. The client gets the joined frame first, then every message after
// the join, once (issue 17).
//
// # Goroutines and timers
//
// A connection has one goroutine of its own, its reader (started when the upgrade's
// HTTP handler returns, so net/http keeps nothing of the request). Its writer runs
// only while there is something to write, started by whoever queues the work and
// gone once the queue is empty; its follower only while there are joins and leaves to
// apply, after hello, started by whoever notes the first of them. Bus events are decoded once and handed to a few
// fan-out workers (one per core), each owning a fixed part of every topic's
// connections, so one event's deliveries run on every core and each connection still
// sees events in bus order. Pings, session re-checks and session expiry come from one
// timer wheel for the whole hub.
//
// # Close codes
//
//	1001 (CloseShutdown)         the hub is closing; reconnect
//	1008                         rate limit ignored
//	1009                         message over 64 KiB
//	1011                         server error (store or bus down during hello, a bug)
//	4001 (CloseUnauthenticated)  session expired, or revoked (checked about once a minute)
//	4008 (CloseTooSlow)          the outbound queue overflowed; reconnect and resume
//
// A connection that sends nothing, not even a pong, for 2.5 heartbeats is dropped.
package hub
