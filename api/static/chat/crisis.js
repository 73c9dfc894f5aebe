/*
 * The crisis help lines: the banner opened with the bot's crisis answer (custom.crisis), the help
 * lines one tap away after the direct safety question (custom.safety_check), and the buttons that
 * show and hide them. The lines are drawn again when the language changes (language.js).
 */
import { make, t } from "../page_kit.js";
import { state, ui } from "./state.js";
import { keepAtBottomIfNear, labelled, safeUrl } from "./messages.js";

function externalLink(href, text, className) {
  var a = make("a", className, text);
  a.href = href;
  a.target = "_blank";
  a.rel = "noopener noreferrer";
  a.appendChild(document.createTextNode(" "));
  a.appendChild(labelled("span", "visually-hidden", "opens_new_tab"));
  return a;
}

export function renderHelpLines(crisis) {
  var list = ui.helpLines;
  while (list.firstChild) { list.removeChild(list.firstChild); }
  var lines = Array.isArray(crisis.helplines) ? crisis.helplines : [];
  lines.forEach(function (line) {
    if (!line || typeof line !== "object") { return; }
    var item = make("li", "help-line");
    item.appendChild(make("p", "help-name", line.name || line.id || ""));
    // Ways to reach the line come right after its name: on a small screen they must not hide below.
    var actions = make("div", "help-actions");
    var phone = typeof line.phone === "string" ? line.phone.replace(/[^\d+]/g, "") : "";
    if (phone) {
      var call = make("a", "help-call", t("help_call", { phone: line.phone }));
      call.href = "tel:" + phone;
      actions.appendChild(call);
    }
    var chat = safeUrl(line.chat_url);
    if (chat) { actions.appendChild(externalLink(chat, t("help_chat"), "help-link")); }
    var web = safeUrl(line.web);
    if (web) { actions.appendChild(externalLink(web, t("help_web"), "help-link")); }
    if (actions.firstChild) { item.appendChild(actions); }
    if (line.description) { item.appendChild(make("p", "help-desc", line.description)); }
    if (line.hours) { item.appendChild(make("p", "help-hours", t("help_hours", { hours: line.hours }))); }
    list.appendChild(item);
  });
  list.hidden = !list.firstChild;
  ui.banner.classList.toggle("help-urgent", crisis.severity === "imminent" || crisis.severity === "high");
}

export function showCrisis(crisis) {
  if (!crisis || typeof crisis !== "object") { return; }
  state.crisis = crisis;
  renderHelpLines(crisis);
  ui.helpShow.hidden = false;
  setBannerOpen(true, false);
}

/** The direct safety question came with the help lines: one tap away ("Help lines"), not opened. */
export function offerHelpLines(check) {
  if (!check || typeof check !== "object" || state.crisis) { return; }
  renderHelpLines({ helplines: check.helplines, severity: null });
  ui.helpShow.hidden = false;
}

function setBannerOpen(open, moveFocus) {
  ui.banner.hidden = !open;
  keepAtBottomIfNear();
  ui.helpShow.setAttribute("aria-expanded", open ? "true" : "false");
  if (moveFocus) { (open ? ui.bannerTitle : ui.helpShow).focus(); }
}

export function clearCrisis() {
  state.crisis = null;
  ui.banner.hidden = true;
  ui.helpShow.hidden = true;
  ui.helpShow.setAttribute("aria-expanded", "false");
}

export function bindHelpButtons() {
  ui.helpShow.addEventListener("click", function () { setBannerOpen(ui.banner.hidden, true); });
  ui.helpHide.addEventListener("click", function () { setBannerOpen(false, true); });
}
