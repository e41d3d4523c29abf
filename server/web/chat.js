// The customer chat widget: /chat/{channelID}#key=<widget key>, and
// &identity_token=<JWT> when the site verifies its customer.
"use strict";

(() => {
  const channelID = decodeURIComponent(location.pathname.split("/").pop());
  const hash = new URLSearchParams(location.hash.slice(1));
  const store = (name) => "sb.chat." + channelID + "." + name;
  if (hash.get("key")) sessionStorage.setItem(store("key"), hash.get("key"));
  if (hash.get("identity_token")) sessionStorage.setItem(store("identity_token"), hash.get("identity_token"));
  const key = sessionStorage.getItem(store("key"));
  // The site's signed token naming the customer, sent with every message.
  const identityToken = sessionStorage.getItem(store("identity_token")) || undefined;
  const $ = (id) => document.getElementById(id);
  // The contact fields a chat can ask for before it starts.
  const fields = ["name", "email", "phone"];
  // How long to wait before each new try of a message the server could not
  // take just now, in milliseconds.
  const RETRY_WAITS = [1000, 3000];

  if (!key) {
    $("chat-error").textContent = "This chat link has no widget key: open it as /chat/" + channelID + "#key=<widget key>.";
    $("chat-error").hidden = false;
    return;
  }

  let conversationID = sessionStorage.getItem(store("conversation"));
  if (!conversationID) {
    conversationID = sb.uuid();
    sessionStorage.setItem(store("conversation"), conversationID);
  }
  let shown = "";
  let transcript = [];
  // Messages sent and replies received, shown until the transcript (the
  // read model, written just after the reply) has them.
  let pending = [];
  // While the conversation is with the team, the agent does not reply: a
  // person does, in the transcript, and the page says so.
  let withTeam = false;
  const WITH_TEAM = {
    handed_off: "Waiting for a person from our team. They will reply here, and you can keep writing.",
    rep_active: "You're talking with a person from our team.",
  };

  async function refresh() {
    const r = await sb.api(key, "GET", "/v1/conversations/" + encodeURIComponent(conversationID));
    if (r.status === 404) return; // nothing sent yet
    if (r.status !== 200) return;
    transcript = r.body.messages.filter((m) => m.text);
    showStatus(r.body.status);
    render();
  }

  function showStatus(status) {
    const text = WITH_TEAM[status] || "";
    withTeam = text !== "";
    $("with-team").textContent = text;
    $("with-team").hidden = !withTeam;
  }

  function render() {
    const messages = transcript;
    pending = pending.filter((p) => !messages.some((m) => m.role === p.role && m.id === p.id));
    const all = messages.concat(pending);
    const signature = JSON.stringify(all.map((m) => [m.id, m.role, m.text.length]));
    if (signature === shown) return;
    shown = signature;
    const list = $("messages");
    list.replaceChildren(...all.map((m) => sb.message(m, "customer")));
    list.lastElementChild && list.lastElementChild.scrollIntoView({ block: "end" });
  }

  async function send(text) {
    const id = sb.uuid();
    pending.push({ id, role: "customer", text });
    render();
    $("send").disabled = true;
    $("typing").hidden = withTeam;
    $("send-error").textContent = "";
    // The reply shows as the model writes it (citation marks are left for
    // the final reply, which replaces it).
    let draft = null;
    const post = () => sb.stream(key, "/v1/conversations/" + encodeURIComponent(conversationID) + "/messages",
      { id, text, contact: contact(), identity_token: identityToken },
      (piece, reset) => {
        if (!draft || reset) {
          pending = pending.filter((p) => p !== draft);
          draft = { id: id + ":draft", role: "agent", text: "" };
          pending.push(draft);
        }
        draft.text += piece;
        draft.text = draft.text.replace(/\s*\[\d+\]/g, "");
        $("typing").hidden = true;
        render();
      });
    // A server that could not be reached, or answered that the agent cannot
    // be reached just now (503), gets the same message again, with the same
    // id, which is answered once however often it is sent.
    let r = await post();
    for (const wait of RETRY_WAITS) {
      if (r.status !== 0 && r.status !== 503) break;
      $("send-error").textContent = "Reconnecting…";
      await new Promise((done) => setTimeout(done, wait));
      r = await post();
    }
    pending = pending.filter((p) => p !== draft);
    $("typing").hidden = true;
    $("send").disabled = false;
    $("send-error").textContent = "";
    if (r.status !== 200) {
      pending = pending.filter((p) => p.id !== id);
      $("send-error").textContent = "Your message was not sent: " + sb.errorText(r);
      // What the customer wrote is not lost: it is back in the box.
      if (!$("message").value) $("message").value = text;
    } else {
      if (r.body.reply && r.body.reply.text) {
        const reply = r.body.reply;
        pending.push({ id: reply.id || id, role: "agent", text: reply.text, citations: reply.citations || [] });
      }
      showStatus(r.body.status);
    }
    render();
    await refresh();
  }

  // contact is what the customer told about themselves, sent with every
  // message (the first message of a conversation must carry the channel's
  // mandatory fields).
  function contact() {
    const out = {};
    fields.forEach((f) => {
      const v = sessionStorage.getItem(store(f));
      if (v) out[f] = v;
    });
    return out;
  }

  function start() {
    sessionStorage.setItem(store("started"), "1");
    $("contact-form").hidden = true;
    $("chat").hidden = false;
    $("message").focus();
    refresh();
    setInterval(refresh, 1000);
  }

  $("contact-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (!fields.every((f) => $(f).checkValidity())) return;
    fields.forEach((f) => sessionStorage.setItem(store(f), $(f).value.trim()));
    start();
  });
  $("message-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const text = $("message").value.trim();
    if (!text || $("send").disabled) return;
    $("message").value = "";
    send(text);
  });
  $("message").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey) {
      ev.preventDefault();
      $("message-form").requestSubmit();
    }
  });

  // The channel says which fields it asks for before a chat starts; the
  // email address is always offered, so a person can follow up.
  async function askContact() {
    const r = await sb.api(key, "GET", "/v1/widget/channel");
    if (r.status !== 200) {
      $("chat-error").textContent = "This chat is not available: " + sb.errorText(r);
      $("chat-error").hidden = false;
      return;
    }
    const mandatory = r.body.mandatory_fields || [];
    fields.forEach((f) => {
      $("field-" + f).hidden = f !== "email" && !mandatory.includes(f);
      $(f).required = mandatory.includes(f);
    });
    if (!mandatory.includes("email")) $("email-label").textContent = "Email (optional)";
    const names = { email: "email address", name: "name", phone: "phone number" };
    const asked = mandatory.map((f) => names[f]).filter(Boolean);
    $("contact-intro").textContent = asked.length
      ? "Before we start, please tell us your " + asked.join(" and ") + "."
      : "If you like, tell us your email address, so a person from our team can reach you if needed.";
    $("contact-form").hidden = false;
  }

  if (sessionStorage.getItem(store("started")) || sessionStorage.getItem(store("email"))) start();
  else askContact();
})();
