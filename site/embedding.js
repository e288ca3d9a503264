// Embedding: answers site/embed.js, which shows this page in a panel on the owner's site and
// learns the twin's name here, by postMessage, so /api/* never answers another origin (no CORS).
// The page speaks only to its parent, at the origin that said hello (frame-ancestors decides who
// may frame it), and says only hello with the public first name ("" until the profile has
// loaded: a failed profile is the page's to show, not a refused frame), and "close" on Escape.

const embedder = { target: null, origin: null, name: "" };

export function answerEmbedder(name = embedder.name) {
  embedder.name = name;
  embedder.target?.postMessage({ type: "twin:ready", name }, embedder.origin);
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
