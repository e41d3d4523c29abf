package sealed_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/switchboardhq/switchboard/sealed"
)

func TestSealOpen(t *testing.T) {
	old, err := sealed.New("k1", map[string][]byte{"k1": bytes.Repeat([]byte{1}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	v, err := old.Seal("Bearer s3cret", "action-header:w/a/Authorization")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(v, "s3cret") || !strings.HasPrefix(v, "v1:k1:") {
		t.Fatalf("sealed value %q", v)
	}
	rotated, err := sealed.New("k2", map[string][]byte{"k1": bytes.Repeat([]byte{1}, 32), "k2": bytes.Repeat([]byte{2}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := rotated.Open(v, "action-header:w/a/Authorization"); err != nil || got != "Bearer s3cret" {
		t.Fatalf("open after rotation = %q, %v", got, err)
	}
	if _, err := rotated.Open(v, "action-header:w/other/Authorization"); !errors.Is(err, sealed.ErrNotAuthentic) {
		t.Fatalf("open for another purpose: %v, want ErrNotAuthentic", err)
	}
	tampered := v[:len(v)-2] + "AA"
	if _, err := rotated.Open(tampered, "action-header:w/a/Authorization"); err == nil {
		t.Fatal("a tampered value opened")
	}
	var none *sealed.Box
	if _, err := none.Seal("x", "p"); !errors.Is(err, sealed.ErrNoKeys) {
		t.Fatalf("nil box Seal: %v, want ErrNoKeys", err)
	}
	if _, err := sealed.New("k1", map[string][]byte{"k1": []byte("short")}); err == nil {
		t.Fatal("a short key was accepted")
	}
}
