package main

import (
	"context"
	"log/slog"
	"time"

	"govchat/internal/audit"
	"govchat/internal/busevent"
	"govchat/internal/quiet"
	"govchat/internal/secalert"
	"govchat/internal/store"
)

// securityAlerts is the console's alert job (PROTOCOL.md §4.24) over the store, the
// organisation's working time and the bus (the audit_alert frame).
func securityAlerts(s store.Store, q *quiet.Service, b busevent.Bus, rec *audit.Recorder, log *slog.Logger, now func() time.Time) *secalert.Job {
	return secalert.New(secalert.Deps{
		Store: store.Narrow(s, func(tx store.Store) secalert.Tx { return tx }),
		WorkingTime: func(ctx context.Context) (secalert.WorkingTime, error) {
			p, err := q.Policy(ctx)
			if err != nil {
				return nil, err
			}
			return p, nil
		},
		Publisher: busevent.NewPublisher(b, log), Audit: rec, Log: log, Now: now,
	}, secalert.Defaults())
}
