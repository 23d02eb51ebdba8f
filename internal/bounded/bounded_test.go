package bounded

import (
	"strconv"
	"testing"
)

func TestMapKeepsAndForgets(t *testing.T) {
	var m Map[string, int]
	if _, ok := m.Get("a"); ok {
		t.Fatal("an empty map holds a")
	}
	m.Init(3, 1<<10)
	for i := range 3 {
		m.Put(strconv.Itoa(i), i, 1)
	}
	if v, ok := m.GetBytes([]byte("2")); !ok || v != 2 {
		t.Errorf("GetBytes(2) = %d, %v; want 2, true", v, ok)
	}
	m.Put("3", 3, 1) // past the entry bound: afresh
	if _, ok := m.Get("0"); ok {
		t.Error("the map kept 0 past its entry bound")
	}
	if v, ok := m.Get("3"); !ok || v != 3 {
		t.Errorf("Get(3) = %d, %v; want 3, true", v, ok)
	}

	var b Map[string, bool]
	b.Init(100, 10)
	b.Put("aaaaaa", true, 6)
	b.Put("bbbbbb", true, 6) // 12 bytes > 10: afresh
	if _, ok := b.Get("aaaaaa"); ok {
		t.Error("the map kept a key past its byte bound")
	}
	if _, ok := b.Get("bbbbbb"); !ok {
		t.Error("the map lost the key just put")
	}
}

func TestZeroMapHasDefaultBounds(t *testing.T) {
	var m Map[string, int]
	for i := range 1000 {
		m.Put(strconv.Itoa(i), i, len(strconv.Itoa(i)))
	}
	for _, k := range []string{"0", "999"} {
		if _, ok := m.Get(k); !ok {
			t.Errorf("the zero map lost %s among 1000 entries (default bound %d)", k, DefaultEntries)
		}
	}
}
