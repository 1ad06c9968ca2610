package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"sync"
	"time"

	clientweb "govchat/client-web"
	"govchat/internal/alert"
	"govchat/internal/busevent"
	"govchat/internal/chat"
	"govchat/internal/collect"
	"govchat/internal/config"
	"govchat/internal/demo"
	"govchat/internal/files"
	"govchat/internal/holds"
	"govchat/internal/httpapi"
	"govchat/internal/hub"
	"govchat/internal/keys"
	"govchat/internal/metrics"
	"govchat/internal/notice"
	"govchat/internal/push"
	"govchat/internal/quiet"
	"govchat/internal/recovery"
	"govchat/internal/retention"
	"govchat/internal/secrecy"
	"govchat/internal/store"
	"govchat/internal/todo"
	"govchat/internal/webui"
)

func serve(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	cfg, _, err := config.Load("serve", args, getenv, stderr)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	log := newLogger(cfg, stderr)

	a, err := openApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	b, err := openBus(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer b.Close()
	// Files' ciphertext: the local folder or S3. The files service takes it from here.
	blobs, err := openBlobs(ctx, cfg, log)
	if err != nil {
		return err
	}

	first, err := demo.FirstStart(ctx, store.Narrow(a.store, func(tx store.Store) demo.Tx { return tx }), a.hasher, a.now(), !cfg.NoDemo)
	if err != nil {
		return err
	}
	hasDemo, err := demo.Present(ctx, a.store)
	if err != nil {
		return err
	}

	chatOpt := chat.DefaultOptions()
	chatOpt.RecallWindow, chatOpt.EditWindow = cfg.RecallWindow, cfg.EditWindow
	// Ten tries at once, then one every six seconds per address: enough for people
	// behind one office NAT, too slow for password spraying. Sends: a hundred at once
	// (a phone flushing what was typed offline), then five a second per person across
	// all their devices — far above typing, far below a script flooding a channel.
	sh, err := openShared(cfg, a.now, log)
	if err != nil {
		return err
	}
	defer sh.close()
	// Quiet hours: the changes to working time, and the policy push decisions ask, cached
	// and reloaded on change.
	quietSvc, err := quiet.NewService(store.Narrow(a.store, func(tx store.Store) quiet.Tx { return tx }), a.audit, a.now, quiet.DefaultTTL)
	if err != nil {
		return fmt.Errorf("quiet hours: %w", err)
	}
	if err := quietSvc.SetDefaultZone(cfg.TimeZone); err != nil {
		return fmt.Errorf("quiet hours: %w", err)
	}
	// Secrecy levels: the ladder every rule below reads, cached, dropped on every node
	// when the security officer changes it.
	secrecySvc := secrecy.New(secrecy.Deps{Store: store.Narrow(a.store, func(tx store.Store) secrecy.Tx { return tx }),
		Bus: b, Audit: a.audit, Log: log, Now: a.now})
	stopSecrecy, err := secrecySvc.Listen(ctx)
	if err != nil {
		return err
	}
	defer stopSecrecy()
	// Web Push: the VAPID keys come from the configuration or the database (generated
	// on first start); the worker below sends what the queue holds.
	pushSvc, err := push.New(a.store, log, a.now, push.Options{
		Subject: cfg.PushSubject(), PublicKey: cfg.VAPIDPublicKey, PrivateKey: cfg.VAPIDPrivateKey,
	})
	if err != nil {
		return fmt.Errorf("web push: %w", err)
	}
	// Who is pushed, and when: offline people (and idle ones who asked), per channel level, within working time,
	// with a digest afterwards. Chat and notices hand it their committed events.
	alerts := alert.New(alert.Deps{
		Store: a.store, Pusher: pushAdapter{pushSvc}, Policy: policyOf(quietSvc),
		Online: sh.presence.Online, Active: sh.presence.Active, PushWhenIdle: pushWhenIdle(a.store),
		Levels: a.store.ListChannelNotify, Secrecy: secrecySvc,
		Audit: a.audit, Log: log, Now: a.now,
	}, alert.Options{Preview: cfg.PushPreview, BreakthroughPerWeek: cfg.BreakthroughPerWeek})
	defer alerts.Close()
	chatOpt.Alerts = alerts
	chatOpt.SendLimit = sh.sendLimit
	chatOpt.Reactions, chatOpt.ReactLimit = cfg.Reactions, sh.reactLimit
	// In a cluster, an ack waits until the message is on Redis: a node dying right after
	// acking cannot keep it from the other nodes' live clients.
	chatOpt.AckAfterBus = cfg.Redis != ""
	chatOpt.Audit = a.audit
	// Keys of end-to-end encrypted files; it also checks the files messages and notices
	// carry.
	keysSvc := keys.New(store.Narrow(a.store, func(tx store.Store) keys.Tx { return tx }), b, a.audit, log, a.now,
		keys.RequestLimits{PerUser: sh.keyRequests, PerFile: sh.keyRequestOnce})
	chatOpt.Files = keysSvc
	// Key recovery (issue 12): relays sealed keys; completing one tells the person.
	recoverySvc := recovery.New(store.Narrow(a.store, func(tx store.Store) recovery.Tx { return tx }), b, pushSvc, a.audit, log, a.now)
	keysSvc.OnRecovered(recoverySvc.Completed)
	chatOpt.Secrecy = secrecySvc
	chatSvc := chat.New(a.store, b, log, a.now, chatOpt)
	defer chatSvc.Close()
	// Department and party channels follow the org tree: bring them in line now (the
	// demo was just seeded, or the CLI changed the tree while we were down).
	if err := chatSvc.SyncOrgChannels(ctx); err != nil {
		return fmt.Errorf("sync org channels: %w", err)
	}
	noticeSvc := notice.New(store.Narrow(a.store, func(tx store.Store) notice.Tx { return tx }), b, log, a.now, notice.Options{
		ChannelAdminsMayPublish: cfg.NoticeChannelAdmins,
		RemindInterval:          cfg.NoticeRemindInterval,
		AutoReminders:           cfg.NoticeReminders,
		Location:                cfg.Location(),
		Audit:                   a.audit,
		Alerts:                  alerts,
		Forecast:                alerts,
		Files:                   keysSvc,
	})
	// Collections (收集, 接龙) follow the notices' rules for who may ask whom.
	collectSvc := collect.New(store.Narrow(a.store, func(tx store.Store) collect.Tx { return tx }), b, log, a.now, collect.Options{
		ChannelAdminsMayPublish: cfg.NoticeChannelAdmins,
		RemindInterval:          cfg.NoticeRemindInterval,
		AutoReminders:           cfg.NoticeReminders,
		Location:                cfg.Location(),
		Audit:                   a.audit,
		Files:                   keysSvc,
	})
	// Confirmations waiting in a group commit go in before the store closes.
	defer noticeSvc.Close()
	// 待办: message to-dos and the one list of what asks something of a person: notices
	// to confirm, collections to answer, message to-dos.
	todoSvc := todo.New(store.Narrow(a.store, func(tx store.Store) todo.Tx { return tx }), b, log, a.now, todo.Options{
		Notices:     todo.NoticeSource{Store: a.store},
		Sources:     []todo.Source{todo.CollectionSource{Items: collectSvc}},
		Audit:       a.audit,
		Alerts:      alerts,
		WorkingTime: reachOf(quietSvc),
		Limit:       sh.todoLimit,
	})
	wsHub := hub.New(hub.Options{Bus: b, Auth: a.auth, Service: chatSvc, Log: log, Now: a.now, Presence: sh.presence})
	// Encrypted files: ciphertext parts in the blob store, their records in the database.
	filesSvc := files.New(files.Deps{
		Store: store.Narrow(a.store, func(tx store.Store) files.Tx { return tx }),
		Blobs: blobs, Audit: a.audit, Limiter: sh.uploadLimit, Log: log, Now: a.now, Secrecy: secrecySvc,
	}, files.Limits{MaxFileSize: cfg.MaxFileSize, Quota: cfg.StorageQuota})
	defer filesSvc.Close()

	// Legal holds, and the retention sweeper that honours them: one node sweeps at a
	// time (a lease in the database). The levels come from the default ladder until the
	// levels service is wired here; the at-rest keys are shredded when the store has them.
	holdsSvc := holds.New(store.Narrow(a.store, func(tx store.Store) holds.Tx { return tx }), a.audit, a.now)
	var shredder retention.KeyShredder
	if ks, ok := any(a.store).(retention.KeyShredder); ok {
		shredder = ks
	}
	sweeper := retention.New(retention.Deps{
		Store: a.store, Levels: secrecySvc, Shredder: shredder,
		Publisher: busevent.NewPublisher(b, log), Audit: a.audit, Log: log, Now: a.now,
	}, retention.OptionsFor(a.store.Backend()))

	dist, err := fs.Sub(clientweb.Dist, "dist/app")
	if err != nil {
		return fmt.Errorf("embedded web client: %w", err)
	}
	web, built := webui.Handler(dist)
	handler := httpapi.New(httpapi.Deps{
		Store: a.store, Bus: b, Auth: a.auth, Accounts: a.accounts, Org: a.org, Audit: a.audit,
		Metrics: metrics.New(), Log: log, Now: a.now,
		PublicOrigin: cfg.PublicOrigin(), TrustProxy: cfg.TrustProxy, OrgName: cfg.OrgName, Version: version,
		Locale: cfg.DefaultLocale, TimeZone: cfg.TimeZone,
		RecallWindow: cfg.RecallWindow, EditWindow: cfg.EditWindow,
		Reactions:   cfg.Reactions,
		LoginLimit:  sh.loginLimit,
		Presence:    sh.presence,
		WebClient:   web,
		Chat:        chatSvc,
		Notices:     noticeSvc,
		Collections: collectSvc,
		WS:          wsHub,
		Quiet:       quietSvc,
		Push:        pushSvc,
		Blobs:       blobs,
		Keys:        keysSvc,
		Files:       filesSvc,
		Holds:       holdsSvc,
		Secrecy:     secrecySvc,
		Todos:       todoSvc,

		PreloginLimit: sh.preloginLimit,
		Recovery:      recoverySvc,
	})

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("invalid --addr %s: %w", cfg.Addr, err)
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second, // the CSV import is the largest body
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          nil,
	}
	printBanner(stdout, cfg.BaseURL(ln.Addr().String()), built, first, hasDemo, cfg)
	log.Info("govchat started", "addr", ln.Addr().String(), "store", a.store.Backend(), "bus", b.Name(), "version", version)

	var wg sync.WaitGroup
	bg, stopBG := context.WithCancel(context.Background())
	// background runs f until bg is cancelled; wg.Wait below waits for every one (the
	// drain), so a new worker cannot be forgotten in a count.
	background := func(f func()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f()
		}()
	}
	background(func() {
		a.sweepSessions(bg)
	})
	background(func() {
		a.sealLegacy(bg)
	})
	background(func() {
		// Automatic reminders before deadlines and escalation at them; every node runs
		// it, and the store lets each reminder go out once.
		noticeSvc.RunScheduler(bg, noticeTick)
	})
	background(func() {
		// Collections' reminders and escalation, claimed in the store as the notices'.
		collectSvc.RunScheduler(bg, noticeTick)
	})
	background(func() {
		a.syncChannels(bg, chatSvc)
	})
	background(func() {
		// To-do reminders, each within its assignee's working time; every node runs it,
		// and the store lets each reminder go out once.
		todoSvc.RunScheduler(bg, noticeTick)
	})
	background(func() {
		// Every node sends from the one queue; claims keep each push to one node.
		pushSvc.Run(bg)
	})
	background(func() {
		// Digests for people whose working time began: within a minute of it.
		alerts.Run(bg, time.Minute)
	})
	background(func() {
		// Uploads never sent, a day after they began, and what cancels left behind. Every
		// node sweeps; removing a blob twice is harmless.
		filesSvc.RunSweeper(bg, files.SweepEvery)
	})
	background(func() {
		// Retention: at start and every few minutes; stopping bg stops a sweep between
		// two batches, and wg.Wait below waits for it (the drain).
		sweeper.Run(bg, retention.Every)
	})

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		stopBG()
		wg.Wait()
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}

	// Shut down in layers: stop accepting and finish requests, stop background work,
	// then the deferred closes release the bus and the store.
	log.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Warn("http shutdown incomplete", "err", err)
	}
	// Shutdown does not track hijacked connections: close the WebSockets explicitly,
	// telling clients to reconnect (to another node).
	if err := wsHub.Close(sctx); err != nil {
		log.Warn("websocket close incomplete", "err", err)
	}
	stopBG()
	wg.Wait()
	log.Info("stopped")
	return nil
}

// noticeTick is how often the notice scheduler looks for reminders and deadlines due:
// a reminder or an escalation goes out at most this late.
const noticeTick = 30 * time.Second

// sweepSessions deletes expired sessions hourly; they are refused anyway, this only
// keeps the table small.
func (a *app) sweepSessions(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := a.store.DeleteExpiredSessions(ctx, a.now()); err != nil && ctx.Err() == nil {
			a.log.Warn("session sweep failed", "err", err)
		} else if n > 0 {
			a.log.Info("expired sessions removed", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// syncChannels repeats the org channel sync every few minutes, so changes made with
// the CLI or on another node, and a sync that failed, are made good.
func (a *app) syncChannels(ctx context.Context, c *chat.Service) {
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := c.SyncOrgChannels(ctx); err != nil && ctx.Err() == nil {
			a.log.Warn("org channel sync failed", "err", err)
		}
	}
}

func printBanner(w io.Writer, url string, built, first, hasDemo bool, cfg config.Config) {
	fmt.Fprintf(w, "govchat 已启动,请在浏览器中打开 / open: %s/\n", url)
	if !built {
		fmt.Fprintln(w, "  网页客户端未构建 / web client not built: run `make build` (needs Node.js)")
	}
	if hasDemo {
		fmt.Fprintf(w, "  演示单位 / demo organisation: %s — 演示账号 / demo logins (密码 password: %s):\n", demo.OrgName, demo.Password)
		for _, l := range demo.Logins() {
			fmt.Fprintf(w, "    %-14s %-20s %s\n", l.Username, l.Name, l.Role)
		}
	} else if first {
		fmt.Fprintln(w, "  新的空白单位 / new empty organisation: create the first administrator with")
		fmt.Fprintln(w, "    govchat user add --role admin --username NAME --name 姓名")
	}
	fmt.Fprintf(w, "  数据 / data: %s\n", storeDescription(cfg))
	fmt.Fprintf(w, "  文件 / files: %s\n", blobDescription(cfg))
}

func storeDescription(cfg config.Config) string {
	if cfg.Database == "" {
		return "SQLite in " + cfg.Data
	}
	return config.MaskURL(cfg.Database)
}
