package demo

// HandoffRuleCount is how many rules the demo publishes.
var HandoffRuleCount = len(handoffRules)
