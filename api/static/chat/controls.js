/*
 * The controls around the conversation: the country, the intro's start button, "new conversation",
 * "forget me", the options menu (Escape and a click elsewhere close it), the skip link, and the
 * layout above an on-screen keyboard.
 */
import { KEY, store, t } from "../page_kit.js";
import { COUNTRIES, COUNTRY_KEY, state, ui } from "./state.js";
import { addNotice, keepAtBottomIfNear } from "./messages.js";
import { clearCrisis } from "./crisis.js";
import { send } from "./sending.js";
import { resizeInput, showFieldError, updateCounter } from "./composer.js";

function resetConversation() {
  state.generation += 1;
  state.sender = null;
  state.lastId = 0;
  state.mentorPresent = false;
  window.clearTimeout(state.pollTimer);
  state.pollTimer = null;
  store.remove(KEY.sender);
  Array.prototype.slice.call(ui.log.querySelectorAll(".msg, .notice")).forEach(function (el) {
    ui.log.removeChild(el);
  });
  clearCrisis();
  showFieldError(null);
  ui.intro.hidden = false;
  ui.options.open = false;
}

export function bindControls() {
  ui.country.addEventListener("change", function () {
    var value = ui.country.value;
    state.country = COUNTRIES.indexOf(value) >= 0 ? value : null;
    if (state.country) { store.set(COUNTRY_KEY, state.country); } else { store.set(COUNTRY_KEY, "other"); }
  });

  ui.introStart.addEventListener("click", function (event) {
    if (send(t("start_message"), null) && event.detail === 0) { ui.input.focus(); }
  });

  ui.newConversation.addEventListener("click", function () {
    if (!window.confirm(t("new_conversation_confirm"))) { return; }
    resetConversation();
    ui.input.focus();
  });

  ui.forgetMe.addEventListener("click", function () {
    if (!window.confirm(t("forget_me_confirm"))) { return; }
    resetConversation();
    store.forgetAll();
    state.country = null;
    ui.country.value = "";
    ui.input.value = "";
    resizeInput();
    updateCounter();
    addNotice(t("forgotten"), "info");
    ui.input.focus();
  });

  // The options panel closes with Escape and when focus or a click goes elsewhere.
  ui.options.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && ui.options.open) {
      ui.options.open = false;
      ui.options.querySelector("summary").focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (ui.options.open && !ui.options.contains(event.target)) { ui.options.open = false; }
  });

  // The skip link lands in the message box.
  var skip = document.querySelector(".skip-link");
  if (skip) {
    skip.addEventListener("click", function (event) {
      event.preventDefault();
      ui.input.focus();
    });
  }

  // Keep the message box above an on-screen keyboard where the browser only shrinks the visual viewport.
  if (window.visualViewport) {
    var fit = function () {
      var viewport = window.visualViewport;
      if (Math.abs(viewport.scale - 1) > 0.01) {
        document.documentElement.style.removeProperty("--app-height"); // pinch zoom: leave the layout alone
        return;
      }
      document.documentElement.style.setProperty("--app-height", viewport.height + "px");
      keepAtBottomIfNear();
    };
    window.visualViewport.addEventListener("resize", fit);
    fit();
  }
}
