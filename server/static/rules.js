// Switchboard's rules editor: reads and edits the routing and hand-off rule
// sets through the rules API (admin.js holds the key and the calls). A
// condition is checked as it is typed, with the server's own compiler; a
// sample conversation is tried on the draft and the published version.
"use strict";

(function () {
  const { $, el, status, call, fmtDate } = admin;

  // state is what the page shows: the kind, its versions, the draft and the
  // published version (each null when there is none), the rule being edited.
  const state = { kind: "handoff", versions: [], draft: null, published: null, editing: null };

  function kind() {
    return $("kind").value;
  }

  async function load() {
    state.kind = kind();
    document.body.dataset.kind = state.kind;
    status("Loading…");
    try {
      const list = await call("GET", "/v1/rules/" + state.kind + "/versions");
      state.versions = list.versions;
      const draft = state.versions.find((v) => v.state === "draft");
      const published = state.versions.find((v) => v.state === "published");
      state.draft = draft ? await call("GET", "/v1/rules/" + state.kind + "/draft") : null;
      state.published = published ? await call("GET", "/v1/rules/" + state.kind + "/versions/" + published.version) : null;
      await loadTeams();
      show();
      status("");
    } catch (e) {
      status(e.message, true);
    }
  }

  async function loadTeams() {
    const teams = (await call("GET", "/v1/teams")).teams;
    const select = $("r-team");
    const current = select.value;
    select.replaceChildren(...teams.map((t) => el("option", { value: t.key }, t.name ? t.name + " (" + t.key + ")" : t.key)));
    if (current) select.value = current;
  }

  // shown is the version whose rules the table lists: the draft, else the
  // published one.
  function shown() {
    return state.draft || state.published;
  }

  function show() {
    const title = state.kind === "handoff" ? "Hand-off rules" : "Routing rules";
    const v = shown();
    $("set-title").textContent = title;
    const parts = [];
    if (state.published) parts.push("Published: version " + state.published.version + " since " + fmtDate(state.published.published_at) + ".");
    else parts.push("Nothing published yet.");
    if (state.draft) parts.push("Showing the draft, version " + state.draft.version + ": its changes apply to new conversations once it is published.");
    else if (state.published) parts.push("No draft: a change starts one from the published version.");
    if (state.kind === "routing") parts.push("When routing rules exist and none matches, a person takes the conversation.");
    $("set-state").textContent = parts.join(" ");
    $("publish").disabled = !state.draft;

    const rows = (v ? v.rules : []).map((r, i) => {
      const then = state.kind === "handoff" ?
        (r.mode === "keep_assisting" ? "tell " : "hand over to ") + r.team + (r.message ? ": “" + r.message + "”" : "") :
        "the agent takes " + (r.percentage === 100 ? "it" : r.percentage + " %") +
          (r.channels.length ? " on " + r.channels.join(", ") : "");
      const edit = admin.button("Edit", "edit", () => openEditor(i));
      const del = admin.button("Delete", "delete", () => deleteRule(i));
      const tr = el("tr", { class: r.enabled ? "" : "disabled" },
        el("td", { class: "num" }, String(r.priority)),
        el("td", {}, r.name, r.enabled ? "" : el("span", { class: "hint" }, " (disabled)")),
        el("td", {}, el("code", {}, r.condition || "(always)")),
        el("td", {}, then),
        el("td", { class: "row-actions" }, edit, " ", del));
      tr.dataset.name = r.name;
      return tr;
    });
    admin.fillTable($("rules"), rows, "No rules.");

    const latestPublished = state.published ? state.published.version : 0;
    $("versions").tBodies[0].replaceChildren(...state.versions.map((x) => {
      const cell = el("td", {});
      if (x.state === "archived" && x.version < latestPublished) {
        cell.append(admin.button("Roll back to this version", "rollback", () => rollback(x.version)));
      }
      return el("tr", { class: x.state },
        el("td", { class: "num" }, String(x.version)), el("td", {}, x.state), el("td", { class: "num" }, String(x.rule_count)),
        el("td", {}, fmtDate(x.created_at)), el("td", {}, fmtDate(x.published_at)), cell);
    }));
  }

  // ensureDraft starts the draft from the published version when there is
  // none, so that the rule at index i can be changed; the copy keeps the
  // order, and the rule gets a new ID.
  async function ensureDraft() {
    if (!state.draft) {
      state.draft = await call("POST", "/v1/rules/" + state.kind + "/draft");
      await load();
    }
    return state.draft;
  }

  function openEditor(index) {
    const v = shown();
    const r = index === undefined ? null : v.rules[index];
    state.editing = index === undefined ? null : index;
    $("editor").hidden = false;
    $("editor-title").textContent = r ? "Edit “" + r.name + "”" : "Add a rule";
    $("r-name").value = r ? r.name : "";
    const last = v && v.rules.length ? Math.max(...v.rules.map((x) => x.priority)) : 0;
    $("r-priority").value = r ? r.priority : last + 10;
    $("r-enabled").checked = r ? r.enabled : true;
    $("r-condition").value = r ? r.condition : "";
    $("r-mode").value = r && r.mode ? r.mode : "transfer_now";
    if (r && r.team) $("r-team").value = r.team;
    $("r-message").value = r ? r.message : "";
    document.getElementsByName("r-channel").forEach((box) => { box.checked = !!r && r.channels.includes(box.value); });
    $("r-percentage").value = r ? r.percentage : 100;
    admin.clearMarks($("rule-form"));
    checkCondition();
    $("r-name").focus();
  }

  function ruleBody() {
    const body = {
      name: $("r-name").value.trim(),
      priority: $("r-priority").value === "" ? null : Number($("r-priority").value),
      enabled: $("r-enabled").checked,
      condition: $("r-condition").value,
    };
    if (state.kind === "handoff") {
      body.mode = $("r-mode").value;
      body.team = $("r-team").value;
      body.message = $("r-message").value;
    } else {
      body.channels = Array.from(document.getElementsByName("r-channel")).filter((b) => b.checked).map((b) => b.value);
      body.percentage = Number($("r-percentage").value);
    }
    return body;
  }

  async function saveRule(ev) {
    ev.preventDefault();
    admin.clearError($("rule-form"), $("rule-error"));
    try {
      const index = state.editing;
      const draft = await ensureDraft();
      const body = ruleBody();
      if (index === null) await call("POST", "/v1/rules/" + state.kind + "/draft/rules", body);
      else await call("PUT", "/v1/rules/" + state.kind + "/draft/rules/" + draft.rules[index].id, body);
      $("editor").hidden = true;
      await load();
      status("Saved to the draft. Publish it for new conversations to use it.");
    } catch (e) {
      admin.showError($("rule-form"), $("rule-error"), e);
      if (e.detail.field === "condition") showConditionError(e.detail);
    }
  }

  async function deleteRule(index) {
    const name = shown().rules[index].name;
    if (!confirm("Delete the rule “" + name + "” from the draft?")) return;
    try {
      const draft = await ensureDraft();
      await call("DELETE", "/v1/rules/" + state.kind + "/draft/rules/" + draft.rules[index].id);
      $("editor").hidden = true;
      await load();
      status("“" + name + "” deleted from the draft.");
    } catch (e) {
      status(e.message, true);
    }
  }

  async function publish() {
    try {
      const v = await call("POST", "/v1/rules/" + state.kind + "/publish");
      await load();
      status("Published version " + v.version + ": new conversations use it.");
    } catch (e) {
      status(e.message, true);
    }
  }

  async function rollback(version) {
    if (!confirm("Publish a copy of version " + version + " as a new version?")) return;
    try {
      const v = await call("POST", "/v1/rules/" + state.kind + "/rollback", { version });
      await load();
      status("Rolled back: version " + v.version + " is a copy of version " + version + " and is published.");
    } catch (e) {
      status(e.message, true);
    }
  }

  // The condition is checked as it is typed, a moment after the last key.
  let checkTimer = 0;
  let checkSeq = 0;

  function showConditionError(detail) {
    const box = $("condition-check");
    box.className = "wide check error";
    const lines = [detail.message];
    if (detail.line && detail.column) {
      const source = $("r-condition").value.split("\n")[detail.line - 1] || "";
      lines.push(source, " ".repeat(Math.max(0, detail.column - 1)) + "^");
    }
    box.replaceChildren(el("pre", {}, lines.join("\n")));
  }

  async function checkCondition() {
    const seq = ++checkSeq;
    const condition = $("r-condition").value;
    const box = $("condition-check");
    try {
      const r = await call("POST", "/v1/rules/validate", { kind: state.kind, condition });
      if (seq !== checkSeq) return;
      box.className = "wide check ok";
      box.textContent = condition.trim() === "" ? "Empty: the rule matches every conversation." :
        "Valid. It reads " + (r.inputs.length ? r.inputs.join(", ") : "nothing") + ".";
    } catch (e) {
      if (seq !== checkSeq) return;
      if (e.detail.field === "condition") showConditionError(e.detail);
      else { box.className = "wide check error"; box.textContent = e.message; }
    }
  }

  async function loadFields() {
    try {
      const ref = await call("GET", "/v1/rules/fields");
      $("fields").tBodies[0].replaceChildren(...ref.fields.map((f) => el("tr", {},
        el("td", {}, el("code", {}, f.name)), el("td", {}, f.type), el("td", {}, f.description),
        el("td", {}, el("code", {}, f.example)))));
    } catch (e) { /* the editor works without the reference */ }
  }

  // The sample conversation, as the dry run takes it.
  function sample() {
    const now = $("t-now").value ? new Date($("t-now").value).toISOString().replace(/\.\d+Z$/, "Z") : "";
    const body = {
      kind: state.kind,
      conversation: {
        text: $("t-text").value, channel: $("t-channel").value, sentiment: $("t-sentiment").value,
        issue_type: $("t-issue").value.trim(), language: $("t-language").value.trim(),
        turn_count: Number($("t-turns").value), unanswered_count: Number($("t-unanswered").value),
        asked_for_human: $("t-human").checked,
      },
      contact: { tier: $("t-tier").value.trim(), email_verified: $("t-verified").checked },
      order: $("t-order").value ? { status: $("t-order").value, total: Number($("t-total").value) } : null,
    };
    if (now) body.now = now;
    return body;
  }

  function showTry(box, result) {
    if (typeof result === "string") {
      box.replaceChildren(el("p", { class: "hint" }, result));
      return;
    }
    const d = result.decided_by;
    const verdict = d ?
      el("p", { class: "decided" }, "“" + d.name + "” decides" + (d.team ? ": " + (d.mode === "keep_assisting" ? "tell " : "hand over to ") + d.team : "") + ".") :
      el("p", { class: "decided none" }, state.kind === "handoff" ? "No rule matches: the agent keeps the conversation." : "No rule matches.");
    const rows = result.results.map((r) => el("tr", { class: r.rule_id === (d && d.rule_id) ? "fired" : "" },
      el("td", {}, r.name), el("td", {}, r.enabled ? (r.reached ? "reached" : "not reached") : "disabled"),
      el("td", {}, r.error ? "error: " + r.error : r.matched ? "matches" : "no match")));
    box.replaceChildren(verdict, el("p", { class: "hint" }, "Version " + result.version + " (" + result.state + ")."),
      el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "Rule"), el("th", {}, "Reached"), el("th", {}, "Result"))),
        el("tbody", {}, ...rows)));
  }

  async function tryIt(ev) {
    ev.preventDefault();
    const body = sample();
    for (const [version, box, have] of [["draft", $("try-draft"), state.draft], ["published", $("try-published"), state.published]]) {
      if (!have) {
        showTry(box, version === "draft" ? "No draft." : "Nothing published.");
        continue;
      }
      try {
        showTry(box, await call("POST", "/v1/rules/test", { ...body, version }));
      } catch (e) {
        box.replaceChildren(el("p", { class: "error" }, e.message));
      }
    }
  }

  $("kind").addEventListener("change", () => {
    $("editor").hidden = true;
    $("try-draft").replaceChildren();
    $("try-published").replaceChildren();
    load();
  });
  $("new-rule").addEventListener("click", () => openEditor());
  $("cancel-edit").addEventListener("click", () => { $("editor").hidden = true; });
  $("rule-form").addEventListener("submit", saveRule);
  $("r-condition").addEventListener("input", () => {
    clearTimeout(checkTimer);
    checkTimer = setTimeout(checkCondition, 250);
  });
  $("publish").addEventListener("click", publish);
  $("try-form").addEventListener("submit", tryIt);
  admin.keyForm(() => {
    loadFields();
    load();
  });
})();
