// The chat page. It talks only to the same-origin /api/* routes and builds every element with DOM
// methods, so nothing a reply contains is ever parsed as HTML.

import { setUpContact, setUpDialog } from "./contact.js";

const SESSION_KEY = "twin.session";
const CHAT_TIMEOUT_MS = 35000; // the function may run for 29 s; leave room for the network
const READ_TIMEOUT_MS = 10000;
const MAX_ATTEMPTS = 4;
const MAX_WAIT_SECONDS = 20; // a longer Retry-After is left to the visitor's Retry button
const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const MAX_STARTERS = 4;

const byId = (id) => document.getElementById(id);
const log = byId("log");
const form = byId("composer");
const input = byId("message");
const sendButton = byId("send");
const starters = byId("starters");
const starterList = byId("starter-list");
const problem = byId("problem");
const problemText = byId("problem-text");
const retryButton = byId("retry");
const status = byId("status");
const deleteOpen = byId("delete-open");
const deleteDialog = byId("delete");
const deleteProblem = byId("delete-problem");

let twinName = "the twin";
let ownerName = null; // the person's name, once the profile has loaded
let starterQuestions = [];
let pending = null; // {text, messageId} of the turn in flight or the last one that failed
let busy = false;
let generation = 0; // bumped by "New conversation" so a late reply to the old one is dropped
let inFlight = null;
let deleting = false;
let retryAction = null;

class ApiFailure extends Error {
  constructor(status, message, { code = null, retryable = false, retryAfter = null } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryable = retryable;
    this.retryAfter = retryAfter;
  }
}

// ---- storage: a visitor's browser may refuse it, so every access is guarded ----

// Where storage is refused (a frame on another site may be), the conversation goes on in memory.
let sessionInMemory = null;

function storedSession() {
  try { return localStorage.getItem(SESSION_KEY); } catch { return sessionInMemory; }
}

function rememberSession(id) {
  sessionInMemory = id;
  try { localStorage.setItem(SESSION_KEY, id); } catch { /* the chat still works without it */ }
}

function forgetSession() {
  sessionInMemory = null;
  try { localStorage.removeItem(SESSION_KEY); } catch { /* nothing stored */ }
}

function uuid4() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // randomUUID needs a secure context; getRandomValues does not.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// ---- the network: timeouts, retries with backoff, the API's one error shape ----

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => { clearTimeout(timer); reject(signal.reason); });
  });
}

function parseRetryAfter(value) {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value);
  const when = Date.parse(value);
  return Number.isNaN(when) ? null : Math.max(0, Math.ceil((when - Date.now()) / 1000));
}

async function failureFrom(response) {
  let error = null;
  try { error = (await response.json())?.error ?? null; } catch { /* not JSON */ }
  let message = typeof error?.message === "string" ? error.message : null;
  const retryable = RETRY_STATUSES.has(response.status);
  message ||= retryable
    ? "The twin is busy or unreachable right now. Please try again in a moment."
    : "Something went wrong. Please try again.";
  const retryAfter = parseRetryAfter(response.headers.get("Retry-After"));
  return new ApiFailure(response.status, message, { code: error?.code, retryable, retryAfter });
}

async function attempt(path, method, body, timeoutMs, signal) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const stop = () => controller.abort();
  signal?.addEventListener("abort", stop);
  try {
    const response = await fetch(path, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
      cache: "no-store",
    });
    if (response.ok) return { data: response.status === 204 ? null : await response.json() };
    return { failure: await failureFrom(response) };
  } catch (error) {
    if (signal?.aborted) throw error;
    const timedOut = controller.signal.aborted;
    const message = timedOut
      ? "The twin took too long to answer. Please try again."
      : "The twin could not be reached. Check your connection and try again.";
    return { failure: new ApiFailure(0, message, { retryable: true }) };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", stop);
  }
}

async function request(path, { method = "GET", body, timeoutMs = READ_TIMEOUT_MS, signal, onRetry } = {}) {
  for (let tries = 1; ; tries += 1) {
    const { data, failure } = await attempt(path, method, body, timeoutMs, signal);
    if (!failure) return data;
    const wait = failure.retryAfter;
    if (!failure.retryable || tries >= MAX_ATTEMPTS || wait > MAX_WAIT_SECONDS) throw failure;
    // Exponential backoff with jitter, unless the server said when to come back.
    const backoff = 1000 * 2 ** (tries - 1);
    onRetry?.();
    await sleep(wait ?? backoff / 2 + Math.random() * backoff / 2, signal);
  }
}

// ---- replies: a small, safe subset of Markdown, built node by node ----

const INLINE = new RegExp([
  "`([^`\\n]+)`", // 1 code
  "\\*\\*(.+?)\\*\\*", // 2 bold
  "\\[([^\\]\\n]+)\\]\\(([^()\\s]+)\\)", // 3, 4 link
  "(https://[^\\s<>\"'`]+)", // 5 bare link
  "\\*([^\\s*](?:[^*\\n]*[^\\s*])?)\\*", // 6 italics
  "\\b_([^_\\n]+)_\\b", // 7 italics
].join("|"), "g");

function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function safeLink(href) {
  try {
    const url = new URL(href);
    return url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

function link(href, label) {
  const a = make("a", "", label);
  a.href = href;
  a.target = "_blank";
  a.rel = "noopener noreferrer";
  a.append(make("span", "visually-hidden", " (opens in a new tab)"));
  return a;
}

function inline(text, into) {
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    into.append(text.slice(last, m.index));
    let whole = m[0];
    if (m[1] !== undefined) into.append(make("code", "", m[1]));
    else if (m[2] !== undefined) inline(m[2], into.appendChild(make("strong")));
    else if (m[3] !== undefined) {
      const href = safeLink(m[4]);
      into.append(href ? link(href, m[3]) : whole);
    } else if (m[5] !== undefined) {
      // Trailing punctuation belongs to the sentence, not the address.
      const url = m[5].replace(/[.,;:!?)\]]+$/, "");
      whole = url;
      const href = safeLink(url);
      into.append(href ? link(href, url) : url);
    } else inline(m[6] ?? m[7], into.appendChild(make("em")));
    last = m.index + whole.length;
  }
  into.append(text.slice(last));
}

function renderMarkdown(text, into) {
  let paragraph = null;
  let list = null;
  for (const raw of text.replace(/\r\n?/g, "\n").split("\n")) {
    const line = raw.trim();
    if (!line) { paragraph = list = null; continue; }
    const item = /^(?:[-*+]|(\d{1,4})[.)])\s+(.*)$/.exec(line);
    if (item) {
      const kind = item[1] ? "ol" : "ul";
      if (list?.localName !== kind) {
        list = into.appendChild(make(kind));
        if (item[1] && item[1] !== "1") list.start = Number(item[1]);
      }
      inline(item[2], list.appendChild(make("li")));
      paragraph = null;
      continue;
    }
    list = null;
    if (paragraph) paragraph.append(make("br"));
    else paragraph = into.appendChild(make("p"));
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) inline(heading[1], paragraph.appendChild(make("strong")));
    else inline(line, paragraph);
  }
}

// ---- the page ----

function nearBottom() {
  return log.scrollHeight - log.scrollTop - log.clientHeight < 48;
}

function addMessage(role, text, follow = false) {
  const stick = follow || nearBottom(); // never pull a visitor who scrolled up to read
  const bubble = make("div", `message ${role}`);
  bubble.append(make("span", "visually-hidden", role === "user" ? "You: " : `${twinName}: `));
  if (role === "user") bubble.append(text);
  else renderMarkdown(text, bubble);
  log.append(bubble);
  if (stick) log.scrollTop = log.scrollHeight;
  return bubble;
}

function setStatus(text, working = false) {
  status.textContent = text;
  status.classList.toggle("busy", working);
}

function showProblem(message, retry = null) {
  problemText.textContent = message;
  retryAction = retry;
  retryButton.hidden = !retry;
  problem.hidden = false;
}

function hideProblem() {
  problem.hidden = true;
  retryAction = null;
}

// The starters and the delete action follow the conversation: redrawn whenever it changes.
function drawControls() {
  const show = !busy && log.childElementCount === 0 && starterQuestions.length > 0;
  starterList.replaceChildren(...starterQuestions.map((q) => make("button", "", q)));
  for (const button of starterList.children) button.type = "button";
  starters.hidden = !show;
  deleteOpen.hidden = !storedSession();
  deleteOpen.disabled = busy; // a reply in flight would write the conversation again
}

async function send(raw) {
  const text = raw.trim();
  if (!text || busy) return;
  // A retry of the same text reuses its ids, so the server never stores the turn twice; a new
  // conversation gets its id here, not from the server, so even a lost first reply is safe to retry.
  const messageId = pending?.text === text ? pending.messageId : uuid4();
  const sessionId = storedSession() ?? pending?.sessionId ?? uuid4();
  pending = { text, messageId, sessionId };
  busy = true;
  const turn = generation;
  hideProblem();
  setStatus(`${twinName} is typing`, true);
  const bubble = addMessage("user", text, true);
  drawControls();
  input.value = "";
  input.focus();
  sendButton.disabled = true;
  inFlight = new AbortController();
  const body = { message: text, session_id: sessionId, message_id: messageId };
  try {
    const reply = await request("/api/chat", {
      method: "POST", body, timeoutMs: CHAT_TIMEOUT_MS, signal: inFlight.signal,
      onRetry: () => setStatus(`Still trying to reach ${twinName}`, true),
    });
    if (turn !== generation) return;
    rememberSession(reply.session_id);
    pending = null;
    addMessage("assistant", reply.response);
    setStatus("");
  } catch (failure) {
    if (turn !== generation) return;
    const stick = nearBottom();
    const known = failure instanceof ApiFailure;
    if (known && failure.code === "invalid_session") {
      forgetSession();
      pending = null;
    }
    bubble.remove();
    if (!input.value) input.value = text;
    setStatus("");
    const message = known ? failure.message : "Something went wrong. Please try again.";
    showProblem(message, !known || failure.retryable ? () => send(input.value || text) : null);
    if (stick) log.scrollTop = log.scrollHeight; // the message box took room from the log
  } finally {
    if (turn === generation) {
      busy = false;
      sendButton.disabled = false;
      drawControls();
      input.focus();
    }
  }
}

function newConversation(message = "Started a new conversation.") {
  generation += 1;
  inFlight?.abort();
  busy = false;
  pending = null;
  forgetSession();
  log.replaceChildren();
  hideProblem();
  input.value = "";
  sendButton.disabled = false;
  drawControls();
  setStatus(message);
  input.focus();
}

async function deleteConversation() {
  const id = storedSession();
  const buttons = deleteDialog.querySelectorAll("button");
  deleteProblem.hidden = true;
  deleting = true; // the dialog stays open until the server has answered
  for (const button of buttons) button.disabled = true;
  let message = null;
  try {
    if (id) await request(`/api/conversation/${encodeURIComponent(id)}`, { method: "DELETE" });
  } catch (failure) {
    // 404: already gone (expired, or deleted in another tab); 400: an id the server never issued.
    if (failure.status !== 404 && failure.status !== 400) {
      message = failure instanceof ApiFailure
        ? failure.message : "The conversation could not be deleted. Please try again.";
    }
  }
  deleting = false;
  for (const button of buttons) button.disabled = false;
  if (message) {
    deleteProblem.textContent = message;
    deleteProblem.hidden = false;
    byId("delete-confirm").focus(); // it lost focus while disabled; Enter tries again
    return;
  }
  deleteDialog.close();
  newConversation("Conversation deleted. You can start a new one.");
}

function retention(days) {
  const kept = Number.isInteger(days) && days > 0
    ? `kept for ${days} ${days === 1 ? "day" : "days"}` : "stored";
  return `Conversations are ${kept}, and you can delete yours.`;
}

function showProfile(profile) {
  twinName = profile.name || profile.full_name || twinName;
  ownerName = twinName;
  const fullName = profile.full_name || twinName;
  document.title = `${fullName} · AI twin`;
  byId("name").textContent = fullName;
  byId("title").textContent = [profile.title, profile.location].filter(Boolean).join(" · ");
  byId("notice-text").textContent = `An AI twin of ${fullName}, not the person: answers come `
    + `from facts they wrote and can be wrong. ${retention(profile.retention_days)}`;
  input.placeholder = `Ask ${twinName} a question`;
  byId("avatar-initial").textContent = Array.from(fullName)[0]?.toUpperCase() ?? "";
  const url = profile.avatar_url;
  if (typeof url === "string" && url.startsWith("/") && !url.startsWith("//")) {
    const img = make("img");
    img.alt = "";
    img.addEventListener("load", () => byId("avatar-initial").remove(), { once: true });
    img.addEventListener("error", () => img.remove(), { once: true });
    img.src = url;
    byId("avatar").prepend(img);
  }
  starterQuestions = (profile.starters || []).filter((q) => typeof q === "string").slice(0, MAX_STARTERS);
  drawControls();
  answerEmbedder(twinName);
}

async function loadHistory() {
  const id = storedSession();
  if (!id) return;
  try {
    const conversation = await request(`/api/conversation/${encodeURIComponent(id)}`);
    for (const m of conversation.messages) addMessage(m.role === "user" ? "user" : "assistant", m.content);
    log.scrollTop = log.scrollHeight;
  } catch (failure) {
    if (failure.status === 404 || failure.status === 400) forgetSession();
    else showProblem("Your earlier conversation could not be loaded. You can keep chatting.");
  }
}

async function loadProfile() {
  hideProblem();
  try {
    showProfile(await request("/api/profile"));
  } catch (failure) {
    const known = failure instanceof ApiFailure;
    showProblem(known ? failure.message : "The page could not load. Please reload it.", loadProfile);
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  send(input.value);
});

input.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" || event.shiftKey) return;
  // Enter while an input method is composing (CJK typing) confirms the word; it must not send.
  if (event.isComposing || event.keyCode === 229) return;
  event.preventDefault();
  send(input.value);
});

if (!CSS.supports("field-sizing", "content")) {
  // Older browsers: grow the field with its text (CSSOM writes are allowed by the CSP).
  input.addEventListener("input", () => {
    input.style.height = "auto";
    input.style.height = `${input.scrollHeight + 2}px`;
  });
}

starterList.addEventListener("click", (event) => {
  const button = event.target.closest("button");
  if (button) send(button.textContent);
});
retryButton.addEventListener("click", () => retryAction?.());
byId("new-conversation").addEventListener("click", () => newConversation());
deleteOpen.addEventListener("click", () => {
  deleteProblem.hidden = true;
  deleteDialog.showModal();
  // Focus starts on Cancel. Set here, not with `autofocus`, which a cross-origin frame refuses.
  deleteDialog.querySelector("[data-close]").focus();
});
byId("delete-confirm").addEventListener("click", deleteConversation);
deleteDialog.addEventListener("cancel", (event) => { if (deleting) event.preventDefault(); });
setUpDialog(deleteDialog, deleteOpen);
setUpContact({ request, sessionId: storedSession, ownerName: () => ownerName });

Promise.allSettled([loadProfile(), loadHistory()]).then(drawControls);

// ---- embedding: answers site/embed.js, which shows this page in a panel on the owner's site ----
// Kept apart from the page's own code. embed.js labels its button "Ask <name>'s twin" and learns
// the name here, by postMessage, so /api/* never answers another origin (no CORS). The page speaks
// only to its parent window, only at the origin that said hello (frame-ancestors already decides
// which sites may frame it at all), and says nothing but the public first name, and "close" when
// the visitor presses Escape inside the panel.

const embedder = { target: null, origin: null, name: null };

function answerEmbedder(name) {
  embedder.name = name ?? embedder.name;
  if (embedder.target && embedder.name) {
    embedder.target.postMessage({ type: "twin:ready", name: embedder.name }, embedder.origin);
  }
}

if (window.parent !== window) {
  window.addEventListener("message", (event) => {
    if (event.source !== window.parent || event.data?.type !== "twin:hello") return;
    if (event.origin === "null") return; // a sandboxed parent has no origin to answer at
    embedder.target = event.source;
    embedder.origin = event.origin;
    answerEmbedder();
  });
  window.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || event.defaultPrevented || event.isComposing) return;
    if (document.querySelector("dialog[open]")) return; // Escape closes the page's own dialog first
    if (embedder.target) embedder.target.postMessage({ type: "twin:close" }, embedder.origin);
  });
}
