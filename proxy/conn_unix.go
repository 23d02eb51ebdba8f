//go:build unix

package proxy

import (
	"net"
	"syscall"
)

// alive says whether a pooled connection still looks usable: nothing waiting on it (no EOF
// from an upstream that closed it while idle, no stray bytes). One non-blocking peek, a
// system call that wakes nobody; Go's sockets are already non-blocking.
func alive(c net.Conn) bool {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return true
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	ok = false
	var one [1]byte
	err = rc.Read(func(fd uintptr) bool {
		_, _, rerr := syscall.Recvfrom(int(fd), one[:], syscall.MSG_PEEK)
		ok = rerr == syscall.EAGAIN || rerr == syscall.EWOULDBLOCK
		return true // never wait: the answer is now or never
	})
	return err == nil && ok
}
