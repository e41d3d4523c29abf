package devstack

import (
	"net"
	"strconv"
	"testing"
)

func TestFreePortBlockAvoidsEphemeralPorts(t *testing.T) {
	lo, hi, ok := belowEphemeral()
	if !ok {
		t.Skip("this kernel does not say where its ephemeral ports start")
	}
	for range 20 {
		base, err := FreePortBlock(WeaviatePorts)
		if err != nil {
			t.Fatal(err)
		}
		if base < lo || base+WeaviatePorts > hi {
			t.Fatalf("block %d–%d is outside %d–%d", base, base+WeaviatePorts-1, lo, hi-1)
		}
		for p := base; p < base+WeaviatePorts; p++ {
			l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
			if err != nil {
				t.Fatalf("port %d of the block is not free: %v", p, err)
			}
			l.Close()
		}
	}
}
