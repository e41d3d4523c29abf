package issuetypes

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/understand"
)

const (
	// refineTimeout bounds the language model's decision: a turn classifies
	// in a local activity that has 10 s, and the offline decision does
	// without it.
	refineTimeout = 5 * time.Second
	// refineOptions is how many of the likeliest candidates the language
	// model chooses among, each shown with up to refineExamples of its
	// examples nearest to the message.
	refineOptions  = 5
	refineExamples = 3
)

// Classify returns text's issue type: the likeliest type among those of its
// nearest examples, or Unknown when that type's confidence is below the
// workspace's threshold, when the workspace's out-of-scope examples are
// nearly as likely (outOfScopeRatio), or when no example shares a word with
// text, or when text only asks for a person (a request for a person is
// not read for the issue: "I need to speak to someone about my refund" is
// read as "refund"). With a Refiner, a language model then decides among the likeliest
// candidates (unless the message is out of scope); if it fails, the offline
// decision stands (and RefineErr says why).
func (s *Service) Classify(ctx context.Context, workspaceID, text string) (Result, error) {
	// One read checks that the cached model is the examples' and reads the
	// threshold, none when the configuration's version says nothing changed;
	// the nearest examples are searched in memory.
	cache := s.Models
	if cache == nil {
		cache = defaultModels
	}
	m, threshold, err := cache.model(ctx, s.DB, workspaceID, s.ConfigVersion)
	if err != nil {
		return Result{}, fmt.Errorf("classify: %w", err)
	}
	if s.DraftThreshold > 0 {
		threshold = s.DraftThreshold
	}
	res := Result{IssueType: Unknown, Unknown: true, Threshold: threshold}
	text, res.OnlyAsksForHuman = understand.WithoutHumanRequest(text)
	if res.OnlyAsksForHuman {
		return res, nil
	}
	hits := m.examples.nearest(text, Candidates)
	if len(hits) == 0 {
		return res, nil
	}
	types := make([]string, len(hits), len(hits)+1)
	for i, h := range hits {
		types[i] = h.IssueType
	}
	// The out-of-scope examples stand for everything the business does not
	// handle, which no 30 examples are all near to: they are always a
	// candidate, whichever examples are nearest.
	types = append(types, OutOfScope)
	ranked := decideAmong(m.rank(text, types), &res)
	if s.Refiner != nil && len(ranked) > 0 && !res.OutOfScope {
		s.refine(ctx, workspaceID, text, ranked[:min(len(ranked), refineOptions)], hits, &res)
	}
	return res, nil
}

// decideAmong decides res from the ranked candidates (the out-of-scope
// examples among them) at res.Threshold, and returns the issue types among
// them, likeliest first.
func decideAmong(ranked []Candidate, res *Result) []Candidate {
	outOfScope := 0.0
	if i := slices.IndexFunc(ranked, func(c Candidate) bool { return c.Type == OutOfScope }); i >= 0 {
		outOfScope = ranked[i].Probability
		ranked = slices.Delete(ranked, i, i+1)
	}
	if len(ranked) == 0 {
		res.OutOfScope = outOfScope > 0
		return ranked
	}
	best := ranked[0]
	res.OutOfScope = outOfScope > 0 && outOfScope >= outOfScopeRatio*best.Probability
	res.BestGuess, res.Confidence = best.Type, best.Confidence
	if !res.OutOfScope && best.Confidence >= res.Threshold {
		res.IssueType, res.Unknown = best.Type, false
	}
	return ranked
}

// refine asks the language model to decide among the candidates and
// records its decision in res, or why it could not.
func (s *Service) refine(ctx context.Context, workspaceID, text string, candidates []Candidate, hits []ExampleHit, res *Result) {
	names := make([]string, len(candidates))
	for i, c := range candidates {
		names[i] = c.Type
	}
	var types []models.IssueType
	if err := s.DB.WithContext(ctx).Where("workspace_id = ? AND name IN ?", workspaceID, names).Find(&types).Error; err != nil {
		res.RefineErr = fmt.Errorf("load issue types: %w", err)
		return
	}
	descriptions := map[string]string{}
	for _, t := range types {
		descriptions[t.Name] = t.Description
	}
	options := make([]Option, len(candidates))
	for i, c := range candidates {
		options[i] = Option{Name: c.Type, Description: descriptions[c.Type]}
		for _, h := range hits {
			if h.IssueType == c.Type && len(options[i].Examples) < refineExamples {
				options[i].Examples = append(options[i].Examples, h.Text)
			}
		}
	}

	ctx, cancel := context.WithTimeout(ctx, refineTimeout)
	defer cancel()
	choice, err := s.Refiner.Refine(ctx, RefineRequest{Text: text, Options: options})
	if err != nil {
		res.RefineErr = err
		return
	}
	if choice == Unknown {
		res.IssueType, res.Unknown, res.Refined = Unknown, true, true
		return
	}
	i := slices.IndexFunc(candidates, func(c Candidate) bool { return c.Type == choice })
	if i < 0 {
		res.RefineErr = fmt.Errorf("the refiner chose %q, which is not a candidate", choice)
		return
	}
	res.IssueType, res.Unknown, res.Refined = choice, false, true
	res.Confidence = candidates[i].Confidence
}
