package protocol

// Search that lands on the message (issue 15): the filters of GET /api/v1/search are
// query parameters (PROTOCOL.md §4.9), and history around one message answers with
// MessagesAround.

// SearchDateLayout is how the search filters `from` and `to` write a day: a date in
// Beijing time (UTC+8), e.g. 2026-11-24.
const SearchDateLayout = "2006-01-02"

// MessagesAround answers GET /api/v1/channels/{id}/messages?around=SEQ: the messages on
// both sides of SEQ, ascending by seq, and whether the channel has more on each side.
type MessagesAround struct {
	Messages []Message `json:"messages"`
	// HasMoreBefore: there are messages older than the first one returned.
	HasMoreBefore bool `json:"has_more_before"`
	// HasMoreAfter: there are messages newer than the last one returned.
	HasMoreAfter bool `json:"has_more_after"`
}
