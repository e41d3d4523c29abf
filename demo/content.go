package demo

import (
	"github.com/switchboardhq/switchboard/actions"
	"github.com/switchboardhq/switchboard/models"
)

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

// tracking is where the demo's parcels on their way can be followed.
var tracking = map[string]models.OrderTracking{
	"SP-1003": {Carrier: "UPS", Number: "1Z999AA10123456784", URL: "https://sprocketsupply.example/track/SP-1003"},
	"SP-1004": {Carrier: "USPS", Number: "9400111899223100001234", URL: "https://sprocketsupply.example/track/SP-1004"},
}

// builtinOptions are the demo store's own ways, as the built-in actions'
// replies tell them (its shipping and returns articles say the same).
var builtinOptions = map[string]models.BuiltinOptions{
	actions.OrderStatus: {StatusNotes: map[string]string{
		models.OrderDelayed: "It is still on its way; if it has not moved for 10 business days, we send a replacement or a refund.",
		models.OrderLost:    "We will send a replacement or a refund.",
	}},
	actions.StartReturn: {ReturnInstructions: "Your prepaid return label is on your order page: print it and drop the parcel at any carrier point. " +
		"Return shipping costs $5, taken from your refund unless the item was faulty; the refund goes back to your original payment method within 5–7 business days after the parcel reaches us."},
	actions.PasswordReset: {ResetURL: "https://sprocketsupply.example/account/reset-password"},
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

// issueType is a demo issue type with its example messages.
type issueType struct {
	Name, Description string
	Examples          []string
}

// issueTypes are the kinds of messages the demo store tells apart. The
// product guide's cases for a person (order_problem, refund_request,
// billing_dispute, account_change, cancellation) are named by the handoff
// rules below; the others are what the agent handles itself, so that "how
// long until my money is back?" is told apart from "I want my money back",
// and "where is my order?" from "my order never arrived".
var issueTypes = []issueType{
	{"order_problem", "An order that is late, lost, or marked delivered but not received.", []string{
		"My parcel is overdue and still hasn't shown up", "The order is far past the delivery estimate",
		"Tracking shows it was delivered yesterday, but nothing came", "I think the courier lost my package",
		"It has been three weeks and my order is still not here", "The tracking hasn't moved in ten days",
		"The delivery is delayed again and I need these items", "My box went missing somewhere in transit",
		"Nothing has arrived although the site says delivered", "This shipment is so late, it should have come last week",
	}},
	{"order_status", "Where an order is: its status, whether it shipped, when it arrives.", []string{
		"Could you look up where my parcel is?", "Has the package been sent out yet?", "When should my delivery turn up?",
		"Can you check the status of order SP-2040?", "Is my shipment on its way?", "What stage is my order at?",
		"Any news on the order I placed on Monday?", "Where's the stuff I ordered?", "¿Me dices dónde está mi paquete?",
		"Ist mein Paket schon unterwegs?",
	}},
	{"refund_request", "A customer asks for their money back.", []string{
		"Give me my money back", "I'd like to be refunded for this purchase", "Refund the notebook, it's not for me",
		"I demand a full refund", "Can you put the money back on my card for this order?", "Reimburse me for the pens",
		"I don't want the organiser anymore, just return my money", "Process a refund on my last purchase",
	}},
	{"billing_dispute", "A charge the customer disputes: charged twice, a wrong amount, a charge they don't recognise.", []string{
		"My card was billed two times for one purchase", "There's a payment on my statement I don't recognise",
		"I'm contesting a charge from your shop", "The total you took from my account is too high",
		"Why did you bill me again?", "I got charged for an order I cancelled", "My bank shows a duplicate payment to you",
		"The amount charged doesn't match my receipt",
	}},
	{"account_change", "A change to the account's sign-in details: its email address, or who owns it.", []string{
		"Switch my login to a different email address", "The email on my profile is outdated, replace it",
		"Move my account to my new work email", "I want to sign in with another email from now on",
		"Transfer my account to my colleague", "Can the account owner be changed?",
	}},
	{"cancellation", "A customer wants to cancel or stop an order.", []string{
		"I ordered by mistake, don't send it", "Call off the order I placed earlier", "I no longer want the order, cancel it",
		"Halt the shipment before it leaves", "Undo my purchase from today", "Scrap the order I just made",
	}},
	{"return_request", "A customer asks to return an order or an item, which the agent starts itself.", []string{
		"I'd like to send back what I bought", "I want to return the pens from my last order", "Set up a return for order SP-2040",
		"I need to return the organiser", "Can you start a return on my purchase?", "I'd like to give back the notebooks",
	}},
	{"contact_details", "A change to the contact's name, phone number or address, which the agent makes itself.", []string{
		"Update my delivery address", "I moved, here is my new address", "Correct the name on my profile",
		"My mobile number changed", "Use 555-0199 as my new phone", "Fix the street name in my address",
	}},
	{"shipping_question", "A question about shipping: where, how long, how much, tracking.", []string{
		"Do you deliver to Australia?", "What do you charge for postage?", "How many days is standard delivery?",
		"Is express delivery available?", "Which warehouse sends the orders?", "Do international orders pay import tax?",
		"Can I follow my parcel online?", "Where do I find the tracking number for a delivery?", "Is shipping free above a certain amount?", "How quickly do orders go out?",
		"How long does it take for an order to be delivered?", "What are your delivery times?", "How many business days does shipping need?",
		"How soon does express get here?",
	}},
	{"returns_question", "A question about returns and refunds: the window, the conditions, how, how long the money takes.", []string{
		"How long is the return window?", "Are personalised items returnable?", "Who pays the postage on a return?",
		"When does a refund reach my bank?", "Do refunds go back to the card I paid with?", "Can returns be exchanged for credit?",
		"Does the item have to be unused to return it?", "What happens if something arrives broken?",
		"Is there a time limit for returning a damaged item?", "How do returns work for wholesale customers?",
		"How long does a refund take to come through?", "How many days until the refund shows on my card?",
		"When will I see the money for my return?",
	}},
	{"small_talk", "Greetings, thanks, goodbyes and short acknowledgements.", []string{
		"Hey there", "Good afternoon!", "Hello, anyone around?", "Thanks a lot", "Cheers, that helps", "Great, thank you",
		"Okay", "Yep, that is right", "No thanks", "Sure, go ahead", "Goodbye", "See you", "Have a nice day",
	}},
	{"product_question", "A question about the products: sizes, materials, colours, stock.", []string{
		"Are the notebooks lined or plain?", "What are the pens made from?", "Do the refills come in red?",
		"When will the A4 notebook be restocked?", "Can I preorder something that's sold out?", "How thick is the paper?",
		"Do you make backpacks?", "Is the bamboo organiser available now?",
	}},
}

// handoffRules are the demo's published handoff rule set, first match wins:
// the product guide's cases for a person, each by its issue type and by the
// words that say it outright, then the account team for large buyers. A
// customer who asks for a person gets one by the built-in trigger, which
// follows the rules.
// RefundRuleName names the demo's published rule that hands refund and
// cancellation requests to a person.
const RefundRuleName = "Refunds and cancellations go to a person"

// PublishedHandoffRules is how many rules the demo's published hand-off
// rule set has.
func PublishedHandoffRules() int { return len(handoffRules) }

var handoffRules = []handoffRule{
	{
		Name: "Delayed, lost or missing orders go to a person",
		// The order's status counts once the customer proved who they are:
		// the contact is known only then, and a handoff must not tell a
		// stranger how someone else's order is doing.
		Condition: `conversation.issue_type == "order_problem" || ` +
			`(order != nil && order.status in ["delayed", "lost"] && contact.email_verified) || ` +
			`containsAny(conversation.text, ["never arrived", "hasn't arrived", "has not arrived", "didn't arrive", ` +
			`"never received", "not received", "didn't receive", "weeks late"])`,
		Mode:    "transfer_now",
		Team:    "support",
		Message: "I'm bringing in someone from our support team who can look into this order with you.",
	},
	{
		Name: RefundRuleName,
		Condition: `conversation.issue_type in ["refund_request", "cancellation"] || ` +
			`containsAny(conversation.text, ["want a refund", "need a refund", "get a refund", "like a refund", "refund me", ` +
			`"refund my", "refund the", "refund this", "cancel", "chargeback", "stop the order", "stop my order"])`,
		Mode:    "transfer_now",
		Team:    "support",
		Message: "I'm bringing in someone from our support team who can sort this out for you.",
	},
	{
		Name: "Billing and payment disputes go to a person",
		Condition: `conversation.issue_type == "billing_dispute" || ` +
			`containsAny(conversation.text, ["charged twice", "double charged", "charged me twice", "dispute", "overcharged"])`,
		Mode:    "transfer_now",
		Team:    "support",
		Message: "I'm bringing in someone from our support team who can look into this charge with you.",
	},
	{
		Name: "Changes to the account's sign-in details and log-in problems go to a person",
		Condition: `conversation.issue_type == "account_change" || ` +
			`containsAny(conversation.text, ["can't log in", "cannot log in", "change my email", "change the email"])`,
		Mode:    "transfer_now",
		Team:    "support",
		Message: "I'm bringing in someone from our support team who can help with your account.",
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
