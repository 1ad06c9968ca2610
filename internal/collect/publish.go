package collect

import (
	"context"
	"encoding/json"
	"time"

	"govchat/internal/audit"
	"govchat/internal/auth"
	"govchat/internal/store"
	"govchat/protocol"
)

// Publish checks, authorises and resolves a collection, stores it with its recipients
// and its first trace step, and tells each recipient (`published`).
func (s *Service) Publish(ctx context.Context, p auth.Principal, req protocol.PublishCollectionRequest) (protocol.Collection, error) {
	now := s.now().Truncate(time.Millisecond)
	in, err := checkPublish(req, now)
	if err != nil {
		return protocol.Collection{}, err
	}
	if err := s.audiences.MayPublish(ctx, p, req.Audience); err != nil {
		return protocol.Collection{}, err
	}
	org, err := s.audiences.LoadOrg(ctx)
	if err != nil {
		return protocol.Collection{}, err
	}
	people, err := s.audiences.Resolve(ctx, org, req.Audience, p.User.ID)
	if err != nil {
		return protocol.Collection{}, err
	}
	fields, _ := json.Marshal(in.fields)
	aud, _ := json.Marshal(req.Audience)
	c := store.Collection{AuthorID: p.User.ID, Kind: in.kind, Title: in.title, Description: in.description, FieldsJSON: string(fields),
		Per: in.per, Secrecy: in.secrecy, AudienceJSON: string(aud), Deadline: in.deadline, CreatedAt: now}
	perDept := in.per == protocol.CollectionPerDepartment
	rs := make([]store.CollectionRecipient, len(people))
	users := make([]int64, len(people))
	for i, r := range people {
		rs[i] = store.CollectionRecipient{UserID: r.UserID, DepartmentID: r.DepartmentID,
			Unit: store.UnitOf(perDept, r.UserID, r.DepartmentID), DeliveredAt: now}
		users[i] = r.UserID
	}
	err = s.inTx(ctx, func(tx Tx, rec *audit.Recorder) error {
		if err := tx.CreateCollection(ctx, &c, rs); err != nil {
			return err
		}
		if err := tx.AddCollectionEvents(ctx, []store.CollectionEvent{{CollectionID: c.ID, At: now, Action: protocol.CollectionPublished,
			ActorID: p.User.ID, People: len(rs)}}); err != nil {
			return err
		}
		return record(ctx, rec, p.User, audit.CollectionPublish, c.ID, map[string]any{
			"title": c.Title, "kind": c.Kind, "per": c.Per, "recipients": c.Recipients, "units": c.Units, "fields": len(in.fields),
			"departments": len(req.Audience.Departments), "party_orgs": len(req.Audience.PartyOrgs), "channels": len(req.Audience.Channels),
			"users": len(req.Audience.Users), "all": req.Audience.All,
		})
	})
	if err != nil {
		return protocol.Collection{}, storeErr(err, "publish")
	}
	s.depts.Store(c.ID, distinctDepts(rs))
	s.send(ctx, users, c, protocol.CollectionEventPublished, 0)
	out, err := toWire(c, p.User.DisplayName)
	if err != nil {
		return protocol.Collection{}, err
	}
	out.CanManage, out.CanSeeAll = true, true
	return out, nil
}
