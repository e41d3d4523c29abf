package mailcatcher

import (
	"html/template"
	"io"
	"net/http"
	"strings"

	"github.com/emersion/go-message/mail"
)

// Handler serves the page listing every email caught (newest first, each
// with its text) at prefix, and each raw message at prefix + "/{id}.eml".
func (c *Catcher) Handler(prefix string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, prefix), "/")
		if id, ok := strings.CutSuffix(rest, ".eml"); ok {
			for _, m := range c.Messages() {
				if m.ID == id {
					w.Header().Set("Content-Type", "message/rfc822")
					_, _ = w.Write(m.Raw)
					return
				}
			}
			http.NotFound(w, r)
			return
		}
		if rest != "" {
			http.NotFound(w, r)
			return
		}
		msgs := c.Messages()
		var rows []pageRow
		for i := len(msgs) - 1; i >= 0; i-- {
			rows = append(rows, rowOf(msgs[i], prefix))
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = page.Execute(w, struct {
			Addr string
			Rows []pageRow
		}{c.Addr(), rows})
	})
}

type pageRow struct {
	ID, From, To, Subject, Date, MessageID, InReplyTo, Text, Raw string
}

func rowOf(m Message, prefix string) pageRow {
	row := pageRow{ID: m.ID, From: m.From, To: strings.Join(m.To, ", "), Raw: prefix + "/" + m.ID + ".eml"}
	row.Date = m.Received.Format("2006-01-02 15:04:05")
	mr, err := mail.CreateReader(strings.NewReader(string(m.Raw)))
	if err != nil {
		row.Text = string(m.Raw)
		return row
	}
	row.Subject, _ = mr.Header.Subject()
	row.MessageID = mr.Header.Get("Message-Id")
	row.InReplyTo = mr.Header.Get("In-Reply-To")
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		if h, ok := p.Header.(*mail.InlineHeader); ok {
			if t, _, _ := h.ContentType(); t == "text/plain" {
				b, _ := io.ReadAll(io.LimitReader(p.Body, 64<<10))
				row.Text = string(b)
				break
			}
		}
	}
	return row
}

var page = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Mail caught by make dev</title>
<meta http-equiv="refresh" content="10">
<style>
body { font-family: sans-serif; margin: 2em; max-width: 60em; }
article { border: 1px solid #ccc; border-radius: 6px; padding: 0.5em 1em; margin: 1em 0; }
dl { display: grid; grid-template-columns: 8em 1fr; margin: 0; font-size: 0.9em; }
dt { color: #666; } dd { margin: 0; }
pre { white-space: pre-wrap; background: #f7f7f7; padding: 0.5em; }
</style></head><body>
<h1>Mail caught by <code>make dev</code></h1>
<p>Every email the agent sends in development goes to the SMTP server on <code>{{.Addr}}</code> and shows here, newest first ({{len .Rows}}). The page refreshes every 10 seconds.</p>
{{range .Rows}}<article>
<h2>{{if .Subject}}{{.Subject}}{{else}}(no subject){{end}}</h2>
<dl><dt>From</dt><dd>{{.From}}</dd><dt>To</dt><dd>{{.To}}</dd><dt>Received</dt><dd>{{.Date}}</dd>
<dt>Message-ID</dt><dd>{{.MessageID}}</dd>{{if .InReplyTo}}<dt>In-Reply-To</dt><dd>{{.InReplyTo}}</dd>{{end}}</dl>
<pre>{{.Text}}</pre>
<a href="{{.Raw}}">raw message</a>
</article>{{else}}<p>No email yet.</p>{{end}}
</body></html>
`))
