package understand

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSentiment(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		text string
		want string
	}{
		// Frustrated.
		{"ridiculous", "This is ridiculous, I ordered two weeks ago", SentimentFrustrated},
		{"worst service", "Worst service ever.", SentimentFrustrated},
		{"fed up", "I'm fed up with waiting", SentimentFrustrated},
		{"still haven't received", "I still haven’t received my order", SentimentFrustrated},
		{"still have not received", "I still have not received anything", SentimentFrustrated},
		{"third time", "This is the third time I'm writing to you", SentimentFrustrated},
		{"unacceptable", "Totally unacceptable.", SentimentFrustrated},
		{"waste of time", "What a waste of time", SentimentFrustrated},
		{"useless beats thanks", "Thanks for nothing, your bot is useless", SentimentFrustrated},
		{"what a joke", "what a joke", SentimentFrustrated},
		{"repeated exclamation", "Where is my order!!", SentimentFrustrated},
		{"repeated question", "Hello?? Anyone there??", SentimentFrustrated},
		{"interrobang", "You charged me twice?!", SentimentFrustrated},
		{"capitals", "WHERE IS MY ORDER", SentimentFrustrated},
		{"capitals with a code", "I NEED MY REFUND FOR SP-1003 NOW", SentimentFrustrated},
		{"profanity", "where the fuck is my package", SentimentFrustrated},
		{"accented frustration", "C'est inacceptable", SentimentFrustrated},
		{"german frustration", "Ich bin wütend", SentimentFrustrated},

		// Not frustrated.
		{"short capitals", "OK THX", SentimentPositive},
		{"code in capitals is not shouting", "Status of SP-1003 and AB-99999?", SentimentNeutral},
		{"negated anger", "I'm not angry, just disappointed", SentimentNegative},

		// Negative.
		{"disappointed", "I'm disappointed with the quality", SentimentNegative},
		{"broken", "The lid arrived broken", SentimentNegative},
		{"late", "My delivery is late", SentimentNegative},
		{"not helpful", "That was not helpful", SentimentNegative},
		{"not great", "not great", SentimentNegative},
		{"wasn't great", "The packaging wasn’t great", SentimentNegative},
		{"not happy", "I am not happy with this", SentimentNegative},
		{"thanks but damaged", "Thanks, but the vase arrived damaged", SentimentNegative},
		{"doesn't work", "The charger doesn't work", SentimentNegative},
		{"negation stops at a comma", "No, it arrived broken", SentimentNegative},
		{"spanish negative", "El producto llegó roto", SentimentNegative},

		// Positive.
		{"thanks", "Thanks!", SentimentPositive},
		{"thank you", "thank you so much", SentimentPositive},
		{"great and helpful", "Great, that was really helpful", SentimentPositive},
		{"no problem", "No problem at all, thanks", SentimentPositive},
		{"problem fixed", "Perfect, the problem is fixed now. Thanks!", SentimentPositive},
		{"no thanks is not negative", "No thanks, I'm good", SentimentPositive},
		{"french thanks", "Merci beaucoup", SentimentPositive},

		// Neutral.
		{"question", "What are your opening hours?", SentimentNeutral},
		{"empty", "", SentimentNeutral},
		{"not bad is not negative", "not bad", SentimentNeutral},
		{"chinese", "我的订单在哪里", SentimentNeutral},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, Sentiment(tt.text), tt.text)
		})
	}
}
