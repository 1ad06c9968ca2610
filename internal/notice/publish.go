package notice

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/auth"
	"govchat/internal/store"
	"govchat/protocol"
)

// Publish checks, authorises and resolves a notice, stores it with its recipients and
// tells each recipient (`published`). See the package doc for who may publish and
// resolve for how the audience becomes people.
func (s *Service) Publish(ctx context.Context, p auth.Principal, req protocol.PublishNoticeRequest) (protocol.Notice, error) {
	now := s.now().Truncate(time.Millisecond) // as the store keeps it
	in, err := checkPublish(req, now)
	if err != nil {
		return protocol.Notice{}, err
	}
	if err := mayPublish(ctx, s.store, s.opt.ChannelAdminsMayPublish, p, req.Audience); err != nil {
		return protocol.Notice{}, err
	}
	v, err := loadOrg(ctx, s.store)
	if err != nil {
		return protocol.Notice{}, err
	}
	res, err := resolve(ctx, s.store, v, req.Audience, p.User.ID)
	if err != nil {
		return protocol.Notice{}, err
	}
	if cid, err := res.checkCeilings(in.secrecy); err != nil {
		// The client shows each target's ceiling: a refusal here is a modified client or
		// a ceiling lowered meanwhile, and is for the trail.
		if s.opt.Audit != nil {
			_ = s.opt.Audit.Record(ctx, audit.Event{ActorID: p.User.ID, ActorName: p.User.Username, Action: audit.SecrecyRefused,
				TargetType: "channel", TargetID: strconv.FormatInt(cid, 10), Outcome: audit.Denied,
				Detail: map[string]any{"op": "notice", "secrecy": in.secrecy, "max_secrecy": res.pins[cid].ceiling}})
		}
		return protocol.Notice{}, err
	}
	atts, err := s.attachments(ctx, p.User.ID, req.Attachments, res.recipients)
	if err != nil {
		return protocol.Notice{}, err
	}
	finding, err := s.checkDLP(ctx, p.User.ID, in.title, in.body, in.secrecy, req.DLPAck)
	if err != nil {
		return protocol.Notice{}, err
	}
	aud, _ := json.Marshal(req.Audience)
	n := store.Notice{
		AuthorID: p.User.ID, Title: in.title, Body: in.body, Priority: in.priority, Secrecy: in.secrecy, Deadline: in.deadline,
		NeedsConfirm: in.needsConfirm, Status: store.NoticeActive, AudienceJSON: string(aud), Channels: res.channels, CreatedAt: now,
		Attachments: atts,
	}
	for i := range res.recipients {
		res.recipients[i].DeliveredAt = now
	}
	err = s.inTx(ctx, func(tx Tx, rec *audit.Recorder) error {
		if err := tx.CreateNotice(ctx, &n, res.recipients); err != nil {
			return err
		}
		return record(ctx, rec, p.User, audit.NoticePublish, n.ID, map[string]any{
			"title": n.Title, "recipients": len(res.recipients), "channels": n.Channels, "priority": n.Priority,
			"needs_confirm": n.NeedsConfirm, "departments": len(req.Audience.Departments), "party_orgs": len(req.Audience.PartyOrgs),
			"users": len(req.Audience.Users), "all": req.Audience.All, "attachments": len(atts),
		})
	})
	if err != nil {
		return protocol.Notice{}, storeErr(err, "publish")
	}
	s.sentDLP(ctx, finding, "publish", n.ID)
	n.Recipients = len(res.recipients)
	n.Revision = 1
	users := make([]int64, len(res.recipients))
	for i, r := range res.recipients {
		users[i] = r.UserID
	}
	s.depts.put(n.ID, distinctDepts(res.recipients))
	s.send(ctx, users, event(n, protocol.NoticeEventPublished))
	s.alert(n, protocol.NoticeEventPublished, users)
	out := toWire(n)
	out.CanTally, out.CanManage = true, true
	return out, nil
}

// attachments checks the notice's files, once its recipients are known: the author's
// uploads, with keys posted for every recipient who has a key (refused otherwise:
// someone would get a file they cannot open).
func (s *Service) attachments(ctx context.Context, authorID int64, refs []protocol.AttachmentRef, rs []store.NoticeRecipient) ([]store.Attachment, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	if s.opt.Files == nil {
		return nil, apperr.BadField("attachments", "this server takes no files")
	}
	atts, err := s.opt.Files.NoticeAttachments(ctx, authorID, refs)
	if err != nil {
		return nil, err
	}
	users := make([]int64, len(rs))
	for i, r := range rs {
		users[i] = r.UserID
	}
	if err := s.opt.Files.NoticeKeys(ctx, atts, users); err != nil {
		return nil, err
	}
	return atts, nil
}

func distinctDepts(rs []store.NoticeRecipient) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, r := range rs {
		if !seen[r.DepartmentID] {
			seen[r.DepartmentID] = true
			out = append(out, r.DepartmentID)
		}
	}
	return out
}

// mayPublish: a leader may publish to any audience; with ChannelAdminsMayPublish, an
// administrator of every channel in an audience made only of channels may publish to
// it. Whether a channel exists is not revealed to those who may not publish to it.
func mayPublish(ctx context.Context, st audienceStore, channelAdmins bool, p auth.Principal, a protocol.Audience) error {
	if p.User.Role == store.RoleLeader {
		return nil
	}
	forbidden := apperr.New(protocol.CodeForbidden, "only leaders, and channel administrators in their channels, may publish notices")
	if !channelAdmins || len(a.Channels) == 0 || len(a.Departments)+len(a.PartyOrgs)+len(a.Users) > 0 || a.All {
		return forbidden
	}
	for _, cid := range a.Channels {
		m, err := st.GetMember(ctx, cid, p.User.ID)
		if errors.Is(err, store.ErrNotFound) {
			return forbidden
		}
		if err != nil {
			return fmt.Errorf("notice: membership of %d in %d: %w", p.User.ID, cid, err)
		}
		if m.Role != store.MemberAdmin {
			return forbidden
		}
	}
	return nil
}
