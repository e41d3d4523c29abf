// Switchboard's content page: the sources the agent answers from, listed
// with their sync status (followed while a sync runs), added, edited,
// synced again and deleted through the sources API (admin.js holds the key
// and the calls). A link from a knowledge gap, ?question=…, starts a short
// answer to it.
"use strict";

(function () {
  const { $, el, status, call, showError, clearError, fmtDate } = admin;

  const kindNames = { kb_article: "article", short_answer: "short answer", url: "page", site: "site", file: "file" };
  // The fields each kind sends; the others are refused by the API.
  const kindFields = {
    short_answer: ["question", "answer"],
    kb_article: ["title", "body", "url"],
    url: ["url", "title", "resync_interval"],
    site: ["url", "max_pages", "resync_interval"],
    file: ["title"],
  };

  let editing = null; // the source being edited, or null for a new one
  let followTimer = 0;

  function showKind() {
    const kind = $("c-kind").value;
    document.querySelectorAll("#source-form [class*='for-']").forEach((node) => {
      node.hidden = !node.classList.contains("for-" + kind);
    });
  }

  function statusText(src) {
    if (src.status === "syncing" && src.progress) {
      const p = src.progress;
      return "syncing (" + p.chunks_done + " of " + p.chunks_total + " chunks)";
    }
    return src.status + (src.status_reason ? ": " + src.status_reason : "");
  }

  async function load() {
    clearTimeout(followTimer);
    try {
      const list = [];
      let token = "";
      do {
        const page = await call("GET", "/v1/sources?limit=500" + (token ? "&page_token=" + encodeURIComponent(token) : ""));
        list.push(...page.sources);
        token = page.next_page_token;
      } while (token);
      show(list);
      if (list.some((s) => s.status === "pending" || s.status === "syncing")) followTimer = setTimeout(load, 1500);
    } catch (e) {
      status(e.message, true);
    }
  }

  function show(list) {
    const rows = list.map((src) => {
      const url = src.url && /^https?:/.test(src.url) ? src.url : "";
      const title = url ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, src.title) : src.title;
      const buttons = el("td", { class: "row-actions" });
      if (src.kind !== "file") {
        buttons.append(admin.button("Edit", "edit", () => startEdit(src.id)), " ");
      }
      buttons.append(admin.button("Sync now", "sync", () => syncNow(src)), " ", admin.button("Delete", "delete", () => remove(src)));
      const tr = el("tr", { class: src.status },
        el("td", {}, title), el("td", {}, kindNames[src.kind] || src.kind), el("td", { class: "source-status" }, statusText(src)),
        el("td", { class: "num" }, String(src.chunks)), el("td", {}, fmtDate(src.last_synced_at)),
        el("td", { class: "num" }, String(src.cited_count)), buttons);
      tr.dataset.id = src.id;
      return tr;
    });
    admin.fillTable($("sources"), rows, "No content yet: add your first below.");
  }

  function fill(src) {
    $("c-kind").value = src.kind;
    $("c-question").value = src.question || "";
    $("c-answer").value = src.answer || "";
    $("c-title").value = src.kind === "short_answer" ? "" : src.title || "";
    $("c-body").value = src.body || "";
    $("c-url").value = src.url || "";
    $("c-max_pages").value = src.max_pages || 50;
    const every = { "1h0m0s": "1h", "24h0m0s": "24h", "168h0m0s": "168h" };
    $("c-resync_interval").value = every[src.resync_interval] || "";
    $("c-channels").value = (src.audience.channels || []).join(", ");
    $("c-tiers").value = (src.audience.tiers || []).join(", ");
    showKind();
  }

  async function startEdit(id) {
    try {
      editing = await call("GET", "/v1/sources/" + encodeURIComponent(id));
      fill(editing);
      $("c-kind").disabled = true;
      $("form-title").textContent = "Edit “" + editing.title + "”";
      $("save-source").textContent = "Save and sync";
      $("cancel-edit").hidden = false;
      clearError($("source-form"), $("source-error"));
      $("add").scrollIntoView();
    } catch (e) {
      status(e.message, true);
    }
  }

  function resetForm() {
    editing = null;
    $("source-form").reset();
    $("c-kind").disabled = false;
    $("form-title").textContent = "Add content";
    $("save-source").textContent = "Add and sync";
    $("cancel-edit").hidden = true;
    showKind();
  }

  const list = (text) => text.split(",").map((x) => x.trim()).filter((x) => x);

  function body() {
    const kind = $("c-kind").value;
    const audience = { channels: list($("c-channels").value), tiers: list($("c-tiers").value) };
    if (kind === "file") {
      const form = new FormData();
      form.append("kind", "file");
      if ($("c-title").value.trim()) form.append("title", $("c-title").value.trim());
      if ($("c-file").files[0]) form.append("file", $("c-file").files[0]);
      audience.channels.forEach((c) => form.append("audience_channels", c));
      audience.tiers.forEach((t) => form.append("audience_tiers", t));
      return form;
    }
    const out = { kind, audience };
    for (const field of kindFields[kind]) {
      const value = $("c-" + field).value;
      if (field === "max_pages") out.max_pages = Number(value);
      else if (value.trim() !== "") out[field] = field === "body" || field === "answer" ? value : value.trim();
    }
    if (kind === "kb_article") out.format = "markdown";
    return out;
  }

  async function save(ev) {
    ev.preventDefault();
    const form = $("source-form"), box = $("source-error");
    clearError(form, box);
    try {
      const src = editing ?
        await call("PUT", "/v1/sources/" + encodeURIComponent(editing.id), body()) :
        await call("POST", "/v1/sources", body());
      status("“" + src.title + "” " + (editing ? "saved" : "added") + "; it is searchable once its sync is done.");
      resetForm();
      load();
    } catch (e) {
      showError(form, box, e);
    }
  }

  async function syncNow(src) {
    try {
      await call("POST", "/v1/sources/" + encodeURIComponent(src.id) + "/sync");
      status("Syncing “" + src.title + "”.");
      load();
    } catch (e) {
      status(e.message, true);
    }
  }

  async function remove(src) {
    if (!confirm("Delete “" + src.title + "” and its chunks? The agent stops answering from it.")) return;
    try {
      await call("DELETE", "/v1/sources/" + encodeURIComponent(src.id));
      status("“" + src.title + "” deleted.");
      load();
    } catch (e) {
      status(e.message, true);
    }
  }

  $("c-kind").addEventListener("change", showKind);
  $("source-form").addEventListener("submit", save);
  $("cancel-edit").addEventListener("click", resetForm);
  // A knowledge gap's "Write an answer" link.
  const question = new URLSearchParams(location.search).get("question");
  if (question) {
    $("c-kind").value = "short_answer";
    $("c-question").value = question;
  }
  showKind();
  admin.keyForm(load);
})();
