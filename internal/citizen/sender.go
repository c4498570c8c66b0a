package citizen

import (
	"context"
	"log/slog"

	"github.com/minzheng/minzheng/internal/pii"
)

// Sender delivers a sign-in code to a mobile number. It is an interface because delivery is the
// one part that differs between installations: each city contracts its own SMS gateway, and the
// demo has none. Send is called after the code is stored, outside any transaction, so a slow
// gateway holds no database lock. An error means the citizen did not get the code.
type Sender interface {
	Send(ctx context.Context, phone, code string) error
}

// LogSender "sends" a code by writing it to the server log. The demo uses it so that a code can
// be read from the console without an SMS gateway. Never use it in production: anyone who can
// read the log could then sign in as any citizen.
type LogSender struct {
	// Log is where the code goes; nil means slog.Default().
	Log *slog.Logger
}

// Send logs the masked number and the code.
func (l LogSender) Send(ctx context.Context, phone, code string) error {
	log := l.Log
	if log == nil {
		log = slog.Default()
	}
	log.InfoContext(ctx, "citizen sign-in code (demo: written to the log, not sent by SMS)",
		"phone", pii.MaskPhone(phone), "code", code)
	return nil
}
