// The codec server's sign-in: sends the API key once to /codec/session, which
// keeps it in a cookie scripts cannot read.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const endpoint = location.origin + location.pathname.replace(/\/+$/, "");
  const status = document.getElementById("status");
  document.getElementById("endpoint").textContent = endpoint;

  async function call(method, headers) {
    const resp = await fetch(endpoint + "/session", { method, headers, credentials: "same-origin" });
    if (resp.ok) {
      return "";
    }
    try {
      const body = await resp.json();
      return body.error.message;
    } catch (e) {
      return "HTTP " + resp.status;
    }
  }

  document.getElementById("signin").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const input = document.getElementById("key");
    const failure = await call("POST", { Authorization: "Bearer " + input.value.trim() });
    input.value = "";
    status.textContent = failure ? "Not signed in: " + failure : "Signed in. The Temporal UI in this browser can now decrypt histories.";
  });

  document.getElementById("signout").addEventListener("click", async () => {
    const failure = await call("DELETE", {});
    status.textContent = failure ? "Sign-out failed: " + failure : "Signed out.";
  });
});
