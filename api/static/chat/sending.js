/*
 * Sending a message and showing the bot's answers: validation, the "typing" status, delivery with a
 * retry when the gateway is unavailable or the network fails, and the answers with what they carry
 * (custom.set_language, custom.crisis, custom.safety_check).
 */
import { errorText, lang, setLanguage, t } from "../page_kit.js";
import { GIVE_UP_AFTER_MS, SLOW_AFTER_MS, config, ensureSender, state, ui } from "./state.js";
import { postMessage } from "./transport.js";
import { addMessage, addNotice, closeOpenChoices, labelled, roleOf, scrollToBottom } from "./messages.js";
import { offerHelpLines, showCrisis } from "./crisis.js";
import { schedulePoll } from "./mentor.js";
import { charCount, resizeInput, showFieldError, updateCounter } from "./composer.js";

/* ---------- bot answers ---------- */

function renderAnswers(messages) {
  messages.forEach(function (message) {
    if (!message || typeof message !== "object") { return; }
    var custom = message.custom && typeof message.custom === "object" ? message.custom : {};
    if (typeof custom.set_language === "string") { setLanguage(custom.set_language, true); }
    if (custom.crisis) { showCrisis(custom.crisis); }
    if (custom.safety_check) { offerHelpLines(custom.safety_check); }
    addMessage(roleOf(message), message);
  });
  scrollToBottom();
  schedulePoll();
}

/* ---------- sending ---------- */

function validate(text) {
  if (!text || !text.trim()) { return t("error_empty"); }
  var count = charCount(text);
  if (count > config.maxChars) { return t("error_too_long", { count: count, max: config.maxChars }); }
  return null;
}

function setBusy(busy) {
  ui.input.readOnly = busy;
  ui.form.setAttribute("aria-busy", busy ? "true" : "false");
  ui.send.setAttribute("aria-disabled", busy ? "true" : "false");
  window.clearTimeout(state.slowTimer);
  if (busy) {
    setStatus("typing", "is-typing");
    state.slowTimer = window.setTimeout(function () { setStatus("slow_hint", "is-typing is-slow"); }, SLOW_AFTER_MS);
  } else {
    setStatus(null, "");
  }
}

function setStatus(key, classes) {
  ui.status.className = "status " + classes;
  if (key) {
    ui.statusText.setAttribute("data-ui", key);
    ui.statusText.textContent = t(key);
  } else {
    ui.statusText.removeAttribute("data-ui");
    ui.statusText.textContent = "";
  }
}

/** Shows the visitor's bubble and delivers the message. Returns false when it was not valid. */
export function send(text, shown) {
  if (state.sending) { return false; }
  var message = String(text).trim();
  var problem = validate(message);
  if (problem) {
    showFieldError(problem);
    return false;
  }
  showFieldError(null);
  ui.intro.hidden = true;
  closeOpenChoices();
  var item = addMessage("user", { text: shown || message });
  scrollToBottom();
  deliver({ text: message, item: item, typed: !shown, generation: state.generation });
  return true;
}

function deliver(pending) {
  state.sending = true;
  setBusy(true);
  markUnsent(pending.item, false);
  var controller = typeof AbortController === "function" ? new AbortController() : null;
  var timer = controller ? window.setTimeout(function () { controller.abort(); }, GIVE_UP_AFTER_MS) : null;
  var payload = {
    sender: ensureSender(),
    message: pending.text,
    metadata: { language: lang(), country: state.country || null }
  };
  postMessage(payload, controller ? controller.signal : undefined)
    .then(function (result) {
      if (pending.generation !== state.generation) { return; }
      if (!result.status) {
        notDelivered(pending); // no answer at all: offline, or given up after GIVE_UP_AFTER_MS
      } else if (result.ok) {
        var answers = Array.isArray(result.data) ? result.data : [];
        if (!answers.length && state.mentorPresent) { schedulePoll(true); }
        renderAnswers(answers);
      } else if (result.status === 422 || result.status === 400 || result.status === 413) {
        refused(pending, result);
      } else {
        unavailable(pending, result);
      }
    })
    .catch(function () {
      if (pending.generation === state.generation) { notDelivered(pending); }
    })
    .then(function () {
      if (timer) { window.clearTimeout(timer); }
      state.sending = false;
      setBusy(false);
    });
}

function notDelivered(pending) {
  markUnsent(pending.item, true);
  addNotice(t("error_network"), "error", function () { deliver(pending); });
  scrollToBottom();
}

/** 503 and other server trouble: the gateway kept the message; offer to try again. */
function unavailable(pending, result) {
  if (!(result.data && result.data.stored)) { markUnsent(pending.item, true); }
  addNotice(errorText(result, "error_unavailable"), "error", function () { deliver(pending); });
  scrollToBottom();
}

/** 422: the message itself was refused; give typed text back so nothing is lost. */
function refused(pending, result) {
  markUnsent(pending.item, true);
  addNotice(errorText(result, "error_invalid"), "error");
  if (pending.typed && !ui.input.value) {
    ui.input.value = pending.text;
    resizeInput();
    updateCounter();
  }
  scrollToBottom();
}

/** A small "not sent yet" line under the visitor's bubble while a message waits for a retry. */
function markUnsent(item, unsent) {
  if (!item) { return; }
  var mark = item.querySelector(".msg-unsent");
  if (unsent && !mark) { item.appendChild(labelled("span", "msg-unsent", "not_sent")); }
  if (!unsent && mark) { item.removeChild(mark); }
}
