package understand_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/understand"
)

func TestSynonyms(t *testing.T) {
	t.Parallel()
	require.Contains(t, understand.Synonyms("money"), "refund")
	require.NotContains(t, understand.Synonyms("money"), "money")
	// A word of two groups has the words of both.
	require.Subset(t, understand.Synonyms("payment"), []string{"cost", "card"})
	require.Nil(t, understand.Synonyms("notebook"))
}
