package models

// sourceModels lists the models of content sources and issue types beyond
// ContentSource.
func sourceModels() []any {
	return []any{}
}
