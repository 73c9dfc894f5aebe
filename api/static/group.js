/*
 * A member's group page (/groups/<id>): the theme, writing a reflection (private or shared), the
 * member's own reflections (share one later, or take it back), what the group shared, the group
 * map, showing one's own check-in in it, and leaving. An ES module on page_kit.js.
 *
 * The member is the anonymous id the chat keeps in this browser; the page talks only to
 * /api/groups/{sender}/{group}/... A reflection with crisis signals is never shared: the answer
 * then carries the crisis replies, shown at once with the help lines and a way back to the chat.
 * Safety rule: data is never parsed as HTML (textContent and DOM calls only).
 */
import * as page from "./page_kit.js";

var t = page.t;
var make = page.make;
var body = document.body;
var $ = function (id) { return document.getElementById(id); };
var ui = {
  name: $("group-name"), facts: $("group-facts"), status: $("group-status"), result: $("group-result"),
  error: $("group-error"), errorText: $("group-error-text"), retry: $("group-retry"),
  crisis: $("group-crisis"), crisisReplies: $("crisis-replies"), crisisLines: $("crisis-lines"),
  content: $("group-body"), theme: $("group-theme"), themeChatRow: $("group-theme-chat-row"),
  themeChat: $("group-theme-chat"), write: $("group-write"), reflection: $("reflection"),
  reflectionError: $("reflection-error"), mineNone: $("mine-none"), mineList: $("mine-list"),
  sharedNone: $("shared-none"), sharedList: $("shared-list"), mapFigure: $("group-map-figure"),
  map: $("group-map"), mapCaption: $("group-map-caption"), mapWaiting: $("group-map-waiting"),
  shareCheckin: $("share-checkin"), shareCheckinHint: $("share-checkin-hint"), leave: $("group-leave")
};
var groupId = body.getAttribute("data-group-id");
var base = body.getAttribute("data-base") || "";
var state = { sender: page.sender(), data: null, busy: false, loading: 0, mapVersion: 0 };

function url(path) {
  var root = body.getAttribute("data-group-url").replace("{sender}", encodeURIComponent(state.sender));
  return root + (path || "") + "?lang=" + encodeURIComponent(page.lang());
}

/* ---------- status, errors, results ---------- */

function setStatus(key) {
  if (key) { ui.status.setAttribute("data-ui", key); } else { ui.status.removeAttribute("data-ui"); }
  ui.status.textContent = key ? t(key) : "";
}

function showError(text) {
  ui.errorText.textContent = text;
  ui.error.hidden = false;
}

function showResult(key) {
  ui.result.textContent = t(key);
  ui.result.setAttribute("data-ui", key);
  ui.result.hidden = false;
}

function setBusy(busy) {
  state.busy = busy;
  Array.prototype.forEach.call(ui.content.querySelectorAll("button, input, textarea"), function (el) {
    el.disabled = busy;
  });
  ui.content.setAttribute("aria-busy", busy ? "true" : "false");
  setStatus(busy ? "group_busy" : null);
}

/* ---------- loading and drawing ---------- */

function load() {
  ui.error.hidden = true;
  if (!state.sender) {
    setStatus(null);
    showError(t("group_no_id"));
    ui.retry.hidden = true;
    return;
  }
  var ticket = ++state.loading;
  setStatus("group_loading");
  page.requestJson("GET", url()).then(function (result) {
    if (ticket !== state.loading) { return; }
    setStatus(null);
    if (!result.ok) {
      ui.content.hidden = true;
      ui.retry.hidden = result.status === 403 || result.status === 410;
      showError(page.errorText(result, "group_error"));
      return;
    }
    state.data = result.data;
    draw();
  });
}

function draw() {
  var data = state.data;
  if (!data) { return; }
  ui.name.removeAttribute("data-ui");
  ui.name.textContent = data.name;
  document.title = data.name + " · " + t("group_page_title");
  var facts = [t("group_you_are", { nickname: data.me.nickname })];
  if (data.rhythm) { facts.push(t("group_rhythm", { rhythm: data.rhythm })); }
  facts.push(t("group_members", { count: data.members.length, names: data.members.join(", ") }));
  ui.facts.textContent = facts.join(" · ");
  drawTheme(data.theme);
  drawMine(data.mine || []);
  drawShared(data.shared || [], data.me.nickname);
  drawMap(data.map, data.me);
  ui.content.hidden = false;
}

function drawTheme(theme) {
  ui.theme.textContent = "";
  if (!theme) {
    ui.theme.textContent = t("group_theme_none");
    ui.themeChatRow.hidden = true;
    return;
  }
  ui.theme.appendChild(make("span", "tag", theme.kind_label));
  ui.theme.appendChild(document.createTextNode(" " + theme.label));
  ui.themeChat.href = base + "/?lang=" + encodeURIComponent(page.lang()) + "&theme=" + encodeURIComponent(groupId);
  ui.themeChatRow.hidden = false;
}

function item(text, meta) {
  var li = make("li", "group-item");
  page.appendLines(li.appendChild(make("p", "group-text")), text);
  if (meta) { li.insertBefore(meta, li.firstChild); }
  return li;
}

function actionButton(key, handler) {
  var button = make("button", "text-button", t(key));
  button.type = "button";
  button.setAttribute("data-ui", key);
  button.addEventListener("click", handler);
  return button;
}

function drawMine(mine) {
  ui.mineList.textContent = "";
  ui.mineNone.hidden = mine.length > 0;
  mine.forEach(function (reflection) {
    var badge = make("span", "tag" + (reflection.shared ? " tag-shared" : ""),
                     t(reflection.shared ? "group_mine_shared" : "group_mine_private"));
    var li = item(reflection.text, badge);
    var row = make("div", "group-item-actions");
    if (reflection.shared) {
      row.appendChild(actionButton("group_withdraw", function () { withdraw(reflection.shared_item_id); }));
    } else {
      row.appendChild(actionButton("group_share", function () { shareExisting(reflection.id); }));
    }
    li.appendChild(row);
    ui.mineList.appendChild(li);
  });
}

function drawShared(shared, nickname) {
  ui.sharedList.textContent = "";
  ui.sharedNone.hidden = shared.length > 0;
  shared.forEach(function (entry) {
    var who = entry.nickname ? (entry.mine ? t("group_shared_you", { nickname: nickname }) : entry.nickname)
      : t("group_former_member");
    ui.sharedList.appendChild(item(entry.text, make("strong", "group-who", who)));
  });
}

function drawMap(map, me) {
  if (map.shown) {
    state.mapVersion += 1;
    ui.map.src = url("/map.png").replace("?", "?v=" + state.mapVersion + "&");
    ui.map.alt = map.alt || t("group_map_alt_default");
    ui.mapCaption.textContent = t("group_map_explain", { count: map.sharers });
    ui.mapFigure.hidden = false;
    ui.mapWaiting.textContent = "";
  } else {
    ui.mapFigure.hidden = true;
    ui.mapWaiting.textContent = map.needed || !map.resting_until
      ? t("group_map_waiting", { needed: map.needed })
      : t("group_map_resting", { date: map.resting_until });
  }
  ui.shareCheckin.checked = !!me.shares_checkin;
  ui.shareCheckin.disabled = !me.has_checkin && !me.shares_checkin;
  ui.shareCheckinHint.textContent = t(me.has_checkin ? "group_map_mine_hint" : "group_map_no_checkin");
}

/* ---------- actions ---------- */

/** Every change goes through here: busy state, errors in the page's language, a crisis answer. */
function act(method, path, payload, doneKey) {
  if (state.busy) { return Promise.resolve(null); }
  setBusy(true);
  ui.result.hidden = true;
  return page.requestJson(method, url(path), payload).then(function (result) {
    setBusy(false);
    if (!result.ok) {
      if (result.status === 403 || result.status === 410) { load(); }
      showError(page.errorText(result, "group_failed"));
      ui.retry.hidden = true;
      return null;
    }
    ui.error.hidden = true;
    if (result.data && result.data.crisis) {
      showCrisis(result.data.replies || []);
      return result.data;
    }
    if (doneKey) { showResult(doneKey); }
    load();
    return result.data;
  });
}

function showCrisis(replies) {
  ui.crisisReplies.textContent = "";
  ui.crisisLines.textContent = "";
  replies.forEach(function (reply) {
    if (!reply || typeof reply !== "object") { return; }
    if (reply.text) { page.appendLines(ui.crisisReplies.appendChild(make("p")), reply.text); }
    var crisis = reply.custom && reply.custom.crisis;
    (crisis && Array.isArray(crisis.helplines) ? crisis.helplines : []).forEach(function (line) {
      var phone = typeof line.phone === "string" ? line.phone.replace(/[^\d+]/g, "") : "";
      var li = make("li", "help-line", line.name || "");
      if (phone) {
        li.appendChild(document.createTextNode(" "));
        var call = make("a", "help-call", t("help_call", { phone: line.phone }));
        call.href = "tel:" + phone;
        li.appendChild(call);
      }
      ui.crisisLines.appendChild(li);
    });
  });
  ui.crisis.hidden = false;
  ui.crisis.focus();
}

ui.write.addEventListener("submit", function (event) {
  event.preventDefault();
  var text = ui.reflection.value.trim();
  if (!text) {
    ui.reflectionError.textContent = t("group_write_empty");
    ui.reflection.setAttribute("aria-invalid", "true");
    ui.reflection.focus();
    return;
  }
  ui.reflectionError.textContent = "";
  ui.reflection.removeAttribute("aria-invalid");
  var share = event.submitter ? event.submitter.value === "share" : false;
  act("POST", "/reflections", { text: text, share: share }, share ? "group_saved_shared" : "group_saved_private")
    .then(function (answer) { if (answer) { ui.reflection.value = ""; } });
});

function shareExisting(reflectionId) {
  act("POST", "/reflections/" + encodeURIComponent(reflectionId) + "/share", undefined, "group_saved_shared");
}

function withdraw(itemId) {
  act("POST", "/shared/" + encodeURIComponent(itemId) + "/withdraw", undefined, "group_withdrawn");
}

ui.shareCheckin.addEventListener("change", function () {
  act("POST", "/checkin", { share: ui.shareCheckin.checked }, null);
});

ui.leave.addEventListener("submit", function (event) {
  event.preventDefault();
  if (!state.data || !window.confirm(t("group_leave_confirm", { name: state.data.name }))) { return; }
  var keep = ui.leave.querySelector("input[name=keep]:checked").value === "yes";
  if (state.busy) { return; }
  setBusy(true);
  page.requestJson("POST", url("/leave"), { keep_shared: keep }).then(function (result) {
    setBusy(false);
    if (!result.ok) { showError(page.errorText(result, "group_failed")); return; }
    ui.content.hidden = true;
    showResult("group_left");
    ui.result.focus();
  });
});

ui.retry.addEventListener("click", load);
page.onLanguage(function () { if (state.data) { load(); } });
page.initialLanguage();
load();
