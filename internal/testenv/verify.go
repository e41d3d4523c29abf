package testenv

import (
	"regexp"
	"testing"

	"github.com/switchboardhq/switchboard/models"
)

var codeInMail = regexp.MustCompile(`\b[0-9]{6}\b`)

// LatestCode returns the verification code last emailed to address, as the
// customer would read it in the email the outbox holds; it fails the test
// when there is none.
func (a *App) LatestCode(t testing.TB, address string) string {
	t.Helper()
	var mail models.OutboxMessage
	err := a.DB.Where("kind = ? AND recipient = ?", "verification_code", address).Order("created_at DESC").Take(&mail).Error
	if err != nil {
		t.Fatalf("no verification code emailed to %s: %v", address, err)
	}
	code := codeInMail.FindString(mail.Body)
	if code == "" {
		t.Fatalf("the verification email to %s holds no code: %q", address, mail.Body)
	}
	return code
}
