package audit

// Secrecy levels (PROTOCOL.md §4.18).
const (
	// SecrecyLevelsChanged: the security officer changed the ladder; the detail holds
	// each changed level's rules before and after (names, colours, rules; never content).
	SecrecyLevelsChanged = "secrecy.levels_changed"
	// SecrecyChannelChanged: the security officer changed a channel's ceiling or usual
	// level; the detail holds both before and after.
	SecrecyChannelChanged = "secrecy.channel_changed"
	// SecrecyRefused: a send or a notice above a channel's ceiling, refused (outcome
	// denied). Govchat's clients never offer such a level, so it marks a modified client
	// or a ceiling lowered while someone typed; the detail says which channel and levels.
	SecrecyRefused = "secrecy.refused"
)
