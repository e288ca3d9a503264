// The twin on the owner's own site. Pasted as
//   <script src="https://<the twin>/embed.js" defer></script>
// it adds an "Ask <name>'s twin" button that opens the twin's own page in a panel (an iframe), so
// the chat keeps its same-origin API, its CSP and its stored conversation. The host page is not
// ours: everything lives in one shadow root styled by a constructed stylesheet (which the host's
// CSP does not block, unlike inline styles), and the only global is window.TwinEmbed.
//
// The button's name comes from the framed page by postMessage, not from /api/profile, so the API
// never answers another origin (no CORS). The page is loaded, hidden, once the host page has
// loaded; the button appears when the twin's page has answered hello, so it never opens onto a
// frame the twin's frame-ancestors refused. The page answers as soon as it runs, whatever its
// profile does (a failed one is the page's to show, with its Retry), and sends the name when it
// has it; until then the button says "Ask my twin". With data-name="Ada" on the script tag the
// button shows at once and the page loads only when a visitor opens the panel; if the framed page
// has not answered within a few seconds, the browser refused it (this site is not in
// twin:embedOrigins), and the panel says so in one sentence, never an empty frame.
(() => {
  "use strict";
  if (window.TwinEmbed) return; // pasted twice: one button is enough

  const script = document.currentScript
    || document.querySelector('script[src$="/embed.js"], script[src*="/embed.js?"]');
  if (!script?.src) return;
  const twinOrigin = new URL(script.src).origin;
  const pageUrl = new URL("./", script.src).href;
  const givenName = (script.dataset.name || "").trim();
  // The page answers once its own files have loaded, before it calls the API: a cold Lambda
  // does not delay it.
  const ANSWER_TIMEOUT_MS = 5000;
  const MAX_NAME = 40;

  const STYLE = `
    :host { all: initial; }
    * { box-sizing: border-box; }
    button { font: 600 15px/1.2 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
      cursor: pointer; border: 0; margin: 0; }
    button:focus-visible { outline: 3px solid #f5b400; outline-offset: 2px; }
    .launcher { position: fixed; right: 20px; bottom: 20px; z-index: 2147483646;
      max-width: calc(100vw - 40px); padding: 12px 20px; border-radius: 999px;
      color: #fff; background: #1d4f7a; box-shadow: 0 4px 16px rgb(0 0 0 / 0.25);
      white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    .launcher:hover { background: #153b5c; }
    .launcher[hidden] { display: none; }
    .panel { position: fixed; right: 20px; bottom: 84px; z-index: 2147483647;
      width: 400px; height: 640px; max-width: calc(100vw - 40px); max-height: calc(100vh - 104px);
      display: flex; flex-direction: column; overflow: hidden; border-radius: 14px;
      background: #fff; box-shadow: 0 12px 40px rgb(0 0 0 / 0.3); }
    .panel.closed { visibility: hidden; }
    .bar { display: flex; align-items: center; gap: 8px; padding: 6px 6px 6px 16px;
      color: #fff; background: #1d4f7a; font: 600 14px/1.2 system-ui, -apple-system, sans-serif; }
    .title { flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .close { width: 36px; height: 36px; border-radius: 8px; color: inherit; background: none;
      font-size: 24px; line-height: 1; }
    .close:hover { background: rgb(255 255 255 / 0.15); }
    iframe { flex: 1; width: 100%; border: 0; background: #fff; }
    .refused { margin: 0; padding: 20px 16px; color: #222;
      font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
    .refused a { color: #1d4f7a; }
    iframe[hidden], .refused[hidden] { display: none; }
    iframe.waiting { visibility: hidden; }
    @media (max-width: 480px) {
      .panel { inset: 0; width: 100%; height: 100%; max-width: none; max-height: none;
        border-radius: 0; }
      .launcher.open { visibility: hidden; }
    }`;

  const make = (tag, props = {}) => Object.assign(document.createElement(tag), props);
  // An undefined custom element: no host rule aimed at div or aside can reach it.
  const host = make("twin-embed");
  const root = host.attachShadow({ mode: "open" });
  if ("adoptedStyleSheets" in root) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLE);
    root.adoptedStyleSheets = [sheet];
  } else {
    root.append(make("style", { textContent: STYLE }));
  }

  const launcher = make("button", { type: "button", className: "launcher", hidden: true });
  const panel = make("div", { className: "panel closed", id: "twin-panel", inert: true });
  panel.setAttribute("role", "dialog");
  const title = make("span", { className: "title" });
  const closeButton = make("button", { type: "button", className: "close", textContent: "×" });
  closeButton.setAttribute("aria-label", "Close the chat");
  const bar = make("div", { className: "bar" });
  bar.append(title, closeButton);
  // Stands in for the frame until the twin has answered from it, and says why if it never does.
  const refusal = make("p", { className: "refused", hidden: true, tabIndex: -1 });
  panel.append(bar, refusal);
  launcher.setAttribute("aria-controls", panel.id);
  launcher.setAttribute("aria-expanded", "false");
  root.append(launcher, panel);

  let frame = null;
  let answered = false;

  function label(name) {
    const who = name ? `${name}'s` : "my";
    launcher.textContent = `Ask ${who} twin`;
    title.textContent = name ? `${name}'s AI twin` : "AI twin";
    panel.setAttribute("aria-label", `Chat with ${who} AI twin`);
    if (frame) frame.title = panel.getAttribute("aria-label");
  }

  function loadFrame() {
    if (frame) return;
    frame = make("iframe", { src: pageUrl, title: panel.getAttribute("aria-label") });
    // Invisible until the twin says hello: a refused frame is only ever an empty box.
    frame.classList.toggle("waiting", !answered);
    refusal.textContent = "Loading the twin…";
    refusal.hidden = answered;
    // Said on every load (the visitor may reload inside the panel); only the twin's page hears it.
    frame.addEventListener("load", () => {
      frame.contentWindow?.postMessage({ type: "twin:hello" }, twinOrigin);
    });
    panel.append(frame);
    setTimeout(() => { if (!answered) refuse(); }, ANSWER_TIMEOUT_MS);
  }

  // The browser shows a refused frame as an empty box and tells only the console why; the
  // visitor gets a sentence for whoever runs this site, and the twin's own page to go to.
  function refuse() {
    console.warn(`Twin: ${pageUrl} did not answer from its frame. Is this site's origin `
      + `(${location.origin}) in the twin's embed origins (twin:embedOrigins)?`);
    const link = make("a", { href: pageUrl, target: "_blank", rel: "noopener",
      textContent: "Open the twin in a new tab" });
    refusal.replaceChildren(`The twin cannot be shown on this site: ${location.origin} is not `
      + "in its twin:embedOrigins setting. ", link, ".");
    frame.hidden = true;
    refusal.hidden = false;
  }

  function shown() {
    return frame && !frame.classList.contains("waiting") && !frame.hidden ? frame : refusal;
  }

  function open() {
    if (!host.isConnected) return; // called before the host page finished loading
    loadFrame();
    panel.classList.remove("closed");
    panel.inert = false;
    launcher.classList.add("open");
    launcher.setAttribute("aria-expanded", "true");
    shown().focus();
  }

  function close() {
    if (panel.inert) return;
    panel.classList.add("closed");
    panel.inert = true;
    launcher.classList.remove("open");
    launcher.setAttribute("aria-expanded", "false");
    if (!launcher.hidden) launcher.focus();
  }

  window.addEventListener("message", (event) => {
    // Only the twin's page in our own frame may speak to the widget.
    if (!frame || event.source !== frame.contentWindow || event.origin !== twinOrigin) return;
    const data = event.data;
    if (data?.type === "twin:ready" && typeof data.name === "string") {
      const focused = root.activeElement === refusal;
      answered = true;
      frame.classList.remove("waiting");
      frame.hidden = false; // a twin slower than the timeout still gets its panel back
      refusal.hidden = true;
      if (focused) frame.focus();
      const name = data.name.trim().slice(0, MAX_NAME);
      if (!givenName && name) label(name); // "" until the twin's profile has loaded
      launcher.hidden = false;
    } else if (data?.type === "twin:close") {
      close();
    }
  });

  launcher.addEventListener("click", () => (panel.inert ? open() : close()));
  closeButton.addEventListener("click", close);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !panel.inert) close();
  });

  function start() {
    document.body.append(host);
    if (givenName) {
      label(givenName.slice(0, MAX_NAME));
      launcher.hidden = false;
      return;
    }
    label("");
    loadFrame();
  }

  window.TwinEmbed = Object.freeze({ open, close });
  if (document.readyState === "complete") start();
  else window.addEventListener("load", start, { once: true });
})();
