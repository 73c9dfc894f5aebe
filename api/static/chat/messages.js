/*
 * Building the conversation: message bubbles (text, images, answer buttons, link buttons), notices
 * with a retry button, and keeping the end of the conversation in view.
 *
 * Safety rule: message content is never parsed as HTML. Text goes in with textContent /
 * createTextNode; line breaks and links are built with DOM calls. A bot message may carry
 * `custom.link = {href, title}`: shown as a link button, only for paths on this site ("/...").
 */
import { make, t } from "../page_kit.js";
import { config, state, ui } from "./state.js";
import { send } from "./sending.js";

var URL_RE = /https?:\/\/[^\s<>"']+/g;

export function labelled(tag, className, key) {
  var el = make(tag, className, t(key));
  el.setAttribute("data-ui", key);
  return el;
}

export function safeUrl(raw) {
  if (typeof raw !== "string" || !raw) { return null; }
  try {
    var url = new URL(raw, window.location.href);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch (e) {
    return null;
  }
}

/** A path on this site ("/my-map"), under the app's root path; anything else gives null. */
export function localHref(raw) {
  if (typeof raw !== "string" || !/^\/(?![\/\\])/.test(raw)) { return null; }
  var path = config.base && raw.indexOf(config.base + "/") !== 0 ? config.base + raw : raw;
  try {
    var url = new URL(path, window.location.href);
    return url.origin === window.location.origin ? url.pathname + url.search + url.hash : null;
  } catch (e) {
    return null;
  }
}

/** custom.link = {href, title}: a link button below the message, same site only. */
function linkButton(link) {
  if (!link || typeof link !== "object") { return null; }
  var href = localHref(link.href);
  var title = typeof link.title === "string" ? link.title.trim() : "";
  if (!href || !title) { return null; }
  var row = make("div", "msg-links");
  var a = make("a", "choice link-button", title);
  a.href = href;
  row.appendChild(a);
  return row;
}

/** Text with line breaks as <br> and http(s) URLs as links; never parsed as HTML. */
function appendText(parent, text) {
  String(text).split(/\r\n|\r|\n/).forEach(function (line, index) {
    if (index > 0) { parent.appendChild(document.createElement("br")); }
    var last = 0;
    var match;
    URL_RE.lastIndex = 0;
    while ((match = URL_RE.exec(line)) !== null) {
      var url = match[0].replace(/[.,;:!?)\]}'"]+$/, "");
      var href = safeUrl(url);
      if (!href) { continue; }
      if (match.index > last) { parent.appendChild(document.createTextNode(line.slice(last, match.index))); }
      var link = make("a", null, url);
      link.href = href;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      parent.appendChild(link);
      last = match.index + url.length;
    }
    if (last < line.length) { parent.appendChild(document.createTextNode(line.slice(last))); }
  });
}

var WHO = { user: "you_label", bot: "bot_label", mentor: "mentor_label" };

export function roleOf(message) {
  var custom = message && message.custom;
  if (custom && custom.role === "mentor") { return "mentor"; }
  return ["user", "bot", "mentor", "system"].indexOf(message.role) >= 0 ? message.role : "bot";
}

export function addMessage(role, message, options) {
  options = options || {};
  var item = make("div", "msg msg-" + role);
  // The speaker is shown for mentors and read out for everyone.
  item.appendChild(labelled("span", role === "mentor" ? "msg-who" : "msg-who visually-hidden", WHO[role]));
  var text = typeof message.text === "string" ? message.text : "";
  if (text) {
    var bubble = make("div", "bubble");
    appendText(bubble, text);
    item.appendChild(bubble);
  }
  var src = safeUrl(message.image);
  if (src) {
    var figure = make("div", "msg-image");
    var img = document.createElement("img");
    img.src = src;
    img.loading = "lazy";
    img.decoding = "async";
    if (text) { img.alt = text; } else { img.alt = t("image_alt"); img.setAttribute("data-ui-alt", "image_alt"); }
    img.addEventListener("load", keepAtBottomIfNear);
    img.addEventListener("error", function () { figure.hidden = true; });
    figure.appendChild(img);
    item.appendChild(figure);
  }
  if (Array.isArray(message.buttons) && message.buttons.length) {
    item.appendChild(choiceGroup(message.buttons, options.choicesUsed));
  }
  var custom = message.custom && typeof message.custom === "object" ? message.custom : null;
  var link = custom ? linkButton(custom.link) : null;
  if (link) { item.appendChild(link); }
  if (!item.querySelector(".bubble, .msg-image, .choices, .msg-links")) { return null; }
  ui.log.appendChild(item);
  return item;
}

function choiceGroup(buttons, used) {
  var group = make("div", "choices");
  group.setAttribute("role", "group");
  group.setAttribute("aria-label", t("choices_label"));
  group.setAttribute("data-ui-label", "choices_label");
  buttons.forEach(function (choice) {
    if (!choice || typeof choice !== "object") { return; }
    var title = typeof choice.title === "string" && choice.title ? choice.title : choice.payload;
    var payload = typeof choice.payload === "string" && choice.payload ? choice.payload : title;
    if (typeof title !== "string" || !title) { return; }
    var button = make("button", "choice", title);
    button.type = "button";
    button.addEventListener("click", function (event) {
      if (state.sending || button.disabled || !send(payload, title)) { return; }
      button.classList.add("chosen");
      if (event.detail === 0) {
        ui.input.focus(); // keyboard users keep a sensible focus once the buttons are disabled
      }
    });
    group.appendChild(button);
  });
  if (used) { closeChoices(group); }
  return group;
}

function closeChoices(group) {
  group.classList.add("used");
  Array.prototype.forEach.call(group.querySelectorAll("button"), function (b) { b.disabled = true; });
}

/** Answer buttons and retry buttons belong to one moment; once the visitor moves on they close. */
export function closeOpenChoices() {
  Array.prototype.forEach.call(ui.log.querySelectorAll(".choices:not(.used), .notice-actions:not(.used)"), closeChoices);
}

export function addNotice(text, kind, onRetry) {
  var notice = make("div", "notice notice-" + (kind || "info"));
  notice.appendChild(labelled("span", "visually-hidden", "notice_label"));
  notice.appendChild(document.createTextNode(" "));
  var message = make("p", "notice-text");
  appendText(message, text);
  notice.appendChild(message);
  if (onRetry) {
    var actions = make("div", "notice-actions");
    var retry = labelled("button", "choice retry", "retry");
    retry.type = "button";
    retry.addEventListener("click", function (event) {
      if (state.sending) { return; }
      closeChoices(actions);
      onRetry();
      if (event.detail === 0) { ui.input.focus(); }
    });
    actions.appendChild(retry);
    notice.appendChild(actions);
  }
  ui.log.appendChild(notice);
  return notice;
}

/* ---------- keeping the end of the conversation in view ---------- */

function nearBottom() {
  return ui.log.scrollHeight - ui.log.scrollTop - ui.log.clientHeight < 80;
}

export function scrollToBottom() {
  ui.log.scrollTop = ui.log.scrollHeight;
  state.pinned = true;
}

/** For content that grows after it was added (images) and for a shrinking screen. */
export function keepAtBottomIfNear() {
  if (state.pinned) { scrollToBottom(); }
}

export function watchScrolling() {
  ui.log.addEventListener("scroll", function () { state.pinned = nearBottom(); }, { passive: true });
}
