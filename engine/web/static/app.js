// The fto playground. Plain JavaScript, no build step, nothing loaded from elsewhere.
// Every answer, message and list comes from the server's JSON API: this file only shows it.
"use strict";

const $ = (sel) => document.querySelector(sel);
const STATUS_WORDS = { yes: "YES", no: "NO", depends: "DEPENDS" };
const ELEMENT_MARKS = { established: "✓ established", refuted: "✗ refuted", unknown: "? unknown", "not reached": "– not reached" };

const state = {
  predicates: [],      // from /api/predicates
  ids: [],             // ids of the scenario, for completion
  levers: [],          // from /api/validate
  changes: new Map(),  // what-if: path -> value
  valid: false,
  answer: null,
  whatif: null,        // the request of the what-if shown, whose memo the Memo tab shows (else the answer's)
  memoTicket: 0,       // the memo asked for last: an earlier one that comes back later is dropped
  validateTimer: null,
  validated: "",       // the text last validated
};

// ---------------------------------------------------------------- HTTP

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
  };
  const response = await fetch(path, options);
  const text = await response.text();
  let data;
  try { data = JSON.parse(text); } catch (_) { data = { error: text || response.statusText }; }
  if (!response.ok) {
    const error = new Error(data.error || response.statusText);
    error.body = data;
    error.status = response.status;
    throw error;
  }
  return data;
}

function status(text) { $("#status").textContent = text; }

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

// ---------------------------------------------------------------- the editor

const yaml = $("#yaml");

function renderGutter(errorLines) {
  const count = yaml.value.split("\n").length;
  const marks = new Set(errorLines || []);
  const lines = [];
  for (let i = 1; i <= count; i++) lines.push(marks.has(i) ? `! ${i}` : String(i));
  $("#gutter").textContent = lines.join("\n");
  $("#gutter").scrollTop = yaml.scrollTop;
}

function goToLine(line) {
  const lines = yaml.value.split("\n");
  let start = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) start += lines[i].length + 1;
  const end = start + (lines[line - 1] || "").length;
  yaml.focus();
  yaml.setSelectionRange(start, end);
  const lineHeight = parseFloat(getComputedStyle(yaml).lineHeight) || 18;
  yaml.scrollTop = Math.max(0, (line - 3) * lineHeight);
}

function showYamlError(body) {
  const list = $("#yaml-errors");
  list.replaceChildren();
  if (!body) {
    renderGutter([]);
    return;
  }
  const item = el("li", { class: "error" }, el("strong", { text: "Error: " }));
  if (body.line) {
    item.append(el("button", { type: "button", class: "link", text: `line ${body.line}`, onclick: () => goToLine(body.line) }), " ");
  }
  item.append(el("span", { class: "message", text: body.error }));
  list.append(item);
  renderGutter(body.line ? [body.line] : []);
}

async function validate() {
  const text = yaml.value;
  if (text === state.validated) return state.valid;
  state.validated = text;
  try {
    const result = await api("/api/validate", { scenario: text });
    if (yaml.value !== text) return false;  // edited meanwhile; the next run will say
    state.valid = true;
    state.ids = Object.values(result.ids).flat();
    state.levers = result.levers;
    $("#yaml-state").textContent = `✓ Valid, as of ${result.as_of}: ${result.scenario || "(untitled)"}`;
    showYamlError(null);
    state.changes.clear();
    renderLevers();
    showWhatIf(null);
  } catch (error) {
    if (yaml.value !== text) return false;
    state.valid = false;
    $("#yaml-state").textContent = "✗ The scenario has an error (below); fix it to ask.";
    showYamlError(error.body || { error: error.message });
  }
  return state.valid;
}

yaml.addEventListener("input", () => {
  renderGutter([]);
  clearTimeout(state.validateTimer);
  state.validateTimer = setTimeout(validate, 350);
});
yaml.addEventListener("scroll", () => { $("#gutter").scrollTop = yaml.scrollTop; });

// ---------------------------------------------------------------- examples and cases

let bundled = [];

async function loadCatalogue() {
  bundled = await api("/api/cases");
  const select = $("#examples");
  select.replaceChildren(el("option", { value: "", text: "— choose an example or a case —" }));
  const groups = new Map();
  for (const item of bundled) {
    const parts = item.id.split("/");
    const group = item.kind === "example" ? "Examples" : `Cases: ${parts.slice(1, -1).join("/")}`;
    if (!groups.has(group)) groups.set(group, el("optgroup", { label: group }));
    groups.get(group).append(el("option", { value: item.id, text: item.title }));
  }
  for (const group of groups.values()) select.append(group);
}

async function loadBundled(id, question) {
  delete document.body.dataset.loaded;
  const item = await api(`/api/cases/${id}`);
  yaml.value = item.text;
  $("#examples").value = id;
  renderGutter([]);
  showSuggested(item.questions);
  const first = item.questions[0];
  // A question left from another scenario would name its ids: with none suggested, the box is emptied.
  $("#question").value = question || (first ? first.ask : "");
  $("#as-of").value = first && first.as_of && !question ? first.as_of : "";
  state.validated = "";
  $("#answer").hidden = true;
  if (await validate()) {
    if ($("#question").value) await ask();
    else status("Loaded: type a question (it completes as you type).");
  }
  document.body.dataset.loaded = id;  // loaded and asked (scripts and tests wait for this)
}

function showSuggested(questions) {
  const list = $("#suggested");
  list.replaceChildren();
  for (const q of questions || []) {
    const label = `${q.ask}${q.as_of ? ` as of ${q.as_of}` : ""}${q.set || q.remove ? " (after a change)" : ""}`;
    list.append(el("li", {}, el("button", {
      type: "button", class: "link", text: label,
      onclick: async () => {
        $("#question").value = q.ask;
        $("#as-of").value = q.as_of || "";
        await ask();
        if (q.set || q.remove) {
          state.changes.clear();
          for (const [path, value] of Object.entries(q.set || {})) state.changes.set(path, value);
          for (const path of q.remove || []) state.changes.set(path, REMOVE);
          renderLevers();
          await runWhatIf();
        }
      },
    }), q.answer ? el("span", { class: "muted", text: ` — the case expects ${STATUS_WORDS[q.answer] || q.answer}` }) : null));
  }
  $("#suggested-title").parentElement.hidden = !(questions && questions.length);
}

$("#examples").addEventListener("change", (event) => {
  if (event.target.value) loadBundled(event.target.value).catch((error) => status(error.message));
});

// ---------------------------------------------------------------- question completion

const question = $("#question");
const completions = $("#completions");
let choices = [];
let active = -1;

function argumentContext(text, caret) {
  const before = text.slice(0, caret);
  const open = before.lastIndexOf("(");
  if (open < 0 || before.lastIndexOf(")") > open) return null;
  const start = Math.max(before.lastIndexOf(",") , open) + 1;
  return { start, prefix: before.slice(start).trim() };
}

function updateCompletions() {
  const text = question.value;
  const caret = question.selectionStart ?? text.length;
  const inside = argumentContext(text, caret);
  if (inside) {
    choices = state.ids.filter((id) => id.startsWith(inside.prefix)).slice(0, 30).map((id) => ({
      label: id, detail: "an id in the scenario",
      apply: () => {
        const head = text.slice(0, inside.start) + (text[inside.start - 1] === "," ? " " : "");
        const rest = text.slice(caret).replace(/^[^,)]*/, "");
        question.value = head + id + rest;
        const at = (head + id).length;
        question.setSelectionRange(at, at);
      },
    }));
  } else {
    const prefix = text.trim();
    choices = state.predicates.filter((p) => p.predicate.startsWith(prefix)).slice(0, 40).map((p) => ({
      label: p.predicate, detail: p.sentence,
      apply: () => {
        const name = p.predicate.slice(0, p.predicate.indexOf("(") + 1);
        question.value = name;
        question.setSelectionRange(name.length, name.length);
        updateCompletions();
      },
    }));
  }
  active = -1;
  renderCompletions();
}

function renderCompletions() {
  completions.replaceChildren();
  const open = choices.length > 0 && document.activeElement === question;
  completions.hidden = !open;
  question.setAttribute("aria-expanded", String(open));
  question.removeAttribute("aria-activedescendant");
  choices.forEach((choice, i) => {
    const option = el("li", { role: "option", id: `completion-${i}`, "aria-selected": String(i === active) },
      el("span", { class: "mono", text: choice.label }), " ", el("span", { class: "muted", text: choice.detail }));
    option.addEventListener("mousedown", (event) => { event.preventDefault(); choice.apply(); closeCompletionsUnlessArgs(); });
    completions.append(option);
  });
  if (active >= 0) {
    question.setAttribute("aria-activedescendant", `completion-${active}`);
    completions.children[active].scrollIntoView({ block: "nearest" });
  }
}

function closeCompletionsUnlessArgs() {
  if (!argumentContext(question.value, question.selectionStart ?? 0)) { choices = []; renderCompletions(); }
}

question.addEventListener("input", updateCompletions);
question.addEventListener("focus", updateCompletions);
question.addEventListener("blur", () => { choices = []; renderCompletions(); });
question.addEventListener("keydown", (event) => {
  if (completions.hidden) return;
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    const step = event.key === "ArrowDown" ? 1 : -1;
    active = (active + step + choices.length) % choices.length;
    renderCompletions();
  } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
    event.preventDefault();
    choices[active].apply();
    closeCompletionsUnlessArgs();
  } else if (event.key === "Escape") {
    choices = [];
    renderCompletions();
  }
});

// ---------------------------------------------------------------- asking

function askBody() {
  const body = { scenario: yaml.value, question: question.value.trim() };
  const day = $("#as-of").value.trim();
  if (day) body.as_of = day;
  return body;
}

async function ask() {
  $("#ask-error").replaceChildren();
  if (!question.value.trim()) {
    $("#ask-error").append(el("p", { class: "error", text: "Error: type a question, such as designated(sinaloa)." }));
    question.focus();
    return;
  }
  if (!(await validate())) {
    $("#ask-error").append(el("p", { class: "error", text: "Error: the scenario has an error; see the message under it." }));
    return;
  }
  const body = askBody();
  if ($("#why-not").checked) body.why_not = true;
  status("Asking…");
  try {
    const answer = await api("/api/ask", body);
    state.answer = answer;
    showAnswer(answer);
    status("");
    updateLink();
    if (state.changes.size) await runWhatIf();
  } catch (error) {
    status("");
    $("#answer").hidden = true;
    $("#ask-error").append(el("p", { class: "error" }, el("strong", { text: "Error: " }), error.message));
  }
}

$("#ask-form").addEventListener("submit", (event) => { event.preventDefault(); ask(); });
document.addEventListener("keydown", (event) => {
  if ((event.ctrlKey || event.metaKey) && event.key === "Enter") { event.preventDefault(); ask(); }
});

function verdictText(answer) {
  return `${STATUS_WORDS[answer.answer]} — ${answer.label || answer.question}, as of ${answer.as_of}`;
}

function showAnswer(answer) {
  $("#answer").hidden = false;
  const verdict = $("#verdict");
  verdict.className = `verdict answer-${answer.answer}`;
  verdict.textContent = verdictText(answer);
  $("#tree").replaceChildren(treeNode(answer.explanation, 0));
  $("#extras").replaceChildren(...extras(answer));
  renderLedger(answer.elements);
  renderGraph(answer.explanation);
  $("#json").textContent = JSON.stringify(answer, null, 2);
  state.whatif = null;  // a what-if of the earlier answer is not this one's; runWhatIf brings it back
  loadMemo();
}

function claimLine(node) {
  const mark = node.holds ? "✓" : "✗";
  const parts = [el("span", { class: "mark", "aria-hidden": "true", text: mark + " " }),
    el("span", { class: "sr", text: node.holds ? "holds: " : "does not hold: " })];
  if (node.id) parts.push(el("span", { class: "step-id", text: `(${node.id}) ` }));
  parts.push(el("span", { class: "claim", text: node.claim }));
  if (node.see) parts.push(el("span", { class: "muted", text: ` (see ${node.see})` }));
  if (node.cite) parts.push(el("span", { class: "cite", text: ` (${node.cite})` }));
  if (node.status) parts.push(el("span", { class: "caveat", text: ` [${node.status}]`, title: node.note || "" }));
  return parts;
}

function treeNode(node, depth) {
  if (!node.because || node.because.length === 0) {
    return el("div", { class: `leaf ${node.holds ? "holds" : "fails"}` }, ...claimLine(node));
  }
  const details = el("details", { class: node.holds ? "holds" : "fails" });
  if (depth === 0) details.open = true;
  details.append(el("summary", {}, ...claimLine(node)));
  details.append(el("div", { class: "children" }, ...node.because.map((child) => treeNode(child, depth + 1))));
  return details;
}

function extras(answer) {
  const out = [];
  const list = (title, items, render) => {
    if (!items || !items.length) return;
    out.push(el("h3", { text: title }), el("ul", {}, ...items.map((item) => el("li", {}, render(item)))));
  };
  list("Deciding facts", answer.deciding, (d) => d.questions.join(" and "));
  list("Caveats", answer.caveats, (c) => `${c.step} — ${c.status}: ${c.note}${c.cite ? ` (${c.cite})` : ""}`);
  list("Assumed", answer.assumptions, (a) => a);
  list("Citations", answer.authorities, (c) => c.text);
  list("What would make it yes", answer.why_not, (s) => `${s.change.join("; ")} — ${s.rule} (${s.cite})`);
  return out;
}

$("#expand-all").addEventListener("click", () => { for (const d of $("#tree").querySelectorAll("details")) d.open = true; });
$("#collapse-all").addEventListener("click", () => {
  for (const d of $("#tree").querySelectorAll("details")) d.open = false;
  const top = $("#tree").querySelector("details");
  if (top) top.open = true;
});

function renderLedger(elements) {
  const body = $("#ledger tbody");
  body.replaceChildren();
  if (!elements || !elements.length) {
    body.append(el("tr", {}, el("td", { colspan: "4", text: "No element ledger for this question." })));
    return;
  }
  for (const e of elements) {
    body.append(el("tr", { class: `status-${e.status.replace(" ", "-")}` },
      el("td", { text: e.element }), el("td", { text: ELEMENT_MARKS[e.status] || e.status }),
      el("td", { text: e.cite + (e.verification ? ` [${e.verification}]` : "") }), el("td", { class: "mono", text: e.rule })));
  }
}

// ---------------------------------------------------------------- the graph (SVG, drawn here from the explanation)

const SVG = "http://www.w3.org/2000/svg";
const BOX_W = 280, BOX_H = 46, GAP_X = 60, GAP_Y = 14;

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  for (const child of children) node.append(child);
  return node;
}

function wrap(text, width) {
  const words = text.split(/\s+/);
  const lines = [""];
  for (const word of words) {
    const line = lines[lines.length - 1];
    if ((line + " " + word).trim().length > width && line) lines.push(word);
    else lines[lines.length - 1] = (line + " " + word).trim();
  }
  if (lines.length > 2) { lines.length = 2; lines[1] = lines[1].slice(0, width - 1) + "…"; }
  return lines;
}

function renderGraph(root) {
  // Left to right: depth is the column, leaves take rows in order, a parent sits beside its children.
  const placed = [];
  let row = 0;
  (function place(node, depth) {
    const children = (node.because || []).map((child) => place(child, depth + 1));
    const y = children.length ? (children[0].y + children[children.length - 1].y) / 2 : row++ * (BOX_H + GAP_Y);
    const item = { node, depth, y, children };
    placed.push(item);
    return item;
  })(root, 0);
  const depth = Math.max(...placed.map((p) => p.depth)) + 1;
  const width = depth * (BOX_W + GAP_X);
  const height = Math.max(row, 1) * (BOX_H + GAP_Y);
  const drawing = svg("svg", { width, height, viewBox: `0 0 ${width} ${height}`, role: "group",
    "aria-label": "The explanation as a graph" });
  for (const item of placed) {
    const x = item.depth * (BOX_W + GAP_X);
    for (const child of item.children) {
      const cx = child.depth * (BOX_W + GAP_X);
      const d = `M${x + BOX_W},${item.y + BOX_H / 2} C${x + BOX_W + GAP_X / 2},${item.y + BOX_H / 2} ` +
        `${cx - GAP_X / 2},${child.y + BOX_H / 2} ${cx},${child.y + BOX_H / 2}`;
      drawing.append(svg("path", { d, class: "edge" }));
    }
  }
  const stated = new Map(placed.filter((p) => p.node.id).map((p) => [p.node.id, p]));
  for (const item of placed) {
    const target = item.node.see && stated.get(item.node.see);
    if (!target) continue;
    const x = item.depth * (BOX_W + GAP_X) + BOX_W / 2, tx = target.depth * (BOX_W + GAP_X) + BOX_W / 2;
    drawing.append(svg("path", { d: `M${x},${item.y} C${x},${item.y - 30} ${tx},${target.y + BOX_H + 30} ${tx},${target.y + BOX_H}`,
      class: "edge see" }));
  }
  for (const item of placed) {
    const x = item.depth * (BOX_W + GAP_X);
    const { node } = item;
    const mark = node.holds ? "✓" : "✗";
    const lines = wrap(`${mark} ${node.id ? `(${node.id}) ` : ""}${node.claim}${node.see ? ` (see ${node.see})` : ""}`, 44);
    const group = svg("g", { class: `node ${node.holds ? "holds" : "fails"}`, tabindex: "0",
      transform: `translate(${x},${item.y})`, role: "img",
      "aria-label": `${node.holds ? "holds" : "does not hold"}: ${node.claim}${node.cite ? ` (${node.cite})` : ""}` });
    group.append(svg("title", {}, `${node.claim}${node.cite ? `\n${node.cite}` : ""}`));
    group.append(svg("rect", { width: BOX_W, height: BOX_H, rx: 6 }));
    lines.forEach((line, i) => group.append(svg("text", { x: 8, y: 18 + i * 16 }, line)));
    drawing.append(group);
  }
  $("#graph").replaceChildren(drawing);
}

// ---------------------------------------------------------------- memo

// The memo of the answer as asked or, while a what-if is shown, of the answer after its changes
// (`fto whatif --format memo`: the changes, what flipped, then the memo of the answer after).
async function loadMemo() {
  const memo = $("#memo");
  const ticket = ++state.memoTicket;
  const whatif = state.whatif;
  memo.textContent = "";
  memo.dataset.of = whatif ? "whatif" : "ask";
  $("#memo-of").textContent = whatif
    ? `The memo of the answer after the what-if (${changeList().join("; ")}).`
    : "The memo of the answer as asked.";
  try {
    const response = await fetch(whatif ? "/api/whatif?format=memo" : "/api/ask?format=memo", {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(whatif || askBody()),
    });
    const text = await response.text();
    if (ticket !== state.memoTicket) return;
    memo.textContent = response.ok ? text : `The memo is not available: ${safeError(text)}`;
    memo.dataset.ok = String(response.ok);
  } catch (error) {
    if (ticket === state.memoTicket) memo.textContent = `The memo is not available: ${error.message}`;
  }
}

function memoFileName() {
  const question = (state.answer && state.answer.question) || "memo";
  return `${state.whatif ? "what_if_" : ""}${question}`.replace(/[^A-Za-z0-9_]+/g, "_") + ".md";
}

function safeError(text) {
  try { return JSON.parse(text).error; } catch (_) { return text; }
}

$("#memo-copy").addEventListener("click", async () => {
  try { await navigator.clipboard.writeText($("#memo").textContent); status("Memo copied."); }
  catch (_) { status("Copying is not allowed here; select the memo's text and copy it."); }
});
$("#memo-download").addEventListener("click", () => {
  const blob = new Blob([$("#memo").textContent], { type: "text/markdown" });
  const link = el("a", { href: URL.createObjectURL(blob), download: memoFileName() });
  document.body.append(link);
  link.click();
  link.remove();
});

// ---------------------------------------------------------------- tabs

const tabs = [...document.querySelectorAll('[role="tab"]')];
function selectTab(tab) {
  for (const t of tabs) {
    const selected = t === tab;
    t.setAttribute("aria-selected", String(selected));
    t.tabIndex = selected ? 0 : -1;
    document.getElementById(t.getAttribute("aria-controls")).hidden = !selected;
  }
  tab.focus();
}
for (const tab of tabs) {
  tab.addEventListener("click", () => selectTab(tab));
  tab.addEventListener("keydown", (event) => {
    const i = tabs.indexOf(tab);
    if (event.key === "ArrowRight") selectTab(tabs[(i + 1) % tabs.length]);
    else if (event.key === "ArrowLeft") selectTab(tabs[(i - 1 + tabs.length) % tabs.length]);
    else if (event.key === "Home") selectTab(tabs[0]);
    else if (event.key === "End") selectTab(tabs[tabs.length - 1]);
  });
}

// ---------------------------------------------------------------- what-if

const REMOVE = Symbol("remove");

function shown(value) {
  if (value === null || value === undefined) return "not stated";
  if (Array.isArray(value)) return value.join(", ");
  if (typeof value === "object") return JSON.stringify(value);  // e.g. a date known only to lie {between: [...]}
  return String(value);
}

function leverControl(lever) {
  const id = `lever-${lever.path.replace(/[^A-Za-z0-9]+/g, "-")}`;
  const changed = state.changes.has(lever.path);
  const current = changed ? state.changes.get(lever.path) : lever.value;
  let control;
  if (lever.kind === "date") {
    control = el("input", { id, type: "text", size: "11", value: current === null ? "" : shown(current),
      pattern: "\\d{4}-\\d{2}-\\d{2}", placeholder: "YYYY-MM-DD", "data-path": lever.path });
    control.addEventListener("change", () => setChange(lever, control.value.trim()));
  } else {
    control = el("select", { id, "data-path": lever.path });
    const options = [...lever.options];
    if (!options.some((o) => o === current)) options.unshift(current);
    for (const option of options) {
      const opt = el("option", { value: JSON.stringify(option === undefined ? null : option),
        text: option === lever.value ? `${shown(option)} (as stated)` : shown(option) });
      if (option === current) opt.selected = true;
      control.append(opt);
    }
    control.addEventListener("change", () => setChange(lever, JSON.parse(control.value)));
  }
  return el("div", { class: `lever${changed ? " changed" : ""}` },
    el("label", { for: id, text: lever.field }), control,
    changed ? el("span", { class: "changed-note", text: " changed" }) : null);
}

function renderLevers() {
  const box = $("#levers");
  const open = new Set([...box.querySelectorAll("details[open]")].map((d) => d.dataset.record));
  box.replaceChildren();
  for (const group of state.levers) {
    if (!group.levers.length) continue;
    const count = group.levers.filter((l) => state.changes.has(l.path)).length;
    const details = el("details", { "data-record": group.record },
      el("summary", {}, el("span", { class: "mono", text: group.record }),
        group.about ? el("span", { class: "muted", text: ` ${group.about}` }) : null,
        count ? el("strong", { text: ` (${count} changed)` }) : null),
      el("div", { class: "lever-grid" }, ...group.levers.map(leverControl)));
    if (open.has(group.record) || count) details.open = true;
    box.append(details);
  }
  const list = changeList();
  $("#whatif-changes").textContent = list.length ? `Changes: ${list.join("; ")}` : "No changes yet.";
  $("#whatif-reset").disabled = list.length === 0;
}

function changeList() {
  return [...state.changes.entries()].map(([path, value]) => value === REMOVE ? `remove ${path}` : `${path} = ${shown(value)}`);
}

function setChange(lever, value) {
  const same = JSON.stringify(value) === JSON.stringify(lever.value) || (value === "" && lever.value === null);
  if (same) state.changes.delete(lever.path);
  else state.changes.set(lever.path, value === "" ? null : value);
  renderLevers();
  const control = document.querySelector(`[data-path="${CSS.escape(lever.path)}"]`);
  if (control) control.focus();
  runWhatIf();
}

$("#whatif-reset").addEventListener("click", () => {
  state.changes.clear();
  renderLevers();
  showWhatIf(null);
});

async function runWhatIf() {
  if (!state.changes.size) { showWhatIf(null); return; }
  if (!question.value.trim()) { showWhatIf({ error: "Type a question first." }); return; }
  const body = askBody();
  body.set = {};
  body.remove = [];
  for (const [path, value] of state.changes) {
    if (value === REMOVE) body.remove.push(path); else body.set[path] = value;
  }
  status("What if…");
  try {
    showWhatIf(await api("/api/whatif", body), body);
  } catch (error) {
    showWhatIf({ error: error.message });
  }
  status("");
}

// `body`: the request that gave `result`. The Memo tab follows the what-if shown, and goes back to
// the answer as asked when there is none.
function showWhatIf(result, body) {
  const was = state.whatif;
  state.whatif = result && !result.error ? body : null;
  if (state.answer && (was || state.whatif)) loadMemo();
  const box = $("#whatif-result");
  box.replaceChildren();
  if (!result) return;
  if (result.error) {
    box.append(el("p", { class: "error" }, el("strong", { text: "Error: " }), result.error));
    return;
  }
  const before = STATUS_WORDS[result.before.answer], after = STATUS_WORDS[result.after.answer];
  box.append(el("p", { class: `verdict answer-${result.after.answer}`, id: "whatif-verdict",
    text: result.changed ? `The answer changes: ${before} → ${after}` : `The answer stays ${after}` }));
  box.append(el("p", { class: "muted", text: `${result.question} — ${result.changes.join("; ")}` }));
  if (result.flipped.length) {
    box.append(table("Conclusions that flipped", ["Conclusion", "Before", "After"],
      result.flipped.map((f) => [f.label || f.conclusion, STATUS_WORDS[f.before], STATUS_WORDS[f.after]]), "flipped"));
  } else {
    box.append(el("p", { text: "No conclusion flipped." }));
  }
  if (result.elements_changed.length) {
    box.append(table("Elements that changed", ["Element", "Before", "After", "Cite"],
      result.elements_changed.map((e) => [e.element, ELEMENT_MARKS[e.before] || e.before, ELEMENT_MARKS[e.after] || e.after, e.cite]), "elements-changed"));
  }
  const cites = [...result.citations_added.map((c) => `+ added: ${c}`), ...result.citations_removed.map((c) => `− removed: ${c}`)];
  if (cites.length) box.append(el("h3", { text: "Citations" }), el("ul", {}, ...cites.map((c) => el("li", { text: c }))));
  const tree = el("details", { class: "after-tree" }, el("summary", { text: "Why, after the change" }), treeNode(result.after.explanation, 0));
  box.append(tree);
}

function table(caption, headings, rows, id) {
  return el("table", { id },
    el("caption", { text: caption }),
    el("thead", {}, el("tr", {}, ...headings.map((h) => el("th", { scope: "col", text: h })))),
    el("tbody", {}, ...rows.map((row) => el("tr", {}, ...row.map((cell) => el("td", { text: cell }))))));
}

// ---------------------------------------------------------------- registry

$("#registry-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const q = $("#registry-q").value;
  try {
    const rows = await api(`/api/registry?q=${encodeURIComponent(q)}`);
    $("#registry-results").replaceChildren(
      el("p", { role: "status", text: `${rows.length} entr${rows.length === 1 ? "y" : "ies"}` }),
      table("Designations in the bundled registry", ["Id", "Name", "Designated", "Federal Register", "Status"],
        rows.map((r) => [r.id, r.name, r.designated, r.fr_citation || "", r.revoked ? `revoked ${r.revoked}` : "in effect (per registry)"]), "registry-table"));
  } catch (error) {
    $("#registry-results").replaceChildren(el("p", { class: "error", text: `Error: ${error.message}` }));
  }
});

// ---------------------------------------------------------------- the link: everything in the fragment, nothing on the server

async function encodeState(value) {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  if (typeof CompressionStream === "function") {
    const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("deflate-raw"));
    return "z" + base64url(new Uint8Array(await new Response(stream).arrayBuffer()));
  }
  return "j" + base64url(bytes);
}

async function decodeState(text) {
  let bytes = unbase64url(text.slice(1));
  if (text[0] === "z") {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  }
  return JSON.parse(new TextDecoder().decode(bytes));
}

function base64url(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function unbase64url(text) {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

async function updateLink() {
  const value = { s: yaml.value, q: question.value.trim() };
  if ($("#as-of").value.trim()) value.d = $("#as-of").value.trim();
  history.replaceState(null, "", `#${await encodeState(value)}`);
}

$("#share").addEventListener("click", async () => {
  await updateLink();
  try { await navigator.clipboard.writeText(location.href); status("Link copied: it holds the scenario and the question."); }
  catch (_) { status("The address bar now holds the link (scenario and question); copy it from there."); }
});

// ---------------------------------------------------------------- start

async function start() {
  const predicates = api("/api/predicates").then((rows) => { state.predicates = rows; });
  const catalogue = loadCatalogue();
  await Promise.all([predicates, catalogue]);
  if (location.hash.length > 2) {
    try {
      const saved = await decodeState(location.hash.slice(1));
      yaml.value = saved.s || "";
      question.value = saved.q || "";
      $("#as-of").value = saved.d || "";
      renderGutter([]);
      showSuggested([]);
      if (await validate()) await ask();
      return;
    } catch (_) {
      status("The link could not be read; starting from the example.");
    }
  }
  await loadBundled("examples/sinaloa.yaml", "designated(sinaloa)");
}

start().catch((error) => status(`Error: ${error.message}`));
