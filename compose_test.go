// Tests that keep docker-compose.yml, the Dockerfile and .dockerignore true to
// the code: the variables config reads, the versions devstack pins, the ports
// of `switchboard dev`, the addresses between services and the search
// attributes. No Docker engine runs them; they parse the files.
package switchboard_test

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/switchboardhq/switchboard/config"
	"github.com/switchboardhq/switchboard/devstack"
	"github.com/switchboardhq/switchboard/workflows"
)

// temporalServerForCLI maps a devstack.TemporalCLI version to the Temporal
// server version that CLI embeds, which docker-compose.yml must run too.
// Bumping the CLI fails TestComposeImagesAndPorts until this map and the
// compose file follow.
var temporalServerForCLI = map[string]string{
	"v1.5.1": "1.29.1",
}

// The services docker-compose.yml must define.
const (
	svcPostgres = "postgresql"
	svcTemporal = "temporal"
	// svcTemporalSchema creates and upgrades Temporal's databases, and
	// svcTemporalNamespace creates the namespace, each once.
	svcTemporalSchema    = "temporal-schema"
	svcTemporalNamespace = "temporal-namespace"
	svcTemporalUI        = "temporal-ui"
	svcWeaviate          = "weaviate"
	svcMigrate           = "migrate"
	svcBootstrap         = "bootstrap"
	svcServer            = "server"
	svcWorker            = "worker"
)

// switchboardServices run the image the Dockerfile builds.
var switchboardServices = []string{svcMigrate, svcBootstrap, svcServer, svcWorker}

// composeFile is the part of docker-compose.yml the tests read. Environment
// must be written as a map, depends_on in its long form, ports in the short
// form and commands as lists.
type composeFile struct {
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
}

type composeService struct {
	Image       string            `yaml:"image"`
	Build       string            `yaml:"build"`
	Entrypoint  []string          `yaml:"entrypoint"`
	Command     []string          `yaml:"command"`
	Environment map[string]string `yaml:"environment"`
	Ports       []string          `yaml:"ports"`
	Volumes     []string          `yaml:"volumes"`
	DependsOn   map[string]struct {
		Condition string `yaml:"condition"`
	} `yaml:"depends_on"`
	Healthcheck *struct {
		Test []string `yaml:"test"`
	} `yaml:"healthcheck"`
	Restart string `yaml:"restart"`
}

// testBundle is docker-compose.yml, raw and parsed, and the variables config
// reads.
type testBundle struct {
	raw        string
	compose    composeFile
	configVars map[string]bool
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	raw, err := os.ReadFile("docker-compose.yml")
	require.NoError(t, err)
	var c composeFile
	require.NoError(t, yaml.Unmarshal(raw, &c), "docker-compose.yml does not parse")
	for _, name := range []string{svcPostgres, svcTemporalSchema, svcTemporal, svcTemporalNamespace, svcTemporalUI, svcWeaviate, svcMigrate, svcBootstrap, svcServer, svcWorker} {
		require.Contains(t, c.Services, name, "docker-compose.yml: service %q is missing", name)
	}
	return &testBundle{raw: string(raw), compose: c, configVars: configVariables(t)}
}

// service returns the named service.
func (b *testBundle) service(name string) composeService { return b.compose.Services[name] }

// env returns a variable of a service with compose's interpolation applied.
func (b *testBundle) env(t *testing.T, service, name string) string {
	t.Helper()
	v, ok := b.service(service).Environment[name]
	require.True(t, ok, "docker-compose.yml: %s does not set %s", service, name)
	return interpolate(v)
}

// configVariables returns the environment variables config.FromEnv reads: the
// string literals that are a variable's name passed as arguments to a call
// (str, integer, lookup, get, pem) in package config's non-test files
// (fromLookup in config.go and the read* functions it calls).
func configVariables(t *testing.T) map[string]bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("config", "*.go"))
	require.NoError(t, err)
	isName := regexp.MustCompile(`^[A-Z][A-Z0-9_]+$`)
	vars := map[string]bool{}
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		require.NoError(t, err)
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			for _, arg := range call.Args {
				lit, ok := arg.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					continue
				}
				if name, err := strconv.Unquote(lit.Value); err == nil && isName.MatchString(name) {
					vars[name] = true
				}
			}
			return true
		})
	}
	// Guards the extraction itself: if fromLookup changes shape, say so
	// rather than letting every check below pass or fail for the wrong reason.
	for _, name := range []string{"DATABASE_URL", "TEMPORAL_ADDRESS", "WEAVIATE_URL", "SWITCHBOARD_HTTP_ADDR", "LLM_TIMEOUT", "TEMPORAL_TLS_CLIENT_CERT_PATH"} {
		require.True(t, vars[name], "found no %s in package config: has it changed how it reads variables?", name)
	}
	return vars
}

// interpolate applies compose's variable substitution as it would happen
// with none of the variables set: ${X:-default} and ${X-default} become the
// default, ${X} and $X become empty, $$ is a literal $. ${X:?message} and
// ${X?message}, which stop compose when X is unset, become empty.
func interpolate(s string) string {
	const dollar = "\x00"
	s = strings.ReplaceAll(s, "$$", dollar)
	s = regexp.MustCompile(`\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-([^}]*)|:?\?[^}]*)?\}|\$[A-Za-z_][A-Za-z0-9_]*`).
		ReplaceAllString(s, "$1")
	return strings.ReplaceAll(s, dollar, "$")
}

// portMapping is one entry of a service's ports, in short syntax:
// [IP:]HOST:CONTAINER[/PROTOCOL].
type portMapping struct {
	HostIP          string
	Host, Container int
}

func ports(t *testing.T, b *testBundle, service string) []portMapping {
	t.Helper()
	var out []portMapping
	for _, spec := range b.service(service).Ports {
		s, _, _ := strings.Cut(interpolate(spec), "/")
		parts := strings.Split(s, ":")
		require.Contains(t, []int{2, 3}, len(parts), "docker-compose.yml: %s: port %q is not [IP:]HOST:CONTAINER", service, spec)
		var p portMapping
		if len(parts) == 3 {
			p.HostIP, parts = parts[0], parts[1:]
		}
		var err error
		p.Host, err = strconv.Atoi(parts[0])
		require.NoError(t, err, "docker-compose.yml: %s: host port of %q", service, spec)
		p.Container, err = strconv.Atoi(parts[1])
		require.NoError(t, err, "docker-compose.yml: %s: container port of %q", service, spec)
		out = append(out, p)
	}
	return out
}

// publishedPort returns the one port mapping of a service.
func publishedPort(t *testing.T, b *testBundle, service string) portMapping {
	t.Helper()
	ps := ports(t, b, service)
	require.Len(t, ps, 1, "docker-compose.yml: %s should publish exactly one port", service)
	return ps[0]
}

func TestComposeSetsOnlyConfigVariables(t *testing.T) {
	t.Parallel()
	b := setup(t)

	for _, name := range switchboardServices {
		for v := range b.service(name).Environment {
			require.True(t, b.configVars[v], "docker-compose.yml: %s sets %s, which config/config.go does not read", name, v)
		}
	}
	for _, name := range switchboardServices {
		for _, v := range []string{"DATABASE_URL", "TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "WEAVIATE_URL", "WEAVIATE_API_KEY"} {
			require.NotEmpty(t, b.env(t, name, v), "docker-compose.yml: %s sets %s empty", name, v)
		}
	}
	require.NotEmpty(t, b.env(t, svcServer, "SWITCHBOARD_HTTP_ADDR"))
	// The LLM is optional and comes from the host: empty by default.
	for _, name := range []string{svcServer, svcWorker} {
		for _, v := range []string{"LLM_BASE_URL", "LLM_API_KEY", "LLM_MODEL"} {
			require.Contains(t, b.service(name).Environment[v], "${"+v+":-}", "docker-compose.yml: %s should pass %s through from the host, empty by default", name, v)
		}
	}
}

func TestComposeImagesAndPorts(t *testing.T) {
	t.Parallel()
	b := setup(t)

	weaviate := "cr.weaviate.io/semitechnologies/weaviate:" + strings.TrimPrefix(devstack.WeaviateServer.Version, "v")
	require.Equal(t, weaviate, b.service(svcWeaviate).Image, "docker-compose.yml: weaviate should run the version devstack.WeaviateServer pins")

	server, ok := temporalServerForCLI[devstack.TemporalCLI.Version]
	require.True(t, ok, "devstack.TemporalCLI is %s: add the Temporal server version it embeds to temporalServerForCLI and update docker-compose.yml", devstack.TemporalCLI.Version)
	require.Equal(t, "temporalio/server:"+server, b.service(svcTemporal).Image, "docker-compose.yml: temporal should run the server Temporal CLI %s embeds", devstack.TemporalCLI.Version)
	for _, name := range []string{svcTemporalSchema, svcTemporalNamespace} {
		require.True(t, strings.HasPrefix(b.service(name).Image, "temporalio/admin-tools:"+server+"-"),
			"docker-compose.yml: %s should run the admin-tools of Temporal %s", name, server)
	}
	require.NotContains(t, b.raw, "temporalio/auto-setup", "docker-compose.yml: temporalio/auto-setup is deprecated")
	require.True(t, strings.HasPrefix(b.service(svcTemporalUI).Image, "temporalio/ui:"), "docker-compose.yml: temporal-ui should run temporalio/ui")
	require.True(t, strings.HasPrefix(b.service(svcPostgres).Image, "postgres:"), "docker-compose.yml: postgresql should run the official postgres image")

	// The host ports are those of `switchboard dev`, so URLs in the README and
	// in people's heads work with either.
	dev := config.Default()
	_, apiPort, err := net.SplitHostPort(dev.HTTPAddr)
	require.NoError(t, err)
	for _, c := range []struct {
		service         string
		host, container int
	}{
		{svcServer, mustAtoi(t, apiPort), mustAtoi(t, apiPort)},
		{svcTemporal, dev.DevTemporalPort, 7233},
		{svcTemporalUI, dev.DevTemporalUIPort, 8080},
		{svcWeaviate, dev.DevWeaviatePort, 8080},
	} {
		p := publishedPort(t, b, c.service)
		require.Equal(t, c.host, p.Host, "docker-compose.yml: %s should be on host port %d", c.service, c.host)
		require.Equal(t, c.container, p.Container, "docker-compose.yml: %s listens on container port %d", c.service, c.container)
	}
}

func TestComposeAddressesPointAtServices(t *testing.T) {
	t.Parallel()
	b := setup(t)

	// The server listens on all interfaces, on the port it publishes.
	host, port, err := net.SplitHostPort(b.env(t, svcServer, "SWITCHBOARD_HTTP_ADDR"))
	require.NoError(t, err, "docker-compose.yml: server's SWITCHBOARD_HTTP_ADDR")
	require.Contains(t, []string{"", "0.0.0.0"}, host, "docker-compose.yml: the server must listen on all interfaces to be reachable through its published port")
	require.Equal(t, publishedPort(t, b, svcServer).Container, mustAtoi(t, port), "docker-compose.yml: SWITCHBOARD_HTTP_ADDR's port is not the server's published container port")

	weaviatePort := publishedPort(t, b, svcWeaviate).Container
	command := b.service(svcWeaviate).Command
	i := slices.Index(command, "--port")
	require.True(t, i >= 0 && i+1 < len(command), "docker-compose.yml: weaviate's command should set --port")
	require.Equal(t, strconv.Itoa(weaviatePort), command[i+1], "docker-compose.yml: weaviate's --port is not its published container port")
	temporalPort := publishedPort(t, b, svcTemporal).Container

	for _, name := range switchboardServices {
		u, err := url.Parse(b.env(t, name, "WEAVIATE_URL"))
		require.NoError(t, err)
		require.Equal(t, svcWeaviate, u.Hostname(), "docker-compose.yml: %s's WEAVIATE_URL should name the weaviate service", name)
		require.Equal(t, strconv.Itoa(weaviatePort), u.Port(), "docker-compose.yml: %s's WEAVIATE_URL port", name)
		require.Equal(t, b.env(t, svcWeaviate, "AUTHENTICATION_APIKEY_ALLOWED_KEYS"), b.env(t, name, "WEAVIATE_API_KEY"),
			"docker-compose.yml: %s's WEAVIATE_API_KEY is not a key Weaviate allows", name)

		host, port, err := net.SplitHostPort(b.env(t, name, "TEMPORAL_ADDRESS"))
		require.NoError(t, err, "docker-compose.yml: %s's TEMPORAL_ADDRESS", name)
		require.Equal(t, svcTemporal, host, "docker-compose.yml: %s's TEMPORAL_ADDRESS should name the temporal service", name)
		require.Equal(t, strconv.Itoa(temporalPort), port, "docker-compose.yml: %s's TEMPORAL_ADDRESS port", name)

		raw := b.env(t, name, "DATABASE_URL")
		kind, _, err := config.ParseDatabaseURL(raw)
		require.NoError(t, err)
		require.Equal(t, config.DatabasePostgres, kind, "docker-compose.yml: %s's DATABASE_URL", name)
		db, err := url.Parse(raw)
		require.NoError(t, err)
		password, _ := db.User.Password()
		require.Equal(t, svcPostgres, db.Hostname(), "docker-compose.yml: %s's DATABASE_URL should name the postgresql service", name)
		require.Equal(t, "5432", db.Port(), "docker-compose.yml: %s's DATABASE_URL port", name)
		require.Equal(t, b.env(t, svcPostgres, "POSTGRES_USER"), db.User.Username(), "docker-compose.yml: %s's DATABASE_URL user", name)
		require.Equal(t, b.env(t, svcPostgres, "POSTGRES_PASSWORD"), password, "docker-compose.yml: %s's DATABASE_URL password", name)
		require.Equal(t, "/"+b.env(t, svcPostgres, "POSTGRES_DB"), db.Path, "docker-compose.yml: %s's DATABASE_URL database is not the one postgresql creates", name)
	}

	// Temporal keeps its own databases on the same server, as the same user.
	require.Equal(t, svcPostgres, b.env(t, svcTemporal, "POSTGRES_SEEDS"))
	require.Equal(t, "5432", b.env(t, svcTemporal, "DB_PORT"))
	require.Equal(t, b.env(t, svcPostgres, "POSTGRES_USER"), b.env(t, svcTemporal, "POSTGRES_USER"))
	require.Equal(t, b.env(t, svcPostgres, "POSTGRES_PASSWORD"), b.env(t, svcTemporal, "POSTGRES_PWD"))
	require.Equal(t, net.JoinHostPort(svcTemporal, strconv.Itoa(temporalPort)), b.env(t, svcTemporalUI, "TEMPORAL_ADDRESS"))
}

// TestComposeEncryptsHistories checks that histories are encrypted with a key
// the host must provide (the file holds none), and that the Temporal UI
// reaches the codec server as the browser sees it, from an origin the server
// allows, on the same host name (the sign-in is a SameSite cookie).
func TestComposeEncryptsHistories(t *testing.T) {
	t.Parallel()
	b := setup(t)

	required := regexp.MustCompile(`^\$\{SWITCHBOARD_CODEC_KEYS:\?[^}]+\}$`)
	for _, name := range switchboardServices {
		keys := b.service(name).Environment["SWITCHBOARD_CODEC_KEYS"]
		require.Regexp(t, required, keys, "docker-compose.yml: %s should require SWITCHBOARD_CODEC_KEYS from the host, with no default key", name)
		require.Equal(t, "${SWITCHBOARD_CODEC_KEY_ID:-}", b.service(name).Environment["SWITCHBOARD_CODEC_KEY_ID"],
			"docker-compose.yml: %s should pass SWITCHBOARD_CODEC_KEY_ID through from the host", name)
	}

	server := publishedPort(t, b, svcServer)
	endpoint, err := url.Parse(b.env(t, svcTemporalUI, "TEMPORAL_CODEC_ENDPOINT"))
	require.NoError(t, err)
	require.Equal(t, "http", endpoint.Scheme)
	require.Equal(t, strconv.Itoa(server.Host), endpoint.Port(), "docker-compose.yml: TEMPORAL_CODEC_ENDPOINT should be the server's published port")
	require.Equal(t, "/codec", endpoint.Path, "docker-compose.yml: TEMPORAL_CODEC_ENDPOINT should be the server's /codec")
	require.Equal(t, "true", b.env(t, svcTemporalUI, "TEMPORAL_CODEC_INCLUDE_CREDENTIALS"),
		"docker-compose.yml: the UI should send the codec server's session cookie")
	serverGo, err := os.ReadFile(filepath.Join("server", "server.go"))
	require.NoError(t, err)
	require.Contains(t, string(serverGo), `r.POST("/codec/:op"`, "the API no longer serves the codec server at /codec")

	origins := config.Default().CodecOrigins
	if v, ok := b.service(svcServer).Environment["SWITCHBOARD_CODEC_ORIGINS"]; ok {
		origins = strings.Split(interpolate(v), ",")
	}
	ui := "http://" + net.JoinHostPort(endpoint.Hostname(), strconv.Itoa(publishedPort(t, b, svcTemporalUI).Host))
	require.Contains(t, origins, ui, "docker-compose.yml: the server's SWITCHBOARD_CODEC_ORIGINS should allow the Temporal UI at %s", ui)
}

func TestComposeDependencies(t *testing.T) {
	t.Parallel()
	b := setup(t)

	for name, s := range b.compose.Services {
		for dep, d := range s.DependsOn {
			require.Contains(t, b.compose.Services, dep, "docker-compose.yml: %s depends on unknown service %s", name, dep)
			switch d.Condition {
			case "service_healthy":
				require.NotNil(t, b.service(dep).Healthcheck, "docker-compose.yml: %s waits for %s to be healthy, which has no healthcheck", name, dep)
			case "service_completed_successfully":
				require.Contains(t, []string{"", "no", "on-failure"}, b.service(dep).Restart, "docker-compose.yml: %s waits for %s to exit, which restarts forever", name, dep)
			case "service_started":
			default:
				require.Failf(t, "unknown depends_on condition", "docker-compose.yml: %s depends on %s with condition %q", name, dep, d.Condition)
			}
		}
	}
	for _, name := range []string{svcServer, svcWorker} {
		require.Equal(t, "service_completed_successfully", b.service(name).DependsOn[svcMigrate].Condition,
			"docker-compose.yml: %s should start only after migrate has succeeded", name)
	}
	for _, dep := range []string{svcPostgres, svcWeaviate} {
		require.Equal(t, "service_healthy", b.service(svcMigrate).DependsOn[dep].Condition,
			"docker-compose.yml: migrate connects to %s, so it should wait for it to be healthy", dep)
	}
	require.Equal(t, "service_completed_successfully", b.service(svcTemporal).DependsOn[svcTemporalSchema].Condition,
		"docker-compose.yml: temporal should start once its databases have their schema")
	require.Equal(t, "service_healthy", b.service(svcTemporalNamespace).DependsOn[svcTemporal].Condition)
}

// TestComposeRegistersSearchAttributes checks the mechanism docker-compose.yml
// uses: a one-shot `switchboard migrate` in the namespace the server and
// worker use, which calls app.RegisterSearchAttributes; and that the comment
// listing the attributes is true.
func TestComposeRegistersSearchAttributes(t *testing.T) {
	t.Parallel()
	b := setup(t)

	require.Equal(t, []string{"migrate"}, b.service(svcMigrate).Command, "docker-compose.yml: the migrate service should run `switchboard migrate`")
	for _, name := range []string{svcServer, svcWorker} {
		require.Equal(t, b.env(t, svcMigrate, "TEMPORAL_NAMESPACE"), b.env(t, name, "TEMPORAL_NAMESPACE"),
			"docker-compose.yml: migrate registers the search attributes in another namespace than %s uses", name)
	}
	// The namespace is the one temporal-namespace creates, which migrate
	// waits for.
	namespace := b.env(t, svcMigrate, "TEMPORAL_NAMESPACE")
	require.Equal(t, b.env(t, svcTemporalNamespace, "TEMPORAL_NAMESPACE"), namespace,
		"docker-compose.yml: TEMPORAL_NAMESPACE is not the namespace temporal-namespace creates")
	require.Contains(t, strings.Join(b.service(svcTemporalNamespace).Command, " "), "operator namespace create",
		"docker-compose.yml: temporal-namespace should create the namespace")
	require.Equal(t, "service_completed_successfully", b.service(svcMigrate).DependsOn[svcTemporalNamespace].Condition,
		"docker-compose.yml: migrate registers search attributes, so it should wait for the namespace to exist")
	require.True(t, callsIn(t, "app", "RunMigrate", "Prepare") && callsIn(t, "app", "Prepare", "RegisterSearchAttributes"),
		"app.RunMigrate no longer calls RegisterSearchAttributes (through Deps.Prepare): register the search attributes in docker-compose.yml another way")

	for _, sa := range workflows.SearchAttributes() {
		line := regexp.MustCompile(`(?m)^\s*#\s+` + regexp.QuoteMeta(sa.Name) + `\s+` + regexp.QuoteMeta(sa.Type) + `\s*$`)
		require.True(t, line.MatchString(b.raw), "docker-compose.yml: the migrate service's comment should list search attribute %s %s", sa.Name, sa.Type)
	}
}

// callsIn reports whether function fn, declared in a non-test file of
// package directory dir, calls a function named callee.
func callsIn(t *testing.T, dir, fn, callee string) bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	require.NoError(t, err)
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		require.NoError(t, err)
		for _, decl := range f.Decls {
			d, ok := decl.(*ast.FuncDecl)
			if !ok || d.Name.Name != fn || d.Body == nil {
				continue
			}
			found := false
			ast.Inspect(d.Body, func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok {
					switch f := call.Fun.(type) {
					case *ast.Ident:
						found = found || f.Name == callee
					case *ast.SelectorExpr:
						found = found || f.Sel.Name == callee
					}
				}
				return !found
			})
			return found
		}
	}
	require.Failf(t, "function not found", "no func %s in %s", fn, dir)
	return false
}

// dockerInstruction is one instruction of a Dockerfile, continuation lines joined.
type dockerInstruction struct {
	Op   string // upper case: FROM, RUN, …
	Args string
}

// dockerStage is one FROM and the instructions after it.
type dockerStage struct {
	Image, Name  string
	Instructions []dockerInstruction
}

func dockerStages(t *testing.T) []dockerStage {
	t.Helper()
	raw, err := os.ReadFile("Dockerfile")
	require.NoError(t, err)
	var stages []dockerStage
	var pending string
	for line := range strings.Lines(string(raw)) {
		line = strings.TrimSpace(line)
		if pending == "" && (line == "" || strings.HasPrefix(line, "#")) {
			continue
		}
		if strings.HasSuffix(line, `\`) {
			pending += strings.TrimSuffix(line, `\`) + " "
			continue
		}
		line, pending = pending+line, ""
		op, args, _ := strings.Cut(line, " ")
		in := dockerInstruction{Op: strings.ToUpper(op), Args: strings.TrimSpace(args)}
		if in.Op == "FROM" {
			f := strings.Fields(in.Args)
			s := dockerStage{Image: f[0]}
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				s.Name = f[2]
			}
			stages = append(stages, s)
			continue
		}
		require.NotEmpty(t, stages, "Dockerfile: %s before the first FROM", in.Op)
		stages[len(stages)-1].Instructions = append(stages[len(stages)-1].Instructions, in)
	}
	require.GreaterOrEqual(t, len(stages), 2, "Dockerfile: expected a builder stage and a final stage")
	return stages
}

func TestDockerfileBuildsSwitchboard(t *testing.T) {
	t.Parallel()
	b := setup(t)
	stages := dockerStages(t)
	builder, final := stages[0], stages[len(stages)-1]

	// The builder's Go is the one go.mod asks for.
	repo, tag, _ := strings.Cut(builder.Image, ":")
	require.Equal(t, "golang", repo, "Dockerfile: the builder stage should be an official golang image")
	goMod, err := os.ReadFile("go.mod")
	require.NoError(t, err)
	want := regexp.MustCompile(`(?m)^go (\d+\.\d+)(?:\.(\d+))?\s*$`).FindStringSubmatch(string(goMod))
	require.NotNil(t, want, "go.mod has no go directive")
	have := regexp.MustCompile(`^(\d+\.\d+)(?:\.(\d+))?`).FindStringSubmatch(tag)
	require.NotNil(t, have, "Dockerfile: builder image %s has no Go version tag", builder.Image)
	require.Equal(t, want[1], have[1], "Dockerfile: builder image %s is not the Go go.mod asks for (go %s)", builder.Image, want[1])
	if have[2] != "" && want[2] != "" {
		require.GreaterOrEqual(t, mustAtoi(t, have[2]), mustAtoi(t, want[2]), "Dockerfile: builder image %s is older than go.mod's go directive", builder.Image)
	}

	// It builds ./cmd/switchboard to /switchboard, which the final stage runs.
	builds := slices.ContainsFunc(builder.Instructions, func(in dockerInstruction) bool {
		return in.Op == "RUN" && strings.Contains(in.Args, "go build") &&
			strings.Contains(in.Args, "-o /switchboard") && strings.HasSuffix(in.Args, "./cmd/switchboard")
	})
	require.True(t, builds, "Dockerfile: the builder stage should `go build -o /switchboard ./cmd/switchboard`")
	require.Contains(t, final.Instructions, dockerInstruction{"COPY", "--from=" + builder.Name + " /switchboard /switchboard"},
		"Dockerfile: the final stage should copy /switchboard from the builder")
	var entrypoint []string
	for _, in := range final.Instructions {
		switch in.Op {
		case "ENTRYPOINT":
			require.NoError(t, json.Unmarshal([]byte(in.Args), &entrypoint), "Dockerfile: ENTRYPOINT should be in exec (JSON) form")
		case "ENV":
			name, _, _ := strings.Cut(in.Args, "=")
			require.True(t, b.configVars[name], "Dockerfile: ENV %s is not a variable config/config.go reads", name)
		}
	}
	require.Equal(t, []string{"/switchboard"}, entrypoint, "Dockerfile: the entrypoint should be the switchboard binary")

	// docker-compose.yml runs this image with the subcommand as its command.
	for _, name := range switchboardServices {
		s := b.service(name)
		require.Equal(t, ".", s.Build, "docker-compose.yml: %s should be built from the Dockerfile here", name)
		require.Empty(t, s.Entrypoint, "docker-compose.yml: %s should keep the image's entrypoint", name)
		if name == svcBootstrap {
			continue // TestComposeBootstrapsTheFirstWorkspace checks its command
		}
		require.Equal(t, []string{name}, s.Command, "docker-compose.yml: %s should run `switchboard %s`", name, name)
	}

	ignore, err := os.ReadFile(".dockerignore")
	require.NoError(t, err)
	lines := strings.Split(string(ignore), "\n")
	for _, p := range []string{".git", ".switchboard", "bin"} {
		require.Contains(t, lines, p, ".dockerignore should exclude %s", p)
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	require.NoError(t, err)
	return n
}

// TestComposeBootstrapsTheFirstWorkspace checks the one-shot bootstrap
// service: after migrate, `switchboard workspace bootstrap` (which creates a
// workspace only when there is none) writes the admin key to a file on a
// named volume that the image's nonroot user may write, and the README says
// where to read it.
func TestComposeBootstrapsTheFirstWorkspace(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := b.service(svcBootstrap)

	require.GreaterOrEqual(t, len(s.Command), 2, "docker-compose.yml: bootstrap should run `switchboard workspace bootstrap`")
	require.Equal(t, []string{"workspace", "bootstrap"}, s.Command[:2], "docker-compose.yml: bootstrap should run `switchboard workspace bootstrap`")
	require.True(t, callsIn(t, "app", "RunWorkspace", "Bootstrap"), "app.RunWorkspace no longer calls workspaces.Bootstrap")
	main, err := os.ReadFile(filepath.Join("cmd", "switchboard", "main.go"))
	require.NoError(t, err)
	require.Contains(t, string(main), "app.RunWorkspace(", "cmd/switchboard no longer runs the workspace command")
	i := slices.Index(s.Command, "--name")
	require.True(t, i > 0 && i+1 < len(s.Command) && interpolate(s.Command[i+1]) != "", "docker-compose.yml: bootstrap should name the workspace (--name)")
	i = slices.Index(s.Command, "--out")
	require.True(t, i > 0 && i+1 < len(s.Command), "docker-compose.yml: bootstrap should write the key to a file (--out)")
	out := s.Command[i+1]

	// The file is on a named volume, mounted at its directory.
	var volume string
	for _, v := range s.Volumes {
		name, target, _ := strings.Cut(v, ":")
		target, _, _ = strings.Cut(target, ":")
		if target == filepath.Dir(out) {
			volume = name
		}
	}
	require.NotEmpty(t, volume, "docker-compose.yml: bootstrap's --out %s should be on a volume mounted at %s", out, filepath.Dir(out))
	require.Contains(t, b.compose.Volumes, volume, "docker-compose.yml: bootstrap's volume %s should be a named volume", volume)

	// A new named volume takes the ownership of the image's directory: the
	// image must have it, owned by the user it runs as.
	stages := dockerStages(t)
	final := stages[len(stages)-1]
	owned := slices.ContainsFunc(final.Instructions, func(in dockerInstruction) bool {
		return in.Op == "COPY" && strings.Contains(in.Args, "--chown=nonroot") && strings.HasSuffix(in.Args, " "+filepath.Dir(out))
	})
	require.True(t, owned, "Dockerfile: the final stage should have %s, owned by nonroot", filepath.Dir(out))

	require.Equal(t, "service_completed_successfully", s.DependsOn[svcMigrate].Condition,
		"docker-compose.yml: bootstrap should run after migrate has succeeded")
	require.Contains(t, []string{"", "no", "on-failure"}, s.Restart, "docker-compose.yml: bootstrap is one-shot")

	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	require.True(t, strings.Contains(string(readme), out), "README.md should say where the bootstrap service writes the admin key (%s)", out)
	require.True(t, strings.Contains(string(readme), "switchboard_"+volume), "README.md should say how to read the key from the bootstrap volume (switchboard_%s)", volume)
}

// devOnlyVariables are read by `switchboard dev` alone; the compose services
// do not pass them.
var devOnlyVariables = []string{
	"SWITCHBOARD_DATA_DIR", "SWITCHBOARD_TOOLS_DIR",
	"SWITCHBOARD_DEV_TEMPORAL_PORT", "SWITCHBOARD_DEV_TEMPORAL_UI_PORT", "SWITCHBOARD_DEV_WEAVIATE_PORT",
}

// serviceOnlyVariables are set on one service only: where it listens, and
// what only the API serves.
var serviceOnlyVariables = map[string]string{
	"SWITCHBOARD_HTTP_ADDR":        svcServer,
	"SWITCHBOARD_CODEC_ORIGINS":    svcServer,
	"SWITCHBOARD_WORKER_HTTP_ADDR": svcWorker,
}

// TestComposePassesEveryVariable checks that the server and the worker get
// every variable package config reads, so that a setting in .env reaches
// them: a new variable fails this test until docker-compose.yml's
// x-switchboard-env passes it through as ${NAME:-} (or sets it).
func TestComposePassesEveryVariable(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, name := range []string{svcServer, svcWorker, svcMigrate} {
		for v := range b.configVars {
			if slices.Contains(devOnlyVariables, v) {
				continue
			}
			if only, ok := serviceOnlyVariables[v]; ok && only != name {
				continue
			}
			_, ok := b.service(name).Environment[v]
			require.True(t, ok, "docker-compose.yml: %s does not pass %s through: add `%s: ${%s:-}` to x-switchboard-env", name, v, v, v)
		}
	}
	for _, v := range []string{"EMBEDDINGS_BASE_URL", "EMBEDDINGS_API_KEY", "EMBEDDINGS_MODEL", "SEARCH_HYBRID_ALPHA", "LLM_TIMEOUT", "TEMPORAL_API_KEY"} {
		require.Equal(t, "${"+v+":-}", b.service(svcWorker).Environment[v], "docker-compose.yml: %s should come from the host, empty by default", v)
	}
}

// TestComposeHealthchecks checks that the server and the worker have
// healthchecks the distroless image can run (`switchboard probe`), on the
// address each listens on, and that the binary has that command.
func TestComposeHealthchecks(t *testing.T) {
	t.Parallel()
	b := setup(t)
	main, err := os.ReadFile(filepath.Join("cmd", "switchboard", "main.go"))
	require.NoError(t, err)
	require.Contains(t, string(main), `case "probe":`, "cmd/switchboard has no probe command")
	for service, addrVar := range map[string]string{svcServer: "SWITCHBOARD_HTTP_ADDR", svcWorker: "SWITCHBOARD_WORKER_HTTP_ADDR"} {
		h := b.service(service).Healthcheck
		require.NotNil(t, h, "docker-compose.yml: %s has no healthcheck", service)
		require.Len(t, h.Test, 4, "docker-compose.yml: %s's healthcheck should be [CMD, /switchboard, probe, URL]", service)
		require.Equal(t, []string{"CMD", "/switchboard", "probe"}, h.Test[:3])
		u, err := url.Parse(h.Test[3])
		require.NoError(t, err)
		_, port, err := net.SplitHostPort(b.env(t, service, addrVar))
		require.NoError(t, err, "docker-compose.yml: %s's %s", service, addrVar)
		require.Equal(t, port, u.Port(), "docker-compose.yml: %s's healthcheck should probe the port of %s", service, addrVar)
		require.Equal(t, "/readyz", u.Path, "docker-compose.yml: %s's healthcheck should probe /readyz", service)
	}
}

// TestComposeTemporalDynamicConfig checks that compose's Temporal gets the
// dynamic config `switchboard dev` gives its dev server, which the README's
// speed figures rely on.
func TestComposeTemporalDynamicConfig(t *testing.T) {
	t.Parallel()
	b := setup(t)
	path := b.env(t, svcTemporal, "DYNAMIC_CONFIG_FILE_PATH")
	var source string
	for _, v := range b.service(svcTemporal).Volumes {
		parts := strings.Split(v, ":")
		if len(parts) >= 2 && parts[1] == path {
			source = parts[0]
		}
	}
	require.NotEmpty(t, source, "docker-compose.yml: temporal should mount its DYNAMIC_CONFIG_FILE_PATH %s", path)
	raw, err := os.ReadFile(filepath.Clean(source))
	require.NoError(t, err)
	var dynamic map[string][]struct {
		Value any `yaml:"value"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &dynamic), "%s does not parse", source)

	devstackGo, err := os.ReadFile(filepath.Join("devstack", "servers.go"))
	require.NoError(t, err)
	values := regexp.MustCompile(`"--dynamic-config-value", "([^"=]+)=([^"]+)"`).FindAllStringSubmatch(string(devstackGo), -1)
	require.NotEmpty(t, values, "found no --dynamic-config-value in devstack/servers.go")
	for _, m := range values {
		key, want := m[1], m[2]
		got, ok := dynamic[key]
		require.True(t, ok && len(got) == 1, "%s should set %s as the dev server does", source, key)
		require.Equal(t, want, strings.ToLower(fmt.Sprint(got[0].Value)), "%s: %s", source, key)
	}
}
