package httpapi

import (
	"time"

	"govchat/internal/push"
	"govchat/protocol"
)

// pushTestMessage is what POST /api/v1/push/test sends: short-lived, replacing an
// earlier test push still on its way.
func pushTestMessage() push.Message {
	return push.Message{
		Payload: protocol.PushPayload{Kind: protocol.PushTest, Title: "govchat 测试通知 / test notification",
			Body: "推送通知已开启。/ Push notifications work on this device.", URL: "/settings", Tag: "push-test"},
		TTL:   10 * time.Minute,
		Topic: "push-test",
	}
}
