// Package rules compiles and evaluates the conditions that workspace admins
// write to decide which conversations the agent takes (routing rules) and when
// it hands a conversation to a human team (handoff rules).
//
// Conditions are expr expressions (github.com/expr-lang/expr) over a typed
// [Env]: the conversation, the contact's CRM properties, the order in question
// and a fixed evaluation time. For example:
//
//	containsAny(conversation.text, ["refund", "cancel", "can't log in"])
//	conversation.sentiment == "frustrated" && contact.tier == "enterprise"
//	!inWorkingHours("mon-fri 09:00-17:00 Europe/Berlin")
//
// [Compile] type-checks a condition once and reports problems as a
// [*CompileError] with a kind and a 1-based line:column; [Fields] lists every
// name a condition may use, for the admin-facing reference. [Cache.Evaluate]
// runs a rule set against one environment and records which rule matched and
// which inputs each condition read.
//
// Conditions are bounded: at most [MaxConditionLength] characters and
// [MaxNodes] syntax nodes when compiled; per evaluation at most
// [MaxIterations] list elements looked at (by predicates, and by builtins
// such as sum and median that read a whole list), [MaxTextWork] bytes of text
// processing and [MaxListElements] list elements built; and [MaxEvalTime]
// per condition, or per rule set for [Cache.Evaluate], which also evaluates
// at most [MaxRules] rules. A condition over an evaluation limit fails
// instead of stalling a workflow task. expr builtins that build unbounded
// data (map, reduce, repeat, replace, join, toJSON, ...) are not available.
//
// What this package must not do: any I/O (database, network, files), read the
// wall clock for an answer, or use randomness. Evaluation depends only on the
// condition text and the [Env] passed in, so a decision is the same wherever
// and whenever it is made. expr's builtin now() is disabled for that reason;
// `now` in a condition is [Env.Now]. The clock only stops an evaluation that
// runs past MaxEvalTime, which the work limits keep real conditions far
// from; as that depends on the machine, workflows evaluate rules in an
// activity (EvaluateRules), whose result their history keeps, rather than in
// workflow code. The other caveat is time-zone data: zone names are resolved
// with time.LoadLocation, which prefers the operating system's zoneinfo over
// the copy embedded through time/tzdata, so workers should run with the same
// zone database. It imports neither the workflows nor
// the activities package.
package rules
