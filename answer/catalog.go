package answer

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/switchboardhq/switchboard/understand"
)

// Product is a product of the company's catalog, as a customer may ask
// about it: whether it is in stock, what it costs.
type Product struct {
	Name string
	SKU  string
	// Availability is models.Availability*: "in_stock", "out_of_stock",
	// "preorder" or "discontinued".
	Availability string
	PriceCents   int64
	Currency     string
	Variants     []Variant
}

// Variant is one variant of a product (a size, a colour); a price or an
// availability it does not give is the product's.
type Variant struct {
	Name         string
	SKU          string
	PriceCents   int64
	Availability string
}

// Catalog answers what a customer asks of a product they name: its stock
// and its price, as the company's catalog has them.
type Catalog struct {
	products []Product
	names    [][]string   // each product's name words, stemmed
	variants [][][]string // each product's variants' own words (not its name's), stemmed
	// named are the words of every product's name: the words that name an
	// item; variant the words of the variants' names ("A5", "blue"), which
	// say which one of an item, when it is named.
	named, variant map[string]bool
}

// NewCatalog reads the company's products.
func NewCatalog(products []Product) *Catalog {
	c := &Catalog{products: products, names: make([][]string, len(products)), variants: make([][][]string, len(products)),
		named: map[string]bool{}, variant: map[string]bool{}}
	for i, p := range products {
		c.names[i] = nameStems(p.Name, nil, c.named)
		for _, v := range p.Variants {
			c.variants[i] = append(c.variants[i], nameStems(v.Name, c.names[i], c.variant))
		}
	}
	return c
}

// nameStems are the content words of name, stemmed, each once, apart from
// those of except; each is set in set too.
func nameStems(name string, except []string, set map[string]bool) []string {
	var out []string
	for _, w := range words(name) {
		if s := stem(w); contentWord(w) && !slices.Contains(out, s) && !slices.Contains(except, s) {
			out = append(out, s)
			set[s] = true
		}
	}
	return out
}

// fit is how well a message names a product: first how many of the
// message's item words (words of the catalog's names and variants) the
// product leaves unexplained, fewer being better, then how many it explains,
// a word of its name counting two and a word of its variant one. "The A4
// ruled notebook" is the notebook that comes in "A4 ruled" rather than the
// "A4 recycled notebook"; "the recycled notebook in A4" is the "Recycled
// notebook" rather than another that comes in A4.
type fit struct{ unexplained, explained int }

func (f fit) better(g fit) bool {
	return f.unexplained < g.unexplained || f.unexplained == g.unexplained && f.explained > g.explained
}

// match is how well a message with the stems have names product i, and
// the variants of it it names by most of their own words.
func (c *Catalog) match(i int, have map[string]bool) (f fit, variants []int) {
	var best leaders
	for j, v := range c.variants[i] {
		best.add(j, count(v, have))
	}
	f.explained = 2*count(c.names[i], have) + best.score
	for s := range have {
		if (c.named[s] || c.variant[s]) && !slices.Contains(c.names[i], s) &&
			!slices.ContainsFunc(best.of, func(j int) bool { return slices.Contains(c.variants[i][j], s) }) {
			f.unexplained++
		}
	}
	return f, best.of
}

// best is the products a message with the stems have names best (fit),
// in the catalog's order, with the variants of each it names.
func (c *Catalog) best(have map[string]bool) (products []int, variants map[int][]int) {
	var best fit
	variants = map[int][]int{}
	for i := range c.products {
		f, vs := c.match(i, have)
		switch {
		case f.explained == 0:
			continue
		case len(products) == 0 || f.better(best):
			best, products = f, []int{i}
			clear(variants)
		case best.better(f):
			continue
		default:
			products = append(products, i)
		}
		variants[i] = vs
	}
	return products, variants
}

func count(stems []string, have map[string]bool) int {
	n := 0
	for _, s := range stems {
		if have[s] {
			n++
		}
	}
	return n
}

// leaders are the indexes of the highest score above zero.
type leaders struct {
	score int
	of    []int
}

func (l *leaders) add(i, score int) {
	switch {
	case score == 0 || score < l.score:
	case score > l.score:
		l.score, l.of = score, []int{i}
	default:
		l.of = append(l.of, i)
	}
}

// stockWords and priceWords ask whether a product is in stock and what it
// costs.
var (
	stockWords = wordSet("stock available availability unavailable sold restock restocked")
	priceWords = wordSet("price prices priced cost costs")
	// cheapWords and dearWords ask for the products' prices, lowest or
	// highest first ("What's the cheapest notebook?").
	cheapWords = wordSet("cheap cheaper cheapest")
	dearWords  = wordSet("expensive dearest pricey pricier priciest")
	// stockVerbs ask whether a product is in stock after "you".
	stockVerbs = wordSet("have sell carry stock")
)

// maxNamed is how many products a question may name at once for the
// catalog to answer: more say it named none in particular.
const maxNamed = 3

// Says is what the catalog says to a customer's message: for each product
// it names best (fit; at most three), whether it is in
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
	order := 0 // 1: cheapest first; -1: dearest first
	have := map[string]bool{}
	for i, w := range ws {
		switch {
		case stockWords[w]:
			stock = true
		case priceWords[w]:
			price = true
		case cheapWords[w]:
			price, order = true, 1
		case dearWords[w]:
			price, order = true, -1
			if i > 0 && (ws[i-1] == "least" || ws[i-1] == "less") {
				order = 1
			}
		case w == "most" || w == "more" || w == "least" || w == "less":
			// "the most expensive", "the least expensive"
		case w == "much" && i > 0 && ws[i-1] == "how":
			price = true
		case stockVerbs[w] && i > 0 && ws[i-1] == "you":
			stock = true // "Do you have the A4 notebook?", "do you sell …"
		case contentWord(w) && !c.named[stem(w)] && !c.variant[stem(w)]:
			return "" // it asks of something else
		}
		have[stem(w)] = true
	}
	if !stock && !price {
		return ""
	}
	named, variants := c.best(have)
	if len(named) == 0 || len(named) > maxNamed {
		return ""
	}
	type line struct {
		text  string
		cents int64
	}
	var lines []line
	say := func(name string, cents int64, currency, avail string) {
		var says []string
		if price && cents > 0 {
			says = append(says, money(cents, currency))
		}
		if stock || len(says) == 0 {
			if a := availabilityWords(avail); a != "" {
				says = append(says, a)
			}
		}
		if len(says) > 0 {
			lines = append(lines, line{name + ": " + strings.Join(says, ", ") + ".", cents})
		}
	}
	for _, i := range named {
		p := c.products[i]
		if len(variants[i]) == 0 {
			say(p.Name, p.PriceCents, p.Currency, p.Availability)
			continue
		}
		// A variant named is said for itself; what it does not give is
		// the product's.
		for _, j := range variants[i] {
			v := p.Variants[j]
			cents, avail := cmp.Or(v.PriceCents, p.PriceCents), cmp.Or(v.Availability, p.Availability)
			say(p.Name+", "+v.Name, cents, p.Currency, avail)
		}
	}
	if order != 0 {
		slices.SortStableFunc(lines, func(a, b line) int { return order * cmp.Compare(a.cents, b.cents) })
	}
	texts := make([]string, len(lines))
	for i, l := range lines {
		texts[i] = l.text
	}
	return strings.Join(texts, " ")
}

// maxFound is how many products Find returns at most.
const maxFound = 5

// Find is the catalog's products a query names, for the model's product
// lookup: those it names a word of (fit) or whose SKU (a variant's) it
// gives; at most five, best first, in the catalog's order among equals.
// None when it names no product.
func (c *Catalog) Find(query string) []Product {
	if c == nil {
		return nil
	}
	have, given := map[string]bool{}, map[string]bool{}
	for _, w := range words(query) {
		given[w] = true
		if contentWord(w) {
			have[stem(w)] = true
		}
	}
	fits := make([]fit, len(c.products))
	var found []int
	for i, p := range c.products {
		f, _ := c.match(i, have)
		if skuGiven(p.SKU, given) || slices.ContainsFunc(p.Variants, func(v Variant) bool { return skuGiven(v.SKU, given) }) {
			f.unexplained, f.explained = 0, f.explained+100 // a SKU names one product whatever else is said
		}
		if f.explained > 0 {
			fits[i] = f
			found = append(found, i)
		}
	}
	slices.SortStableFunc(found, func(a, b int) int {
		switch {
		case fits[a].better(fits[b]):
			return -1
		case fits[b].better(fits[a]):
			return 1
		}
		return 0
	})
	out := make([]Product, 0, min(len(found), maxFound))
	for _, i := range found[:min(len(found), maxFound)] {
		out = append(out, c.products[i])
	}
	return out
}

// skuGiven reports whether the query's words hold the SKU, in its own words
// ("NB-A4" is given by "nb a4" or "NB-A4").
func skuGiven(sku string, given map[string]bool) bool {
	ws := words(sku)
	if len(ws) == 0 {
		return false
	}
	for _, w := range ws {
		if !given[w] {
			return false
		}
	}
	return true
}

// Describe is the product as the model reads it: its SKU, price and
// availability, and each variant's where it differs.
func (p Product) Describe() string {
	var b strings.Builder
	b.WriteString(p.Name)
	if p.SKU != "" {
		b.WriteString(" (SKU " + p.SKU + ")")
	}
	var says []string
	if p.PriceCents > 0 {
		says = append(says, money(p.PriceCents, p.Currency))
	}
	if a := availabilityWords(p.Availability); a != "" {
		says = append(says, a)
	}
	if len(says) > 0 {
		b.WriteString(": " + strings.Join(says, ", "))
	}
	b.WriteString(".")
	if len(p.Variants) > 0 {
		b.WriteString(" Variants:")
		for i, v := range p.Variants {
			if i > 0 {
				b.WriteString(";")
			}
			b.WriteString(" " + v.Name)
			var says []string
			if v.SKU != "" {
				says = append(says, "SKU "+v.SKU)
			}
			if v.PriceCents > 0 && v.PriceCents != p.PriceCents {
				says = append(says, money(v.PriceCents, p.Currency))
			}
			if v.Availability != "" {
				says = append(says, availabilityWords(v.Availability))
			}
			if len(says) > 0 {
				b.WriteString(" (" + strings.Join(says, ", ") + ")")
			}
		}
		b.WriteString(".")
	}
	return b.String()
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

// availabilityWords is an availability in words.
func availabilityWords(a string) string {
	if w, ok := availability[a]; ok {
		return w
	}
	return strings.ReplaceAll(a, "_", " ")
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
