/*
 * The public chat page of Compass: the entry module. Plain JavaScript ES modules, no dependencies,
 * no build step; the shared page pieces come from page_kit.js, the chat's own parts from chat/:
 *
 *   chat/state.js       settings from the page (data-* on <body>), elements, state, the anonymous id
 *   chat/transport.js   the gateway's REST endpoints (chat, history, groups)
 *   chat/messages.js    message bubbles, answer buttons, custom.link buttons, notices, scrolling
 *   chat/crisis.js      the crisis help lines and the safety question's offer of them
 *   chat/mentor.js      polling for a human mentor's messages
 *   chat/sending.js     validation, delivery with retry, the bot's answers
 *   chat/composer.js    the message box
 *   chat/history.js     a returning visitor's conversation
 *   chat/groups.js      self-help groups: my groups, new themes, joining with a code
 *   chat/language.js    what the chat redraws on a language switch
 *   chat/controls.js    country, new conversation, forget me, options menu, skip link, viewport
 *
 * Safety rule for all of them: message content is never parsed as HTML (see chat/messages.js).
 */
import { initialLanguage } from "./page_kit.js";
import { initialCountry, state, ui } from "./chat/state.js";
import { watchScrolling } from "./chat/messages.js";
import { bindHelpButtons } from "./chat/crisis.js";
import { watchVisibility } from "./chat/mentor.js";
import { bindComposer, updateCounter } from "./chat/composer.js";
import { restore } from "./chat/history.js";
import { bindGroupJoin, loadGroups, reflectOnThemeFromLink } from "./chat/groups.js";
import { followLanguage, updateMapLink } from "./chat/language.js";
import { bindControls } from "./chat/controls.js";

watchScrolling();
watchVisibility();
bindComposer();
bindHelpButtons();
bindControls();
bindGroupJoin();
followLanguage();

initialLanguage();
updateMapLink();
state.country = initialCountry();
ui.country.value = state.country || "";
updateCounter();
restore(function () {
  loadGroups();
  reflectOnThemeFromLink();
});
