// clinicbot website widget: one <script> tag, Rasa's socket.io channel (clinicbot SecureSocketIOInput).
//
//   <script src="https://bot.example.org/webhooks/socketio/widget.js"
//           data-title="Renew Orthopedic Clinic" data-color="#0b5d67" defer></script>
//
// Optional data-* settings: data-server (default: where widget.js came from), data-path (socket.io
// path, default /socket.io), data-title, data-color, data-open ("true": start open), data-storage
// ("session", the default: the conversation survives reloads until the tab closes; "local": until
// the session token expires). The texts (disclaimer, emergency numbers, the widget's words) come
// from the server inside widget.js (window.ClinicbotWidgetDefaults), never from this file.
import { io } from "socket.io-client";
import css from "./widget.css";

const NO_REPLY_MS = 30000;

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
  const t = Object.assign({ errors: {} }, defaults.texts || {});
  const title = cfg.title || "Chat";
  const store = safeStorage(cfg.storage);
  const key = "clinicbot-widget:" + cfg.server;
  const timings = [];

  // ---- the DOM (in a shadow root, so the host page's styles and ours never mix)
  const host = el("div", { id: "clinicbot-widget" });
  const shadow = host.attachShadow({ mode: "open" });
  shadow.appendChild(el("style", { text: css }));
  const root = el("div", { class: "root" });
  if (cfg.color && /^#[0-9a-fA-F]{3,8}$/.test(cfg.color)) root.style.setProperty("--cbw-color", cfg.color);

  const numbers = cfg.emergency_numbers || [];
  function emergencyLine(cls) {
    const p = el("p", { class: cls || "emergency" }, [document.createTextNode((t.emergency || "Emergency?") + " ")]);
    numbers.forEach((n, i) => {
      if (i) p.appendChild(document.createTextNode(i === numbers.length - 1 ? " or " : ", "));
      p.appendChild(el("a", { href: "tel:" + n.number, text: n.number }));
      p.appendChild(document.createTextNode(" (" + n.label + ")"));
    });
    return p;
  }

  const launcher = el("button", { type: "button", class: "launcher", "aria-expanded": "false", "aria-controls": "cbw-panel", text: t.launcher || title });
  const launcherBox = el("div", { class: "launcher-box" }, [launcher, el("div", { class: "pill" }, [emergencyLine("")])]);

  const log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions", "aria-label": t.bot || "Conversation", tabindex: "0" });
  const typing = el("div", { class: "typing", role: "status", hidden: true }, [
    el("span", { class: "sr-only", text: t.typing || "Typing..." }),
    el("span", { class: "dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]),
  ]);
  const replies = el("div", { class: "replies", role: "group", "aria-label": t.quick_replies || "Quick replies" });
  const status = el("div", { class: "status", role: "status" });
  const input = el("input", { id: "cbw-input", type: "text", autocomplete: "off", maxlength: String(cfg.max_chars || 1000), placeholder: t.input_placeholder || "" });
  const form = el("form", { novalidate: true }, [
    el("label", { for: "cbw-input", class: "sr-only", text: t.input_label || "Your message" }),
    input,
    el("button", { type: "submit", class: "send", text: t.send || "Send" }),
  ]);
  const close = el("button", { type: "button", class: "close", "aria-label": t.close || "Close chat", text: "\u00d7" });
  const panel = el("section", { id: "cbw-panel", class: "panel", "aria-label": title, hidden: true }, [
    el("div", { class: "head" }, [el("h2", { text: title }), close]),
    el("div", { class: "notice" }, [emergencyLine(), el("p", { class: "disclaimer", text: cfg.disclaimer || "" })]),
    status,
    log,
    typing,
    replies,
    form,
  ]);
  root.appendChild(launcherBox);
  root.appendChild(panel);
  shadow.appendChild(root);
  document.body.appendChild(host);

  // ---- showing things
  function scrollDown() { log.scrollTop = log.scrollHeight; }
  function addMessage(sender, text) {
    const who = sender === "user" ? t.you || "You" : sender === "bot" ? t.bot || "Assistant" : "";
    const node = el("div", { class: "msg " + sender, "data-sender": sender }, [
      who ? el("span", { class: "sr-only", text: who + ": " }) : null,
      el("span", { class: "text", text }),
    ]);
    log.appendChild(node);
    scrollDown();
    return node;
  }
  function showReplies(list) {
    replies.textContent = "";
    for (const r of list || []) {
      replies.appendChild(el("button", { type: "button", class: "reply", text: r.title, onclick: () => send(r.payload, r.title) }));
    }
  }
  function setTyping(on) {
    typing.hidden = !on;
    scrollDown();
  }
  function setOpen(open, focus) {
    panel.hidden = !open;
    launcherBox.hidden = open;
    launcher.setAttribute("aria-expanded", String(open));
    store.setItem(key + ":open", open ? "1" : "0");
    if (focus) (open ? input : launcher).focus();
  }

  // ---- the conversation
  const socket = io(cfg.server, { path: cfg.path, transports: ["websocket", "polling"], tryAllTransports: true });
  let ready = false;
  let queue = [];
  let pending = null; // {start} from sending until the first reply is shown
  let awaiting = 0; // messages sent and not yet answered (bot_done)
  let noReply = null;

  function emitMessage(payload) {
    pending = { start: performance.now() };
    awaiting += 1;
    setTyping(true);
    clearTimeout(noReply);
    noReply = setTimeout(() => { awaiting = 0; setTyping(false); pending = null; addMessage("system", t.errors.no_reply || ""); }, NO_REPLY_MS);
    socket.emit("user_uttered", { message: payload });
  }
  function send(payload, shown) {
    const text = (shown || payload || "").trim();
    if (!text) { addMessage("system", t.errors.empty || ""); return; }
    showReplies([]);
    addMessage("user", text);
    if (ready) emitMessage(payload);
    else queue.push(payload);
    input.focus();
  }

  socket.on("connect", () => {
    status.textContent = "";
    socket.emit("session_request", { token: store.getItem(key) });
  });
  socket.on("connect_error", () => { ready = false; status.textContent = t.offline || ""; });
  socket.on("disconnect", () => { ready = false; status.textContent = t.connecting || ""; });
  socket.on("session_confirm", (data) => {
    if (!data || typeof data.token !== "string") return;
    store.setItem(key, data.token);
    const rendered = log.querySelectorAll(".msg[data-sender]").length;
    if (data.resumed && Array.isArray(data.history) && data.history.length && !rendered) {
      log.setAttribute("aria-busy", "true");
      for (const m of data.history) addMessage(m.sender === "user" ? "user" : "bot", String(m.text || ""));
      const last = data.history[data.history.length - 1];
      showReplies(last.sender === "bot" ? last.quick_replies : []);
      log.removeAttribute("aria-busy");
    } else if (!data.resumed) {
      if (rendered) addMessage("system", t.new_session || "");
      else if (t.welcome) addMessage("bot", t.welcome);
    }
    ready = true;
    const waiting = queue;
    queue = [];
    waiting.forEach(emitMessage);
  });
  socket.on("bot_uttered", (msg) => {
    if (!msg || typeof msg !== "object") return;
    if (typeof msg.text === "string" && msg.text) addMessage("bot", msg.text);
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
    addMessage("system", t.errors[code] || t.errors.server || "");
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
