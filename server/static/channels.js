// Switchboard's page of channels and people: the workspace's channels (a new
// chat channel's widget key and the line for your site, an email or
// WhatsApp channel's webhook and its secret, each shown once), the people's
// API keys and the teams, through the API (admin.js holds the key and the
// calls).
"use strict";

(function () {
  const { $, el, status, call, showError, clearError, fmtDate } = admin;

  let teams = [];

  // showOnce shows a secret the API returns only once.
  function showOnce(title, text) {
    $("secret-title").textContent = title;
    $("secret-text").textContent = text;
    $("secret").hidden = false;
    $("secret").scrollIntoView();
  }

  const teamOptions = (none) => [el("option", { value: "" }, none),
    ...teams.map((t) => el("option", { value: t.key }, t.name ? t.name + " (" + t.key + ")" : t.key))];

  async function load() {
    try {
      teams = (await call("GET", "/v1/teams")).teams;
      const [channels, keys] = await Promise.all([call("GET", "/v1/channels"), call("GET", "/v1/keys")]);
      showChannels(channels.channels);
      showKeys(keys.keys);
      showTeams();
    } catch (e) {
      status(e.message, true);
    }
  }

  function button(text, cls, onClick) {
    const b = el("button", { type: "button", class: cls }, text);
    b.addEventListener("click", onClick);
    return b;
  }

  function showChannels(list) {
    $("ch-team").replaceChildren(...teamOptions("the default team"));
    $("channels").tBodies[0].replaceChildren(...list.map((ch) => {
      const tr = el("tr", {}, el("td", {}, ch.name), el("td", {}, ch.type), el("td", {}, ch.team || "the default team"),
        el("td", { class: "num" }, ch.agent_share + " %"), el("td", {}, fmtDate(ch.created_at)),
        el("td", { class: "row-actions" },
          ch.type === "chat" ? el("a", { href: "/chat/" + encodeURIComponent(ch.id), target: "_blank", rel: "noopener" }, "Open the chat page") : "",
          " ", button("Delete", "delete", () => removeChannel(ch))));
      tr.dataset.id = ch.id;
      return tr;
    }));
  }

  const list = (text) => text.split(",").map((x) => x.trim()).filter((x) => x);

  async function createChannel(ev) {
    ev.preventDefault();
    const form = $("channel-form"), box = $("channel-error");
    clearError(form, box);
    const type = $("ch-type").value;
    const body = { type, name: $("ch-name").value.trim(), agent_share: Number($("ch-share").value) };
    if ($("ch-team").value) body.team = $("ch-team").value;
    try {
      const origins = type === "chat" ? list($("ch-origins").value) : [];
      const ch = await call("POST", "/v1/channels", body);
      let failed = null;
      if (origins.length) {
        try {
          await call("PUT", "/v1/channels/" + encodeURIComponent(ch.id) + "/widget-origins", { origins });
        } catch (e) {
          failed = e;
        }
      }
      if (type === "chat") {
        showOnce("The widget key of " + ch.name,
          "Widget key: " + ch.widget_key + "\n\nOn every page of your site:\n" +
          '<script src="' + location.origin + '/web/embed.js" data-channel="' + ch.id + '" data-key="' + ch.widget_key + '" async></script>');
      } else {
        showOnce("The webhook of " + ch.name, "Post messages to: " + ch.webhook.url + "\nSigning secret: " + ch.webhook.secret);
      }
      form.reset();
      await load();
      if (failed) showError(form, box, new Error("origins: the channel was added, but not its sites: " + failed.message));
      else status(ch.name + " added.");
    } catch (e) {
      showError(form, box, e);
    }
  }

  async function removeChannel(ch) {
    if (!confirm("Delete the channel " + ch.name + "? Its widget keys stop working; its conversations stay readable.")) return;
    try {
      await call("DELETE", "/v1/channels/" + encodeURIComponent(ch.id));
      status(ch.name + " deleted.");
      load();
    } catch (e) {
      status(e.message, true);
    }
  }

  function showKeys(list) {
    $("k-team").replaceChildren(...teamOptions("every team"));
    $("keys").tBodies[0].replaceChildren(...list.map((k) => el("tr", { class: k.revoked_at ? "disabled" : "" },
      el("td", {}, k.name), el("td", {}, k.role), el("td", {}, k.role === "rep" ? k.team || "every team" : ""),
      el("td", {}, el("code", {}, k.prefix + "…")), el("td", {}, fmtDate(k.created_at)), el("td", {}, k.revoked_at ? fmtDate(k.revoked_at) : ""),
      el("td", {}, k.revoked_at ? "" : button("Revoke", "revoke", () => revokeKey(k))))));
  }

  async function createKey(ev) {
    ev.preventDefault();
    const form = $("key-create-form"), box = $("key-error");
    clearError(form, box);
    const body = { role: $("k-role").value, name: $("k-name").value.trim() };
    if (body.role === "rep" && $("k-team").value) body.team = $("k-team").value;
    try {
      const k = await call("POST", "/v1/keys", body);
      showOnce("The " + k.role + " key of " + k.name, k.key);
      form.reset();
      await load();
      status("Key created for " + k.name + ".");
    } catch (e) {
      showError(form, box, e);
    }
  }

  async function revokeKey(k) {
    if (!confirm("Revoke the key of " + k.name + "? It stops working at once.")) return;
    try {
      await call("DELETE", "/v1/keys/" + encodeURIComponent(k.id));
      status("The key of " + k.name + " is revoked.");
      load();
    } catch (e) {
      status(e.message, true);
    }
  }

  function showTeams() {
    $("teams").tBodies[0].replaceChildren(...teams.map((t) => el("tr", {},
      el("td", {}, el("code", {}, t.key)), el("td", {}, t.name), el("td", {}, t.working_hours || "always"),
      el("td", { class: "num" }, (t.accept_seconds || 300) / 60 + " min"),
      el("td", {}, button("Edit", "edit", () => editTeam(t))))));
  }

  let teamEditing = null;

  function editTeam(t) {
    teamEditing = t;
    $("t-key").value = t.key;
    $("t-key").readOnly = true;
    $("t-name").value = t.name;
    $("t-hours").value = t.working_hours;
    $("t-accept").value = t.accept_seconds ? t.accept_seconds / 60 : "";
    $("t-name").focus();
  }

  async function saveTeam(ev) {
    ev.preventDefault();
    const form = $("team-form"), box = $("team-error");
    clearError(form, box);
    const key = $("t-key").value.trim();
    // What the page does not edit is sent back as it was: PUT replaces it.
    const kept = teamEditing && teamEditing.key === key ? teamEditing : {};
    const body = {
      name: $("t-name").value.trim(), working_hours: $("t-hours").value.trim(),
      accept_seconds: Math.round(Number($("t-accept").value || 0) * 60),
      fallback_message: kept.fallback_message || "", webhook_url: kept.webhook_url || "",
    };
    try {
      if (!key) throw new Error("key: give the team a key, e.g. billing");
      const t = await call("PUT", "/v1/teams/" + encodeURIComponent(key), body);
      teamEditing = null;
      form.reset();
      $("t-key").readOnly = false;
      await load();
      status("Team " + t.key + " saved.");
    } catch (e) {
      showError(form, box, e);
    }
  }

  function showType() {
    document.querySelectorAll("#channel-form .for-chat").forEach((n) => { n.hidden = $("ch-type").value !== "chat"; });
  }

  $("ch-type").addEventListener("change", showType);
  $("channel-form").addEventListener("submit", createChannel);
  $("key-create-form").addEventListener("submit", createKey);
  $("team-form").addEventListener("submit", saveTeam);
  $("secret-done").addEventListener("click", () => {
    $("secret-text").textContent = "";
    $("secret").hidden = true;
  });
  showType();
  admin.keyForm(load);
})();
