package mailcatcher

import (
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-message/mail"
)

// Inbox is where the page's form writes a customer's email: into Mailbox,
// to Address (the support address it stands for). Written, when set, is
// called after each (make dev has the channel poll its mailbox at once).
type Inbox struct {
	Mailbox *Mailbox
	Address string
	Written func()
}

// Handler serves the page listing every email caught (newest first, each
// with its text) at prefix, and each raw message at prefix + "/{id}.eml".
// With an inbox, the page also has a form that writes an email into it as a
// customer (POST prefix + "/write").
func (c *Catcher) Handler(prefix string, inbox *Inbox) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, prefix), "/")
		if rest == "write" && inbox != nil {
			inbox.write(w, r, prefix, len(c.Messages()))
			return
		}
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
		q := r.URL.Query()
		data := pageData{Addr: c.Addr(), Rows: rows, Prefix: prefix, Written: q.Has("written")}
		data.Awaiting = awaiting(q, len(msgs), time.Now())
		if inbox != nil {
			data.Inbox, data.MailboxAddr = inbox.Address, inbox.Mailbox.Addr()
		}
		_ = page.Execute(w, data)
	})
}

type pageData struct {
	Addr, Prefix string
	Rows         []pageRow
	// Inbox is the support address the form writes to, "" for no form.
	Inbox, MailboxAddr string
	Written            bool
	// Awaiting is set just after the form wrote an email, until the next
	// one is caught (the agent's answer, as a rule) or answerWait has
	// passed: the page then looks again sooner.
	Awaiting bool
}

// answerWait is how long after the form wrote an email the page looks for
// the answer every 2 seconds rather than every 10.
const answerWait = time.Minute

// awaiting reads the page's query as write left it ("written" the emails
// caught then, "at" the Unix time) and reports whether the answer is still
// awaited, with caught emails caught now.
func awaiting(q url.Values, caught int, now time.Time) bool {
	before, err := strconv.Atoi(q.Get("written"))
	if err != nil {
		return false
	}
	at, err := strconv.ParseInt(q.Get("at"), 10, 64)
	if err != nil {
		return false
	}
	return caught <= before && now.Sub(time.Unix(at, 0)) < answerWait
}

// write puts the form's email in the mailbox and goes back to the page,
// telling it how many emails were caught before (caught) and when; a field
// that is wrong gets a 400 naming it, and nothing is written.
func (in *Inbox) write(w http.ResponseWriter, r *http.Request, prefix string, caught int) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST the form", http.StatusMethodNotAllowed)
		return
	}
	// Another site's page may not write here through the browser.
	if origin := r.Header.Get("Origin"); origin != "" {
		if u, err := url.Parse(origin); err != nil || u.Host != r.Host {
			http.Error(w, "the form is written from this page only", http.StatusForbidden)
			return
		}
	}
	r.Body = http.MaxBytesReader(w, r.Body, 2*maxText)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "form: "+err.Error(), http.StatusBadRequest)
		return
	}
	email := Email{
		FromName: r.PostForm.Get("name"), From: r.PostForm.Get("from"), To: in.Address,
		Subject: r.PostForm.Get("subject"), Text: r.PostForm.Get("text"),
	}
	raw, err := email.Message(time.Now())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if err := in.Mailbox.Deliver(raw); err != nil {
		http.Error(w, "mailbox: "+err.Error(), http.StatusInternalServerError)
		return
	}
	if in.Written != nil {
		in.Written()
	}
	http.Redirect(w, r, fmt.Sprintf("%s?written=%d&at=%d", prefix, caught, time.Now().Unix()), http.StatusSeeOther)
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
<style>
body { font-family: sans-serif; margin: 2em; max-width: 60em; }
article { border: 1px solid #ccc; border-radius: 6px; padding: 0.5em 1em; margin: 1em 0; }
dl { display: grid; grid-template-columns: 8em 1fr; margin: 0; font-size: 0.9em; }
dt { color: #666; } dd { margin: 0; }
pre { white-space: pre-wrap; background: #f7f7f7; padding: 0.5em; }
form { display: grid; grid-template-columns: 8em 1fr; gap: 0.4em; background: #f3f6fb; padding: 1em; border-radius: 6px; }
form textarea { min-height: 6em; } form button { grid-column: 2; justify-self: start; }
</style></head><body data-awaiting="{{.Awaiting}}">
<h1>Mail caught by <code>make dev</code></h1>
<p>Every email the agent sends in development goes to the SMTP server on <code>{{.Addr}}</code> and shows here, newest first ({{len .Rows}}). The page refreshes every 10 seconds while the form below is empty (every 2 seconds just after it wrote an email, until the answer comes).</p>
{{if .Inbox}}<h2>Write to support as a customer</h2>
<p>This puts an email to <code>{{.Inbox}}</code> in the support mailbox, an IMAP server on <code>{{.MailboxAddr}}</code> that the email channel reads. The agent's answer comes back here.{{if .Written}} <strong>Written: the answer shows below in a few seconds.</strong>{{end}}</p>
<form method="post" action="{{.Prefix}}/write">
<label for="name">Your name</label><input id="name" name="name" autocomplete="name">
<label for="from">Your email</label><input id="from" name="from" type="email" required placeholder="customer@example.com">
<label for="subject">Subject</label><input id="subject" name="subject" maxlength="200">
<label for="text">Text</label><textarea id="text" name="text" required></textarea>
<button type="submit">Send</button>
</form>{{end}}
{{range .Rows}}<article>
<h2>{{if .Subject}}{{.Subject}}{{else}}(no subject){{end}}</h2>
<dl><dt>From</dt><dd>{{.From}}</dd><dt>To</dt><dd>{{.To}}</dd><dt>Received</dt><dd>{{.Date}}</dd>
<dt>Message-ID</dt><dd>{{.MessageID}}</dd>{{if .InReplyTo}}<dt>In-Reply-To</dt><dd>{{.InReplyTo}}</dd>{{end}}</dl>
<pre>{{.Text}}</pre>
<a href="{{.Raw}}">raw message</a>
</article>{{else}}<p>No email yet.</p>{{end}}
<script>
// Awaiting an answer, the page keeps its query, which says since when.
const awaiting = document.body.dataset.awaiting === "true";
setInterval(() => {
  const typing = [...document.querySelectorAll("input, textarea")].some(f => f.value !== "");
  if (!typing) location.replace(awaiting ? location.href : location.pathname);
}, awaiting ? 2000 : 10000);
</script>
</body></html>
`))
