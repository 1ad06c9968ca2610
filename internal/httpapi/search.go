package httpapi

import (
	"net/http"

	"govchat/internal/apperr"
	"govchat/internal/chat"
)

// historyAround answers ?around=SEQ: the messages on both sides of one, for opening a
// channel at a search hit. It takes no before or after.
func (a *API) historyAround(r *http.Request, id int64, before, after int) (int, any, error) {
	if before != 0 || after != 0 {
		return 0, nil, apperr.BadField("around", "around goes without before and after")
	}
	seq, err := queryInt(r, "around", 0, 1, 1<<62)
	if err != nil {
		return 0, nil, err
	}
	limit, err := queryInt(r, "limit", 50, 1, 200)
	if err != nil {
		return 0, nil, err
	}
	out, err := a.chat.Around(r.Context(), me(r), id, int64(seq), limit)
	return http.StatusOK, out, err
}

// search finds messages: ?q= (Chinese works without a segmenter), and the filters
// ?channel=, ?sender=, ?from= and ?to= (Beijing dates, both included); ?limit=.
func (a *API) search(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	limit, err := queryInt(r, "limit", 30, 1, 100)
	if err != nil {
		return 0, nil, err
	}
	ch, err := queryInt(r, "channel", 0, 1, 1<<62)
	if err != nil {
		return 0, nil, err
	}
	sender, err := queryInt(r, "sender", 0, 1, 1<<62)
	if err != nil {
		return 0, nil, err
	}
	q := r.URL.Query()
	out, err := a.chat.Search(r.Context(), me(r), chat.SearchRequest{
		Text: q.Get("q"), ChannelID: int64(ch), SenderID: int64(sender),
		From: q.Get("from"), To: q.Get("to"), Limit: limit,
	})
	return http.StatusOK, out, err
}
