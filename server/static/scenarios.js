// Switchboard's page of scenarios: lists the saved test conversations,
// writes and edits one (the customer's messages, or a simulated customer,
// and what the agent must do), runs one or all of them as a rehearsal and
// shows each message's verdict, and exports and imports them (admin.js
// holds the key and the calls).
"use strict";

(function () {
  const { $, el, status, call, showError, clearError, fmtDate, button, rehearsal } = admin;

  const scenarioPath = (id) => "/v1/scenarios/" + encodeURIComponent(id);

  async function load() {
    try {
      const list = await call("GET", "/v1/scenarios");
      showScenarios(list.scenarios);
      const wanted = new URLSearchParams(location.search).get("scenario");
      if (wanted && !loaded) edit(wanted);
      loaded = true;
      loadChoices();
    } catch (e) {
      status(e.message, true);
    }
  }
  let loaded = false;

  // loadChoices fills the datalists an expectation's inputs offer: the
  // teams, the actions and the hand-off rules' names (published and draft).
  async function loadChoices() {
    const fill = (id, values) => $(id).replaceChildren(...[...new Set(values)].sort().map((v) => el("option", { value: v })));
    const [teams, actions, versions] = await Promise.all([call("GET", "/v1/teams"), call("GET", "/v1/agent/actions"),
      call("GET", "/v1/rules/handoff/versions")]).catch(() => [null, null, null]);
    if (teams) fill("teams", teams.teams.map((t) => t.key));
    if (actions) fill("actions", actions.actions.map((a) => a.name));
    if (!versions) return;
    const sets = versions.versions.filter((v) => v.state === "published" || v.state === "draft");
    const full = await Promise.all(sets.map((v) => call("GET", "/v1/rules/handoff/versions/" + v.version).catch(() => null)));
    fill("handoff-rules", full.filter(Boolean).flatMap((v) => (v.rules || []).map((r) => r.name)));
  }

  function describe(s) {
    if (s.simulation) return "simulated: " + s.simulation.persona;
    return s.turns.length + (s.turns.length === 1 ? " message: " : " messages: ") + s.turns.map((t) => "“" + t.message + "”").join(" ");
  }

  function showScenarios(list) {
    admin.fillTable($("scenarios"), list.map((s) => {
      const tr = el("tr", {}, el("td", {}, s.name, s.description ? el("div", { class: "reply" }, s.description) : ""),
        el("td", {}, describe(s)), el("td", {}, s.contact_email || "–"), el("td", {}, fmtDate(s.updated_at)),
        el("td", { class: "row-actions" }, button("Run", "run", () => run([s.id])), " ",
          button(document.body.dataset.role === "auditor" ? "Open" : "Edit", "open", () => edit(s.id)), " ",
          button("Delete", "delete", () => remove(s))));
      tr.dataset.id = s.id;
      return tr;
    }), "No scenarios yet: write one with New scenario, or save a sandbox conversation as one.");
  }

  // An expectation's inputs: k is the expectation's field, multi a textarea
  // of one text a line.
  const expectInputs = [
    { k: "handed_off", label: "Hands off", select: [["", "either way"], ["yes", "to a person"], ["no", "keeps the conversation"]] },
    { k: "team", label: "to the team", list: "teams" },
    { k: "rule", label: "by the hand-off rule", list: "handoff-rules" },
    { k: "action", label: "Runs the action", list: "actions" },
    { k: "action_inputs", label: "with inputs (name = value, one per line)", multi: true },
    { k: "cites", label: "Cites (a source's title or ID)" },
    { k: "contains", label: "The reply says (one text per line)", multi: true },
    { k: "not_contains", label: "The reply never says (one text per line)", multi: true },
  ];

  // expectFields is the inputs of one expectation e, their fields named
  // under prefix ("turns[0].expect").
  function expectFields(prefix, e) {
    e = e || {};
    const box = el("div", { class: "expect", "data-prefix": prefix });
    for (const f of expectInputs) {
      let input;
      if (f.select) {
        input = el("select", {}, ...f.select.map(([v, text]) => el("option", { value: v }, text)));
        input.value = e.handed_off === undefined || e.handed_off === null ? "" : e.handed_off ? "yes" : "no";
      } else if (f.multi) {
        const v = f.k === "action_inputs" ? Object.entries(e.action_inputs || {}).map(([n, x]) => n + " = " + x) : e[f.k] || [];
        input = el("textarea", { rows: "2" });
        input.value = v.join("\n");
      } else {
        input = el("input", f.list ? { list: f.list } : {});
        input.value = e[f.k] || "";
      }
      input.dataset.k = f.k;
      input.dataset.field = prefix + "." + f.k;
      box.append(el("label", { class: f.multi ? "wide" : "" }, f.label + " ", input));
    }
    return box;
  }

  // readExpect is the expectation box's inputs hold; an input it cannot
  // read throws an error naming its field.
  function readExpect(box) {
    const e = {};
    const value = (k) => box.querySelector('[data-k="' + k + '"]').value.trim();
    const lines = (k) => value(k).split("\n").map((s) => s.trim()).filter(Boolean);
    if (value("handed_off")) e.handed_off = value("handed_off") === "yes";
    for (const k of ["team", "rule", "action", "cites"]) if (value(k)) e[k] = value(k);
    for (const k of ["contains", "not_contains"]) if (lines(k).length) e[k] = lines(k);
    const inputs = lines("action_inputs");
    if (inputs.length) {
      e.action_inputs = {};
      for (const line of inputs) {
        const at = line.indexOf("=");
        if (at < 1) throw new admin.APIError(400, { field: box.dataset.prefix + ".action_inputs", message: box.dataset.prefix + ".action_inputs: “" + line + "” is not name = value" });
        e.action_inputs[line.slice(0, at).trim()] = line.slice(at + 1).trim();
      }
    }
    return e;
  }

  function addTurn(t) {
    const message = el("textarea", { rows: "2", "data-k": "message", placeholder: "what the customer writes" });
    message.value = (t && t.message) || "";
    const box = el("fieldset", { class: "turn wide" }, el("legend", {}),
      el("label", { class: "wide" }, "The customer writes", message),
      expectFields("", t && t.expect),
      el("div", { class: "wide" }, button("Remove this message", "remove-turn", () => {
        box.remove();
        renumber();
      })));
    $("s-turns").append(box);
    renumber();
    return box;
  }

  // renumber names each message's inputs by its place ("turns[2].message"),
  // as the API names a refused one.
  function renumber() {
    [...$("s-turns").children].forEach((box, i) => {
      box.querySelector("legend").textContent = "Message " + (i + 1);
      box.dataset.field = "turns[" + i + "]";
      box.querySelector('[data-k="message"]').dataset.field = "turns[" + i + "].message";
      const expect = box.querySelector(".expect");
      expect.dataset.prefix = "turns[" + i + "].expect";
      expect.querySelectorAll("[data-k]").forEach((n) => (n.dataset.field = expect.dataset.prefix + "." + n.dataset.k));
    });
  }

  function simulated() {
    return $("kind-simulated").checked;
  }

  function showKind() {
    $("s-turns").hidden = $("s-turn-tools").hidden = simulated();
    $("s-simulation").hidden = !simulated();
  }

  // editing is the ID of the scenario the form edits, "" for a new one.
  let editing = "";

  function open(s) {
    const form = $("scenario-form");
    clearError(form, $("scenario-error"));
    form.reset();
    editing = s ? s.id : "";
    $("editor").hidden = false;
    $("editor-title").textContent = s ? "Scenario: " + s.name : "New scenario";
    $("save-scenario").textContent = s ? "Save the scenario" : "Add the scenario";
    $("s-name").value = s ? s.name : "";
    $("s-description").value = s ? s.description : "";
    $("s-contact").value = s ? s.contact_email : "";
    $("s-turns").replaceChildren();
    const sim = s && s.simulation;
    $(sim ? "kind-simulated" : "kind-script").checked = true;
    $("sim-persona").value = sim ? sim.persona : "";
    $("sim-goal").value = sim ? sim.goal : "";
    $("sim-turns").value = sim ? sim.max_turns : 6;
    $("sim-criterion").value = sim ? sim.criterion || "" : "";
    document.querySelector("#s-simulation .expect-slot").replaceChildren(expectFields("simulation.expect", sim && sim.expect));
    for (const t of s && !sim ? s.turns : [{}]) addTurn(t);
    showKind();
    $("s-name").focus();
  }

  function close() {
    editing = "";
    $("editor").hidden = true;
  }

  async function edit(id) {
    try {
      open(await call("GET", scenarioPath(id)));
    } catch (e) {
      status(e.message, true);
    }
  }

  function scenarioBody() {
    const body = { name: $("s-name").value.trim(), description: $("s-description").value.trim(),
      contact_email: $("s-contact").value.trim(), turns: [] };
    if (simulated()) {
      body.simulation = { persona: $("sim-persona").value.trim(), goal: $("sim-goal").value.trim(),
        max_turns: Number($("sim-turns").value), criterion: $("sim-criterion").value.trim(),
        expect: readExpect(document.querySelector("#s-simulation .expect")) };
    } else {
      body.turns = [...$("s-turns").children].map((box) => ({ message: box.querySelector('[data-k="message"]').value,
        expect: readExpect(box.querySelector(".expect")) }));
    }
    return body;
  }

  async function save(ev) {
    ev.preventDefault();
    const form = $("scenario-form"), box = $("scenario-error");
    clearError(form, box);
    try {
      const body = scenarioBody();
      const s = editing ? await call("PUT", scenarioPath(editing), body) : await call("POST", "/v1/scenarios", body);
      status("Scenario “" + s.name + "” " + (editing ? "saved." : "added."));
      close();
      load();
    } catch (e) {
      showError(form, box, e);
    }
  }

  async function remove(s) {
    if (!confirm("Delete the scenario “" + s.name + "”?")) return;
    try {
      await call("DELETE", scenarioPath(s.id));
      if (editing === s.id) close();
      status("Scenario “" + s.name + "” deleted.");
      load();
    } catch (e) {
      status(e.message, true);
    }
  }

  // run rehearses the scenarios of ids (all of them when ids is null)
  // against the rules chosen, and follows the run to its end.
  async function run(ids) {
    const body = { handoff_version: $("run-handoff").value, routing_version: $("run-routing").value };
    if (ids) body.scenario_ids = ids;
    else body.scenarios = true;
    try {
      const r = await call("POST", "/v1/rehearsals", body);
      status("Running " + r.total + (r.total === 1 ? " scenario…" : " scenarios…"));
      following = r.id;
      for (;;) {
        const got = await call("GET", "/v1/rehearsals/" + encodeURIComponent(r.id));
        if (following !== r.id) return;
        showRun(got);
        if (got.status !== "running") break;
        await new Promise((done) => setTimeout(done, 700));
      }
      status("");
    } catch (e) {
      status("Not run: " + e.message, true);
    }
  }
  let following = "";

  function showRun(r) {
    $("run").hidden = false;
    const rep = r.report || { cases: [] };
    const rules = "hand-off rules " + r.configuration.handoff + ", routing rules " + r.configuration.routing;
    $("run-title").textContent = r.status === "running" ? "Running… " + r.done + " of " + r.total : "Run of " + fmtDate(r.created_at) + ": " + r.status;
    $("run-summary").textContent = r.status === "running" ? rules + "." :
      rep.passed + " passed, " + rep.failed + " failed" + (rep.skipped ? ", " + rep.skipped + " skipped" : "") + "; " + rules + ".";
    admin.fillTable($("run-cases"), rep.cases.filter((c) => c.kind === "scenario").flatMap((c) => {
      const cls = c.skipped || c.error ? "failed" : c.passed ? "passed" : "failed";
      const turns = c.turns.length ? c.turns : [{ message: "" }];
      return turns.map((t, i) => {
        const notes = rehearsal.notes(c, t, i);
        const tr = el("tr", { class: cls }, el("td", {}, i === 0 ? c.name : ""), el("td", { class: "verdict" }, i === 0 ? rehearsal.verdict(c) : ""),
          el("td", {}, t.message), el("td", {}, rehearsal.outcome(t.now)),
          el("td", { class: "diff" }, notes.length ? el("ul", {}, ...notes.map((n) => el("li", {}, n))) : ""));
        tr.dataset.scenario = c.scenario;
        return tr;
      });
    }), r.status === "running" ? "No scenario judged yet." : "No scenarios ran.");
  }

  async function exportAll() {
    try {
      const data = await call("GET", "/v1/scenarios/export");
      for (const s of data.scenarios) {
        delete s.id;
        delete s.created_at;
        delete s.updated_at;
      }
      admin.download(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }), "scenarios.json");
      status("Exported " + data.scenarios.length + " scenarios to scenarios.json.");
    } catch (e) {
      status(e.message, true);
    }
  }

  async function importFile(ev) {
    ev.preventDefault();
    const form = $("import-form"), box = $("import-error");
    clearError(form, box);
    const file = $("i-file").files[0];
    try {
      if (!file) throw new Error("scenarios: choose a JSON file");
      const r = await call("POST", "/v1/scenarios/import", new Blob([file], { type: "application/json" }));
      status(file.name + ": " + r.created + " added, " + r.updated + " replaced.");
      form.reset();
      load();
    } catch (e) {
      showError(form, box, e);
    }
  }

  $("new-scenario").addEventListener("click", () => open(null));
  $("add-turn").addEventListener("click", () => addTurn({}).querySelector("textarea").focus());
  $("kind-script").addEventListener("change", showKind);
  $("kind-simulated").addEventListener("change", showKind);
  $("scenario-form").addEventListener("submit", save);
  $("cancel-scenario").addEventListener("click", close);
  $("run-all").addEventListener("click", () => run(null));
  $("export").addEventListener("click", exportAll);
  $("import-form").addEventListener("submit", importFile);
  admin.keyForm(load);
})();
