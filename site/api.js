// The network: timeouts, retries with backoff, the API's one error shape. Stateless: each call
// carries what it needs, and a caller stops one with its own AbortSignal.

export const CHAT_TIMEOUT_MS = 35000; // the function may run for 29 s; leave room for the network
const READ_TIMEOUT_MS = 10000;
const MAX_ATTEMPTS = 4;
const MAX_WAIT_SECONDS = 20; // a longer Retry-After is left to the visitor's Retry button
const RETRY_STATUSES = new Set([429, 502, 503, 504]);

export class ApiFailure extends Error {
  constructor(status, message, { code = null, retryable = false, retryAfter = null } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryable = retryable;
    this.retryAfter = retryAfter;
  }
}

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

export async function request(path, { method = "GET", body, timeoutMs = READ_TIMEOUT_MS, signal, onRetry } = {}) {
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
