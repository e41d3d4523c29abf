package issuetypes

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/models"
)

// Unknown is the issue type of a message no type is close enough to.
const Unknown = "unknown"

// OutOfScope names the examples of messages that belong to none of the
// workspace's issue types: things the business does not handle. Admins
// write, import, list and delete them like any issue type's, but no message
// is ever classified as out_of_scope: when the classifier's decision lands
// on these examples the answer is Unknown (Result.OutOfScope says why).
const OutOfScope = "out_of_scope"

// Limits.
const (
	MaxNameChars        = 64
	MaxDescriptionChars = 2000
	MaxExampleChars     = 1000
	// MaxImportRows bounds one import (and the examples given with a type).
	MaxImportRows = 100000
)

// reserved names would be ambiguous: the classifier's answer, or a route.
var reserved = []string{Unknown, "classify", "import", "settings"}

// Row is one labelled example of an import.
type Row struct {
	Text      string `json:"text"`
	IssueType string `json:"issue_type"`
}

// Summary describes an issue type.
type Summary struct {
	Name        string
	Description string
	Examples    int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Type is an issue type with its examples, oldest first.
type Type struct {
	Summary
	Examples []string
}

// ImportResult counts what an import did.
type ImportResult struct {
	Rows int
	// Added is how many examples were new; Duplicates how many were there
	// already (or repeated within the import).
	Added      int
	Duplicates int
	// CreatedTypes are the issue types the import created.
	CreatedTypes []string
}

// Result is a message's issue type.
type Result struct {
	// IssueType is Unknown when the confidence is below the threshold (or
	// the language model said so).
	IssueType string
	// Confidence is the offline classifier's confidence in IssueType (in
	// BestGuess when Unknown), 0..1.
	Confidence float64
	Unknown    bool
	// OutOfScope is true when the message is Unknown because the workspace's
	// out-of-scope examples (OutOfScope) are nearly as likely as the
	// likeliest issue type, or likelier.
	OutOfScope bool
	// BestGuess is the offline classifier's likeliest issue type, even when
	// Unknown (never OutOfScope); "" when no example of an issue type shares
	// a word with the message.
	BestGuess string
	Threshold float64
	// OnlyAsksForHuman is true when the message only asks for a person
	// (understand.WithoutHumanRequest): it says nothing of an issue, and
	// is Unknown without being read for one.
	OnlyAsksForHuman bool
	// Refined is true when a language model made the decision, choosing
	// among the offline classifier's candidates (or Unknown).
	Refined bool
	// RefineErr is why the language model could not decide, when it was
	// asked and failed; the offline decision stands. For the log only.
	RefineErr error
}

// exampleNamespace seeds the name-based UUIDs of examples.
var exampleNamespace = uuid.MustParse("0b8f3f7e-5a43-4c1e-9d2a-7c6f0e4b9a11")

// ExampleID is the database ID of an example: the same text labelled with
// the same type in the same workspace is one example.
func ExampleID(workspaceID, issueType, text string) string {
	return uuid.NewSHA1(exampleNamespace, []byte(workspaceID+"\x00"+issueType+"\x00"+text)).String()
}

// Service manages issue types.
type Service struct {
	DB *gorm.DB
	// Refiner, when set, lets a language model decide among the offline
	// candidates.
	Refiner Refiner
	// Models caches the workspaces' trained models (a shared default when
	// nil).
	Models *ModelCache
	// DraftThreshold, when above 0, is used instead of the workspace's
	// threshold (a rehearsal's draft issue-type settings).
	DraftThreshold float64
	// ConfigVersion, when above 0, is the workspace's configuration version
	// as the caller read it: Classify then reads whether the examples
	// changed only when the version moved on since it last did.
	ConfigVersion int64
}

// CheckName returns an EINVALID error for field unless name is 1–64 lower
// case letters, digits, "_", "-" or ".", not reserved, and not another
// spelling of OutOfScope ("out-of-scope").
func CheckName(field, name string) error {
	if name == "" {
		return apperr.Invalid(field, "must not be empty")
	}
	if len(name) > MaxNameChars {
		return apperr.Invalid(field, fmt.Sprintf("longer than %d characters", MaxNameChars))
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("_-.", r)) {
			return apperr.Invalid(field, fmt.Sprintf("%q: use lower-case letters, digits, _ - and . only", name))
		}
	}
	if slices.Contains(reserved, name) {
		return apperr.Invalid(field, fmt.Sprintf("%q is reserved", name))
	}
	if name != OutOfScope && strings.NewReplacer("-", "_", ".", "_").Replace(name) == OutOfScope {
		// Another spelling would make an ordinary issue type that
		// conversations could be classified as.
		return apperr.Invalid(field, fmt.Sprintf("%q: write %s for out-of-scope examples", name, OutOfScope))
	}
	return nil
}

// cleanExample trims an example and collapses its spaces, and checks it.
func cleanExample(field, text string) (string, error) {
	if !utf8.ValidString(text) {
		return "", apperr.Invalid(field, "is not valid UTF-8")
	}
	text = strings.Join(strings.Fields(text), " ")
	if text == "" {
		return "", apperr.Invalid(field, "must not be empty")
	}
	if n := utf8.RuneCountInString(text); n > MaxExampleChars {
		return "", apperr.Invalid(field, fmt.Sprintf("%d characters, more than the %d allowed", n, MaxExampleChars))
	}
	if strings.IndexFunc(text, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0 {
		return "", apperr.Invalid(field, "has no letters or digits to match on")
	}
	return text, nil
}

// ValidateRows checks every row of an import and returns them cleaned; the
// first bad row is an EINVALID error naming its number (from 1) and field.
func ValidateRows(rows []Row) ([]Row, error) {
	if len(rows) == 0 {
		return nil, apperr.Invalid("examples", "has no rows")
	}
	if len(rows) > MaxImportRows {
		return nil, apperr.Invalid("examples", fmt.Sprintf("%d rows, more than the %d one import may hold", len(rows), MaxImportRows))
	}
	out := make([]Row, len(rows))
	for i, r := range rows {
		text, err := cleanExample(fmt.Sprintf("row %d: text", i+1), r.Text)
		if err != nil {
			return nil, err
		}
		name := strings.TrimSpace(r.IssueType)
		if err := CheckName(fmt.Sprintf("row %d: issue_type", i+1), name); err != nil {
			return nil, err
		}
		out[i] = Row{Text: text, IssueType: name}
	}
	return out, nil
}

// List returns the workspace's issue types by name, with example counts.
func (s *Service) List(ctx context.Context, workspaceID string) ([]Summary, error) {
	db := s.DB.WithContext(ctx)
	var types []models.IssueType
	if err := db.Where("workspace_id = ?", workspaceID).Order("name").Find(&types).Error; err != nil {
		return nil, fmt.Errorf("list issue types: %w", err)
	}
	var counts []struct {
		IssueTypeID string
		N           int
	}
	err := db.Model(&models.IssueExample{}).Select("issue_type_id, COUNT(*) AS n").
		Where("workspace_id = ?", workspaceID).Group("issue_type_id").Scan(&counts).Error
	if err != nil {
		return nil, fmt.Errorf("count examples: %w", err)
	}
	n := map[string]int{}
	for _, c := range counts {
		n[c.IssueTypeID] = c.N
	}
	out := make([]Summary, 0, len(types))
	for _, t := range types {
		out = append(out, summary(t, n[t.ID]))
	}
	return out, nil
}

func summary(t models.IssueType, examples int) Summary {
	return Summary{Name: t.Name, Description: t.Description, Examples: examples, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
}

// Get returns an issue type with its examples.
func (s *Service) Get(ctx context.Context, workspaceID, name string) (Type, error) {
	db := s.DB.WithContext(ctx)
	t, err := find(db, workspaceID, name)
	if err != nil {
		return Type{}, err
	}
	var texts []string
	if err := db.Model(&models.IssueExample{}).Where("issue_type_id = ?", t.ID).Order("created_at, id").Pluck("text", &texts).Error; err != nil {
		return Type{}, fmt.Errorf("load examples: %w", err)
	}
	return Type{Summary: summary(t, len(texts)), Examples: texts}, nil
}

func find(db *gorm.DB, workspaceID, name string) (models.IssueType, error) {
	var t models.IssueType
	if err := db.Where("workspace_id = ? AND name = ?", workspaceID, name).Limit(1).Find(&t).Error; err != nil {
		return t, fmt.Errorf("load issue type: %w", err)
	}
	if t.ID == "" {
		return t, apperr.Errorf(apperr.ENOTFOUND, "issue type %q not found", name)
	}
	return t, nil
}

// write runs fn in one transaction: a write is saved whole or not at all.
func (s *Service) write(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.DB.WithContext(ctx).Transaction(fn)
}

// Create adds an issue type with its examples.
func (s *Service) Create(ctx context.Context, workspaceID, name, description string, examples []string) (Type, error) {
	if err := CheckName("name", name); err != nil {
		return Type{}, err
	}
	if err := checkDescription(description); err != nil {
		return Type{}, err
	}
	texts, err := cleanExamples(examples)
	if err != nil {
		return Type{}, err
	}
	now := time.Now().UTC()
	t := models.IssueType{ID: uuid.NewString(), WorkspaceID: workspaceID, Name: name, Description: description, CreatedAt: now, UpdatedAt: now}
	err = s.write(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&models.IssueType{}).Where("workspace_id = ? AND name = ?", workspaceID, name).Count(&n).Error; err != nil {
			return fmt.Errorf("check issue type: %w", err)
		}
		if n > 0 {
			return apperr.Errorf(apperr.ECONFLICT, "name: issue type %q exists already", name)
		}
		if err := tx.Create(&t).Error; err != nil {
			return fmt.Errorf("create issue type: %w", err)
		}
		_, err := insertExamples(tx, workspaceID, t, texts, now)
		return err
	})
	if err != nil {
		return Type{}, err
	}
	return Type{Summary: summary(t, len(texts)), Examples: texts}, nil
}

// Update changes an issue type's description and, when examples is not nil,
// replaces its examples.
func (s *Service) Update(ctx context.Context, workspaceID, name string, description *string, examples []string) (Type, error) {
	if description != nil {
		if err := checkDescription(*description); err != nil {
			return Type{}, err
		}
	}
	var texts []string
	if examples != nil {
		var err error
		if texts, err = cleanExamples(examples); err != nil {
			return Type{}, err
		}
	}
	now := time.Now().UTC()
	err := s.write(ctx, func(tx *gorm.DB) error {
		t, err := find(tx, workspaceID, name)
		if err != nil {
			return err
		}
		updates := map[string]any{"updated_at": now}
		if description != nil {
			updates["description"] = *description
		}
		if err := tx.Model(&t).Updates(updates).Error; err != nil {
			return fmt.Errorf("update issue type: %w", err)
		}
		if examples == nil {
			return nil
		}
		var old []models.IssueExample
		if err := tx.Where("issue_type_id = ?", t.ID).Find(&old).Error; err != nil {
			return fmt.Errorf("load examples: %w", err)
		}
		keep := map[string]bool{}
		for _, text := range texts {
			keep[ExampleID(workspaceID, name, text)] = true
		}
		var gone []string
		for _, e := range old {
			if !keep[e.ID] {
				gone = append(gone, e.ID)
			}
		}
		for start := 0; start < len(gone); start += 1000 {
			if err := tx.Where("id IN ?", gone[start:min(start+1000, len(gone))]).Delete(&models.IssueExample{}).Error; err != nil {
				return fmt.Errorf("delete examples: %w", err)
			}
		}
		_, err = insertExamples(tx, workspaceID, t, texts, now)
		return err
	})
	if err != nil {
		return Type{}, err
	}
	return s.Get(ctx, workspaceID, name)
}

// Delete deletes an issue type and its examples.
func (s *Service) Delete(ctx context.Context, workspaceID, name string) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		t, err := find(tx, workspaceID, name)
		if err != nil {
			return err
		}
		if err := tx.Where("issue_type_id = ?", t.ID).Delete(&models.IssueExample{}).Error; err != nil {
			return fmt.Errorf("delete examples: %w", err)
		}
		if err := tx.Delete(&t).Error; err != nil {
			return fmt.Errorf("delete issue type: %w", err)
		}
		return nil
	})
}

// Import adds labelled examples, creating the issue types they name. Every
// row is checked first: one bad row rejects the whole import, naming it.
func (s *Service) Import(ctx context.Context, workspaceID string, rows []Row) (ImportResult, error) {
	rows, err := ValidateRows(rows)
	if err != nil {
		return ImportResult{}, err
	}
	res := ImportResult{Rows: len(rows), CreatedTypes: []string{}}
	byType := map[string][]string{}
	var order []string
	for _, r := range rows {
		if _, ok := byType[r.IssueType]; !ok {
			order = append(order, r.IssueType)
		}
		byType[r.IssueType] = append(byType[r.IssueType], r.Text)
	}
	now := time.Now().UTC()
	err = s.write(ctx, func(tx *gorm.DB) error {
		res.Added, res.CreatedTypes = 0, []string{}
		var existing []models.IssueType
		if err := tx.Where("workspace_id = ? AND name IN ?", workspaceID, order).Find(&existing).Error; err != nil {
			return fmt.Errorf("load issue types: %w", err)
		}
		types := map[string]models.IssueType{}
		for _, t := range existing {
			types[t.Name] = t
		}
		for _, name := range order {
			t, ok := types[name]
			if !ok {
				t = models.IssueType{ID: uuid.NewString(), WorkspaceID: workspaceID, Name: name, CreatedAt: now, UpdatedAt: now}
				if err := tx.Create(&t).Error; err != nil {
					return fmt.Errorf("create issue type %q: %w", name, err)
				}
				res.CreatedTypes = append(res.CreatedTypes, name)
			}
			added, err := insertExamples(tx, workspaceID, t, byType[name], now)
			if err != nil {
				return err
			}
			if ok && added > 0 {
				// A type's updated_at follows its examples (see examplesVersion).
				if err := tx.Model(&t).Update("updated_at", now).Error; err != nil {
					return fmt.Errorf("update issue type %q: %w", name, err)
				}
			}
			res.Added += added
		}
		return nil
	})
	if err != nil {
		return ImportResult{}, err
	}
	res.Duplicates = res.Rows - res.Added
	return res, nil
}

// insertExamples stores the texts of t that it does not have yet and
// returns how many it stored.
func insertExamples(tx *gorm.DB, workspaceID string, t models.IssueType, texts []string, now time.Time) (int, error) {
	candidates := map[string]string{}
	var idList []string
	for _, text := range texts {
		id := ExampleID(workspaceID, t.Name, text)
		if _, ok := candidates[id]; !ok {
			candidates[id] = text
			idList = append(idList, id)
		}
	}
	have := map[string]bool{}
	for start := 0; start < len(idList); start += 1000 {
		var found []string
		err := tx.Model(&models.IssueExample{}).Where("id IN ?", idList[start:min(start+1000, len(idList))]).Pluck("id", &found).Error
		if err != nil {
			return 0, fmt.Errorf("look up examples: %w", err)
		}
		for _, id := range found {
			have[id] = true
		}
	}
	var rows []models.IssueExample
	for _, id := range idList {
		if !have[id] {
			rows = append(rows, models.IssueExample{ID: id, WorkspaceID: workspaceID, IssueTypeID: t.ID, Text: candidates[id], CreatedAt: now})
		}
	}
	if len(rows) > 0 {
		if err := tx.CreateInBatches(rows, 500).Error; err != nil {
			return 0, fmt.Errorf("store examples: %w", err)
		}
	}
	return len(rows), nil
}

func checkDescription(d string) error {
	if !utf8.ValidString(d) {
		return apperr.Invalid("description", "is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(d); n > MaxDescriptionChars {
		return apperr.Invalid("description", fmt.Sprintf("%d characters, more than the %d allowed", n, MaxDescriptionChars))
	}
	return nil
}

func cleanExamples(examples []string) ([]string, error) {
	if len(examples) > MaxImportRows {
		return nil, apperr.Invalid("examples", fmt.Sprintf("%d examples, more than the %d allowed", len(examples), MaxImportRows))
	}
	out := make([]string, 0, len(examples))
	for i, e := range examples {
		text, err := cleanExample(fmt.Sprintf("examples[%d]", i), e)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, text) {
			out = append(out, text)
		}
	}
	return out, nil
}

// Threshold is the workspace's classification threshold.
func (s *Service) Threshold(ctx context.Context, workspaceID string) (float64, error) {
	var st models.IssueTypeSettings
	if err := s.DB.WithContext(ctx).Where("workspace_id = ?", workspaceID).Limit(1).Find(&st).Error; err != nil {
		return 0, fmt.Errorf("load issue type settings: %w", err)
	}
	return thresholdOr(st.Threshold), nil
}

// thresholdOr is a workspace's stored threshold, or DefaultThreshold when it
// stores none (0).
func thresholdOr(stored float64) float64 {
	if stored <= 0 {
		return DefaultThreshold
	}
	return stored
}

// SetThreshold sets the workspace's classification threshold (0 < t ≤ 1).
func (s *Service) SetThreshold(ctx context.Context, workspaceID string, threshold float64) error {
	if math.IsNaN(threshold) || threshold <= 0 || threshold > 1 {
		return apperr.Invalid("threshold", fmt.Sprintf("%v is not in (0, 1]", threshold))
	}
	st := models.IssueTypeSettings{WorkspaceID: workspaceID, Threshold: threshold, UpdatedAt: time.Now().UTC()}
	return s.DB.WithContext(ctx).Save(&st).Error
}
