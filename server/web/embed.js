// Switchboard's chat launcher for a company's own site. Put on a page:
//
//   <script src="https://SWITCHBOARD/web/embed.js" data-channel="CHANNEL_ID"
//           data-key="sb_widget_…" async></script>
//
// It adds a button at the bottom right that opens the channel's chat page
// (/chat/CHANNEL_ID) in a frame, and closes it again. The site's origin
// must be allowed for the channel (PUT /v1/channels/{id}/widget-origins or
// SWITCHBOARD_WIDGET_ORIGINS), or the browser refuses to show the frame.
// Optional: data-label (the button's text), data-position ("left").
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) {
    return;
  }
  var base = new URL(script.src).origin;
  var channel = script.getAttribute("data-channel") || "";
  var key = script.getAttribute("data-key") || "";
  var label = script.getAttribute("data-label") || "Chat with us";
  var side = script.getAttribute("data-position") === "left" ? "left" : "right";
  if (!channel || !key) {
    console.error("switchboard embed.js: data-channel and data-key are required");
    return;
  }

  var button = document.createElement("button");
  button.type = "button";
  button.id = "switchboard-launcher";
  button.textContent = label;
  button.setAttribute("aria-expanded", "false");
  var b = button.style;
  b.position = "fixed";
  b.bottom = "20px";
  b[side] = "20px";
  b.zIndex = "2147483000";
  b.padding = "12px 18px";
  b.border = "0";
  b.borderRadius = "24px";
  b.background = "#1f4fd1";
  b.color = "#fff";
  b.font = "600 15px system-ui, sans-serif";
  b.cursor = "pointer";
  b.boxShadow = "0 4px 14px rgba(0,0,0,.25)";

  var frame = null;
  function open() {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.id = "switchboard-chat";
      frame.title = label;
      // The key stays in the fragment, which the browser never sends.
      frame.src = base + "/chat/" + encodeURIComponent(channel) + "#key=" + encodeURIComponent(key);
      var f = frame.style;
      f.position = "fixed";
      f.bottom = "80px";
      f[side] = "20px";
      f.width = "370px";
      f.maxWidth = "calc(100vw - 40px)";
      f.height = "560px";
      f.maxHeight = "calc(100vh - 100px)";
      f.border = "1px solid #d0d5dd";
      f.borderRadius = "12px";
      f.background = "#fff";
      f.zIndex = "2147483000";
      f.boxShadow = "0 8px 30px rgba(0,0,0,.2)";
      document.body.appendChild(frame);
    }
    frame.hidden = false;
    button.setAttribute("aria-expanded", "true");
  }
  function close() {
    if (frame) {
      frame.hidden = true;
    }
    button.setAttribute("aria-expanded", "false");
  }
  button.addEventListener("click", function () {
    if (frame && !frame.hidden) {
      close();
    } else {
      open();
    }
  });
  function mount() {
    document.body.appendChild(button);
  }
  if (document.body) {
    mount();
  } else {
    document.addEventListener("DOMContentLoaded", mount);
  }
})();
