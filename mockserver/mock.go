package mockserver

import (
	"encoding/json"
	"net/http"
	"runtime/debug"

	"github.com/labstack/echo/v4"
	sparkmock "github.com/sparkmock/sparkmock"
)

func stack() []byte { return debug.Stack() }

// handleHealthz answers as long as the process serves.
func handleHealthz() echo.HandlerFunc {
	body := []byte(`{"status":"ok"}`)
	return func(c echo.Context) error { return c.Blob(http.StatusOK, contentTypeJSON, body) }
}

// handleReadyz answers 200 while the server takes requests, 503 once it is going down.
func handleReadyz(s *Server) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !s.ready.Load() {
			return sparkmock.Errorf(sparkmock.CodeUnavailable, "Shutting down: finishing the requests in flight")
		}
		return c.Blob(http.StatusOK, contentTypeJSON, []byte(`{"status":"ready"}`))
	}
}

type accountView struct {
	ID           string  `json:"Id"`
	Name         string  `json:"Name"`
	UserType     string  `json:"UserType"`
	ParentID     *string `json:"ParentId"`
	ContactCount int     `json:"ContactCount"`
}

type tokenView struct {
	Token     string `json:"Token"`
	Role      string `json:"Role"`
	AccountID string `json:"AccountId"`
	Status    string `json:"Status"`
}

type accountsView struct {
	Accounts []accountView `json:"Accounts"`
	Tokens   []tokenView   `json:"Tokens"`
}

// handleAccounts lists the account tree with contact counts at the request's time, and every
// token: what a frontend or QA needs to pick a token.
func handleAccounts(s *Server) echo.HandlerFunc {
	return func(c echo.Context) error {
		w := s.world()
		now := requestTime(c).Unix()
		out := accountsView{Accounts: []accountView{}, Tokens: []tokenView{}}
		for i, a := range w.tree.Accounts {
			v := accountView{ID: a.ID, Name: a.Name, UserType: string(a.Type), ContactCount: w.store.count(i, now)}
			if a.ParentID != "" {
				p := a.ParentID
				v.ParentID = &p
			}
			out.Accounts = append(out.Accounts, v)
		}
		for _, t := range w.tree.Tokens {
			out.Tokens = append(out.Tokens, tokenView{Token: t.Token, Role: string(t.Role), AccountID: t.AccountID, Status: string(t.Status)})
		}
		b, err := json.Marshal(out)
		if err != nil {
			return err
		}
		return c.Blob(http.StatusOK, contentTypeJSON, b)
	}
}
