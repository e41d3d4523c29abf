package understand

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestIsSalesInquiry(t *testing.T) {
	t.Parallel()
	cases := []struct {
		text string
		want bool
	}{
		{"Do you offer volume discounts for 200 notebooks?", true},
		{"Can I get a quote for 500 reams of paper?", true},
		{"We'd like to buy in bulk for our office", true},
		{"I want to talk to sales about a business account", true},
		{"What is your pricing for enterprise plans?", true},
		{"Do you offer net-30 invoicing?", true},
		{"How long does shipping take?", false},
		{"I want to return order SP-1002", false},
		{"Where is my order?", false},
		{"Thanks, that's all", false},
		{"I don't need a quote", false},
		{"Do you offer student discounts?", false},
		{"Do you offer a discount on my first order?", false},
		{"Do you give discounts for schools?", true},
	}
	for _, tc := range cases {
		require.Equal(t, tc.want, IsSalesInquiry(tc.text), tc.text)
	}
}

func TestNumber(t *testing.T) {
	t.Parallel()
	cases := []struct {
		text string
		want float64
		ok   bool
	}{
		{"about 200 people", 200, true},
		{"$12,500 a month", 12500, true},
		{"10k", 10000, true},
		{"1.5m per year", 1500000, true},
		{"2 million", 2000000, true},
		{"5kg of paper", 5, true},
		{"not sure yet", 0, false},
	}
	for _, tc := range cases {
		v, ok := Number(tc.text)
		require.Equal(t, tc.ok, ok, tc.text)
		require.Equal(t, tc.want, v, tc.text)
	}
}
