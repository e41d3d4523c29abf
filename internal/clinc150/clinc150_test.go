package clinc150_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/clinc150"
)

// TestVendoredDataSet checks the copy in the repository is the whole
// "full" split.
func TestVendoredDataSet(t *testing.T) {
	t.Parallel()
	raw, err := clinc150.Read(clinc150.Path())
	require.NoError(t, err)
	var data map[string][][2]string
	require.NoError(t, json.Unmarshal(raw, &data))
	want := map[string]int{"train": 15000, "val": 3000, "test": 4500, "oos_train": 100, "oos_val": 100, "oos_test": 1000}
	for split, n := range want {
		require.Len(t, data[split], n, split)
	}
	intents := map[string]bool{}
	for _, e := range data["train"] {
		intents[e[1]] = true
	}
	require.Len(t, intents, 150)
}
