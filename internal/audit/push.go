package audit

// Web Push (internal/push). The target is the subscription; the detail names the push
// service's host, never the endpoint's path (a capability) or the keys.
const (
	PushSubscribe   = "push.subscribe"
	PushUnsubscribe = "push.unsubscribe"
)
