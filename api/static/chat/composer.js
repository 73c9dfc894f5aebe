/*
 * The message box: it grows with its text, counts characters near the limit, shows what is wrong
 * with a message, and sends with Enter (Shift+Enter for a new line) or the send button.
 */
import { t } from "../page_kit.js";
import { COUNTER_FROM, config, state, ui } from "./state.js";
import { send } from "./sending.js";

export function charCount(text) {
  return Array.from(text).length; // code points, as the server counts them
}

export function showFieldError(text) {
  ui.error.textContent = text || "";
  if (text) { ui.input.setAttribute("aria-invalid", "true"); } else { ui.input.removeAttribute("aria-invalid"); }
}

export function resizeInput() {
  ui.input.style.height = "auto";
  ui.input.style.height = Math.min(ui.input.scrollHeight + 2, Math.round(window.innerHeight * 0.3)) + "px";
}

export function updateCounter() {
  var count = charCount(ui.input.value);
  var show = count >= config.maxChars * COUNTER_FROM;
  ui.counter.textContent = show ? t("counter", { count: count, max: config.maxChars }) : "";
  ui.counter.classList.toggle("is-over", count > config.maxChars);
  if (count <= config.maxChars && ui.input.getAttribute("aria-invalid")) { showFieldError(null); }
}

function submitTyped() {
  if (state.sending) { return; }
  if (send(ui.input.value, null)) {
    ui.input.value = "";
    resizeInput();
    updateCounter();
  }
}

export function bindComposer() {
  ui.input.addEventListener("input", function () {
    resizeInput();
    updateCounter();
  });

  ui.input.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) { return; }
    event.preventDefault();
    submitTyped();
  });

  ui.form.addEventListener("submit", function (event) {
    event.preventDefault();
    submitTyped();
  });
}
