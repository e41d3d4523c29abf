// Shared by the chat widget, the rep inbox and the sandbox. User text is
// only ever set with textContent.
"use strict";

const sb = {
  // el makes an element with an optional class and text.
  el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  },

  // uuid is a random version-4 UUID (crypto.randomUUID needs a secure context).
  uuid() {
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  },

  // api calls the API with a key and returns {status, body}; the error
  // message of a failed call is in body.error.message.
  async api(key, method, path, body) {
    const init = { method, headers: { Authorization: "Bearer " + key } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let resp;
    try {
      resp = await fetch(path, init);
    } catch (err) {
      return { status: 0, body: { error: { message: "the server did not answer" } } };
    }
    let data = null;
    try {
      data = await resp.json();
    } catch (err) {
      data = null;
    }
    return { status: resp.status, body: data };
  },

  // stream posts body and reads the answer as server-sent events, calling
  // onDelta(text, reset) for each piece of a reply being written; it returns
  // {status, body} as api does, body being the final "reply" event's data
  // (or the JSON error of a refused request, or an "error" event's).
  async stream(key, path, body, onDelta) {
    const init = {
      method: "POST",
      headers: { Authorization: "Bearer " + key, "Content-Type": "application/json", Accept: "text/event-stream" },
      body: JSON.stringify(body),
    };
    let resp;
    try {
      resp = await fetch(path, init);
    } catch (err) {
      return { status: 0, body: { error: { message: "the server did not answer" } } };
    }
    if (!(resp.headers.get("Content-Type") || "").startsWith("text/event-stream")) {
      let data = null;
      try {
        data = await resp.json();
      } catch (err) {
        data = null;
      }
      return { status: resp.status, body: data };
    }
    const reader = resp.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    let result = { status: 0, body: { error: { message: "the reply stream ended early" } } };
    const handle = (block) => {
      let event = "message";
      let data = "";
      block.split("\n").forEach((line) => {
        if (line.startsWith("event: ")) event = line.slice(7);
        else if (line.startsWith("data: ")) data += line.slice(6);
      });
      if (!data) return;
      const value = JSON.parse(data);
      if (event === "delta") onDelta(value.text || "", !!value.reset);
      else if (event === "reply") result = { status: 200, body: value };
      else if (event === "error") result = { status: value.status, body: { error: value.error } };
    };
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          handle(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
        }
      }
    } catch (err) {
      // The connection dropped: the transcript still gets the reply.
    }
    return result;
  },

  errorText(r) {
    return (r.body && r.body.error && r.body.error.message) || "request failed (" + r.status + ")";
  },

  // safeURL returns the URL when it is http(s), so a source can never run
  // script from a link.
  safeURL(url) {
    try {
      const u = new URL(url, location.href);
      return u.protocol === "http:" || u.protocol === "https:" ? u.href : "";
    } catch (err) {
      return "";
    }
  },

  // sources renders citations as a list of links.
  sources(citations) {
    const box = sb.el("div", "sources");
    box.append(sb.el("span", "sources-label", "Sources: "));
    citations.forEach((c, i) => {
      if (i > 0) box.append(", ");
      const url = sb.safeURL(c.url || "");
      const a = sb.el(url ? "a" : "span", "source", c.title || c.source_id);
      if (url) {
        a.href = url;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
      }
      box.append(a);
    });
    return box;
  },

  roleLabel: { customer: "Customer", agent: "Agent", rep: "Rep", system: "" },

  // message renders one transcript message; viewer is "customer" or "staff".
  message(m, viewer) {
    const li = sb.el("li", "msg msg-" + m.role);
    li.dataset.role = m.role;
    if (m.role !== "system") {
      const who = viewer === "customer" && m.role === "customer" ? "You" :
        viewer === "customer" && m.role === "agent" ? "Assistant" :
        viewer === "customer" && m.role === "rep" ? "Support team" : sb.roleLabel[m.role] || m.role;
      li.append(sb.el("div", "who", who));
    }
    li.append(sb.el("div", "text", m.text));
    if (m.citations && m.citations.length) li.append(sb.sources(m.citations));
    return li;
  },

  // keyForm wires a sign-in form to sessionStorage[storeKey] and calls
  // onKey(key) with a key the check accepts; without a key of its own it
  // tries the one stored under alsoKey, if given (the admin pages' key).
  keyForm(storeKey, check, onKey, alsoKey) {
    const form = document.getElementById("key-form");
    const input = document.getElementById("api-key");
    const status = document.getElementById("key-status");
    const use = async (key) => {
      status.textContent = "Checking the key…";
      const err = await check(key);
      if (err) {
        status.textContent = err;
        sessionStorage.removeItem(storeKey);
        return;
      }
      status.textContent = "";
      sessionStorage.setItem(storeKey, key);
      form.hidden = true;
      document.getElementById("sign-out").hidden = false;
      onKey(key);
    };
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const key = input.value.trim();
      if (key) use(key);
    });
    document.getElementById("sign-out").addEventListener("click", () => {
      sessionStorage.removeItem(storeKey);
      if (alsoKey) sessionStorage.removeItem(alsoKey);
      location.reload();
    });
    const saved = sessionStorage.getItem(storeKey) || (alsoKey && sessionStorage.getItem(alsoKey));
    if (saved) use(saved);
  },
};
