package sources

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/models"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	s := &Service{MaxFileBytes: 1024}
	tests := []struct {
		name     string
		in       Input
		keepFile bool
		code     string
		message  string
		check    func(t *testing.T, src models.ContentSource, file *models.UploadedFile)
	}{
		{
			name: "article defaults to markdown, audience normalised",
			in:   Input{Kind: "kb_article", Title: " Shipping ", Body: "# x", Channels: []string{"Chat", "chat", " email "}, Tiers: []string{"VIP"}},
			check: func(t *testing.T, src models.ContentSource, _ *models.UploadedFile) {
				require.Equal(t, "Shipping", src.Title)
				require.Equal(t, models.FormatMarkdown, src.Format)
				require.Equal(t, []string{"chat", "email"}, src.AudienceChannels.V)
				require.Equal(t, []string{"vip"}, src.AudienceTiers.V)
			},
		},
		{
			name: "site defaults its bound, url keeps its interval",
			in:   Input{Kind: "site", URL: "https://help.example/", ResyncInterval: 24 * time.Hour},
			check: func(t *testing.T, src models.ContentSource, _ *models.UploadedFile) {
				require.Equal(t, DefaultMaxPages, src.MaxPages)
				require.Equal(t, 86400, src.ResyncSeconds)
			},
		},
		{
			name: "file recognised by its name",
			in:   Input{Kind: "file", File: &File{Name: "notes.txt", Data: []byte("hello")}},
			check: func(t *testing.T, src models.ContentSource, file *models.UploadedFile) {
				require.Equal(t, "notes.txt", src.Title)
				require.Equal(t, "text/plain", file.ContentType)
			},
		},
		{
			name: "editing a file source may keep its file", in: Input{Kind: "file", Title: "Notes"}, keepFile: true,
			check: func(t *testing.T, src models.ContentSource, file *models.UploadedFile) { require.Nil(t, file) },
		},
		{name: "file over the cap", in: Input{Kind: "file", File: &File{Name: "big.txt", Data: []byte(strings.Repeat("x", 1025))}}, code: apperr.ETOOLARGE, message: "file: 1025 bytes, more than the 1024 allowed"},
		{name: "file missing", in: Input{Kind: "file"}, code: apperr.EINVALID, message: "file: is required"},
		{name: "title too long", in: Input{Kind: "kb_article", Title: strings.Repeat("t", 301), Body: "b"}, code: apperr.EINVALID, message: "title: 301 characters"},
		{name: "invalid UTF-8", in: Input{Kind: "short_answer", Question: "\xff", Answer: "a"}, code: apperr.EINVALID, message: "question: is not valid UTF-8"},
		{name: "url with credentials", in: Input{Kind: "url", URL: "https://me:pw@help.example/"}, code: apperr.EINVALID, message: "url: must not hold a user name or password"},
		{name: "max pages on a url", in: Input{Kind: "url", URL: "https://help.example/", MaxPages: 3}, code: apperr.EINVALID, message: "max_pages: does not apply"},
		{name: "too many tiers", in: Input{Kind: "kb_article", Title: "t", Body: "b", Tiers: make([]string, 51)}, code: apperr.EINVALID, message: "audience.tiers: 51 values"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src, file, err := s.validate(tt.in, tt.keepFile)
			if tt.code != "" {
				require.Error(t, err)
				require.Equal(t, tt.code, apperr.Code(err))
				require.Contains(t, apperr.Message(err), tt.message)
				return
			}
			require.NoError(t, err)
			tt.check(t, src, file)
		})
	}
}

func TestScheduleFollowsTheInterval(t *testing.T) {
	t.Parallel()
	s := &Service{TaskQueue: "q"}
	opts := s.scheduleOptions(models.ContentSource{ID: "src", WorkspaceID: "ws", ResyncSeconds: 3600})
	require.Equal(t, "source-sync:ws:src", opts.ID)
	require.Len(t, opts.Spec.Intervals, 1)
	require.Equal(t, time.Hour, opts.Spec.Intervals[0].Every)
	require.Equal(t, 6*time.Minute, opts.Spec.Jitter)
	require.Equal(t, time.Hour, opts.CatchupWindow)

	opts = s.scheduleOptions(models.ContentSource{ID: "src", WorkspaceID: "ws"})
	require.Empty(t, opts.Spec.Intervals, "no interval: syncs only when asked")
	require.Equal(t, time.Minute, opts.CatchupWindow)
}
