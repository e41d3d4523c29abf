// Shared by the admin pages: their links to one another, the API key form,
// the read-only line an auditor sees, calls to the API, and errors shown on
// the field they name. It runs before each page's own script. Every piece
// of data is put into a page as text, never as HTML.
"use strict";

const admin = (function () {
  const KEY = "switchboard.apiKey";
  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    for (const c of children) node.append(c === null || c === undefined ? "" : c);
    return node;
  }

  // The pages, in the order the header links them.
  const pages = [
    ["/admin/dashboard", "Analytics and rehearsals"], ["/admin/conversations", "Conversations"], ["/admin/rules", "Rules"], ["/admin/agent", "The agent"],
    ["/admin/content", "Content"], ["/admin/issues", "Issue types"], ["/admin/channels", "Channels and people"], ["/admin/crm", "Customers and orders"],
    ["/admin/scenarios", "Scenarios"], ["/sandbox", "Sandbox"],
  ];

  // The header's links and key form, and the read-only line, for the page.
  (function frame() {
    const nav = el("nav", {});
    pages.forEach(([href, name], i) => {
      if (i > 0) nav.append(" · ");
      nav.append(el("a", href === location.pathname ? { href, "aria-current": "page" } : { href }, name));
    });
    const form = el("form", { id: "key-form", autocomplete: "off" },
      el("label", { for: "api-key" }, "API key (admin, or auditor to read)"), " ",
      el("input", { id: "api-key", type: "password", placeholder: "sb_admin_…", spellcheck: "false" }), " ",
      el("button", { type: "submit" }, "Use key"), " ",
      el("button", { type: "button", id: "forget-key" }, "Forget key"));
    document.querySelector("header").append(nav, form);
    const readOnly = el("p", { id: "read-only", class: "hint" },
      "Read only: this is an auditor's key. An admin's key changes what this page shows.");
    readOnly.hidden = true;
    document.querySelector("main").prepend(readOnly);
  })();

  function status(text, isError) {
    $("status").textContent = text;
    $("status").className = isError ? "error" : "";
  }

  // APIError carries the API's error body: its message, and for a rule the
  // field at fault and where in the condition.
  class APIError extends Error {
    constructor(code, detail) {
      super((detail && detail.message) || "request failed (" + code + ")");
      this.status = code;
      this.detail = detail || {};
    }
  }

  // call sends a JSON body, or a FormData or Blob one as it is (a Blob with
  // its type), and returns the answer's JSON; a refusal throws an APIError.
  async function call(method, path, body) {
    const key = sessionStorage.getItem(KEY);
    if (!key) throw new APIError(0, { message: "Enter an admin API key first (an auditor's key reads only)." });
    const init = { method, headers: { Authorization: "Bearer " + key }, cache: "no-store", credentials: "omit" };
    if (body instanceof Blob) {
      init.headers["Content-Type"] = body.type;
      init.body = body;
    } else if (body instanceof FormData) {
      init.body = body;
    } else if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(path, init);
    } catch (e) {
      throw new APIError(0, { message: "the server did not answer" });
    }
    let data = null;
    try { data = await res.json(); } catch (e) { /* no body */ }
    if (!res.ok) throw new APIError(res.status, data && data.error);
    return data;
  }

  // showError puts a refused save's message into box and outlines the input
  // of the field it names ("reusable_responses[1].triggers: …") within
  // form: the field itself, else the nearest enclosing one that has an
  // input, else the input marked data-field="definition" (a whole JSON
  // definition), if any.
  function showError(form, box, err) {
    box.textContent = err.message;
    clearMarks(form);
    let field = err.detail && err.detail.field ? err.detail.field : (err.message.match(/^([\w.[\]-]+): /) || [])[1] || "";
    let input = null;
    while (field && !input) {
      input = form.querySelector('[data-field="' + CSS.escape(field) + '"]');
      const outer = field.replace(/(\[\d+\]|\.[^.[\]]*)$/, "");
      field = outer === field ? "" : outer;
    }
    input = input || form.querySelector('[data-field="definition"]');
    if (input) {
      input.setAttribute("aria-invalid", "true");
      input.focus();
    }
  }

  function clearMarks(form) {
    form.querySelectorAll("[aria-invalid]").forEach((n) => n.removeAttribute("aria-invalid"));
  }

  function clearError(form, box) {
    box.textContent = "";
    clearMarks(form);
  }

  // showRole marks the page with the key's role, which a key's own prefix
  // says (sb_auditor_…): an auditor's page hides what only an admin may do.
  function showRole() {
    const key = sessionStorage.getItem(KEY) || "";
    const role = (key.match(/^sb_([a-z]+)_/) || [])[1] || "";
    document.body.dataset.role = role;
    $("read-only").hidden = role !== "auditor";
  }

  // keyForm wires the page's key form; load runs with a key kept or given.
  function keyForm(load) {
    const start = () => {
      showRole();
      load();
    };
    $("key-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const key = $("api-key").value.trim();
      if (key) sessionStorage.setItem(KEY, key);
      $("api-key").value = "";
      start();
    });
    $("forget-key").addEventListener("click", () => {
      sessionStorage.removeItem(KEY);
      showRole();
      status("Key forgotten.");
    });
    if (sessionStorage.getItem(KEY)) start();
  }

  const fmtDate = (s) => (s ? new Date(s).toLocaleString() : "–");

  // button is a button (not a form's submit) of class cls that runs onClick.
  function button(text, cls, onClick) {
    const b = el("button", { type: "button", class: cls }, text);
    b.addEventListener("click", onClick);
    return b;
  }

  // fillTable puts rows into a table's body, or one line saying emptyText.
  function fillTable(table, rows, emptyText) {
    const cols = String(table.tHead.rows[0].cells.length);
    table.tBodies[0].replaceChildren(...(rows.length ? rows
      : [el("tr", { class: "empty" }, el("td", { colspan: cols, class: "hint" }, emptyText))]));
  }

  // download hands the browser blob to save as a file named name.
  function download(blob, name) {
    const url = URL.createObjectURL(blob);
    const a = el("a", { href: url, download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  // What a rehearsal's cases show, on the dashboard and the scenarios page:
  // what the agent did with a message (an outcome, in a few words and its
  // reply), a case's verdict, and the notes on a case's turn i (its failures
  // or differences, and on the first the case's own).
  const rehearsal = {
    outcome(o) {
      if (!o) return el("span", {}, "–");
      const words = [o.outcome.replace(/_/g, " ")];
      if (o.rule) words.push("rule " + o.rule);
      if (o.team) words.push("team " + o.team);
      if (o.action) words.push("action " + o.action);
      if (o.cites && o.cites.length) words.push("cites " + o.cites.join(", "));
      if (o.issue_type) words.push("issue type " + o.issue_type);
      return el("div", {}, words.join(" · "), el("div", { class: "reply" }, o.reply || ""));
    },
    verdict(c) {
      if (c.skipped) return "skipped: " + c.skipped;
      if (c.error) return "error: " + c.error;
      if (c.kind === "scenario") return c.passed ? "passed" : "failed";
      return c.changed ? "changed" : "same";
    },
    notes(c, t, i) {
      const notes = [].concat(t.failures || [], t.differs || []);
      if (i > 0) return notes;
      notes.push(...(c.failures || []));
      if (c.criterion) {
        notes.push("criterion (judged by the model, apart): " + c.criterion.criterion + " — " +
          (c.criterion.error ? "no verdict: " + c.criterion.error : (c.criterion.met ? "met" : "not met") + (c.criterion.reason ? ": " + c.criterion.reason : "")));
      }
      return notes;
    },
  };

  return { $, el, status, call, APIError, showError, clearMarks, clearError, keyForm, fmtDate, button, fillTable, download, rehearsal };
})();
