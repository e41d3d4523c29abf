// Switchboard's page of customers and orders: imports the company's
// contacts, orders and products from a CSV or JSON-lines file, and looks a
// record up as the agent reads it (admin.js holds the key and the calls).
"use strict";

(function () {
  const { $, el, status, call, showError, clearError } = admin;

  const types = { csv: "text/csv", ndjson: "application/x-ndjson", jsonl: "application/x-ndjson", json: "application/x-ndjson" };

  async function importFile(ev) {
    ev.preventDefault();
    const form = $("import-form"), box = $("import-error");
    clearError(form, box);
    const file = $("i-file").files[0];
    const kind = $("i-kind").value;
    try {
      if (!file) throw new Error("file: choose a CSV or JSON-lines file");
      const type = types[(file.name.split(".").pop() || "").toLowerCase()];
      if (!type) throw new Error("file: " + file.name + " is neither .csv nor .ndjson (or .jsonl)");
      const r = await call("POST", "/v1/crm/" + kind + "/import", new Blob([file], { type }));
      status(file.name + ": " + r.created + " " + kind + " created, " + r.updated + " updated.");
      form.reset();
    } catch (e) {
      showError(form, box, e);
    }
  }

  const queries = { contacts: "email", orders: "number", products: "sku" };

  // finding counts the finds: what an earlier one reads after a later one
  // was asked is dropped.
  let finding = 0;

  async function find(ev) {
    ev.preventDefault();
    const kind = $("f-kind").value, value = $("f-value").value.trim();
    const box = $("found"), mine = ++finding;
    if (!value) return;
    try {
      const page = await call("GET", "/v1/crm/" + kind + "?limit=10&" + queries[kind] + "=" + encodeURIComponent(value));
      const records = page[kind];
      if (mine !== finding) return;
      if (!records.length) {
        box.replaceChildren(el("p", { class: "hint" }, "No " + kind.replace(/s$/, "") + " with " + queries[kind] + " " + value + "."));
        return;
      }
      // The whole record, as the API gives it: an order with its returns
      // and the agent's actions on it.
      const shown = await Promise.all(records.map((r) => call("GET", "/v1/crm/" + kind + "/" + encodeURIComponent(r.external_id))));
      if (mine !== finding) return;
      box.replaceChildren(...shown.map((r) => el("pre", { class: "panel record" }, JSON.stringify(r, null, 2))));
    } catch (e) {
      if (mine === finding) box.replaceChildren(el("p", { class: "error" }, e.message));
    }
  }

  $("import-form").addEventListener("submit", importFile);
  $("find-form").addEventListener("submit", find);
  admin.keyForm(() => status(""));
})();
