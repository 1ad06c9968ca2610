// Package alert decides who is told of what by a push to their phone or desktop, and
// when — the policy between what happens (a message committed, a notice published,
// reminded or escalated) and the Web Push delivery path (internal/push).
//
// The rules, as PROTOCOL.md states them:
//
//   - Who: people not connected right now (a connected client shows it live). For a
//     channel message, its members but the sender, per their channel setting: all, only
//     when @-mentioned, or none; a direct message and a mention count whatever the
//     channel's level but none. For a notice, its recipients (published, revised,
//     reminded) and the department heads it escalates to.
//   - When: inside the person's working time or duty slot (internal/quiet). Outside it
//     nothing is pushed; the alert is counted instead, and when their working time
//     starts one digest push says how many notices, mentions and messages came.
//   - Break-through: an urgent notice published by a leader reaches people off duty too,
//     at most Options.BreakthroughPerWeek notices per sender in seven days; each is an
//     audit event (notice.breakthrough). Revisions and reminders of it follow the rule
//     of working time again.
//   - Privacy: a push carries message text only for messages at level 0 (普通) and only
//     with Options.Preview "text"; otherwise "new message in <channel>", or with
//     Options.Preview "none" not even the channel's name. A notice's title is shown only
//     at level 0 with Preview "text".
package alert
