package config

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func lookupFrom(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

func TestDefaultsAreValid(t *testing.T) {
	t.Parallel()
	c, err := fromLookup(lookupFrom(nil))
	require.NoError(t, err)
	require.NoError(t, c.Validate())
	require.Equal(t, "127.0.0.1:8088", c.HTTPAddr)
	require.Equal(t, ".switchboard", c.DataDir)
	require.Equal(t, "sqlite:.switchboard/switchboard.db", c.EffectiveDatabaseURL())
	require.False(t, c.IsSet("TEMPORAL_ADDRESS"))
	require.ErrorContains(t, c.ValidateProduction(), "DATABASE_URL")
}

func TestEnvironmentOverrides(t *testing.T) {
	t.Parallel()
	c, err := fromLookup(lookupFrom(map[string]string{
		"TEMPORAL_ADDRESS": "temporal:7233", "LLM_TIMEOUT": "5s", "SWITCHBOARD_MAX_BODY_BYTES": "2048",
		"DATABASE_URL": "postgres://u@db/x", "SWITCHBOARD_DEV_WEAVIATE_PORT": "9000",
	}))
	require.NoError(t, err)
	require.NoError(t, c.ValidateProduction())
	require.Equal(t, "temporal:7233", c.TemporalAddress)
	require.True(t, c.IsSet("TEMPORAL_ADDRESS"))
	require.Equal(t, 5*time.Second, c.LLMTimeout)
	require.EqualValues(t, 2048, c.MaxBodyBytes)
	require.Equal(t, 9000, c.DevWeaviatePort)
}

func TestUnparseableVariablesAreNamed(t *testing.T) {
	t.Parallel()
	_, err := fromLookup(lookupFrom(map[string]string{"LLM_TIMEOUT": "soon", "SWITCHBOARD_DEV_TEMPORAL_PORT": "x"}))
	require.ErrorContains(t, err, "LLM_TIMEOUT")
	require.ErrorContains(t, err, "SWITCHBOARD_DEV_TEMPORAL_PORT")
}

func TestValidateNamesTheBadField(t *testing.T) {
	t.Parallel()
	cases := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"SWITCHBOARD_HTTP_ADDR": "8088"}, "SWITCHBOARD_HTTP_ADDR"},
		{map[string]string{"TEMPORAL_ADDRESS": "nohost"}, "TEMPORAL_ADDRESS"},
		{map[string]string{"WEAVIATE_URL": "ftp://x"}, "WEAVIATE_URL"},
		{map[string]string{"LLM_BASE_URL": "not a url"}, "LLM_BASE_URL"},
		{map[string]string{"LLM_TIMEOUT": "-1s"}, "LLM_TIMEOUT"},
		{map[string]string{"SWITCHBOARD_MAX_BODY_BYTES": "10"}, "SWITCHBOARD_MAX_BODY_BYTES"},
		{map[string]string{"SWITCHBOARD_LOG_LEVEL": "loud"}, "SWITCHBOARD_LOG_LEVEL"},
		{map[string]string{"DATABASE_URL": "mysql://x"}, "DATABASE_URL"},
		{map[string]string{"DATABASE_URL": "sqlite:"}, "DATABASE_URL"},
		{map[string]string{"SWITCHBOARD_DEV_WEAVIATE_PORT": "70000"}, "SWITCHBOARD_DEV_WEAVIATE_PORT"},
	}
	for _, tc := range cases {
		t.Run(tc.want+"="+strings.Join(values(tc.env), ","), func(t *testing.T) {
			t.Parallel()
			c, _ := fromLookup(lookupFrom(tc.env))
			err := c.Validate()
			require.Error(t, err)
			require.True(t, strings.HasPrefix(err.Error(), tc.want+":"), err.Error())
		})
	}
}

func values(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func TestParseDatabaseURL(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, kind, dsn string }{
		{"postgres://u@h/db", DatabasePostgres, "postgres://u@h/db"},
		{"postgresql://u@h/db", DatabasePostgres, "postgresql://u@h/db"},
		{"host=h dbname=db", DatabasePostgres, "host=h dbname=db"},
		{"sqlite:/tmp/x.db", DatabaseSQLite, "/tmp/x.db"},
		{"sqlite://rel/x.db", DatabaseSQLite, "rel/x.db"},
	}
	for _, tc := range cases {
		kind, dsn, err := ParseDatabaseURL(tc.in)
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.kind, kind, tc.in)
		require.Equal(t, tc.dsn, dsn, tc.in)
	}
}
