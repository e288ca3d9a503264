// The chat page. It talks only to the same-origin /api/* routes and builds every element with DOM
// methods, never by parsing HTML.

import { ApiFailure, CHAT_TIMEOUT_MS, request } from "./api.js";
import { setUpContact, setUpDialog } from "./contact.js";
import { answerEmbedder, setUpEmbedding } from "./embedding.js";
import { make, renderMarkdown } from "./markdown.js";
import { forgetSession, rememberSession, storedSession, uuid4 } from "./storage.js";

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

// What changes on the page, in one place that no other module sees (storage.js keeps the
// conversation's id, embedding.js the framing site).
const state = {
  twinName: "the twin",
  ownerName: null, // the person's name, once the profile has loaded
  starterQuestions: [],
  pending: null, // {text, messageId, sessionId} of the turn in flight or the last one that failed
  busy: false,
  generation: 0, // bumped by "New conversation" so a late reply to the old one is dropped
  inFlight: null,
  deleting: false, // the dialog stays open until the server has answered
  retryAction: null,
  following: true, // the log shows its last message
};

function nearBottom() {
  return log.scrollHeight - log.scrollTop - log.clientHeight < 48;
}

function addMessage(role, text, follow = false) {
  const stick = follow || nearBottom(); // never pull a visitor who scrolled up to read
  const bubble = make("div", `message ${role}`);
  bubble.append(make("span", "visually-hidden", role === "user" ? "You: " : `${state.twinName}: `));
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
  state.retryAction = retry;
  retryButton.hidden = !retry;
  problem.hidden = false;
}

function hideProblem() {
  problem.hidden = true;
  state.retryAction = null;
}

// The starters and the delete action follow the conversation: redrawn whenever it changes.
function drawControls() {
  const show = !state.busy && log.childElementCount === 0 && state.starterQuestions.length > 0;
  starterList.replaceChildren(...state.starterQuestions.map((q) => make("button", "", q)));
  starters.hidden = !show;
  deleteOpen.hidden = !storedSession();
  deleteOpen.disabled = state.busy; // a reply in flight would write the conversation again
}

async function send(raw) {
  const text = raw.trim();
  if (!text || state.busy) return;
  // A retry of the same text reuses its ids, so the server never stores the turn twice; a new
  // conversation gets its id here, not from the server, so even a lost first reply is safe to retry.
  const messageId = state.pending?.text === text ? state.pending.messageId : uuid4();
  const sessionId = storedSession() ?? state.pending?.sessionId ?? uuid4();
  state.pending = { text, messageId, sessionId };
  state.busy = true;
  const turn = state.generation;
  hideProblem();
  setStatus(`${state.twinName} is typing`, true);
  const bubble = addMessage("user", text, true);
  drawControls();
  input.value = "";
  input.focus();
  sendButton.disabled = true;
  state.inFlight = new AbortController();
  const body = { message: text, session_id: sessionId, message_id: messageId };
  try {
    const reply = await request("/api/chat", {
      method: "POST", body, timeoutMs: CHAT_TIMEOUT_MS, signal: state.inFlight.signal,
      onRetry: () => setStatus(`Still trying to reach ${state.twinName}`, true),
    });
    if (turn !== state.generation) return;
    rememberSession(reply.session_id);
    state.pending = null;
    addMessage("assistant", reply.response);
    setStatus("");
  } catch (failure) {
    if (turn !== state.generation) return;
    const stick = nearBottom();
    const known = failure instanceof ApiFailure;
    if (failure.code === "conversation_deleted") {
      // Deleted in another tab, say, while under way: start afresh, keeping the message sent
      // and any typed since.
      return newConversation("This conversation was deleted, so a new one started: send your"
        + " message again.", input.value ? `${text}\n${input.value}` : text);
    }
    if (known && failure.code === "invalid_session") {
      forgetSession();
      state.pending = null;
    }
    bubble.remove();
    if (!input.value) input.value = text;
    setStatus("");
    const message = known ? failure.message : "Something went wrong. Please try again.";
    showProblem(message, !known || failure.retryable ? () => send(input.value || text) : null);
    if (stick) log.scrollTop = log.scrollHeight; // the message box took room from the log
  } finally {
    if (turn === state.generation) {
      state.busy = false;
      sendButton.disabled = false;
      drawControls();
      input.focus();
    }
  }
}

function newConversation(message = "Started a new conversation.", draft = "") {
  state.generation += 1;
  state.inFlight?.abort();
  state.busy = false;
  state.pending = null;
  forgetSession();
  log.replaceChildren();
  hideProblem();
  input.value = draft;
  sendButton.disabled = false;
  drawControls();
  setStatus(message);
  input.focus();
}

async function deleteConversation() {
  const id = storedSession();
  const buttons = deleteDialog.querySelectorAll("button");
  deleteProblem.hidden = true;
  state.deleting = true;
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
  state.deleting = false;
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
  state.twinName = profile.name || profile.full_name || state.twinName;
  state.ownerName = state.twinName;
  const fullName = profile.full_name || state.twinName;
  document.title = `${fullName} · AI twin`;
  byId("name").textContent = fullName;
  byId("title").textContent = [profile.title, profile.location].filter(Boolean).join(" · ");
  byId("notice-text").textContent = `An AI twin of ${fullName}, not the person: answers come `
    + `from facts they wrote and can be wrong. ${retention(profile.retention_days)}`;
  input.placeholder = `Ask ${state.twinName} a question`;
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
  state.starterQuestions = (profile.starters || [])
    .filter((q) => typeof q === "string").slice(0, MAX_STARTERS);
  drawControls();
  answerEmbedder(state.twinName);
}

async function fetchHistory() {
  const id = storedSession();
  if (!id) return [];
  try {
    return (await request(`/api/conversation/${encodeURIComponent(id)}`)).messages;
  } catch (failure) {
    if (failure.status === 404 || failure.status === 400) forgetSession();
    else showProblem("Your earlier conversation could not be loaded. You can keep chatting.");
    return [];
  }
}

function drawHistory(messages, generation, session) {
  if (generation !== state.generation || session !== storedSession() || log.firstChild) return;
  for (const m of messages) addMessage(m.role === "user" ? "user" : "assistant", m.content, true);
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

// What the API refuses goes as it is typed or pasted: invisible controls and bidi overrides, and
// in a one-line box the line and paragraph separators (the API makes them line breaks).
function allowed(box, text) {
  text = text.replace(/[\0-\x08\v-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g, "");
  return box.type === "textarea" ? text : text.replace(/[\u2028\u2029]/g, "");
}
addEventListener("input", ({ target: box }) => {
  const clean = allowed(box, box.value);
  if (clean === box.value) return;
  const caret = allowed(box, box.value.slice(0, box.selectionStart ?? 0)).length;
  box.value = clean;
  if (box.selectionStart !== null) box.setSelectionRange(caret, caret); // none in an email box
});

starterList.addEventListener("click", (event) => {
  const button = event.target.closest("button");
  if (button) send(button.textContent);
});
retryButton.addEventListener("click", () => state.retryAction?.());
byId("new-conversation").addEventListener("click", () => newConversation());
deleteOpen.addEventListener("click", () => {
  deleteProblem.hidden = true;
  deleteDialog.showModal();
  // Focus starts on Cancel. Set here, not with `autofocus`, which a cross-origin frame refuses.
  deleteDialog.querySelector("[data-close]").focus();
});
byId("delete-confirm").addEventListener("click", deleteConversation);
deleteDialog.addEventListener("cancel", (event) => { if (state.deleting) event.preventDefault(); });
setUpDialog(deleteDialog, deleteOpen);
setUpContact({ request, sessionId: storedSession, ownerName: () => state.ownerName });

// The conversation is drawn after the profile (its messages carry the twin's name; the header's
// final height decides where the log ends), unless a new one was started or a message sent.
const { generation } = state;
const session = storedSession();
const history = fetchHistory();
loadProfile().then(() => history).then((messages) => drawHistory(messages, generation, session))
  .finally(drawControls);
// When the log shrinks (header grown, keyboard open), a reader at the end stays there.
new ResizeObserver(() => {
  if (state.following) log.scrollTop = log.scrollHeight;
}).observe(log);
log.addEventListener("scroll", () => { state.following = nearBottom(); }, { passive: true });
setUpEmbedding();
