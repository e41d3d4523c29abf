package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/switchboardhq/switchboard/actions"
	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/metrics"
	"github.com/switchboardhq/switchboard/models"
)

// ErrActionFailed is the application error type of an action that cannot
// succeed (not found, outside the policy window); retrying will not help.
const ErrActionFailed = "ActionFailed"

// ActionInput is one CRM action for one customer message. Key (conversation
// + message ID) makes running it twice have one effect.
type ActionInput struct {
	WorkspaceID    string
	ConversationID string
	Key            string
	Action         string
	// ContactID is the verified contact the action is for.
	ContactID   string
	OrderNumber string
	// Update holds contact fields to change (phone, name, address).
	Update map[string]string
	// ReturnID is the return to compensate (CancelReturn).
	ReturnID string
	// ReturnWindows are the workspace's return windows in days by tier
	// (decide.Settings.ReturnWindows).
	ReturnWindows map[string]int `json:",omitempty"`
	// Options are the action's words for the company's own ways
	// (actions.Spec.Options).
	Options *models.BuiltinOptions `json:",omitempty"`
	// Language is the customer's, which an email is written in.
	Language string `json:",omitempty"`
	Now      time.Time
}

// ActionResult says what the action did, in words for the customer, and the
// row it created, for a later compensation.
type ActionResult struct {
	Text     string
	ReturnID string
}

// countAction records an action call in the metrics: ok, refused (the
// action cannot succeed, a reply says why) or error (retried, or the turn
// fails).
func countAction(action string, err error) {
	var app *temporal.ApplicationError
	switch {
	case err == nil:
		metrics.ActionCall(action, "ok")
	case errors.As(err, &app) && app.Type() == ErrActionFailed:
		metrics.ActionCall(action, "refused")
	default:
		metrics.ActionCall(action, "error")
	}
}

func actionFailed(format string, args ...any) error {
	return temporal.NewNonRetryableApplicationError(fmt.Sprintf(format, args...), ErrActionFailed, nil)
}

// OrderStatus describes an order's status.
func (a *Activities) OrderStatus(ctx context.Context, in ActionInput) (_ ActionResult, err error) {
	defer func() { countAction(decide.ActionOrderStatus, err) }()
	o, err := a.order(ctx, in)
	if err != nil {
		return ActionResult{}, err
	}
	var note string
	if in.Options != nil {
		note = in.Options.StatusNotes[o.Status]
	}
	return ActionResult{Text: decide.OrderStatusText(o, note)}, nil
}

func (a *Activities) order(ctx context.Context, in ActionInput) (models.Order, error) {
	var o models.Order
	err := a.DB.WithContext(ctx).Where("workspace_id = ? AND number = ?", in.WorkspaceID, in.OrderNumber).Take(&o).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return o, actionFailed("I couldn't find an order numbered %s.", in.OrderNumber)
	}
	if err != nil {
		return o, fmt.Errorf("load order: %w", err)
	}
	if in.ContactID != "" && o.ContactID != in.ContactID {
		return o, actionFailed("I couldn't find an order numbered %s for your account.", in.OrderNumber)
	}
	return o, nil
}

// CreateReturn is the first step of starting a return: it checks the policy
// window, records the return and marks the order. Idempotent by Key.
func (a *Activities) CreateReturn(ctx context.Context, in ActionInput) (_ ActionResult, err error) {
	defer func() { countAction(decide.ActionStartReturn, err) }()
	o, err := a.order(ctx, in)
	if err != nil {
		return ActionResult{}, err
	}
	var existing models.Return
	if err := a.DB.WithContext(ctx).Where("idempotency_key = ?", in.Key).Limit(1).Find(&existing).Error; err != nil {
		return ActionResult{}, fmt.Errorf("find return: %w", err)
	}
	if existing.ID != "" {
		return ActionResult{ReturnID: existing.ID}, nil
	}
	var contact models.Contact
	if err := a.DB.WithContext(ctx).Where("id = ?", o.ContactID).Limit(1).Find(&contact).Error; err != nil {
		return ActionResult{}, fmt.Errorf("load contact: %w", err)
	}
	window := decide.ReturnWindow(in.ReturnWindows, contact.Tier)
	if text, ok := decide.ReturnRefusal(decide.Order{Number: o.Number, Status: o.Status, DeliveredAt: o.DeliveredAt}, window, in.Now); !ok {
		return ActionResult{}, actionFailed("%s", text)
	}
	ret := models.Return{
		ID: uuid.NewString(), WorkspaceID: in.WorkspaceID, OrderID: o.ID, ConversationID: in.ConversationID,
		Status: models.ReturnRequested, IdempotencyKey: in.Key, CreatedAt: in.Now, UpdatedAt: in.Now,
	}
	err = a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&ret).Error; err != nil {
			return err
		}
		return tx.Model(&models.Order{}).Where("id = ?", o.ID).Update("status", models.OrderReturnRequested).Error
	})
	if err != nil {
		return ActionResult{}, fmt.Errorf("create return: %w", err)
	}
	return ActionResult{ReturnID: ret.ID}, nil
}

// SendReturnLabel is the second step of a return: it queues the email that
// confirms it, with the company's instructions for sending the items back
// (models.BuiltinOptions.ReturnInstructions). Idempotent by Key. (Its name
// is the one workflow histories know it by.)
func (a *Activities) SendReturnLabel(ctx context.Context, in ActionInput) (ActionResult, error) {
	o, err := a.order(ctx, in)
	if err != nil {
		return ActionResult{}, err
	}
	var contact models.Contact
	if err := a.DB.WithContext(ctx).Where("id = ?", o.ContactID).Take(&contact).Error; err != nil {
		return ActionResult{}, fmt.Errorf("load contact: %w", err)
	}
	var instructions string
	if in.Options != nil {
		instructions = in.Options.ReturnInstructions
	}
	mail := decide.ReturnEmail(in.Language, o.Number, instructions)
	err = a.queueEmail(ctx, models.OutboxMessage{
		WorkspaceID: in.WorkspaceID, Kind: "return_label", Recipient: contact.Email, Subject: mail.Subject, Body: mail.Body,
		IdempotencyKey: "return_label:" + in.Key, CreatedAt: in.Now,
	})
	if err != nil {
		return ActionResult{}, err
	}
	return ActionResult{ReturnID: in.ReturnID, Text: decide.ReturnStartedText(o.Number, contact.Email, instructions)}, nil
}

// CancelReturn compensates CreateReturn: it cancels the return and restores
// the order's status. Idempotent.
func (a *Activities) CancelReturn(ctx context.Context, in ActionInput) (ActionResult, error) {
	err := a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var ret models.Return
		if err := tx.Where("id = ?", in.ReturnID).Limit(1).Find(&ret).Error; err != nil {
			return err
		}
		if ret.ID == "" || ret.Status == models.ReturnCancelled {
			return nil
		}
		if err := tx.Model(&ret).Updates(map[string]any{"status": models.ReturnCancelled, "updated_at": in.Now}).Error; err != nil {
			return err
		}
		return tx.Model(&models.Order{}).Where("id = ? AND status = ?", ret.OrderID, models.OrderReturnRequested).
			Update("status", models.OrderDelivered).Error
	})
	if err != nil {
		return ActionResult{}, fmt.Errorf("cancel return: %w", err)
	}
	return ActionResult{}, nil
}

// UpdateContact changes the contact's phone, name or address.
func (a *Activities) UpdateContact(ctx context.Context, in ActionInput) (_ ActionResult, err error) {
	defer func() { countAction(decide.ActionUpdateContact, err) }()
	if in.ContactID == "" {
		return ActionResult{}, actionFailed("I need to know who you are before I can change your details.")
	}
	var fields []string
	err = a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var c models.Contact
		if err := tx.Where("id = ?", in.ContactID).Take(&c).Error; err != nil {
			return err
		}
		props := c.Properties.V
		if props == nil {
			props = map[string]any{}
		}
		updates := map[string]any{"updated_at": in.Now}
		for _, field := range []string{"name", "phone", "address"} {
			v, ok := in.Update[field]
			if !ok {
				continue
			}
			fields = append(fields, field)
			if field == "name" {
				updates["name"] = v
			} else {
				props[field] = v
			}
		}
		updates["properties"] = models.NewJSON(props)
		return tx.Model(&c).Updates(updates).Error
	})
	if err != nil {
		return ActionResult{}, fmt.Errorf("update contact: %w", err)
	}
	if len(fields) == 0 {
		return ActionResult{}, actionFailed("I can change your name, phone number or address; tell me which and the new value.")
	}
	return ActionResult{Text: decide.ContactUpdatedText(fields)}, nil
}

// PasswordReset queues a password-reset email to the contact's own address.
func (a *Activities) PasswordReset(ctx context.Context, in ActionInput) (_ ActionResult, err error) {
	defer func() { countAction(decide.ActionPasswordReset, err) }()
	if in.ContactID == "" {
		return ActionResult{}, actionFailed("Tell me the email address of your account and I'll send a reset link to it.")
	}
	if in.Options == nil || in.Options.ResetURL == "" {
		// A workspace that enabled the action before it needed the page.
		return ActionResult{}, actionFailed("%s", decide.ResetUnavailableText)
	}
	var c models.Contact
	if err := a.DB.WithContext(ctx).Where("id = ?", in.ContactID).Take(&c).Error; err != nil {
		return ActionResult{}, fmt.Errorf("load contact: %w", err)
	}
	mail := decide.ResetEmail(in.Language, in.Options.ResetURL)
	err = a.queueEmail(ctx, models.OutboxMessage{
		WorkspaceID: in.WorkspaceID, Kind: "password_reset", Recipient: c.Email, Subject: mail.Subject, Body: mail.Body,
		IdempotencyKey: "password_reset:" + in.Key, CreatedAt: in.Now,
	})
	if err != nil {
		return ActionResult{}, err
	}
	return ActionResult{Text: decide.PasswordResetSentText(c.Email)}, nil
}

func (a *Activities) queueEmail(ctx context.Context, m models.OutboxMessage) error {
	m.ID = uuid.NewString()
	if err := a.DB.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&m).Error; err != nil {
		return fmt.Errorf("queue %s email: %w", m.Kind, err)
	}
	return nil
}

// CallActionInput is one call of a company-defined (HTTP) action.
type CallActionInput struct {
	WorkspaceID string
	Action      string
	// Inputs are the values gathered for it, as text.
	Inputs map[string]string
	// Email is the verified customer's address, "" when the action does
	// not run for a verified customer; ContactID their contact, if any.
	Email     string
	ContactID string
	// Key makes a retried call recognisable: it is the Idempotency-Key of
	// an action that changes data.
	Key string
}

// CallActionResult is what the call did: the reply for the customer and
// the exchange's outline for the journal.
type CallActionResult struct {
	Text       string
	Status     int
	DurationMS int64
}

// CallAction calls a company's system for an action, under the action's
// timeout (set where it is called) and the network policy. A refusal (4xx)
// or inputs the schema rejects fail for good with a reply for the
// customer; anything else is retried.
func (a *Activities) CallAction(ctx context.Context, in CallActionInput) (_ CallActionResult, err error) {
	defer func() { countAction(in.Action, err) }()
	loaded, err := actions.Load(ctx, a.DB, a.Secrets, in.WorkspaceID, in.Action)
	if errors.Is(err, actions.ErrNotFound) || (err == nil && !loaded.Enabled) {
		return CallActionResult{}, actionFailed("%s", decide.NoLongerText)
	}
	if err != nil {
		return CallActionResult{}, err
	}
	values, err := actions.Values(loaded.Spec, in.Inputs)
	if err != nil {
		return CallActionResult{}, actionFailed("I couldn't do that: %s", err)
	}
	contact := map[string]string{}
	if in.Email != "" {
		contact["email"] = in.Email
	}
	if in.ContactID != "" {
		var c models.Contact
		if err := a.DB.WithContext(ctx).Where("id = ?", in.ContactID).Limit(1).Find(&c).Error; err != nil {
			return CallActionResult{}, fmt.Errorf("load contact: %w", err)
		}
		contact["name"], contact["external_id"] = c.Name, c.ExternalID
	}
	client := actions.NewClient(a.ActionsAllowPrivate, loaded.Hosts)
	ex, err := actions.Call(ctx, client, actions.CallInput{
		Spec: loaded.Spec, Inputs: values, Contact: contact, Secrets: loaded.Secrets, IdempotencyKey: in.Key,
	})
	out := CallActionResult{Text: ex.Reply, Status: ex.Status, DurationMS: ex.DurationMS}
	var inputErr *actions.InputError
	if refused, ok := actions.IsRefused(err); ok {
		return out, actionFailed("I couldn't do that: %s", refused)
	} else if errors.As(err, &inputErr) {
		return out, actionFailed("I couldn't do that: %s", inputErr)
	} else if err != nil {
		return out, err
	}
	return out, nil
}
