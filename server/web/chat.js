// The customer chat widget: /chat/{channelID}#key=<widget key>.
"use strict";

(() => {
  const channelID = decodeURIComponent(location.pathname.split("/").pop());
  const hashKey = new URLSearchParams(location.hash.slice(1)).get("key");
  const store = (name) => "sb.chat." + channelID + "." + name;
  if (hashKey) sessionStorage.setItem(store("key"), hashKey);
  const key = sessionStorage.getItem(store("key"));
  const $ = (id) => document.getElementById(id);

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
  let pending = null; // the message being sent, shown until the transcript has it

  async function refresh() {
    const r = await sb.api(key, "GET", "/v1/conversations/" + encodeURIComponent(conversationID));
    if (r.status === 404) return; // nothing sent yet
    if (r.status !== 200) return;
    transcript = r.body.messages.filter((m) => m.text);
    render();
  }

  function render() {
    const messages = transcript;
    if (pending && messages.some((m) => m.role === "customer" && m.id === pending.id)) pending = null;
    const all = pending ? messages.concat([pending]) : messages;
    const signature = JSON.stringify(all.map((m) => [m.id, m.role, m.text.length]));
    if (signature === shown) return;
    shown = signature;
    const list = $("messages");
    list.replaceChildren(...all.map((m) => sb.message(m, "customer")));
    list.lastElementChild && list.lastElementChild.scrollIntoView({ block: "end" });
  }

  async function send(text) {
    const id = sb.uuid();
    pending = { id, role: "customer", text };
    render();
    $("send").disabled = true;
    $("typing").hidden = false;
    $("send-error").textContent = "";
    const r = await sb.api(key, "POST", "/v1/conversations/" + encodeURIComponent(conversationID) + "/messages",
      { id, text, contact: { email: sessionStorage.getItem(store("email")) } });
    $("typing").hidden = true;
    $("send").disabled = false;
    if (r.status !== 200) {
      pending = null;
      $("send-error").textContent = "Your message was not sent: " + sb.errorText(r);
    }
    await refresh();
  }

  function start() {
    $("contact-form").hidden = true;
    $("chat").hidden = false;
    $("message").focus();
    refresh();
    setInterval(refresh, 1000);
  }

  $("contact-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const email = $("email").value.trim();
    if (!$("email").checkValidity() || !email) return;
    sessionStorage.setItem(store("email"), email);
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

  if (sessionStorage.getItem(store("email"))) start();
  else $("contact-form").hidden = false;
})();
