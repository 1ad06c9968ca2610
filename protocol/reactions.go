package protocol

// Reactions (收到, 👍, OK …) on messages: a person adds or removes one of the server's
// allowed reactions (Info.Reactions) with a react frame; everyone in the channel then
// gets the message's reactions in a reactions frame. PROTOCOL.md §7.4 and §7.5.

// Frame types of reactions.
const (
	TypeReact     = "react"     // client → server: ReactData, answered with an ack carrying ReactionsData
	TypeReactions = "reactions" // server → client: ReactionsData, a message's reactions changed
)

// Limits of the allowed set the operator configures (--reactions).
const (
	MaxReactions     = 12 // reactions in the allowed set
	MaxReactionRunes = 10 // characters in one reaction: 辛苦了, OK, or an emoji with its modifiers
)

// ReactData adds (On) or removes (!On) the sender's reaction to a message. Adding a
// reaction one holds, or removing one one does not, changes nothing and is answered
// like the change: on twice is on once.
type ReactData struct {
	ChannelID int64  `json:"channel_id"`
	Seq       int64  `json:"seq"`
	Reaction  string `json:"reaction"` // one of Info.Reactions, exactly
	On        bool   `json:"on"`
}

// ReactionsData is a message's reactions after a change: the ack of a react frame and
// the body of the reactions frame to the channel. Rev grows with every change of the
// message's reactions; a client keeps the highest it has seen, so a frame overtaken by
// a later one is not shown over it.
type ReactionsData struct {
	ChannelID int64      `json:"channel_id"`
	Seq       int64      `json:"seq"`
	Rev       int64      `json:"rev"`
	Reactions []Reaction `json:"reactions"` // as Message.Reactions; [] when none is left
}

// CodeReactionNotAllowed refuses a reaction outside the server's allowed set
// (Info.Reactions); field is "reaction". (Kept here rather than in errors.go's block.)
const CodeReactionNotAllowed Code = "reaction_not_allowed"
