// Storage: a visitor's browser may refuse it, so every access is guarded. The conversation's id
// is kept here alone; the page reads and changes it through these functions.

const SESSION_KEY = "twin.session";

// Where storage is refused (a frame on another site may be), the conversation goes on in memory.
let sessionInMemory = null;

export function storedSession() {
  try { return localStorage.getItem(SESSION_KEY); } catch { return sessionInMemory; }
}

export function rememberSession(id) {
  sessionInMemory = id;
  try { localStorage.setItem(SESSION_KEY, id); } catch { /* the chat still works without it */ }
}

export function forgetSession() {
  sessionInMemory = null;
  try { localStorage.removeItem(SESSION_KEY); } catch { /* nothing stored */ }
}

export function uuid4() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // randomUUID needs a secure context; getRandomValues does not.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
