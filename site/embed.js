// The twin on the owner's own site. Pasted as
//   <script src="https://<the twin>/embed.js" defer></script>
// it adds an "Ask <name>'s twin" button that opens the twin's own page in a panel (an iframe), so
// the chat keeps its same-origin API, its CSP and its stored conversation. The host page is not
// ours: everything lives in one shadow root styled by a constructed stylesheet (which the host's
// CSP does not block, unlike inline styles), and the only global is window.TwinEmbed.
//
// The button's name comes from the framed page by postMessage, not from /api/profile, so the API
// never answers another origin (no CORS). The page is loaded, hidden, once the host page has
// loaded; the button appears when the twin has said who it is, so it never opens onto a frame the
// twin's frame-ancestors refused. With data-name="Ada" on the script tag the button shows at once
// and the page loads only when a visitor opens the panel.
(() => {
  "use strict";
  if (window.TwinEmbed) return; // pasted twice: one button is enough

  const script = document.currentScript
    || document.querySelector('script[src$="/embed.js"], script[src*="/embed.js?"]');
  if (!script?.src) return;
  const twinOrigin = new URL(script.src).origin;
  const pageUrl = new URL("./", script.src).href;
  const givenName = (script.dataset.name || "").trim();
  const ANSWER_TIMEOUT_MS = 15000;
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
  panel.append(bar);
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
    // Said on every load (the visitor may reload inside the panel); only the twin's page hears it.
    frame.addEventListener("load", () => {
      frame.contentWindow?.postMessage({ type: "twin:hello" }, twinOrigin);
    });
    panel.append(frame);
  }

  function open() {
    if (!host.isConnected) return; // called before the host page finished loading
    loadFrame();
    panel.classList.remove("closed");
    panel.inert = false;
    launcher.classList.add("open");
    launcher.setAttribute("aria-expanded", "true");
    frame.focus();
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
      answered = true;
      if (!givenName) label(data.name.trim().slice(0, MAX_NAME));
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
    setTimeout(() => {
      if (!answered) {
        console.warn(`Twin: ${pageUrl} did not answer from its frame. Is this site's origin `
          + `(${location.origin}) in the twin's embed origins (twin:embedOrigins)?`);
      }
    }, ANSWER_TIMEOUT_MS);
  }

  window.TwinEmbed = Object.freeze({ open, close });
  if (document.readyState === "complete") start();
  else window.addEventListener("load", start, { once: true });
})();
