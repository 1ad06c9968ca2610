package notice

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"govchat/internal/apperr"
	"govchat/protocol"
)

// checkText trims v and checks it is valid UTF-8, 1..max characters (0..max when not
// required), and free of control characters — except line breaks and tabs when
// multiline — and of direction overrides that could disguise it.
func checkText(field, v string, max int, required, multiline bool) (string, error) {
	if !utf8.ValidString(v) {
		return "", apperr.BadField(field, "%s is not valid UTF-8", field)
	}
	v = strings.TrimSpace(v)
	if v == "" {
		if required {
			return "", apperr.BadField(field, "%s is required", field)
		}
		return "", nil
	}
	if utf8.RuneCountInString(v) > max {
		return "", apperr.BadField(field, "%s is longer than %d characters", field, max)
	}
	for _, r := range v {
		if multiline && (r == '\n' || r == '\t' || r == '\r') {
			continue
		}
		if unicode.IsControl(r) || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) {
			return "", apperr.BadField(field, "%s contains control or direction-override characters", field)
		}
	}
	return v, nil
}

// checkTitleBody checks a title (one line) and a body (line breaks and tabs allowed).
func checkTitleBody(title, body string) (string, string, error) {
	t, err := checkText("title", title, protocol.MaxNoticeTitle, true, false)
	if err != nil {
		return "", "", err
	}
	b, err := checkText("body", body, protocol.MaxNoticeBody, true, true)
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
