// clinicbot website widget: one <script> tag, Rasa's socket.io channel (clinicbot SecureSocketIOInput).
//
//   <script src="https://bot.example.org/webhooks/socketio/widget.js"
//           data-title="Renew Orthopedic Clinic" data-color="#0b5d67" defer></script>
//
// Optional data-* settings: data-server (default: where widget.js came from), data-path (socket.io
// path, default /socket.io), data-title, data-color, data-open ("true": start open), data-storage
// ("session", the default: the conversation survives reloads until the tab closes; "local": until
// the session token expires). The texts (disclaimer, emergency numbers, the widget's words in each
// language) come from the server inside widget.js (window.ClinicbotWidgetDefaults), never from this
// file.
//
// Each bot message is one `bot_uttered` event: {text, quick_replies, language, card?, expects?}.
// The widget speaks the language of the latest bot message, shows a message with card "emergency" as
// the emergency card with call buttons, and its input's placeholder follows what the message expects.
import { io } from "socket.io-client";
import css from "./widget.css";

const NO_REPLY_MS = 30000;
const SVG = "http://www.w3.org/2000/svg";
const ICONS = {
  alert: "M12 2 1 21h22L12 2zm0 5.5 7.5 13.5h-15L12 7.5zM11 11v4h2v-4h-2zm0 6v2h2v-2h-2z",
  phone: "M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1L6.6 10.8z",
  info: "M11 7h2v2h-2V7zm0 4h2v6h-2v-6zm1-9a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16z",
};

function el(tag, attrs, children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text") node.textContent = v;
    else if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children || []) if (c) node.appendChild(c);
  return node;
}

function icon(name, cls) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", "icon " + (cls || ""));
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", ICONS[name]);
  path.setAttribute("fill", "currentColor");
  svg.appendChild(path);
  return svg;
}

function fill(template, values) {
  return String(template || "").replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));
}

function tel(number) {
  return "tel:" + String(number).replace(/[^0-9+]/g, "");
}

function settingsFromScript(script) {
  const d = (script && script.dataset) || {};
  let server = d.server;
  if (!server && script && script.src) server = new URL(script.src, location.href).origin;
  return {
    server: server || location.origin,
    path: d.path || "/socket.io",
    title: d.title,
    color: d.color,
    open: d.open === "true",
    storage: d.storage === "local" ? "local" : "session",
  };
}

function safeStorage(kind) {
  try {
    const s = kind === "local" ? window.localStorage : window.sessionStorage;
    const probe = "__cbw";
    s.setItem(probe, "1");
    s.removeItem(probe);
    return s;
  } catch (e) {
    const mem = {};
    return { getItem: (k) => (k in mem ? mem[k] : null), setItem: (k, v) => { mem[k] = String(v); }, removeItem: (k) => { delete mem[k]; } };
  }
}

export function mount(options) {
  const defaults = window.ClinicbotWidgetDefaults || {};
  const cfg = Object.assign({}, defaults, Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)));
  const allTexts = defaults.texts || {};
  const languages = (defaults.languages || []).filter((l) => allTexts[l.id]);
  const title = cfg.title || "";
  const store = safeStorage(cfg.storage);
  const key = "clinicbot-widget:" + cfg.server;
  const timings = [];
  const numbers = cfg.emergency_numbers || [];
  const known = (l) => typeof l === "string" && Object.prototype.hasOwnProperty.call(allTexts, l);
  let lang = known(store.getItem(key + ":lang")) ? store.getItem(key + ":lang") : known("en") ? "en" : Object.keys(allTexts)[0];
  let expects = "";
  // The widget's words in a language (the current one by default), with fallbacks for missing parts.
  function words(language) {
    const t = allTexts[known(language) ? language : lang] || {};
    return Object.assign({ errors: {}, placeholder: {}, numbers: {} }, t);
  }
  // Everything that shows the widget's words registers a function here; a language change reruns them.
  const renderers = [];
  function say(fn) { renderers.push(fn); fn(words()); }

  // ---- the DOM (in a shadow root, so the host page's styles and ours never mix)
  const host = el("div", { id: "clinicbot-widget" });
  const shadow = host.attachShadow({ mode: "open" });
  shadow.appendChild(el("style", { text: css }));
  const root = el("div", { class: "root" });
  if (cfg.color && /^#[0-9a-fA-F]{3,8}$/.test(cfg.color)) root.style.setProperty("--cbw-color", cfg.color);

  // "Emergency? Call 112 108": always in view, the numbers as links (tap targets of 44 px).
  function emergencyLine(cls) {
    const p = el("p", { class: cls });
    say((t) => {
      p.textContent = "";
      p.appendChild(el("span", { class: "lead", text: t.emergency || "" }));
      for (const n of numbers) {
        const label = fill(t.call_number, { number: n.number, label: t.numbers[n.number] || n.label });
        p.appendChild(el("a", { class: "tel", href: tel(n.number), "aria-label": label, title: label, text: n.number }));
      }
    });
    return p;
  }

  const launcher = el("button", { type: "button", class: "launcher", "aria-expanded": "false", "aria-controls": "cbw-panel" });
  say((t) => { launcher.textContent = t.launcher || title; });
  const launcherBox = el("div", { class: "launcher-box" }, [launcher, el("div", { class: "pill" }, [emergencyLine("")])]);

  // The header: the clinic's name, the language toggle, close.
  const toggles = languages.map((l) =>
    el("button", { type: "button", class: "lang", lang: l.id, title: l.name, "aria-pressed": "false", text: l.label, onclick: () => chooseLanguage(l) })
  );
  const langGroup = el("div", { class: "langs", role: "group" }, toggles);
  say((t) => {
    langGroup.setAttribute("aria-label", t.language || "");
    toggles.forEach((b, i) => b.setAttribute("aria-pressed", String(languages[i].id === lang)));
  });
  const close = el("button", { type: "button", class: "close" }, [el("span", { "aria-hidden": "true", text: "\u00d7" })]);
  say((t) => close.setAttribute("aria-label", t.close || ""));

  // The pinned notice: the emergency numbers, and the disclaimer (clamped, "More" shows it whole).
  const disclaimer = el("p", { class: "disclaimer", id: "cbw-disclaimer" });
  const more = el("button", { type: "button", class: "more", "aria-expanded": "false", "aria-controls": "cbw-disclaimer" });
  const info = el("button", { type: "button", class: "info", "aria-expanded": "false", "aria-controls": "cbw-disclaimer" }, [icon("info")]);
  const notice = el("div", { class: "notice" });
  const emergencyRow = emergencyLine("emergency");
  emergencyRow.classList.add("row");
  notice.appendChild(emergencyRow);
  notice.appendChild(info);
  notice.appendChild(el("div", { class: "disclaimer-row" }, [disclaimer, more]));
  function toggleDisclaimer() {
    const open = !notice.classList.contains("expanded");
    notice.classList.toggle("expanded", open);
    more.setAttribute("aria-expanded", String(open));
    info.setAttribute("aria-expanded", String(open));
    renderers.forEach((fn) => fn(words()));
  }
  more.addEventListener("click", toggleDisclaimer);
  info.addEventListener("click", toggleDisclaimer);
  say((t) => {
    disclaimer.textContent = t.disclaimer || "";
    const open = notice.classList.contains("expanded");
    more.textContent = open ? t.less || "" : t.more || "";
    info.setAttribute("aria-label", t.about || "");
  });

  const log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0" });
  say((t) => log.setAttribute("aria-label", t.bot || ""));
  const typingLabel = el("span", { class: "label" });
  const typing = el("div", { class: "typing", role: "status", hidden: true }, [
    el("div", { class: "bubble" }, [typingLabel, el("span", { class: "dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")])]),
  ]);
  say((t) => { typingLabel.textContent = t.typing || ""; });
  const replies = el("div", { class: "replies", role: "group" });
  say((t) => replies.setAttribute("aria-label", t.quick_replies || ""));
  const status = el("div", { class: "status", role: "status" });
  let statusKey = "";
  say((t) => { status.textContent = statusKey ? t[statusKey] || "" : ""; });
  function setStatus(k) { statusKey = k; status.textContent = k ? words()[k] || "" : ""; }
  const input = el("input", { id: "cbw-input", type: "text", autocomplete: "off", maxlength: String(cfg.max_chars || 1000) });
  const inputLabel = el("label", { for: "cbw-input", class: "sr-only" });
  const sendButton = el("button", { type: "submit", class: "send" });
  say((t) => {
    inputLabel.textContent = t.input_label || "";
    sendButton.textContent = t.send || "";
    input.placeholder = t.placeholder[expects] || t.placeholder.default || "";
  });
  const form = el("form", { novalidate: true }, [inputLabel, input, sendButton]);
  const heading = el("h2", { text: title, title });
  const panel = el("section", { id: "cbw-panel", class: "panel", "aria-label": title, hidden: true }, [
    el("div", { class: "head" }, [heading, langGroup, close]),
    notice,
    status,
    log,
    typing,
    replies,
    form,
  ]);
  say(() => { root.setAttribute("lang", lang); });
  root.appendChild(launcherBox);
  root.appendChild(panel);
  shadow.appendChild(root);
  document.body.appendChild(host);

  function setLanguage(l) {
    if (!known(l) || l === lang) return;
    lang = l;
    store.setItem(key + ":lang", l);
    renderers.forEach((fn) => fn(words()));
  }
  function setExpects(what) {
    expects = typeof what === "string" ? what : "";
    const t = words();
    input.placeholder = t.placeholder[expects] || t.placeholder.default || "";
    if (expects === "phone") input.setAttribute("inputmode", "tel");
    else input.removeAttribute("inputmode");
  }

  // ---- scrolling: a turn is shown from the top of its first bot message, never past it
  let turnStart = null; // the first bot message of the latest turn
  let userScrolled = false; // the visitor scrolled since the turn began: leave the log where it is
  function follow() {
    if (userScrolled) return;
    const bottom = log.scrollHeight - log.clientHeight;
    log.scrollTop = turnStart ? Math.min(Math.max(0, turnStart.offsetTop - 8), bottom) : bottom;
  }
  for (const evt of ["wheel", "touchmove"]) log.addEventListener(evt, () => { userScrolled = true; }, { passive: true });
  log.addEventListener("keydown", (e) => { if (/^(Arrow|Page|Home|End| )/.test(e.key)) userScrolled = true; });
  if (typeof ResizeObserver === "function") new ResizeObserver(() => follow()).observe(log);

  // ---- showing things
  function emergencyCard(node, t) {
    node.classList.add("card", "card-emergency");
    node.setAttribute("role", "alert");
    node.appendChild(el("div", { class: "card-head" }, [icon("alert"), el("span", { text: t.emergency_title || "" })]));
    const calls = el("div", { class: "calls" });
    for (const n of numbers) {
      calls.appendChild(el("a", { class: "call", href: tel(n.number) }, [icon("phone"), el("span", { text: fill(t.call_number, { number: n.number, label: t.numbers[n.number] || n.label }) })]));
    }
    if (cfg.phone) calls.appendChild(el("a", { class: "call clinic", href: tel(cfg.phone) }, [icon("phone"), el("span", { text: fill(t.call_clinic, { phone: cfg.phone }) })]));
    return calls;
  }
  function addMessage(sender, text, meta) {
    const m = meta || {};
    const t = words(m.language);
    const who = sender === "user" ? t.you || "" : sender === "bot" ? t.bot || "" : "";
    const language = known(m.language) ? m.language : sender === "user" && /[\u0900-\u097f]/.test(text) ? "hi" : null;
    const node = el("div", { class: "msg " + sender, "data-sender": sender, lang: language, "data-card": m.card || null });
    let calls = null;
    if (sender === "bot" && m.card === "emergency") calls = emergencyCard(node, t);
    if (calls) node.appendChild(calls); // the numbers first, under the card's heading
    if (who) node.appendChild(el("span", { class: "sr-only", text: who + ": " }));
    node.appendChild(el("span", { class: "text", text }));
    log.appendChild(node);
    if (sender === "bot" && !turnStart) turnStart = node;
    follow();
    return node;
  }
  function showReplies(list) {
    replies.textContent = "";
    for (const r of list || []) {
      replies.appendChild(el("button", { type: "button", class: "reply", text: r.title, onclick: () => send(r.payload, r.title) }));
    }
    follow();
  }
  function setTyping(on) {
    typing.hidden = !on;
    follow();
  }
  function setOpen(open, focus) {
    panel.hidden = !open;
    launcherBox.hidden = open;
    root.classList.toggle("is-open", open);
    launcher.setAttribute("aria-expanded", String(open));
    store.setItem(key + ":open", open ? "1" : "0");
    if (open) follow();
    if (focus) (open ? input : launcher).focus();
  }

  // ---- the conversation
  const socket = io(cfg.server, { path: cfg.path, transports: ["websocket", "polling"], tryAllTransports: true });
  let ready = false;
  let queue = [];
  let pending = null; // {start} from sending until the first reply is shown
  let awaiting = 0; // messages sent and not yet answered (bot_done)
  let noReply = null;

  // Each message carries an id of its own: a message the socket re-sends after a reconnect is
  // recognised by the server and answered once (issue 17).
  function newMessageId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    const bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  function emitMessage(item) {
    pending = { start: performance.now() };
    awaiting += 1;
    setTyping(true);
    clearTimeout(noReply);
    noReply = setTimeout(() => { awaiting = 0; setTyping(false); pending = null; addMessage("system", words().errors.no_reply || ""); }, NO_REPLY_MS);
    socket.emit("user_uttered", { message: item.payload, message_id: item.id });
  }
  function send(payload, shown, language) {
    const text = (shown || payload || "").trim();
    if (!text) { addMessage("system", words().errors.empty || ""); return; }
    showReplies([]);
    turnStart = null; // a new turn: its first bot message will be the one to show
    userScrolled = false;
    addMessage("user", text, { language });
    const item = { payload, id: newMessageId() };
    if (ready) emitMessage(item);
    else queue.push(item);
    input.focus();
  }
  // The toggle: the widget's words change at once, and the visitor asks the assistant to switch too.
  function chooseLanguage(choice) {
    if (choice.id === lang) return;
    setLanguage(choice.id);
    setExpects(expects);
    send(choice.switch, choice.switch, choice.id);
  }

  socket.on("connect", () => {
    setStatus("");
    socket.emit("session_request", { token: store.getItem(key) });
  });
  socket.on("connect_error", () => { ready = false; setStatus("offline"); });
  socket.on("disconnect", () => { ready = false; setStatus("connecting"); });
  socket.on("session_confirm", (data) => {
    if (!data || typeof data.token !== "string") return;
    store.setItem(key, data.token);
    const rendered = log.querySelectorAll(".msg[data-sender]").length;
    if (data.resumed && Array.isArray(data.history) && data.history.length && !rendered) {
      log.setAttribute("aria-busy", "true");
      const bots = data.history.filter((m) => m && m.sender !== "user");
      const latest = bots[bots.length - 1];
      if (latest) setLanguage(latest.language);
      turnStart = null;
      for (const m of data.history) {
        if (!m) continue;
        if (m.sender === "user") turnStart = null; // the last turn is shown from its first bot message
        addMessage(m.sender === "user" ? "user" : "bot", String(m.text || ""), m);
      }
      const last = data.history[data.history.length - 1];
      showReplies(last && last.sender === "bot" ? last.quick_replies : []);
      setExpects(latest ? latest.expects : "");
      log.removeAttribute("aria-busy");
    } else if (!data.resumed) {
      if (rendered) addMessage("system", words().new_session || "");
      else if (words().welcome) addMessage("bot", words().welcome, { language: lang });
    }
    ready = true;
    const waiting = queue;
    queue = [];
    waiting.forEach(emitMessage);
  });
  socket.on("bot_uttered", (msg) => {
    if (!msg || typeof msg !== "object") return;
    setLanguage(msg.language);
    const hasText = typeof msg.text === "string" && msg.text;
    if (hasText) addMessage("bot", msg.text, msg);
    if (hasText || (Array.isArray(msg.quick_replies) && msg.quick_replies.length)) setExpects(msg.expects);
    if (Array.isArray(msg.quick_replies) && msg.quick_replies.length) showReplies(msg.quick_replies);
    if (pending) {
      const start = pending.start;
      pending = null;
      requestAnimationFrame(() => {
        const ms = performance.now() - start;
        timings.push(ms);
        host.dispatchEvent(new CustomEvent("clinicbot:reply", { detail: { ms } }));
      });
    }
    setTyping(awaiting > 0); // more may follow until bot_done
  });
  socket.on("bot_done", () => {
    awaiting = Math.max(0, awaiting - 1);
    if (!awaiting) { clearTimeout(noReply); pending = null; setTyping(false); }
  });
  socket.on("widget_error", (err) => {
    pending = null;
    const code = err && typeof err.code === "string" ? err.code : "server";
    const errors = words().errors;
    addMessage("system", errors[code] || errors.server || "");
  });

  // ---- keyboard and pointer
  launcher.addEventListener("click", () => setOpen(true, true));
  close.addEventListener("click", () => setOpen(false, true));
  panel.addEventListener("keydown", (e) => { if (e.key === "Escape") setOpen(false, true); });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const text = input.value;
    if (!text.trim()) return;
    input.value = "";
    send(text);
  });

  setOpen(cfg.open || store.getItem(key + ":open") === "1", false);
  return { socket, timings, host, open: () => setOpen(true, true), close: () => setOpen(false, true) };
}

const script = document.currentScript;
function start() {
  if (window.ClinicbotWidget && window.ClinicbotWidget.instance) return;
  window.ClinicbotWidget = { instance: mount(settingsFromScript(script)) };
  window.ClinicbotWidget.timings = window.ClinicbotWidget.instance.timings;
}
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
