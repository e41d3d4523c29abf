package crm_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/crm"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
)

type testBundle struct {
	ctx context.Context
	db  *gorm.DB
	svc *crm.Service
}

func setup(db *gorm.DB) testBundle {
	return testBundle{ctx: context.Background(), db: db, svc: &crm.Service{DB: db}}
}

func count(t *testing.T, db *gorm.DB, model any) int64 {
	t.Helper()
	var n int64
	require.NoError(t, db.Model(model).Count(&n).Error)
	return n
}

const contactsJSONL = `{"external_id":"c-1","email":"Ada@Example.com","name":"Ada","tier":"premium","properties":{"plan":"pro"}}

{"external_id":"c-2","email":"bram@example.com","phone":"+31 20 123 4567","tier":"standard","company":"Bram BV","company_size":12}
`

const contactsCSV = "external_id,email,name,tier,company_size,properties\n" +
	"c-2,bram@example.com,Bram Okafor,premium,15,\n" +
	"c-3,cleo@example.com,\"Cleo, Jr.\",standard,,\"{\"\"vip\"\":true}\"\n"

func TestImportIsIdempotentInBothFormats(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		b := setup(db)
		res, err := b.svc.ImportContacts(b.ctx, "ws", crm.FormatJSONLines, strings.NewReader(contactsJSONL))
		require.NoError(t, err)
		require.Equal(t, crm.ImportResult{Created: 2}, res)
		res, err = b.svc.ImportContacts(b.ctx, "ws", crm.FormatJSONLines, strings.NewReader(contactsJSONL))
		require.NoError(t, err)
		require.Equal(t, crm.ImportResult{Updated: 2}, res, "a re-import updates")
		res, err = b.svc.ImportContacts(b.ctx, "ws", crm.FormatCSV, strings.NewReader(contactsCSV))
		require.NoError(t, err)
		require.Equal(t, crm.ImportResult{Created: 1, Updated: 1}, res)
		require.EqualValues(t, 3, count(t, db, &models.Contact{}), "no duplicates")

		ada, err := b.svc.GetContact(b.ctx, "ws", "c-1")
		require.NoError(t, err)
		require.Equal(t, "ada@example.com", ada.Email)
		require.Equal(t, map[string]any{"plan": "pro"}, ada.Properties)
		bram, err := b.svc.GetContact(b.ctx, "ws", "c-2")
		require.NoError(t, err)
		require.Equal(t, []any{"Bram Okafor", "premium", 15, ""}, []any{bram.Name, bram.Tier, bram.CompanySize, bram.Company},
			"a CSV row replaces the whole record")
		cleo, err := b.svc.GetContact(b.ctx, "ws", "c-3")
		require.NoError(t, err)
		require.Equal(t, "Cleo, Jr.", cleo.Name)
		require.Equal(t, map[string]any{"vip": true}, cleo.Properties)

		orders := `{"external_id":"o-1","number":"A/1","contact":"c-1","status":"shipped","currency":"EUR","total_cents":1999,` +
			`"items":[{"sku":"X","name":"Thing","quantity":2,"price_cents":999}],"placed_at":"2026-05-01T10:00:00Z",` +
			`"shipped_at":"2026-05-02T10:00:00Z","tracking":{"carrier":"DHL","number":"123","url":"https://track.example/123"}}` + "\n"
		res, err = b.svc.ImportOrders(b.ctx, "ws", crm.FormatJSONLines, strings.NewReader(orders))
		require.NoError(t, err)
		require.Equal(t, crm.ImportResult{Created: 1}, res)
		ordersCSV := "external_id,contact,status,items,placed_at\no-1,c-2,delivered,\"[{\"\"sku\"\":\"\"X\"\",\"\"quantity\"\":1}]\",2026-05-01T10:00:00Z\n"
		res, err = b.svc.ImportOrders(b.ctx, "ws", crm.FormatCSV, strings.NewReader(ordersCSV))
		require.NoError(t, err)
		require.Equal(t, crm.ImportResult{Updated: 1}, res)
		o, err := b.svc.GetOrder(b.ctx, "ws", "o-1")
		require.NoError(t, err)
		require.Equal(t, []any{"o-1", "c-2", models.OrderDelivered, 1}, []any{o.Number, o.Contact, o.Status, len(o.Items)},
			"the number defaults to the external id")
		require.Nil(t, o.Tracking)
		require.Empty(t, o.Returns)

		products := "external_id,name,sku,price_cents,variants\np-1,Notebook,NB,1200,\"[{\"\"sku\"\":\"\"NB-R\"\",\"\"name\"\":\"\"Red\"\"}]\"\n"
		res, err = b.svc.ImportProducts(b.ctx, "ws", crm.FormatCSV, strings.NewReader(products))
		require.NoError(t, err)
		require.Equal(t, crm.ImportResult{Created: 1}, res)
		p, err := b.svc.GetProduct(b.ctx, "ws", "p-1")
		require.NoError(t, err)
		require.Equal(t, models.AvailabilityInStock, p.Availability)
		require.Equal(t, "Red", p.Variants[0].Name)

		// Another workspace sees none of it.
		_, err = b.svc.GetContact(b.ctx, "other", "c-1")
		require.Equal(t, apperr.ENOTFOUND, apperr.Code(err))
	})
}

func TestBadRowRejectsTheWholeImport(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		b := setup(db)
		// Row 600 is bad: the first batch (500 rows) was written before it
		// was read, and is rolled back with it.
		var body strings.Builder
		for i := 1; i <= 700; i++ {
			email := "user" + strings.Repeat("x", i%3) + strconv.Itoa(i) + "@example.com"
			if i == 600 {
				email = "not-an-email"
			}
			body.WriteString(`{"external_id":"c-` + strconv.Itoa(i) + `","email":"` + email + `"}` + "\n")
		}
		_, err := b.svc.ImportContacts(b.ctx, "ws", crm.FormatJSONLines, strings.NewReader(body.String()))
		require.Error(t, err)
		require.Equal(t, apperr.EINVALID, apperr.Code(err))
		require.Equal(t, "row 600: email: not an email address", apperr.Message(err))
		require.Zero(t, count(t, db, &models.Contact{}), "nothing written")

		for _, tc := range []struct {
			kind, format, body, message string
		}{
			{"contacts", "jsonl", `{"external_id":"a","email":"a@example.com","colour":"red"}`, "row 1: colour: unknown field"},
			{"contacts", "jsonl", `{"external_id":"a","email":"a@example.com","company_size":"big"}`, "row 1: company_size: expected int"},
			{"contacts", "jsonl", "{\"external_id\":\"a\",\"email\":\"a@example.com\"}\n{\"external_id\":\"b\",\"email\":\"a@example.com\"}", "row 2: email: a@example.com is also the email of row 1"},
			{"contacts", "csv", "external_id,mail\n", `header: unknown column "mail"`},
			{"contacts", "csv", "external_id,email,properties\na,a@example.com,{nope\n", "row 1: properties: is not valid JSON"},
			{"contacts", "csv", "external_id,email\n", "body: holds no rows"},
			{"orders", "jsonl", `{"external_id":"o","contact":"ghost","status":"shipped","placed_at":"2026-05-01T10:00:00Z"}`, `row 1: contact: no contact has the external id "ghost"`},
			{"orders", "jsonl", `{"external_id":"o","contact":"c","status":"gone","placed_at":"2026-05-01T10:00:00Z"}`, `row 1: status: "gone" is not one of`},
			{"orders", "jsonl", `{"external_id":"o","contact":"c","status":"shipped","placed_at":"yesterday"}`, "row 1: placed_at: not an RFC 3339 time"},
			{"orders", "jsonl", `{"external_id":"o","contact":"c","status":"shipped","placed_at":"2026-05-01T10:00:00Z","items":[{"sku":"x","quantity":0}]}`, "row 1: items[0].quantity: must be at least 1"},
			{"products", "jsonl", `{"external_id":"p/1","name":"x"}`, `row 1: external_id: must not contain "/"`},
			{"products", "csv", "external_id,name,availability\np,x,maybe\n", `row 1: availability: "maybe" is not one of`},
		} {
			var err error
			in := strings.NewReader(tc.body)
			switch tc.kind {
			case "contacts":
				_, err = b.svc.ImportContacts(b.ctx, "ws", crm.Format(tc.format), in)
			case "orders":
				_, err = b.svc.ImportOrders(b.ctx, "ws", crm.Format(tc.format), in)
			default:
				_, err = b.svc.ImportProducts(b.ctx, "ws", crm.Format(tc.format), in)
			}
			require.Error(t, err, tc.body)
			require.Equal(t, apperr.EINVALID, apperr.Code(err), err.Error())
			require.Contains(t, apperr.Message(err), tc.message)
		}
		require.Zero(t, count(t, db, &models.Contact{})+count(t, db, &models.Order{})+count(t, db, &models.Product{}))
	})
}

func TestListPagesAndFilters(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		b := setup(db)
		var body strings.Builder
		for i := range 7 {
			tier := "standard"
			if i%2 == 0 {
				tier = "premium"
			}
			body.WriteString(`{"external_id":"c-` + strconv.Itoa(i) + `","email":"u` + strconv.Itoa(i) + `@example.com","tier":"` + tier + `"}` + "\n")
		}
		_, err := b.svc.ImportContacts(b.ctx, "ws", crm.FormatJSONLines, strings.NewReader(body.String()))
		require.NoError(t, err)
		seen := map[string]bool{}
		q := crm.ListQuery{Filters: map[string]string{"tier": "premium"}, Limit: 3}
		for pages := 1; ; pages++ {
			list, next, err := b.svc.ListContacts(b.ctx, "ws", q)
			require.NoError(t, err)
			for _, c := range list {
				require.Equal(t, "premium", c.Tier)
				require.False(t, seen[c.ExternalID], "no repeats")
				seen[c.ExternalID] = true
			}
			if next == "" {
				require.Equal(t, 2, pages)
				break
			}
			q.PageToken = next
		}
		require.Len(t, seen, 4)
		list, _, err := b.svc.ListContacts(b.ctx, "ws", crm.ListQuery{Filters: map[string]string{"email": "u3@example.com"}})
		require.NoError(t, err)
		require.Len(t, list, 1)
		for _, q := range []crm.ListQuery{{PageToken: "nope"}, {Limit: 501}, {Filters: map[string]string{"colour": "red"}}} {
			_, _, err := b.svc.ListContacts(b.ctx, "ws", q)
			require.Equal(t, apperr.EINVALID, apperr.Code(err))
		}
	})
}

func TestDeletingAContactErasesItsPersonalData(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		b := setup(db)
		_, err := b.svc.ImportContacts(b.ctx, "ws", crm.FormatJSONLines, strings.NewReader(contactsJSONL))
		require.NoError(t, err)
		_, err = b.svc.ImportOrders(b.ctx, "ws", crm.FormatJSONLines, strings.NewReader(
			`{"external_id":"o-1","contact":"c-1","status":"shipped","placed_at":"2026-05-01T10:00:00Z"}`))
		require.NoError(t, err)
		var ada models.Contact
		require.NoError(t, db.Where("external_id = ?", "c-1").Take(&ada).Error)
		now := time.Now().UTC()
		rows := []any{
			// One conversation linked to the contact, one where the customer
			// only gave the email, one of someone else.
			&models.Conversation{ID: "conv-linked", WorkspaceID: "ws", ExternalID: "x1", ContactID: ada.ID, WorkflowID: "w1", Status: "resolved", StartedAt: now},
			&models.Conversation{ID: "conv-email", WorkspaceID: "ws", ExternalID: "x2", WorkflowID: "w2", Status: "resolved", StartedAt: now},
			&models.Conversation{ID: "conv-other", WorkspaceID: "ws", ExternalID: "x3", WorkflowID: "w3", Status: "resolved", StartedAt: now},
			&models.ConversationContact{ConversationID: "conv-email", WorkspaceID: "ws", ChannelID: "ch", Email: "ADA@example.com", Name: "Ada", Phone: "+1 555 0100", Subject: "My order"},
			&models.ConversationContact{ConversationID: "conv-other", WorkspaceID: "ws", ChannelID: "ch", Email: "bram@example.com", Name: "Bram"},
			&models.Message{ID: "m1", ConversationID: "conv-linked", ClientID: "1", Role: models.MessageCustomer, Text: "I am Ada", CreatedAt: now},
			&models.Message{ID: "m2", ConversationID: "conv-linked", ClientID: "1", Role: models.MessageAgent, Text: "Hi Ada", CreatedAt: now},
			&models.Message{ID: "m3", ConversationID: "conv-email", ClientID: "1", Role: models.MessageCustomer, Text: "my phone is 555", CreatedAt: now},
			&models.Message{ID: "m4", ConversationID: "conv-other", ClientID: "1", Role: models.MessageCustomer, Text: "I am Bram", CreatedAt: now},
			&models.OutboxMessage{ID: "ob1", WorkspaceID: "ws", Kind: "code", Recipient: "ada@example.com", Subject: "Code", Body: "123456", IdempotencyKey: "k1", CreatedAt: now},
			&models.ChannelDelivery{OutboxMessageID: "ob1", ChannelID: "ch", ConversationID: "conv-email", CreatedAt: now},
			&models.EmailThread{ID: "t1", ChannelID: "ch", ConversationID: "x2", MessageID: "ada-1@example.com", CreatedAt: now},
			&models.EmailThread{ID: "t2", ChannelID: "ch", ConversationID: "x3", MessageID: "bram-1@example.com", CreatedAt: now},
			&models.VerificationCode{ID: "v1", WorkspaceID: "ws", ConversationID: "conv-email", Email: "ada@example.com", Salt: []byte("s"), Hash: []byte("h"), CreatedAt: now},
		}
		for _, r := range rows {
			require.NoError(t, db.Create(r).Error)
		}

		require.NoError(t, b.svc.DeleteContact(b.ctx, "ws", "c-1"))
		_, err = b.svc.GetContact(b.ctx, "ws", "c-1")
		require.Equal(t, apperr.ENOTFOUND, apperr.Code(err))
		var texts []string
		require.NoError(t, db.Model(&models.Message{}).Order("id").Pluck("text", &texts).Error)
		require.Equal(t, []string{crm.Erased, crm.Erased, crm.Erased, "I am Bram"}, texts)
		var cc models.ConversationContact
		require.NoError(t, db.Where("conversation_id = ?", "conv-email").Take(&cc).Error)
		require.Equal(t, []string{"", "", "", ""}, []string{cc.Email, cc.Name, cc.Phone, cc.Subject})
		var other models.ConversationContact
		require.NoError(t, db.Where("conversation_id = ?", "conv-other").Take(&other).Error)
		require.Equal(t, "bram@example.com", other.Email)
		var conv models.Conversation
		require.NoError(t, db.Where("id = ?", "conv-linked").Take(&conv).Error)
		require.Empty(t, conv.ContactID)
		require.Zero(t, count(t, db, &models.OutboxMessage{}))
		require.Zero(t, count(t, db, &models.ChannelDelivery{}))
		var threads []string
		require.NoError(t, db.Model(&models.EmailThread{}).Pluck("id", &threads).Error)
		require.Equal(t, []string{"t2"}, threads, "the email threads of the contact's conversations go")
		require.Zero(t, count(t, db, &models.VerificationCode{}))
		o, err := b.svc.GetOrder(b.ctx, "ws", "o-1")
		require.NoError(t, err, "the order stays")
		require.Empty(t, o.Contact)
		require.Equal(t, apperr.ENOTFOUND, apperr.Code(b.svc.DeleteContact(b.ctx, "ws", "c-1")))
	})
}
