package models

import "time"

// Scenario is a test conversation an admin saved: the customer's messages,
// the contact they come as, and what each turn is expected to do.
type Scenario struct {
	ID          string `gorm:"primaryKey;size:36"`
	WorkspaceID string `gorm:"not null;size:36;uniqueIndex:idx_scenario_name"`
	Name        string `gorm:"not null;size:200;uniqueIndex:idx_scenario_name"`
	Description string `gorm:"type:text;not null;default:''"`
	// ContactEmail, when set, is who the customer is: verified in the
	// rehearsal, as a signed-in customer would be.
	ContactEmail string `gorm:"size:320;not null;default:''"`
	// Turns are the customer's messages; none when Simulation has a
	// language model play the customer.
	Turns JSON[[]ScenarioTurn]
	// Simulation, when its Persona is set, is a simulated customer.
	Simulation JSON[Simulation]
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Simulated reports whether the scenario's customer is played by a model.
func (s Scenario) Simulated() bool { return s.Simulation.V.Persona != "" }

// Simulation is a customer a language model plays: who they are and what
// they want, for up to MaxTurns messages. Expect is judged on the whole
// conversation (a hand-off, rule, team, action or source in any turn; the
// texts in any reply); Criterion, a plain-language test the model judges,
// is reported apart from Expect.
type Simulation struct {
	Persona   string      `json:"persona"`
	Goal      string      `json:"goal"`
	MaxTurns  int         `json:"max_turns"`
	Expect    Expectation `json:"expect"`
	Criterion string      `json:"criterion,omitempty"`
}

// ScenarioTurn is one customer message and what the agent is expected to
// do with it.
type ScenarioTurn struct {
	Message string      `json:"message"`
	Expect  Expectation `json:"expect"`
}

// Expectation is what a turn must do; an empty field expects nothing.
type Expectation struct {
	// HandedOff: whether the turn hands the conversation to a person.
	HandedOff *bool `json:"handed_off,omitempty"`
	// Team: the team it goes to.
	Team string `json:"team,omitempty"`
	// Rule: the name of the hand-off rule that fires.
	Rule string `json:"rule,omitempty"`
	// Action: the action that runs (or is dry-run), with ActionInputs among
	// its inputs.
	Action       string            `json:"action,omitempty"`
	ActionInputs map[string]string `json:"action_inputs,omitempty"`
	// Cites: a source (its title or ID) the reply cites.
	Cites string `json:"cites,omitempty"`
	// Contains and NotContains: text the reply must and must not hold
	// (case-insensitive).
	Contains    []string `json:"contains,omitempty"`
	NotContains []string `json:"not_contains,omitempty"`
}

// Rehearsal statuses.
const (
	RehearsalRunning   = "running"
	RehearsalDone      = "done"
	RehearsalCancelled = "cancelled"
	RehearsalFailed    = "failed"
)

// Rehearsal is a run of saved scenarios and past conversations against a
// configuration to try; its report says what passes and what changed.
type Rehearsal struct {
	ID          string `gorm:"primaryKey;size:36"`
	WorkspaceID string `gorm:"not null;size:36;index"`
	Status      string `gorm:"not null;size:16"`
	// HandoffVersion and RoutingVersion are the rule set versions tried
	// (a draft's or a published one's).
	HandoffVersion int
	RoutingVersion int
	// HandoffDigest and RoutingDigest identify the drafts rehearsed, ""
	// for a published version (rulesets.Digest).
	HandoffDigest string `gorm:"size:32;not null;default:''"`
	RoutingDigest string `gorm:"size:32;not null;default:''"`
	// Config is the rest of the configuration tried: agent settings and
	// issue types drafts (none: the workspace's own).
	Config     JSON[RehearsalConfig]
	Plan       JSON[RehearsalPlan]
	Total      int
	Done       int
	Report     JSON[RehearsalReport]
	WorkflowID string    `gorm:"not null;size:200"`
	CreatedAt  time.Time `gorm:"index"`
	FinishedAt *time.Time
}

// RehearsalConfig is what a rehearsal tries besides rule set versions,
// given with the request (nothing is saved to the workspace): each case's
// conversation reads it instead of the workspace's own.
type RehearsalConfig struct {
	AgentSettings *AgentSettingsDraft `json:"agent_settings,omitempty"`
	IssueTypes    *IssueTypesDraft    `json:"issue_types,omitempty"`
	// Snapshot, when set, is the ID of the content snapshot the cases
	// search instead of the current content.
	Snapshot string `json:"snapshot,omitempty"`
}

// AgentSettingsDraft is agent settings to try, in the shape of PUT
// /v1/agent/settings, and the actions enabled with them.
type AgentSettingsDraft struct {
	AgentName           string             `json:"agent_name"`
	Tone                string             `json:"tone"`
	Guidelines          string             `json:"guidelines"`
	TopicsToAvoid       []string           `json:"topics_to_avoid"`
	ReusableResponses   []ReusableResponse `json:"reusable_responses"`
	ConfidenceThreshold float64            `json:"confidence_threshold"`
	DefaultTeam         string             `json:"default_team"`
	InactivitySeconds   int                `json:"inactivity_seconds"`
	ReopenWindowSeconds int                `json:"reopen_window_seconds"`
	ReturnWindowDays    map[string]int     `json:"return_window_days"`
	// EnabledActions, when not nil, are the names of the workspace's
	// actions enabled instead of those enabled now.
	EnabledActions []string `json:"enabled_actions,omitempty"`
}

// Row is the draft as the workspace's agent settings row.
func (d AgentSettingsDraft) Row(workspaceID string) AgentSettings {
	return AgentSettings{WorkspaceID: workspaceID, AgentName: d.AgentName, Tone: d.Tone, Guidelines: d.Guidelines,
		TopicsToAvoid: NewJSON(d.TopicsToAvoid), ReusableResponses: NewJSON(d.ReusableResponses),
		ConfidenceThreshold: d.ConfidenceThreshold, DefaultTeam: d.DefaultTeam, InactivitySeconds: d.InactivitySeconds,
		ReopenWindowSeconds: d.ReopenWindowSeconds, ReturnWindowDays: NewJSON(d.ReturnWindowDays)}
}

// IssueTypesDraft is issue-type settings to try: a threshold, and a set of
// issue types with their examples instead of the workspace's (nil: its own).
type IssueTypesDraft struct {
	Threshold float64          `json:"threshold,omitempty"`
	Types     []IssueTypeDraft `json:"types,omitempty"`
}

// IssueTypeDraft is one issue type of a draft set.
type IssueTypeDraft struct {
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Examples    []string `json:"examples"`
}

// RehearsalPlan is what a rehearsal runs: every scenario, or only those of
// ScenarioIDs, and past conversations.
type RehearsalPlan struct {
	Scenarios   bool        `json:"scenarios"`
	ScenarioIDs []string    `json:"scenario_ids,omitempty"`
	Past        *PastSample `json:"past,omitempty"`
}

// PastSample chooses past conversations: of a period, optionally one
// channel, at most Count, spread over their outcomes.
type PastSample struct {
	From    time.Time `json:"from"`
	To      time.Time `json:"to"`
	Channel string    `json:"channel,omitempty"`
	Count   int       `json:"count"`
}

// RehearsalReport is a rehearsal's result.
type RehearsalReport struct {
	Cases []CaseReport `json:"cases"`
	// Scenarios passed and failed.
	Passed int `json:"passed"`
	Failed int `json:"failed"`
	// Past conversations that now end differently, and the rates then and
	// projected now over them.
	Changed        int     `json:"changed"`
	ResolvedThen   float64 `json:"resolution_rate_then"`
	ResolvedNow    float64 `json:"resolution_rate_now"`
	HandedOffThen  float64 `json:"handoff_rate_then"`
	HandedOffNow   float64 `json:"handoff_rate_now"`
	PastCompared   int     `json:"past_compared"`
	ScenariosTried int     `json:"scenarios_tried"`
	// Skipped scenarios did not run (a simulated customer without a
	// language model): neither passed nor failed.
	Skipped int `json:"skipped"`
}

// CaseReport is one case of a rehearsal: a scenario with its verdict, or a
// past conversation with its outcome then and now.
type CaseReport struct {
	Kind string `json:"kind"` // "scenario" or "past"
	// Scenario is the scenario's ID and Name; Conversation the past
	// conversation's ID (its external ID).
	Scenario     string `json:"scenario,omitempty"`
	Name         string `json:"name,omitempty"`
	Conversation string `json:"conversation,omitempty"`
	Passed       bool   `json:"passed"`
	Changed      bool   `json:"changed"`
	// Error is why the case could not run.
	Error string `json:"error,omitempty"`
	// Skipped says why the case did not run ("" when it ran).
	Skipped string `json:"skipped,omitempty"`
	// Simulated is set for a scenario whose customer a model played; its
	// Failures are the expectations the whole conversation failed, and
	// Criterion the model's verdict on its plain-language criterion.
	Simulated bool              `json:"simulated,omitempty"`
	Failures  []string          `json:"failures,omitempty"`
	Criterion *CriterionVerdict `json:"criterion,omitempty"`
	Turns     []TurnReport      `json:"turns"`
}

// CriterionVerdict is a language model's verdict on a simulated scenario's
// plain-language criterion: reported apart from the expectations, which
// alone decide whether the scenario passed.
type CriterionVerdict struct {
	Criterion string `json:"criterion"`
	Met       bool   `json:"met"`
	Reason    string `json:"reason,omitempty"`
	// Error is why the model gave no verdict.
	Error string `json:"error,omitempty"`
}

// TurnReport is one turn of a case: what it did now, what it did then (a
// past conversation's), and the expectations it failed (a scenario's).
type TurnReport struct {
	Message  string        `json:"message"`
	Now      ObservedTurn  `json:"now"`
	Then     *ObservedTurn `json:"then,omitempty"`
	Failures []string      `json:"failures,omitempty"`
	Differs  []string      `json:"differs,omitempty"`
}

// ObservedTurn is what a turn did, read from the conversation's transcript
// and decisions.
type ObservedTurn struct {
	Reply        string            `json:"reply"`
	Outcome      string            `json:"outcome"` // answered, handed_off, action, dont_know, other
	HandedOff    bool              `json:"handed_off"`
	Team         string            `json:"team,omitempty"`
	Rule         string            `json:"rule,omitempty"`
	Action       string            `json:"action,omitempty"`
	ActionInputs map[string]string `json:"action_inputs,omitempty"`
	Cites        []string          `json:"cites,omitempty"`
	IssueType    string            `json:"issue_type,omitempty"`
}

// RehearsalCase is one judged case of a rehearsal, written when its test
// conversation has ended; the rehearsal's report gathers them.
type RehearsalCase struct {
	RehearsalID string `gorm:"primaryKey;size:36"`
	Index       int    `gorm:"primaryKey;column:case_index"`
	Report      JSON[CaseReport]
	CreatedAt   time.Time
}

// ContentSnapshot is a copy of a workspace's knowledge-base chunks as they
// were when it was taken, kept for rehearsals to answer from. Its chunks
// live in Weaviate (knowledge.SnapshotTenant); the row says what it holds.
type ContentSnapshot struct {
	ID          string `gorm:"primaryKey;size:36"`
	WorkspaceID string `gorm:"not null;size:36;index"`
	Name        string `gorm:"not null;size:200;default:''"`
	Chunks      int    `gorm:"not null;default:0"`
	Sources     int    `gorm:"not null;default:0"`
	CreatedAt   time.Time
}

func rehearsalModels() []any {
	return []any{&Scenario{}, &Rehearsal{}, &RehearsalCase{}, &ContentSnapshot{}}
}
