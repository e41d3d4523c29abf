package issuetypes

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/knowledge"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/understand"
)

// maxDraftModels bounds the draft models kept: past it, the cache starts
// again empty.
const maxDraftModels = 16

// draftModels keeps the models of draft sets of issue types by their
// digest, so that a rehearsal's turns train one once.
var draftModels = struct {
	sync.Mutex
	m map[[32]byte]*model
}{m: map[[32]byte]*model{}}

// ClassifyDraft classifies text among a draft set of issue types (a
// rehearsal's) at threshold (DefaultThreshold when 0), in-process: the
// model is trained on the draft's examples, and the candidates are the types
// with an example that shares a stemmed word with text, where Classify
// takes the types of the 30 examples nearest to it (BM25, in memory); a
// request for a person is left out of text, as there. No language model
// refines the decision.
func ClassifyDraft(types []models.IssueTypeDraft, threshold float64, text string) Result {
	if threshold <= 0 {
		threshold = DefaultThreshold
	}
	res := Result{IssueType: Unknown, Unknown: true, Threshold: threshold}
	text, res.OnlyAsksForHuman = understand.WithoutHumanRequest(text)
	if res.OnlyAsksForHuman {
		return res
	}
	m := draftModel(types)
	words := knowledge.StemmedWords(text)
	var candidates []string
	for t, name := range m.types {
		for _, w := range words {
			if m.vocab[t][w] {
				candidates = append(candidates, name)
				break
			}
		}
	}
	if len(candidates) == 0 {
		return res
	}
	decideAmong(m.rank(text, append(candidates, OutOfScope)), &res)
	return res
}

// draftModel is the model trained on the draft's examples.
func draftModel(types []models.IssueTypeDraft) *model {
	b, _ := json.Marshal(types) // a slice of plain structs always encodes
	key := sha256.Sum256(b)
	draftModels.Lock()
	m := draftModels.m[key]
	draftModels.Unlock()
	if m != nil {
		return m
	}
	var examples []example
	for _, t := range types {
		for _, e := range t.Examples {
			examples = append(examples, example{Text: e, IssueType: t.Name})
		}
	}
	m = train(examples)
	draftModels.Lock()
	defer draftModels.Unlock()
	if len(draftModels.m) >= maxDraftModels {
		draftModels.m = map[[32]byte]*model{}
	}
	draftModels.m[key] = m
	return m
}

// maxDraftTypes bounds a draft set of issue types.
const maxDraftTypes = 500

// CleanDraft checks a draft set of issue types (field names it, as
// "issue_types.types") and cleans its examples as an import would: an
// EINVALID error names the first bad field.
func CleanDraft(field string, types []models.IssueTypeDraft) ([]models.IssueTypeDraft, error) {
	if len(types) > maxDraftTypes {
		return nil, apperr.Invalid(field, fmt.Sprintf("%d issue types, more than the %d allowed", len(types), maxDraftTypes))
	}
	out := make([]models.IssueTypeDraft, len(types))
	total := 0
	for i, t := range types {
		at := fmt.Sprintf("%s[%d]", field, i)
		t.Name = strings.TrimSpace(t.Name)
		if err := CheckName(at+".name", t.Name); err != nil {
			return nil, err
		}
		if slices.ContainsFunc(out[:i], func(o models.IssueTypeDraft) bool { return o.Name == t.Name }) {
			return nil, apperr.Invalid(at+".name", fmt.Sprintf("%q is in the set twice", t.Name))
		}
		if err := checkDescription(t.Description); err != nil {
			return nil, within(at, err)
		}
		if len(t.Examples) == 0 {
			return nil, apperr.Invalid(at+".examples", "an issue type needs at least one example")
		}
		examples, err := cleanExamples(t.Examples)
		if err != nil {
			return nil, within(at, err)
		}
		total += len(examples)
		if total > MaxImportRows {
			return nil, apperr.Invalid(field, fmt.Sprintf("more than the %d examples allowed", MaxImportRows))
		}
		t.Examples = examples
		out[i] = t
	}
	return out, nil
}

// within names a field's error as within the draft's issue type at.
func within(at string, err error) error {
	var e *apperr.Error
	if errors.As(err, &e) {
		return &apperr.Error{Code: e.Code, Message: at + "." + e.Message}
	}
	return err
}
