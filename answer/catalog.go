package answer

import (
	"fmt"
	"slices"
	"strings"

	"github.com/switchboardhq/switchboard/understand"
)

// Product is a product of the company's catalog, as a customer may ask
// about it: whether it is in stock, what it costs.
type Product struct {
	Name string
	// Availability is models.Availability*: "in_stock", "out_of_stock",
	// "preorder" or "discontinued".
	Availability string
	PriceCents   int64
	Currency     string
}

// Catalog answers what a customer asks of a product they name: its stock
// and its price, as the company's catalog has them.
type Catalog struct {
	products []Product
	names    [][]string      // each product's name words, stemmed
	named    map[string]bool // the words of every name: the words that name an item
}

// NewCatalog reads the company's products.
func NewCatalog(products []Product) *Catalog {
	c := &Catalog{products: products, names: make([][]string, len(products)), named: map[string]bool{}}
	for i, p := range products {
		for _, w := range words(p.Name) {
			if contentWord(w) && !slices.Contains(c.names[i], stem(w)) {
				c.names[i] = append(c.names[i], stem(w))
				c.named[stem(w)] = true
			}
		}
	}
	return c
}

// stockWords and priceWords ask whether a product is in stock and what it
// costs.
var (
	stockWords = wordSet("stock available availability unavailable sold restock restocked")
	priceWords = wordSet("price prices priced cost costs")
)

// maxNamed is how many products a question may name at once for the
// catalog to answer: more say it named none in particular.
const maxNamed = 3

// Says is what the catalog says to a customer's message: for each product
// it names best (most of its name's words; at most three), whether it is in
// stock and what it costs, as the message asks. "" when it asks neither,
// names no product, or says more than a product's name and what it asks of
// it ("How much is shipping for a notebook?" asks the price of shipping). A
// follow-up's earlier lines (the question it follows) are not read.
func (c *Catalog) Says(message string) string {
	if c == nil || len(c.products) == 0 {
		return ""
	}
	glossed, _, _ := understand.Readings(message[strings.LastIndex(message, "\n")+1:])
	ws := words(glossed)
	stock, price := false, false
	have := map[string]bool{}
	for i, w := range ws {
		switch {
		case stockWords[w]:
			stock = true
		case priceWords[w]:
			price = true
		case w == "much" && i > 0 && ws[i-1] == "how":
			price = true
		case contentWord(w) && !c.named[stem(w)]:
			return "" // it asks of something else
		}
		have[stem(w)] = true
	}
	if !stock && !price {
		return ""
	}
	best, named := 0, []int(nil)
	for i, name := range c.names {
		n := 0
		for _, s := range name {
			if have[s] {
				n++
			}
		}
		switch {
		case n == 0 || n < best:
		case n > best:
			best, named = n, []int{i}
		default:
			named = append(named, i)
		}
	}
	if len(named) == 0 || len(named) > maxNamed {
		return ""
	}
	var lines []string
	for _, i := range named {
		p := c.products[i]
		var says []string
		if price && p.PriceCents > 0 {
			says = append(says, money(p.PriceCents, p.Currency))
		}
		if stock || len(says) == 0 {
			a, ok := availability[p.Availability]
			if !ok {
				a = strings.ReplaceAll(p.Availability, "_", " ")
			}
			if a != "" {
				says = append(says, a)
			}
		}
		if len(says) > 0 {
			lines = append(lines, p.Name+": "+strings.Join(says, ", ")+".")
		}
	}
	return strings.Join(lines, " ")
}

// answer is a, with what the catalog says to message first (alone when a
// does not answer, Known).
func (c *Catalog) answer(a Answer, message string) Answer {
	says := c.Says(message)
	switch {
	case says == "":
	case a.Known:
		a.Text = says + " " + a.Text
	default:
		a = Answer{Text: says, Known: true, Confidence: 1}
	}
	return a
}

// availability says a product's availability in words.
var availability = map[string]string{
	"in_stock": "in stock", "out_of_stock": "out of stock", "preorder": "available to pre-order", "discontinued": "no longer sold",
}

// money writes an amount of cents in currency.
func money(cents int64, currency string) string {
	amount := fmt.Sprintf("%d.%02d", cents/100, cents%100)
	switch strings.ToUpper(currency) {
	case "USD", "":
		return "$" + amount
	case "EUR":
		return "€" + amount
	case "GBP":
		return "£" + amount
	}
	return amount + " " + strings.ToUpper(currency)
}
