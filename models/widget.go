package models

import "time"

// WidgetOrigins are the sites (browser origins like https://shop.example)
// that may embed a chat channel's page in a frame and call the widget's API
// routes from their own scripts. A channel without a row may be embedded
// only by the origins SWITCHBOARD_WIDGET_ORIGINS lists.
type WidgetOrigins struct {
	ChannelID   string `gorm:"primaryKey;size:36"`
	WorkspaceID string `gorm:"not null;index;size:36"`
	Origins     JSON[[]string]
	UpdatedAt   time.Time
}

func widgetModels() []any { return []any{&WidgetOrigins{}} }
