// Replies: a small, safe subset of Markdown, built node by node. Every piece of a reply becomes a
// text node or an element made here, so nothing it contains is ever parsed as HTML.

const INLINE = new RegExp([
  "`([^`\\n]+)`", // 1 code
  "\\*\\*(.+?)\\*\\*", // 2 bold
  "\\[([^\\]\\n]+)\\]\\(([^()\\s]+)\\)", // 3, 4 link
  "(https://[^\\s<>\"'`]+)", // 5 bare link
  "\\*([^\\s*](?:[^*\\n]*[^\\s*])?)\\*", // 6 italics
  "\\b_([^_\\n]+)_\\b", // 7 italics
].join("|"), "g");

// The page makes its own elements with it too.
export function make(tag, className, text) {
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

export function renderMarkdown(text, into) {
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
