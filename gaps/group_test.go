package gaps

import (
	"encoding/json"
	"slices"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/clinc150"
)

func TestGapsStem(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ word, stem string }{
		{"shipping", "ship"}, {"shipped", "ship"}, {"ships", "ship"}, {"ship", "ship"},
		{"refunds", "refund"}, {"refunded", "refund"}, {"refunding", "refund"},
		{"rate", "rat"}, {"rating", "rat"}, {"rates", "rat"},
		{"cancellation", "cancel"}, {"cancelled", "cancel"}, {"cancel", "cancel"},
		{"reservation", "reserv"}, {"reserve", "reserv"}, {"reservations", "reserv"},
		{"deliveries", "delivery"}, {"delivery", "delivery"},
		{"address", "address"}, {"status", "status"}, {"bill", "bill"}, {"billed", "bill"},
		{"install", "instal"}, {"installed", "instal"},
		{"gift", "gift"}, {"bus", "bus"}, {"wrapping", "wrap"},
		{"größe", "größe"},
	} {
		require.Equal(t, tc.stem, Stem(tc.word), tc.word)
	}
}

func TestGapsTokensDropStopWordsAndKeepTopicWords(t *testing.T) {
	t.Parallel()
	require.Equal(t, []string{"gift", "wrap", "order"}, Tokens("Can you please gift-wrap my order?"))
	require.Equal(t, []string{"ship", "canada"}, Tokens("Do you ship to Canada??"))
	require.Empty(t, Tokens("What is it? Can you tell me?"))
}

func TestGapsGroupSeparatesTopicsOfSupportQuestions(t *testing.T) {
	t.Parallel()
	questions := []string{
		"Do you offer gift wrapping?",            // 0
		"Do you ship to Canada?",                 // 1
		"Can I get my order gift wrapped?",       // 2
		"How much is shipping to Canada?",        // 3
		"Is gift wrapping available for orders?", // 4
		"What is the meaning of life?",           // 5
		"Do you deliver to Canada or Mexico?",    // 6
	}
	topics := Group(questions, Options{})
	var members [][]int
	for _, tp := range topics {
		members = append(members, tp.Members)
	}
	require.Equal(t, [][]int{{0, 2, 4}, {1, 3, 6}, {5}}, members)
	require.Equal(t, "gift", topics[0].Terms[0])
	require.Equal(t, "canada", topics[1].Terms[0])
	require.Empty(t, Group(nil, Options{}))
	// Questions of stop words only have no terms: each is its own topic.
	require.Len(t, Group([]string{"what?", "how?"}, Options{}), 2)
}

// TestGapsGroupCLINC150Paraphrases groups real paraphrases: 15 utterances of
// each of 20 intents from the test split of CLINC150, a split the threshold
// was not chosen on. Utterances of one intent should land in one topic, of
// different intents in different ones.
//
// Purity: the share of utterances whose topic's most common intent is their
// own (1 = no topic mixes intents). Inverse purity: the share of utterances
// in their intent's largest topic (1 = no intent is split). Measured with
// DefaultThreshold 0.1: purity 0.897, inverse purity 0.770, 37 topics for
// 20 intents.
func TestGapsGroupCLINC150Paraphrases(t *testing.T) {
	t.Parallel()
	questions, intents := clinc150Sample(t, "test", 20, 15)
	topics := Group(questions, Options{})
	purity, inverse := purities(topics, intents)
	t.Logf("CLINC150 test split, 20 intents × 15 utterances: %d topics, purity %.3f, inverse purity %.3f",
		len(topics), purity, inverse)
	require.GreaterOrEqual(t, purity, 0.86, "topics mix intents")
	require.GreaterOrEqual(t, inverse, 0.73, "intents are split over topics")
	require.LessOrEqual(t, len(topics), 45, "too many topics for 20 intents")
	require.GreaterOrEqual(t, len(topics), 20)

	// The same questions give the same topics.
	require.Equal(t, topics, Group(questions, Options{}))
	// A stricter threshold gives purer, more numerous topics.
	strict := Group(questions, Options{Threshold: 0.3})
	strictPurity, _ := purities(strict, intents)
	require.Greater(t, len(strict), len(topics))
	require.GreaterOrEqual(t, strictPurity, purity)
}

// clinc150Sample takes perIntent utterances of each of n intents spread over
// the alphabet (every 7th intent by name).
func clinc150Sample(t *testing.T, split string, n, perIntent int) (questions, intents []string) {
	t.Helper()
	raw, err := clinc150.Read(clinc150.Path())
	require.NoError(t, err, "CLINC150 is kept in the repository (testdata/clinc150)")
	var data map[string][][2]string
	require.NoError(t, json.Unmarshal(raw, &data))
	byIntent := map[string][]string{}
	for _, e := range data[split] {
		byIntent[e[1]] = append(byIntent[e[1]], e[0])
	}
	names := make([]string, 0, len(byIntent))
	for name := range byIntent {
		names = append(names, name)
	}
	sort.Strings(names)
	require.Len(t, names, 150)
	for i := 0; i < len(names) && i/7 < n; i += 7 {
		utterances := byIntent[names[i]]
		require.GreaterOrEqual(t, len(utterances), perIntent)
		for _, u := range utterances[:perIntent] {
			questions = append(questions, u)
			intents = append(intents, names[i])
		}
	}
	require.Len(t, questions, n*perIntent)
	return questions, intents
}

func purities(topics []Topic, labels []string) (purity, inverse float64) {
	inTopic := map[string][]int{} // intent → count per topic
	pure := 0
	for ti, tp := range topics {
		count := map[string]int{}
		for _, m := range tp.Members {
			count[labels[m]]++
			if inTopic[labels[m]] == nil {
				inTopic[labels[m]] = make([]int, len(topics))
			}
			inTopic[labels[m]][ti]++
		}
		most := 0
		for _, c := range count {
			most = max(most, c)
		}
		pure += most
	}
	whole := 0
	for _, counts := range inTopic {
		whole += slices.Max(counts)
	}
	n := float64(len(labels))
	return float64(pure) / n, float64(whole) / n
}

func BenchmarkGroupMaxQuestions(b *testing.B) {
	raw, err := clinc150.Read(clinc150.Path())
	require.NoError(b, err)
	var data map[string][][2]string
	require.NoError(b, json.Unmarshal(raw, &data))
	questions := make([]string, 0, MaxQuestions)
	for _, e := range data["train"][:MaxQuestions] {
		questions = append(questions, e[0])
	}
	for b.Loop() {
		Group(questions, Options{})
	}
}
