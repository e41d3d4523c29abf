package issuetypes_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/issuetypes"
	"github.com/switchboardhq/switchboard/models"
)

func TestParseCSV(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    []issuetypes.Row
		wantErr string
	}{
		{
			name: "header and quoted commas",
			in:   "text,issue_type\n\"refund, please\",refund\nwhere is it,shipping\n",
			want: []issuetypes.Row{{"refund, please", "refund"}, {"where is it", "shipping"}},
		},
		{
			name: "no header, byte order mark, CRLF",
			in:   "\ufeffwhere is it,shipping\r\nmoney back,refund\r\n",
			want: []issuetypes.Row{{"\ufeffwhere is it", "shipping"}, {"money back", "refund"}},
		},
		{name: "a row with three columns", in: "text,issue_type\na,b\nc,d,e\n", wantErr: "row 2: has 3 columns"},
		{name: "a bare quote", in: "a,b\nc \"d,e\n", wantErr: "row 2: line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rows, err := issuetypes.ParseCSV(strings.NewReader(tt.in))
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				require.Equal(t, apperr.EINVALID, apperr.Code(err))
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, rows)
		})
	}
}

func TestValidateRowsNamesTheFirstBadRow(t *testing.T) {
	t.Parallel()
	good := issuetypes.Row{Text: "where is my order", IssueType: "shipping"}
	tests := []struct {
		name string
		bad  issuetypes.Row
		want string
	}{
		{"empty text", issuetypes.Row{Text: "  ", IssueType: "refund"}, "row 3: text: must not be empty"},
		{"punctuation only", issuetypes.Row{Text: "?!", IssueType: "refund"}, "row 3: text: has no letters or digits"},
		{"too long", issuetypes.Row{Text: strings.Repeat("a", 1001), IssueType: "refund"}, "row 3: text: 1001 characters"},
		{"bad type", issuetypes.Row{Text: "x", IssueType: "Refund!"}, `row 3: issue_type: "Refund!"`},
		{"reserved type", issuetypes.Row{Text: "x", IssueType: "unknown"}, `row 3: issue_type: "unknown" is reserved`},
		{"no type", issuetypes.Row{Text: "x"}, "row 3: issue_type: must not be empty"},
		{"out of scope misspelt", issuetypes.Row{Text: "x", IssueType: "out-of-scope"}, `row 3: issue_type: "out-of-scope": write out_of_scope for out-of-scope examples`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := issuetypes.ValidateRows([]issuetypes.Row{good, good, tt.bad, {Text: "", IssueType: ""}})
			require.ErrorContains(t, err, tt.want)
		})
	}
	rows, err := issuetypes.ValidateRows([]issuetypes.Row{{Text: "  where   is\tmy order ", IssueType: " shipping "}})
	require.NoError(t, err)
	require.Equal(t, []issuetypes.Row{good}, rows, "spaces are collapsed")
}

func service(t *testing.T, db *gorm.DB) *issuetypes.Service {
	t.Helper()
	return &issuetypes.Service{DB: db}
}

func TestIssueTypesLifecycle(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		svc := service(t, db)
		ws := uuid.NewString()

		created, err := svc.Create(ctx, ws, "refund", "Money back", []string{"I want my money back", "refund my order", "refund my order"})
		require.NoError(t, err)
		require.Equal(t, []string{"I want my money back", "refund my order"}, created.Examples)
		_, err = svc.Create(ctx, ws, "refund", "", nil)
		require.Equal(t, apperr.ECONFLICT, apperr.Code(err))

		res, err := svc.Import(ctx, ws, []issuetypes.Row{
			{Text: "where is my parcel", IssueType: "shipping"},
			{Text: "when will my order arrive", IssueType: "shipping"},
			{Text: "refund my order", IssueType: "refund"},
			{Text: "where is my parcel", IssueType: "shipping"},
		})
		require.NoError(t, err)
		require.Equal(t, issuetypes.ImportResult{Rows: 4, Added: 2, Duplicates: 2, CreatedTypes: []string{"shipping"}}, res)

		list, err := svc.List(ctx, ws)
		require.NoError(t, err)
		require.Len(t, list, 2)
		require.Equal(t, "refund", list[0].Name)
		require.Equal(t, 2, list[0].Examples)
		require.Equal(t, 2, list[1].Examples)

		got, err := svc.Classify(ctx, ws, "When will my parcel arrive?")
		require.NoError(t, err)
		require.Equal(t, "shipping", got.IssueType)
		require.False(t, got.Unknown)
		require.Equal(t, issuetypes.DefaultThreshold, got.Threshold)

		got, err = svc.Classify(ctx, ws, "Do you sell garden furniture?")
		require.NoError(t, err)
		require.True(t, got.Unknown)
		require.Equal(t, issuetypes.Unknown, got.IssueType)

		// Replacing the examples removes the old ones from search.
		_, err = svc.Update(ctx, ws, "refund", nil, []string{"cancel and reimburse"})
		require.NoError(t, err)
		got, err = svc.Classify(ctx, ws, "I want my money back")
		require.NoError(t, err)
		require.NotEqual(t, "refund", got.BestGuess)
		got, err = svc.Classify(ctx, ws, "please reimburse me")
		require.NoError(t, err)
		require.Equal(t, "refund", got.BestGuess, "the new example is found")

		require.NoError(t, svc.SetThreshold(ctx, ws, 0.99))
		got, err = svc.Classify(ctx, ws, "when will my order arrive tomorrow or later")
		require.NoError(t, err)
		require.True(t, got.Unknown, "a stricter threshold")
		require.Equal(t, "shipping", got.BestGuess)
		require.Error(t, svc.SetThreshold(ctx, ws, 1.5))

		require.NoError(t, svc.Delete(ctx, ws, "shipping"))
		_, err = svc.Get(ctx, ws, "shipping")
		require.Equal(t, apperr.ENOTFOUND, apperr.Code(err))
		got, err = svc.Classify(ctx, ws, "where is my parcel")
		require.NoError(t, err)
		require.NotEqual(t, "shipping", got.BestGuess, "a deleted type's examples are not found")
		var n int64
		require.NoError(t, db.Model(&models.IssueExample{}).Where("workspace_id = ?", ws).Count(&n).Error)
		require.EqualValues(t, 1, n)
	})
}

// A caller that read the workspace's configuration version has the
// examples' version read once per version: a change to the examples or the
// threshold raises the configuration's version, and the next classification
// at it sees the change.
func TestClassifyChecksTheExamplesOncePerConfigVersion(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		ws := uuid.NewString()
		require.NoError(t, db.Create(&models.Workspace{ID: ws, Name: "W"}).Error)
		// The check counts the types and reads their latest change.
		var checks atomic.Int64
		require.NoError(t, db.Callback().Row().After("gorm:row").Register("test:count_checks", func(tx *gorm.DB) {
			if q := tx.Statement.SQL.String(); strings.Contains(q, "issue_types") && strings.Contains(q, "MAX(updated_at)") {
				checks.Add(1)
			}
		}))
		admin := &issuetypes.Service{DB: db, Models: issuetypes.NewModelCache(0)}
		_, err := admin.Import(ctx, ws, []issuetypes.Row{
			{Text: "where is my parcel", IssueType: "shipping"},
			{Text: "when will my order arrive", IssueType: "shipping"},
			{Text: "refund my order", IssueType: "refund"},
		})
		require.NoError(t, err)
		version := func() int64 {
			var w models.Workspace
			require.NoError(t, db.Take(&w, "id = ?", ws).Error)
			return w.ConfigVersion
		}
		classify := func(text string) issuetypes.Result {
			t.Helper()
			svc := &issuetypes.Service{DB: db, Models: admin.Models, ConfigVersion: version()}
			got, err := svc.Classify(ctx, ws, text)
			require.NoError(t, err)
			return got
		}
		require.Equal(t, "shipping", classify("When will my parcel arrive?").IssueType)
		require.EqualValues(t, 1, checks.Load(), "the first classification reads the examples' version")
		require.Equal(t, "refund", classify("Please refund my order").IssueType)
		require.EqualValues(t, 1, checks.Load(), "the configuration's version did not move")

		_, err = admin.Create(ctx, ws, "returns", "", []string{"how do I send an item back"})
		require.NoError(t, err)
		before := checks.Load()
		require.Equal(t, "returns", classify("How do I send this item back?").BestGuess, "a new type is found")
		require.Equal(t, before+1, checks.Load())

		require.NoError(t, admin.SetThreshold(ctx, ws, 0.99))
		got := classify("where is my parcel please")
		require.Equal(t, 0.99, got.Threshold, "a new threshold holds")
		require.Equal(t, before+2, checks.Load())

		// Without a version, every classification reads it.
		_, err = (&issuetypes.Service{DB: db, Models: admin.Models}).Classify(ctx, ws, "where is my parcel")
		require.NoError(t, err)
		require.Equal(t, before+3, checks.Load())
	})
}

func TestOutOfScopeExamples(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		svc := service(t, db)
		ws := uuid.NewString()
		res, err := svc.Import(ctx, ws, []issuetypes.Row{
			{Text: "where is my parcel", IssueType: "shipping"},
			{Text: "my parcel is late", IssueType: "shipping"},
			{Text: "I want my money back", IssueType: "refund"},
			{Text: "refund my order", IssueType: "refund"},
			{Text: "do you sell garden furniture", IssueType: issuetypes.OutOfScope},
			{Text: "can you recommend a restaurant nearby", IssueType: issuetypes.OutOfScope},
		})
		require.NoError(t, err)
		require.Equal(t, []string{"shipping", "refund", issuetypes.OutOfScope}, res.CreatedTypes)
		_, err = svc.Create(ctx, ws, "out.of.scope", "", []string{"what is the weather"})
		require.ErrorContains(t, err, `name: "out.of.scope": write out_of_scope`)
		require.Equal(t, apperr.EINVALID, apperr.Code(err))

		// A message close to the out-of-scope examples is unknown, and the
		// language model is not asked.
		llm := newChatServer(t, answering(issuetypes.OutOfScope))
		svc.Refiner = llm.refiner(5 * time.Second)
		got, err := svc.Classify(ctx, ws, "Do you sell garden chairs?")
		require.NoError(t, err)
		require.Equal(t, issuetypes.Unknown, got.IssueType)
		require.True(t, got.Unknown)
		require.True(t, got.OutOfScope)
		require.NotEqual(t, issuetypes.OutOfScope, got.BestGuess)
		require.False(t, got.Refined)
		require.Zero(t, llm.calls.Load())

		// The language model chooses among issue types only: naming
		// out_of_scope leaves the offline decision standing.
		got, err = svc.Classify(ctx, ws, "where is my parcel")
		require.NoError(t, err)
		require.Equal(t, "shipping", got.IssueType)
		require.False(t, got.OutOfScope)
		require.False(t, got.Refined)
		require.ErrorContains(t, got.RefineErr, "names no candidate")
		require.EqualValues(t, 1, llm.calls.Load())

		// Without them, the same message is only a stranger.
		svc.Refiner = nil
		require.NoError(t, svc.Delete(ctx, ws, issuetypes.OutOfScope))
		got, err = svc.Classify(ctx, ws, "Do you sell garden chairs?")
		require.NoError(t, err)
		require.True(t, got.Unknown)
		require.False(t, got.OutOfScope)
	})
}

func TestImportIsAllOrNothing(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		ws := uuid.NewString()
		svc := service(t, db)
		count := func() (types, examples int64) {
			require.NoError(t, db.Model(&models.IssueType{}).Where("workspace_id = ?", ws).Count(&types).Error)
			require.NoError(t, db.Model(&models.IssueExample{}).Where("workspace_id = ?", ws).Count(&examples).Error)
			return
		}

		// One bad row among many: nothing is written, and the row is named.
		rows := make([]issuetypes.Row, 0, 3000)
		for i := 0; i < 3000; i++ {
			rows = append(rows, issuetypes.Row{Text: "example number " + strings.Repeat("x", i%7+1), IssueType: "bulk"})
		}
		rows[2499].IssueType = "Not Valid"
		_, err := svc.Import(ctx, ws, rows)
		require.ErrorContains(t, err, "row 2500: issue_type")
		types, examples := count()
		require.Zero(t, types)
		require.Zero(t, examples)
	})
}

func TestClassifyWithALanguageModel(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		svc := service(t, db)
		ws := uuid.NewString()
		_, err := svc.Import(ctx, ws, []issuetypes.Row{
			{Text: "where is my parcel", IssueType: "shipping"},
			{Text: "my parcel is late", IssueType: "shipping"},
			{Text: "I want my money back", IssueType: "refund"},
			{Text: "refund my order", IssueType: "refund"},
		})
		require.NoError(t, err)
		description := "Where an order is"
		_, err = svc.Update(ctx, ws, "shipping", &description, nil)
		require.NoError(t, err)

		// Offline, both types are candidates; the model picks the other one.
		text := "my parcel never came, I want my money back"
		offline, err := svc.Classify(ctx, ws, text)
		require.NoError(t, err)
		require.False(t, offline.Refined)
		other := map[string]string{"shipping": "refund", "refund": "shipping"}[offline.BestGuess]
		require.NotEmpty(t, other)
		var prompt string
		llm := newChatServer(t, func(w http.ResponseWriter, req map[string]any) {
			prompt, _ = req["messages"].([]any)[0].(map[string]any)["content"].(string)
			answering(other)(w, req)
		})
		svc.Refiner = llm.refiner(5 * time.Second)
		got, err := svc.Classify(ctx, ws, text)
		require.NoError(t, err)
		require.True(t, got.Refined)
		require.NoError(t, got.RefineErr)
		require.Equal(t, other, got.IssueType)
		require.False(t, got.Unknown)
		require.Equal(t, offline.BestGuess, got.BestGuess, "the offline best guess is kept")
		require.Contains(t, prompt, `shipping (Where an order is); examples: "`)
		require.Contains(t, prompt, `refund; examples: "I want my money back"`)

		// The model may say none fits.
		svc.Refiner = newChatServer(t, answering("unknown")).refiner(5 * time.Second)
		got, err = svc.Classify(ctx, ws, "where is my parcel")
		require.NoError(t, err)
		require.True(t, got.Refined)
		require.True(t, got.Unknown)
		require.Equal(t, issuetypes.Unknown, got.IssueType)
		require.Equal(t, "shipping", got.BestGuess)

		// When it fails or answers something else, the offline decision stands.
		for _, handle := range []func(http.ResponseWriter, map[string]any){
			answering("billing"),
			func(w http.ResponseWriter, _ map[string]any) { w.WriteHeader(http.StatusServiceUnavailable) },
		} {
			svc.Refiner = newChatServer(t, handle).refiner(5 * time.Second)
			got, err = svc.Classify(ctx, ws, "where is my parcel")
			require.NoError(t, err)
			require.False(t, got.Refined)
			require.Error(t, got.RefineErr)
			require.Equal(t, "shipping", got.IssueType)
		}

		// A message no example shares a word with is unknown without asking.
		llm = newChatServer(t, answering("refund"))
		svc.Refiner = llm.refiner(5 * time.Second)
		got, err = svc.Classify(ctx, ws, "Do you sell garden furniture?")
		require.NoError(t, err)
		require.True(t, got.Unknown)
		require.False(t, got.Refined)
		require.Zero(t, llm.calls.Load())
	})
}

func TestWarmTrainsTheMostRecentlyActiveWorkspacesFirst(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		// Three workspaces with issue types (one never had a conversation)
		// and one without.
		idle, older, recent, without := uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString()
		admin := &issuetypes.Service{DB: db, Models: issuetypes.NewModelCache(0)}
		for _, ws := range []string{idle, older, recent, without} {
			require.NoError(t, db.Create(&models.Workspace{ID: ws, Name: "W"}).Error)
			if ws == without {
				continue
			}
			_, err := admin.Import(ctx, ws, []issuetypes.Row{
				{Text: "where is my parcel", IssueType: "shipping"},
				{Text: "when will my order arrive", IssueType: "shipping"},
				{Text: "refund my order", IssueType: "refund"},
			})
			require.NoError(t, err)
		}
		now := time.Now().UTC()
		for i, c := range []struct {
			ws      string
			started time.Time
		}{{older, now.Add(-time.Hour)}, {recent, now}, {without, now.Add(time.Minute)}, {older, now.Add(-2 * time.Hour)}} {
			require.NoError(t, db.Create(&models.Conversation{
				ID: uuid.NewString(), WorkspaceID: c.ws, ExternalID: fmt.Sprint("c", i), Status: "ai_active", StartedAt: c.started,
			}).Error)
		}
		ids, err := issuetypes.ActiveWorkspaces(ctx, db)
		require.NoError(t, err)
		require.Equal(t, []string{recent, older, idle}, ids, "latest conversation first, none last, no workspace without types")

		// Training reads the examples.
		var trainings atomic.Int64
		require.NoError(t, db.Callback().Row().After("gorm:row").Register("test:count_trainings", func(tx *gorm.DB) {
			if strings.Contains(tx.Statement.SQL.String(), "issue_examples") {
				trainings.Add(1)
			}
		}))
		cache := issuetypes.NewModelCache(0)
		warmed, err := cache.Warm(ctx, db, ids)
		require.NoError(t, err)
		require.Equal(t, 3, warmed)
		require.EqualValues(t, 3, trainings.Load())
		for _, ws := range ids {
			got, err := (&issuetypes.Service{DB: db, Models: cache}).Classify(ctx, ws, "Where is my parcel?")
			require.NoError(t, err)
			require.Equal(t, "shipping", got.BestGuess)
		}
		require.EqualValues(t, 3, trainings.Load(), "classifications use the models trained ahead")

		// A cache too small for more takes the most recently active one.
		small := issuetypes.NewModelCache(1)
		warmed, err = small.Warm(ctx, db, ids)
		require.NoError(t, err)
		require.Equal(t, 1, warmed)
		require.EqualValues(t, 4, trainings.Load())
		_, err = (&issuetypes.Service{DB: db, Models: small}).Classify(ctx, recent, "Where is my parcel?")
		require.NoError(t, err)
		require.EqualValues(t, 4, trainings.Load(), "the most recently active workspace's model was trained")
	})
}
