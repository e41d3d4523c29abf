package config

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestContentSourceSettings(t *testing.T) {
	t.Parallel()
	c, err := fromLookup(lookupFrom(nil))
	require.NoError(t, err)
	require.EqualValues(t, 10<<20, c.SourceMaxBytes)
	require.Equal(t, 30*time.Second, c.FetchTimeout)
	require.False(t, c.FetchPrivate, "private addresses are refused unless asked for")
	require.Empty(t, c.EmbeddingsBaseURL, "BM25 only unless an embedder is configured")

	c, err = fromLookup(lookupFrom(map[string]string{
		"SWITCHBOARD_SOURCE_MAX_BYTES": "2048", "SWITCHBOARD_FETCH_TIMEOUT": "5s", "SWITCHBOARD_FETCH_PRIVATE": "true",
		"EMBEDDINGS_BASE_URL": "http://127.0.0.1:11434/v1", "EMBEDDINGS_MODEL": "nomic-embed-text", "SEARCH_HYBRID_ALPHA": "0.7",
	}))
	require.NoError(t, err)
	require.NoError(t, c.Validate())
	require.EqualValues(t, 2048, c.SourceMaxBytes)
	require.Equal(t, 5*time.Second, c.FetchTimeout)
	require.True(t, c.FetchPrivate)
	require.Equal(t, 0.7, c.HybridAlpha)
}

func TestContentSourceSettingsNameTheBadVariable(t *testing.T) {
	t.Parallel()
	unparseable := []string{"SWITCHBOARD_SOURCE_MAX_BYTES", "SWITCHBOARD_FETCH_TIMEOUT", "SWITCHBOARD_FETCH_PRIVATE", "SEARCH_HYBRID_ALPHA"}
	for _, name := range unparseable {
		_, err := fromLookup(lookupFrom(map[string]string{name: "lots"}))
		require.ErrorContains(t, err, name)
	}
	invalid := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"SWITCHBOARD_SOURCE_MAX_BYTES": "10"}, "SWITCHBOARD_SOURCE_MAX_BYTES"},
		{map[string]string{"SWITCHBOARD_FETCH_TIMEOUT": "-1s"}, "SWITCHBOARD_FETCH_TIMEOUT"},
		{map[string]string{"EMBEDDINGS_BASE_URL": "localhost:11434"}, "EMBEDDINGS_BASE_URL"},
		{map[string]string{"SEARCH_HYBRID_ALPHA": "1.5"}, "SEARCH_HYBRID_ALPHA"},
	}
	for _, tc := range invalid {
		c, _ := fromLookup(lookupFrom(tc.env))
		err := c.Validate()
		require.Error(t, err, tc.want)
		require.True(t, strings.HasPrefix(err.Error(), tc.want+":"), err.Error())
	}
}
