package issuetypes_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/issuetypes"
	"github.com/switchboardhq/switchboard/models"
)

func TestClassifyDraft(t *testing.T) {
	t.Parallel()
	types := []models.IssueTypeDraft{
		{Name: "zebra_questions", Examples: []string{"a question about zebra stripes", "zebra stripes", "do zebras have stripes"}},
		{Name: "shipping", Examples: []string{"how long does shipping take", "what does shipping cost", "when will my parcel arrive"}},
	}
	got := issuetypes.ClassifyDraft(types, 0, "I have a question about zebra stripes")
	require.Equal(t, "zebra_questions", got.IssueType)
	require.False(t, got.Unknown)
	require.Equal(t, "shipping", issuetypes.ClassifyDraft(types, 0, "How long does shipping take?").IssueType)
	none := issuetypes.ClassifyDraft(types, 0, "Do you offer engraving?")
	require.True(t, none.Unknown, "no example shares a word")
	require.Equal(t, issuetypes.Unknown, none.IssueType)
	strict := issuetypes.ClassifyDraft(types, 1, "I have a question about zebra stripes")
	require.True(t, strict.Unknown, "below the draft's threshold")
}

func TestCleanDraft(t *testing.T) {
	t.Parallel()
	cleaned, err := issuetypes.CleanDraft("issue_types.types", []models.IssueTypeDraft{{Name: " billing ", Examples: []string{"  my   invoice ", "my invoice"}}})
	require.NoError(t, err)
	require.Equal(t, []models.IssueTypeDraft{{Name: "billing", Examples: []string{"my invoice"}}}, cleaned)
	for _, c := range []struct {
		types []models.IssueTypeDraft
		msg   string
	}{
		{[]models.IssueTypeDraft{{Name: "Bad Name", Examples: []string{"x"}}}, "issue_types.types[0].name:"},
		{[]models.IssueTypeDraft{{Name: "a", Examples: []string{"x"}}, {Name: "a", Examples: []string{"y"}}}, "issue_types.types[1].name:"},
		{[]models.IssueTypeDraft{{Name: "a"}}, "issue_types.types[0].examples:"},
		{[]models.IssueTypeDraft{{Name: "a", Examples: []string{"!!"}}}, "issue_types.types[0].examples[0]:"},
	} {
		_, err := issuetypes.CleanDraft("issue_types.types", c.types)
		require.ErrorContains(t, err, c.msg)
	}
}
