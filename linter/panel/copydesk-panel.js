// <copydesk-panel>: the copydesk findings panel for any article editor.
//
// A plain ES module and custom element: no build step, no dependencies. It reads the editor's
// fields as the writer types, asks a `copydesk serve` service for findings (debounced, stale
// requests aborted), lists them by severity and field, highlights a finding's span, explains its
// rule, applies its fix and dismisses it.
//
//   <script type="module" src="https://copydesk.example.org/panel/copydesk-panel.js"></script>
//   <copydesk-panel for-headline="headline" for-body="body" token="..."></copydesk-panel>
//
// Attributes (each also a property): service (default: the service the script was loaded from),
// token, house-style ("ap"), body-format ("text"), for-headline / for-dek / for-byline /
// for-dateline / for-body (element IDs), debounce (ms, default 300), highlight ("overlay" draws
// marks behind a textarea; otherwise a finding is shown by selecting its span), storage-key
// (keep dismissals in localStorage under this key).
// JS API: panel.attach({headline: el, body: el}) where each value is an <input>/<textarea> or an
// adapter {get(): string, set(text), subscribe?(callback) -> unsubscribe, select?(start, end)};
// panel.check(); panel.dismissed (array of fingerprints, settable).
// Events: copydesk-findings {findings}, copydesk-fix {finding}, copydesk-dismiss {fingerprint,
// dismissed}, copydesk-error {message, status}.

const FIELDS = ["headline", "dek", "byline", "dateline", "body"];
const FIELD_LABELS = { headline: "Headline", dek: "Dek", byline: "Byline", dateline: "Dateline", body: "Body" };
const SEVERITIES = [
  ["error", "Errors", "error", "errors"],
  ["warning", "Warnings", "warning", "warnings"],
  ["suggestion", "Suggestions", "suggestion", "suggestions"],
];
const DEFAULT_DEBOUNCE_MS = 300;
// The service that served this script: the folder above /panel/ (works behind a path prefix too).
const SCRIPT_SERVICE = new URL("../", import.meta.url).href;

/** The UTF-16 index (what JS strings count) of a code-point offset (what the service's edits count). */
export function utf16Index(text, codePoints) {
  let units = 0;
  for (let seen = 0; seen < codePoints && units < text.length; seen++) {
    units += text.codePointAt(units) > 0xffff ? 2 : 1;
  }
  return units;
}

/** Ranges moved to follow an edit between two versions of a text (edited ranges are dropped). */
function followEdit(oldText, newText, ranges) {
  if (oldText === newText) return ranges;
  const shortest = Math.min(oldText.length, newText.length);
  let prefix = 0;
  while (prefix < shortest && oldText[prefix] === newText[prefix]) prefix++;
  let suffix = 0;
  while (suffix < shortest - prefix && oldText[oldText.length - 1 - suffix] === newText[newText.length - 1 - suffix]) suffix++;
  const oldEnd = oldText.length - suffix;
  const delta = newText.length - oldText.length;
  return ranges.flatMap((range) => {
    if (range.end <= prefix) return [range];
    if (range.start >= oldEnd) return [{ ...range, start: range.start + delta, end: range.end + delta }];
    return [];
  });
}

/** An adapter over an <input> or <textarea>: what the panel needs from an editor field. */
function elementAdapter(element) {
  return {
    element,
    get: () => element.value,
    set(text) {
      element.value = text;
      element.dispatchEvent(new Event("input", { bubbles: true }));
    },
    subscribe(callback) {
      element.addEventListener("input", callback);
      return () => element.removeEventListener("input", callback);
    },
    select(start, end, { focus = false } = {}) {
      const previous = element.getRootNode().activeElement;
      element.focus({ preventScroll: true }); // focusing scrolls the selection into view in the field
      element.setSelectionRange(start, end);
      element.scrollIntoView({ block: "nearest" });
      if (!focus && previous && previous !== element && typeof previous.focus === "function") previous.focus({ preventScroll: true });
    },
    // Edits (UTF-16, sorted last first) typed into the field so that the editor's Undo takes them back.
    applyEdits(edits, expected) {
      const previous = element.getRootNode().activeElement;
      for (const edit of edits) {
        element.focus({ preventScroll: true });
        element.setSelectionRange(edit.start, edit.end);
        const typed = edit.text ? document.execCommand("insertText", false, edit.text) : edit.start === edit.end || document.execCommand("delete");
        if (!typed) element.setRangeText(edit.text, edit.start, edit.end, "end");
      }
      if (element.value !== expected) element.value = expected; // an editor that refused the commands
      element.dispatchEvent(new Event("input", { bubbles: true }));
      if (previous && previous !== element && typeof previous.focus === "function") previous.focus({ preventScroll: true });
    },
  };
}

/** Marks drawn behind a textarea: a mirror with the same box and font, text transparent. */
class Highlighter {
  constructor(textarea) {
    this.textarea = textarea;
    this.mirror = document.createElement("div");
    this.mirror.setAttribute("aria-hidden", "true");
    this.mirror.dataset.copydeskMirror = "";
    this.saved = textarea.getAttribute("style");
    const computed = getComputedStyle(textarea);
    this.mirror.style.background = computed.backgroundColor;
    textarea.style.background = "transparent";
    if (computed.position === "static") textarea.style.position = "relative";
    textarea.style.zIndex = "1";
    // Placed just before the textarea and absolutely positioned with no offsets, it sits where the
    // textarea starts however the page's layout moves.
    textarea.before(this.mirror);
    this.onScroll = () => {
      this.mirror.scrollTop = this.textarea.scrollTop;
      this.mirror.scrollLeft = this.textarea.scrollLeft;
    };
    textarea.addEventListener("scroll", this.onScroll);
    this.resize = new ResizeObserver(() => this.sync());
    this.resize.observe(textarea);
    this.sync();
  }

  sync() {
    const t = this.textarea;
    const c = getComputedStyle(t);
    const m = this.mirror.style;
    const scrollbar = t.offsetWidth - t.clientWidth - parseFloat(c.borderLeftWidth) - parseFloat(c.borderRightWidth);
    Object.assign(m, {
      position: "absolute", zIndex: "0", pointerEvents: "none", overflow: "hidden", color: "transparent",
      boxSizing: "border-box", width: `${t.offsetWidth}px`, height: `${t.offsetHeight}px`,
      marginTop: c.marginTop, marginLeft: c.marginLeft, borderStyle: "solid", borderColor: "transparent",
      borderRadius: c.borderRadius, whiteSpace: "pre-wrap", overflowWrap: "break-word", wordBreak: c.wordBreak,
      fontFamily: c.fontFamily, fontSize: c.fontSize, fontWeight: c.fontWeight, fontStyle: c.fontStyle,
      lineHeight: c.lineHeight, letterSpacing: c.letterSpacing, wordSpacing: c.wordSpacing,
      textAlign: c.textAlign, tabSize: c.tabSize, textTransform: c.textTransform,
    });
    for (const side of ["Top", "Right", "Bottom", "Left"]) {
      m[`border${side}Width`] = c[`border${side}Width`];
      m[`padding${side}`] = c[`padding${side}`];
    }
    m.paddingRight = `${parseFloat(c.paddingRight) + Math.max(0, scrollbar)}px`;
    this.onScroll();
  }

  /** Draw `ranges` ({start, end, severity, key}, UTF-16) over `text`; `active` is a key. */
  render(text, ranges, active) {
    const fragment = document.createDocumentFragment();
    let cursor = 0;
    for (const range of [...ranges].sort((a, b) => a.start - b.start)) {
      if (range.start < cursor || range.end > text.length) continue; // overlapping: the first one wins
      fragment.append(text.slice(cursor, range.start));
      const mark = document.createElement("mark");
      const colour = { error: "179, 38, 30", warning: "176, 112, 0", suggestion: "26, 95, 180" }[range.severity] || "90, 90, 90";
      const on = range.key === active;
      Object.assign(mark.style, {
        color: "transparent", background: `rgba(${colour}, ${on ? 0.32 : 0.13})`, borderRadius: "2px",
        boxShadow: `inset 0 -2px 0 rgba(${colour}, 0.9)`, outline: on ? `2px solid rgba(${colour}, 0.9)` : "none",
      });
      mark.dataset.key = range.key;
      // An empty span (an insertion point) still gets a visible sliver.
      mark.textContent = text.slice(range.start, range.end) || "\u200b";
      fragment.append(mark);
      cursor = range.end;
    }
    fragment.append(text.slice(cursor) + "\n"); // a trailing newline needs a line of its own
    this.mirror.replaceChildren(fragment);
    this.onScroll();
  }

  destroy() {
    this.resize.disconnect();
    this.textarea.removeEventListener("scroll", this.onScroll);
    this.mirror.remove();
    if (this.saved === null) this.textarea.removeAttribute("style");
    else this.textarea.setAttribute("style", this.saved);
  }
}

class ServiceError extends Error {
  constructor(message, status = 0) {
    super(message);
    this.status = status;
  }
}

/** Build an element: h("li", {class: "x", "data-a": 1}, child, "text"). Text is never parsed as HTML. */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
  element.append(...children.flat(Infinity).filter((child) => child !== null && child !== undefined && child !== false));
  return element;
}

function plural(count, one, many) {
  return `${count} ${count === 1 ? one : many}`;
}

function shorten(text, length = 48) {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}

/** "https://www.apstylebook.com/ (percent)" -> {href, label}. */
function parseLink(link) {
  if (!link) return null;
  const [href, ...rest] = link.trim().split(/\s+/);
  if (!/^https?:\/\//.test(href)) return null;
  const entry = rest.join(" ").replace(/^\((.*)\)$/, "$1");
  return { href, label: entry ? `${new URL(href).hostname.replace(/^www\./, "")}: ${entry}` : href };
}

const STYLE = `
:host { display: block; font: 14px/1.45 var(--copydesk-font, system-ui, -apple-system, "Segoe UI", sans-serif);
  color: var(--copydesk-text, #1d1d1f); }
* { box-sizing: border-box; }
.panel { border: 1px solid #d0d4da; border-radius: 8px; background: var(--copydesk-background, #fff); overflow: hidden; }
header { display: flex; align-items: baseline; justify-content: space-between; gap: 8px; padding: 10px 12px;
  border-bottom: 1px solid #e3e6ea; background: #f6f7f9; }
h2 { margin: 0; font-size: 15px; letter-spacing: .02em; }
.status { font-size: 13px; color: #4a4f57; }
:host([busy]) .status::after { content: " · checking…"; }
.notice { margin: 10px 12px 0; padding: 8px 10px; border-radius: 6px; background: #fdecea; color: #8c1d18;
  border: 1px solid #f3b9b4; font-size: 13px; }
.notice.info { background: #eef4fc; color: #1a4b8c; border-color: #bcd3f2; }
.notice[hidden] { display: none; }
.findings { padding: 4px 12px 10px; max-height: var(--copydesk-max-height, 70vh); overflow: auto; }
.empty { color: #4a4f57; margin: 12px 0; }
section { margin-top: 10px; }
h3 { margin: 0 0 4px; font-size: 13px; text-transform: uppercase; letter-spacing: .05em; display: flex; gap: 6px; align-items: center; }
h3 .count { font-weight: 600; border-radius: 9px; padding: 0 7px; color: #fff; font-size: 12px; }
.error h3 { color: #b3261e; } .error h3 .count { background: #b3261e; }
.warning h3 { color: #7a4d00; } .warning h3 .count { background: #946200; }
.suggestion h3 { color: #1a5fb4; } .suggestion h3 .count { background: #1a5fb4; }
h4 { margin: 6px 0 2px; font-size: 12px; color: #4a4f57; font-weight: 600; }
ul { list-style: none; margin: 0; padding: 0; }
li.finding { border: 1px solid #e3e6ea; border-left: 4px solid #999; border-radius: 6px; margin: 6px 0; background: #fff; }
.error li.finding { border-left-color: #b3261e; }
.warning li.finding { border-left-color: #c98500; }
.suggestion li.finding { border-left-color: #1a5fb4; }
li.finding.active { box-shadow: 0 0 0 2px #8fb3e8; }
button { font: inherit; cursor: pointer; }
.summary { display: block; width: 100%; text-align: left; background: none; border: 0; padding: 7px 9px 4px; color: inherit; }
.summary:hover .message { text-decoration: underline; }
.excerpt { display: block; margin-top: 2px; font-size: 12px; color: #4a4f57; }
.excerpt q { font-style: italic; }
.actions { display: flex; flex-wrap: wrap; gap: 6px; padding: 0 9px 7px; }
.actions button { border: 1px solid #c4c9d0; background: #f6f7f9; border-radius: 5px; padding: 2px 9px; font-size: 12px; }
.actions button:hover { background: #eceef1; }
.actions .fix { border-color: #2b7a3d; background: #e8f5eb; color: #1d5a2b; }
.actions .fix:hover { background: #d6eedb; }
.actions .fix.unsafe { border-color: #946200; background: #fff6e0; color: #6b4700; }
.suggested { font-size: 12px; color: #4a4f57; align-self: center; }
button:focus-visible, a:focus-visible { outline: 2px solid #1a5fb4; outline-offset: 2px; }
.details { padding: 6px 9px 9px; border-top: 1px dashed #e3e6ea; font-size: 13px; }
.details[hidden] { display: none; }
.details dl { display: grid; grid-template-columns: max-content 1fr; gap: 1px 10px; margin: 0 0 6px; }
.details dt { color: #4a4f57; } .details dd { margin: 0; }
.details p { margin: 4px 0; }
.details a { color: #1a5fb4; }
footer { display: flex; justify-content: space-between; align-items: center; padding: 6px 12px; border-top: 1px solid #e3e6ea;
  font-size: 12px; color: #4a4f57; }
footer[hidden] { display: none; }
footer button { background: none; border: 0; color: #1a5fb4; text-decoration: underline; padding: 0; }
`;

export class CopydeskPanel extends HTMLElement {
  static observedAttributes = [
    "service", "token", "house-style", "body-format", "debounce", "highlight", "storage-key",
    ...FIELDS.map((field) => `for-${field}`),
  ];

  #fields = new Map(); // field name -> adapter
  #unsubscribe = [];
  #highlighters = new Map(); // field name -> Highlighter
  #findings = [];
  #snapshot = {}; // the field texts the current findings were computed on
  #dismissed = new Set();
  #rules = new Map(); // house style -> Promise<Map<rule id, rule>>
  #controller = null;
  #timer = 0;
  #active = null; // fingerprint of the finding opened
  #token = null;
  #attachedByApi = false;
  #ready = false; // connected: attribute changes before that are read by connectedCallback
  #ui;

  constructor() {
    super();
    const root = this.attachShadow({ mode: "open" });
    const style = h("style");
    style.textContent = STYLE;
    this.#ui = {
      status: h("span", { class: "status", role: "status", "aria-live": "polite", part: "status" }, "Not checked yet"),
      notice: h("div", { class: "notice", role: "alert", hidden: true, part: "notice" }),
      findings: h("div", { class: "findings", part: "findings" }),
      dismissedCount: h("span"),
      restore: h("button", { type: "button", class: "restore" }, "Restore all"),
    };
    this.#ui.footer = h("footer", { hidden: true }, this.#ui.dismissedCount, this.#ui.restore);
    root.append(style, h("div", { class: "panel", part: "panel" },
      h("header", {}, h("h2", {}, "copydesk"), this.#ui.status),
      this.#ui.notice, this.#ui.findings, this.#ui.footer));
    this.#ui.findings.addEventListener("click", (event) => this.#onClick(event));
    this.#ui.restore.addEventListener("click", () => { this.dismissed = []; });
  }

  // -- properties ---------------------------------------------------------------------------------
  get service() {
    const url = this.getAttribute("service") || SCRIPT_SERVICE;
    return url.endsWith("/") ? url : `${url}/`;
  }
  set service(value) { this.setAttribute("service", value); }
  get token() { return this.#token ?? this.getAttribute("token"); }
  set token(value) { this.#token = value || null; this.#scheduleCheck(0); }
  // Not "style": that name is the element's inline CSS.
  get houseStyle() { return this.getAttribute("house-style") || "ap"; }
  set houseStyle(value) { this.setAttribute("house-style", value); }
  get bodyFormat() { return this.getAttribute("body-format") || "text"; }
  set bodyFormat(value) { this.setAttribute("body-format", value); }
  get debounce() {
    const value = Number.parseInt(this.getAttribute("debounce") ?? "", 10);
    return Number.isFinite(value) && value >= 0 ? value : DEFAULT_DEBOUNCE_MS;
  }
  set debounce(value) { this.setAttribute("debounce", String(value)); }
  get findings() { return [...this.#findings]; }
  get dismissed() { return [...this.#dismissed]; }
  set dismissed(fingerprints) {
    this.#dismissed = new Set(fingerprints || []);
    this.#storeDismissed();
    this.#scheduleCheck(0);
  }

  connectedCallback() {
    this.#ready = true;
    this.#loadDismissed();
    if (this.#attachedByApi) this.#attach(new Map(this.#fields));
    else this.#attachFromAttributes();
  }

  disconnectedCallback() {
    this.#ready = false;
    clearTimeout(this.#timer);
    this.#controller?.abort();
    this.#detach();
  }

  attributeChangedCallback(name, oldValue, newValue) {
    if (oldValue === newValue || !this.#ready) return;
    if (name.startsWith("for-")) {
      if (!this.#attachedByApi) this.#attachFromAttributes();
    } else if (name === "storage-key") {
      this.#loadDismissed();
      this.#scheduleCheck(0);
    } else if (name === "highlight") {
      this.#attach(new Map(this.#fields));
    } else if (name !== "debounce") {
      this.#scheduleCheck(0);
    }
  }

  // -- binding to the editor ----------------------------------------------------------------------
  /** Bind to editor fields: {headline: element | adapter, body: element | adapter, ...}. */
  attach(fields) {
    this.#attachedByApi = true;
    const adapters = new Map();
    for (const [name, target] of Object.entries(fields || {})) {
      if (!FIELDS.includes(name)) throw new TypeError(`copydesk-panel: unknown field '${name}' (one of ${FIELDS.join(", ")})`);
      if (!target) continue;
      adapters.set(name, typeof target.get === "function" && typeof target.set === "function" ? target : elementAdapter(target));
    }
    if (this.#ready) this.#attach(adapters);
    else this.#fields = adapters; // bound when the panel is placed in the page
  }

  #attachFromAttributes() {
    const root = this.getRootNode();
    const adapters = new Map();
    for (const name of FIELDS) {
      const id = this.getAttribute(`for-${name}`);
      if (!id) continue;
      const element = root.getElementById ? root.getElementById(id) : document.getElementById(id);
      if (element && "value" in element) adapters.set(name, elementAdapter(element));
      else this.#showNotice(`No editor field with id "${id}" for the ${name}.`);
    }
    if (adapters.size) this.#attach(adapters);
  }

  #attach(adapters) {
    this.#detach();
    this.#fields = adapters;
    for (const [name, adapter] of adapters) {
      if (typeof adapter.subscribe === "function") {
        const unsubscribe = adapter.subscribe(() => this.#changed(name));
        if (typeof unsubscribe === "function") this.#unsubscribe.push(unsubscribe);
      }
      if (this.getAttribute("highlight") === "overlay" && adapter.element instanceof HTMLTextAreaElement) {
        this.#highlighters.set(name, new Highlighter(adapter.element));
      }
    }
    this.#scheduleCheck(0);
  }

  #detach() {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#unsubscribe = [];
    for (const highlighter of this.#highlighters.values()) highlighter.destroy();
    this.#highlighters.clear();
  }

  /** A field changed: marks follow the text at once; the service is asked after a pause. */
  #changed(name) {
    this.#drawHighlights(name);
    this.#scheduleCheck(this.debounce);
  }

  // -- talking to the service ---------------------------------------------------------------------
  #scheduleCheck(delay) {
    clearTimeout(this.#timer);
    if (!this.isConnected) return;
    this.#timer = setTimeout(() => this.check(), delay);
  }

  async #request(path, init = {}) {
    const headers = { "Content-Type": "application/json" };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    let response;
    try {
      response = await fetch(new URL(path, this.service), { ...init, headers });
    } catch (error) {
      if (error.name === "AbortError") throw error;
      throw new ServiceError(`Cannot reach the copydesk service at ${this.service}. Is "copydesk serve" running, and does it allow this page?`);
    }
    if (response.status === 401) {
      throw new ServiceError("The copydesk service refused the request (401 Unauthorized): the panel's token is missing or wrong.", 401);
    }
    let body = null;
    try { body = await response.json(); } catch { /* an error page that is not JSON */ }
    if (!response.ok) {
      throw new ServiceError(`The copydesk service answered ${response.status}${body?.error ? `: ${body.error}` : "."}`, response.status);
    }
    return body;
  }

  /** Check the fields now (cancelling any check in flight); resolves to the findings shown. */
  async check() {
    clearTimeout(this.#timer);
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    const snapshot = {};
    for (const [name, adapter] of this.#fields) snapshot[name] = adapter.get() ?? "";
    if (!Object.values(snapshot).some((text) => text.trim())) {
      this.#snapshot = snapshot;
      this.#findings = [];
      this.#render();
      return [];
    }
    this.toggleAttribute("busy", true);
    try {
      const answer = await this.#request("v1/check", {
        method: "POST",
        signal: controller.signal,
        body: JSON.stringify({
          article: { ...snapshot, body_format: this.bodyFormat },
          style: this.houseStyle,
          dismissed: [...this.#dismissed],
        }),
      });
      if (controller !== this.#controller) return this.findings;
      this.#snapshot = snapshot;
      this.#findings = (answer.findings || []).filter((finding) => !this.#dismissed.has(finding.fingerprint));
      this.#hideNotice();
      this.#render();
      this.dispatchEvent(new CustomEvent("copydesk-findings", { detail: { findings: this.findings } }));
      return this.findings;
    } catch (error) {
      if (error.name === "AbortError" || controller !== this.#controller) return this.findings;
      this.#findings = [];
      this.#render();
      this.#ui.status.textContent = "Not checked";
      this.#showNotice(error.message);
      this.dispatchEvent(new CustomEvent("copydesk-error", { detail: { message: error.message, status: error.status ?? 0 } }));
      return [];
    } finally {
      if (controller === this.#controller) this.toggleAttribute("busy", false);
    }
  }

  /** The rules of a house style by ID, asked for once. */
  #rulesFor(style) {
    if (!this.#rules.has(style)) {
      const pending = this.#request(`v1/rules?style=${encodeURIComponent(style)}`)
        .then((answer) => new Map((answer.rules || []).map((rule) => [rule.id, rule])))
        .catch((error) => { this.#rules.delete(style); throw error; });
      this.#rules.set(style, pending);
    }
    return this.#rules.get(style);
  }

  // -- actions -------------------------------------------------------------------------------------
  #onClick(event) {
    const control = event.target.closest("button[data-action]");
    const item = event.target.closest("li.finding");
    if (!control || !item) return;
    const finding = this.#findings.find((f) => f.fingerprint === item.dataset.fingerprint);
    if (!finding) return;
    const action = control.dataset.action;
    if (action === "toggle") this.#toggle(finding);
    else if (action === "show") this.#highlight(finding, { focus: true });
    else if (action === "fix") this.applyFix(finding);
    else if (action === "dismiss") this.dismiss(finding);
  }

  #toggle(finding) {
    const opening = this.#active !== finding.fingerprint;
    this.#active = opening ? finding.fingerprint : null;
    this.#render();
    if (opening) this.#highlight(finding, { focus: false }); // #render has asked for the rule's description
    this.#ui.findings.querySelector(`li[data-fingerprint="${finding.fingerprint}"] .summary`)?.focus({ preventScroll: true });
  }

  /** Show the finding's span in its field: a selection, and an overlay mark when drawn. */
  #highlight(finding, { focus }) {
    const adapter = this.#fields.get(finding.field);
    if (!adapter || adapter.get() !== this.#snapshot[finding.field]) return;
    if (typeof adapter.select === "function") adapter.select(finding.start_utf16, finding.end_utf16, { focus });
    this.#drawHighlights(finding.field);
  }

  async #explain(finding) {
    const slot = this.#ui.findings.querySelector(`li[data-fingerprint="${finding.fingerprint}"] .description`);
    if (!slot) return;
    try {
      const rule = (await this.#rulesFor(this.houseStyle)).get(finding.rule);
      const description = rule?.description?.trim();
      const paragraphs = description ? description.split(/\n\s*\n/).map((p) => h("p", {}, p.replace(/\s*\n\s*/g, " "))) : [h("p", {}, "No description for this rule.")];
      slot.replaceChildren(...paragraphs);
    } catch (error) {
      slot.replaceChildren(h("p", {}, `Rule description unavailable: ${error.message}`));
    }
  }

  /** Apply one finding's fix in its field (client side), then check again. */
  async applyFix(finding) {
    const adapter = this.#fields.get(finding.field);
    if (!adapter || !finding.fix || finding.fix.applicability === "display") return false;
    const text = adapter.get();
    if (text !== this.#snapshot[finding.field]) {
      // The findings are for an older text: their offsets may point anywhere now.
      this.#showNotice("The text changed since the last check; checking again before fixing.", "info");
      await this.check();
      return false;
    }
    // The service counts code points; JS strings count UTF-16 units.
    const edits = finding.fix.edits
      .map((edit) => ({ start: utf16Index(text, edit.start), end: utf16Index(text, edit.end), text: edit.text }))
      .sort((a, b) => b.start - a.start);
    let fixed = text;
    for (const edit of edits) fixed = fixed.slice(0, edit.start) + edit.text + fixed.slice(edit.end);
    if (typeof adapter.applyEdits === "function") adapter.applyEdits(edits, fixed);
    else adapter.set(fixed);
    this.#active = null;
    this.dispatchEvent(new CustomEvent("copydesk-fix", { detail: { finding } }));
    await this.check();
    this.#focusList();
    return true;
  }

  /** Hide a finding for good: its fingerprint goes back to the service with every check. */
  dismiss(finding) {
    const fingerprint = typeof finding === "string" ? finding : finding.fingerprint;
    const index = this.#findings.findIndex((f) => f.fingerprint === fingerprint);
    this.#dismissed.add(fingerprint);
    this.#storeDismissed();
    this.#findings = this.#findings.filter((f) => f.fingerprint !== fingerprint);
    if (this.#active === fingerprint) this.#active = null;
    this.#render();
    this.dispatchEvent(new CustomEvent("copydesk-dismiss", { detail: { fingerprint, dismissed: this.dismissed } }));
    this.#focusList(index);
  }

  #focusList(index = 0) {
    const buttons = [...this.#ui.findings.querySelectorAll(".summary")];
    const target = buttons[Math.min(index, buttons.length - 1)] || this.#ui.findings;
    if (target === this.#ui.findings) target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
  }

  #loadDismissed() {
    const key = this.getAttribute("storage-key");
    if (!key) return;
    try {
      const stored = JSON.parse(localStorage.getItem(key) || "[]");
      if (Array.isArray(stored)) this.#dismissed = new Set(stored.filter((item) => typeof item === "string"));
    } catch { /* storage blocked or corrupt: start empty */ }
  }

  #storeDismissed() {
    const key = this.getAttribute("storage-key");
    if (!key) return;
    try { localStorage.setItem(key, JSON.stringify([...this.#dismissed])); } catch { /* storage blocked */ }
  }

  // -- rendering -------------------------------------------------------------------------------------
  #showNotice(message, kind = "error") {
    this.#ui.notice.textContent = message;
    this.#ui.notice.className = `notice ${kind}`;
    this.#ui.notice.hidden = false;
  }

  #hideNotice() {
    this.#ui.notice.hidden = true;
    this.#ui.notice.textContent = "";
  }

  #drawHighlights(field) {
    const highlighter = this.#highlighters.get(field);
    const adapter = this.#fields.get(field);
    if (!highlighter || !adapter) return;
    const current = adapter.get();
    const ranges = this.#findings
      .filter((f) => f.field === field)
      .map((f) => ({ start: f.start_utf16, end: f.end_utf16, severity: f.severity, key: f.fingerprint }));
    highlighter.render(current, followEdit(this.#snapshot[field] ?? current, current, ranges), this.#active);
  }

  #render() {
    const findings = this.#findings;
    const counts = SEVERITIES.map(([severity, , one, many]) => [findings.filter((f) => f.severity === severity).length, one, many]);
    this.#ui.status.textContent = findings.length
      ? `${plural(findings.length, "finding", "findings")}: ${counts.filter(([n]) => n).map(([n, one, many]) => plural(n, one, many)).join(", ")}`
      : "No findings";
    this.#ui.dismissedCount.textContent = `${plural(this.#dismissed.size, "finding", "findings")} dismissed`;
    this.#ui.footer.hidden = this.#dismissed.size === 0;

    const sections = [];
    for (const [severity, title] of SEVERITIES) {
      const ofSeverity = findings.filter((f) => f.severity === severity);
      if (!ofSeverity.length) continue;
      const headingId = `copydesk-${severity}`;
      const groups = FIELDS.map((field) => [field, ofSeverity.filter((f) => f.field === field).sort((a, b) => a.start - b.start)])
        .filter(([, list]) => list.length);
      sections.push(h("section", { class: severity, "aria-labelledby": headingId },
        h("h3", { id: headingId }, title, h("span", { class: "count" }, String(ofSeverity.length))),
        groups.map(([field, list]) => [
          h("h4", {}, FIELD_LABELS[field]),
          h("ul", { "aria-label": `${title} in the ${field}` }, list.map((finding) => this.#renderFinding(finding))),
        ])));
    }
    if (!sections.length) {
      sections.push(h("p", { class: "empty" }, this.#fields.size ? "Nothing to report." : "Not attached to an editor."));
    }
    this.#ui.findings.replaceChildren(...sections);
    for (const field of this.#highlighters.keys()) this.#drawHighlights(field);
    const open = findings.find((f) => f.fingerprint === this.#active);
    if (open) this.#explain(open);
  }

  #renderFinding(finding) {
    const open = finding.fingerprint === this.#active;
    const detailsId = `copydesk-details-${finding.fingerprint}`;
    const text = this.#snapshot[finding.field] ?? "";
    const matched = text.slice(finding.start_utf16, finding.end_utf16);
    const fix = finding.fix;
    const actions = [];
    if (fix && fix.applicability !== "display") {
      const deletes = fix.edits.every((edit) => edit.text === "");
      const label = deletes ? "Delete" : fix.replacement ? `Fix: ${shorten(fix.replacement, 32)}` : "Apply fix";
      actions.push(h("button", {
        type: "button", class: `fix ${fix.applicability}`, "data-action": "fix",
        title: fix.applicability === "unsafe" ? "Check the result: this fix may need rewording around it" : "Apply this fix",
        "aria-label": `${label} (${finding.message})`,
      }, label));
    } else if (fix && fix.replacement) {
      actions.push(h("span", { class: "suggested" }, `Suggested: ${shorten(fix.replacement, 40)}`));
    }
    actions.push(h("button", { type: "button", class: "dismiss", "data-action": "dismiss", "aria-label": `Dismiss (${finding.message})` }, "Dismiss"));
    const link = parseLink(finding.link);
    return h("li", {
      class: `finding${open ? " active" : ""}`, "data-fingerprint": finding.fingerprint, "data-rule": finding.rule,
      "data-category": finding.category, part: "finding",
    },
      h("button", { type: "button", class: "summary", "data-action": "toggle", "aria-expanded": String(open), "aria-controls": detailsId },
        h("span", { class: "message" }, finding.message),
        matched.trim() ? h("span", { class: "excerpt" }, h("q", {}, shorten(matched))) : null),
      h("div", { class: "actions" }, actions),
      h("div", { class: "details", id: detailsId, hidden: !open },
        h("dl", {},
          h("dt", {}, "Rule"), h("dd", {}, h("code", {}, finding.rule)),
          h("dt", {}, "Category"), h("dd", {}, finding.category),
          h("dt", {}, "Severity"), h("dd", {}, finding.severity),
          h("dt", {}, "Where"), h("dd", {}, `${FIELD_LABELS[finding.field] || finding.field}, line ${finding.line}, column ${finding.column}`)),
        h("div", { class: "description", "aria-live": "polite" }, h("p", {}, "Loading the rule’s description…")),
        link ? h("p", {}, h("a", { href: link.href, target: "_blank", rel: "noopener noreferrer" }, link.label)) : null,
        h("p", {}, h("button", { type: "button", class: "show", "data-action": "show" }, "Show in text"))));
  }
}

if (!customElements.get("copydesk-panel")) customElements.define("copydesk-panel", CopydeskPanel);
