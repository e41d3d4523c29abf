// The admin test sandbox: /sandbox. Signs in with an admin key kept in
// sessionStorage; each answer shows its sources and the rules evaluated.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  let key = "";
  let conversationID = "";
  let shown = "";
  const ruleNames = {}; // "handoff:3" → {ruleID: name}

  async function check(k) {
    const r = await sb.api(k, "GET", "/v1/leads/settings");
    if (r.status === 200) return "";
    if (r.status === 401) return "That key is unknown or revoked.";
    if (r.status === 403) return "The sandbox needs an admin key.";
    return sb.errorText(r);
  }

  function start(k) {
    key = k;
    $("sandbox").hidden = false;
    conversationID = sessionStorage.getItem("sb.sandbox.conversation") || newConversation();
    $("conv-id").textContent = "Test conversation " + conversationID;
    refresh();
    setInterval(refresh, 1500);
  }

  function newConversation() {
    const id = sb.uuid();
    sessionStorage.setItem("sb.sandbox.conversation", id);
    return id;
  }

  async function names(kind, version) {
    const k = kind + ":" + version;
    if (!ruleNames[k]) {
      const r = await sb.api(key, "GET", "/v1/rules/" + encodeURIComponent(kind) + "/versions/" + encodeURIComponent(version));
      const m = {};
      if (r.status === 200) r.body.rules.forEach((rule) => { m[rule.id] = rule.name; });
      ruleNames[k] = m;
    }
    return ruleNames[k];
  }

  async function refresh() {
    const id = conversationID;
    const r = await sb.api(key, "GET", "/v1/conversations/" + encodeURIComponent(id) + "?test=true");
    if (id !== conversationID) return;
    if (r.status === 404) {
      $("messages").replaceChildren();
      $("conv-status").textContent = "";
      shown = "";
      return;
    }
    if (r.status !== 200) return;
    const c = r.body;
    const signature = JSON.stringify([c.status, c.messages.length, (c.decisions || []).length]);
    if (signature === shown) return;
    const decisions = c.decisions || [];
    for (const d of decisions) {
      if (d.kind.endsWith("_rules") && d.detail && d.detail.version) {
        await names(d.kind.replace(/_rules$/, ""), d.detail.version);
      }
    }
    if (id !== conversationID) return;
    shown = signature;
    $("conv-status").textContent = "status: " + c.status + (c.ended_at ? " (ended)" : "");
    $("end-test").disabled = !!c.ended_at;
    render(c.messages.filter((m) => m.text), decisions);
  }

  function render(messages, decisions) {
    const byMessage = {};
    decisions.forEach((d) => {
      if (!d.message_id) return;
      (byMessage[d.message_id] = byMessage[d.message_id] || []).push(d);
    });
    const answered = new Set(messages.filter((m) => m.role === "agent").map((m) => m.id));
    const items = [];
    messages.forEach((m) => {
      items.push(sb.message(m, "staff"));
      const turnEnd = m.role === "agent" || (m.role === "customer" && !answered.has(m.id));
      if (turnEnd && byMessage[m.id]) items.push(details(m, byMessage[m.id]));
    });
    $("messages").replaceChildren(...items);
    const last = $("messages").lastElementChild;
    if (last) last.scrollIntoView({ block: "end" });
  }

  // details shows a turn's sources and the rules evaluated.
  function details(m, decisions) {
    const li = sb.el("li", "turn-details");
    const sources = sb.el("div", "used-sources");
    if (m.role === "agent" && m.citations && m.citations.length) sources.append(sb.sources(m.citations));
    else sources.append(sb.el("span", "muted", "No sources used."));
    li.append(sources);
    decisions.forEach((d) => {
      if (d.kind.endsWith("_rules")) {
        li.append(ruleBlock(d));
        return;
      }
      if (d.kind === "enrich" || d.kind === "pinned") return;
      const line = sb.el("div", "decision decision-" + d.kind);
      line.append(sb.el("span", "kind", d.kind), " ", sb.el("span", "", d.summary));
      if (d.detail && typeof d.detail.confidence === "number") {
        line.append(sb.el("span", "muted", " (confidence " + d.detail.confidence.toFixed(2) + ")"));
      }
      li.append(line);
    });
    return li;
  }

  function ruleBlock(d) {
    const kind = d.kind.replace(/_rules$/, "");
    const detail = d.detail || {};
    const known = ruleNames[kind + ":" + detail.version] || {};
    const box = sb.el("div", "rules rules-" + kind);
    box.append(sb.el("div", "rules-summary", d.summary));
    const list = sb.el("ul", "rule-list");
    (detail.evaluations || []).forEach((ev) => {
      const fired = ev.matched && ev.rule_id === detail.matched_rule_id;
      const li = sb.el("li", "rule" + (fired ? " fired" : ""));
      li.append(sb.el("span", "rule-name", known[ev.rule_id] || ev.rule_id));
      li.append(" ", sb.el("span", "rule-result", fired ? "fired" : ev.error ? "error: " + ev.error : "did not match"));
      if (ev.inputs && ev.inputs.length) li.append(sb.el("span", "muted", " — read " + ev.inputs.join(", ")));
      list.append(li);
    });
    if (!list.childElementCount) list.append(sb.el("li", "muted", "No rules in this set."));
    box.append(list);
    return box;
  }

  async function send(text) {
    $("send").disabled = true;
    $("typing").hidden = false;
    $("send-error").textContent = "";
    const r = await sb.api(key, "POST", "/v1/test/conversations/" + encodeURIComponent(conversationID) + "/messages",
      { id: sb.uuid(), text });
    $("typing").hidden = true;
    $("send").disabled = false;
    if (r.status !== 200) $("send-error").textContent = "Not sent: " + sb.errorText(r);
    shown = "";
    await refresh();
  }

  $("message-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const text = $("message").value.trim();
    if (!text || $("send").disabled) return;
    $("message").value = "";
    send(text);
  });
  $("end-test").addEventListener("click", async () => {
    const r = await sb.api(key, "POST", "/v1/rep/conversations/" + encodeURIComponent("test:" + conversationID) + "/close");
    $("send-error").textContent = r.status === 202 ? "" : sb.errorText(r);
    setTimeout(refresh, 300);
  });
  $("new-test").addEventListener("click", () => {
    conversationID = newConversation();
    $("conv-id").textContent = "Test conversation " + conversationID;
    shown = "";
    $("messages").replaceChildren();
    $("conv-status").textContent = "";
    $("end-test").disabled = false;
  });

  $("scenario-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const name = $("scenario-name").value.trim();
    if (!name) return;
    $("save-scenario").disabled = true;
    const r = await sb.api(key, "POST", "/v1/scenarios/from-conversation", { conversation_id: conversationID, name });
    $("save-scenario").disabled = false;
    if (r.status === 201) {
      const open = document.createElement("a");
      open.href = "/admin/scenarios?scenario=" + encodeURIComponent(r.body.id);
      open.textContent = "edit what it expects";
      $("scenario-status").replaceChildren("Saved scenario “" + r.body.name + "” with " + r.body.turns.length + " turns: ", open, ".");
      $("scenario-name").value = "";
    } else {
      $("scenario-status").textContent = "Not saved: " + sb.errorText(r);
    }
  });

  sb.keyForm("sb.sandbox.key", check, start, "switchboard.apiKey");
})();
