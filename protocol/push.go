package protocol

// Web Push (PROTOCOL.md §4.12): the server's VAPID public key, a browser's push
// subscription, and what the service worker receives in a push.

// PushKey answers GET /api/v1/push/key: the application server key to pass to
// pushManager.subscribe({applicationServerKey}), base64url without padding.
type PushKey struct {
	PublicKey string `json:"public_key"`
}

// PushSubscriptionKeys are the browser's keys, base64url: p256dh is its P-256 public
// key (65 bytes, uncompressed), auth the 16-byte authentication secret.
type PushSubscriptionKeys struct {
	P256dh string `json:"p256dh"`
	Auth   string `json:"auth"`
}

// PushSubscribeRequest is the body of POST /api/v1/push/subscriptions: exactly what
// the browser's PushSubscription.toJSON() gives.
type PushSubscribeRequest struct {
	Endpoint string               `json:"endpoint"`
	Keys     PushSubscriptionKeys `json:"keys"`
	// ExpirationTime is the browser's DOMHighResTimeStamp (ms since the epoch) or
	// null; it is accepted and not used.
	ExpirationTime *float64 `json:"expirationTime,omitempty"`
}

// PushUnsubscribeRequest is the body of DELETE /api/v1/push/subscriptions.
type PushUnsubscribeRequest struct {
	Endpoint string `json:"endpoint"`
}

// PushTestResult answers POST /api/v1/push/test: how many of the caller's devices a
// test push was queued for (0: none subscribed).
type PushTestResult struct {
	Queued int `json:"queued"`
}

// Limits of Web Push.
const (
	MaxPushEndpoint = 2048 // bytes of a subscription's endpoint URL
	// MaxPushPayload is the largest JSON payload the server sends, in bytes: what fits
	// one 4,096-byte aes128gcm record after its header (86 bytes), the padding
	// delimiter and the 16-byte tag. A longer body is shortened to fit.
	MaxPushPayload = 3993
)

// PushKind says what a push is about; the service worker picks its wording and icon.
type PushKind string

const (
	PushMessage    PushKind = "message"    // a new message in a channel (per the person's channel setting)
	PushMention    PushKind = "mention"    // someone @-mentioned the person
	PushDirect     PushKind = "direct"     // a direct (one-to-one) message
	PushNotice     PushKind = "notice"     // a notice to confirm (or revised)
	PushReminder   PushKind = "reminder"   // a reminder of an unconfirmed notice
	PushEscalation PushKind = "escalation" // a department head told who has not confirmed by the deadline
	PushTodo       PushKind = "todo"       // a to-do given to the person, or due (§4.22)
	PushDigest     PushKind = "digest"     // one summary when working time starts
	// PushKeyRecovered: the person's key pair was recovered on a new device (PROTOCOL.md §4.23).
	PushKeyRecovered PushKind = "key_recovered"
	PushTest         PushKind = "test" // the settings page's test push
)

// PushCounts is what a digest summarises.
type PushCounts struct {
	Notices  int `json:"notices"`
	Mentions int `json:"mentions"`
	Messages int `json:"messages"`
	Todos    int `json:"todos,omitempty"` // to-dos given or due (§4.22)
}

// PushPayload is the decrypted data of a push, as the service worker receives it. It
// never carries message text above the internal (内部) level.
type PushPayload struct {
	Kind  PushKind `json:"kind"`
	Title string   `json:"title"`
	Body  string   `json:"body"`
	// URL is a path of the web client to open when the notification is clicked:
	// /c/12, /notices/7.
	URL string `json:"url"`
	// Tag groups notifications on the device: a newer one with the same tag replaces
	// the older (c12, notice7).
	Tag    string      `json:"tag"`
	Urgent bool        `json:"urgent"`
	Counts *PushCounts `json:"counts,omitempty"`
}
