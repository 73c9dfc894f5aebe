/*
 * The chat's part of a language switch (page_kit's setLanguage has already translated every
 * data-ui* element): the character counter, the link to "my map" and the help lines are drawn again.
 */
import { lang, onLanguage } from "../page_kit.js";
import { config, state, ui } from "./state.js";
import { updateCounter } from "./composer.js";
import { renderHelpLines } from "./crisis.js";

/** The "my map" page opens in the language of the chat. */
export function updateMapLink() {
  if (ui.mapLink) { ui.mapLink.href = config.base + "/my-map?lang=" + encodeURIComponent(lang()); }
}

export function followLanguage() {
  onLanguage(function () {
    updateCounter();
    updateMapLink();
    if (state.crisis) { renderHelpLines(state.crisis); }
  });
}
