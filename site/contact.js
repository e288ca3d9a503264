// The "Get in touch" panel: a modal dialog whose form posts to /api/contact, to leave an email
// for the person without asking the twin. Messages are set as text, never parsed as HTML.

const FIELDS = { email: "Email", name: "Name", message: "Message" };
const byId = (id) => document.getElementById(id);

// Modal dialogs: the browser keeps focus inside and closes on Escape; focus goes back where it was.
export function setUpDialog(dialog, opener) {
  for (const button of dialog.querySelectorAll("[data-close]")) {
    button.addEventListener("click", () => dialog.close());
  }
  dialog.addEventListener("close", () => {
    // Unless an action already moved focus on (to the message box, say), it returns to the opener.
    const focused = document.activeElement;
    const lost = focused === document.body || dialog.contains(focused);
    if (lost && !opener.hidden) opener.focus();
  });
}

// request: the page's fetch with retries; sessionId(): the stored conversation id or null;
// ownerName(): the person's name once the profile has loaded, else null.
export function setUpContact({ request, sessionId, ownerName }) {
  const dialog = byId("contact");
  const form = byId("contact-form");
  const problem = byId("contact-problem");
  const status = byId("contact-status");
  const done = byId("contact-done");
  const opener = byId("contact-open");
  let sending = false;

  const field = (name) => form.elements[name];

  function setError(name, message) {
    byId(`contact-${name}-error`).textContent = message;
    if (message) field(name).setAttribute("aria-invalid", "true");
    else field(name).removeAttribute("aria-invalid");
  }

  function showProblem(message) {
    problem.textContent = message;
    problem.hidden = !message;
  }

  function reset() {
    form.reset();
    for (const name of Object.keys(FIELDS)) setError(name, "");
    showProblem("");
    status.textContent = "";
    form.hidden = false;
    done.hidden = true;
  }

  // The browser's check of the email field plus the dot the server wants in the domain, in words
  // tied to the field; the server has the last word.
  function emailProblem() {
    const email = field("email");
    if (email.validity.valueMissing) return "Enter your email address, so you can get a reply.";
    if (email.validity.typeMismatch || !/@[^@]+\.[^@.]+$/.test(email.value)) {
      return "Enter an email address like name@example.com.";
    }
    return "";
  }

  function fieldOf(failure) {
    // The API names the field it refused first: "'email' is not a valid email address."
    const name = /^'(\w+)'/.exec(failure.message ?? "")?.[1];
    return failure.status === 400 && Object.hasOwn(FIELDS, name) ? name : null;
  }

  async function submit() {
    showProblem("");
    const invalid = emailProblem();
    setError("email", invalid);
    setError("name", "");
    setError("message", "");
    if (invalid) {
      field("email").focus();
      return;
    }
    sending = true; // a second press while sending does nothing; focus stays where it was
    status.textContent = "Sending…";
    const email = field("email").value.trim();
    const body = {
      email,
      name: field("name").value.trim() || undefined,
      message: field("message").value.trim() || undefined,
      session_id: sessionId() ?? undefined,
      website: field("website").value || undefined,
    };
    try {
      // A retry stores one entry: the server keys it by what it holds.
      await request("/api/contact", { method: "POST", body });
      form.hidden = true;
      done.hidden = false;
      const who = ownerName() ?? "The person behind this twin";
      status.textContent = `Thank you, your message was sent. ${who} can reply to ${email}.`;
      if (dialog.open) done.querySelector("button").focus();
    } catch (failure) {
      status.textContent = "";
      const name = fieldOf(failure);
      if (name) {
        setError(name, failure.message.replace(/^'\w+'/, FIELDS[name]));
        field(name).focus();
      } else {
        showProblem(failure.message || "The message could not be sent. Please try again.");
      }
    } finally {
      sending = false;
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!sending) submit();
  });
  field("email").addEventListener("input", () => {
    // Clear the message once the address is fixed, but do not nag while it is being typed.
    if (field("email").hasAttribute("aria-invalid") && !emailProblem()) setError("email", "");
  });
  opener.addEventListener("click", () => {
    const who = ownerName() ?? "the person behind this twin";
    byId("contact-intro").textContent = `Leave your email, and ${who} can get back to you.`;
    dialog.showModal();
    if (!form.hidden) field("email").focus();
  });
  setUpDialog(dialog, opener);
  // A sent form is cleared once its confirmation was seen; an unsent one keeps what was typed.
  dialog.addEventListener("close", () => { if (!done.hidden) reset(); });
}
