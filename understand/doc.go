// Package understand enriches one customer message before the agent decides
// whether to hand the conversation to a human and whether to run a CRM
// action. [Analyze] returns an [Analysis]: the customer's sentiment, the
// message's language, whether the customer asks for a person, the CRM
// action asked for ([Intent]), and an order number, email address and
// contact-field changes found in the text. Each part is also exported on its
// own: [Sentiment], [Language], [AsksForHuman], [DetectIntent],
// [OrderNumber], [Email] and [ContactUpdate].
//
// Everything here is an honest heuristic: word lists, short phrase patterns
// and regular expressions, written out in the source and described in each
// function's comment. There is no model and no learning, and the results
// are guesses that a misspelling, sarcasm or an unusual phrasing will fool.
// Callers should treat them as hints: ask the customer to confirm before an
// action, and let rules decide what a "frustrated" sentiment means.
//
// Matching ignores case and accents ("REFÜND" is "refund") and treats every
// kind of apostrophe alike ("can’t" is "can't" is "cant"). Phrases match
// whole words inside one sentence, so "cancel" does not match
// "cancellation". English is covered best; Spanish, French, German,
// Portuguese, Italian and Dutch have smaller word lists.
//
// What this package must not do: any I/O (database, network, files, logs),
// read the clock, use randomness, or keep state between calls. Its functions
// are pure and deterministic, so they are safe to run inside Temporal local
// activities and workflow code, whose results are recorded in history and
// must come out the same on replay. From this module it imports only
// textfold, which folds words for it and for rules alike.
package understand
