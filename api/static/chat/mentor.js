/*
 * A human mentor can join the conversation from the mentor dashboard. Their messages (role
 * "mentor") and the "a mentor joined / left" notices (role "system", `custom.mentor_present`) are
 * fetched by polling the history endpoint: every 5 s while a mentor is present, every 15 s while the
 * crisis help lines are shown (a mentor may reach out), otherwise not at all.
 */
import { POLL_CRISIS_MS, POLL_MENTOR_MS, state } from "./state.js";
import { getHistory } from "./transport.js";
import { addMessage, addNotice, keepAtBottomIfNear, roleOf } from "./messages.js";

function pollDelay() {
  if (!state.sender) { return 0; }
  if (state.mentorPresent) { return POLL_MENTOR_MS; }
  return state.crisis ? POLL_CRISIS_MS : 0;
}

export function schedulePoll(soon) {
  window.clearTimeout(state.pollTimer);
  state.pollTimer = null;
  var delay = pollDelay();
  if (delay) { state.pollTimer = window.setTimeout(pollMentor, soon ? 1000 : delay); }
}

export function notePresence(message) {
  var custom = message && message.custom;
  if (message && message.role === "system" && custom && typeof custom.mentor_present === "boolean") {
    state.mentorPresent = custom.mentor_present;
  }
}

/** New mentor messages and mentor notices; everything else on this page came with its own answer. */
function pollMentor() {
  var generation = state.generation;
  if (document.hidden || !state.sender) { schedulePoll(); return; }
  getHistory(state.sender)
    .then(function (result) {
      var data = result.ok ? result.data : null;
      if (generation !== state.generation || !data || !Array.isArray(data.messages)) { return; }
      var shown = false;
      data.messages.forEach(function (message) {
        if (!message || typeof message !== "object" || !(message.id > state.lastId)) { return; }
        state.lastId = message.id;
        var role = roleOf(message);
        if (role === "mentor") {
          addMessage("mentor", message);
          shown = true;
        } else if (role === "system") {
          notePresence(message);
          if (message.text) { addNotice(message.text, "info"); shown = true; }
        }
      });
      if (shown) { keepAtBottomIfNear(); }
    })
    .catch(function () { /* try again at the next tick */ })
    .then(function () { if (generation === state.generation) { schedulePoll(); } });
}

export function watchVisibility() {
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && state.pollTimer) { schedulePoll(true); }
  });
}
