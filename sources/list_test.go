package sources_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/sources"
)

func TestListPages(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		svc := &sources.Service{DB: db}
		base := time.Date(2026, 5, 1, 12, 0, 0, 123456000, time.UTC)
		var want []string
		for i := range 7 {
			// Sources 2, 3 and 4 were created at the same instant: their IDs
			// order them.
			at := base.Add(time.Duration(i) * time.Second)
			if i >= 2 && i <= 4 {
				at = base.Add(2 * time.Second)
			}
			kind := models.SourceKBArticle
			if i%2 == 1 {
				kind = models.SourceShortAnswer
			}
			src := models.ContentSource{
				ID: fmt.Sprintf("00000000-0000-0000-0000-%012d", 7-i%5), WorkspaceID: "ws", Kind: kind,
				Title: fmt.Sprint("source ", i), Status: models.SourceReady, CreatedAt: at, UpdatedAt: at,
			}
			if i >= 5 {
				src.ID = fmt.Sprintf("00000000-0000-0000-0000-1%011d", i)
			}
			require.NoError(t, db.Create(&src).Error)
		}
		require.NoError(t, db.Create(&models.ContentSource{ID: "other-ws-source", WorkspaceID: "other", Kind: models.SourceKBArticle,
			Title: "not ours", Status: models.SourceReady, CreatedAt: base, UpdatedAt: base}).Error)
		var all []models.ContentSource
		require.NoError(t, db.Where("workspace_id = ?", "ws").Order("created_at, id").Find(&all).Error)
		for _, src := range all {
			want = append(want, src.ID)
		}
		require.Len(t, want, 7)

		pages := func(q sources.ListQuery) ([]string, []int) {
			var ids []string
			var sizes []int
			for range 10 {
				page, err := svc.List(ctx, "ws", q)
				require.NoError(t, err)
				sizes = append(sizes, len(page.Sources))
				for _, src := range page.Sources {
					ids = append(ids, src.ID)
				}
				if page.NextPageToken == "" {
					return ids, sizes
				}
				q.PageToken = page.NextPageToken
			}
			t.Fatal("the listing never ended")
			return nil, nil
		}
		ids, sizes := pages(sources.ListQuery{Limit: 3})
		require.Equal(t, want, ids, "every source once, oldest first, ties by ID")
		require.Equal(t, []int{3, 3, 1}, sizes)
		ids, sizes = pages(sources.ListQuery{})
		require.Equal(t, want, ids)
		require.Equal(t, []int{7}, sizes)
		ids, _ = pages(sources.ListQuery{Limit: 7})
		require.Equal(t, want, ids)
		ids, sizes = pages(sources.ListQuery{Limit: 2, Kind: models.SourceShortAnswer})
		require.Len(t, ids, 3)
		require.Equal(t, []int{2, 1}, sizes)

		// A source deleted after its page was read pushes nothing out of
		// the next page.
		first, err := svc.List(ctx, "ws", sources.ListQuery{Limit: 3})
		require.NoError(t, err)
		require.NoError(t, db.Delete(&models.ContentSource{}, "id = ?", first.Sources[0].ID).Error)
		next, err := svc.List(ctx, "ws", sources.ListQuery{Limit: 3, PageToken: first.NextPageToken})
		require.NoError(t, err)
		require.Equal(t, want[3], next.Sources[0].ID)

		for _, tc := range []struct {
			q       sources.ListQuery
			message string
		}{
			{sources.ListQuery{Limit: -1}, "limit: must be an integer from 1 to 500"},
			{sources.ListQuery{Limit: 501}, "limit: must be an integer from 1 to 500"},
			{sources.ListQuery{PageToken: "not a token"}, "page_token: "},
			{sources.ListQuery{PageToken: "e30"}, "page_token: "}, // {}
		} {
			_, err := svc.List(ctx, "ws", tc.q)
			require.Error(t, err)
			require.Equal(t, apperr.EINVALID, apperr.Code(err))
			require.Contains(t, err.Error(), tc.message)
		}
	})
}
