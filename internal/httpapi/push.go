package httpapi

import (
	"net/http"
	"net/url"

	"govchat/internal/audit"
	"govchat/protocol"
)

// Web Push (PROTOCOL.md §4.12): the VAPID key, the caller's own subscriptions, and a
// test push to the caller's devices.

func (a *API) pushKey(_ http.ResponseWriter, _ *http.Request) (int, any, error) {
	return http.StatusOK, protocol.PushKey{PublicKey: a.push.PublicKey()}, nil
}

func (a *API) pushSubscribe(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := bodyOf[protocol.PushSubscribeRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	p := principalFrom(r.Context())
	if err := a.push.Subscribe(r.Context(), p.User.ID, req, r.UserAgent()); err != nil {
		return 0, nil, err
	}
	if err := a.audit.Record(r.Context(), audit.Event{ActorID: p.User.ID, ActorName: p.User.Username, Action: audit.PushSubscribe,
		TargetType: "push_subscription", Detail: map[string]any{"push_service": pushHost(req.Endpoint)}}); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

func (a *API) pushUnsubscribe(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := bodyOf[protocol.PushUnsubscribeRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	p := principalFrom(r.Context())
	if err := a.push.Unsubscribe(r.Context(), p.User.ID, req.Endpoint); err != nil {
		return 0, nil, err
	}
	if err := a.audit.Record(r.Context(), audit.Event{ActorID: p.User.ID, ActorName: p.User.Username, Action: audit.PushUnsubscribe,
		TargetType: "push_subscription", Detail: map[string]any{"push_service": pushHost(req.Endpoint)}}); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

// pushTest queues a test push to every device of the caller (settings: "发送测试通知").
func (a *API) pushTest(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	p := principalFrom(r.Context())
	n, err := a.push.Enqueue(r.Context(), []int64{p.User.ID}, pushTestMessage())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, protocol.PushTestResult{Queued: n}, nil
}

func pushHost(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return ""
	}
	return u.Host
}
