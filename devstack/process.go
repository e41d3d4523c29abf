package devstack

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"
)

// Process is a child process of the dev stack.
type Process struct {
	Name string
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

// start runs bin with args and env, its output appended to logFile. The child
// gets its own process group (so a terminal's Ctrl-C reaches only us, and we
// stop it in order) and is killed by the kernel if this process dies first.
func start(name, bin string, args, env []string, logFile string) (*Process, error) {
	log, err := os.OpenFile(logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open %s log: %w", name, err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &Process{Name: name, cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		log.Close()
		close(p.done)
	}()
	return p, nil
}

// Pid is the child's process ID.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Done is closed when the process has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// Stop asks the process (and its group) to end with SIGTERM and kills it if it
// has not ended within grace. It returns once the process is gone.
func (p *Process) Stop(grace time.Duration) {
	select {
	case <-p.done:
		return
	default:
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(grace):
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	}
}

// waitFor polls check until it succeeds, the process exits, or ctx ends.
func (p *Process) waitFor(ctx context.Context, what string, check func() bool) error {
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		if check() {
			return nil
		}
		select {
		case <-p.done:
			return fmt.Errorf("%s exited before %s (see its log): %v", p.Name, what, p.err)
		case <-ctx.Done():
			return fmt.Errorf("%s: waiting for %s: %w", p.Name, what, ctx.Err())
		case <-tick.C:
		}
	}
}

func portOpen(port int) bool {
	c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), 200*time.Millisecond)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

func httpOK(url string) bool {
	client := http.Client{Timeout: time.Second}
	resp, err := client.Get(url)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// ErrPortInUse says a port the stack needs is taken.
var ErrPortInUse = errors.New("port in use")

func checkFree(ports ...int) error {
	for _, port := range ports {
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			return fmt.Errorf("127.0.0.1:%d: %w (is another dev stack running?)", port, ErrPortInUse)
		}
		l.Close()
	}
	return nil
}

// FreePortBlock finds n consecutive free ports on 127.0.0.1. It looks below
// the kernel's ephemeral range when there is room: a port in that range that
// is free now may be taken before our server binds it, by any outgoing
// connection or by a server that asks for any free port (the Temporal dev
// server does for its internal services). A test that stops and restarts a
// stack on the same ports met exactly that.
func FreePortBlock(n int) (int, error) {
	lo, hi, ok := belowEphemeral()
	for attempt := 0; attempt < 200; attempt++ {
		var base int
		if ok {
			base = lo + rand.IntN(hi-lo-n)
		} else {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				return 0, err
			}
			base = l.Addr().(*net.TCPAddr).Port
			l.Close()
			if base+n > 65535 {
				continue
			}
		}
		ports := make([]int, n)
		for i := range ports {
			ports[i] = base + i
		}
		if checkFree(ports...) == nil {
			return base, nil
		}
	}
	return 0, errors.New("no block of free ports found")
}

// belowEphemeral is the range of ports from 20000 up to the first of the
// kernel's ephemeral ports, if Linux says where that range starts and it
// leaves a thousand ports below.
func belowEphemeral() (lo, hi int, ok bool) {
	const floor = 20000
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 0, 0, false
	}
	var first, last int
	if _, err := fmt.Sscan(string(b), &first, &last); err != nil || first-floor < 1000 {
		return 0, 0, false
	}
	return floor, first, true
}
