package config

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// selfSigned returns a PEM certificate and its PEM key.
func selfSigned(t *testing.T) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "switchboard-test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	keyDER, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
}

func TestOperationsDefaults(t *testing.T) {
	t.Parallel()
	c, err := fromLookup(lookupFrom(nil))
	require.NoError(t, err)
	require.False(t, c.Ops.Temporal.Enabled())
	tlsCfg, err := c.Ops.Temporal.TLSConfig()
	require.NoError(t, err)
	require.Nil(t, tlsCfg)
	require.Equal(t, "text", c.Ops.LogFormat)
	require.Equal(t, 10*time.Second, c.Ops.Worker.StopTimeout)
	require.False(t, c.Ops.SkipSearchAttributes)
}

func TestTemporalCloudSettings(t *testing.T) {
	t.Parallel()
	cert, key := selfSigned(t)
	dir := t.TempDir()
	certPath, keyPath := filepath.Join(dir, "client.pem"), filepath.Join(dir, "client.key")
	require.NoError(t, os.WriteFile(certPath, cert, 0o600))
	require.NoError(t, os.WriteFile(keyPath, key, 0o600))

	c, err := fromLookup(lookupFrom(map[string]string{
		"TEMPORAL_ADDRESS":                   "acme.a1b2c.tmprl.cloud:7233",
		"TEMPORAL_TLS_CLIENT_CERT_PATH":      certPath,
		"TEMPORAL_TLS_CLIENT_KEY_PATH":       keyPath,
		"TEMPORAL_TLS_SERVER_CA_CERT_DATA":   string(cert),
		"TEMPORAL_TLS_SERVER_NAME":           "acme.a1b2c.tmprl.cloud",
		"SWITCHBOARD_SKIP_SEARCH_ATTRIBUTES": "true",
	}))
	require.NoError(t, err)
	require.NoError(t, c.Validate())
	require.True(t, c.Ops.Temporal.Enabled(), "a client certificate turns TLS on")
	require.True(t, c.Ops.SkipSearchAttributes)
	tlsCfg, err := c.Ops.Temporal.TLSConfig()
	require.NoError(t, err)
	require.Len(t, tlsCfg.Certificates, 1)
	require.NotNil(t, tlsCfg.RootCAs)
	require.Equal(t, "acme.a1b2c.tmprl.cloud", tlsCfg.ServerName)
	require.False(t, tlsCfg.InsecureSkipVerify)

	// An API key alone turns TLS on too, with the system's roots.
	c, err = fromLookup(lookupFrom(map[string]string{"TEMPORAL_API_KEY": "key-123"}))
	require.NoError(t, err)
	require.NoError(t, c.Validate())
	tlsCfg, err = c.Ops.Temporal.TLSConfig()
	require.NoError(t, err)
	require.NotNil(t, tlsCfg)
	require.Nil(t, tlsCfg.RootCAs)
	require.Empty(t, tlsCfg.Certificates)
}

func TestOperationsErrorsNameTheVariable(t *testing.T) {
	t.Parallel()
	cert, key := selfSigned(t)
	parse := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"TEMPORAL_TLS": "yes please"}, "TEMPORAL_TLS:"},
		{map[string]string{"TEMPORAL_TLS_CLIENT_CERT_PATH": "/nonexistent/cert.pem"}, "TEMPORAL_TLS_CLIENT_CERT_PATH:"},
		{map[string]string{"TEMPORAL_TLS_SERVER_CA_CERT_PATH": "/x", "TEMPORAL_TLS_SERVER_CA_CERT_DATA": "y"}, "TEMPORAL_TLS_SERVER_CA_CERT_DATA, TEMPORAL_TLS_SERVER_CA_CERT_PATH: set one"},
		{map[string]string{"SWITCHBOARD_WORKER_STICKY_CACHE_SIZE": "many"}, "SWITCHBOARD_WORKER_STICKY_CACHE_SIZE:"},
		{map[string]string{"SWITCHBOARD_WORKER_STOP_TIMEOUT": "soon"}, "SWITCHBOARD_WORKER_STOP_TIMEOUT:"},
		{map[string]string{"SWITCHBOARD_SKIP_SEARCH_ATTRIBUTES": "maybe"}, "SWITCHBOARD_SKIP_SEARCH_ATTRIBUTES:"},
	}
	for _, tc := range parse {
		_, err := fromLookup(lookupFrom(tc.env))
		require.ErrorContains(t, err, tc.want)
	}
	invalid := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"TEMPORAL_TLS_CLIENT_CERT_DATA": string(cert)}, "set both or neither"},
		{map[string]string{"TEMPORAL_TLS_CLIENT_CERT_DATA": string(cert), "TEMPORAL_TLS_CLIENT_KEY_DATA": "not a key"}, "TEMPORAL_TLS_CLIENT_KEY_*"},
		{map[string]string{"TEMPORAL_TLS_SERVER_CA_CERT_DATA": "not pem"}, "TEMPORAL_TLS_SERVER_CA_CERT_*: no PEM certificate"},
		{map[string]string{"TEMPORAL_TLS": "false", "TEMPORAL_API_KEY": "k"}, "TEMPORAL_TLS: false"},
		{map[string]string{"TEMPORAL_TLS": "false", "TEMPORAL_TLS_CLIENT_CERT_DATA": string(cert), "TEMPORAL_TLS_CLIENT_KEY_DATA": string(key)}, "TEMPORAL_TLS: false"},
		{map[string]string{"SWITCHBOARD_WORKER_HTTP_ADDR": "8089"}, "SWITCHBOARD_WORKER_HTTP_ADDR:"},
		{map[string]string{"SWITCHBOARD_WORKER_MAX_CONCURRENT_ACTIVITIES": "-1"}, "SWITCHBOARD_WORKER_MAX_CONCURRENT_ACTIVITIES:"},
		{map[string]string{"SWITCHBOARD_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS": "1"}, "SWITCHBOARD_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: must be at least 2"},
		{map[string]string{"SWITCHBOARD_WORKER_POLLERS": "1"}, "SWITCHBOARD_WORKER_POLLERS:"},
		{map[string]string{"SWITCHBOARD_LOG_FORMAT": "xml"}, "SWITCHBOARD_LOG_FORMAT:"},
		{map[string]string{"SWITCHBOARD_WIDGET_ORIGINS": "https://shop.example/"}, "SWITCHBOARD_WIDGET_ORIGINS:"},
	}
	for _, tc := range invalid {
		c, err := fromLookup(lookupFrom(tc.env))
		require.NoError(t, err, tc.env)
		require.ErrorContains(t, c.Validate(), tc.want, tc.env)
	}
}

func TestWorkerTuningAndLogs(t *testing.T) {
	t.Parallel()
	c, err := fromLookup(lookupFrom(map[string]string{
		"SWITCHBOARD_WORKER_HTTP_ADDR":                     "0.0.0.0:8089",
		"SWITCHBOARD_WORKER_MAX_CONCURRENT_ACTIVITIES":     "50",
		"SWITCHBOARD_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS": "20",
		"SWITCHBOARD_WORKER_STICKY_CACHE_SIZE":             "2048",
		"SWITCHBOARD_WORKER_POLLERS":                       "8",
		"SWITCHBOARD_WORKER_STOP_TIMEOUT":                  "45s",
		"SWITCHBOARD_LOG_FORMAT":                           "json",
		"SWITCHBOARD_WIDGET_ORIGINS":                       "https://shop.example, http://localhost:3000",
	}))
	require.NoError(t, err)
	require.NoError(t, c.Validate())
	require.Equal(t, WorkerTuning{
		HTTPAddr: "0.0.0.0:8089", MaxConcurrentActivities: 50, MaxConcurrentWorkflowTasks: 20,
		StickyCacheSize: 2048, Pollers: 8, StopTimeout: 45 * time.Second,
	}, c.Ops.Worker)
	require.Equal(t, "json", c.Ops.LogFormat)
	require.Equal(t, []string{"https://shop.example", "http://localhost:3000"}, c.Ops.WidgetOrigins)
}
