// Switchboard's page of conversations: finds them by the search attributes
// Temporal keeps for each conversation's workflow, and opens one with its
// transcript and the agent's decisions (admin.js holds the key and the
// calls).
"use strict";

(function () {
  const { $, el, status, call, showError, clearError, fmtDate } = admin;

  // The hand-off reasons the agent records itself; a rule's is "rule:<id>".
  const reasons = ["asked_for_human", "unanswered_twice", "routing", "credits_exhausted", "rep_took_over",
    "channel_hours", "channel_share", "inactive", "qualified_lead", "dependency_failure", "model",
    "delivery_failure", "action_unavailable", "answered_again"];
  const statuses = { ai_active: "with the agent", handed_off: "waiting for a person", rep_active: "with a person",
    resolved: "resolved", closed_unresolved: "closed unresolved" };
  const roles = { customer: "Customer", agent: "Agent", rep: "Person", system: "" };

  // The filters: each query parameter of the API and its input.
  const fields = [["status", "f-status"], ["channel", "f-channel"], ["issue_type", "f-issue"],
    ["customer_tier", "f-tier"], ["handoff_reason", "f-reason"], ["resolved", "f-resolved"]];

  let next = ""; // the next page's token, "" for none
  let query = "";
  let listing = 0; // counts the finds: a page read for an earlier one is dropped

  async function load() {
    try {
      const types = (await call("GET", "/v1/issue-types")).issue_types;
      $("f-issue").replaceChildren(el("option", { value: "" }, "any"),
        ...types.map((t) => el("option", { value: t.name }, t.name)));
    } catch (e) {
      status(e.message, true);
    }
    $("f-reason").replaceChildren(el("option", { value: "" }, "any reason"),
      ...reasons.map((r) => el("option", { value: r }, r.replace(/_/g, " "))));
    fromAddress();
    find();
  }

  // fromAddress sets the filters a link gave, and opens the conversation it
  // names (the dashboard links here with ?handoff_reason=… and with
  // ?conversation=…).
  function fromAddress() {
    const given = new URLSearchParams(location.search);
    fields.forEach(([param, id]) => {
      const v = given.get(param);
      if (v === null) return;
      const input = $(id);
      if (input.tagName === "SELECT" && ![...input.options].some((o) => o.value === v)) {
        input.append(el("option", { value: v }, v.startsWith("rule:") ? "a rule (" + v.slice(5) + ")" : v));
      }
      input.value = v;
    });
    $("f-test").checked = given.get("test") === "true";
    if (given.get("conversation")) show(given.get("conversation"), $("f-test").checked);
  }

  function filters() {
    const q = new URLSearchParams({ limit: "25", test: $("f-test").checked ? "true" : "false" });
    fields.forEach(([param, id]) => {
      const v = $(id).value.trim();
      if (v) q.set(param, v);
    });
    return q.toString();
  }

  async function find(ev) {
    if (ev) ev.preventDefault();
    clearError($("filter-form"), $("filter-error"));
    query = filters();
    next = "";
    listing++;
    $("conversations").tBodies[0].replaceChildren();
    await page();
  }

  // page reads the next page of the list. The table is busy while it reads;
  // a find made meanwhile supersedes it, and its answer is dropped.
  async function page() {
    const form = $("filter-form"), box = $("filter-error"), table = $("conversations"), mine = listing;
    table.setAttribute("aria-busy", "true");
    $("more").disabled = true;
    try {
      const r = await call("GET", "/v1/conversations?" + query + (next ? "&page_token=" + encodeURIComponent(next) : ""));
      if (mine !== listing) return;
      table.tBodies[0].append(...r.conversations.map(row));
      next = r.next_page_token || "";
      $("more").hidden = !next;
      $("none").hidden = table.tBodies[0].rows.length > 0;
    } catch (e) {
      if (mine === listing) showError(form, box, e);
    } finally {
      if (mine === listing) {
        table.removeAttribute("aria-busy");
        $("more").disabled = false;
      }
    }
  }

  function row(c) {
    const a = c.search_attributes || {};
    const reason = (a.HandoffReason || "").startsWith("rule:") ? "a rule" : (a.HandoffReason || "").replace(/_/g, " ");
    const open = admin.button(c.conversation_id, "open", () => show(c.conversation_id, a.TestConversation === "true"));
    const tr = el("tr", {}, el("td", {}, fmtDate(c.started_at)), el("td", {}, open), el("td", {}, a.Channel || ""),
      el("td", {}, (statuses[a.Status] || a.Status || "") + (a.Resolved === "true" ? " by the agent" : "")),
      el("td", {}, a.CustomerTier || ""), el("td", {}, a.IssueType || ""), el("td", {}, reason),
      el("td", {}, c.running ? "open" : "ended"));
    tr.dataset.conversation = c.conversation_id;
    return tr;
  }

  // shown is the conversation the page shows.
  let shown = { id: "", test: false };

  async function show(id, test) {
    try {
      const t = await call("GET", "/v1/conversations/" + encodeURIComponent(id) + (test ? "?test=true" : ""));
      shown = { id, test };
      clearError($("as-scenario"), $("sc-status"));
      $("c-title").textContent = "Conversation " + id + (test ? " (sandbox)" : "");
      const said = t.contact ? [t.contact.name, t.contact.email, t.contact.phone].filter(Boolean).join(", ") : "";
      const who = t.verified ? "verified customer " + t.verified.email
        : (said ? "the customer said: " + said + " (not verified)" : "customer not verified");
      $("c-meta").textContent = [statuses[t.status] || t.status, t.team ? "team " + t.team : "",
        t.handoff_reason ? "handed off: " + t.handoff_reason : "", who,
        "started " + fmtDate(t.started_at), t.ended_at ? "ended " + fmtDate(t.ended_at) : "open"].filter(Boolean).join(" · ");
      $("c-workflow-id").textContent = t.workflow_id;
      $("c-messages").replaceChildren(...t.messages.filter((m) => m.text).map((m) => {
        const li = el("li", { class: "msg msg-" + m.role }, el("span", { class: "who" }, roles[m.role] || m.role), " ",
          el("span", { class: "when" }, fmtDate(m.created_at)), el("div", { class: "text" }, m.text));
        if (m.citations && m.citations.length) {
          li.append(el("div", { class: "sources" }, "Sources: ",
            ...m.citations.flatMap((s, i) => [i ? ", " : "", /^https?:\/\//.test(s.url || "") ? el("a", { href: s.url, rel: "noopener noreferrer", target: "_blank" }, s.title) : s.title])));
        }
        return li;
      }));
      $("c-decisions").replaceChildren(...(t.decisions || []).map((d) =>
        el("li", { class: "decision decision-" + d.kind }, el("span", { class: "kind" }, d.kind), " ", d.summary || "")));
      $("conversation").hidden = false;
      $("conversation").scrollIntoView();
    } catch (e) {
      status(e.message, true);
    }
  }

  // saveScenario saves the conversation shown as a scenario, and links to
  // it on the scenarios page.
  async function saveScenario(ev) {
    ev.preventDefault();
    const form = $("as-scenario"), box = $("sc-status");
    clearError(form, box);
    box.className = "wide";
    try {
      const s = await call("POST", "/v1/scenarios/from-conversation", { conversation_id: shown.id, name: $("sc-name").value.trim(), test: shown.test });
      box.replaceChildren("Saved “" + s.name + "” with " + s.turns.length + (s.turns.length === 1 ? " message" : " messages") + ": ",
        el("a", { href: "/admin/scenarios?scenario=" + encodeURIComponent(s.id) }, "open it"), ".");
      $("sc-name").value = "";
    } catch (e) {
      box.className = "wide error";
      showError(form, box, e);
    }
  }

  $("as-scenario").addEventListener("submit", saveScenario);
  $("filter-form").addEventListener("submit", find);
  $("more").addEventListener("click", page);
  admin.keyForm(load);
})();
