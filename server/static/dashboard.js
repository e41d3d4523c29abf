// Switchboard's admin dashboard: reads the analytics API with the API key the
// admin gives (kept in sessionStorage, so it is gone when the tab closes;
// admin.js holds it) and draws the figures. Every piece of data is put into the page as text
// (textContent, SVG attributes), never as HTML.
"use strict";

(function () {
  const KEY = "switchboard.apiKey";
  const $ = (id) => document.getElementById(id);
  // The namespace of SVG elements, taken from a chart the page already has.
  const SVG = $("chart-volume").namespaceURI;

  const { el, status, rehearsal } = admin;

  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  const fmt = {
    n: (v) => (v === null || v === undefined ? "–" : Number(v).toLocaleString()),
    pct: (v) => (v === null || v === undefined ? "–" : (v * 100).toFixed(1) + " %"),
    ms: (v) => {
      if (v === null || v === undefined) return "–";
      if (v < 1000) return v + " ms";
      if (v < 60000) return (v / 1000).toFixed(1) + " s";
      return (v / 60000).toFixed(1) + " min";
    },
    date: (s) => (s ? new Date(s).toLocaleString() : "–"),
  };

  function isoDate(d) {
    return d.toISOString().slice(0, 10);
  }

  function query() {
    const p = new URLSearchParams();
    if ($("from").value) p.set("from", $("from").value);
    if ($("to").value) p.set("to", $("to").value);
    if ($("channel").value) p.set("channel", $("channel").value);
    return p;
  }

  async function api(path, params) {
    const key = sessionStorage.getItem(KEY);
    if (!key) throw new Error("Enter an admin or auditor API key first.");
    const res = await fetch(path + "?" + params.toString(), {
      headers: { Authorization: "Bearer " + key },
      cache: "no-store",
      credentials: "omit",
    });
    if (!res.ok) {
      let message = res.status + " " + res.statusText;
      try {
        const body = await res.json();
        if (body && body.error && body.error.message) message = body.error.message;
      } catch (e) { /* not JSON */ }
      throw new Error(message);
    }
    return res;
  }

  async function getJSON(path) {
    return (await api(path, query())).json();
  }

  // Summary cards.
  function card(label, value, sub) {
    return el("div", { class: "card" }, el("div", { class: "value" }, value), el("div", { class: "label" }, label),
      el("div", { class: "sub" }, sub || ""));
  }

  function showSummary(s) {
    const ended = s.ended;
    $("summary").replaceChildren(
      card("Conversations", fmt.n(s.conversations), fmt.n(s.ongoing) + " ongoing, " + fmt.n(ended) + " ended"),
      card("Resolved by the agent", fmt.n(s.resolved_by_agent), fmt.pct(s.resolution_rate) + " of ended"),
      card("Deflected", fmt.n(s.deflected), fmt.pct(s.deflection_rate) + " of ended"),
      card("Handed off", fmt.n(s.handed_off), fmt.pct(s.handoff_rate) + " of ended"),
      card("Time to first answer", fmt.ms(s.time_to_first_answer_ms.p50), "p50; p90 " + fmt.ms(s.time_to_first_answer_ms.p90)),
      card("Credits consumed", fmt.n(s.credits.consumed), fmt.n(s.credits.charged) + " charged, " + fmt.n(s.credits.reversed) + " reversed"),
      card("Reopened", fmt.n(s.reopened), "customer came back; charge reversed"),
    );
  }

  // Charts. Each draws into a fixed 640×240 viewBox.
  const W = 640, H = 240, M = { top: 12, right: 12, bottom: 28, left: 44 };

  function niceMax(v) {
    if (v <= 0) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
    return 10 * p;
  }

  // frame draws the axes and labels and returns the x and y scales.
  function frame(node, days, max, yLabel) {
    node.replaceChildren();
    const iw = W - M.left - M.right, ih = H - M.top - M.bottom;
    const x = (i) => M.left + (days.length <= 1 ? iw / 2 : (i * iw) / (days.length - 1));
    const y = (v) => M.top + ih - (v / max) * ih;
    for (let k = 0; k <= 4; k++) {
      const v = (max * k) / 4;
      node.append(svg("line", { class: "axis", x1: M.left, x2: W - M.right, y1: y(v), y2: y(v) }));
      node.append(svg("text", { class: "tick", x: M.left - 6, y: y(v) + 3, "text-anchor": "end" }, yLabel(v)));
    }
    const every = Math.max(1, Math.ceil(days.length / 8));
    days.forEach((d, i) => {
      if (i % every === 0 || i === days.length - 1) {
        node.append(svg("text", { class: "tick", x: x(i), y: H - 8, "text-anchor": "middle" }, d.date.slice(5)));
      }
    });
    return { x, y, iw, ih };
  }

  function empty(node, text) {
    node.replaceChildren(svg("text", { class: "empty", x: W / 2, y: H / 2, "text-anchor": "middle" }, text));
  }

  function lineChart(node, legend, days, series, asRate) {
    const values = days.flatMap((d) => series.map((s) => s.value(d))).filter((v) => v !== null && v !== undefined);
    if (legend) {
      legend.replaceChildren(...series.map((s, i) => el("span", {}, el("span", { class: "swatch s" + i }), s.label)));
    }
    if (values.length === 0) return empty(node, "No data in this period");
    const max = asRate ? 1 : niceMax(Math.max(...values));
    const { x, y } = frame(node, days, max, (v) => (asRate ? Math.round(v * 100) + "%" : String(Math.round(v * 10) / 10)));
    series.forEach((s, i) => {
      let d = "";
      let pen = "M";
      days.forEach((day, k) => {
        const v = s.value(day);
        if (v === null || v === undefined) { pen = "M"; return; }
        d += pen + x(k).toFixed(1) + " " + y(v).toFixed(1) + " ";
        pen = "L";
        const dot = svg("circle", { class: "s" + i, cx: x(k).toFixed(1), cy: y(v).toFixed(1), r: 2.5 });
        dot.append(svg("title", {}, day.date + " · " + s.label + ": " + (asRate ? fmt.pct(v) : fmt.n(v))));
        node.append(dot);
      });
      if (d) node.append(svg("path", { class: "line s" + i, d: d.trim() }));
    });
  }

  function barChart(node, days, value, label) {
    const values = days.map(value).filter((v) => v !== null && v !== undefined);
    if (values.length === 0 || Math.max(...values) <= 0) return empty(node, "No data in this period");
    const max = niceMax(Math.max(...values));
    const { x, y, iw } = frame(node, days, max, (v) => (label === "ms" ? fmt.ms(v) : String(Math.round(v * 10) / 10)));
    const bw = Math.max(2, Math.min(28, (iw / Math.max(days.length, 1)) * 0.7));
    days.forEach((day, k) => {
      const v = value(day);
      if (!v) return;
      const bar = svg("rect", { class: "s0", x: (x(k) - bw / 2).toFixed(1), y: y(v).toFixed(1), width: bw.toFixed(1), height: (y(0) - y(v)).toFixed(1) });
      bar.append(svg("title", {}, day.date + ": " + (label === "ms" ? fmt.ms(v) : fmt.n(v))));
      node.append(bar);
    });
  }

  function showDaily(daily) {
    const days = daily.days;
    lineChart($("chart-volume"), $("legend-volume"), days, [
      { label: "conversations", value: (d) => d.conversations },
      { label: "resolved by the agent", value: (d) => d.resolved_by_agent },
      { label: "handed off", value: (d) => d.handed_off },
    ], false);
    lineChart($("chart-rates"), $("legend-rates"), days, [
      { label: "resolution rate", value: (d) => d.resolution_rate },
      { label: "deflection rate", value: (d) => d.deflection_rate },
    ], true);
    barChart($("chart-credits"), days, (d) => d.credits.consumed, "credits");
    barChart($("chart-answer"), days, (d) => d.time_to_first_answer_ms.p50, "ms");
  }

  // Tables.
  function cell(value, cls) {
    return el("td", cls ? { class: cls } : {}, value);
  }

  function fill(table, rows, emptyText) {
    const body = table.tBodies[0];
    if (rows.length === 0) {
      body.replaceChildren(el("tr", {}, el("td", { colspan: String(table.tHead.rows[0].cells.length) }, emptyText)));
      return;
    }
    body.replaceChildren(...rows);
  }

  // Why questions are gaps, as the report names them.
  const gapReasons = {
    low_confidence: "low confidence",
    unanswered: "not answered",
    handoff: "handed off",
    unknown_issue_type: "unknown issue type",
  };

  function showGaps(g) {
    const reasons = (t) => Object.entries(t.reasons || {})
      .map(([k, n]) => fmt.n(n) + " " + (gapReasons[k] || k)).join(", ");
    const rows = g.topics.map((t) => el("tr", {},
      cell(t.label || "(no topic words)"),
      cell(fmt.n(t.count), "num"),
      cell(fmt.n(t.open), "num"),
      cell(reasons(t)),
      cell(fmt.date(t.latest_at)),
      el("td", {}, el("ul", {}, ...t.examples.map((e) => el("li", {}, e.question, " ",
        el("a", { class: "answer-gap", href: "/admin/content?question=" + encodeURIComponent(e.question) + "#add" }, "Write an answer"), " ",
        el("a", { class: "gap-conversation", href: "/admin/conversations?conversation=" + encodeURIComponent(e.conversation_id) }, "See the conversation"))))),
    ));
    fill($("gaps"), rows, "No unanswered questions in this period.");
  }

  function showSources(s) {
    const rows = s.sources.map((src) => {
      const tr = el("tr", src.citations === 0 ? { class: "never" } : {},
        cell(src.title + (src.citations === 0 ? " (never cited in this period)" : "")),
        cell(fmt.n(src.citations), "num"),
        cell(fmt.n(src.conversations), "num"),
        cell(fmt.n(src.resolved_by_agent) + " of " + fmt.n(src.ended), "num"),
        cell(fmt.pct(src.resolution_rate), "num"),
        cell(fmt.n(src.cited_total), "num"),
      );
      return tr;
    });
    fill($("sources"), rows, "No content sources.");
  }

  function reasonLabel(g) {
    if (g.reason === "rule") return "Rule: " + (g.rule_name || g.rule_id);
    return (g.reason || "unknown").replace(/_/g, " ");
  }

  function groupRow(label, g) {
    return el("tr", {}, cell(label), cell(fmt.n(g.handoffs), "num"), cell(fmt.n(g.accepted), "num"),
      cell(fmt.n(g.flagged), "num"), cell(fmt.ms(g.time_to_accept_ms.p50), "num"), cell(fmt.ms(g.time_to_accept_ms.p90), "num"));
  }

  function showHandoffs(h) {
    $("handoff-totals").replaceChildren(
      card("Handoffs", fmt.n(h.handoffs), fmt.n(h.conversations) + " conversations"),
      card("Accepted by a rep", fmt.n(h.accepted), "p50 " + fmt.ms(h.time_to_accept_ms.p50) + ", p90 " + fmt.ms(h.time_to_accept_ms.p90)),
      card("Flagged", fmt.n(h.flagged), "no rep accepted in time"),
    );
    // Each reason opens the conversations handed off for it (their current
    // hand-off's reason, as Temporal keeps it).
    fill($("handoff-reasons"), h.by_reason.map((g) => groupRow(el("a", {
      href: "/admin/conversations?handoff_reason=" + encodeURIComponent(g.reason === "rule" ? "rule:" + g.rule_id : g.reason || ""),
      class: "drill",
    }, reasonLabel(g)), g)), "No handoffs in this period.");
    fill($("handoff-teams"), h.by_team.map((g) => groupRow(g.team || "(no team)", g)), "No handoffs in this period.");
  }

  async function load() {
    if (!sessionStorage.getItem(KEY)) {
      status("Enter an admin or auditor API key to see the figures.");
      return;
    }
    status("Loading…");
    try {
      const [summary, daily, gaps, sources, handoffs] = await Promise.all([
        getJSON("/v1/analytics/summary"),
        getJSON("/v1/analytics/daily"),
        getJSON("/v1/analytics/knowledge-gaps"),
        getJSON("/v1/analytics/sources"),
        getJSON("/v1/analytics/handoffs"),
      ]);
      showSummary(summary);
      showDaily(daily);
      showGaps(gaps);
      showSources(sources);
      showHandoffs(handoffs);
      loadRehearsals().catch((e) => rstatus(e.message, true));
      status("From " + summary.from.slice(0, 10) + " to " + summary.to.slice(0, 19).replace("T", " ") + " UTC" +
        (summary.channel ? ", channel " + summary.channel : "") + ". Test conversations are not counted.");
    } catch (e) {
      status(e.message, true);
    }
  }

  async function downloadCSV() {
    try {
      const params = query();
      params.set("format", "csv");
      admin.download(await (await api("/v1/analytics/daily", params)).blob(), "switchboard-daily.csv");
    } catch (e) {
      status(e.message, true);
    }
  }

  // Rehearsals: start one, follow it, read its report.
  const send = admin.call;

  function rstatus(text, isError) {
    const p = $("report-config");
    $("rehearsal-report").hidden = false;
    p.textContent = text;
    p.className = isError ? "hint error" : "hint";
  }

  function tried(c) {
    const parts = ["hand-off rules " + c.handoff, "routing rules " + c.routing];
    parts.push(c.agent_settings ? "agent settings draft (agent " + c.agent_settings.agent_name + ")" : "saved agent settings");
    if (c.issue_types) {
      parts.push(c.issue_types.types ? "issue types draft (" + c.issue_types.types.length + " types)" : "saved issue types");
      if (c.issue_types.threshold) parts[parts.length - 1] += ", threshold " + c.issue_types.threshold;
    } else {
      parts.push("saved issue types");
    }
    parts.push(c.content === "current" ? "current content" : "content snapshot " + (snapshotNames[c.content] || c.content));
    return parts.join(", ");
  }

  // ran says what of the scenarios a rehearsal ran, when it chose some
  // (the scenarios page runs one).
  function ran(plan) {
    const ids = (plan && plan.scenario_ids) || [];
    return ids.length ? "; " + ids.length + (ids.length === 1 ? " chosen scenario" : " chosen scenarios") : "";
  }

  // Content snapshots: what a rehearsal may answer from besides the current
  // content, by ID, with their names.
  const snapshotNames = {};
  async function loadSnapshots() {
    const list = await send("GET", "/v1/content/snapshots");
    const select = $("r-content");
    const chosen = select.value;
    const options = [el("option", { value: "current" }, "current")];
    for (const s of list.snapshots) {
      const label = (s.name || "snapshot") + " (" + fmt.date(s.created_at) + ", " + fmt.n(s.chunks) + " chunks)";
      snapshotNames[s.id] = label;
      options.push(el("option", { value: s.id }, label));
    }
    select.replaceChildren(...options);
    if (chosen && snapshotNames[chosen]) select.value = chosen;
  }

  async function takeSnapshot() {
    const name = $("r-snapshot-name").value.trim();
    $("r-snapshot").disabled = true;
    try {
      const s = await send("POST", "/v1/content/snapshots", { name });
      await loadSnapshots();
      $("r-content").value = s.id;
      $("r-snapshot-name").value = "";
      rstatus("Snapshot taken: " + fmt.n(s.chunks) + " chunks of " + fmt.n(s.sources) + " sources.");
    } catch (e) {
      rstatus("No snapshot taken: " + e.message, true);
    } finally {
      $("r-snapshot").disabled = false;
    }
  }

  async function loadRehearsals() {
    await loadSnapshots();
    const list = await send("GET", "/v1/rehearsals");
    const rows = list.rehearsals.map((r) => {
      const open = el("button", { type: "button", class: "open-report" }, "Report");
      open.addEventListener("click", () => follow(r.id));
      return el("tr", { "data-id": r.id }, cell(fmt.date(r.created_at)), cell(tried(r.configuration) + ran(r.plan)), cell(r.status),
        cell(fmt.n(r.done) + " of " + fmt.n(r.total), "num"), el("td", {}, open));
    });
    fill($("rehearsal-list"), rows, "No rehearsals yet.");
  }

  function caseRows(c) {
    const label = c.kind === "scenario" ? "Scenario: " + c.name : "Conversation " + c.conversation;
    const cls = c.kind === "scenario" ? (c.passed ? "passed" : "failed") : (c.changed ? "changed" : "");
    const turns = c.turns.length ? c.turns : [{ message: "", now: null }];
    const rows = turns.map((t, i) => {
      const notes = rehearsal.notes(c, t, i);
      return el("tr", { class: cls + (i === 0 ? " case-first" : "") },
        i === 0 ? cell(label) : cell(""),
        i === 0 ? cell(rehearsal.verdict(c), "verdict") : cell(""),
        cell(t.message),
        el("td", { class: "then" }, c.kind === "past" ? rehearsal.outcome(t.then) : ""),
        el("td", { class: "now" }, t.now ? rehearsal.outcome(t.now) : "–"),
        el("td", { class: "diff" }, notes.length ? el("ul", {}, ...notes.map((n) => el("li", {}, n))) : ""));
    });
    return rows;
  }

  function showReport(r) {
    $("rehearsal-report").hidden = false;
    $("report-title").textContent = "Rehearsal of " + fmt.date(r.created_at) + ": " + r.status;
    rstatus("Tried: " + tried(r.configuration) + ran(r.plan) + ".");
    const rep = r.report || { cases: [] };
    const running = r.status === "running";
    const cards = [card("Progress", fmt.n(r.done) + " of " + fmt.n(r.total), running ? "running…" : r.status)];
    if (!running) {
      cards.push(
        card("Scenarios passed", fmt.n(rep.passed), fmt.n(rep.failed) + " failed, " + fmt.n(rep.skipped) + " skipped"),
        card("Past conversations changed", fmt.n(rep.changed), "of " + fmt.n(rep.past_compared) + " compared"),
        card("Resolution rate", fmt.pct(rep.resolution_rate_now), "then " + fmt.pct(rep.resolution_rate_then)),
        card("Hand-off rate", fmt.pct(rep.handoff_rate_now), "then " + fmt.pct(rep.handoff_rate_then)),
      );
    }
    $("report-cards").replaceChildren(...cards);
    fill($("report-cases"), rep.cases.flatMap(caseRows), running ? "No case judged yet." : "No cases.");
  }

  let following = "";
  async function follow(id) {
    following = id;
    for (;;) {
      let r;
      try {
        r = await send("GET", "/v1/rehearsals/" + encodeURIComponent(id));
      } catch (e) {
        rstatus(e.message, true);
        return;
      }
      if (following !== id) return;
      showReport(r);
      if (r.status !== "running") break;
      await new Promise((done) => setTimeout(done, 1000));
    }
    loadRehearsals().catch((e) => rstatus(e.message, true));
  }

  async function startRehearsal() {
    const body = {
      handoff_version: $("r-handoff").value,
      routing_version: $("r-routing").value,
      scenarios: $("r-scenarios").checked,
      content: $("r-content").value,
    };
    if ($("r-past").checked) {
      const to = new Date(($("to").value || isoDate(new Date())) + "T00:00:00Z");
      body.past = {
        from: ($("from").value || isoDate(new Date(to.getTime() - 29 * 86400000))) + "T00:00:00Z",
        to: new Date(to.getTime() + 86400000).toISOString(),
        count: Number($("r-count").value),
      };
      if ($("channel").value) body.past.channel = $("channel").value;
    }
    const settings = $("r-settings").value.trim();
    if (settings) {
      try {
        body.agent_settings = JSON.parse(settings);
      } catch (e) {
        rstatus("The agent settings draft is not JSON: " + e.message, true);
        return;
      }
      for (const k of Object.keys(body.agent_settings)) if (k.startsWith("effective_") || k === "updated_at") delete body.agent_settings[k];
    }
    $("r-start").disabled = true;
    try {
      const r = await send("POST", "/v1/rehearsals", body);
      await loadRehearsals();
      follow(r.id);
    } catch (e) {
      rstatus("Not started: " + e.message, true);
    } finally {
      $("r-start").disabled = false;
    }
  }

  $("rehearsal-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    startRehearsal();
  });
  $("r-snapshot").addEventListener("click", takeSnapshot);
  $("r-load-settings").addEventListener("click", async () => {
    try {
      const s = await send("GET", "/v1/agent/settings");
      for (const k of Object.keys(s)) if (k.startsWith("effective_") || k === "updated_at") delete s[k];
      $("r-settings").value = JSON.stringify(s, null, 2);
    } catch (e) {
      rstatus(e.message, true);
    }
  });

  const today = new Date();
  $("to").value = isoDate(today);
  $("from").value = isoDate(new Date(today.getTime() - 29 * 86400000));

  $("filters").addEventListener("submit", (ev) => {
    ev.preventDefault();
    load();
  });
  $("csv").addEventListener("click", downloadCSV);
  admin.keyForm(load);
  if (!sessionStorage.getItem(KEY)) load();
})();
