// Package textfold splits text into words folded for comparison, so that
// every package that matches words in customer text folds it the same way.
//
// It has two foldings, and each caller uses the one its purpose needs:
//
//   - [Words] and [WriteRune] fold for matching phrases: lower case, accents
//     dropped, a few letters spelled out (ß is "ss"), apostrophes dropped
//     ("can’t" is "cant"), and in scripts written without spaces every
//     character a word. Package rules (containsAny) uses Words; package
//     understand, whose tokenizer keeps each word's byte offsets, classifies
//     the characters itself with [IsApostrophe] and [IsSpacelessScript] and
//     folds them with WriteRune.
//   - [LowerWords] only lower-cases and splits on anything that is not a
//     letter or digit. Packages knowledge and gaps use it (and issuetypes
//     through knowledge) because their words must be the ones Weaviate's
//     "word" tokenization indexes for BM25, which keeps accents and splits
//     at apostrophes; folding them further would make a query miss what the
//     index holds.
//
// Stemming and stop words are not folding and stay with their callers:
// knowledge's stems are stored in the index and gaps stems harder to group
// questions by topic.
//
// What this package must not do: any I/O, read the clock, use randomness or
// keep state; its functions are pure, because rules and understand call them
// from Temporal workflow code that must give the same answer on replay. It
// imports nothing from this module. A change to what a function returns is
// a change of behaviour for every caller (rule matches, the message analysis
// recorded in workflow histories, the search index), never a refactor.
package textfold
