package faults

import (
	"io"
	"net"
	"testing"
	"time"
)

// A frozen connection neither delivers nor errors; thawed, it delivers
// what was held back, and closing it releases a blocked reader.
func TestFreezerHoldsTrafficWithoutClosing(t *testing.T) {
	var f Freezer
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	fl := f.Listener(ln)
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := fl.Accept()
		if err == nil {
			accepted <- c
		}
	}()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	server := <-accepted
	defer server.Close()

	f.Freeze()
	if !f.Frozen() {
		t.Fatal("not frozen")
	}
	if _, err := client.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	go func() {
		buf := make([]byte, 4)
		n, _ := io.ReadFull(server, buf)
		got <- string(buf[:n])
	}()
	select {
	case s := <-got:
		t.Fatalf("read %q through a frozen connection", s)
	case <-time.After(200 * time.Millisecond):
	}
	f.Thaw()
	select {
	case s := <-got:
		if s != "ping" {
			t.Fatalf("after thaw read %q", s)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("nothing delivered after thaw")
	}

	f.Freeze()
	done := make(chan error, 1)
	go func() {
		_, err := server.Read(make([]byte, 1))
		done <- err
	}()
	_, _ = client.Write([]byte("x"))
	time.Sleep(50 * time.Millisecond)
	_ = server.Close()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("read on a closed frozen connection succeeded")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("closing did not release a frozen read")
	}
	f.Thaw()
}
