package models

// analyticsModels lists the models of reporting.
func analyticsModels() []any {
	return []any{}
}
