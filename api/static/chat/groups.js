/*
 * Self-help groups in the chat: the visitor's groups in the options menu, a group's new theme
 * offered once, "reflect on it in the chat" from the group page (?theme=<group id>), and joining a
 * group with the facilitator's code (an invite link fills it in: ?group=CODE).
 */
import { lang, make, t } from "../page_kit.js";
import { config, ensureSender, state, ui } from "./state.js";
import { getGroups, joinGroup } from "./transport.js";
import { addMessage, addNotice, keepAtBottomIfNear, scrollToBottom } from "./messages.js";
import { send } from "./sending.js";

/** The group page as a site path ("/groups/3?lang=nl"): custom.link adds the app's root path itself. */
function groupPagePath(groupId) {
  return "/groups/" + encodeURIComponent(groupId) + "?lang=" + encodeURIComponent(lang());
}

/** The button payload that asks the dialogue for one group's theme. */
function themePayload(groupId) {
  return "/group_theme{\"group\": \"" + String(groupId) + "\"}";
}

function errorOf(data) {
  return data && typeof data === "object" && data.error && typeof data.error === "object" ? data.error : {};
}

/** The person's groups in the options menu, and each new theme offered once (the API remembers). */
export function loadGroups() {
  if (!state.sender || !config.groupsUrl) { return; }
  var generation = state.generation;
  getGroups(state.sender)
    .then(function (result) {
      var data = result.ok ? result.data : null;
      if (generation !== state.generation || !data || !Array.isArray(data.groups)) { return; }
      renderMyGroups(data.groups);
      var invited = false;
      data.groups.forEach(function (group) {
        if (!group.new_theme || typeof group.invitation !== "string") { return; }
        ui.intro.hidden = true;
        addMessage("bot", {
          text: group.invitation,
          buttons: [{ title: t("group_invitation_reflect"), payload: themePayload(group.group_id) }],
          custom: { link: { href: groupPagePath(group.group_id), title: t("group_invitation_page") } }
        });
        invited = true;
      });
      if (invited) { keepAtBottomIfNear(); }
    })
    .catch(function () { /* groups are extra: the chat goes on without them */ });
}

function renderMyGroups(list) {
  if (!ui.myGroups) { return; }
  while (ui.myGroupsList.firstChild) { ui.myGroupsList.removeChild(ui.myGroupsList.firstChild); }
  list.forEach(function (group) {
    var item = make("li");
    var link = make("a", null, group.name + " (" + group.nickname + ")");
    link.href = config.base + groupPagePath(group.group_id);
    item.appendChild(link);
    ui.myGroupsList.appendChild(item);
  });
  ui.myGroups.hidden = !list.length;
}

// "Reflect on it in the chat" on the group page comes here as ?theme=<group id>.
export function reflectOnThemeFromLink() {
  var params = new URLSearchParams(window.location.search);
  var groupId = params.get("theme");
  if (!groupId || !/^\d{1,12}$/.test(groupId)) { return; }
  params.delete("theme");
  var query = params.toString();
  window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
  send(themePayload(groupId), t("group_invitation_reflect"));
}

// Joining a self-help group with the code from the facilitator (an invite link fills it in: ?group=CODE).
export function bindGroupJoin() {
  if (!ui.groupJoin) { return; }
  var invited = new URLSearchParams(window.location.search).get("group");
  if (invited) {
    ui.groupCode.value = invited.slice(0, 64);
    ui.options.open = true;
    ui.groupNickname.focus();
  }
  ui.groupJoin.addEventListener("submit", function (event) {
    event.preventDefault();
    var code = ui.groupCode.value.trim();
    var nickname = ui.groupNickname.value.trim();
    if (!code || !nickname) { addNotice(t("group_join_missing"), "error"); return; }
    joinGroup(ensureSender(), code, nickname).then(function (result) {
      // No answer, or an answer that is not JSON: the catch below.
      if (result.data === null) { throw new Error("join " + result.status); }
      ui.intro.hidden = true;
      if (result.ok) {
        addMessage("bot", {
          text: t("group_joined", { name: result.data.name, nickname: result.data.nickname }),
          custom: { link: { href: groupPagePath(result.data.group_id), title: t("group_invitation_page") } }
        });
        ui.groupJoin.reset();
        ui.options.open = false;
        loadGroups();
      } else {
        var error = errorOf(result.data);
        addNotice(String(error["message_" + lang()] || t("group_join_failed")), "error");
      }
      scrollToBottom();
    }).catch(function () { addNotice(t("error_network"), "error"); });
  });
}
