// The rep inbox: /rep. Signs in with a rep key kept in sessionStorage;
// handoffs arrive live over server-sent events.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  let key = "";
  let current = ""; // the open conversation
  let shown = "";
  const kinds = ["handoff", "customer_message", "accepted", "rep_message", "handed_back", "flagged"];

  async function check(k) {
    const r = await sb.api(k, "GET", "/v1/rep/queue");
    if (r.status === 200) return "";
    return r.status === 401 ? "That key is unknown or revoked." : sb.errorText(r);
  }

  function start(k) {
    key = k;
    $("inbox").hidden = false;
    // EventSource cannot send an Authorization header: this one route takes ?key=.
    const events = new EventSource("/v1/rep/events?key=" + encodeURIComponent(key));
    events.addEventListener("open", () => {
      $("live").textContent = "Live";
      $("live").hidden = false;
      refreshQueue();
    });
    events.addEventListener("error", () => {
      $("live").textContent = "Reconnecting…";
    });
    kinds.forEach((kind) => events.addEventListener(kind, (ev) => {
      const data = JSON.parse(ev.data);
      refreshQueue();
      if (data.conversation_id === current) refreshConversation();
    }));
    renderOpened();
    setInterval(() => current && refreshConversation(), 2000);
  }

  // queueAsked counts the queue's reads: events come in bursts, and a read
  // answered after a later one would draw an older queue over a newer.
  let queueAsked = 0;
  async function refreshQueue() {
    const asked = ++queueAsked;
    const r = await sb.api(key, "GET", "/v1/rep/queue");
    if (r.status !== 200 || asked !== queueAsked) return;
    const items = r.body.conversations;
    $("queue-empty").hidden = items.length > 0;
    $("queue").replaceChildren(...items.map((it) => {
      const li = sb.el("li", "queue-item" + (it.flagged ? " flagged" : ""));
      li.dataset.conversation = it.conversation_id;
      // The customer tells handoffs apart: their name as they gave it, else
      // the email they proved, else what they typed.
      const c = it.contact || {};
      const who = c.name || (it.verified && it.verified.email) || c.email || c.phone || "";
      const b = sb.el("button", "open", who || it.conversation_id);
      b.type = "button";
      b.addEventListener("click", () => open(it.conversation_id, who));
      li.append(b, identity(it.verified), sb.el("div", "reason", it.handoff_reason));
      if (it.subject) li.append(sb.el("div", "subject", it.subject));
      if (it.last_customer_message) li.append(sb.el("blockquote", "last-message", it.last_customer_message));
      const meta = [it.channel, it.team, it.customer_tier, it.issue_type, it.flagged ? "no rep in time" : "",
        it.handed_off_at ? new Date(it.handed_off_at).toLocaleTimeString() : ""].filter(Boolean).join(" · ");
      li.append(sb.el("div", "muted", meta));
      return li;
    }));
  }

  // identity says whether the customer proved who they are: a rep reads
  // or changes account details only for a verified customer, and a name or
  // email the customer typed proves nothing.
  function identity(verified) {
    if (!verified) return sb.el("div", "identity unverified", "Identity not verified");
    const how = verified.method === "token" ? "signed in on your site" : "code sent to the email";
    return sb.el("div", "identity verified", "Verified: " + verified.email + " (" + how + ")");
  }

  // openedList is the conversations opened in this tab, newest first, each
  // {id, who}: who is the customer as the queue named them ("" unknown).
  function openedList() {
    return JSON.parse(sessionStorage.getItem("sb.rep.opened") || "[]")
      .map((o) => (typeof o === "string" ? { id: o, who: "" } : o));
  }

  function renderOpened() {
    $("opened").replaceChildren(...openedList().map((o) => {
      const li = sb.el("li", "queue-item");
      li.dataset.conversation = o.id;
      const b = sb.el("button", "open", o.who || o.id);
      b.type = "button";
      b.addEventListener("click", () => open(o.id, o.who));
      li.append(b);
      return li;
    }));
  }

  function open(id, who) {
    current = id;
    shown = "";
    const list = openedList().filter((o) => o.id !== id);
    list.unshift({ id, who: who || "" });
    sessionStorage.setItem("sb.rep.opened", JSON.stringify(list.slice(0, 20)));
    renderOpened();
    $("conversation").hidden = false;
    $("conv-title").textContent = who ? "Conversation with " + who : "Conversation " + id;
    $("reply").value = "";
    $("suggest-sources").textContent = "";
    $("conv-status").textContent = "";
    refreshConversation();
  }

  async function refreshConversation() {
    const id = current;
    const r = await sb.api(key, "GET", "/v1/conversations/" + encodeURIComponent(id));
    if (id !== current) return;
    if (r.status !== 200) {
      $("conv-status").textContent = sb.errorText(r);
      return;
    }
    const c = r.body;
    const signature = JSON.stringify([c.status, c.messages.length, (c.decisions || []).length]);
    if (signature === shown) return;
    shown = signature;
    const who = c.contact ? [c.contact.name, c.contact.email, c.contact.phone].filter(Boolean).join(", ") : "";
    $("conv-meta").textContent = ["status: " + c.status, c.team ? "team: " + c.team : "", who ? "customer: " + who : ""]
      .filter(Boolean).join(" · ");
    $("conv-identity").replaceChildren(identity(c.verified));
    refreshAccount(id);
    // The channel may have turned suggested replies off.
    $("suggest").hidden = c.reply_suggestions === false;
    $("conv-reason").textContent = c.handoff_reason ? "Handed off: " + c.handoff_reason : "";
    const ended = !!c.ended_at;
    $("accept").disabled = ended || c.status !== "handed_off";
    $("hand-back").disabled = ended || (c.status !== "handed_off" && c.status !== "rep_active");
    $("close").disabled = ended;
    // A customer who proved nothing can be asked to: a code to their email.
    $("verify").hidden = !!c.verified || ended;
    $("send-reply").disabled = ended;
    $("transcript").replaceChildren(...c.messages.filter((m) => m.text).map((m) => sb.message(m, "staff")));
    $("decision-list").replaceChildren(...(c.decisions || []).map((d) => {
      const li = sb.el("li", "decision decision-" + d.kind);
      li.append(sb.el("span", "kind", d.kind), " ", sb.el("span", "", d.summary));
      return li;
    }));
  }

  // refreshAccount shows the account of the customer of conversation id:
  // the CRM's contact and newest orders, once the customer proved who they
  // are (the API shows nothing for an email only typed, and says so).
  async function refreshAccount(id) {
    const r = await sb.api(key, "GET", "/v1/rep/conversations/" + encodeURIComponent(id) + "/customer");
    if (id !== current) return;
    if (r.status !== 200) {
      $("account").replaceChildren(sb.el("p", "error", sb.errorText(r)));
      return;
    }
    const a = r.body, parts = [];
    if (a.note) parts.push(sb.el("p", "muted", a.note));
    if (a.contact) {
      const ct = a.contact;
      parts.push(sb.el("p", "contact", [ct.name, ct.email, ct.phone, ct.tier && "tier " + ct.tier, ct.lifecycle_stage,
        ct.company].filter(Boolean).join(" · ")));
      if (!a.orders.length) parts.push(sb.el("p", "muted", "No orders."));
      else parts.push(orders(a.orders));
    }
    if (a.verified) parts.push(past(a.conversations));
    $("account").replaceChildren(...parts);
  }

  // past lists the customer's other conversations (where they proved the
  // same email), each opened here.
  function past(list) {
    if (!list.length) return sb.el("p", "muted", "No other conversations.");
    const ul = sb.el("ul", "past-list");
    list.forEach((p) => {
      const li = sb.el("li", "past");
      li.dataset.conversation = p.conversation_id;
      const b = sb.el("button", "open", p.conversation_id);
      b.type = "button";
      b.addEventListener("click", () => open(p.conversation_id, ""));
      li.append(b, " " + [new Date(p.started_at).toLocaleDateString(), p.channel, p.status.replace(/_/g, " "), p.issue_type,
        p.handoff_reason].filter(Boolean).join(" · "));
      ul.append(li);
    });
    const box = sb.el("div", "");
    box.append(sb.el("p", "", "Other conversations:"), ul);
    return box;
  }

  function orders(list) {
    const table = sb.el("table", "orders");
    const head = sb.el("tr", "");
    ["Order", "Status", "Placed", "Items", "Tracking"].forEach((h) => head.append(sb.el("th", "", h)));
    table.append(head);
    list.forEach((o) => {
      const tr = sb.el("tr", "");
      tr.dataset.order = o.number;
      const items = (o.items || []).map((it) => (it.quantity > 1 ? it.quantity + " × " : "") + it.name).join(", ");
      [o.number, o.status, o.placed_at ? new Date(o.placed_at).toLocaleDateString() : "", items]
        .forEach((v) => tr.append(sb.el("td", "", v)));
      const t = o.tracking || {}, label = [t.carrier, t.number].filter(Boolean).join(" ");
      const url = t.url ? sb.safeURL(t.url) : "", td = sb.el("td", "");
      if (url) {
        const a = sb.el("a", "", label || "track");
        Object.assign(a, { href: url, rel: "noopener noreferrer", target: "_blank" });
        td.append(a);
      } else {
        td.textContent = label;
      }
      tr.append(td);
      table.append(tr);
    });
    return table;
  }

  async function act(path, body, done) {
    const id = current;
    const r = await sb.api(key, "POST", "/v1/rep/conversations/" + encodeURIComponent(id) + path, body);
    $("conv-status").textContent = r.status === 202 ? done : sb.errorText(r);
    // The workflow applies the signal just after; look again shortly.
    setTimeout(refreshConversation, 300);
    refreshQueue();
    return r.status === 202;
  }

  $("accept").addEventListener("click", () => act("/accept", undefined, "Accepted."));
  $("hand-back").addEventListener("click", () => act("/hand-back", {}, "Handed back to the agent."));
  $("close").addEventListener("click", () => act("/close", undefined, "Closed."));
  $("verify").addEventListener("click", () => act("/verify", undefined,
    "A code was emailed to the customer's address, if it is on file: once they type it here, their account shows."));
  $("reply-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const text = $("reply").value.trim();
    if (!text) return;
    if (await act("/messages", { id: sb.uuid(), text }, "Sent.")) {
      $("reply").value = "";
      $("suggest-sources").textContent = "";
    }
  });
  $("suggest").addEventListener("click", async () => {
    $("conv-status").textContent = "Drafting a reply…";
    const r = await sb.api(key, "GET", "/v1/conversations/" + encodeURIComponent(current) + "/suggestion");
    if (r.status !== 200) {
      $("conv-status").textContent = sb.errorText(r);
      return;
    }
    if (!r.body.known) {
      $("conv-status").textContent = "Your content does not answer the customer's last message: no suggestion.";
      return;
    }
    $("reply").value = r.body.text;
    $("reply").focus();
    $("conv-status").textContent = "Suggested by the agent: edit it before sending.";
    $("suggest-sources").replaceChildren(...(r.body.citations.length ? [sb.sources(r.body.citations)] : []));
  });

  sb.keyForm("sb.rep.key", check, start);
})();
