// Switchboard's page of channels and people: the workspace's own settings
// (its name, time zone, language, the private hosts its actions may call), its channels (a new
// chat channel's widget key and the line for your site, an email or
// WhatsApp channel's webhook and its secret, each shown once), a channel's
// settings (who it asks, when the agent answers, quiet customers, signed-in
// customers' identity, its webhook secret and its provider), the people's
// API keys and the teams, through the API (admin.js holds the key and the
// calls).
"use strict";

(function () {
  const { $, el, status, call, showError, clearError, fmtDate, button } = admin;

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

  function showWorkspace(w) {
    $("w-name").value = w.name;
    $("w-time-zone").value = w.time_zone;
    $("w-language").value = w.default_language;
    $("w-hosts").value = (w.action_hosts || []).join(", ");
    $("w-rehearsal").checked = !!w.require_rehearsal;
  }

  async function saveWorkspace(ev) {
    ev.preventDefault();
    const form = $("workspace-form"), box = $("workspace-error");
    clearError(form, box);
    try {
      const w = await call("PUT", "/v1/workspace", {
        name: $("w-name").value.trim(), time_zone: $("w-time-zone").value.trim(),
        default_language: $("w-language").value.trim(), action_hosts: list($("w-hosts").value),
        require_rehearsal: $("w-rehearsal").checked,
      });
      showWorkspace(w);
      status("The workspace is saved.");
    } catch (e) {
      showError(form, box, e);
    }
  }

  async function load() {
    try {
      const [workspace, teamList] = await Promise.all([call("GET", "/v1/workspace"), call("GET", "/v1/teams")]);
      showWorkspace(workspace);
      teams = teamList.teams;
      const [channels, keys] = await Promise.all([call("GET", "/v1/channels"), call("GET", "/v1/keys")]);
      showChannels(channels.channels);
      showKeys(keys.keys);
      showTeams();
    } catch (e) {
      status(e.message, true);
    }
  }

  function showChannels(list) {
    $("ch-team").replaceChildren(...teamOptions("the default team"));
    admin.fillTable($("channels"), list.map((ch) => {
      const tr = el("tr", {}, el("td", {}, ch.name), el("td", {}, ch.type), el("td", {}, ch.team || "the default team"),
        el("td", { class: "num" }, ch.agent_share + " %"), el("td", {}, fmtDate(ch.created_at)),
        el("td", { class: "row-actions" },
          ch.type === "chat" ? el("a", { href: "/chat/" + encodeURIComponent(ch.id), target: "_blank", rel: "noopener" }, "Open the chat page") : "",
          " ", button("Settings", "settings", () => openSettings(ch.id)), " ", button("Delete", "delete", () => removeChannel(ch))));
      tr.dataset.id = ch.id;
      return tr;
    }), "No channels yet: add the chat on your site, an email address or a WhatsApp number below.");
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
    admin.fillTable($("keys"), list.map((k) => el("tr", { class: k.revoked_at ? "disabled" : "" },
      el("td", {}, k.name), el("td", {}, k.role), el("td", {}, k.role === "rep" ? k.team || "every team" : ""),
      el("td", {}, el("code", {}, k.prefix + "…")), el("td", {}, fmtDate(k.created_at)), el("td", {}, k.revoked_at ? fmtDate(k.revoked_at) : ""),
      el("td", {}, k.revoked_at ? "" : button("Revoke", "revoke", () => revokeKey(k))))), "No keys.");
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
    admin.fillTable($("teams"), teams.map((t) => el("tr", {},
      el("td", {}, el("code", {}, t.key)), el("td", {}, t.name), el("td", {}, t.working_hours || "always"),
      el("td", { class: "num" }, (t.accept_seconds || 300) / 60 + " min"),
      el("td", {}, button("Edit", "edit", () => editTeam(t))))),
    "No teams yet: a hand-off goes to a team, so add one below (reps' keys may then serve it).");
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
      // The API counts seconds (30 to 86400); the page, minutes.
      if (body.accept_seconds && (body.accept_seconds < 30 || body.accept_seconds > 86400)) {
        throw new Error("accept_seconds: give between 0.5 and 1440 minutes, or leave it empty for 5 minutes");
      }
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

  // The channel whose settings are open, as the API last showed it.
  let opened = null;
  const channelPath = (id) => "/v1/channels/" + encodeURIComponent(id);

  async function openSettings(id) {
    try {
      const ch = await call("GET", channelPath(id));
      const origins = ch.type === "chat" ? (await call("GET", channelPath(id) + "/widget-origins")).origins : [];
      const provider = ch.type === "chat" ? null : await call("GET", channelPath(id) + "/provider");
      showSettings(ch, origins || []);
      if (provider) showProvider(provider);
      clearError($("channel-settings-form"), $("settings-error"));
      clearError($("provider-form"), $("provider-error"));
      $("channel-settings").hidden = false;
      $("channel-settings").scrollIntoView();
    } catch (e) {
      status(e.message, true);
    }
  }

  function showSettings(ch, origins) {
    opened = ch;
    const section = $("channel-settings");
    const shown = { "for-chat": ch.type === "chat", "for-webhook": ch.type !== "chat",
      "for-email": ch.type === "email", "for-whatsapp": ch.type === "whatsapp" };
    Object.entries(shown).forEach(([cls, on]) => section.querySelectorAll("." + cls).forEach((n) => { n.hidden = !on; }));
    $("cs-title").textContent = "Settings of " + ch.name + " (" + ch.type + ")";
    $("cs-name").value = ch.name;
    $("cs-team").replaceChildren(...teamOptions("the default team"));
    $("cs-team").value = ch.team || "";
    $("cs-share").value = ch.agent_share;
    $("cs-suggestions").checked = ch.reply_suggestions;
    document.querySelectorAll('input[name="mandatory"]').forEach((box) => {
      box.checked = (ch.mandatory_fields || []).includes(box.value);
    });
    $("cs-origins").value = origins.join(", ");
    const hours = ch.agent_hours || {};
    $("cs-hours-mode").value = hours.mode || "always";
    $("cs-hours-schedule").value = hours.schedule || "";
    $("cs-hours-team").replaceChildren(el("option", { value: "" }, "–"),
      ...teams.filter((t) => t.working_hours).map((t) => el("option", { value: t.key }, (t.name || t.key) + ": " + t.working_hours)));
    $("cs-hours-team").value = hours.team || "";
    showHours();
    // "2h0m0s" reads "2h".
    $("cs-inactivity-after").value = ((ch.inactivity && ch.inactivity.after) || "").replace(/(\D)0s$/, "$1").replace(/(\D)0m$/, "$1");
    $("cs-inactivity-action").value = (ch.inactivity && ch.inactivity.action) || "close";
    $("identity-state").textContent = ch.identity_verification
      ? "On: identity tokens signed with the secret created " + fmtDate(ch.identity_secret_rotated_at) + " verify the customer."
      : "Off: no customer of this chat is verified.";
    $("identity-off").hidden = !ch.identity_verification;
    if (ch.webhook) {
      $("webhook-url").textContent = location.origin + ch.webhook.url;
      $("webhook-rotated").textContent = ch.webhook.secret_rotated_at ? " (created " + fmtDate(ch.webhook.secret_rotated_at) + ")" : "";
    }
  }

  function showHours() {
    $("channel-settings").querySelectorAll(".hours").forEach((n) => { n.hidden = $("cs-hours-mode").value === "always"; });
  }

  async function saveSettings(ev) {
    ev.preventDefault();
    const form = $("channel-settings-form"), box = $("settings-error");
    clearError(form, box);
    const ch = opened;
    const mode = $("cs-hours-mode").value;
    // PUT replaces the channel's settings: the form sends every one of them.
    const body = {
      type: ch.type, name: $("cs-name").value.trim(), team: $("cs-team").value,
      agent_share: Number($("cs-share").value), reply_suggestions: $("cs-suggestions").checked,
      mandatory_fields: ch.type === "chat"
        ? [...document.querySelectorAll('input[name="mandatory"]:checked')].map((b) => b.value) : [],
      agent_hours: mode === "always" ? { mode } : {
        mode, schedule: $("cs-hours-team").value ? "" : $("cs-hours-schedule").value.trim(), team: $("cs-hours-team").value,
      },
      inactivity: { after: $("cs-inactivity-after").value.trim(), action: $("cs-inactivity-action").value },
    };
    try {
      const saved = await call("PUT", channelPath(ch.id), body);
      let origins = [];
      if (ch.type === "chat") {
        try {
          origins = (await call("PUT", channelPath(ch.id) + "/widget-origins", { origins: list($("cs-origins").value) })).origins;
        } catch (e) {
          // The settings are saved; the sites are not.
          showSettings(saved, list($("cs-origins").value));
          throw e;
        }
      }
      showSettings(saved, origins || []);
      status(saved.name + "'s settings saved.");
      load();
    } catch (e) {
      showError(form, box, e);
    }
  }

  async function rotateIdentity() {
    const ch = opened;
    if (ch.identity_verification &&
      !confirm("Create a new secret for " + ch.name + "? Tokens signed with the old one stop verifying at once.")) return;
    try {
      const out = await call("POST", channelPath(ch.id) + "/identity-secret");
      showOnce("The identity secret of " + ch.name, "Secret: " + out.secret + "\nAlgorithm: " + out.algorithm +
        (out.how_to ? "\n\n" + out.how_to : ""));
      await openSettings(ch.id);
      status("Identity verification is on for " + ch.name + ".");
    } catch (e) {
      status(e.message, true);
    }
  }

  async function identityOff() {
    const ch = opened;
    if (!confirm("Turn identity verification off for " + ch.name + "? No customer of this chat will be verified.")) return;
    try {
      await call("DELETE", channelPath(ch.id) + "/identity-secret");
      await openSettings(ch.id);
      status("Identity verification is off for " + ch.name + ".");
    } catch (e) {
      status(e.message, true);
    }
  }

  async function rotateWebhook() {
    const ch = opened;
    if (!confirm("Create a new signing secret for " + ch.name + "? Messages signed with the old one are refused at once.")) return;
    try {
      const out = await call("POST", channelPath(ch.id) + "/rotate-secret");
      showOnce("The webhook of " + ch.name, "Post messages to: " + location.origin + out.webhook.url + "\nSigning secret: " + out.webhook.secret);
      showSettings(out, []);
      status("A new signing secret for " + ch.name + ".");
    } catch (e) {
      status(e.message, true);
    }
  }

  // A secret the API never shows again: its input is left empty, and says
  // whether one is kept (an empty input keeps it).
  function secretInput(id, set) {
    $(id).value = "";
    $(id).placeholder = set ? "kept (type to replace)" : "";
  }

  function showProvider(p) {
    const email = p.email || {}, smtp = email.smtp || {}, imap = email.imap || {}, wa = p.whatsapp || {};
    if (p.type === "email") {
      $("provider-note").textContent = "A mail server may also post raw emails to " + location.origin + email.inbound_url + ".";
      $("pv-from").value = email.from || "";
      $("pv-reply-all").checked = !!email.reply_all;
      $("pv-smtp-addr").value = smtp.addr || "";
      $("pv-smtp-tls").value = smtp.tls || "starttls";
      $("pv-smtp-user").value = smtp.username || "";
      secretInput("pv-smtp-password", smtp.password_set);
      $("pv-imap-host").value = imap.host || "";
      $("pv-imap-port").value = imap.port || "";
      $("pv-imap-tls").value = imap.tls || "tls";
      $("pv-imap-user").value = imap.username || "";
      secretInput("pv-imap-password", imap.password_set);
      $("pv-imap-mailbox").value = imap.mailbox || "";
      $("pv-imap-poll").value = imap.poll_interval || "";
      $("pv-imap-enabled").checked = imap.enabled !== false;
      const st = imap.status;
      $("pv-imap-status").textContent = !st ? "" : "Reading: " + st.state +
        (st.last_success_at ? ", last read " + fmtDate(st.last_success_at) : "") +
        (st.last_error ? ", last error: " + st.last_error : "");
    } else {
      $("provider-note").textContent = "In Meta's app settings, the webhook is " + location.origin + wa.webhook_url + ".";
      $("pv-wa-number").value = wa.phone_number_id || "";
      secretInput("pv-wa-token", wa.access_token_set);
      secretInput("pv-wa-app-secret", wa.app_secret_set);
      secretInput("pv-wa-verify", wa.verify_token_set);
      $("pv-wa-template").value = wa.template || "";
      $("pv-wa-language").value = wa.template_language || "";
    }
  }

  async function saveProvider(ev) {
    ev.preventDefault();
    const form = $("provider-form"), box = $("provider-error");
    clearError(form, box);
    const ch = opened;
    const v = (id) => $(id).value.trim();
    let body;
    if (ch.type === "email") {
      // PUT replaces the provider: an empty server or host removes it; an
      // empty password keeps the one stored.
      const email = { from: v("pv-from"), reply_all: $("pv-reply-all").checked };
      if (v("pv-smtp-addr")) {
        email.smtp = { addr: v("pv-smtp-addr"), tls: $("pv-smtp-tls").value, username: v("pv-smtp-user"), password: $("pv-smtp-password").value };
      }
      if (v("pv-imap-host")) {
        email.imap = { host: v("pv-imap-host"), port: Number(v("pv-imap-port") || 0), tls: $("pv-imap-tls").value,
          username: v("pv-imap-user"), password: $("pv-imap-password").value, mailbox: v("pv-imap-mailbox"),
          poll_interval: v("pv-imap-poll"), enabled: $("pv-imap-enabled").checked };
      }
      body = { email };
    } else {
      body = { whatsapp: { phone_number_id: v("pv-wa-number"), access_token: $("pv-wa-token").value,
        app_secret: $("pv-wa-app-secret").value, verify_token: $("pv-wa-verify").value,
        template: v("pv-wa-template"), template_language: v("pv-wa-language") } };
    }
    try {
      showProvider(await call("PUT", channelPath(ch.id) + "/provider", body));
      status(ch.name + "'s provider saved.");
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
  $("channel-settings-form").addEventListener("submit", saveSettings);
  $("workspace-form").addEventListener("submit", saveWorkspace);
  if (Intl.supportedValuesOf) {
    $("time-zones").replaceChildren(...Intl.supportedValuesOf("timeZone").map((z) => el("option", { value: z })));
  }
  $("provider-form").addEventListener("submit", saveProvider);
  $("cs-hours-mode").addEventListener("change", showHours);
  $("identity-rotate").addEventListener("click", rotateIdentity);
  $("identity-off").addEventListener("click", identityOff);
  $("webhook-rotate").addEventListener("click", rotateWebhook);
  $("close-settings").addEventListener("click", () => {
    opened = null;
    $("channel-settings").hidden = true;
  });
  $("secret-done").addEventListener("click", () => {
    $("secret-text").textContent = "";
    $("secret").hidden = true;
  });
  showType();
  admin.keyForm(load);
})();
