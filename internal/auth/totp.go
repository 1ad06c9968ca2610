package auth

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/store"
	"govchat/internal/totp"
	"govchat/protocol"
)

// checkTOTP accepts a code once: the matched time step is recorded, and the same code
// presented again (on any node) is refused.
func (s *Service) checkTOTP(ctx context.Context, u store.User, code string, now time.Time) error {
	step, ok := totp.Check(u.TOTPSecret, code, now, 1)
	if !ok {
		return apperr.New(protocol.CodeTOTPInvalid, "the code is wrong or expired")
	}
	fresh, err := s.store.AcceptTOTPStep(ctx, u.ID, step)
	if err != nil {
		return fmt.Errorf("auth: record totp step of user %d: %w", u.ID, err)
	}
	if !fresh {
		return apperr.New(protocol.CodeTOTPInvalid, "this code was already used; wait for the next one")
	}
	return nil
}

// SetupTOTP creates a new secret for the user, not yet enabled; the user proves they
// stored it by sending a code to EnableTOTP.
func (s *Service) SetupTOTP(ctx context.Context, p Principal) (protocol.TOTPSetupResponse, error) {
	if p.User.TOTPEnabled {
		return protocol.TOTPSetupResponse{}, apperr.New(protocol.CodeConflict, "a second factor is already enabled; disable it first")
	}
	key, err := totp.Generate(s.opt.Issuer, p.User.Username)
	if err != nil {
		return protocol.TOTPSetupResponse{}, fmt.Errorf("auth: generate totp: %w", err)
	}
	png, err := key.PNG(200)
	if err != nil {
		return protocol.TOTPSetupResponse{}, fmt.Errorf("auth: totp qr code: %w", err)
	}
	if err := s.store.SetTOTP(ctx, p.User.ID, key.Secret, false); err != nil {
		return protocol.TOTPSetupResponse{}, fmt.Errorf("auth: store totp secret: %w", err)
	}
	return protocol.TOTPSetupResponse{
		Secret:     key.Secret,
		OTPAuthURL: key.URL,
		QRCodePNG:  "data:image/png;base64," + base64.StdEncoding.EncodeToString(png),
	}, nil
}

// EnableTOTP turns the second factor on after a correct code, and lifts the
// enrol-first restriction from the caller's session.
func (s *Service) EnableTOTP(ctx context.Context, p Principal, code string) error {
	u := p.User
	if u.TOTPEnabled {
		return apperr.New(protocol.CodeConflict, "a second factor is already enabled")
	}
	if u.TOTPSecret == "" {
		return apperr.New(protocol.CodeConflict, "start with /api/v1/me/totp/setup")
	}
	if err := s.checkTOTP(ctx, u, code, s.now()); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx Tx) error {
		if err := tx.SetTOTP(ctx, u.ID, u.TOTPSecret, true); err != nil {
			return err
		}
		if p.Session.TOTPPending {
			if err := tx.SetSessionTOTPPending(ctx, p.Session.ID, false); err != nil {
				return err
			}
		}
		return s.audit.In(tx).Record(ctx, audit.Event{ActorID: u.ID, ActorName: u.Username, Action: audit.TOTPEnabled, TargetType: "user", TargetID: strconv.FormatInt(u.ID, 10)})
	})
}

// DisableTOTP removes the second factor after checking both the password and a code.
// Where the configuration requires a second factor for the user's role, it refuses.
func (s *Service) DisableTOTP(ctx context.Context, p Principal, req protocol.TOTPDisableRequest) error {
	u := p.User
	if !u.TOTPEnabled {
		return apperr.New(protocol.CodeConflict, "no second factor is enabled")
	}
	if s.opt.RequireTOTP && u.Role.Privileged() {
		return apperr.New(protocol.CodeForbidden, "your role must keep a second factor")
	}
	now := s.now()
	ev := audit.Event{ActorID: u.ID, ActorName: u.Username, TargetType: "user", TargetID: strconv.FormatInt(u.ID, 10)}
	sec, err := parseSecret(req.AuthHash, req.Password, "auth_hash", "password")
	if err != nil {
		return err
	}
	ok, _, err := s.checkSecret(ctx, u, sec, "password")
	if err != nil {
		return err
	}
	if !ok {
		return s.fail(ctx, u, ev, now, "wrong_password", apperr.New(protocol.CodeInvalidCredentials, "the password is wrong"))
	}
	if err := s.checkTOTP(ctx, u, req.Code, now); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx Tx) error {
		if err := tx.SetTOTP(ctx, u.ID, "", false); err != nil {
			return err
		}
		ev.Action = audit.TOTPDisabled
		return s.audit.In(tx).Record(ctx, ev)
	})
}
