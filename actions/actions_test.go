package actions_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/actions"
	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/fetch"
	"github.com/switchboardhq/switchboard/models"
)

const sizeSchema = `{"type":"object","properties":{
	"order_id":{"type":"string","description":"The order's ID","pattern":"^[0-9]{4,8}$"},
	"size":{"type":"string","description":"The new size","enum":["S","M","L"]},
	"quantity":{"type":"integer","description":"How many","minimum":1}},
	"required":["order_id","size"]}`

func TestParseInputs(t *testing.T) {
	t.Parallel()
	inputs, err := actions.ParseInputs(json.RawMessage(sizeSchema))
	require.NoError(t, err)
	var names []string
	for _, in := range inputs {
		names = append(names, in.Name)
	}
	require.Equal(t, []string{"order_id", "size", "quantity"}, names, "required first, in the schema's order")
	require.Equal(t, []string{"S", "M", "L"}, inputs[1].Enum)
	require.True(t, inputs[0].Required)
	require.False(t, inputs[2].Required)

	for _, c := range []struct{ schema, field string }{
		{``, "inputs"},
		{`{"type":"array"}`, "inputs.type"},
		{`{"type":"object","properties":{"x":{"type":"string"}}}`, "inputs.properties.x.description"},
		{`{"type":"object","properties":{"x":{"type":"object","description":"d"}}}`, "inputs.properties.x.type"},
		{`{"type":"object","properties":{"Bad Name":{"type":"string","description":"d"}}}`, "inputs.properties.Bad Name"},
		{`{"type":"object","properties":{},"required":["x"]}`, "inputs.required"},
		{`{"type":"object","properties":{"x":{"type":"string","description":"d","minLength":"two"}}}`, "inputs"},
		{`{not json`, "inputs"},
	} {
		_, err := actions.ParseInputs(json.RawMessage(c.schema))
		var ie *actions.InputError
		require.True(t, errors.As(err, &ie), "%s: %v", c.schema, err)
		require.Equal(t, c.field, ie.Field, c.schema)
	}
}

func spec(t *testing.T, d actions.Definition) actions.Spec {
	t.Helper()
	require.NoError(t, d.Check())
	row, err := d.Row("ws", nil, func(h, v string) (string, error) { return "sealed:" + v, nil })
	require.NoError(t, err)
	s, err := actions.SpecOf(row)
	require.NoError(t, err)
	return s
}

func TestValues(t *testing.T) {
	t.Parallel()
	s := spec(t, actions.Definition{Name: "change_size", Description: "Change an item's size", Inputs: json.RawMessage(sizeSchema),
		Triggers: []string{"change the size"}, Method: "POST", URL: "https://shop.example/orders/{{inputs.order_id}}/size", ChangesData: true})
	v, err := actions.Values(s, map[string]string{"order_id": "1042", "size": "M", "quantity": "2", "other": "dropped"})
	require.NoError(t, err)
	require.Equal(t, map[string]any{"order_id": "1042", "size": "M", "quantity": int64(2)}, v)

	for _, c := range []struct {
		given map[string]string
		field string
	}{
		{map[string]string{"order_id": "10", "size": "M"}, "order_id"},
		{map[string]string{"order_id": "1042", "size": "XL"}, "size"},
		{map[string]string{"order_id": "1042", "size": "M", "quantity": "two"}, "quantity"},
		{map[string]string{"order_id": "1042", "size": "M", "quantity": "0"}, "quantity"},
		{map[string]string{"size": "M"}, "inputs"},
	} {
		_, err := actions.Values(s, c.given)
		var ie *actions.InputError
		require.True(t, errors.As(err, &ie), "%v: %v", c.given, err)
		require.Equal(t, c.field, ie.Field, "%v: %v", c.given, err)
	}
	require.Equal(t, "size", s.Missing(map[string]string{"order_id": "1042"}))
	require.Equal(t, "", s.Missing(map[string]string{"order_id": "1042", "size": "S"}))
}

func TestDefinitionCheck(t *testing.T) {
	t.Parallel()
	valid := func() actions.Definition {
		return actions.Definition{
			Name: "loyalty_points", Description: "Look up the customer's loyalty points",
			Inputs: json.RawMessage(`{"type":"object","properties":{}}`), Triggers: []string{"loyalty points"},
			URL: "https://crm.example/points?email={{contact.email}}", Headers: map[string]string{"X-Shop": "acme"},
			SecretHeaders: map[string]string{"Authorization": "Bearer s3cret"}, ReplyTemplate: "You have {{response.points}} points.",
		}
	}
	d := valid()
	require.NoError(t, d.Check())
	require.Equal(t, "GET", d.Method)
	require.Equal(t, "verified", d.Protection)
	require.True(t, *d.Enabled)
	require.Equal(t, 10, d.TimeoutSeconds)

	for _, c := range []struct {
		name  string
		edit  func(*actions.Definition)
		field string
	}{
		{"a built-in's name", func(d *actions.Definition) { d.Name = "order_status" }, "name"},
		{"a bad name", func(d *actions.Definition) { d.Name = "Points!" }, "name"},
		{"another kind", func(d *actions.Definition) { d.Kind = "builtin" }, "kind"},
		{"no description", func(d *actions.Definition) { d.Description = " " }, "description"},
		{"neither triggers nor examples", func(d *actions.Definition) { d.Triggers = nil }, "triggers"},
		{"an empty trigger", func(d *actions.Definition) { d.Triggers = []string{"ok", " "} }, "triggers[1]"},
		{"a method", func(d *actions.Definition) { d.Method = "TRACE" }, "method"},
		{"a write by GET", func(d *actions.Definition) { d.ChangesData = true }, "method"},
		{"no URL", func(d *actions.Definition) { d.URL = "" }, "url"},
		{"not http", func(d *actions.Definition) { d.URL = "ftp://crm.example/x" }, "url"},
		{"a placeholder in the host", func(d *actions.Definition) { d.URL = "https://{{inputs.x}}.example/" }, "url"},
		{"credentials in the URL", func(d *actions.Definition) { d.URL = "https://u:p@crm.example/" }, "url"},
		{"an undeclared input", func(d *actions.Definition) { d.URL = "https://crm.example/{{inputs.order}}" }, "url"},
		{"the contact of an unprotected action", func(d *actions.Definition) { d.Protection = "none" }, "url"},
		{"the response in the URL", func(d *actions.Definition) { d.URL = "https://crm.example/{{response.x}}" }, "url"},
		{"a reserved header", func(d *actions.Definition) { d.Headers = map[string]string{"Host": "x"} }, "headers.Host"},
		{"a two-line header", func(d *actions.Definition) { d.Headers = map[string]string{"X-A": "a\r\nb"} }, "headers.X-A"},
		{"a header both plain and secret", func(d *actions.Definition) { d.Headers = map[string]string{"Authorization": "x"} }, "secret_headers.Authorization"},
		{"an empty secret", func(d *actions.Definition) { d.SecretHeaders = map[string]string{"X-Key": ""} }, "secret_headers.X-Key"},
		{"a timeout", func(d *actions.Definition) { d.TimeoutSeconds = 600 }, "timeout_seconds"},
		{"a protection", func(d *actions.Definition) { d.Protection = "email" }, "protection"},
		{"a reply's unknown root", func(d *actions.Definition) { d.ReplyTemplate = "{{order.status}}" }, "reply_template"},
		{"a schema", func(d *actions.Definition) { d.Inputs = json.RawMessage(`{"type":"string"}`) }, "inputs.type"},
	} {
		d := valid()
		c.edit(&d)
		err := d.Check()
		require.Error(t, err, c.name)
		require.Equal(t, apperr.EINVALID, apperr.Code(err), c.name)
		require.True(t, strings.HasPrefix(apperr.Message(err), c.field+":"), "%s: %q should name %s", c.name, apperr.Message(err), c.field)
	}
}

func TestCheckOptions(t *testing.T) {
	t.Parallel()
	type opts = models.BuiltinOptions
	require.NoError(t, actions.CheckOptions("order_status", true, opts{StatusNotes: map[string]string{"delayed": "We look into it."}}))
	require.NoError(t, actions.CheckOptions("start_return", true, opts{}))
	require.NoError(t, actions.CheckOptions("password_reset", false, opts{}), "a disabled reset needs no page")
	require.NoError(t, actions.CheckOptions("password_reset", true, opts{ResetURL: "https://shop.example/reset"}))
	for _, c := range []struct {
		action string
		o      opts
		field  string
	}{
		{"start_return", opts{StatusNotes: map[string]string{"lost": "x"}}, "status_notes"},
		{"order_status", opts{ReturnInstructions: "x"}, "return_instructions"},
		{"start_return", opts{ResetURL: "https://shop.example/reset"}, "reset_url"},
		{"order_status", opts{StatusNotes: map[string]string{"late": "x"}}, "status_notes.late"},
		{"order_status", opts{StatusNotes: map[string]string{"lost": "\t"}}, "status_notes.lost"},
		{"start_return", opts{ReturnInstructions: strings.Repeat("x", 2001)}, "return_instructions"},
		{"password_reset", opts{}, "reset_url"},
		{"password_reset", opts{ResetURL: "shop.example/reset"}, "reset_url"},
		{"password_reset", opts{ResetURL: "https://u:p@shop.example/reset"}, "reset_url"},
	} {
		err := actions.CheckOptions(c.action, true, c.o)
		require.Error(t, err, c.field)
		require.Equal(t, apperr.EINVALID, apperr.Code(err), c.field)
		require.True(t, strings.HasPrefix(apperr.Message(err), c.field+":"), "%q should name %s", apperr.Message(err), c.field)
	}
}

func TestRender(t *testing.T) {
	t.Parallel()
	data := map[string]any{"inputs": map[string]any{"id": "a b/c"}, "response": map[string]any{
		"status": "shipped", "items": []any{map[string]any{"name": "Tent"}}, "count": 3.0, "nested": map[string]any{"x": 1.0}}}
	out, missing := actions.Render("/o/{{ inputs.id }}?s={{response.status}}", data, url.PathEscape)
	require.Equal(t, "/o/a%20b%2Fc?s=shipped", out)
	require.Empty(t, missing)
	out, missing = actions.Render("{{response.items.0.name}} x{{response.count}} {{response.items.5.name}} {{response.nested}}", data, nil)
	require.Equal(t, "Tent x3  ", out)
	require.Equal(t, []string{"response.items.5.name", "response.nested"}, missing)
}

// orderSystem stands in for a company's order system: it answers by path
// and records what it received.
type orderSystem struct {
	*httptest.Server
	last  atomic.Pointer[http.Request]
	body  atomic.Value
	calls atomic.Int32
}

func newOrderSystem(t *testing.T, handler http.HandlerFunc) *orderSystem {
	o := &orderSystem{}
	o.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.calls.Add(1)
		b, _ := io.ReadAll(r.Body)
		o.body.Store(string(b))
		o.last.Store(r)
		handler(w, r)
	}))
	t.Cleanup(o.Close)
	return o
}

func TestCall(t *testing.T) {
	t.Parallel()
	sys := newOrderSystem(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(r.URL.Path, "/9999/size"):
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"error":{"message":"order 9999 does not exist"}}`)
		case strings.HasSuffix(r.URL.Path, "/5000/size"):
			w.WriteHeader(http.StatusBadGateway)
		case strings.HasSuffix(r.URL.Path, "/1111/size"):
			io.WriteString(w, `{"ok":true}`)
		default:
			io.WriteString(w, `{"item":{"size":"M"},"eta":"June 3"}`)
		}
	})
	s := spec(t, actions.Definition{Name: "change_size", Description: "Change an item's size", Inputs: json.RawMessage(sizeSchema),
		Triggers: []string{"change the size"}, Method: "POST", URL: sys.URL + "/orders/{{inputs.order_id}}/size", ChangesData: true,
		Headers: map[string]string{"X-Customer": "{{contact.email}}"}, SecretHeaders: map[string]string{"Authorization": "x"},
		ReplyTemplate: "Your item is now size {{response.item.size}}; it ships {{response.eta}}.", ReplyFallback: "The size was changed."})
	client := actions.NewClient(true, nil)
	call := func(order string) (actions.Exchange, error) {
		return actions.Call(context.Background(), client, actions.CallInput{
			Spec: s, Inputs: map[string]any{"order_id": order, "size": "M"}, Contact: map[string]string{"email": "ada@example.com"},
			Secrets: map[string]string{"Authorization": "Bearer s3cret"}, IdempotencyKey: "wf/msg-1",
		})
	}

	ex, err := call("1042")
	require.NoError(t, err)
	require.Equal(t, "Your item is now size M; it ships June 3.", ex.Reply)
	got := sys.last.Load()
	require.Equal(t, "POST", got.Method)
	require.Equal(t, "/orders/1042/size", got.URL.Path)
	require.Equal(t, "Bearer s3cret", got.Header.Get("Authorization"))
	require.Equal(t, "ada@example.com", got.Header.Get("X-Customer"))
	require.Equal(t, "wf/msg-1", got.Header.Get("Idempotency-Key"))
	require.JSONEq(t, `{"order_id":"1042","size":"M"}`, sys.body.Load().(string))
	require.Equal(t, "********", ex.RequestHeaders["Authorization"], "a secret is never shown")
	require.NotContains(t, ex.RequestHeaders, "s3cret")

	ex, err = call("1111")
	require.NoError(t, err)
	require.Equal(t, "The size was changed.", ex.Reply, "a response without the template's fields takes the fallback")

	_, err = call("9999")
	refused, ok := actions.IsRefused(err)
	require.True(t, ok, "%v", err)
	require.Equal(t, 404, refused.Status)
	require.Equal(t, "order 9999 does not exist", refused.Error())

	_, err = call("5000")
	require.Error(t, err)
	_, ok = actions.IsRefused(err)
	require.False(t, ok, "a 5xx is worth a retry, not a refusal")
}

func TestClientPolicy(t *testing.T) {
	t.Parallel()
	sys := newOrderSystem(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{}`) })
	s := spec(t, actions.Definition{Name: "ping", Description: "Ping", Inputs: json.RawMessage(`{"type":"object","properties":{}}`),
		Triggers: []string{"ping"}, URL: sys.URL + "/ping", Protection: "none"})
	call := func(c *http.Client) error {
		_, err := actions.Call(context.Background(), c, actions.CallInput{Spec: s})
		return err
	}
	var private *fetch.PrivateAddressError
	require.ErrorAs(t, call(actions.NewClient(false, nil)), &private, "a private address is refused by default")
	require.ErrorAs(t, call(actions.NewClient(false, []string{"crm.internal"})), &private, "another host's allow-listing admits nothing")
	require.NoError(t, call(actions.NewClient(false, []string{"127.0.0.1"})), "an allow-listed host is called")
	before := sys.calls.Load()
	require.NoError(t, call(actions.NewClient(true, nil)))
	require.Equal(t, before+1, sys.calls.Load())
}
