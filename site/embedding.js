// Embedding: answers site/embed.js, which shows this page in a panel on the owner's site, by
// postMessage, so /api/* never answers another origin (no CORS). Only to the parent, at the origin
// that said hello (frame-ancestors decides who may frame us): hello at once, whatever the profile
// does (its failure is the page's to show), then the public first name; "close" on Escape.

const embedder = { target: null, origin: null, name: "" };

export function answerEmbedder(name = embedder.name) {
  embedder.name = name;
  embedder.target?.postMessage({ type: "twin:ready", name }, embedder.origin);
}

export function setUpEmbedding() {
  if (window.parent === window) return; // not framed: nobody to answer
  addEventListener("message", (event) => {
    if (event.source !== window.parent || event.data?.type !== "twin:hello") return;
    if (event.origin === "null") return; // a sandboxed parent has no origin to answer at
    embedder.target = event.source;
    embedder.origin = event.origin;
    answerEmbedder();
  });
  addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || event.defaultPrevented || event.isComposing) return;
    if (document.querySelector("dialog[open]")) return; // Escape closes the page's own dialog first
    embedder.target?.postMessage({ type: "twin:close" }, embedder.origin);
  });
}
