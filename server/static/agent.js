// Switchboard's agent page: the agent's settings, the actions it may take and
// how it qualifies sales inquiries, read and saved through the API (admin.js holds the key and the
// calls). A refused save names its field, which the page outlines.
"use strict";

(function () {
  const { $, el, status, call, showError, clearError } = admin;

  const lines = (text) => text.split("\n").map((l) => l.trim()).filter((l) => l !== "");

  // pairs reads "key: value" lines into an object; a line without the
  // colon is an error naming its number.
  function pairs(text, what, number) {
    const out = {};
    lines(text).forEach((line, i) => {
      const cut = line.indexOf(":");
      if (cut < 1) throw new Error(what + ": line " + (i + 1) + " is not “name: value”");
      const value = line.slice(cut + 1).trim();
      if (number && !/^\d+$/.test(value)) throw new Error(what + ": line " + (i + 1) + " needs a whole number of days");
      out[line.slice(0, cut).trim()] = number ? Number(value) : value;
    });
    return out;
  }

  const unpair = (obj) => Object.entries(obj || {}).map(([k, v]) => k + ": " + v).join("\n");

  // Settings. Durations are shown in minutes and hours, kept in seconds.
  let settings = null;
  let teams = [];

  function responseEditor(r, i) {
    const box = el("fieldset", { class: "response" });
    const name = el("input", { maxlength: "100", "data-field": "reusable_responses[" + i + "].name", "aria-label": "Name" });
    name.value = r.name;
    const triggers = el("textarea", { rows: "2", "data-field": "reusable_responses[" + i + "].triggers", "aria-label": "Phrases, one a line" });
    triggers.value = r.triggers.join("\n");
    const response = el("textarea", { rows: "3", maxlength: "4000", "data-field": "reusable_responses[" + i + "].response", "aria-label": "Response" });
    response.value = r.response;
    const remove = admin.button("Remove", "remove-response", () => {
      settings.reusable_responses = readResponses().filter((_, j) => j !== i);
      showResponses();
    });
    box.append(el("label", {}, "Name ", name), remove,
      el("label", { class: "wide" }, "Phrases that call it, one a line", triggers),
      el("label", { class: "wide" }, "The response", response));
    return box;
  }

  function showResponses() {
    $("responses").replaceChildren(...settings.reusable_responses.map(responseEditor));
  }

  function readResponses() {
    return Array.from($("responses").children).map((box) => {
      const [name, triggers, response] = box.querySelectorAll("input, textarea");
      return { name: name.value.trim(), triggers: lines(triggers.value), response: response.value.trim() };
    });
  }

  function showSettings() {
    const s = settings;
    s.topics_to_avoid = s.topics_to_avoid || [];
    s.reusable_responses = s.reusable_responses || [];
    $("s-agent_name").value = s.agent_name;
    $("s-tone").value = s.tone;
    $("s-guidelines").value = s.guidelines;
    $("s-topics_to_avoid").value = s.topics_to_avoid.join("\n");
    $("s-confidence_threshold").value = s.confidence_threshold || "";
    $("s-confidence_threshold").placeholder = s.effective_confidence_threshold;
    const team = $("s-default_team");
    team.replaceChildren(el("option", { value: "" }, "(the default: " + s.effective_default_team + ")"),
      ...teams.map((t) => el("option", { value: t.key }, t.name ? t.name + " (" + t.key + ")" : t.key)));
    team.value = s.default_team;
    $("s-inactivity_seconds").value = s.inactivity_seconds ? s.inactivity_seconds / 60 : "";
    $("s-inactivity_seconds").placeholder = s.effective_inactivity_seconds / 60;
    $("s-reopen_window_seconds").value = s.reopen_window_seconds ? s.reopen_window_seconds / 3600 : "";
    $("s-reopen_window_seconds").placeholder = s.effective_reopen_window_seconds / 3600;
    $("s-return_window_days").value = unpair(s.return_window_days);
    const windows = Object.entries(s.effective_return_window_days || {}).map(([k, v]) => k + " " + v + " days").join(", ");
    $("s-effective").textContent = "In effect: answers need a confidence of " + s.effective_confidence_threshold +
      "; hand-offs without a team go to " + s.effective_default_team + "; a quiet conversation closes after " +
      s.effective_inactivity_seconds / 3600 + " hours and reopens within " + s.effective_reopen_window_seconds / 86400 +
      " days; returns within " + (windows || "30 days") + "." + (s.updated_at ? " Saved " + new Date(s.updated_at).toLocaleString() + "." : "");
    showResponses();
  }

  function readSettings() {
    const minutes = $("s-inactivity_seconds").value, hours = $("s-reopen_window_seconds").value;
    return {
      agent_name: $("s-agent_name").value,
      tone: $("s-tone").value.trim(),
      guidelines: $("s-guidelines").value.trim(),
      topics_to_avoid: lines($("s-topics_to_avoid").value),
      reusable_responses: readResponses(),
      confidence_threshold: Number($("s-confidence_threshold").value || 0),
      default_team: $("s-default_team").value,
      inactivity_seconds: Math.round(Number(minutes || 0) * 60),
      reopen_window_seconds: Math.round(Number(hours || 0) * 3600),
      return_window_days: pairs($("s-return_window_days").value, "return_window_days", true),
    };
  }

  async function saveSettings(ev) {
    ev.preventDefault();
    const form = $("settings-form"), box = $("settings-error");
    clearError(form, box);
    try {
      settings = await call("PUT", "/v1/agent/settings", readSettings());
      showSettings();
      status("Settings saved: the next message of every conversation uses them.");
    } catch (e) {
      showError(form, box, e);
    }
  }

  // Actions.
  const optionEditors = {
    order_status: { field: "status_notes", label: "What to add for an order status, one a line (delayed: We'll email you a new date.)", rows: 3, pairs: true },
    start_return: { field: "return_instructions", label: "How the items come back and what follows (the reply and the email say it)", rows: 3 },
    password_reset: { field: "reset_url", label: "Your page where a customer sets a new password", input: true },
  };

  function actionCard(a) {
    const card = el("form", { class: "panel action", "data-action": a.action, autocomplete: "off" });
    const errorBox = el("p", { class: "wide error", role: "alert" });
    const head = el("div", { class: "wide action-head" }, el("strong", {}, a.action), " ",
      el("span", { class: "badge" }, a.kind === "builtin" ? "built-in" : "your system"),
      a.changes_data ? el("span", { class: "badge" }, "changes data") : "", " ", el("span", { class: "hint" }, a.description));
    card.append(head);
    if (a.kind === "builtin") {
      const enabled = el("input", { type: "checkbox", class: "enabled", "data-field": "enabled" });
      enabled.checked = a.enabled;
      const protection = el("select", { class: "protection", "data-field": "protection" },
        el("option", { value: "verified" }, "only for a verified customer"), el("option", { value: "none" }, "for anyone"));
      protection.value = a.protection;
      card.append(el("label", {}, enabled, " Enabled"), el("label", {}, "Runs ", protection));
      const o = optionEditors[a.action];
      let option = null;
      if (o) {
        option = o.input ? el("input", { type: "url", class: "option", "data-field": o.field, size: "50" }) :
          el("textarea", { class: "option", rows: String(o.rows), "data-field": o.field });
        option.value = o.pairs ? unpair(a[o.field]) : a[o.field] || "";
        card.append(el("label", { class: "wide" }, o.label, option));
      }
      card.append(el("div", { class: "wide" }, el("button", { type: "submit" }, "Save")), errorBox);
      card.addEventListener("submit", async (ev) => {
        ev.preventDefault();
        clearError(card, errorBox);
        try {
          const body = { enabled: enabled.checked, protection: protection.value };
          if (o && option.value.trim() !== "") body[o.field] = o.pairs ? pairs(option.value, o.field, false) : option.value.trim();
          const saved = await call("PUT", "/v1/agent/actions/" + encodeURIComponent(a.action), body);
          card.replaceWith(actionCard(saved));
          status(a.action + " saved: " + (saved.enabled ? "enabled" : "disabled") + ".");
        } catch (e) {
          showError(card, errorBox, e);
        }
      });
      return card;
    }
    // A company action: its whole definition, as the API takes it (its
    // secret headers are never shown, and kept unless given).
    const definition = { ...a };
    delete definition.action;
    delete definition.secret_headers;
    const text = el("textarea", { class: "wide code definition", rows: "12", spellcheck: "false", "data-field": "definition" });
    text.value = JSON.stringify(definition, null, 2);
    card.append(el("p", { class: "wide hint" }, a.enabled ? "Enabled." : "Disabled.",
      a.secret_headers && a.secret_headers.length ? " Secret headers kept: " + a.secret_headers.join(", ") + " (give \"secret_headers\" to replace them)." : ""), text);
    const save = el("button", { type: "submit" }, "Save");
    const del = el("button", { type: "button", class: "delete" }, "Delete");
    const sample = el("textarea", { class: "wide code", rows: "2", spellcheck: "false", "aria-label": "Sample inputs (JSON)" });
    sample.value = JSON.stringify(Object.fromEntries(Object.keys((a.inputs && a.inputs.properties) || {}).map((k) => [k, ""])));
    const email = el("input", { type: "email", class: "sample-email", size: "30", placeholder: "ada@example.com" });
    const tryButton = el("button", { type: "button", class: "try" }, "Call it once with these inputs");
    const result = el("div", { class: "wide try-result" });
    card.append(el("div", { class: "wide" }, save, " ", del), errorBox,
      el("label", { class: "wide" }, "Try it: sample inputs (JSON). This really calls your system once, with a test idempotency key.", sample),
      el("label", {}, "as the verified customer ", email), tryButton, result);
    card.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      clearError(card, errorBox);
      try {
        let body;
        try { body = JSON.parse(text.value); } catch (e) { throw new Error("definition: not JSON: " + e.message); }
        const saved = await call("PUT", "/v1/agent/actions/" + encodeURIComponent(a.action), body);
        card.replaceWith(actionCard(saved));
        status(a.action + " saved.");
      } catch (e) {
        showError(card, errorBox, e);
      }
    });
    del.addEventListener("click", async () => {
      if (!confirm("Delete the action " + a.action + "?")) return;
      try {
        await call("DELETE", "/v1/agent/actions/" + encodeURIComponent(a.action));
        card.remove();
        status(a.action + " deleted.");
      } catch (e) {
        showError(card, errorBox, e);
      }
    });
    tryButton.addEventListener("click", async () => {
      result.replaceChildren(el("p", { class: "hint" }, "Calling…"));
      try {
        let inputs;
        try { inputs = JSON.parse(sample.value || "{}"); } catch (e) { throw new Error("inputs: not JSON: " + e.message); }
        const body = { inputs };
        if (email.value.trim()) body.contact = { email: email.value.trim() };
        const r = await call("POST", "/v1/agent/actions/" + encodeURIComponent(a.action) + "/test", body);
        const x = r.exchange || {};
        result.replaceChildren(
          el("p", { class: r.ok ? "decided" : "error" }, r.ok ? "It worked." : "It failed: " + (r.error || "no answer")),
          x.url ? el("p", {}, el("code", {}, x.method + " " + x.url), " → " + (x.status || "no answer") + " in " + x.duration_ms + " ms") : "",
          r.reply ? el("p", {}, "The customer would read: “" + r.reply + "”") : "");
      } catch (e) {
        result.replaceChildren(el("p", { class: "error" }, e.message));
      }
    });
    return card;
  }

  async function createAction(ev) {
    ev.preventDefault();
    const form = $("new-action-form"), box = $("new-action-error");
    clearError(form, box);
    try {
      let body;
      try { body = JSON.parse($("new-action-json").value); } catch (e) { throw new Error("definition: not JSON: " + e.message); }
      const created = await call("POST", "/v1/agent/actions", body);
      $("actions").append(actionCard(created));
      $("new-action").open = false;
      status(created.action + " added.");
    } catch (e) {
      showError(form, box, e);
    }
  }

  $("new-action-json").value = JSON.stringify({
    name: "", description: "", kind: "http", enabled: true, protection: "verified", changes_data: false,
    inputs: { type: "object", required: [], properties: {} }, triggers: [], examples: [],
    method: "GET", url: "https://", headers: {}, timeout_seconds: 10, reply_template: "", reply_fallback: "",
  }, null, 2);
  $("new-action-json").dataset.field = "definition";

  // Sales inquiries: the qualifying questions, each in its own fieldset.
  let leadQuestions = [];

  function questionEditor(q, i) {
    const at = "questions[" + i + "]";
    const box = el("fieldset", { class: "response question" });
    const input = (field, attrs, value) => {
      const n = el("input", Object.assign({ "data-field": at + "." + field }, attrs));
      n.value = value || "";
      return n;
    };
    const property = input("property", { size: "14", maxlength: "64", "aria-label": "Name", placeholder: "employees" }, q.property);
    const question = input("question", { size: "50", maxlength: "500", "aria-label": "Question", placeholder: "How many people work at your company?" }, q.question);
    const kind = el("select", { "data-field": at + ".kind", "aria-label": "Answer" },
      el("option", { value: "number" }, "a number"), el("option", { value: "text" }, "text"), el("option", { value: "choice" }, "one of"));
    kind.value = q.kind || "number";
    const choices = input("choices", { size: "40", "aria-label": "Choices", placeholder: "this month, this quarter, later" }, (q.choices || []).join(", "));
    const choicesLabel = el("label", { class: "choices" }, "Choices ", choices);
    const showKind = () => { choicesLabel.hidden = kind.value !== "choice"; };
    kind.addEventListener("change", showKind);
    showKind();
    const remove = admin.button("Remove", "remove-response", () => {
      leadQuestions = readQuestions().filter((_, j) => j !== i);
      showQuestions();
    });
    box.append(el("label", {}, "Name ", property), el("label", { class: "grow" }, "Question ", question),
      el("label", {}, "Answer ", kind), choicesLabel, remove);
    return box;
  }

  function showQuestions() {
    $("lead-questions").replaceChildren(...leadQuestions.map(questionEditor));
  }

  function readQuestions() {
    return Array.from($("lead-questions").children).map((box) => {
      const [property, question, kind, choices] = box.querySelectorAll("input, select");
      const q = { property: property.value.trim(), question: question.value.trim(), kind: kind.value };
      if (kind.value === "choice") q.choices = choices.value.split(",").map((c) => c.trim()).filter((c) => c);
      return q;
    });
  }

  function showLeads(l) {
    $("l-enabled").checked = l.enabled;
    leadQuestions = l.questions || [];
    showQuestions();
    $("l-score").value = l.score_expression || "";
    $("l-threshold").value = l.threshold;
    $("l-team").replaceChildren(el("option", { value: "" }, "–"),
      ...teams.map((t) => el("option", { value: t.key }, t.name ? t.name + " (" + t.key + ")" : t.key)));
    $("l-team").value = l.team || "";
  }

  async function loadLeads() {
    try {
      showLeads(await call("GET", "/v1/leads/settings"));
      $("leads-form").hidden = false;
      $("leads-admin-only").hidden = true;
    } catch (e) {
      if (e.status !== 403) throw e;
      $("leads-form").hidden = true;
      $("leads-admin-only").hidden = false;
    }
  }

  async function saveLeads(ev) {
    ev.preventDefault();
    const form = $("leads-form"), box = $("leads-error");
    clearError(form, box);
    const body = {
      enabled: $("l-enabled").checked, questions: readQuestions(), score_expression: $("l-score").value.trim(),
      threshold: Number($("l-threshold").value || 0), team: $("l-team").value,
    };
    try {
      showLeads(await call("PUT", "/v1/leads/settings", body));
      status("Sales inquiries saved.");
    } catch (e) {
      showError(form, box, e);
    }
  }

  async function load() {
    status("Loading…");
    try {
      [settings, teams] = await Promise.all([call("GET", "/v1/agent/settings"), call("GET", "/v1/teams").then((r) => r.teams)]);
      showSettings();
      const list = await call("GET", "/v1/agent/actions");
      $("actions").replaceChildren(...list.actions.map(actionCard));
      await loadLeads();
      status("");
    } catch (e) {
      status(e.message, true);
    }
  }

  $("settings-form").querySelectorAll("[id^='s-']").forEach((input) => { input.dataset.field = input.id.slice(2); });
  $("add-response").addEventListener("click", () => {
    settings.reusable_responses = readResponses().concat([{ name: "", triggers: [], response: "" }]);
    showResponses();
  });
  $("settings-form").addEventListener("submit", saveSettings);
  $("new-action-form").addEventListener("submit", createAction);
  $("add-question").addEventListener("click", () => {
    leadQuestions = readQuestions().concat([{ property: "", question: "", kind: "number" }]);
    showQuestions();
  });
  $("leads-form").addEventListener("submit", saveLeads);
  admin.keyForm(load);
})();
