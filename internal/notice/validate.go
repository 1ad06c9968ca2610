package notice

import (
	"time"

	"govchat/internal/apperr"
	"govchat/internal/textcheck"
	"govchat/protocol"
)

// checkTitleBody checks a title (one line) and a body (line breaks and tabs allowed).
func checkTitleBody(title, body string) (string, string, error) {
	t, err := textcheck.Field("title", title, protocol.MaxNoticeTitle, true, false)
	if err != nil {
		return "", "", err
	}
	b, err := textcheck.Field("body", body, protocol.MaxNoticeBody, true, true)
	if err != nil {
		return "", "", err
	}
	return t, b, nil
}

func checkPriority(v string, def string) (string, error) {
	switch v {
	case "":
		return def, nil
	case protocol.NoticeNormal, protocol.NoticeUrgent:
		return v, nil
	}
	return "", apperr.BadField("priority", "priority must be normal or urgent")
}

func checkDeadline(d *time.Time, now time.Time) (time.Time, error) {
	if d == nil || d.IsZero() {
		return time.Time{}, nil
	}
	if !d.After(now) {
		return time.Time{}, apperr.BadField("deadline", "the deadline must be in the future")
	}
	return d.Truncate(time.Millisecond), nil // the store keeps milliseconds
}

// checkAudience checks the shape of an audience: not empty, no list too long.
func checkAudience(a protocol.Audience) error {
	if !a.All && len(a.Channels)+len(a.Departments)+len(a.PartyOrgs)+len(a.Users) == 0 {
		return apperr.BadField("audience", "say who the notice is for")
	}
	for field, n := range map[string]int{"audience.channels": len(a.Channels), "audience.departments": len(a.Departments),
		"audience.party_orgs": len(a.PartyOrgs), "audience.users": len(a.Users)} {
		if n > protocol.MaxAudienceItems {
			return apperr.BadField(field, "at most %d entries", protocol.MaxAudienceItems)
		}
	}
	return nil
}

// publishRequest is a checked PublishNoticeRequest.
type publishRequest struct {
	title, body, priority string
	secrecy               int
	deadline              time.Time
	needsConfirm          bool
}

func checkPublish(req protocol.PublishNoticeRequest, now time.Time) (publishRequest, error) {
	var out publishRequest
	var err error
	if out.title, out.body, err = checkTitleBody(req.Title, req.Body); err != nil {
		return out, err
	}
	if out.priority, err = checkPriority(req.Priority, protocol.NoticeNormal); err != nil {
		return out, err
	}
	if req.Secrecy < 0 || req.Secrecy >= protocol.NumSecrecyLevels {
		return out, apperr.BadField("secrecy", "there is no secrecy level %d; levels are 0 to %d", req.Secrecy, protocol.NumSecrecyLevels-1)
	}
	out.secrecy = req.Secrecy
	if out.deadline, err = checkDeadline(req.Deadline, now); err != nil {
		return out, err
	}
	out.needsConfirm = req.NeedsConfirm == nil || *req.NeedsConfirm
	if len(req.Attachments) > protocol.MaxAttachmentsPer {
		return out, apperr.BadField("attachments", "at most %d attachments", protocol.MaxAttachmentsPer)
	}
	return out, checkAudience(req.Audience)
}
