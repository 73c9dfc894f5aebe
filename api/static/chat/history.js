/*
 * Returning visitors: the anonymous id this browser kept brings the conversation back, quietly
 * (the history is not read aloud), with the help lines and a present mentor as they were.
 */
import { KEY, sender, store } from "../page_kit.js";
import { state, ui } from "./state.js";
import { getHistory } from "./transport.js";
import { addMessage, addNotice, roleOf, scrollToBottom } from "./messages.js";
import { offerHelpLines, showCrisis } from "./crisis.js";
import { notePresence, schedulePoll } from "./mentor.js";

/** Continue a returning visitor's conversation; `then` runs once the history is on the page. */
export function restore(then) {
  var saved = sender();
  if (!saved) {
    store.remove(KEY.sender);
    then();
    return;
  }
  state.sender = saved;
  ui.intro.hidden = true;
  var generation = state.generation;
  getHistory(saved)
    .then(function (result) {
      if (result.status === 404) { return null; }
      // No answer, an error or an answer that is not JSON: the catch below.
      if (!result.ok || result.data === null) { throw new Error("history " + result.status); }
      return result.data;
    })
    .then(function (data) {
      if (generation !== state.generation) { return; }
      var messages = data && Array.isArray(data.messages) ? data.messages : [];
      if (!messages.length) {
        ui.intro.hidden = false;
        return;
      }
      replay(messages);
    })
    .catch(function () {
      // History is a convenience: the visitor can go on; the server still has the conversation.
      if (generation === state.generation && !ui.log.querySelector(".msg")) { ui.intro.hidden = false; }
    })
    .then(function () { if (generation === state.generation) { then(); } });
}

function replay(messages) {
  var lastUser = -1;
  messages.forEach(function (m, i) { if (m && m.role === "user") { lastUser = i; } });
  var crisis = null;
  var check = null;
  // Do not read the whole history aloud: restore quietly, then speak again.
  ui.log.setAttribute("aria-live", "off");
  messages.forEach(function (message, index) {
    if (!message || typeof message !== "object") { return; }
    if (message.id > state.lastId) { state.lastId = message.id; }
    notePresence(message);
    var role = roleOf(message);
    if (role === "system") {
      if (message.text) { addNotice(message.text, "info"); }
      return;
    }
    addMessage(role, message, { choicesUsed: index < lastUser });
    if (message.custom && message.custom.crisis) { crisis = message.custom.crisis; }
    if (message.custom && message.custom.safety_check) { check = message.custom.safety_check; }
  });
  if (crisis) { showCrisis(crisis); } else if (check) { offerHelpLines(check); }
  scrollToBottom();
  schedulePoll();
  window.setTimeout(function () { ui.log.setAttribute("aria-live", "polite"); }, 500);
}
