// Embedding: answers site/embed.js, which shows this page in a panel on the owner's site.
// Kept apart from the page's own code. embed.js labels its button "Ask <name>'s twin" and learns
// the name here, by postMessage, so /api/* never answers another origin (no CORS). The page speaks
// only to its parent window, only at the origin that said hello (frame-ancestors already decides
// which sites may frame it at all), and says nothing but the public first name, and "close" when
// the visitor presses Escape inside the panel.

// Who said hello, and the name to give them; nothing outside this module sees it.
const embedder = { target: null, origin: null, name: null };

export function answerEmbedder(name) {
  embedder.name = name ?? embedder.name;
  if (embedder.target && embedder.name) {
    embedder.target.postMessage({ type: "twin:ready", name: embedder.name }, embedder.origin);
  }
}

export function setUpEmbedding() {
  if (window.parent === window) return; // not framed: nobody to answer
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
