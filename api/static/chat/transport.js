/*
 * The chat page's requests to the gateway, all through page_kit's requestJson (JSON in and out,
 * resolving to {ok, status, data}; status 0 when there was no answer at all). Addresses come from
 * the page (data-*-url on <body>, see state.js):
 *   POST /webhooks/rest/webhook                 (Rasa REST channel format)
 *   GET  /api/conversations/{sender}/messages   (history for a returning visitor, and mentor polling)
 *   GET  /api/groups/{sender}                   (the visitor's self-help groups; a new theme offered once)
 *   POST /api/groups/{sender}/join              (joining with a code and a nickname)
 */
import { lang, requestJson } from "../page_kit.js";
import { config } from "./state.js";

/** One message from the visitor; `signal` gives up on it (see GIVE_UP_AFTER_MS). */
export function postMessage(payload, signal) {
  return requestJson("POST", config.webhookUrl, payload, signal);
}

export function getHistory(sender) {
  return requestJson("GET", config.historyUrl.replace("{sender}", encodeURIComponent(sender)));
}

export function getGroups(sender) {
  return requestJson("GET", config.groupsUrl.replace("{sender}", encodeURIComponent(sender)) + "?lang=" + encodeURIComponent(lang()));
}

export function joinGroup(sender, code, nickname) {
  return requestJson("POST", config.base + "/api/groups/" + encodeURIComponent(sender) + "/join",
    { code: code, nickname: nickname, language: lang() });
}
