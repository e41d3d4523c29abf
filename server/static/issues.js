// Switchboard's page of issue types: tries a message as a conversation
// classifies it, lists, adds, edits and deletes the issue types with their
// examples, imports labelled examples from a file and sets the threshold
// (admin.js holds the key and the calls).
"use strict";

(function () {
  const { $, el, status, call, showError, clearError, fmtDate, button } = admin;

  const typePath = (name) => "/v1/issue-types/" + encodeURIComponent(name);

  async function load() {
    try {
      const [list, settings] = await Promise.all([call("GET", "/v1/issue-types"), call("GET", "/v1/issue-types/settings")]);
      showTypes(list.issue_types);
      $("th-value").value = settings.threshold;
    } catch (e) {
      status(e.message, true);
    }
  }

  function showTypes(list) {
    admin.fillTable($("types"), list.map((t) => {
      const tr = el("tr", {}, el("td", {}, el("code", {}, t.name)), el("td", {}, t.description),
        el("td", { class: "num" }, String(t.example_count)), el("td", {}, fmtDate(t.updated_at)),
        el("td", { class: "row-actions" }, button("Edit", "edit", () => edit(t.name)), " ",
          button("Delete", "delete", () => remove(t.name))));
      tr.dataset.name = t.name;
      return tr;
    }), "No issue types yet: add one below, or import labelled examples.");
  }

  // editing is the name of the type the form edits, "" for a new one.
  let editing = "";

  function resetForm() {
    editing = "";
    $("type-form").reset();
    $("t-name").readOnly = false;
    $("save-type").textContent = "Add the issue type";
    $("cancel-type").hidden = true;
  }

  async function edit(name) {
    try {
      const t = await call("GET", typePath(name));
      clearError($("type-form"), $("type-error"));
      editing = t.name;
      $("t-name").value = t.name;
      $("t-name").readOnly = true;
      $("t-description").value = t.description;
      $("t-examples").value = (t.examples || []).join("\n");
      $("save-type").textContent = "Save " + t.name;
      $("cancel-type").hidden = false;
      $("t-description").focus();
    } catch (e) {
      status(e.message, true);
    }
  }

  // examples are the textarea's lines that are not blank, each with its line
  // number, so that a refused example can be shown on its line.
  function examples() {
    return $("t-examples").value.split("\n").map((text, i) => ({ text: text.trim(), line: i + 1 })).filter((x) => x.text);
  }

  async function save(ev) {
    ev.preventDefault();
    const form = $("type-form"), box = $("type-error");
    clearError(form, box);
    const lines = examples();
    const body = { description: $("t-description").value.trim(), examples: lines.map((x) => x.text) };
    try {
      if (editing) {
        await call("PUT", typePath(editing), body);
        status(editing + " saved.");
      } else {
        body.name = $("t-name").value.trim();
        const t = await call("POST", "/v1/issue-types", body);
        status(t.name + " added.");
      }
      resetForm();
      load();
    } catch (e) {
      // "examples[3]: …" is the fourth example given: say its line.
      const field = (e.detail && e.detail.field) || (e.message.match(/^([\w.[\]-]+): /) || [])[1] || "";
      const at = field.match(/^examples\[(\d+)\]/);
      if (at && lines[Number(at[1])]) {
        e.detail = Object.assign({}, e.detail, { field });
        e.message = "line " + lines[Number(at[1])].line + ": " + e.message;
      }
      showError(form, box, e);
    }
  }

  async function remove(name) {
    if (!confirm("Delete the issue type " + name + " and its examples? A rule that names it no longer matches.")) return;
    try {
      await call("DELETE", typePath(name));
      if (editing === name) resetForm();
      status(name + " deleted.");
      load();
    } catch (e) {
      status(e.message, true);
    }
  }

  const pct = (x) => Math.round(x * 100) + " %";

  async function classify(ev) {
    ev.preventDefault();
    const form = $("classify-form"), box = $("classified");
    clearError(form, box);
    box.className = "wide";
    try {
      const r = await call("POST", "/v1/issue-types/classify", { text: $("c-text").value });
      const by = r.refined ? " (decided by the language model)" : "";
      let text;
      if (!r.unknown) {
        text = r.issue_type + ", " + pct(r.confidence) + " confident" + by + ".";
      } else if (r.out_of_scope) {
        text = "No issue type: the message is most like your out-of-scope examples" + by + ".";
      } else {
        text = "No issue type (unknown): " + (r.best_guess ? "the likeliest, " + r.best_guess + ", is " + pct(r.confidence) +
          " confident, under the threshold of " + pct(r.threshold) : "there are no issue types yet") + by + ".";
      }
      box.replaceChildren(el("strong", { class: "decided" + (r.unknown ? " none" : "") }, text));
    } catch (e) {
      box.className = "wide error";
      showError(form, box, e);
    }
  }

  async function importFile(ev) {
    ev.preventDefault();
    const form = $("import-form"), box = $("import-error");
    clearError(form, box);
    const file = $("i-file").files[0];
    try {
      if (!file) throw new Error("file: choose a CSV or JSON file");
      const ext = (file.name.split(".").pop() || "").toLowerCase();
      const type = { csv: "text/csv", json: "application/json" }[ext];
      if (!type) throw new Error("file: " + file.name + " is neither .csv nor .json");
      const r = await call("POST", "/v1/issue-types/import", new Blob([file], { type }));
      status(file.name + ": " + r.rows + " rows, " + r.added + " examples added, " + r.duplicates + " already there" +
        (r.created_types && r.created_types.length ? "; new issue types: " + r.created_types.join(", ") : "") + ".");
      form.reset();
      load();
    } catch (e) {
      showError(form, box, e);
    }
  }

  async function saveThreshold(ev) {
    ev.preventDefault();
    const form = $("threshold-form"), box = $("threshold-error");
    clearError(form, box);
    try {
      const r = await call("PUT", "/v1/issue-types/settings", { threshold: Number($("th-value").value) });
      $("th-value").value = r.threshold;
      status("Threshold saved: " + r.threshold + ".");
    } catch (e) {
      showError(form, box, e);
    }
  }

  $("classify-form").addEventListener("submit", classify);
  $("type-form").addEventListener("submit", save);
  $("cancel-type").addEventListener("click", resetForm);
  $("import-form").addEventListener("submit", importFile);
  $("threshold-form").addEventListener("submit", saveThreshold);
  admin.keyForm(load);
})();
