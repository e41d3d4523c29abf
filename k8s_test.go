// Tests that keep deploy/k8s true to the code: they render the kustomization
// (its resources, namespace and image) without a cluster and check what the
// objects say against what the binary does.
package switchboard_test

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

const k8sDir = "deploy/k8s"

// k8sObject is one rendered object.
type k8sObject = map[string]any

func kindOf(o k8sObject) string { return str(o["kind"]) }
func nameOf(o k8sObject) string { return str(get(o, "metadata", "name")) }

func str(v any) string { s, _ := v.(string); return s }

// get walks nested maps by key.
func get(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

func list(v any) []any { l, _ := v.([]any); return l }

// renderK8s reads the kustomization's resources as kustomize would build
// them: every object in the kustomization's namespace, its image names
// replaced.
func renderK8s(t *testing.T) []k8sObject {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(k8sDir, "kustomization.yaml"))
	require.NoError(t, err)
	var kust struct {
		Namespace string   `yaml:"namespace"`
		Resources []string `yaml:"resources"`
		Images    []struct {
			Name    string `yaml:"name"`
			NewName string `yaml:"newName"`
			NewTag  string `yaml:"newTag"`
		} `yaml:"images"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &kust))
	require.NotEmpty(t, kust.Namespace, "deploy/k8s/kustomization.yaml: set a namespace")
	files, err := filepath.Glob(filepath.Join(k8sDir, "*.yaml"))
	require.NoError(t, err)
	for _, f := range files {
		if base := filepath.Base(f); base != "kustomization.yaml" {
			require.Contains(t, kust.Resources, base, "deploy/k8s/%s is not among the kustomization's resources", base)
		}
	}
	var objects []k8sObject
	for _, res := range kust.Resources {
		raw, err := os.ReadFile(filepath.Join(k8sDir, res))
		require.NoError(t, err, "deploy/k8s/kustomization.yaml lists %s", res)
		dec := yaml.NewDecoder(bytes.NewReader(raw))
		for {
			var o k8sObject
			err := dec.Decode(&o)
			if errors.Is(err, io.EOF) {
				break
			}
			require.NoError(t, err, "deploy/k8s/%s does not parse", res)
			require.NotEmpty(t, str(o["apiVersion"]), "deploy/k8s/%s: an object without apiVersion", res)
			require.NotEmpty(t, nameOf(o), "deploy/k8s/%s: a %s without a name", res, kindOf(o))
			if kindOf(o) != "Namespace" {
				get(o, "metadata").(map[string]any)["namespace"] = kust.Namespace
			}
			objects = append(objects, o)
		}
	}
	// The image: every container runs the kustomization's image.
	for _, o := range objects {
		for _, c := range containers(o) {
			for _, img := range kust.Images {
				if c["image"] == img.Name {
					c["image"] = img.NewName + ":" + img.NewTag
				}
			}
		}
	}
	return objects
}

// containers of a Deployment or a Job.
func containers(o k8sObject) []map[string]any {
	var out []map[string]any
	for _, c := range list(get(o, "spec", "template", "spec", "containers")) {
		out = append(out, c.(map[string]any))
	}
	return out
}

func find(objects []k8sObject, kind, name string) k8sObject {
	for _, o := range objects {
		if kindOf(o) == kind && nameOf(o) == name {
			return o
		}
	}
	return nil
}

// envOf is a container's variables: its env values and the data of the
// ConfigMaps and Secrets its envFrom names (which must exist).
func envOf(t *testing.T, objects []k8sObject, c map[string]any) map[string]string {
	t.Helper()
	env := map[string]string{}
	for _, from := range list(c["envFrom"]) {
		for kind, ref := range map[string]string{"ConfigMap": "configMapRef", "Secret": "secretRef"} {
			name := str(get(from, ref, "name"))
			if name == "" {
				continue
			}
			o := find(objects, kind, name)
			require.NotNil(t, o, "deploy/k8s: container %s reads %s %s, which is not defined", c["name"], kind, name)
			for _, field := range []string{"data", "stringData"} {
				if m, ok := o[field].(map[string]any); ok {
					for k, v := range m {
						env[k] = str(v)
					}
				}
			}
		}
	}
	for _, e := range list(c["env"]) {
		env[str(get(e, "name"))] = str(get(e, "value"))
	}
	return env
}

func TestK8sConfigurationIsConfigVariables(t *testing.T) {
	t.Parallel()
	objects := renderK8s(t)
	vars := configVariables(t)
	for _, o := range objects {
		if kindOf(o) != "ConfigMap" && kindOf(o) != "Secret" {
			continue
		}
		for _, field := range []string{"data", "stringData"} {
			m, _ := o[field].(map[string]any)
			for k := range m {
				require.True(t, vars[k], "deploy/k8s: %s %s sets %s, which package config does not read", kindOf(o), nameOf(o), k)
			}
		}
	}
	for _, o := range objects {
		for _, c := range containers(o) {
			env := envOf(t, objects, c)
			for k := range env {
				require.True(t, vars[k], "deploy/k8s: %s %s sets %s, which package config does not read", kindOf(o), nameOf(o), k)
			}
			for _, required := range []string{"DATABASE_URL", "TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "WEAVIATE_URL", "SWITCHBOARD_CODEC_KEYS"} {
				require.NotEmpty(t, env[required], "deploy/k8s: %s %s's container %s gets no %s", kindOf(o), nameOf(o), c["name"], required)
			}
			require.Equal(t, "switchboard:latest", c["image"], "deploy/k8s: %s %s should run the kustomization's image", kindOf(o), nameOf(o))
		}
	}
}

// TestK8sDeploymentsProbeWhereTheyListen checks the server's and the
// worker's probes, ports, metrics annotations, resources and autoscaling.
func TestK8sDeploymentsProbeWhereTheyListen(t *testing.T) {
	t.Parallel()
	objects := renderK8s(t)
	for name, want := range map[string]struct{ command, addrVar string }{
		"switchboard-server": {"server", "SWITCHBOARD_HTTP_ADDR"},
		"switchboard-worker": {"worker", "SWITCHBOARD_WORKER_HTTP_ADDR"},
	} {
		d := find(objects, "Deployment", name)
		require.NotNil(t, d, "deploy/k8s: no Deployment %s", name)
		cs := containers(d)
		require.Len(t, cs, 1)
		c := cs[0]
		require.Equal(t, []any{want.command}, c["args"], "deploy/k8s: %s should run `switchboard %s`", name, want.command)
		env := envOf(t, objects, c)
		host, port, err := net.SplitHostPort(env[want.addrVar])
		require.NoError(t, err, "deploy/k8s: %s's %s", name, want.addrVar)
		require.Equal(t, "0.0.0.0", host, "deploy/k8s: %s must listen on all interfaces for its probes", name)
		ports := map[string]string{}
		for _, p := range list(c["ports"]) {
			ports[str(get(p, "name"))] = strconv.Itoa(get(p, "containerPort").(int))
		}
		for probe, path := range map[string]string{"livenessProbe": "/livez", "readinessProbe": "/readyz"} {
			require.Equal(t, path, get(c, probe, "httpGet", "path"), "deploy/k8s: %s's %s", name, probe)
			require.Equal(t, port, ports[str(get(c, probe, "httpGet", "port"))], "deploy/k8s: %s's %s should probe the port of %s", name, probe, want.addrVar)
		}
		annotations := get(d, "spec", "template", "metadata", "annotations")
		require.Equal(t, port, get(annotations, "prometheus.io/port"), "deploy/k8s: %s's metrics are on %s", name, port)
		require.Equal(t, "/metrics", get(annotations, "prometheus.io/path"))
		require.NotNil(t, get(c, "resources", "requests", "cpu"), "deploy/k8s: %s requests no CPU", name)
		require.NotNil(t, get(c, "resources", "requests", "memory"), "deploy/k8s: %s requests no memory", name)
		require.NotNil(t, get(c, "resources", "limits", "memory"), "deploy/k8s: %s has no memory limit", name)
		require.Equal(t, true, get(c, "securityContext", "readOnlyRootFilesystem"))

		labels := get(d, "spec", "template", "metadata", "labels").(map[string]any)
		for k, v := range get(d, "spec", "selector", "matchLabels").(map[string]any) {
			require.Equal(t, v, labels[k], "deploy/k8s: %s's selector does not select its pods", name)
		}
		hpa := find(objects, "HorizontalPodAutoscaler", name)
		require.NotNil(t, hpa, "deploy/k8s: %s has no HorizontalPodAutoscaler", name)
		require.Equal(t, name, get(hpa, "spec", "scaleTargetRef", "name"))
		require.Equal(t, "Deployment", get(hpa, "spec", "scaleTargetRef", "kind"))
	}

	// The Service sends traffic to the server's pods, on their HTTP port.
	svc := find(objects, "Service", "switchboard-server")
	require.NotNil(t, svc)
	server := find(objects, "Deployment", "switchboard-server")
	labels := get(server, "spec", "template", "metadata", "labels").(map[string]any)
	for k, v := range get(svc, "spec", "selector").(map[string]any) {
		require.Equal(t, v, labels[k], "deploy/k8s: the Service does not select the server's pods")
	}
	target := str(get(list(get(svc, "spec", "ports"))[0], "targetPort"))
	names := []string{}
	for _, p := range list(containers(server)[0]["ports"]) {
		names = append(names, str(get(p, "name")))
	}
	require.Contains(t, names, target, "deploy/k8s: the Service's targetPort is not a port of the server")

	// The worker's grace period covers its stop timeout.
	worker := find(objects, "Deployment", "switchboard-worker")
	stop, err := time.ParseDuration(envOf(t, objects, containers(worker)[0])["SWITCHBOARD_WORKER_STOP_TIMEOUT"])
	require.NoError(t, err, "deploy/k8s: set SWITCHBOARD_WORKER_STOP_TIMEOUT for the worker")
	grace := get(worker, "spec", "template", "spec", "terminationGracePeriodSeconds").(int)
	require.Greater(t, time.Duration(grace)*time.Second, stop, "deploy/k8s: the worker's terminationGracePeriodSeconds should exceed SWITCHBOARD_WORKER_STOP_TIMEOUT")
}

func TestK8sJobsMigrateAndBootstrap(t *testing.T) {
	t.Parallel()
	objects := renderK8s(t)
	migrate := find(objects, "Job", "switchboard-migrate")
	require.NotNil(t, migrate, "deploy/k8s: no migrate Job")
	require.Equal(t, []any{"migrate"}, containers(migrate)[0]["args"])

	boot := find(objects, "Job", "switchboard-bootstrap")
	require.NotNil(t, boot, "deploy/k8s: no bootstrap Job")
	c := containers(boot)[0]
	var args []string
	for _, a := range list(c["args"]) {
		args = append(args, str(a))
	}
	require.Equal(t, []string{"workspace", "bootstrap"}, args[:2])
	i := slices.Index(args, "--out")
	require.True(t, i > 0 && i+1 < len(args), "deploy/k8s: the bootstrap Job should write the key to a file (--out)")
	dir := filepath.Dir(args[i+1])
	var volume string
	for _, m := range list(c["volumeMounts"]) {
		if str(get(m, "mountPath")) == dir {
			volume = str(get(m, "name"))
		}
	}
	require.NotEmpty(t, volume, "deploy/k8s: the bootstrap Job's --out directory %s is not a mounted volume", dir)
	for _, v := range list(get(boot, "spec", "template", "spec", "volumes")) {
		if str(get(v, "name")) == volume {
			claim := str(get(v, "persistentVolumeClaim", "claimName"))
			require.NotNil(t, find(objects, "PersistentVolumeClaim", claim), "deploy/k8s: no PersistentVolumeClaim %s", claim)
		}
	}
	for _, job := range []k8sObject{migrate, boot} {
		policy := get(job, "spec", "template", "spec", "restartPolicy")
		require.Contains(t, []any{"OnFailure", "Never"}, policy, "deploy/k8s: Job %s's restartPolicy", nameOf(job))
	}

	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	require.True(t, strings.Contains(string(readme), "deploy/k8s"), "README.md should say how to use deploy/k8s")
}
