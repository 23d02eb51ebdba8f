package openapicheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/sparkmock/sparkmock/internal/bounded"
)

// Piece decodes one JSON value (an item of D.Results, or a skeleton) as kin-openapi decodes
// it, once per distinct bytes.
func (c *Checker) Piece(b []byte) (any, error) {
	p := c.pieces.get(b)
	return p.val, p.err
}

// piece is one JSON value decoded once: as kin-openapi decodes (numbers as json.Number), and
// with its verdict against each item schema.
type piece struct {
	val any
	err error

	mu       sync.Mutex
	verdicts [maxItemSchemas]int8 // 0 unknown, 1 valid, 2 invalid
}

func (p *piece) validFor(page *Page) bool {
	p.mu.Lock()
	verdict := p.verdicts[page.slot]
	p.mu.Unlock()
	if verdict == 0 {
		verdict = 2
		if p.err == nil && page.item.VisitJSON(p.val, openapi3.VisitAsResponse()) == nil {
			verdict = 1
		}
		p.mu.Lock()
		p.verdicts[page.slot] = verdict
		p.mu.Unlock()
	}
	return verdict == 1
}

// decodeValue decodes one JSON value as kin-openapi does: numbers kept as json.Number, nothing
// after the value.
func decodeValue(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errTrailing
	}
	return v, nil
}

var errTrailing = errors.New("trailing data after the JSON value")

// pieceCache keeps decoded pieces by their bytes, within a count and a byte budget; when
// full it forgets everything, which only costs decoding again.
type pieceCache struct{ m bounded.Map[string, *piece] }

func (c *pieceCache) get(b []byte) *piece {
	if p, ok := c.m.GetBytes(b); ok {
		return p
	}
	p := &piece{}
	p.val, p.err = decodeValue(b)
	c.m.Put(string(b), p, len(b))
	return p
}
