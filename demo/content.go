package demo

import "github.com/switchboardhq/switchboard/models"

// article is a knowledge-base article of the demo store.
type article struct {
	Title string
	Slug  string
	Body  string
}

// articles are the demo store's knowledge base, in Markdown.
var articles = []article{
	{
		Title: "Shipping times and costs",
		Slug:  "shipping",
		Body: `Sprocket Supply Co. ships every order from our warehouse in Portland, Oregon, in plastic-free packaging.

## Shipping times
Orders placed before 2 pm Pacific time on a business day leave the warehouse the same day. Standard shipping takes 3–5 business days within the contiguous United States. Express shipping takes 1–2 business days. Orders to Alaska and Hawaii take 5–8 business days.

## Shipping costs
Standard shipping costs $6.95 and is free on orders over $75. Express shipping costs $19.95. Wholesale orders ship by freight; the cost is quoted on the order.

## International shipping
We ship to Canada, the United Kingdom and the European Union. International delivery takes 7–14 business days. Customs duties and import taxes are paid by the recipient on delivery. We do not ship batteries or aerosols outside the United States.

## Tracking your order
You get an email with a tracking link as soon as your order ships. An order shown as delayed is still on its way; if an order has not moved for 10 business days, we treat it as lost and send a replacement or a refund.`,
	},
	{
		Title: "Returns and refunds",
		Slug:  "returns",
		Body: `We want you to love what you bought. If you don't, you can return it.

## Return window
You can return most items within 30 days of delivery. Wholesale orders can be returned within 14 days of delivery. Personalised items, opened ink refills and gift cards cannot be returned.

## Conditions
Items must be unused and in their original packaging. Paper products must be in their sealed wrap. Damaged or faulty items can be returned at any time within a year, and we pay the return shipping.

## How to start a return
Start a return from your order page or ask our assistant with your order number. We email you a prepaid return label; return shipping costs $5, taken from your refund, unless the item was faulty.

## Refunds
Refunds go back to the original payment method within 5–7 business days after the return reaches our warehouse. Store credit is issued immediately if you prefer it.`,
	},
	{
		Title: "Products: sizes, materials and availability",
		Slug:  "products",
		Body: `Everything we sell is made from recycled, reclaimed or rapidly renewable materials.

## Notebooks and paper
Our notebooks come in A5, A4 and pocket (A6) sizes, with 100% post-consumer recycled paper at 90 gsm. Printer paper comes in letter and A4 sizes, in reams of 500 sheets.

## Desk organisers and pens
Desk organisers are made from reclaimed bamboo and cork. Our refillable pens have aluminium bodies; ink refills come in black, blue and green.

## Availability
Items marked "in stock" ship the same day. Items marked "back soon" are restocked within three weeks; you can order them now and they ship as soon as they arrive. Wholesale buyers can reserve stock for up to 60 days.`,
	},
}

// contact is a demo CRM contact.
type contact struct {
	Email, Name, Tier, Stage string
	CompanySize              int
	Verified                 bool
}

var contacts = []contact{
	{"ada@example.com", "Ada Fernández", "standard", "customer", 1, true},
	{"bram@example.com", "Bram Okafor", "premium", "customer", 1, true},
	{"purchasing@greenleaf-offices.example", "Greenleaf Offices (Carla Nguyen)", "wholesale", "customer", 180, true},
	{"it@northwind-enterprise.example", "Northwind Enterprise (Dev Patel)", "enterprise", "customer", 2400, true},
	{"lee@example.com", "Lee Marsh", "standard", "lead", 1, false},
}

// order is a demo order; days are relative to seeding time.
type order struct {
	Number, Email, Status string
	TotalCents            int64
	PlacedDaysAgo         int
	ShippedDaysAgo        int // 0: not shipped
	DeliveredDaysAgo      int // 0: not delivered
	Items                 []item
}

type item struct {
	SKU, Name string
	Qty       int
}

var orders = []order{
	{"SP-1001", "ada@example.com", "processing", 2480, 1, 0, 0, []item{{"NB-A5", "A5 recycled notebook", 2}}},
	{"SP-1002", "ada@example.com", "delivered", 5995, 20, 17, 12, []item{{"ORG-BAM", "Bamboo desk organiser", 1}}},
	{"SP-1003", "bram@example.com", "shipped", 8740, 4, 2, 0, []item{{"PEN-AL", "Refillable aluminium pen", 4}, {"INK-BLK", "Black ink refill", 8}}},
	{"SP-1004", "bram@example.com", "delayed", 3200, 12, 9, 0, []item{{"NB-A4", "A4 recycled notebook", 4}}},
	{"SP-1005", "purchasing@greenleaf-offices.example", "lost", 128000, 30, 27, 0, []item{{"PAP-LTR", "Recycled letter paper, ream", 200}}},
	{"SP-1006", "it@northwind-enterprise.example", "delivered", 452000, 45, 42, 40, []item{{"ORG-CORK", "Cork desk organiser", 400}}},
}

// product is a demo catalogue item.
type product struct {
	SKU, Name    string
	PriceCents   int64
	Availability string
}

var products = []product{
	{"NB-A5", "A5 recycled notebook", 1240, models.AvailabilityInStock},
	{"NB-A4", "A4 recycled notebook", 800, models.AvailabilityOutOfStock},
	{"ORG-BAM", "Bamboo desk organiser", 5995, models.AvailabilityInStock},
	{"ORG-CORK", "Cork desk organiser", 1130, models.AvailabilityInStock},
	{"PEN-AL", "Refillable aluminium pen", 1800, models.AvailabilityInStock},
	{"INK-BLK", "Black ink refill", 192, models.AvailabilityInStock},
	{"PAP-LTR", "Recycled letter paper, ream", 640, models.AvailabilityPreorder},
}

// handoffRule is a demo handoff rule.
type handoffRule struct {
	Name, Condition, Mode, Team, Message string
}

// handoffRules are the demo's published handoff rule set, first match wins.
var handoffRules = []handoffRule{
	{
		Name: "Refunds, cancellations and log-in problems go to a person",
		Condition: `containsAny(conversation.text, ["refund", "cancel", "can't log in", "cannot log in", "chargeback", ` +
			`"money back", "stop the order", "stop my order"])`,
		Mode:    "transfer_now",
		Team:    "support",
		Message: "I'm bringing in someone from our support team who can sort this out for you.",
	},
	{
		Name: "Billing disputes, missing orders and account changes go to a person",
		Condition: `containsAny(conversation.text, ["charged twice", "double charged", "charged me twice", "dispute", ` +
			`"overcharged", "never arrived", "hasn't arrived", "has not arrived", "didn't arrive", "never received", ` +
			`"not received", "didn't receive", "weeks late", "change my email", "change the email"])`,
		Mode:    "transfer_now",
		Team:    "support",
		Message: "I'm bringing in someone from our support team who can look into this with you.",
	},
	{
		Name:      "Frustrated customers go to a person",
		Condition: `conversation.sentiment == "frustrated"`,
		Mode:      "transfer_now",
		Team:      "support",
		Message:   "I'm sorry this has been frustrating. A member of our team will take over from here.",
	},
	{
		Name:      "Enterprise and wholesale buyers get their account team",
		Condition: `contact.tier in ["enterprise", "wholesale"] && containsAny(conversation.text, ["invoice", "quote", "contract", "bulk"])`,
		Mode:      "keep_assisting",
		Team:      "accounts",
		Message:   "I've let your account team know; I'll keep helping until they join.",
	},
}

// leadQuestions are what the agent asks a prospective wholesale buyer.
var leadQuestions = []models.LeadQuestion{
	{Property: "employees", Question: "How many people work at your organisation?", Kind: models.LeadNumber},
	{Property: "monthly_budget", Question: "Roughly what do you spend on office supplies per month, in dollars?", Kind: models.LeadNumber},
	{Property: "timeline", Question: "When would you like to start ordering: this month, this quarter or later?", Kind: models.LeadChoice,
		Choices: []string{"this month", "this quarter", "later"}},
}

// leadScore scores the answers out of 100; 60 qualifies.
const leadScore = `(contact.properties.employees >= 50 ? 40 : contact.properties.employees >= 10 ? 20 : 0)` +
	` + (contact.properties.monthly_budget >= 2000 ? 40 : contact.properties.monthly_budget >= 500 ? 20 : 0)` +
	` + (contact.properties.timeline == "this month" ? 20 : contact.properties.timeline == "this quarter" ? 10 : 0)`
