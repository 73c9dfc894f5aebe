/*
 * The chat page's settings (from data-* on <body>), its elements, what it remembers while open, and
 * the visitor's anonymous id and country (kept in this browser through page_kit's store).
 */
import { KEY, store } from "../page_kit.js";

var body = document.body;

export var config = {
  maxChars: parseInt(body.getAttribute("data-max-chars"), 10) || 2000,
  webhookUrl: body.getAttribute("data-webhook-url"),
  historyUrl: body.getAttribute("data-history-url"),
  groupsUrl: body.getAttribute("data-groups-url"),
  base: body.getAttribute("data-base") || "" // the app's root path, e.g. "/companion"
};
export var COUNTRY_KEY = "wb.country";
export var COUNTRIES = ["BE", "NL"];
export var SLOW_AFTER_MS = 8000;
export var GIVE_UP_AFTER_MS = 60000;
export var COUNTER_FROM = 0.9; // show the character counter from 90% of the limit
export var POLL_MENTOR_MS = 5000;
export var POLL_CRISIS_MS = 15000;

var $ = function (id) { return document.getElementById(id); };
export var ui = {
  log: $("log"),
  intro: $("intro"),
  introStart: $("intro-start"),
  status: $("status"),
  statusText: $("status-text"),
  form: $("composer"),
  input: $("message"),
  send: $("send"),
  counter: $("message-counter"),
  error: $("message-error"),
  country: $("country"),
  options: $("options"),
  newConversation: $("new-conversation"),
  forgetMe: $("forget-me"),
  banner: $("help-banner"),
  bannerTitle: $("help-title"),
  helpLines: $("help-lines"),
  helpShow: $("help-show"),
  helpHide: $("help-hide"),
  mapLink: $("my-map-link"),
  groupJoin: $("group-join"),
  groupCode: $("group-code"),
  groupNickname: $("group-nickname"),
  myGroups: $("my-groups"),
  myGroupsList: $("my-groups-list")
};

export var state = {
  country: null,
  sender: null,
  sending: false,
  generation: 0, // bumped by "new conversation" so late answers to the old one are dropped
  crisis: null,
  slowTimer: null,
  pinned: true, // the visitor is at the end of the conversation, so new content keeps it in view
  lastId: 0, // the newest stored message this page has seen (for mentor polling)
  mentorPresent: false,
  pollTimer: null
};

/* ---------- the anonymous id and the country ---------- */

function newId() {
  var cryptoApi = window.crypto;
  if (cryptoApi && typeof cryptoApi.randomUUID === "function") { return cryptoApi.randomUUID(); }
  // randomUUID needs a secure context; getRandomValues does not.
  var bytes = new Uint8Array(16);
  cryptoApi.getRandomValues(bytes);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
}

/** The anonymous id is created and stored only when the visitor first sends something. */
export function ensureSender() {
  if (!state.sender) {
    state.sender = newId();
    store.set(KEY.sender, state.sender);
  }
  return state.sender;
}

export function initialCountry() {
  var saved = store.get(COUNTRY_KEY);
  if (saved === "other") { return null; }
  if (saved && COUNTRIES.indexOf(saved) >= 0) { return saved; }
  // A guess from the browser's locales (nl-BE, fr-BE, nl-NL); used but not stored until chosen.
  var locales = navigator.languages || [navigator.language || ""];
  for (var i = 0; i < locales.length; i++) {
    var region = String(locales[i]).split("-")[1];
    if (region && COUNTRIES.indexOf(region.toUpperCase()) >= 0) { return region.toUpperCase(); }
  }
  return null;
}
