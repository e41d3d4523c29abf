package rulesets_test

import (
	"fmt"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/rules"
	"github.com/switchboardhq/switchboard/rulesets"
)

func TestARuleSetHasAtMostMaxRules(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		draft, err := rulesets.Draft(b.ctx, b.db, b.ws, handoff)
		require.NoError(t, err)
		// All but one written straight into the draft, to keep the test short.
		rows := make([]models.Rule, rules.MaxRules-1)
		for i := range rows {
			rows[i] = models.Rule{ID: uuid.NewString(), RuleSetVersionID: draft.ID, Name: fmt.Sprintf("Rule %d", i), Priority: i,
				Enabled: true, Condition: "conversation.asked_for_human", Mode: "transfer_now", Team: "support"}
		}
		require.NoError(t, db.CreateInBatches(rows, 100).Error)

		last, err := rulesets.CreateRule(b.ctx, b.db, b.ws, handoff, rule("The last one", 1000, "true"))
		require.NoError(t, err, "the limit itself is allowed")
		_, err = rulesets.CreateRule(b.ctx, b.db, b.ws, handoff, rule("One too many", 1001, "true"))
		var conflict *rulesets.ConflictError
		require.ErrorAs(t, err, &conflict)
		require.Equal(t, fmt.Sprintf("the handoff draft has %d rules already, the most a rule set may have: delete one first", rules.MaxRules), err.Error())
		_, err = rulesets.UpdateRule(b.ctx, b.db, b.ws, handoff, last.ID, rule("The last one", 1000, "false"))
		require.NoError(t, err, "a full draft's rules can still be changed")

		_, err = rulesets.Publish(b.ctx, b.db, b.ws, handoff, b.now)
		require.NoError(t, err)

		// A version over the limit (written before there was one) is not
		// published again.
		draft, err = rulesets.Draft(b.ctx, b.db, b.ws, handoff)
		require.NoError(t, err)
		require.NoError(t, db.Create(&models.Rule{ID: uuid.NewString(), RuleSetVersionID: draft.ID, Name: "Extra", Priority: 2000,
			Enabled: true, Condition: "true", Mode: "transfer_now", Team: "support"}).Error)
		_, err = rulesets.Publish(b.ctx, b.db, b.ws, handoff, b.now)
		require.ErrorAs(t, err, &conflict)
		require.Equal(t, fmt.Sprintf("%d handoff rules, more than the %d a rule set may have: delete some first", rules.MaxRules+1, rules.MaxRules), err.Error())
	})
}
